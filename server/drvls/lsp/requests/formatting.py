"""`textDocument/formatting`: the house style of `drvls format`, as the few edits that make it.

The formatter runs on a worker thread over the document's current text, with the file's settings
and the editor's tab size and indent style where the settings leave those open
(`core/formatting.with_editor_options`). The answer is the diff of the text and its formatted
text (`core/format_edits`), never one edit replacing the document; a file in which more than
`MOST_EDITS` lines change gets at most that many edits, each a few neighbouring lines. The answer
is built as the protocol's JSON (`Prepared`). A file the formatter refuses (syntax errors, a cpp
template) gets no edits, and the reason goes to the editor's log.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING

from lsprotocol import types

from drvls.core.collector import gc_paused
from drvls.core.format_edits import Edit, Lines, edits_between
from drvls.core.formatting import Refused, formatter_for, with_editor_options
from drvls.lsp.convert import UTF32, Prepared, to_client_column

if TYPE_CHECKING:
    from drvls.lsp.server import DrvlsServer

log = logging.getLogger(__name__)

# A whole file re-indented is some 20,000 white-space edits: as a few thousand, the client parses
# the answer in milliseconds.
MOST_EDITS = 2000


@dataclass(frozen=True)
class Formatted:
    """The text that was formatted and the edits (in code points) that format it."""

    text: str
    lines: Lines
    edits: list[Edit]


async def format_document(server: DrvlsServer, uri: str, options: types.FormattingOptions,
                          most: int | None = None) -> Formatted | None:
    """The formatting edits of an open document (`most`: see `edits_between`); None when it has no
    formatter or is refused."""
    doc = server.documents.get(uri)
    formatter = formatter_for(doc.path) if doc is not None and doc.path is not None else None
    if doc is None or formatter is None:
        return None
    text, path = doc.text, doc.path
    settings = with_editor_options(server.settings.for_file(path), options.tab_size, options.insert_spaces)
    loop = asyncio.get_running_loop()

    def run() -> Formatted | Refused:
        # The server's heap holds whole models: a full collection started by the formatter's burst of
        # small objects (none in a cycle) would walk all of them, a pause longer than the formatting.
        with gc_paused():
            result = formatter(text, settings)
            if isinstance(result, Refused):
                return result
            return Formatted(text, Lines(text), edits_between(text, result, most))

    try:
        outcome = await loop.run_in_executor(server.thread_pool, run)
    except Exception as exc:  # a settings value the schema let through but the formatter cannot use
        outcome = Refused(str(exc))
    if isinstance(outcome, Refused):
        message = f"drvls: {path} not formatted: {outcome.reason}"
        log.info("%s", message)
        server.window_log_message(types.LogMessageParams(type=types.MessageType.Info, message=message))
        return None
    return outcome


def text_edits(server: DrvlsServer, formatted: Formatted, edits: list[Edit]) -> Prepared:
    """Core edits (sorted) as the protocol's JSON, columns counted in the negotiated encoding. One
    pass over the lines."""
    text, starts, encoding = formatted.text, formatted.lines.starts, server.encoding
    plain = encoding == UTF32 or text.isascii()
    line = 0

    def position(offset: int) -> dict[str, int]:
        nonlocal line
        while line + 1 < len(starts) and starts[line + 1] <= offset:
            line += 1
        column = offset - starts[line]
        if not plain:
            column = to_client_column(text[starts[line]:offset], column, encoding)
        return {"line": line, "character": column}

    out = Prepared()
    with gc_paused():  # thousands of small dicts: no reason to walk the server's whole heap
        for edit in edits:
            start = position(edit.start)
            out.append({"range": {"start": start, "end": position(edit.end)}, "newText": edit.text})
    return out


async def formatting(server: DrvlsServer, params: types.DocumentFormattingParams) -> Prepared | None:
    formatted = await format_document(server, params.text_document.uri, params.options, MOST_EDITS)
    if formatted is None:
        return None
    return text_edits(server, formatted, formatted.edits)


def register(server: DrvlsServer) -> None:
    @server.feature(types.TEXT_DOCUMENT_FORMATTING)
    async def on_formatting(params: types.DocumentFormattingParams) -> Prepared | None:
        return await formatting(server, params)
