"""CAmkES code actions through the real server: sorting imports, and porting an assembly to Microkit
(the port's files created beside the app, never over an existing file, then opened in an editor
that can show documents)."""

from __future__ import annotations

import asyncio
import shutil
import sys
from pathlib import Path

import pytest
from action_support import WAIT, actions_at, applied, replace_text
from drvls.core.config import Settings
from drvls.core.engine import check_source
from drvls.core.languages import AnalysisContext, DiskWorkspace, SourceFile
from drvls.port.run import port_app
from lsp_support import Editor
from lsprotocol import types
from prerequisites import skip_or_fail

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "camkes"))
from camkes_verdicts import CORPUS, entries, settings_for

PORT_APPS = Path(__file__).resolve().parents[1] / "port" / "apps"
UNSORTED = """/* the app */
import "procs.idl4";
import <std_connector.camkes>;

import "components/b.camkes";
import "components/a.camkes";
// kept: a comment ends a run
assembly {
    composition {
        component Client c;
    }
}
"""
SORTED = UNSORTED.replace('import "procs.idl4";\nimport <std_connector.camkes>;',
                          'import <std_connector.camkes>;\nimport "procs.idl4";').replace(
    'import "components/b.camkes";\nimport "components/a.camkes";',
    'import "components/a.camkes";\nimport "components/b.camkes";')
WHOLE = types.Range(start=types.Position(line=0, character=0), end=types.Position(line=0, character=0))


def _write_app(root: Path) -> None:
    (root / "components").mkdir()
    (root / "procs.idl4").write_text("procedure P { void f(); };\n", encoding="utf-8")
    (root / "components" / "a.camkes").write_text("component Client { control; }\n", encoding="utf-8")
    (root / "components" / "b.camkes").write_text("component Other { control; }\n", encoding="utf-8")


async def test_organise_imports_sorts_each_run_and_keeps_the_diagnostics(editor: Editor) -> None:
    _write_app(editor.root)
    uri = editor.open("app.camkes", UNSORTED, "camkes")
    before = await editor.diagnostics(uri)
    offered = await actions_at(editor, uri, WHOLE, [], only=[types.CodeActionKind.SourceOrganizeImports])
    (action,) = offered
    assert action.kind == types.CodeActionKind.SourceOrganizeImports
    fixed = applied(UNSORTED, uri, action)
    assert fixed == SORTED
    after = await replace_text(editor, uri, fixed)
    assert [(d.code, d.message) for d in after] == [(d.code, d.message) for d in before]
    assert await actions_at(editor, uri, WHOLE, [], only=[types.CodeActionKind.SourceOrganizeImports]) == []


def _port_entry() -> dict[str, object]:
    wanted = "seL4__camkes/apps/simple/simple.camkes"
    found = [e for e in entries() if e["path"] == wanted and e.get("accepted")]
    if not found:
        skip_or_fail("the CAmkES corpus is not present beside the repository")
    return found[0]


def _editor_settings(settings: Settings) -> dict[str, object]:
    return {"camkes": dict(settings.section("camkes"))}


def _created(edit: types.WorkspaceEdit | None) -> dict[str, str]:
    """uri → text of each file the edit creates (refusing to overwrite: the editor's rule)."""
    assert edit is not None and edit.document_changes is not None
    made: dict[str, str] = {}
    for change in edit.document_changes:
        if isinstance(change, types.CreateFile):
            assert change.options is not None and change.options.overwrite is False
            made[change.uri] = ""
        else:
            assert isinstance(change, types.TextDocumentEdit)
            made[change.text_document.uri] += "".join(e.new_text for e in change.edits
                                                      if isinstance(e, types.TextEdit))
    return made


async def _port_action(editor: Editor, uri: str, text: str) -> types.CodeAction:
    line = next(i for i, t in enumerate(text.split("\n")) if t.startswith("assembly"))
    at = types.Range(start=types.Position(line=line, character=2), end=types.Position(line=line, character=2))
    offered = await actions_at(editor, uri, at, [], only=[types.CodeActionKind.RefactorRewrite])
    (action,) = offered
    assert action.title.startswith("Port this assembly to Microkit")
    assert action.kind == types.CodeActionKind.RefactorRewrite
    return action


async def _port_and_open(editor: Editor, uri: str, text: str) -> dict[str, str]:
    """Choose the port action as an editor that can show documents does: it runs the action's command,
    which makes the server apply the files' edit and then show the new system; the files it created."""
    action = await _port_action(editor, uri, text)
    assert action.edit is None and action.command is not None
    await asyncio.wait_for(editor.client.workspace_execute_command_async(types.ExecuteCommandParams(
        command=action.command.command, arguments=action.command.arguments)), WAIT)
    (applied_edit,) = editor.client.applied_edits
    made = _created(applied_edit.edit)
    (shown,) = editor.client.shown_documents
    system = next(u for u in made if u.endswith(".system"))
    assert (shown.uri, shown.take_focus) == (system, True)
    return made


def _microkit_problems(path: Path, text: str, root: Path) -> list[tuple[str, str]]:
    """The errors our Microkit check finds in a ported system (its program images are never built)."""
    checked = check_source(SourceFile(path=path, data=text.encode(), text=""),
                           AnalysisContext(Settings({"ignore": ["MK201"]}), DiskWorkspace([root])))
    return [(d.code, d.message) for d in checked.diagnostics if d.severity >= 4]


@pytest.mark.slow
async def test_port_action_on_a_corpus_app_creates_the_system_and_its_report(editor: Editor) -> None:
    entry = _port_entry()
    source = CORPUS / str(entry["path"])
    settings = settings_for(entry)
    await editor.change_settings(_editor_settings(settings))
    app = editor.root / source.parent.name / source.name
    shutil.copytree(source.parent, app.parent)
    text = source.read_text(encoding="utf-8")
    uri = editor.open(str(app.relative_to(editor.root)), text, "camkes")
    await editor.diagnostics(uri)
    made = await _port_and_open(editor, uri, text)
    expected = port_app(app, text, settings, DiskWorkspace([editor.root]))
    assert made == {editor.uri(f"{app.parent.name}/simple.system"): expected.system,
                    editor.uri(f"{app.parent.name}/simple.port.md"): expected.report}
    assert _microkit_problems(app.with_name("simple.system"), expected.system, editor.root) == []


async def test_port_action_creates_the_system_then_opens_it(editor: Editor) -> None:
    text = (PORT_APPS / "pipeline.camkes").read_text(encoding="utf-8")
    app = editor.write("pipeline.camkes", text)
    uri = editor.open("pipeline.camkes", text, "camkes")
    await editor.diagnostics(uri)
    made = await _port_and_open(editor, uri, text)
    expected = port_app(app, text, Settings({}), DiskWorkspace([editor.root]))
    assert made == {editor.uri("pipeline.system"): expected.system, editor.uri("pipeline.port.md"): expected.report}
    assert _microkit_problems(app.with_name("pipeline.system"), made[editor.uri("pipeline.system")],
                              editor.root) == []


async def test_port_action_is_a_plain_edit_for_an_editor_that_cannot_show_documents(plain_editor: Editor) -> None:
    editor = plain_editor
    text = (PORT_APPS / "pipeline.camkes").read_text(encoding="utf-8")
    uri = editor.open("pipeline.camkes", text, "camkes")
    await editor.diagnostics(uri)
    action = await _port_action(editor, uri, text)
    assert action.command is None
    assert sorted(_created(action.edit)) == [editor.uri("pipeline.port.md"), editor.uri("pipeline.system")]
    assert editor.client.applied_edits == [] and editor.client.shown_documents == []


async def test_port_action_never_names_an_existing_file(editor: Editor) -> None:
    text = (PORT_APPS / "pipeline.camkes").read_text(encoding="utf-8")
    (editor.root / "pipeline.system").write_text("<system/>\n", encoding="utf-8")
    uri = editor.open("pipeline.camkes", text, "camkes")
    await editor.diagnostics(uri)
    made = await _port_and_open(editor, uri, text)
    assert sorted(made) == [editor.uri("pipeline-2.port.md"), editor.uri("pipeline-2.system")]
    assert (editor.root / "pipeline.system").read_text(encoding="utf-8") == "<system/>\n"


async def test_port_command_without_an_assembly_there_changes_nothing(editor: Editor) -> None:
    text = (PORT_APPS / "pipeline.camkes").read_text(encoding="utf-8")
    uri = editor.open("pipeline.camkes", text, "camkes")
    await editor.diagnostics(uri)
    action = await _port_action(editor, uri, text)
    assert action.command is not None and action.command.arguments is not None
    first_line = types.Range(start=types.Position(line=0, character=0), end=types.Position(line=0, character=0))
    with pytest.raises(Exception, match="no assembly"):
        await asyncio.wait_for(editor.client.workspace_execute_command_async(types.ExecuteCommandParams(
            command=action.command.command, arguments=[uri, first_line])), WAIT)
    assert editor.client.applied_edits == [] and editor.client.shown_documents == []
