"""`textDocument/inlayHint`: the core's hints for the requested range (`core/inlay.py`), converted.

Off for a file whose `microkit.inlay_hints` setting is false.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from lsprotocol import types

from drvls.core.diagnostics import Range
from drvls.core.inlay import HintKind, InlayHint, hints_for
from drvls.lsp.current import current, off_loop

if TYPE_CHECKING:
    from drvls.lsp.server import DrvlsServer

KINDS = {HintKind.VALUE: types.InlayHintKind.Type, HintKind.NAME: types.InlayHintKind.Parameter}


def enabled(server: DrvlsServer, path: Path | None) -> bool:
    return bool(server.settings.for_file(path).section("microkit").get("inlay_hints", True))


async def inlay_hints(server: DrvlsServer, params: types.InlayHintParams) -> list[types.InlayHint]:
    here = await current(server, params.text_document.uri)
    if here is None or not enabled(server, here.path):
        return []
    mapper = here.mapper
    wanted = Range(mapper.core_position(params.range.start), mapper.core_position(params.range.end))
    found: list[InlayHint] = await off_loop(server, lambda: hints_for(here.analysis, wanted))
    return [types.InlayHint(position=mapper.position(hint.position), label=hint.label, kind=KINDS[hint.kind],
                            tooltip=hint.tooltip or None, padding_left=True) for hint in found]


def register(server: DrvlsServer) -> None:
    @server.feature(types.TEXT_DOCUMENT_INLAY_HINT, types.InlayHintOptions(resolve_provider=False))
    async def on_inlay_hint(params: types.InlayHintParams) -> list[types.InlayHint]:
        return await inlay_hints(server, params)
