"""Semantic tokens for CAmkES/IDL4 from the grammar's highlight query, through the real server: the token
at each construct, every corpus file well formed, `full/delta` equal to `full` after real edits, `range`."""

from __future__ import annotations

from pathlib import Path

import pytest
from annotation_support import RecordingClient, close, open_corpus, open_path
from lsprotocol import types
from prerequisites import corpus_path
from tokens_support import Tok, apply_edits, check_shape, decode, delta, full, legend, ranged

pytestmark = pytest.mark.asyncio(loop_scope="module")

APP = ("seL4__camkes", "apps", "hierarchical-components", "hierarchical-components.camkes")
IDL = ("dornerworks__dw-camkes-apps", "interfaces", "Print.idl4")


def token_at(tokens: list[Tok], text: str, needle: str, offset: int = 0) -> tuple[str, Tok]:
    """The token covering the first character of `needle` (plus `offset`), and its text."""
    at = text.index(needle) + offset
    line = text.count("\n", 0, at)
    column = at - (text.rfind("\n", 0, at) + 1)
    found = [t for t in tokens if t.line == line and t.start <= column < t.start + t.length]
    assert len(found) == 1, (needle, found)
    row = text.split("\n")[line]
    return row[found[0].start:found[0].start + found[0].length], found[0]


@pytest.mark.parametrize(("parts", "needle", "offset", "shown", "kind", "modifiers"), [
    (APP, " * Copyright", 0, " * Copyright 2017, Data61, CSIRO (ABN 41 687 119 230)", "comment", ()),
    (APP, "import <std", 0, "import", "keyword", ()),
    (APP, "<std_connector.camkes>", 0, "<std_connector.camkes>", "string", ()),
    (APP, '"components/Client/Client.camkes"', 0, '"components/Client/Client.camkes"', "string", ()),
    (APP, "assembly {", 0, "assembly", "keyword", ()),
    (APP, "composition {", 0, "composition", "keyword", ()),
    (APP, "component Client c;", 0, "component", "keyword", ()),
    (APP, "component Client c;", 10, "Client", "type", ()),
    (APP, "component Client c;", 17, "c", "variable", ()),
    (APP, "connection seL4RPCCall client_external", 11, "seL4RPCCall", "type", ()),
    (APP, "client_external(from", 0, "client_external", "variable", ()),
    (APP, "from c.o1", 0, "from", "keyword", ()),
    (APP, "from c.o1", 5, "c", "variable", ()),
    (APP, "from c.o1", 7, "o1", "property", ()),
    (IDL, "procedure Printer", 0, "procedure", "keyword", ()),
    (IDL, "procedure Printer", 10, "Printer", "type", ("declaration", "definition")),
    (IDL, "void print", 0, "void", "type", ("defaultLibrary",)),
    (IDL, "void print", 5, "print", "method", ("declaration",)),
    (IDL, "in string message", 0, "in", "modifier", ()),
    (IDL, "in string message", 3, "string", "type", ("defaultLibrary",)),
    (IDL, "in string message", 10, "message", "parameter", ("declaration",)),
], ids=lambda v: v if isinstance(v, str) and v.strip() else None)
async def test_each_construct_gets_its_token(annotations_client: RecordingClient, parts: tuple[str, ...],
                                             needle: str, offset: int, shown: str, kind: str,
                                             modifiers: tuple[str, ...]) -> None:
    uri, text, _ = open_corpus(annotations_client, "camkes", parts)
    tokens = decode(annotations_client, (await full(annotations_client, uri)).data)
    check_shape(tokens, text)
    found, tok = token_at(tokens, text, needle, offset)
    assert (found, tok.type, tok.modifiers) == (shown, kind, modifiers)


async def test_punctuation_gets_no_token(annotations_client: RecordingClient) -> None:
    uri, text, _ = open_corpus(annotations_client, "camkes", APP)
    tokens = decode(annotations_client, (await full(annotations_client, uri)).data)
    rows = text.split("\n")
    assert {rows[t.line][t.start:t.start + t.length] for t in tokens}.isdisjoint({";", "{", "}", "(", ")", ",", "."})


@pytest.mark.slow
async def test_every_corpus_camkes_file_gets_well_formed_tokens(annotations_client: RecordingClient) -> None:
    files = sorted(p for p in corpus_path("camkes").rglob("*") if p.suffix in (".camkes", ".idl4") and p.is_file())
    assert len(files) > 100
    coloured = 0
    for path in files:
        try:
            path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue
        uri, text = open_path(annotations_client, path, "camkes")
        tokens = decode(annotations_client, (await full(annotations_client, uri)).data)
        check_shape(tokens, text)
        coloured += bool(tokens)
        close(annotations_client, uri)
    assert coloured >= len(files) * 9 // 10


async def test_columns_count_utf16_units(annotations_client: RecordingClient, tmp_path: Path) -> None:
    """A comment and a string holding characters outside the BMP: lengths in UTF-16 units, as negotiated."""
    text = '/* 🚀 launch 🚀 */\nprocedure P { void f(in string s); };\ncomponent C { attribute string n = "𝄞𝄞"; }\n'
    path = tmp_path / "wide.camkes"
    path.write_text(text, encoding="utf-8")
    uri, _ = open_path(annotations_client, path, "camkes")
    tokens = decode(annotations_client, (await full(annotations_client, uri)).data)
    check_shape(tokens, text)
    assert tokens[0] == Tok(0, 0, len("/*  launch  */") + 4, "comment", ())
    string = [t for t in tokens if t.type == "string"]
    assert string and string[0].length == 2 + 4  # two quotes, two surrogate pairs


INSERT_INSTANCE = ((19, 0), (19, 0), "        component Client c2;\n")
EDITS = {
    "insert an instance": [INSERT_INSTANCE],
    "delete an instance": [((22, 0), (23, 0), "")],
    "rename a connection": [((24, 31), (24, 46), "outside")],
    "comment at the top": [((0, 0), (0, 0), "/* a new\n   comment */\n")],
    "break the syntax": [((25, 50), (25, 55), "to p2")],
    "type a line letter by letter": [((20, 0), (20, 0), ch) for ch in "component Server t;\n"],
    "several edits, one delta each": [INSERT_INSTANCE, ((0, 0), (0, 0), "// note\n"), ((11, 0), (12, 0), "")],
}


@pytest.mark.parametrize("steps", EDITS.values(), ids=EDITS.keys())
async def test_delta_applied_to_the_previous_tokens_equals_full(annotations_client: RecordingClient,
                                                                steps: list[tuple[tuple[int, int], tuple[int, int],
                                                                                  str]]) -> None:
    uri, _, _ = open_corpus(annotations_client, "camkes", APP)
    editor = annotations_client.editor
    previous = await full(annotations_client, uri)
    for start, end, new_text in steps:
        editor.change(uri, start, end, new_text)
        answer = await delta(annotations_client, uri, previous.result_id or "")
        assert isinstance(answer, types.SemanticTokensDelta)
        applied = apply_edits(previous.data, list(answer.edits))
        now = await full(annotations_client, uri)
        assert applied == list(now.data)
        assert sum(len(e.data or []) for e in answer.edits) < len(now.data)  # an edit, not the whole data again
        previous = now
    close(annotations_client, uri)


async def test_an_unknown_result_id_gets_the_full_tokens(annotations_client: RecordingClient) -> None:
    uri, _, _ = open_corpus(annotations_client, "camkes", APP)
    answer = await delta(annotations_client, uri, "no-such-result")
    assert isinstance(answer, types.SemanticTokens)
    assert list(answer.data) == list((await full(annotations_client, uri)).data)


async def test_an_unchanged_file_gives_an_empty_delta(annotations_client: RecordingClient) -> None:
    uri, _, _ = open_corpus(annotations_client, "camkes", APP)
    first = await full(annotations_client, uri)
    answer = await delta(annotations_client, uri, first.result_id or "")
    assert isinstance(answer, types.SemanticTokensDelta) and not answer.edits


@pytest.mark.parametrize(("first", "last"), [(0, 5), (15, 20), (18, 19), (24, 30)])
async def test_range_gives_the_full_tokens_inside_it(annotations_client: RecordingClient, first: int,
                                                     last: int) -> None:
    uri, _, _ = open_corpus(annotations_client, "camkes", APP)
    everything = decode(annotations_client, (await full(annotations_client, uri)).data)
    rng = types.Range(start=types.Position(line=first, character=0), end=types.Position(line=last, character=0))
    part = decode(annotations_client, (await ranged(annotations_client, uri, rng)).data)
    assert part == [t for t in everything if first <= t.line < last]


async def test_a_system_file_gets_no_tokens(annotations_client: RecordingClient) -> None:
    """`.system` files are XML, which every editor colours already."""
    uri, _, _ = open_corpus(annotations_client, "microkit", ("au-ts__sddf", "examples", "timer", "timer.system"))
    found = await annotations_client.text_document_semantic_tokens_full_async(
        types.SemanticTokensParams(text_document=types.TextDocumentIdentifier(uri=uri)))
    assert found is None


async def test_the_legend_is_standard_and_delta_is_offered(annotations_client: RecordingClient) -> None:
    provider = annotations_client.editor.init.capabilities.semantic_tokens_provider
    assert isinstance(provider, types.SemanticTokensOptions)
    assert provider.full == types.SemanticTokensFullDelta(delta=True) and provider.range
    standard = {t.value for t in types.SemanticTokenTypes}
    assert set(legend(annotations_client).token_types) <= standard
    assert set(legend(annotations_client).token_modifiers) <= {m.value for m in types.SemanticTokenModifiers}
