"""What every navigation request shares: the query over the current snapshot, and conversions.

A request waits for the analysis of the document's current text (usually already there), then
reads only immutable snapshots: that analysis, the text it was computed on, and the indexes of
every other analysis the server holds, so a reference in another open file or in a workspace
file analysed for diagnostics is found too.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from lsprotocol import types
from pygls.uris import from_fs_path

from drvls.core import diagnostics as core
from drvls.core.languages import Analysis
from drvls.core.query import Query
from drvls.core.symbols import Location, Symbol, SymbolKind
from drvls.lsp.convert import PositionMapper
from drvls.lsp.current import current
from drvls.lsp.documents import uri_to_path

if TYPE_CHECKING:
    from drvls.lsp.server import DrvlsServer

SYMBOL_KINDS: dict[SymbolKind, types.SymbolKind] = {
    SymbolKind.SYSTEM: types.SymbolKind.Module,
    SymbolKind.PROTECTION_DOMAIN: types.SymbolKind.Class,
    SymbolKind.VIRTUAL_MACHINE: types.SymbolKind.Class,
    SymbolKind.MEMORY_REGION: types.SymbolKind.Variable,
    SymbolKind.MAP: types.SymbolKind.Field,
    SymbolKind.CHANNEL: types.SymbolKind.Event,
    SymbolKind.CHANNEL_END: types.SymbolKind.Field,
    SymbolKind.IRQ: types.SymbolKind.Event,
    SymbolKind.SETVAR: types.SymbolKind.Variable,
    SymbolKind.PROGRAM_IMAGE: types.SymbolKind.File,
    SymbolKind.ASSEMBLY: types.SymbolKind.Module,
    SymbolKind.COMPOSITION: types.SymbolKind.Namespace,
    SymbolKind.CONFIGURATION: types.SymbolKind.Namespace,
    SymbolKind.COMPONENT: types.SymbolKind.Class,
    SymbolKind.PROCEDURE: types.SymbolKind.Interface,
    SymbolKind.CONNECTOR: types.SymbolKind.Struct,
    SymbolKind.INSTANCE: types.SymbolKind.Object,
    SymbolKind.CONNECTION: types.SymbolKind.Event,
    SymbolKind.INTERFACE: types.SymbolKind.Interface,
    SymbolKind.ATTRIBUTE: types.SymbolKind.Property,
    SymbolKind.METHOD: types.SymbolKind.Method,
    SymbolKind.IMPORT: types.SymbolKind.Package,
    SymbolKind.SECTION: types.SymbolKind.Namespace,
    SymbolKind.RULE: types.SymbolKind.String,
    SymbolKind.FILE: types.SymbolKind.File,
}


@dataclass(frozen=True)
class Target:
    """The document a request is about: its query and the text its analysis saw."""

    uri: str
    path: Path | None
    query: Query
    mapper: PositionMapper
    # The open document's analysis of its current text; None for a closed file known by its index only.
    analysis: Analysis | None = None

    def position(self, pos: types.Position) -> core.Position:
        return self.mapper.core_position(pos)

    def range(self, rng: core.Range) -> types.Range:
        return self.mapper.range(rng)


async def target(server: DrvlsServer, uri: str) -> Target | None:
    """The current snapshot of an open document, else a closed file's index (a file analysed for workspace
    diagnostics, e.g. a binary `.drv`), else None."""
    here = await current(server, uri)
    if here is not None:
        return Target(uri, here.path, Query(here.analysis.symbols, server.held_indexes()), here.mapper,
                      here.analysis)
    path = uri_to_path(uri)
    index = server.closed_index(path) if path is not None else None
    if path is None or index is None:
        return None
    return Target(uri, path, Query(index, server.held_indexes()), PositionMapper(server.text_of(path), server.encoding))


class Locations:
    """Converts core locations, reading each other file's text once (from its snapshot or the disk)."""

    def __init__(self, server: DrvlsServer, here: Target) -> None:
        self._server = server
        self._here = here
        self._mappers: dict[Path, PositionMapper] = {}

    def uri(self, path: Path | None) -> str | None:
        if path is None or path == self._here.path:
            return self._here.uri
        uri: str | None = from_fs_path(str(path))
        return uri

    def mapper(self, path: Path | None) -> PositionMapper:
        """The position mapper of `path`'s text as its ranges were computed (snapshot or disk), made once."""
        if path is None or path == self._here.path:
            return self._here.mapper
        mapper = self._mappers.get(path)
        if mapper is None:
            mapper = self._mappers[path] = PositionMapper(self._server.text_of(path), self._server.encoding)
        return mapper

    def range(self, path: Path | None, rng: core.Range) -> types.Range:
        return self.mapper(path).range(rng)

    def location(self, loc: Location) -> types.Location | None:
        uri = self.uri(loc.path)
        return types.Location(uri=uri, range=self.range(loc.path, loc.range)) if uri is not None else None

    def locations(self, found: list[Location]) -> list[types.Location]:
        return [item for item in (self.location(loc) for loc in found) if item is not None]


def symbol_kind(symbol: Symbol) -> types.SymbolKind:
    return SYMBOL_KINDS.get(symbol.kind, types.SymbolKind.Variable)
