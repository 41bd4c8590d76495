"""`drvls serve`: the language server. Protocol plumbing only; analysis lives in the core.

Per client, diagnostics travel one way only: pulled (`textDocument/diagnostic`) when the
client declares pull support, otherwise published on open/change. Analysis runs on worker
threads from snapshots; a result is sent only if the document still has the analysed version.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import os
import secrets
import sys
import time
from collections.abc import Callable, Generator, Iterable
from pathlib import Path
from typing import Any

from lsprotocol import types
from pygls.lsp.server import LanguageServer
from pygls.protocol import LanguageServerProtocol, lsp_method
from pygls.uris import from_fs_path

from drvls import __version__
from drvls.core.discovery import iter_files
from drvls.core.languages import invalidate
from drvls.lsp import checking
from drvls.lsp.checking import Outcome
from drvls.lsp.documents import BufferWorkspace, DocumentState, DocumentStore, normalise_path, uri_to_path
from drvls.lsp.features import register_features
from drvls.lsp.settings import SECTION, EditorSettings, is_config_file

log = logging.getLogger(__name__)

# Hooks that adjust the advertised capabilities (for what pygls does not build itself).
CapabilityHook = Callable[[types.ServerCapabilities, types.ClientCapabilities], None]
# Called with ("open" | "change" | "close" | "save", uri) after the server has handled the event.
DocumentListener = Callable[[str, str], None]

CONFIG_WATCH_ID = "drvls-config-files"
DEPENDENCY_WATCH_ID = "drvls-dependencies"
MAX_STALE_RETRIES = 5
SETTINGS_TIMEOUT = 5.0
FILE_LIST_TTL = 10.0


class DrvlsProtocol(LanguageServerProtocol):
    """Adds the per-client choice of diagnostics mode and feature capability hooks to `initialize`."""

    _server: DrvlsServer

    @lsp_method(types.INITIALIZE)
    def lsp_initialize(self, params: types.InitializeParams) -> Generator[Any, Any, types.InitializeResult]:
        server = self._server
        server.pull = client_supports_pull(params.capabilities)
        server.settings.update(params.initialization_options)
        result: types.InitializeResult = yield from super().lsp_initialize(params)
        if not server.pull:
            result.capabilities.diagnostic_provider = None
        for hook in server.capability_hooks:
            hook(result.capabilities, params.capabilities)
        server.view.set_roots(server.workspace_roots())
        server.forget_file_list()
        return result


def client_supports_pull(capabilities: types.ClientCapabilities) -> bool:
    text_document = capabilities.text_document
    return text_document is not None and text_document.diagnostic is not None


def _capability(capabilities: types.ClientCapabilities, *names: str) -> Any:
    value: Any = capabilities
    for name in names:
        value = getattr(value, name, None)
        if value is None:
            return None
    return value


class DrvlsServer(LanguageServer):
    """Holds per-document state; see `register_handlers` for what each message does."""

    def __init__(self) -> None:
        super().__init__("drvls", __version__, text_document_sync_kind=types.TextDocumentSyncKind.Incremental,
                         protocol_cls=DrvlsProtocol)
        self.documents = DocumentStore()
        self.view = BufferWorkspace(self.documents)
        self.settings = EditorSettings(on_error=self._config_error_from_worker)
        self.pull = False
        self.capability_hooks: list[CapabilityHook] = []
        self.document_listeners: list[DocumentListener] = []
        # Features that follow files on disk: extra glob patterns to watch, and who to tell on a change.
        self.watch_globs: list[str] = []
        self.disk_listeners: list[Callable[[Path], None]] = []
        self._results = itertools.count(1)
        self._run_token = secrets.token_hex(4)  # result ids from an earlier server never match
        self._tasks: set[asyncio.Task[Any]] = set()
        self._refresh_timer: asyncio.TimerHandle | None = None
        self._watched_dependencies: frozenset[Path] = frozenset()
        self._closed: dict[str, tuple[str, frozenset[Path]]] = {}
        # The workspace's files, re-walked at most every FILE_LIST_TTL seconds (clients re-pull often).
        self._file_list: tuple[float, list[Path]] | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        # Set once the editor's settings are known, so the first analysis already uses them.
        self._settings_ready: asyncio.Event | None = None

    # -- errors and messages -------------------------------------------------------------------

    def report_server_error(self, error: Exception, source: Any) -> None:
        """Log instead of showing a message box per failure."""
        log.error("server error (%s): %s", getattr(source, "__name__", source), error)

    def _config_error_from_worker(self, message: str) -> None:
        if self._loop is not None:
            self._loop.call_soon_threadsafe(self._show_warning, message)

    def _show_warning(self, message: str) -> None:
        self.window_show_message(types.ShowMessageParams(type=types.MessageType.Warning, message=f"drvls: {message}"))

    # -- environment ---------------------------------------------------------------------------

    @property
    def encoding(self) -> str:
        value = self.workspace.position_encoding or types.PositionEncodingKind.Utf16
        return value.value if isinstance(value, types.PositionEncodingKind) else str(value)

    def workspace_roots(self) -> list[Path]:
        roots: list[Path] = []
        for folder in self.workspace.folders.values():
            path = uri_to_path(folder.uri)
            if path is not None:
                roots.append(path)
        if not roots and self.workspace.root_uri:
            path = uri_to_path(self.workspace.root_uri)
            if path is not None:
                roots.append(path)
        return roots

    def spawn(self, coro: Any) -> None:
        """Run a coroutine in the background, keeping a reference so it is not collected."""
        task = asyncio.ensure_future(coro)
        self._tasks.add(task)
        task.add_done_callback(self._task_done)

    def _task_done(self, task: asyncio.Task[Any]) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error("background task failed", exc_info=task.exception())

    # -- analysis ------------------------------------------------------------------------------

    async def analyse(self, doc: DocumentState) -> Outcome:
        """The analysis of the document's current text, computing it if needed (never cancelled halfway)."""
        return await asyncio.shield(self._analyse_locked(doc))

    async def analyse_current(self, doc: DocumentState) -> Outcome:
        """Like `analyse`, retrying while edits or invalidations overtake the run."""
        outcome = await self.analyse(doc)
        for _ in range(MAX_STALE_RETRIES):
            if outcome.version == doc.version and outcome.generation == doc.generation:
                break
            outcome = await self.analyse(doc)
        return outcome

    def latest_outcome(self, uri: str) -> Outcome | None:
        """The newest finished analysis of an open document, without waiting (for other features)."""
        doc = self.documents.get(uri)
        return doc.outcome if doc is not None else None

    def settings_ready(self) -> asyncio.Event:
        if self._settings_ready is None:
            self._settings_ready = asyncio.Event()
        return self._settings_ready

    async def _wait_for_settings(self) -> None:
        ready = self.settings_ready()
        if not ready.is_set():
            try:
                await asyncio.wait_for(ready.wait(), SETTINGS_TIMEOUT)
            except asyncio.TimeoutError:  # noqa: UP041 (not the builtin on Python 3.10)
                log.warning("no settings from the client after %.0f s; using defaults", SETTINGS_TIMEOUT)
                ready.set()

    async def _analyse_locked(self, doc: DocumentState) -> Outcome:
        self._loop = asyncio.get_running_loop()
        await self._wait_for_settings()
        async with doc.lock:
            if doc.outcome is not None and doc.is_current():
                return doc.outcome
            snap = doc.snapshot()
            settings_for = self.settings.for_file
            loop = asyncio.get_running_loop()
            outcome = await loop.run_in_executor(
                self.thread_pool, lambda: checking.analyse_snapshot(
                    snap, settings_for(snap.path), self.view, self.encoding, self.settings.docs_url))
            outcome = Outcome(outcome.version, outcome.generation, outcome.analysis, outcome.diagnostics,
                              result_id=f"{self._run_token}-{next(self._results)}",
                              dependencies=outcome.dependencies)
            if doc.record(snap, outcome.analysis, outcome.result_id):
                doc.outcome = outcome
                self._dependencies_changed()
            return outcome

    # -- push mode -------------------------------------------------------------------------------

    def schedule(self, doc: DocumentState, delay: float | None = None) -> None:
        """Publish diagnostics for `doc` after the debounce delay; a newer call replaces the pending one."""
        if self.pull:
            return
        doc.cancel_timer()
        wait = self.settings.debounce_seconds if delay is None else delay
        loop = asyncio.get_running_loop()
        doc.timer = loop.call_later(wait, lambda: self.spawn(self._publish(doc)))

    async def _publish(self, doc: DocumentState) -> None:
        doc.timer = None
        outcome = await self.analyse(doc)
        if self.documents.get(doc.uri) is not doc:
            return  # closed (or reopened) meanwhile
        if outcome.version != doc.version or outcome.generation != doc.generation:
            return  # superseded: a newer run is scheduled
        if doc.published_result_id == outcome.result_id:
            return
        doc.published_result_id = outcome.result_id
        self.text_document_publish_diagnostics(types.PublishDiagnosticsParams(
            uri=doc.uri, version=doc.version, diagnostics=outcome.diagnostics))

    def clear_published(self, uri: str) -> None:
        if not self.pull:
            self.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=uri, diagnostics=[]))

    # -- re-checking -----------------------------------------------------------------------------

    def recheck(self, docs: Iterable[DocumentState], delay: float | None = 0.0) -> None:
        """Analyse documents afresh (settings or something they read changed); None = the debounce."""
        for doc in docs:
            doc.invalidate()
            self.schedule(doc, delay)
        self.request_refresh()

    def recheck_all(self) -> None:
        self.forget_file_list()
        self.recheck(self.documents.all())

    def recheck_dependents(self, paths: Iterable[Path]) -> None:
        dependents = self.documents.dependents(paths)
        if dependents:
            self.recheck(dependents, delay=None)

    def request_refresh(self) -> None:
        """Ask a pull client to pull again (coalesced with the debounce delay)."""
        supported = _capability(self.client_capabilities, "workspace", "diagnostics", "refresh_support")
        if not self.pull or not supported:
            return
        if self._refresh_timer is not None:
            self._refresh_timer.cancel()
        loop = asyncio.get_running_loop()
        self._refresh_timer = loop.call_later(self.settings.debounce_seconds, self._send_refresh)

    def _send_refresh(self) -> None:
        self._refresh_timer = None
        self.workspace_diagnostic_refresh(None)

    def notify_listeners(self, event: str, uri: str) -> None:
        path = uri_to_path(uri)
        if path is not None:  # what a buffer holds changed: cached answers about that file go
            invalidate([path])
        for listener in self.document_listeners:
            try:
                listener(event, uri)
            except Exception:
                log.exception("document listener failed on %s of %s", event, uri)

    def notify_disk_listeners(self, paths: Iterable[Path]) -> None:
        paths = list(paths)
        invalidate(paths)
        for path in paths:
            for listener in self.disk_listeners:
                try:
                    listener(path)
                except Exception:
                    log.exception("disk listener failed on %s", path)

    def config_changed(self) -> None:
        self.forget_file_list()
        self.settings.config_changed()
        self.recheck_all()

    # -- settings --------------------------------------------------------------------------------

    async def pull_settings(self) -> bool:
        """Fetch the `drvls` section; True when it changed. Without client support, keep what we have."""
        if not _capability(self.client_capabilities, "workspace", "configuration"):
            return False
        try:
            values = await self.workspace_configuration_async(types.ConfigurationParams(
                items=[types.ConfigurationItem(section=SECTION)]))
        except Exception as exc:
            log.warning("workspace/configuration failed: %s", exc)
            return False
        if not values or values[0] is None:
            return False  # the client has no such section: keep what initializationOptions gave
        return self.settings.update(values[0])

    # -- file watching ---------------------------------------------------------------------------

    async def register_config_watchers(self) -> None:
        if not _capability(self.client_capabilities, "workspace", "did_change_watched_files",
                           "dynamic_registration"):
            return
        watchers = [types.FileSystemWatcher(glob_pattern=f"**/{name}") for name in ("drvls.toml", "pyproject.toml")]
        watchers += [types.FileSystemWatcher(glob_pattern=pattern) for pattern in self.watch_globs]
        if self.pull:  # files appearing or going away change what workspace diagnostics cover
            watchers.append(types.FileSystemWatcher(
                glob_pattern="**/*", kind=int(types.WatchKind.Create) | int(types.WatchKind.Delete)))
        await self._register_watchers(CONFIG_WATCH_ID, watchers)

    async def _register_watchers(self, reg_id: str, watchers: list[types.FileSystemWatcher]) -> None:
        try:
            await self.client_register_capability_async(types.RegistrationParams(registrations=[
                types.Registration(id=reg_id, method=types.WORKSPACE_DID_CHANGE_WATCHED_FILES,
                                   register_options=types.DidChangeWatchedFilesRegistrationOptions(
                                       watchers=watchers))]))
        except Exception as exc:
            log.warning("client refused file watchers: %s", exc)

    def _dependencies_changed(self) -> None:
        wanted = frozenset(normalise_path(p) for doc in self.documents.all()
                           if doc.analysis is not None for p in doc.analysis.dependencies)
        if wanted == self._watched_dependencies:
            return
        if not _capability(self.client_capabilities, "workspace", "did_change_watched_files",
                           "dynamic_registration"):
            return
        had_any = bool(self._watched_dependencies)
        self._watched_dependencies = wanted
        self.spawn(self._rewatch_dependencies(wanted, had_any))

    async def _rewatch_dependencies(self, paths: frozenset[Path], had_any: bool) -> None:
        if had_any:
            try:
                await self.client_unregister_capability_async(types.UnregistrationParams(unregisterations=[
                    types.Unregistration(id=DEPENDENCY_WATCH_ID, method=types.WORKSPACE_DID_CHANGE_WATCHED_FILES)]))
            except Exception as exc:
                log.debug("unregistering dependency watchers failed: %s", exc)
        if paths:
            await self._register_watchers(DEPENDENCY_WATCH_ID, self._watchers_for(paths))

    def _watchers_for(self, paths: Iterable[Path]) -> list[types.FileSystemWatcher]:
        relative = _capability(self.client_capabilities, "workspace", "did_change_watched_files",
                               "relative_pattern_support")
        watchers = []
        for path in sorted(paths):
            pattern: types.GlobPattern
            if relative:
                pattern = types.RelativePattern(base_uri=from_fs_path(str(path.parent)) or "",
                                                pattern=_glob_escape(path.name))
            else:
                pattern = f"**/{_glob_escape(path.name)}"
            watchers.append(types.FileSystemWatcher(glob_pattern=pattern))
        return watchers

    # -- workspace diagnostics -------------------------------------------------------------------

    async def workspace_report(self, previous: dict[str, str]) -> types.WorkspaceDiagnosticReport:
        items: list[types.WorkspaceDocumentDiagnosticReport] = []
        open_paths: set[Path] = set()
        for doc in self.documents.all():
            if doc.path is not None:
                open_paths.add(doc.path)
            outcome = await self.analyse_current(doc)
            if previous.get(doc.uri) == outcome.result_id:
                items.append(types.WorkspaceUnchangedDocumentDiagnosticReport(
                    uri=doc.uri, result_id=outcome.result_id, version=outcome.version))
            else:
                items.append(types.WorkspaceFullDocumentDiagnosticReport(
                    uri=doc.uri, items=outcome.diagnostics, version=outcome.version, result_id=outcome.result_id))
        loop = asyncio.get_running_loop()
        closed = await loop.run_in_executor(self.thread_pool, self._closed_reports, previous, frozenset(open_paths))
        items.extend(closed)
        return types.WorkspaceDiagnosticReport(items=items)

    def _closed_reports(
        self, previous: dict[str, str], open_paths: frozenset[Path]
    ) -> list[types.WorkspaceDocumentDiagnosticReport]:
        """Reports for files on disk that are not open; unchanged files (by stat) are not re-analysed."""
        items: list[types.WorkspaceDocumentDiagnosticReport] = []
        for path in self._workspace_files():
            if path in open_paths:
                continue
            uri = from_fs_path(str(path))
            if uri is None:
                continue
            known = self._closed.get(uri)
            known_deps = known[1] if known else frozenset()
            key = self._file_key(path, known_deps)  # taken before reading, so a later write changes it
            if known is not None and known[0] == key and previous.get(uri) == key:
                items.append(types.WorkspaceUnchangedDocumentDiagnosticReport(uri=uri, result_id=key, version=None))
                continue
            outcome = checking.analyse_file(path, uri, self.settings.for_file(path), self.view, self.encoding,
                                            self.settings.docs_url)
            if outcome.dependencies != known_deps:
                key = self._file_key(path, outcome.dependencies)
            self._closed[uri] = (key, outcome.dependencies)
            items.append(types.WorkspaceFullDocumentDiagnosticReport(
                uri=uri, items=outcome.diagnostics, version=None, result_id=key))
        return items

    def _workspace_files(self) -> list[Path]:
        now = time.monotonic()
        cached = self._file_list
        if cached is not None and now - cached[0] < FILE_LIST_TTL:
            return cached[1]
        roots = list(self.view.roots())
        files = [normalise_path(p) for p in iter_files(roots, self.settings.excludes)] if roots else []
        self._file_list = (now, files)
        return files

    def forget_file_list(self) -> None:
        self._file_list = None

    def _file_key(self, path: Path, dependencies: frozenset[Path]) -> str:
        """A result id that changes when the file, what it read, or the settings change."""
        parts = [f"s{self.settings.generation}"]
        for item in (path, *sorted(dependencies)):
            doc = self.documents.by_path(item)
            if doc is not None:
                parts.append(f"v{doc.version}.{doc.generation}")
                continue
            try:
                stat = os.stat(item)
                parts.append(f"{stat.st_mtime_ns}.{stat.st_size}")
            except OSError:
                parts.append("-")
        return "w" + ":".join(parts)


def _glob_escape(name: str) -> str:
    return "".join(f"[{ch}]" if ch in "*?[]{}" else ch for ch in name)


def register_handlers(server: DrvlsServer) -> None:
    """Wire LSP messages to the server's state; each handler only mutates state or schedules work."""

    @server.feature(types.INITIALIZED)
    async def initialized(params: types.InitializedParams) -> None:
        try:
            changed = await server.pull_settings()
            if changed and any(doc.analysis is not None for doc in server.documents.all()):
                server.recheck_all()  # only if something was analysed before the settings arrived
        finally:
            server.settings_ready().set()
        await server.register_config_watchers()

    @server.feature(types.TEXT_DOCUMENT_DID_OPEN)
    def did_open(params: types.DidOpenTextDocumentParams) -> None:
        doc = server.documents.open(params.text_document)
        server.schedule(doc, 0.0)
        server.notify_listeners("open", doc.uri)

    @server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(params: types.DidChangeTextDocumentParams) -> None:
        doc = server.documents.get(params.text_document.uri)
        if doc is None:
            log.warning("change for a document that is not open: %s", params.text_document.uri)
            return
        doc.change(params.text_document.version, params.content_changes, server.encoding)
        doc.changed_at = asyncio.get_running_loop().time()
        server.schedule(doc)
        if doc.path is not None:
            server.recheck_dependents([doc.path])
        server.notify_listeners("change", doc.uri)

    @server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(params: types.DidCloseTextDocumentParams) -> None:
        doc = server.documents.close(params.text_document.uri)
        server.clear_published(params.text_document.uri)
        if doc is not None and doc.path is not None:
            server.recheck_dependents([doc.path])
        server.notify_listeners("close", params.text_document.uri)

    @server.feature(types.TEXT_DOCUMENT_DID_SAVE)
    def did_save(params: types.DidSaveTextDocumentParams) -> None:
        path = uri_to_path(params.text_document.uri)
        if path is not None and is_config_file(path):
            server.config_changed()
        server.notify_listeners("save", params.text_document.uri)

    @server.feature(types.WORKSPACE_DID_CHANGE_WATCHED_FILES)
    def did_change_watched_files(params: types.DidChangeWatchedFilesParams) -> None:
        paths = [p for p in (uri_to_path(change.uri) for change in params.changes) if p is not None]
        server.notify_disk_listeners(paths)
        if any(change.type != types.FileChangeType.Changed for change in params.changes):
            server.forget_file_list()
        if any(is_config_file(p) for p in paths):
            server.config_changed()
            return
        on_disk = [p for p in paths if server.documents.by_path(p) is None]
        if on_disk:
            server.recheck_dependents(on_disk)

    @server.feature(types.WORKSPACE_DID_CHANGE_CONFIGURATION)
    async def did_change_configuration(params: types.DidChangeConfigurationParams) -> None:
        if _capability(server.client_capabilities, "workspace", "configuration"):
            changed = await server.pull_settings()
        else:
            changed = server.settings.update(params.settings)
        if changed:
            server.recheck_all()

    @server.feature(types.WORKSPACE_DID_CHANGE_WORKSPACE_FOLDERS)
    def did_change_folders(params: types.DidChangeWorkspaceFoldersParams) -> None:
        server.view.set_roots(server.workspace_roots())
        server.forget_file_list()

    @server.feature(types.TEXT_DOCUMENT_DIAGNOSTIC,
                    types.DiagnosticOptions(identifier="drvls", inter_file_dependencies=True,
                                            workspace_diagnostics=True))
    async def document_diagnostic(params: types.DocumentDiagnosticParams) -> types.DocumentDiagnosticReport:
        doc = server.documents.get(params.text_document.uri)
        if doc is None:
            return await _closed_document_report(server, params.text_document.uri)
        await _wait_debounce(server, doc)
        outcome = await server.analyse_current(doc)
        if params.previous_result_id is not None and params.previous_result_id == outcome.result_id:
            return types.RelatedUnchangedDocumentDiagnosticReport(result_id=outcome.result_id)
        return types.RelatedFullDocumentDiagnosticReport(items=outcome.diagnostics, result_id=outcome.result_id)

    @server.feature(types.WORKSPACE_DIAGNOSTIC)
    async def workspace_diagnostic(params: types.WorkspaceDiagnosticParams) -> types.WorkspaceDiagnosticReport:
        previous = {item.uri: item.value for item in params.previous_result_ids}
        return await server.workspace_report(previous)


async def _wait_debounce(server: DrvlsServer, doc: DocumentState) -> None:
    """Pull clients re-request after each keystroke and cancel the old request; waiting out the
    debounce here means a burst of typing costs one analysis."""
    if doc.changed_at is None or doc.is_current():
        return
    remaining = doc.changed_at + server.settings.debounce_seconds - asyncio.get_running_loop().time()
    if remaining > 0:
        await asyncio.sleep(remaining)


async def _closed_document_report(server: DrvlsServer, uri: str) -> types.RelatedFullDocumentDiagnosticReport:
    path = uri_to_path(uri)
    if path is None:
        return types.RelatedFullDocumentDiagnosticReport(items=[])
    loop = asyncio.get_running_loop()
    outcome = await loop.run_in_executor(server.thread_pool, lambda: checking.analyse_file(
        path, uri, server.settings.for_file(path), server.view, server.encoding, server.settings.docs_url))
    return types.RelatedFullDocumentDiagnosticReport(items=outcome.diagnostics)


def create_server() -> DrvlsServer:
    server = DrvlsServer()
    register_handlers(server)
    loaded = register_features(server)
    log.debug("optional features: %s", ", ".join(loaded) or "none")
    return server


def _configure_logging() -> None:
    """Logs go to stderr: stdout carries the protocol."""
    root = logging.getLogger()
    if not root.handlers:
        level = os.environ.get("DRVLS_LOG_LEVEL", "WARNING").upper()
        logging.basicConfig(stream=sys.stderr, level=getattr(logging, level, logging.WARNING),
                            format="drvls %(levelname)s %(name)s: %(message)s")


def serve() -> int:
    """Run the server over stdio until the client exits it."""
    _configure_logging()
    stdin, stdout = sys.stdin.buffer, sys.stdout.buffer
    sys.stdout = sys.stderr  # a stray print() anywhere must not corrupt the protocol stream
    try:
        create_server().start_io(stdin, stdout)
    finally:
        sys.stdout = sys.__stdout__
    return 0
