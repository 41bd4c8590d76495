"""The custom request `drvls/systemPreview`: a document's system graph, memory maps and isolation report.

Params `{uri, format}` with format one of html (default), svg, md, json, jsonld; the result is the
preview text, which any client can show (a webview for html, a document for the rest). The open
buffer's text is drawn when the document is open, the file on disk otherwise; the analysis is run
afresh for the preview, so it never shares mutable state with the diagnostics of the buffer.
A `.drv` document gets its rules page (html, md or json).
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pygls.exceptions import JsonRpcException, JsonRpcInvalidParams

from drvls.core.languages import AnalysisContext, SourceFile
from drvls.lsp.documents import uri_to_path
from drvls.views.render import FORMATS

if TYPE_CHECKING:
    from drvls.lsp.server import DrvlsServer

SYSTEM_PREVIEW_REQUEST = "drvls/systemPreview"
PREVIEW_FAILED = -32001  # the file cannot be previewed (the same code as `drvls/preview`)


def _field(params: Any, name: str) -> Any:
    return params.get(name) if isinstance(params, dict) else getattr(params, name, None)


def preview(server: DrvlsServer, uri: str, path: Path, fmt: str) -> str:
    """The rendered preview; JsonRpcException with a plain message when it cannot be made."""
    from drvls.views.build import ViewError, view_of
    from drvls.views.render import render
    from drvls.views.render_dot import DotError

    if path.suffix == ".drv":
        return _drv(path, fmt)
    doc = server.documents.get(uri)
    if doc is not None:
        text = doc.text
        data = text.encode("utf-8", "surrogatepass")
    else:
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise JsonRpcException(message=f"cannot read {path.name}: {exc.strerror or exc}",
                                   code=PREVIEW_FAILED) from None
        text = ""
    ctx = AnalysisContext(settings=server.settings.for_file(path), workspace=server.view,
                          session={"interface": "lsp"})
    try:
        return render(view_of(SourceFile(path, data, text, uri=uri), ctx), fmt)
    except (ViewError, DotError) as exc:
        raise JsonRpcException(message=str(exc), code=PREVIEW_FAILED) from None


def _drv(path: Path, fmt: str) -> str:
    from drvls.drv.preview import PreviewError, build_preview, render
    from drvls.views.drv_page import render as page

    if fmt not in ("html", "md", "json"):
        raise JsonRpcInvalidParams(f"a .drv preview is html, md or json, not {fmt!r}")
    try:
        found = build_preview(path.read_bytes(), path.name)
    except (OSError, PreviewError) as exc:
        raise JsonRpcException(message=str(exc), code=PREVIEW_FAILED) from None
    return page(found) if fmt == "html" else render(found, fmt)


def register(server: DrvlsServer) -> None:
    @server.feature(SYSTEM_PREVIEW_REQUEST)
    async def system_preview(params: Any) -> str:
        uri, fmt = _field(params, "uri"), _field(params, "format") or "html"
        if not isinstance(uri, str) or not uri.startswith("file:"):
            raise JsonRpcInvalidParams(f"{SYSTEM_PREVIEW_REQUEST} needs a file `uri`")
        if fmt not in FORMATS:
            raise JsonRpcInvalidParams(f"format must be one of {', '.join(FORMATS)}, not {fmt!r}")
        path = uri_to_path(uri)
        if path is None:
            raise JsonRpcInvalidParams(f"not a file URI: {uri}")
        return await asyncio.to_thread(preview, server, uri, path, fmt)
