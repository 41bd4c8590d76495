"""The code action "Port this assembly to Microkit" and its command `drvls.port.open`.

The action creates `APP.system` and its report beside the app (`port/action.py`). A client that
can show documents gets it as a command: the server sends the files as `workspace/applyEdit`, then
`window/showDocument` for the new system, so the editor opens what it just made. A client that
cannot gets the plain workspace edit, and opens the file itself. Either way, the command or the
edit is offered only to a client that can create files, and never over an existing file.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from lsprotocol import types
from pygls.exceptions import JsonRpcInvalidParams
from pygls.uris import from_fs_path

from drvls.core.diagnostics import Range
from drvls.lsp.capabilities import capability
from drvls.lsp.checking import Outcome

if TYPE_CHECKING:
    from drvls.lsp.server import DrvlsServer

log = logging.getLogger(__name__)

PORT_COMMAND = "drvls.port.open"
PORT_KIND = types.CodeActionKind.RefactorRewrite
ASSEMBLY = "camkes:assembly:"


@dataclass(frozen=True)
class PortEdit:
    """The port of one assembly as a workspace edit, and the system file it creates."""

    title: str
    system_uri: str
    edit: types.WorkspaceEdit


def can_create_files(server: DrvlsServer) -> bool:
    edit = capability(server.client_capabilities, "workspace", "workspace_edit")
    if edit is None or not edit.document_changes:
        return False
    return types.ResourceOperationKind.Create in (edit.resource_operations or [])


def can_open_files(server: DrvlsServer) -> bool:
    """Whether the server may apply the edit itself and then ask the client to show the new file."""
    caps = server.client_capabilities
    return bool(capability(caps, "workspace", "apply_edit")) and bool(
        capability(caps, "window", "show_document", "support"))


def _uri(path: Path) -> str:
    return from_fs_path(str(path)) or path.as_uri()


async def port_edit(server: DrvlsServer, path: Path, outcome: Outcome, requested: Range) -> PortEdit | None:
    """The port of the assembly under the range, as new files (never over an existing one); None when
    no assembly is there or it cannot be ported."""
    if not any(s.key.startswith(ASSEMBLY) and s.path in (None, path) and s.full_range.start <= requested.end
               and requested.start <= s.full_range.end for s in outcome.analysis.symbols.definitions):
        return None
    from drvls.port.action import port_files  # here: only an assembly's code action loads the port

    def exists(candidate: Path) -> bool:
        return candidate.exists() or server.documents.by_path(candidate) is not None

    made = await asyncio.to_thread(port_files, path, outcome.text, server.settings.for_file(path), server.view,
                                   exists)
    if made is None:
        return None
    changes: list[types.TextDocumentEdit | types.CreateFile | types.RenameFile | types.DeleteFile] = []
    start = types.Position(line=0, character=0)
    for new_path, text in ((made.system_path, made.system), (made.report_path, made.report)):
        new_uri = _uri(new_path)
        changes.append(types.CreateFile(uri=new_uri, options=types.CreateFileOptions(overwrite=False,
                                                                                     ignore_if_exists=False)))
        changes.append(types.TextDocumentEdit(
            text_document=types.OptionalVersionedTextDocumentIdentifier(uri=new_uri, version=None),
            edits=[types.TextEdit(range=types.Range(start=start, end=start), new_text=text)]))
    return PortEdit(made.title, _uri(made.system_path), types.WorkspaceEdit(document_changes=changes))


async def port_action(server: DrvlsServer, uri: str, path: Path, outcome: Outcome, requested: Range,
                      lsp_range: types.Range) -> types.CodeAction | None:
    """The action for the assembly under the range: the command that opens the new system where the
    client can show documents, else the plain edit."""
    if not can_create_files(server):
        return None
    port = await port_edit(server, path, outcome, requested)
    if port is None:
        return None
    if can_open_files(server):
        command = types.Command(title=port.title, command=PORT_COMMAND, arguments=[uri, lsp_range])
        return types.CodeAction(title=port.title, kind=PORT_KIND, command=command)
    return types.CodeAction(title=port.title, kind=PORT_KIND, edit=port.edit)


class PortCommandError(Exception):
    """Why the port command could not run; shown to the user."""


async def port_and_open(server: DrvlsServer, uri: str, lsp_range: types.Range) -> dict[str, object]:
    """Create the port of the assembly under the range (as it is now), then show its system file."""
    doc = server.documents.get(uri)
    if doc is None or doc.path is None:
        raise PortCommandError("the CAmkES file is not open")
    outcome = await server.analyse_current(doc)
    mapper = server.mapper_for(outcome)
    requested = Range(mapper.core_position(lsp_range.start), mapper.core_position(lsp_range.end))
    port = await port_edit(server, doc.path, outcome, requested)
    if port is None:
        raise PortCommandError("no assembly that can be ported is there any more")
    applied = await server.workspace_apply_edit_async(types.ApplyWorkspaceEditParams(edit=port.edit,
                                                                                     label=port.title))
    if not applied.applied:
        raise PortCommandError(f"the editor did not create the files: {applied.failure_reason or 'no reason given'}")
    shown = False
    if can_open_files(server):
        result = await server.window_show_document_async(types.ShowDocumentParams(uri=port.system_uri,
                                                                                  take_focus=True))
        shown = result.success
    return {"created": port.system_uri, "shown": shown}


def register(server: DrvlsServer) -> None:
    @server.command(PORT_COMMAND)
    async def port_assembly(uri: str, lsp_range: types.Range) -> dict[str, object]:
        try:
            return await port_and_open(server, uri, lsp_range)
        except PortCommandError as exc:
            server.window_show_message(types.ShowMessageParams(type=types.MessageType.Error,
                                                               message=f"drvls: {exc}"))
            raise JsonRpcInvalidParams(message=f"drvls: {exc}") from None
