"""The family-neutral completion types: snippets to plain text, choices, the word a proposal replaces,
and which family completes which file."""

from __future__ import annotations

from pathlib import PurePath

import pytest
from drvls.core.completion import CompletionItem, ItemKind, choice, completer_for, escape, plain_text, word_range
from drvls.core.diagnostics import Position, Range


@pytest.mark.parametrize(("snippet", "plain"), [
    ('map mr="${1|uart,timer|}" vaddr="${2:0x20000000}" />', 'map mr="uart" vaddr="0x20000000" />'),
    ("<a>\n    $0\n</a>", "<a>\n    \n</a>"),
    ("${1:outer ${2:inner}}", "outer inner"),
    ("cost \\$5 ${1}", "cost $5 "),
    ("no placeholders", "no placeholders"),
])
def test_plain_text_keeps_each_default(snippet: str, plain: str) -> None:
    assert plain_text(snippet) == plain


def test_choice_and_escape_round_trip_through_plain_text() -> None:
    assert plain_text(choice(1, ["a,b", "c"])) == "a,b"
    assert choice(3, ["only"]) == "${3:only}"
    assert choice(2, []) == "${2}"
    assert plain_text(escape("${not a placeholder}")) == "${not a placeholder}"


def test_an_item_gives_plain_text_only_when_it_is_a_snippet() -> None:
    here = Range(Position(0, 0), Position(0, 0))
    assert CompletionItem("x", ItemKind.VALUE, here, "${1:x}", snippet=True).plain == "x"
    assert CompletionItem("x", ItemKind.VALUE, here, "${1:x}").plain == "${1:x}"


@pytest.mark.parametrize(("line", "column", "span"), [
    ("  <map mr=\"ua\"", 13, (11, 13)), ("foo_bar baz", 3, (0, 7)), ("a.b", 2, (2, 3)), ("", 0, (0, 0)),
])
def test_word_range_is_the_identifier_around_the_cursor(line: str, column: int, span: tuple[int, int]) -> None:
    found = word_range(line, Position(4, column))
    assert (found.start.character, found.end.character) == span and found.start.line == 4


def test_each_family_completes_its_own_files() -> None:
    assert completer_for(PurePath("a.system")) is not None
    assert completer_for(PurePath("a.CAMKES")) is not None
    assert completer_for(PurePath("b.idl4")) is not None
    assert completer_for(PurePath("notes.md")) is None
    assert completer_for(None) is None


def test_a_client_without_snippets_gets_plain_text() -> None:
    from drvls.lsp.convert import PositionMapper
    from drvls.lsp.requests.completion import Converter
    from lsprotocol import types

    here = Range(Position(0, 1), Position(0, 1))
    item = CompletionItem("map", ItemKind.ELEMENT, here, 'map mr="${1|a,b|}" />', snippet=True)
    mapper = PositionMapper("<\n", "utf-16")
    plain = Converter(mapper, snippets=False).item(item)
    assert plain.insert_text_format == types.InsertTextFormat.PlainText
    assert isinstance(plain.text_edit, types.TextEdit) and plain.text_edit.new_text == 'map mr="a" />'
    rich = Converter(mapper, snippets=True).item(item)
    assert rich.insert_text_format == types.InsertTextFormat.Snippet and rich.text_edit.new_text == item.insert  # type: ignore[union-attr]
