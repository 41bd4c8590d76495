"""Any text: parsing never raises, every non-blank line is carried by a rule, lint never raises."""

from __future__ import annotations

from drvls.drv.lint import lint_parsed
from drvls.drv.sources.canonical import parse_decompiled, render
from drvls.drv.sources.parse import Format, parse_source
from hypothesis import given, settings
from hypothesis import strategies as st

PIECES = ["# Persona", "## Style", "### Naming", "# Context", "### Exclude", "## Workflow: x", "### Step 1: y",
          "- item", "* star", "  - nested", "1. one", "-", "```", "~~~", "````py", "---", "text", "  indented",
          "Condition: z", "# Memory", "<!-- drv: raw lines=2 -->", "\t- tab", "#no-heading", "###### six"]
lines = st.lists(st.one_of(st.sampled_from(PIECES), st.text(st.characters(codec="utf-8"), max_size=12)),
                 max_size=25)


@settings(max_examples=400, deadline=None)
@given(lines, st.sampled_from([f for f in Format if f not in (Format.DECOMPILED, Format.AIDER_YAML)]))
def test_markdown_parse_keeps_every_line(parts: list[str], fmt: Format) -> None:
    text = "\n".join(parts)
    parsed = parse_source(text, "f.md", fmt)
    carried = set().union(*(site.lines for site in parsed.sites)) if parsed.sites else set()
    expected = {n for n, line in enumerate(text.split("\n"), start=1) if line.strip()}
    assert expected <= carried
    lint_parsed(parsed, "f.md")


@settings(max_examples=300, deadline=None)
@given(lines)
def test_aider_yaml_never_raises(parts: list[str]) -> None:
    parsed = parse_source("\n".join(parts), ".aider.conf.yml", Format.AIDER_YAML)
    assert parsed.rules or not "".join(parts).strip() or parsed.problems


@settings(max_examples=300, deadline=None)
@given(lines)
def test_broken_decompiled_markdown_never_raises(parts: list[str]) -> None:
    from drvls.drv.model import RuleSet

    parse_decompiled(render(RuleSet()) + "\n".join(parts), "x.md")
