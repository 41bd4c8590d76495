"""Rule sources → rules: detection by name, the Markdown mapping, and that no text is dropped."""

from __future__ import annotations

from pathlib import Path, PurePath

import pytest
from drvls.drv.model import Category, Context, Persona, Raw, Standard, Workflow
from drvls.drv.sources.parse import Format, ParsedSource, format_by_name, format_for, parse_source


def parse(text: str, fmt: Format = Format.DRIVEN, name: str = "rules.md") -> ParsedSource:
    return parse_source(text, name, fmt)


def non_blank_lines(text: str) -> set[int]:
    return {n for n, line in enumerate(text.split("\n"), start=1) if line.strip()}


def test_every_corpus_source_parses_with_no_text_lost(sources_dir: Path) -> None:
    files = sorted(p for p in sources_dir.iterdir() if p.is_file())
    assert len(files) >= 12
    for path in files:
        text = path.read_text(encoding="utf-8")
        parsed = parse_source(text, path.name, format_for(path, text))
        assert parsed.problems == [], path.name
        assert parsed.rules, path.name
        carried = set().union(*(site.lines for site in parsed.sites))
        assert non_blank_lines(text) <= carried, f"{path.name}: lines {sorted(non_blank_lines(text) - carried)}"
        assert all(rule.source.file == path.name and rule.source.line for rule in parsed.rules)
        lines = [rule.source.line or 0 for rule in parsed.rules]
        assert lines == sorted(lines), f"{path.name}: rules not in source order"


@pytest.mark.parametrize(("name", "fmt"), [
    (".cursorrules", Format.CURSOR), ("team.cursorrules", Format.CURSOR),
    (".github/copilot-instructions.md", Format.COPILOT), (".windsurfrules", Format.WINDSURF),
    ("CLAUDE.md", Format.CLAUDE), ("sub/claude.md", Format.CLAUDE), (".aider.conf.yml", Format.AIDER_YAML),
    ("CONVENTIONS.md", Format.AIDER_CONVENTIONS), (".driven/rules.md", Format.DRIVEN),
    ("README.md", None), ("rules.md", None), ("docs/guide.md", None), (".aider.chat.history.md", None),
    ("notCLAUDE.md", None), ("x.drv", None),
])
def test_rule_sources_are_recognised_by_name_only(name: str, fmt: Format | None) -> None:
    assert format_by_name(PurePath(name)) is fmt


def test_init_default_rules_map_to_persona_standards_and_one_context(sources_dir: Path) -> None:
    text = (sources_dir / "init_default_rules.md").read_text(encoding="utf-8")
    parsed = parse(text, name="init_default_rules.md")
    kinds = [type(rule).__name__ for rule in parsed.rules]
    assert kinds == ["Persona"] + ["Standard"] * 8 + ["Context"]
    persona = parsed.rules[0]
    assert isinstance(persona, Persona)
    assert persona.role.startswith("You are an expert software engineer")
    assert persona.traits == ["Precise and detail-oriented", "Proactive about edge cases", "Explains reasoning clearly"]
    assert persona.principles == ["Write idiomatic code", "Prefer explicit over implicit", "Test thoroughly"]
    categories = [r.category for r in parsed.rules if isinstance(r, Standard)]
    assert categories == [Category.STYLE] * 2 + [Category.NAMING] * 2 + [Category.ERROR_HANDLING] * 2 \
        + [Category.TESTING] * 2
    context = parsed.rules[-1]
    assert isinstance(context, Context)
    assert context.focus == ["src/", "tests/"]
    assert context.excludes == ["target/", "node_modules/", ".git/"]


def test_copilot_focus_only_context_is_kept(sources_dir: Path) -> None:
    text = (sources_dir / "copilot_parser_test.copilot-instructions.md").read_text(encoding="utf-8")
    parsed = parse(text, Format.COPILOT)
    context = parsed.rules[0]
    assert isinstance(context, Context) and context.focus == ["Focus on performance", "Zero-copy operations"]
    assert isinstance(parsed.rules[1], Raw)
    assert parsed.rules[1].content == "This is a Rust project for binary-first web development."
    testing = [r for r in parsed.rules if isinstance(r, Standard) and r.category is Category.TESTING]
    assert [r.description for r in testing] == ["Use property-based testing where applicable",
                                                "Aim for 80% code coverage"]


def test_code_fences_are_respected_and_kept_verbatim() -> None:
    text = "# Rules\n- Use clang-format\n```c\n#include <stdio.h>\n- not a rule\n```\n"
    parsed = parse(text)
    assert [type(r).__name__ for r in parsed.rules] == ["Standard", "Raw"]
    raw = parsed.rules[1]
    assert isinstance(raw, Raw)
    assert raw.content == "```c\n#include <stdio.h>\n- not a rule\n```"
    assert raw.source.line == 3


def test_unclosed_fence_is_reported_and_text_still_kept() -> None:
    parsed = parse("# Rules\n- a\n```\ncode\n")
    assert [d.code for d in parsed.problems] == ["RUL007"]
    assert parsed.problems[0].range.start.line == 2
    assert isinstance(parsed.rules[-1], Raw) and parsed.rules[-1].content == "```\ncode"


def test_preamble_before_the_first_heading_is_kept() -> None:
    parsed = parse("You are terse.\n\n# Style\n- Use tabs\n", Format.CURSOR, ".cursorrules")
    assert isinstance(parsed.rules[0], Raw) and parsed.rules[0].content == "You are terse."
    assert parsed.rules[0].source.line == 1


def test_priorities_saturate_instead_of_wrapping() -> None:
    text = "# Style\n" + "".join(f"- rule {i}\n" for i in range(300))
    priorities = [r.priority for r in parse(text).rules if isinstance(r, Standard)]
    assert priorities[:3] == [0, 1, 2]
    assert priorities[255:] == [255] * 45


def test_claude_memory_priorities_start_at_100_and_saturate() -> None:
    text = "## Memory\n" + "".join(f"- fact {i}\n" for i in range(200))
    rules = [r for r in parse(text, Format.CLAUDE, "CLAUDE.md").rules if isinstance(r, Standard)]
    assert rules[0].priority == 100 and rules[0].category is Category.OTHER
    assert rules[-1].priority == 255


def test_unknown_sections_become_raw_rules_with_their_heading() -> None:
    parsed = parse("# Notes\nSome words.\n\nMore words.\n## Style\n- Be brief\n")
    raw = parsed.rules[0]
    assert isinstance(raw, Raw) and raw.content == "# Notes\nSome words.\n\nMore words."
    assert isinstance(parsed.rules[1], Standard)


def test_workflow_steps_actions_and_conditions() -> None:
    text = ("## Workflow: Release\n- **Test**: run the suite\n  - When: before tagging\n  - make test\n"
            "- Tag\n### Publish\nUpload the wheel.\n- twine upload dist/*\n")
    flow = parse(text).rules[0]
    assert isinstance(flow, Workflow) and flow.name == "Release"
    assert [(s.name, s.description, s.condition, s.actions) for s in flow.steps] == [
        ("Test", "run the suite", "before tagging", ["make test"]),
        ("Tag", "", None, []),
        ("Publish", "Upload the wheel.", None, ["twine upload dist/*"]),
    ]


def test_context_parts_and_dependencies() -> None:
    text = "## Project\n- src/**\n- Performance matters\n### Dependencies\n- serde 1.0\n- tokio@1.37\n"
    context = parse(text).rules[0]
    assert isinstance(context, Context)
    assert context.includes == ["src/**"] and context.focus == ["Performance matters"]
    assert context.dependencies == [("serde", "1.0"), ("tokio", "1.37")]


def test_aider_yaml_maps_conventions_and_read_only_files(sources_dir: Path) -> None:
    text = (sources_dir / "aider_parser_test.aider.conf.yml").read_text(encoding="utf-8")
    parsed = parse(text, Format.AIDER_YAML, ".aider.conf.yml")
    assert [r.description for r in parsed.rules if isinstance(r, Standard)] == [
        "Use snake_case for functions", "Use PascalCase for types"]
    context = parsed.rules[-1]
    assert isinstance(context, Context) and context.excludes == ["*.lock", "vendor/**"]


def test_aider_yaml_error_is_reported_with_a_location_and_text_kept() -> None:
    text = "conventions:\n  - ok\nmodel: {broken\n"
    parsed = parse(text, Format.AIDER_YAML, ".aider.conf.yml")
    assert [d.code for d in parsed.problems] == ["RUL008"]
    assert parsed.problems[0].range.start.line == 2
    assert [type(r).__name__ for r in parsed.rules] == ["Raw"]
    assert parsed.rules[0].content == text.rstrip("\n")  # type: ignore[union-attr]


def test_aider_yaml_other_keys_and_comments_are_kept() -> None:
    text = "# team settings\nread: [CONVENTIONS.md]\nauto-commits: false\n"
    parsed = parse(text, Format.AIDER_YAML, ".aider.conf.yml")
    assert [type(r).__name__ for r in parsed.rules] == ["Raw", "Context", "Raw"]
    assert parsed.rules[1].includes == ["CONVENTIONS.md"]  # type: ignore[union-attr]
    assert parsed.rules[2].content == "auto-commits: false"  # type: ignore[union-attr]


@pytest.mark.parametrize("text", ["", "\n\n", "#", "-", "```", "---\n", "# \n## \n", "\r\n- x\r\n", "\x0c",
                                  "* * *", "1.", "    - deep\n- shallow", "#" * 7 + " seven"])
def test_odd_input_never_raises_and_keeps_text(text: str) -> None:
    parsed = parse(text)
    carried = set().union(*(site.lines for site in parsed.sites)) if parsed.sites else set()
    assert non_blank_lines(text) <= carried


def test_aider_yaml_credentials_are_not_copied() -> None:
    text = "openai-api-key: sk-very-secret\nset-env:\n  - TOKEN=abc\nconventions: [Use tabs]\n"
    parsed = parse(text, Format.AIDER_YAML, ".aider.conf.yml")
    assert [(d.code, d.range.start.line) for d in parsed.problems] == [("RUL010", 0), ("RUL010", 1)]
    contents = [r.content for r in parsed.rules if isinstance(r, Raw)]
    assert contents == ["openai-api-key: <redacted>", "set-env: <redacted>"]
    assert "secret" not in repr(parsed.rules) and "abc" not in repr(parsed.rules)
