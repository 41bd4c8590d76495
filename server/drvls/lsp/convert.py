"""Core diagnostics → lsprotocol, and columns between code points and the negotiated encoding.

The core counts columns in code points; LSP clients count in UTF-16 units unless they
negotiated UTF-8 or UTF-32, so every range crossing the boundary goes through here.
"""

from __future__ import annotations

import json
import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, get_args, get_origin

from cattrs import Converter
from lsprotocol import types
from pygls.protocol import default_converter
from pygls.uris import from_fs_path

from drvls.core import diagnostics as core
from drvls.core.text import LineIndex, from_utf16_column, utf16_column

UTF8 = "utf-8"
UTF16 = "utf-16"
UTF32 = "utf-32"

# Reads another file's text (for related locations in other files); None when unreadable.
TextReader = Callable[[Path], "str | None"]


def to_client_column(line_text: str, character: int, encoding: str) -> int:
    """A code-point column as the client counts it."""
    if encoding == UTF32 or line_text.isascii():
        return character
    if encoding == UTF8:
        return len(line_text[:character].encode("utf-8", "surrogatepass"))
    return utf16_column(line_text, character)


def from_client_column(line_text: str, units: int, encoding: str) -> int:
    """A client column (in its encoding) as a code-point column, clamped to the line."""
    if encoding == UTF32 or line_text.isascii():
        return max(0, min(units, len(line_text)))
    if encoding == UTF8:
        data = line_text.encode("utf-8", "surrogatepass")
        return len(data[: max(0, units)].decode("utf-8", "ignore"))
    return from_utf16_column(line_text, max(0, units))


class PositionMapper:
    """Converts core positions of one text to client positions (and back)."""

    def __init__(self, text: str, encoding: str, index: LineIndex | None = None) -> None:
        """`index`: the text's line index when the caller holds one (it is O(file) to build)."""
        self.index = index if index is not None and index.text is text else LineIndex(text)
        self.encoding = encoding
        self._plain = encoding == UTF32 or self.index._ascii  # client columns are code points

    def _column(self, line: int, character: int) -> int:
        if self._plain:
            return character
        return to_client_column(self._line(line), character, self.encoding)

    def _line(self, line: int) -> str:
        if line >= self.index.line_count:
            return ""
        return self.index.line_bytes(line).decode("utf-8", "surrogatepass")

    def position(self, pos: core.Position) -> types.Position:
        return types.Position(line=pos.line, character=self._column(pos.line, pos.character))

    def range(self, rng: core.Range) -> types.Range:
        return types.Range(start=self.position(rng.start), end=self.position(rng.end))

    def range_json(self, rng: core.Range) -> dict[str, dict[str, int]]:
        """`range` as the JSON the protocol sends: for answers of thousands of ranges, where building
        lsprotocol objects first was most of the cost."""
        start, end = rng.start, rng.end
        return {"start": {"line": start.line, "character": self._column(start.line, start.character)},
                "end": {"line": end.line, "character": self._column(end.line, end.character)}}

    def core_position(self, pos: types.Position) -> core.Position:
        """A client position as a code-point position; past the line's end means its end (before any `\r`)."""
        line = self._line(pos.line)
        if line.endswith("\r"):
            line = line[:-1]
        return core.Position(pos.line, from_client_column(line, pos.character, self.encoding))


class _Encoded:
    """An answer already in the protocol's JSON shape: sent as it is, without the converter walking it
    (for a large outline, that walk cost several times what building the answer did), and encoded
    once, so the same answer asked again is sent without encoding thousands of symbols again.
    `DrvlsProtocol` splices the text into the response."""

    _text: str | None = None

    def encoded(self) -> str:
        """The answer as JSON text, made on first use and kept (a prepared answer is never changed)."""
        if self._text is None:
            self._text = json.dumps(self, separators=(",", ":"))
        return self._text


class Prepared(_Encoded, list):  # type: ignore[type-arg]
    """A prepared answer that is a JSON array (an outline, formatting edits, a list of diagnostics)."""


class PreparedObject(_Encoded, dict):  # type: ignore[type-arg]
    """A prepared answer that is one JSON object (a workspace edit)."""


def prepared_response(msg_id: object, result: Prepared | PreparedObject) -> str:
    """The JSON-RPC response carrying `result`, its encoded text spliced in rather than encoded again."""
    return f'{{"id":{json.dumps(msg_id)},"jsonrpc":"2.0","result":{result.encoded()}}}'


def converter() -> Converter:
    """The server's converter: lsprotocol's, with `Prepared` answers passed through untouched, also
    where a message declares a list of diagnostics (reports and published diagnostics)."""
    made: Converter = default_converter()  # type: ignore[no-untyped-call]
    made.register_unstructure_hook(Prepared, list)
    each = made.get_unstructure_hook(types.Diagnostic)

    def diagnostic_list(items: Sequence[types.Diagnostic]) -> list[Any]:
        return items if isinstance(items, Prepared) else [each(item) for item in items]

    made.register_unstructure_hook_func(_diagnostic_list, diagnostic_list)
    return made


def _diagnostic_list(kind: object) -> bool:
    """`Sequence[Diagnostic]`, however the message's class spells it."""
    return get_origin(kind) is Sequence and get_args(kind) == (types.Diagnostic,)


_JSON = converter()


def severity(value: core.Severity) -> types.DiagnosticSeverity:
    """Core severities grow with seriousness; LSP's count down from Error = 1."""
    return types.DiagnosticSeverity(5 - int(value))


def code_description(code: str, docs_url: str | None) -> types.CodeDescription | None:
    """A link to the rule's documentation, from the `docs_url` template (`{code}` is replaced)."""
    if not docs_url:
        return None
    return types.CodeDescription(href=docs_url.replace("{code}", code).replace("{code_lower}", code.lower()))


def related_information(
    related: tuple[core.RelatedLocation, ...],
    uri: str,
    path: Path | None,
    mapper: PositionMapper,
    read_text: TextReader,
) -> list[types.DiagnosticRelatedInformation] | None:
    if not related:
        return None
    out: list[types.DiagnosticRelatedInformation] = []
    for item in related:
        target_uri, target_mapper = uri, mapper
        if item.path is not None and (path is None or Path(item.path) != path):
            other = Path(item.path)
            target_uri = from_fs_path(str(other)) or uri
            text = read_text(other)
            target_mapper = PositionMapper(text if text is not None else "", mapper.encoding)
        out.append(types.DiagnosticRelatedInformation(
            location=types.Location(uri=target_uri, range=target_mapper.range(item.range)),
            message=item.message,
        ))
    return out


def diagnostic(
    diag: core.Diagnostic,
    uri: str,
    path: Path | None,
    mapper: PositionMapper,
    read_text: TextReader,
    docs_url: str | None = None,
) -> types.Diagnostic:
    return types.Diagnostic(
        range=mapper.range(diag.range),
        message=diag.message,
        severity=severity(diag.severity),
        code=diag.code,
        code_description=code_description(diag.code, docs_url),
        source=diag.source,
        related_information=related_information(diag.related, uri, path, mapper, read_text),
        data=dict(diag.data) if diag.data else None,
    )


def diagnostics(
    items: list[core.Diagnostic],
    uri: str,
    path: Path | None,
    text: str,
    encoding: str,
    read_text: TextReader,
    docs_url: str | None = None,
    index: LineIndex | None = None,
) -> list[types.Diagnostic]:
    """All diagnostics of one analysed text (the text they were computed on, not a newer one)."""
    mapper = PositionMapper(text, encoding, index)
    return [diagnostic(d, uri, path, mapper, read_text, docs_url) for d in items]


def diagnostics_json(
    items: list[core.Diagnostic],
    uri: str,
    path: Path | None,
    text: str,
    encoding: str,
    read_text: TextReader,
    docs_url: str | None = None,
    index: LineIndex | None = None,
) -> Prepared:
    """`diagnostics` as the JSON the protocol sends, for the server's reports and publications.

    Where every column is a code point, a diagnostic equal to one of the document's previous
    conversion converts to the same JSON, so a keystroke converts only what changed, and a file of
    hundreds of findings is not walked by the protocol's converter on every edit."""
    mapper = PositionMapper(text, encoding, index)
    if not mapper._plain:
        return Prepared(_JSON.unstructure(diagnostic(d, uri, path, mapper, read_text, docs_url)) for d in items)
    key = (encoding, docs_url, path)
    with _converted_lock:
        before = _converted.get(uri)
    known, same = (before[1], before[2]) if before is not None and before[0] == key else ({}, {})
    equal: dict[core.Diagnostic, dict[str, Any]] = {}
    held: dict[int, tuple[core.Diagnostic, dict[str, Any]]] = {}
    out = Prepared()
    for d in items:
        kept = same.get(id(d))
        if kept is not None and kept[0] is d:  # the very object (a family reusing its diagnostics): no hashing
            converted = kept[1]
            held[id(d)] = kept
        else:
            found = known.get(d)
            converted = found if found is not None else _JSON.unstructure(
                diagnostic(d, uri, path, mapper, read_text, docs_url))
            if _same_file(d, path):  # related locations elsewhere read another file, which may change
                equal[d] = converted
                held[id(d)] = (d, converted)
        out.append(converted)
    with _converted_lock:
        _converted[uri] = (key, equal, held)
        _converted.move_to_end(uri)
        while len(_converted) > CONVERTED_DOCUMENTS:
            _converted.popitem(last=False)
    return out


def from_json(sent: dict[str, Any]) -> types.Diagnostic:
    """A diagnostic as sent (`diagnostics_json`) back as the protocol's object, for the few answers that
    name one (a quick fix carries the diagnostic it cures)."""
    made: types.Diagnostic = _JSON.structure(sent, types.Diagnostic)
    return made


def _same_file(diag: core.Diagnostic, path: Path | None) -> bool:
    return all(item.path is None or (path is not None and Path(item.path) == path) for item in diag.related)


# Each document's last conversion, for the documents converted most recently: by equal core diagnostic
# (those converted afresh) and by the diagnostic object itself (all, held so an id is never reused).
# JSON values sent are never changed.
_converted: OrderedDict[str, tuple[tuple[object, ...], dict[core.Diagnostic, dict[str, Any]],
                                   dict[int, tuple[core.Diagnostic, dict[str, Any]]]]] = OrderedDict()
_converted_lock = threading.Lock()
CONVERTED_DOCUMENTS = 64
