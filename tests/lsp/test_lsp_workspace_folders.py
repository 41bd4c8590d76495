"""`workspace/didChangeWorkspaceFolders`: a file's verdict follows the folders the editor has now, never
the folders it had when the file was opened (a CAmkES component is checked in its importing app only
once the app's folder is part of the workspace)."""

from __future__ import annotations

from pathlib import Path

import pytest
from lsp_support import Editor, analyzer_available, summary
from lsprotocol import types
from prerequisites import needs
from test_lsp_workspace import workspace_report

needs_camkes = needs(analyzer_available(".camkes"), "the CAmkES analyzer (drvls.camkes.analyzer) is not in this build")

COMPONENT = "component C {\n  control;\n  uses P p;\n}\n"
PROJECT = {
    "lib/comp.camkes": COMPONENT,
    "app/app.camkes": 'procedure P { void f(); };\nimport "../lib/comp.camkes";\n'
                      "assembly { composition { component C c; } }\n",
}
# Alone, `P` is unknown (a warning in a library); in the app that imports the file it is declared.
ALONE = [("CK005", 2, 7, 2, 8)]


@pytest.fixture
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A project outside the editor's first workspace folder."""
    root = tmp_path_factory.mktemp("project")
    for name, text in PROJECT.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    return root


def add_folder(editor: Editor, folder: Path) -> None:
    editor.client.workspace_did_change_workspace_folders(types.DidChangeWorkspaceFoldersParams(
        event=types.WorkspaceFoldersChangeEvent(added=[types.WorkspaceFolder(uri=folder.as_uri(), name=folder.name)],
                                                removed=[])))


async def current(editor: Editor, uri: str, after: int) -> list[types.Diagnostic]:
    """The diagnostics shown once the server has re-checked: pulled again, or published afresh."""
    if editor.mode == "pull":
        return await editor.diagnostics(uri)
    return (await editor.wait_published(uri, editor.versions[uri], after)).diagnostics


@needs_camkes
async def test_an_open_component_is_rechecked_in_the_app_of_an_added_folder(editor: Editor, project: Path) -> None:
    path = project / "lib" / "comp.camkes"
    uri = path.as_uri()
    editor.versions[uri] = 1
    editor.client.text_document_did_open(types.DidOpenTextDocumentParams(text_document=types.TextDocumentItem(
        uri=uri, language_id="camkes", version=1, text=COMPONENT)))
    assert summary(await editor.diagnostics(uri)) == ALONE

    seen = len(editor.client.published)
    add_folder(editor, project)
    assert summary(await current(editor, uri, seen)) == []


@needs_camkes
async def test_workspace_diagnostics_of_a_closed_file_follow_the_folders(pull_editor: Editor) -> None:
    """A closed file's earlier report is not answered as unchanged once its app has left the workspace."""
    editor = pull_editor
    for name, text in PROJECT.items():
        editor.write(name, text)
    uri = editor.uri("lib/comp.camkes")
    first = (await workspace_report(editor))[uri]
    assert isinstance(first, types.WorkspaceFullDocumentDiagnosticReport) and first.result_id is not None
    assert summary(list(first.items)) == []

    lib = editor.root / "lib"
    editor.client.workspace_did_change_workspace_folders(types.DidChangeWorkspaceFoldersParams(
        event=types.WorkspaceFoldersChangeEvent(
            added=[types.WorkspaceFolder(uri=lib.as_uri(), name="lib")],
            removed=[types.WorkspaceFolder(uri=editor.root.as_uri(), name=editor.root.name)])))
    again = (await workspace_report(editor, {uri: first.result_id}))[uri]
    assert isinstance(again, types.WorkspaceFullDocumentDiagnosticReport)
    assert summary(list(again.items)) == ALONE
