"""Formatting and range formatting through the real server, on corpus `.system`, `.camkes` and `.idl4`
files copied into the editor's project folder.

The edits the server sends, applied as an editor applies them, must give exactly what
`drvls format` writes; they must be small (never one edit replacing the document); a range
must change only its own lines; a file in which more lines change than the answer's bound gets at
most that many edits; the editor's tab size and indent style count unless drvls.toml
sets them; a file with syntax errors gets no edits and a log message saying why.
"""

from __future__ import annotations

import asyncio
import shutil
from pathlib import Path

import pytest
from drvls.core.config import load_settings
from drvls.core.formatting import Refused, formatter_for, with_editor_options
from drvls.lsp.requests.formatting import MOST_EDITS
from lsp_support import WAIT, RecordingClient
from lsprotocol import types
from prerequisites import corpus_path
from text_edits import apply_text_edits

pytestmark = pytest.mark.asyncio(loop_scope="module")

KITTY = ("microkit", "au-ts__lionsos", "examples", "kitty", "kitty.system")
FILEIO = ("microkit", "au-ts__lionsos", "examples", "fileio", "board", "maaxboard", "fileio.system")
TOO_MANY_PDS = ("microkit", "seL4__microkit", "tool", "microkit", "tests", "sdf", "sys_too_many_pds.system")
TEMP_SYSTEM = ("camkes", "arguslab__camkes-temp-system", "temp_system.camkes")
CONNECTORS = ("camkes", "seL4__global-components", "interfaces", "global-connectors.camkes")
GPIO_IDL = ("camkes", "GaloisInc__tower-camkes-odroid", "data", "can", "interfaces", "gpio.idl4")
FILES = [KITTY, FILEIO, TOO_MANY_PDS, TEMP_SYSTEM, CONNECTORS, GPIO_IDL]
SPACES = types.FormattingOptions(tab_size=4, insert_spaces=True)


def corpus_file(parts: tuple[str, ...]) -> Path:
    return corpus_path(*parts[:-1], required_file=parts[-1]) / parts[-1]


def opened(client: RecordingClient, parts: tuple[str, ...], folder: str = "", text: str | None = None
           ) -> tuple[str, str, Path]:
    """A copy of a corpus file (or `text` under its name) in the project, open in the editor."""
    editor = client.editor
    name = f"{folder}/{parts[-1]}" if folder else parts[-1]
    path = editor.root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if text is None:
        shutil.copyfile(corpus_file(parts), path)
        text = path.read_text(encoding="utf-8")
    else:
        path.write_text(text, encoding="utf-8")
    uri = editor.uri(name)
    if uri in editor.versions:
        editor.versions[uri] += 1
        client.text_document_did_change(types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=editor.versions[uri]),
            content_changes=[types.TextDocumentContentChangeWholeDocument(text=text)]))
    else:
        editor.open(name, text, language_id="camkes" if path.suffix != ".system" else "xml")
    return uri, text, path


def house_style(path: Path, text: str, options: types.FormattingOptions = SPACES) -> str:
    """What `drvls format` writes for this text (in-process), with the editor's options applied."""
    formatter = formatter_for(path)
    assert formatter is not None
    settings = with_editor_options(load_settings(path), options.tab_size, options.insert_spaces)
    result = formatter(text, settings)
    assert not isinstance(result, Refused), result
    return result


async def format_whole(client: RecordingClient, uri: str, options: types.FormattingOptions = SPACES
                       ) -> list[types.TextEdit]:
    found = await asyncio.wait_for(client.text_document_formatting_async(types.DocumentFormattingParams(
        text_document=types.TextDocumentIdentifier(uri=uri), options=options)), WAIT)
    return list(found or [])


async def format_lines(client: RecordingClient, uri: str, first: int, last: int) -> list[types.TextEdit]:
    rng = types.Range(start=types.Position(line=first, character=0), end=types.Position(line=last, character=3))
    found = await asyncio.wait_for(client.text_document_range_formatting_async(types.DocumentRangeFormattingParams(
        text_document=types.TextDocumentIdentifier(uri=uri), range=rng, options=SPACES)), WAIT)
    return list(found or [])


def lines_touched(edits: list[types.TextEdit]) -> set[int]:
    """The lines each edit changes (an edit ending at the start of a line leaves that line alone)."""
    return {line for e in edits for line in range(
        e.range.start.line, e.range.end.line + (1 if e.range.end.character or e.range.start == e.range.end else 0))}


async def test_the_server_advertises_formatting(format_client: RecordingClient) -> None:
    caps = format_client.editor.init.capabilities
    assert caps.document_formatting_provider
    assert isinstance(caps.document_range_formatting_provider, types.DocumentRangeFormattingOptions)
    assert caps.document_range_formatting_provider.ranges_support


@pytest.mark.parametrize("parts", FILES, ids=lambda p: p[-1])
async def test_the_edits_give_the_house_style_and_are_small(format_client: RecordingClient,
                                                            parts: tuple[str, ...]) -> None:
    uri, text, path = opened(format_client, parts)
    edits = await format_whole(format_client, uri)
    expected = house_style(path, text)
    assert expected != text, "pick corpus files the house style changes"
    assert apply_text_edits(text, edits) == expected
    assert len(edits) > 1
    # Minimal: each edit replaces only white space (or a quote), never a run of the document.
    assert all(len(e.new_text) <= 200 and e.range.end.line - e.range.start.line <= 3 for e in edits)


@pytest.mark.parametrize("parts", FILES, ids=lambda p: p[-1])
async def test_formatting_the_formatted_document_changes_nothing(format_client: RecordingClient,
                                                                 parts: tuple[str, ...]) -> None:
    uri, text, _ = opened(format_client, parts, folder="again")
    once = apply_text_edits(text, await format_whole(format_client, uri))
    opened(format_client, parts, folder="again", text=once)
    assert await format_whole(format_client, uri) == []


@pytest.mark.parametrize(("parts", "first", "last"), [
    (KITTY, 5, 5), (KITTY, 2, 9), (KITTY, 40, 80), (KITTY, 144, 145), (KITTY, 380, 430),
    (FILEIO, 10, 30), (FILEIO, 0, 400),
    (TEMP_SYSTEM, 16, 20), (TEMP_SYSTEM, 30, 60),
    (CONNECTORS, 5, 40), (CONNECTORS, 100, 180),
    (GPIO_IDL, 3, 12), (GPIO_IDL, 15, 15),
])
async def test_range_formatting_changes_only_the_lines_of_the_range(
        format_client: RecordingClient, parts: tuple[str, ...], first: int, last: int) -> None:
    uri, text, path = opened(format_client, parts, folder="ranges")
    edits = await format_lines(format_client, uri, first, last)
    whole = await format_whole(format_client, uri)
    assert edits, "pick ranges the house style changes"
    assert lines_touched(edits) <= set(range(first, last + 1))
    # Exactly the whole-file edits that touch the range, so the range's lines come out formatted.
    in_range = [e for e in whole if lines_touched([e]) & set(range(first, last + 1))]
    assert edits == in_range
    partly = apply_text_edits(text, edits)
    original, result = text.split("\n"), partly.split("\n")
    assert result[:first] == original[:first]
    if last < len(original) - 1:
        tail = len(original) - last - 1
        assert result[-tail:] == original[-tail:]
    assert house_style(path, partly) == house_style(path, text)  # nothing a full format would undo


async def test_ranges_formatting_takes_each_range(format_client: RecordingClient) -> None:
    uri, _, _ = opened(format_client, KITTY, folder="multi")
    ranges = [types.Range(start=types.Position(line=a, character=0), end=types.Position(line=b, character=0))
              for a, b in ((2, 10), (20, 30))]
    found = await asyncio.wait_for(format_client.text_document_ranges_formatting_async(
        types.DocumentRangesFormattingParams(text_document=types.TextDocumentIdentifier(uri=uri), ranges=ranges,
                                             options=SPACES)), WAIT)
    both = list(found or [])
    assert both == await format_lines(format_client, uri, 2, 9) + await format_lines(format_client, uri, 20, 29)
    assert both and lines_touched(both) <= set(range(2, 10)) | set(range(20, 30))


@pytest.mark.parametrize("parts", [KITTY, TEMP_SYSTEM], ids=lambda p: p[-1])
@pytest.mark.parametrize("options", [
    types.FormattingOptions(tab_size=2, insert_spaces=True),
    types.FormattingOptions(tab_size=8, insert_spaces=False),
], ids=["two-spaces", "tabs"])
async def test_the_editors_indent_is_used_when_drvls_toml_sets_none(
        format_client: RecordingClient, parts: tuple[str, ...], options: types.FormattingOptions) -> None:
    uri, text, path = opened(format_client, parts, folder=f"editor-{options.tab_size}")
    result = apply_text_edits(text, await format_whole(format_client, uri, options))
    assert result == house_style(path, text, options)
    indent = "\t" if not options.insert_spaces else " " * options.tab_size
    assert f"\n{indent}<" in result or f"\n{indent}component" in result or f"\n{indent}composition" in result
    assert ("\t" in result) == (not options.insert_spaces)


@pytest.mark.parametrize("parts", [KITTY, TEMP_SYSTEM], ids=lambda p: p[-1])
async def test_drvls_toml_wins_over_the_editors_indent(format_client: RecordingClient,
                                                       parts: tuple[str, ...]) -> None:
    client = format_client
    (client.editor.root / "styled").mkdir(exist_ok=True)
    (client.editor.root / "styled" / "drvls.toml").write_text("[format]\nindent_width = 3\n", encoding="utf-8")
    uri, text, path = opened(client, parts, folder="styled")
    result = apply_text_edits(text, await format_whole(client, uri, types.FormattingOptions(
        tab_size=8, insert_spaces=False)))
    assert "\t" not in result.replace(text, "")  # the editor's tabs are not used
    assert result == house_style(path, text, types.FormattingOptions(tab_size=8, insert_spaces=False))
    assert "\n   <" in result or "\n   composition" in result


async def test_a_file_with_more_changed_lines_than_the_bound_gets_at_most_that_many_edits(
        format_client: RecordingClient) -> None:
    """Every line of a large system re-indented: a bounded answer, each edit a few neighbouring lines."""
    regions = "".join(f'  <memory_region name="r{i}" size="0x1000" />\n' for i in range(MOST_EDITS + 100))
    text = f'<?xml version="1.0" encoding="UTF-8"?>\n<system>\n{regions}</system>\n'
    uri, text, path = opened(format_client, KITTY, folder="large", text=text)
    edits = await format_whole(format_client, uri)
    assert apply_text_edits(text, edits) == house_style(path, text)
    assert 0 < len(edits) <= MOST_EDITS
    assert all(e.range.end.line - e.range.start.line <= 3 for e in edits)


@pytest.mark.parametrize(("parts", "breakage", "reason"), [
    (KITTY, ("</system>", "</sys"), "not well-formed XML"),
    (TEMP_SYSTEM, ("composition {", "composition {{ ;"), "syntax errors"),
])
async def test_a_file_with_syntax_errors_gets_no_edits_and_a_reason_in_the_log(
        format_client: RecordingClient, parts: tuple[str, ...], breakage: tuple[str, str], reason: str) -> None:
    client = format_client
    broken = corpus_file(parts).read_text(encoding="utf-8").replace(*breakage, 1)
    uri, _, path = opened(client, parts, folder="broken", text=broken)
    before = len(client.log_messages)
    assert await format_whole(client, uri) == []
    assert await format_lines(client, uri, 0, 20) == []

    async def logged() -> list[str]:
        while True:
            found = [m.message for m in client.log_messages[before:] if path.name in m.message]
            if found:
                return found
            await asyncio.sleep(0.02)

    messages = await asyncio.wait_for(logged(), WAIT)
    assert any("not formatted" in m and reason in m for m in messages)


async def test_columns_are_counted_in_the_clients_encoding(format_client: RecordingClient) -> None:
    """UTF-16 columns after a character outside the BMP: the edits still land where they should."""
    original = corpus_file(KITTY).read_text(encoding="utf-8")
    text = original.replace("<!-- UIO framebuffer-->", "<!-- 🐈 framebuffer -->   <!-- ok -->", 1)
    text = text.replace("\n    <", "\n  <")
    uri, text, path = opened(format_client, KITTY, folder="emoji", text=text)
    edits = await format_whole(format_client, uri)
    assert apply_utf16(text, edits) == house_style(path, text)


def apply_utf16(text: str, edits: list[types.TextEdit]) -> str:
    """Edits whose columns count UTF-16 code units, applied last first."""
    lines = text.split("\n")
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line) + 1)

    def offset(pos: types.Position) -> int:
        line = lines[pos.line]
        units = 0
        for index, char in enumerate(line):
            if units >= pos.character:
                return starts[pos.line] + index
            units += 2 if ord(char) > 0xFFFF else 1
        return starts[pos.line] + len(line)

    for edit in sorted(edits, key=lambda e: (e.range.start.line, e.range.start.character), reverse=True):
        text = text[:offset(edit.range.start)] + edit.new_text + text[offset(edit.range.end):]
    return text
