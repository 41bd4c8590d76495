"""Lint of rule sources (exact ranges in the Markdown) and of decoded `.drv` rules."""

from __future__ import annotations

from pathlib import Path

from drvls.core.diagnostics import Diagnostic, Range
from drvls.drv.lint import lint_parsed, lint_rules
from drvls.drv.model import Category, Persona, Rule, RuleSet, SourceRef, Standard
from drvls.drv.sources.parse import Format, parse_source


def lint(text: str, fmt: Format = Format.CURSOR) -> list[Diagnostic]:
    parsed = parse_source(text, ".cursorrules", fmt)
    return sorted(lint_parsed(parsed, "/project/.cursorrules"), key=Diagnostic.sort_key)


def where(diag: Diagnostic) -> tuple[str, int, int, int, int]:
    r = diag.range
    return diag.code, r.start.line, r.start.character, r.end.line, r.end.character


def test_vague_word_is_matched_as_a_word_with_its_exact_range() -> None:
    text = "# Style\n- Keep code clean\n- Run the cleanup task\n- Cleanliness is next\n- A nice \u00e9t\u00e9 API\n"
    found = [where(d) for d in lint(text)]
    assert found == [("RUL002", 1, 12, 1, 17), ("RUL002", 4, 4, 4, 8)]


def test_long_rules_are_not_vague() -> None:
    assert lint("# Style\n- Keep code clean by running the formatter on every save\n") == []


def test_vague_word_on_a_continuation_line_points_there() -> None:
    text = "# Style\n- Be\n  better\n"
    assert [where(d) for d in lint(text)] == [("RUL002", 2, 2, 2, 8)]


def test_duplicate_reported_once_on_the_repeat_with_a_related_location() -> None:
    text = "# Style\n- Use tabs for indentation\n- Something else\n-   use TABS for   indentation\n"
    found = lint(text)
    assert [where(d) for d in found] == [("RUL001", 3, 4, 3, 30)]
    related = found[0].related
    assert len(related) == 1
    assert related[0].path == "/project/.cursorrules"
    assert related[0].range == Range.at(1, 2, 1, 26)


def test_empty_description_and_incomplete_persona() -> None:
    text = "# Style\n- \n-\n# Persona: Ada\n- Curious\n"
    found = [where(d) for d in lint(text)]
    assert found == [("RUL003", 1, 2, 1, 2), ("RUL003", 2, 1, 2, 1), ("RUL004", 3, 2, 3, 14)]
    assert "no role" in lint(text)[-1].message


def test_contradiction_reported_once_per_pair_with_the_other_rule_related() -> None:
    text = ("# Rules\n- Always write docstrings for public functions\n"
            "- Never write docstrings for public functions\n"
            "- You must not write docstrings for private helpers\n"
            "- You must not write docstrings for internal helpers\n")
    found = [d for d in lint(text) if d.code == "RUL005"]
    assert [where(d) for d in found] == [("RUL005", 2, 2, 2, 45)]
    assert found[0].related[0].range == Range.at(1, 2, 1, 46)
    assert "line 2" in found[0].message


def test_must_and_must_not_contradict_but_requirements_is_not_require() -> None:
    text = ("# Rules\n- You must validate every request payload\n"
            "- You must not validate every request payload twice\n"
            "- Avoid global state in request handlers\n"
            "- Document the requirements of request handlers in global state notes\n")
    found = [where(d) for d in lint(text) if d.code == "RUL005"]
    assert found == [("RUL005", 2, 2, 2, 51)]


def test_naming_conflict_reported_once() -> None:
    text = "# Naming\n- Use snake_case for functions\n- Name functions in camelCase\n- Use PascalCase for types\n"
    found = [where(d) for d in lint(text)]
    assert found == [("RUL006", 2, 2, 2, 29)]


def test_corpus_sources_lint_like_upstream_minus_its_false_hits(sources_dir: Path) -> None:
    from drvls.drv.sources.parse import format_for

    results = {}
    for path in sorted(sources_dir.iterdir()):
        text = path.read_text(encoding="utf-8")
        parsed = parse_source(text, path.name, format_for(path, text))
        results[path.name] = [where(d) for d in lint_parsed(parsed, str(path))]
    assert results["windsurf_parser_test.windsurfrules"] == [("RUL002", 4, 6, 4, 12)]  # "proper"
    assert all(not found for name, found in results.items() if name != "windsurf_parser_test.windsurfrules")


def test_lint_rules_on_decoded_rules_names_the_source_line() -> None:
    ruleset = RuleSet(rules=[
        Persona(name="", role="Reviewer", source=SourceRef("CLAUDE.md", 2)),
        Standard(Category.STYLE, 0, "Always run the formatter before commits", source=SourceRef("CLAUDE.md", 5)),
        Standard(Category.STYLE, 1, "Never run the formatter before commits", source=SourceRef(".cursorrules", 9)),
        Standard(Category.STYLE, 2, "", source=SourceRef(None, None)),
    ])
    found = sorted(lint_rules(ruleset), key=lambda d: d.code)
    assert [d.code for d in found] == ["RUL003", "RUL004", "RUL005"]
    assert all(d.range == Range.at(0, 0) for d in found)
    assert found[0].message.endswith("(rule 4)")
    assert found[1].message == "persona has no name (CLAUDE.md:2)"
    assert "CLAUDE.md:5" in found[2].message and found[2].message.endswith("(.cursorrules:9)")


def test_words_shared_by_many_rules_are_not_a_topic() -> None:
    rules: list[Rule] = [
        Standard(Category.STYLE, 0, f"{'Always' if i % 2 else 'Never'} format source files before commit {i}")
        for i in range(120)]
    assert [d for d in lint_rules(RuleSet(rules=rules)) if d.code == "RUL005"] == []
    few = rules[:4]
    assert len([d for d in lint_rules(RuleSet(rules=few)) if d.code == "RUL005"]) == 4  # pairs (0,1) (1,2) (0,3) (2,3)
