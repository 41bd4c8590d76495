"""`drvls serve`: the language server. Protocol plumbing only; analysis lives in the core.

Per client, diagnostics travel one way only: pulled (`textDocument/diagnostic`) when the
client declares pull support and can be asked to re-pull, otherwise published on open/change. Analysis runs on worker
threads from snapshots; a result is sent only if the document still has the analysed version.
"""

from __future__ import annotations

import asyncio
import inspect
import itertools
import logging
import os
import secrets
import sys
import time
import weakref
from collections.abc import Callable, Generator, Iterable
from dataclasses import replace
from pathlib import Path
from typing import Any

from lsprotocol import types
from pygls.lsp.server import LanguageServer
from pygls.protocol import lsp_method
from pygls.uris import from_fs_path

from drvls import __version__
from drvls.core.discovery import iter_files
from drvls.core.languages import invalidate
from drvls.core.symbols import SymbolIndex
from drvls.lsp import checking, convert, notifications
from drvls.lsp.capabilities import capability as _capability
from drvls.lsp.checking import Outcome
from drvls.lsp.convert import PositionMapper
from drvls.lsp.documents import BufferWorkspace, DocumentState, DocumentStore, normalise_path, normalised, uri_to_path
from drvls.lsp.features import FeatureLoadError, register_features
from drvls.lsp.progress import progress
from drvls.lsp.protocol_errors import AnswersMalformedMessages, answer_unreadable_body
from drvls.lsp.settings import SECTION, EditorSettings

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
_PENDING_WRITES: set[asyncio.Future[Any]] = set()  # asynchronous writes of pre-encoded answers, kept until done


class DrvlsProtocol(AnswersMalformedMessages):
    """Adds the per-client choice of diagnostics mode and feature capability hooks to `initialize`, and
    sends `Prepared` answers as the text they were encoded to once."""

    _server: DrvlsServer

    def _send_response(self, msg_id: Any, result: Any | None = None, error: Any | None = None) -> None:
        if error is not None or not isinstance(result, convert.Prepared | convert.PreparedObject) \
                or self.writer is None:
            super()._send_response(msg_id, result, error)
            return
        self._result_types.pop(msg_id, None)
        body = convert.prepared_response(msg_id, result).encode(self.CHARSET)
        header = (f"Content-Length: {len(body)}\r\nContent-Type: {self.CONTENT_TYPE}; charset={self.CHARSET}"
                  "\r\n\r\n").encode(self.CHARSET) if self._include_headers else b""
        written = self.writer.write(header + body)
        if inspect.isawaitable(written):  # a writer that sends asynchronously (pygls' websocket one)
            pending = asyncio.ensure_future(written)
            _PENDING_WRITES.add(pending)
            pending.add_done_callback(_PENDING_WRITES.discard)

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

    # The server keeps the one copy of each buffer (`DocumentStore`); pygls' workspace keeps none.
    @lsp_method(types.TEXT_DOCUMENT_DID_OPEN)
    def lsp_text_document__did_open(self, params: types.DidOpenTextDocumentParams) -> Generator[Any, Any, None]:
        yield from self._user_handler(types.TEXT_DOCUMENT_DID_OPEN, params)

    @lsp_method(types.TEXT_DOCUMENT_DID_CHANGE)
    def lsp_text_document__did_change(self, params: types.DidChangeTextDocumentParams) -> Generator[Any, Any, None]:
        yield from self._user_handler(types.TEXT_DOCUMENT_DID_CHANGE, params)

    @lsp_method(types.TEXT_DOCUMENT_DID_CLOSE)
    def lsp_text_document__did_close(self, params: types.DidCloseTextDocumentParams) -> Generator[Any, Any, None]:
        yield from self._user_handler(types.TEXT_DOCUMENT_DID_CLOSE, params)

    def _user_handler(self, method: str, params: Any) -> Generator[Any, Any, None]:
        handler = self.fm.features.get(method)
        if handler is not None:
            yield handler, (params,), None


def client_supports_pull(capabilities: types.ClientCapabilities) -> bool:
    """Pull only for clients that can also be told to pull again (`workspace/diagnostic/refresh`):
    without it (Neovim 0.10+) a change to an imported file would never reach the importing file's
    diagnostics, so such clients get published diagnostics instead, which follow dependencies."""
    text_document = capabilities.text_document
    refresh = _capability(capabilities, "workspace", "diagnostics", "refresh_support")
    return text_document is not None and text_document.diagnostic is not None and bool(refresh)


class DrvlsServer(LanguageServer):
    """Holds per-document state; `drvls.lsp.notifications` and `drvls.lsp.requests` say what each message does."""

    def __init__(self) -> None:
        super().__init__("drvls", __version__, text_document_sync_kind=types.TextDocumentSyncKind.Incremental,
                         protocol_cls=DrvlsProtocol, converter_factory=convert.converter)
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
        self._folders_generation = 0  # bumped when the workspace folders change (part of closed files' result ids)
        # The symbol indexes of closed workspace files analysed for workspace diagnostics, for
        # references and workspace symbols across files; replaced (never mutated) on the event loop.
        self._closed_indexes: dict[Path, SymbolIndex] = {}
        # The mapper of the last analysis asked about; the analysis is held weakly, so a superseded one
        # is freed when the document drops it, not by the next request (which then paid for it).
        self._mapper: tuple[weakref.ref[Outcome], PositionMapper] | None = None
        # The workspace's files, re-walked at most every FILE_LIST_TTL seconds (clients re-pull often).
        self._file_list: tuple[float, list[Path]] | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        # Set once the editor's settings are known, so the first analysis already uses them.
        self._settings_ready: asyncio.Event | None = None

    # -- errors and messages -------------------------------------------------------------------

    def report_server_error(self, error: Exception, source: Any) -> None:
        """Log instead of showing a message box per failure (a body that is not JSON is answered)."""
        if isinstance(self.protocol, AnswersMalformedMessages):
            answer_unreadable_body(self.protocol, error)
        log.error("server error (%s): %s", getattr(source, "__name__", source), error)

    def _config_error_from_worker(self, message: str) -> None:
        """Show a settings problem; called on worker threads and on the event loop (settings updates)."""
        try:
            loop: asyncio.AbstractEventLoop | None = asyncio.get_running_loop()
        except RuntimeError:
            loop = self._loop
        if loop is not None:
            loop.call_soon_threadsafe(self._show_warning, message)

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

    def held_indexes(self) -> list[SymbolIndex]:
        """The index of every analysis the server holds: open documents first, then closed files."""
        held = [doc.outcome.analysis.symbols for doc in self.documents.all() if doc.outcome is not None]
        open_paths = {doc.path for doc in self.documents.all()}
        held += [index for path, index in self._closed_indexes.items() if path not in open_paths]
        return held

    def mapper_for(self, outcome: Outcome) -> PositionMapper:
        """The position mapper of an analysed text, built once per result (its line index is O(file))."""
        cached = self._mapper
        if cached is None or cached[0]() is not outcome:
            cached = self._mapper = (weakref.ref(outcome), PositionMapper(outcome.text, self.encoding, outcome.lines))
        return cached[1]

    def closed_index(self, path: Path) -> SymbolIndex | None:
        return self._closed_indexes.get(path)

    def text_of(self, path: Path) -> str:
        """The text another file's ranges refer to: its analysed snapshot when open, else the disk."""
        doc = self.documents.by_path(path)
        if doc is not None and doc.outcome is not None:
            return doc.outcome.text
        return self.view.read_text(path) or ""

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
            outcome = replace(outcome, result_id=f"{self._run_token}-{next(self._results)}")
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
        """Everything open is analysed afresh (settings changed), with work-done progress."""
        self.forget_file_list()
        docs = self.documents.all()
        self.recheck(docs)
        if len(docs) > 1:
            self.spawn(self._recheck_progress(docs))

    async def _recheck_progress(self, docs: list[DocumentState]) -> None:
        async with progress(self, "drvls: re-checking open files", len(docs)) as reporter:
            for done, doc in enumerate(docs, 1):
                if self.documents.get(doc.uri) is doc:
                    await self.analyse_current(doc)  # the same run the publish or the next pull uses
                reporter.report(done, doc.path.name if doc.path else doc.uri)

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

    def folders_changed(self) -> None:
        """The editor's folders changed, and with them where a CAmkES file's importing apps are looked
        for: open documents are re-checked and closed files' earlier reports no longer match."""
        self.view.set_roots(self.workspace_roots())
        self._folders_generation += 1
        self.recheck_all()

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
        wanted = frozenset().union(*(normalised(doc.analysis.dependencies) for doc in self.documents.all()
                                     if doc.analysis is not None))
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

    async def workspace_report(self, previous: dict[str, str],
                               token: types.ProgressToken | None = None) -> types.WorkspaceDiagnosticReport:
        """Reports for open documents, then for files on disk; cancellable between files."""
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
        await self._wait_for_settings()
        files = await self._workspace_files(loop)
        closed = [path for path in files if path not in open_paths]
        on_disk = set(closed)
        self._closed_indexes = {p: i for p, i in self._closed_indexes.items() if p in on_disk}
        fresh = [path for path in closed if not self._closed_unchanged(path, previous)]
        async with progress(self, "drvls: checking the workspace", len(fresh) if len(fresh) > 1 else 0,
                            token) as reporter:
            done = 0
            for path in closed:
                item = await self._closed_report(path, previous, loop)
                if item is None:
                    continue
                items.append(item)
                if isinstance(item, types.WorkspaceFullDocumentDiagnosticReport):
                    done += 1
                    reporter.report(done, path.name)
        return types.WorkspaceDiagnosticReport(items=items)

    def _closed_unchanged(self, path: Path, previous: dict[str, str]) -> bool:
        uri = from_fs_path(str(path))
        known = self._closed.get(uri) if uri is not None else None
        return known is not None and uri is not None and previous.get(uri) == known[0] == self._file_key(
            path, known[1])

    async def _closed_report(self, path: Path, previous: dict[str, str], loop: asyncio.AbstractEventLoop
                             ) -> types.WorkspaceDocumentDiagnosticReport | None:
        """One file on disk that is not open; unchanged files (by stat) are not re-analysed. The
        analysis runs on a worker thread; what the server remembers is updated here, on the loop."""
        uri = from_fs_path(str(path))
        if uri is None:
            return None
        known = self._closed.get(uri)
        known_deps = known[1] if known else frozenset()
        key = self._file_key(path, known_deps)  # taken before reading, so a later write changes it
        if known is not None and known[0] == key and previous.get(uri) == key:
            return types.WorkspaceUnchangedDocumentDiagnosticReport(uri=uri, result_id=key, version=None)
        settings = self.settings.for_file(path)
        outcome = await loop.run_in_executor(self.thread_pool, lambda: checking.analyse_file(
            path, uri, settings, self.view, self.encoding, self.settings.docs_url))
        if outcome.dependencies != known_deps:
            key = self._file_key(path, outcome.dependencies)
        self._closed[uri] = (key, outcome.dependencies)
        self._closed_indexes[path] = outcome.analysis.symbols
        return types.WorkspaceFullDocumentDiagnosticReport(uri=uri, items=outcome.diagnostics, version=None,
                                                           result_id=key)

    async def _workspace_files(self, loop: asyncio.AbstractEventLoop) -> list[Path]:
        """The workspace's files: walked on a worker thread, remembered on the event loop."""
        now = time.monotonic()
        cached = self._file_list
        if cached is not None and now - cached[0] < FILE_LIST_TTL:
            return cached[1]
        roots = list(self.view.roots())
        excludes_for = self.settings.excludes_for

        def walk() -> list[Path]:
            found = (normalise_path(p) for root in roots for p in iter_files([root], excludes_for(root)))
            return list(dict.fromkeys(found))  # nested workspace folders would list a file twice

        files = await loop.run_in_executor(self.thread_pool, walk)
        self._file_list = (now, files)
        return files

    def forget_file_list(self) -> None:
        self._file_list = None

    def _file_key(self, path: Path, dependencies: frozenset[Path]) -> str:
        """A result id that changes when the file, what it read, or the settings change."""
        parts = [f"s{self.settings.generation}.{self._folders_generation}"]
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


def create_server() -> DrvlsServer:
    """The server with every listed feature; raises `FeatureLoadError` when one cannot load."""
    server = DrvlsServer()
    loaded = register_features(server, notifications.NOTIFICATION_MODULES) + register_features(server)
    log.debug("features: %s", ", ".join(loaded))
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
        try:
            server = create_server()
        except FeatureLoadError as exc:  # refuse to start rather than run without a feature
            print(f"drvls: {exc}", file=sys.stderr)
            return 1
        server.start_io(stdin, stdout)
    finally:
        sys.stdout = sys.__stdout__
    return 0
