"""Completion in rule sources, through the real server: the front-matter keys each scoped format reads
(Cursor, Copilot, Windsurf, Kiro, Claude), their values (booleans, activation words, globs), the
whole block in a file that has none, and heading titles that the file's dialect maps to rules; what
is accepted reads back as the scope or the rule it promises."""

from __future__ import annotations

import pytest
from completion_support import RecordingClient, accept, complete, labels, opened, position
from drvls.drv.model import Activation, Category, Context, Persona, Raw, Standard, Workflow
from drvls.drv.sources.detect import Format
from drvls.drv.sources.parse import parse_source
from drvls.drv.sources.scoped import parse_scoped
from lsprotocol import types

pytestmark = pytest.mark.asyncio(loop_scope="module")

CURSOR = ".cursor/rules/python.mdc"
BODY = "# Python\n\n- Type every function.\n"


async def at(client: RecordingClient, name: str, text: str, needle: str, offset: int | None = None
             ) -> list[types.CompletionItem]:
    uri = opened(client, name, text, "markdown")
    return await complete(client, uri, position(text, needle, offset))


def scope_of(text: str, fmt: Format = Format.CURSOR_MDC) -> tuple[Activation, tuple[str, ...]]:
    parsed = parse_scoped(text, CURSOR, fmt)
    assert not parsed.problems
    scope = parsed.rules[0].scope
    assert scope is not None
    return scope.activation, scope.globs


async def test_a_cursor_rule_proposes_the_keys_it_does_not_have_yet(client: RecordingClient) -> None:
    text = f"---\ndescription: Python code\n\n---\n{BODY}"
    items = await at(client, CURSOR, text, "code\n", 5)
    assert labels(items) == ["globs", "alwaysApply"]
    assert all(i.kind == types.CompletionItemKind.Property for i in items)
    chosen = accept(text, items[1])
    assert "alwaysApply: false\n" in chosen
    assert scope_of(chosen) == (Activation.REQUESTED, ())


async def test_a_key_being_typed_is_completed_in_place(client: RecordingClient) -> None:
    text = f"---\nglobs: src/**\nalw\n---\n{BODY}"
    items = await at(client, CURSOR, text, "alw")
    assert labels(items) == ["alwaysApply"]
    assert scope_of(accept(text, items[0]).replace("false", "true")) == (Activation.ALWAYS, ("src/**",))


async def test_a_key_renamed_in_place_keeps_its_value(client: RecordingClient) -> None:
    text = f"---\nglob: src/**\n---\n{BODY}"
    items = await at(client, CURSOR, text, "glob")
    assert labels(items) == ["globs"]
    assert items[0].insert_text_format == types.InsertTextFormat.PlainText
    assert scope_of(accept(text, items[0])) == (Activation.FILES, ("src/**",))


async def test_a_byte_order_mark_does_not_hide_the_block(client: RecordingClient) -> None:
    text = f"\ufeff---\ndescription: x\n\n---\n{BODY}"
    assert labels(await at(client, CURSOR, text, "x\n")) == ["globs", "alwaysApply"]
    assert await at(client, CURSOR, text, "\ufeff", 0) == []  # no second block offered


async def test_always_apply_takes_a_boolean(client: RecordingClient) -> None:
    text = f"---\nalwaysApply: \n---\n{BODY}"
    items = await at(client, CURSOR, text, "alwaysApply: ")
    assert labels(items) == ["true", "false"]
    assert scope_of(accept(text, items[0])) == (Activation.ALWAYS, ())


async def test_a_glob_after_a_comma_replaces_only_that_glob(client: RecordingClient) -> None:
    text = f"---\nglobs: src/**, do\n---\n{BODY}"
    items = await at(client, CURSOR, text, "do\n", 2)
    assert labels(items) == ["docs/**"]
    assert scope_of(accept(text, items[0])) == (Activation.FILES, ("src/**", "docs/**"))


async def test_copilot_apply_to_proposes_globs_inside_the_quotes(client: RecordingClient) -> None:
    name = ".github/instructions/tests.instructions.md"
    text = f'---\napplyTo: "**"\n---\n{BODY}'
    items = await at(client, name, text, '"**"', 1)
    assert "src/**" in labels(items)
    chosen = accept(text, next(i for i in items if i.label == "src/**"))
    assert 'applyTo: "src/**"' in chosen


@pytest.mark.parametrize(("name", "key", "words"), [
    (".windsurf/rules/style.md", "trigger", ["always_on", "glob", "model_decision", "manual"]),
    (".kiro/steering/style.md", "inclusion", ["always", "fileMatch", "auto", "manual"]),
])
async def test_an_activation_key_proposes_its_words(client: RecordingClient, name: str, key: str,
                                                    words: list[str]) -> None:
    text = f"---\n{key}: \n---\n{BODY}"
    items = await at(client, name, text, f"{key}: ")
    assert labels(items) == words
    assert all(i.detail for i in items)


async def test_a_list_item_under_a_glob_key_proposes_globs(client: RecordingClient) -> None:
    text = f"---\npaths:\n  - \n---\n{BODY}"
    items = await at(client, ".claude/rules/style.md", text, "  - ")
    assert "**" in labels(items) and "tests/**" in labels(items)


async def test_an_empty_rule_file_gets_the_whole_block(client: RecordingClient) -> None:
    items = await at(client, CURSOR, "", "", 0)
    assert labels(items) == ["front matter"]
    assert items[0].insert_text_format == types.InsertTextFormat.Snippet
    chosen = accept("", items[0]) + BODY
    assert scope_of(chosen) == (Activation.FILES, ("**",))


async def test_a_block_still_being_written_completes(client: RecordingClient) -> None:
    items = await at(client, CURSOR, "---\ndescription: x\nglo", "glo")
    assert labels(items) == ["globs"]


@pytest.mark.parametrize(("name", "text", "needle", "offset"), [
    (CURSOR, f"---\ndescription: x\n---\n{BODY}", "Type", None),  # the body
    (CURSOR, f"---\ndescription: x\n---\n{BODY}", "---\n#", 3),  # the closing fence
    ("AGENTS.md", f"---\n\n---\n{BODY}", "---\n", None),  # a file that reads no front matter
    (".roo/rules/style.md", f"---\n\n---\n{BODY}", "---\n", None),
])
async def test_nothing_is_proposed_outside_a_front_matter_that_is_read(client: RecordingClient, name: str,
                                                                       text: str, needle: str,
                                                                       offset: int | None) -> None:
    assert await at(client, name, text, needle, offset) == []


def compiled_kind(rule: object) -> str:
    if isinstance(rule, Standard):
        name = rule.category.name.lower().replace("_", " ")
        return "memories" if rule.category is Category.OTHER else f"standards ({name})"
    return {Persona: "a persona", Context: "the project's context", Workflow: "a workflow"}[type(rule)]


async def test_each_heading_title_compiles_to_the_rule_its_detail_names(client: RecordingClient) -> None:
    text = "## \n"
    items = await at(client, "AGENTS.md", text, "## ")
    assert labels(items)[:4] == ["Persona", "Context", "Workflow", "Standards"] and "Testing" in labels(items)
    for item in items:
        chosen = accept(text, item) + "\nYou review code.\n\n- Keep it short.\n"
        rule = next(r for r in parse_source(chosen, "AGENTS.md", Format.AGENTS).rules if not isinstance(r, Raw))
        assert item.detail is not None
        assert item.detail.startswith(compiled_kind(rule)), item.label


async def test_heading_titles_follow_the_files_dialect(client: RecordingClient) -> None:
    text = "# Copilot\n\n## \n"
    items = await at(client, ".github/copilot-instructions.md", text, "## ")
    assert "Code style" in labels(items) and "Testing" in labels(items)
    assert "Persona" not in labels(items) and "Workflow" not in labels(items)  # Copilot maps neither
