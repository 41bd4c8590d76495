"""Generated assistant files in the editor: regenerate them from their `.drv`.

The drift itself is found by the analysis (`RUL012`/`RUL013` on a generated file, whose quick fix
puts back the generated text; `RUL014` on the source). This module adds, on a `RUL014` diagnostic,
a code action whose workspace edit rewrites (creates, removes) every target file the editor can
then save, and the command `drvls.emit.regenerate`, which writes them like `drvls emit --force`.
Either way a file drvls did not write is never touched.
"""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lsprotocol import types
from pygls.uris import from_fs_path, to_fs_path

from drvls.core import diagnostics as core
from drvls.drv.codes import TARGETS_STALE
from drvls.lsp.convert import PositionMapper

if TYPE_CHECKING:
    from drvls.drv.emit.apply import FileState
    from drvls.lsp.server import DrvlsServer

log = logging.getLogger(__name__)

REGENERATE_COMMAND = "drvls.emit.regenerate"


class RegenerateError(Exception):
    """Why regenerating could not run; shown to the user."""


def regenerate(server: DrvlsServer, uri: str) -> list[Path]:
    """Write the `.drv` behind `uri` to its configured targets, overwriting hand edits; the paths written."""
    from drvls.drv.emit.apply import Status, write_states

    root, states = planned(server, uri)
    foreign = [s.path for s in states if s.status is Status.FOREIGN]
    if foreign:
        raise RegenerateError(f"not written by drvls emit, so never overwritten: {', '.join(foreign)}")
    written, removed = write_states(root, states)
    return [root / p for p in written + removed]


def planned(server: DrvlsServer, uri: str) -> tuple[Path, list[FileState]]:
    """The output folder and every target file's state, for the `.drv` behind `uri`."""
    from drvls.drv.emit.apply import TargetError, check_targets, survey
    from drvls.drv.emit.source import EmitError, load_source

    fs_path = to_fs_path(uri)
    if fs_path is None:
        raise RegenerateError("only a file on disk can be emitted")
    path = Path(fs_path)
    settings = server.settings.for_file(path)
    rules = settings.section("rules")
    output = rules.get("output")
    root = settings.relative_to_config(output) if isinstance(output, str) else path.parent
    try:
        targets = check_targets(rules.get("targets") or [])
        ruleset, source = load_source(path, root)
    except (TargetError, EmitError) as exc:
        raise RegenerateError(str(exc)) from None
    _plan, states = survey(root, ruleset, source, targets)
    return root, states


def file_change(server: DrvlsServer, root: Path, state: FileState) -> list[Any]:
    """The workspace-edit operations that bring one file to its generated text."""
    from drvls.drv.emit.apply import Status

    target_uri = from_fs_path(str(root / state.path))
    if target_uri is None or state.status in (Status.CURRENT, Status.FOREIGN):
        return []
    if state.generated is None:
        return [types.DeleteFile(uri=target_uri)]
    doc = server.documents.get(target_uri)
    current = doc.text if doc is not None else (root / state.path).read_text("utf-8", "replace") \
        if state.status is not Status.MISSING else ""
    ops: list[Any] = []
    if state.status is Status.MISSING:
        ops.append(types.CreateFile(uri=target_uri, options=types.CreateFileOptions(overwrite=False,
                                                                                    ignore_if_exists=True)))
    lines = current.split("\n")
    whole = core.Range(core.Position(0, 0), core.Position(len(lines) - 1, len(lines[-1])))
    edit = types.TextEdit(range=PositionMapper(current, server.encoding).range(whole), new_text=state.generated.text)
    ops.append(types.TextDocumentEdit(
        text_document=types.OptionalVersionedTextDocumentIdentifier(uri=target_uri,
                                                                    version=doc.version if doc else None),
        edits=[edit]))
    return ops


def code_actions(server: DrvlsServer, params: types.CodeActionParams) -> list[types.CodeAction]:
    stale = [d for d in params.context.diagnostics if d.code == TARGETS_STALE.code]
    if not stale:
        return []
    try:
        root, states = planned(server, params.text_document.uri)
    except RegenerateError:
        return []
    changes = [op for state in states for op in file_change(server, root, state)]
    if not changes or any(s.status.name == "FOREIGN" for s in states):
        return []
    return [types.CodeAction(title="Regenerate the assistant rule files (drvls emit)",
                             kind=types.CodeActionKind.QuickFix, diagnostics=stale, is_preferred=True,
                             edit=types.WorkspaceEdit(document_changes=changes))]


def uri_argument(args: tuple[Any, ...]) -> str:
    for arg in args:
        if isinstance(arg, str):
            return arg
        if isinstance(arg, list | tuple):
            return uri_argument(tuple(arg))
    raise RegenerateError(f"{REGENERATE_COMMAND} needs the .drv file's URI as its argument")


def register(server: DrvlsServer) -> None:
    providers = getattr(server, "code_action_providers", None)
    if providers is None:
        providers = []
        server.code_action_providers = providers  # type: ignore[attr-defined]
    providers.append(lambda params: code_actions(server, params))

    @server.command(REGENERATE_COMMAND)
    async def regenerate_targets(*args: Any) -> dict[str, list[str]]:
        try:
            uri = uri_argument(args)
            loop = asyncio.get_running_loop()
            written = await loop.run_in_executor(server.thread_pool, regenerate, server, uri)
        except RegenerateError as exc:
            server.window_show_message(types.ShowMessageParams(type=types.MessageType.Error,
                                                               message=f"drvls: {exc}"))
            raise
        server.recheck_dependents(written)
        server.recheck(d for d in server.documents.all() if d.uri == uri)
        return {"written": [str(p) for p in written]}
