"""CAmkES code actions through the real server: sorting imports, and porting an assembly to Microkit
(the port's files created beside the app, never over an existing file)."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest
from action_support import actions_at, applied, replace_text
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


def _created(action: types.CodeAction) -> dict[str, str]:
    """uri → text of each file the action creates (refusing to overwrite: the editor's rule)."""
    assert action.edit is not None and action.edit.document_changes is not None
    made: dict[str, str] = {}
    for change in action.edit.document_changes:
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
    return action


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
    made = _created(await _port_action(editor, uri, text))
    expected = port_app(app, text, settings, DiskWorkspace([editor.root]))
    assert made == {editor.uri(f"{app.parent.name}/simple.system"): expected.system,
                    editor.uri(f"{app.parent.name}/simple.port.md"): expected.report}
    system = app.with_name("simple.system")
    checked = check_source(SourceFile(path=system, data=expected.system.encode(), text=""),
                           AnalysisContext(Settings({"ignore": ["MK201"]}), DiskWorkspace([editor.root])))
    assert [d for d in checked.diagnostics if d.severity >= 4] == []


async def test_port_action_never_names_an_existing_file(editor: Editor) -> None:
    text = (PORT_APPS / "pipeline.camkes").read_text(encoding="utf-8")
    (editor.root / "pipeline.system").write_text("<system/>\n", encoding="utf-8")
    uri = editor.open("pipeline.camkes", text, "camkes")
    await editor.diagnostics(uri)
    made = _created(await _port_action(editor, uri, text))
    assert sorted(made) == [editor.uri("pipeline-2.port.md"), editor.uri("pipeline-2.system")]
    assert (editor.root / "pipeline.system").read_text(encoding="utf-8") == "<system/>\n"
