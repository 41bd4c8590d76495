"""Hover in rule sources: a heading's anchor and rules, a rule's origin and the `.drv` compiled from it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from hover_support import RecordingClient, covered, hover_at, markdown
from lsprotocol import types

pytestmark = pytest.mark.asyncio(loop_scope="module")

EXAMPLE_RULES = Path(__file__).resolve().parents[2] / "examples" / "rules"

CONVENTIONS = """# Conventions

See [naming](#naming) before you start.

## Naming
- Use snake_case for functions
- Use CamelCase for classes
"""


async def test_a_heading_and_a_link_to_it(hover_client: RecordingClient) -> None:
    editor = hover_client.editor
    uri = editor.open("CONVENTIONS.md", CONVENTIONS, language_id="markdown")
    shown = markdown(await hover_at(hover_client, uri, CONVENTIONS, "## Naming", 4))
    assert "**rule-source heading** `## Naming`" in shown
    assert "anchor: `#naming`" in shown and "rules directly under it: 2" in shown
    assert "links to it in this file: 1" in shown
    linked = await hover_at(hover_client, uri, CONVENTIONS, "(#naming)", 3)
    assert "`## Naming`" in markdown(linked)
    assert linked is not None and linked.range is not None and covered(CONVENTIONS, linked.range) == "#naming"


async def test_a_rule_says_where_it_was_written_and_compiled_to(hover_client: RecordingClient) -> None:
    editor = hover_client.editor
    for name in ("CLAUDE.md", "rules.drv"):
        shutil.copyfile(EXAMPLE_RULES / name, editor.root / name)
    text = (editor.root / "CLAUDE.md").read_text(encoding="utf-8")
    uri = editor.open("CLAUDE.md", text, language_id="markdown")
    await hover_client.workspace_diagnostic_async(types.WorkspaceDiagnosticParams(previous_result_ids=[]))
    shown = markdown(await hover_at(hover_client, uri, text, "- Prefer the sDDF queue", 4))
    assert "**standard rule**: Prefer the sDDF queue library" in shown
    assert "written at `CLAUDE.md` line 2" in shown and "under the heading `Instructions`" in shown
    assert "compiled into `rules.drv`" in shown


async def test_a_compiled_rule_set_lists_where_its_rules_came_from(hover_client: RecordingClient) -> None:
    editor = hover_client.editor
    shutil.copyfile(EXAMPLE_RULES / "rules.drv", editor.root / "rules.drv")
    uri = editor.open("rules.drv", "", language_id="drv")  # the server reads a `.drv` from disk
    shown = markdown(await hover_at(hover_client, uri, "x", "x"))
    assert shown.startswith("**compiled rule set**: ")
    assert "| standard | Prefer the sDDF queue library over hand-written ring buffers | `CLAUDE.md` line 2 |" in shown
