"""A readable preview of `.drv` files in the editor.

Two ways in: the custom request `drvls/preview` (`{uri, format}` → the preview text), and the
LSP 3.18 virtual document `workspace/textDocumentContent` for `drv-preview:` URIs, which
3.18 clients (e.g. vscode-languageclient 10) open as a read-only document. A `drv-preview:` URI
is the `.drv` file's `file:` URI with the scheme swapped; `?format=json` selects JSON.
pygls does not advertise the capability itself, so a capability hook adds it. When a previewed
`.drv` changes on disk, the client is asked to re-fetch the preview
(`workspace/textDocumentContent/refresh`).
"""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, urlsplit, urlunsplit

from lsprotocol import types
from pygls.exceptions import JsonRpcException, JsonRpcInvalidParams

from drvls.core.reading import ReadProblem, read_bounded
from drvls.drv.preview import FORMATS, PreviewError, build_preview, render
from drvls.lsp.documents import uri_to_path

if TYPE_CHECKING:
    from drvls.lsp.server import DrvlsServer

log = logging.getLogger(__name__)

PREVIEW_REQUEST = "drvls/preview"
SCHEME = "drv-preview"
PREVIEW_FAILED = -32001  # a server-defined JSON-RPC error code: the file cannot be previewed


class PreviewFailed(Exception):
    """Why a preview cannot be shown, in words for the user."""


def preview_text(path: Path, fmt: str) -> str:
    """The preview of the file on disk (a `.drv` is binary: editor buffers of it are not used)."""
    data = read_bounded(path)
    if isinstance(data, ReadProblem):
        raise PreviewFailed(f"cannot read {path.name}: {data.reason}")
    try:
        return render(build_preview(data, path.name), fmt)
    except PreviewError as exc:
        raise PreviewFailed(str(exc)) from None


def file_uri_of(preview_uri: str) -> tuple[str, str]:
    """(`file:` URI, format) for a `drv-preview:` URI."""
    parts = urlsplit(preview_uri)
    if parts.scheme != SCHEME:
        raise PreviewFailed(f"not a {SCHEME}: URI: {preview_uri}")
    fmt = parse_qs(parts.query).get("format", ["md"])[0]
    return urlunsplit(("file", parts.netloc, parts.path, "", "")), fmt


def preview_uri_of(file_uri: str, fmt: str = "md") -> str:
    """The `drv-preview:` URI showing a `.drv` file's `file:` URI."""
    parts = urlsplit(file_uri)
    return urlunsplit((SCHEME, parts.netloc, parts.path, "" if fmt == "md" else f"format={fmt}", ""))


def field(params: Any, name: str) -> Any:
    """A field of custom-request params, which arrive as an attribute object or a dict."""
    if isinstance(params, dict):
        return params.get(name)
    return getattr(params, name, None)


def resolve(uri: Any, fmt: Any) -> tuple[Path, str]:
    if not isinstance(uri, str) or not uri:
        raise JsonRpcInvalidParams("drvls/preview needs a `uri` string")
    if uri.startswith(SCHEME + ":"):
        uri, fmt = file_uri_of(uri)[0], fmt or file_uri_of(uri)[1]
    fmt = fmt or "md"
    if fmt not in FORMATS:
        raise JsonRpcInvalidParams(f"format must be one of {', '.join(FORMATS)}, not {fmt!r}")
    path = uri_to_path(uri) if uri.startswith("file:") else None
    if path is None:
        raise JsonRpcInvalidParams(f"not a file URI: {uri}")
    return path, fmt


def add_capability(capabilities: types.ServerCapabilities, _client: types.ClientCapabilities) -> None:
    workspace = capabilities.workspace or types.WorkspaceOptions()
    workspace.text_document_content = types.TextDocumentContentOptions(schemes=[SCHEME])
    capabilities.workspace = workspace


class ShownPreviews:
    """The preview URIs the client has fetched, by the path of the `.drv` file they show."""

    def __init__(self) -> None:
        self._by_path: dict[Path, set[str]] = {}

    def add(self, path: Path, preview_uri: str) -> None:
        self._by_path.setdefault(path, set()).add(preview_uri)

    def of(self, path: Path) -> list[str]:
        return sorted(self._by_path.get(path, ()))


def refresh_previews(server: DrvlsServer, shown: ShownPreviews, path: Path) -> None:
    """Ask the client to re-fetch every preview of a `.drv` file that changed on disk."""
    if not _client_refreshes(server):
        return
    for uri in shown.of(path):
        server.workspace_text_document_content_refresh(types.TextDocumentContentRefreshParams(uri=uri))


def _client_refreshes(server: DrvlsServer) -> bool:
    workspace = server.client_capabilities.workspace
    content = getattr(workspace, "text_document_content", None) if workspace else None
    return bool(content is not None)


def register(server: DrvlsServer) -> None:
    server.capability_hooks.append(add_capability)
    shown = ShownPreviews()
    server.watch_globs.append("**/*.drv")
    server.disk_listeners.append(lambda path: refresh_previews(server, shown, path))

    @server.feature(PREVIEW_REQUEST)
    async def preview_request(params: Any) -> str:
        try:
            path, fmt = resolve(field(params, "uri"), field(params, "format"))
            return await asyncio.to_thread(preview_text, path, fmt)
        except PreviewFailed as exc:
            raise JsonRpcException(message=str(exc), code=PREVIEW_FAILED) from None

    @server.feature(types.WORKSPACE_TEXT_DOCUMENT_CONTENT)
    async def text_document_content(params: types.TextDocumentContentParams) -> types.TextDocumentContentResult:
        try:
            file_uri, fmt = file_uri_of(params.uri)
            path, fmt = resolve(file_uri, fmt)
            shown.add(path, params.uri)
            text = await asyncio.to_thread(preview_text, path, fmt)
        except (PreviewFailed, JsonRpcInvalidParams) as exc:
            text = f"# Preview unavailable\n\n{exc}\n"  # shown in the virtual document itself
        return types.TextDocumentContentResult(text=text)
