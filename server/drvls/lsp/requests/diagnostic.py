"""`textDocument/diagnostic`: the pull report of one document (open, or read from disk when closed)."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from lsprotocol import types

from drvls.lsp import checking
from drvls.lsp.documents import DocumentState, uri_to_path

if TYPE_CHECKING:
    from drvls.lsp.server import DrvlsServer

OPTIONS = types.DiagnosticOptions(identifier="drvls", inter_file_dependencies=True, workspace_diagnostics=True)


async def wait_debounce(server: DrvlsServer, doc: DocumentState) -> None:
    """Pull clients re-request after each keystroke and cancel the old request; waiting out the
    debounce here means a burst of typing costs one analysis."""
    if doc.changed_at is None or doc.is_current():
        return
    remaining = doc.changed_at + server.settings.debounce_seconds - asyncio.get_running_loop().time()
    if remaining > 0:
        await asyncio.sleep(remaining)


async def closed_document_report(server: DrvlsServer, uri: str) -> types.RelatedFullDocumentDiagnosticReport:
    path = uri_to_path(uri)
    if path is None:
        return types.RelatedFullDocumentDiagnosticReport(items=[])
    loop = asyncio.get_running_loop()
    settings = server.settings.for_file(path)
    outcome = await loop.run_in_executor(server.thread_pool, lambda: checking.analyse_file(
        path, uri, settings, server.view, server.encoding, server.settings.docs_url))
    return types.RelatedFullDocumentDiagnosticReport(items=outcome.diagnostics)


async def document_report(server: DrvlsServer, params: types.DocumentDiagnosticParams
                          ) -> types.DocumentDiagnosticReport:
    doc = server.documents.get(params.text_document.uri)
    if doc is None:
        return await closed_document_report(server, params.text_document.uri)
    await wait_debounce(server, doc)
    outcome = await server.analyse_current(doc)
    if params.previous_result_id is not None and params.previous_result_id == outcome.result_id:
        return types.RelatedUnchangedDocumentDiagnosticReport(result_id=outcome.result_id)
    return types.RelatedFullDocumentDiagnosticReport(items=outcome.diagnostics, result_id=outcome.result_id)


def register(server: DrvlsServer) -> None:
    @server.feature(types.TEXT_DOCUMENT_DIAGNOSTIC, OPTIONS)
    async def on_document_diagnostic(params: types.DocumentDiagnosticParams) -> types.DocumentDiagnosticReport:
        return await document_report(server, params)
