"""Whole-workspace behaviour: workspace diagnostics for files that are not open, and files that
depend on other files (a CAmkES app importing a component) being re-checked when those change."""

from __future__ import annotations

import asyncio

from camkes_app import APP, COMPONENT, INTERFACE
from lsp_support import Editor, analyzer_available, needs_microkit, summary
from lsprotocol import types
from prerequisites import needs

BAD_PRIORITY = ('<?xml version="1.0"?>\n<system>\n  <protection_domain name="a" priority="300">\n'
                '    <program_image path="a.elf" />\n  </protection_domain>\n</system>\n')

UNKNOWN_END = ("CK005", 12, APP.splitlines()[12].index("foo.o"), 12, APP.splitlines()[12].index("foo.o") + 5)

needs_camkes = needs(analyzer_available(".camkes"), "the CAmkES analyzer (drvls.camkes.analyzer) is not in this build")


async def workspace_report(editor: Editor, previous: dict[str, str] | None = None) -> dict[str, object]:
    report = await asyncio.wait_for(editor.client.workspace_diagnostic_async(types.WorkspaceDiagnosticParams(
        previous_result_ids=[types.PreviousResultId(uri=u, value=v) for u, v in (previous or {}).items()])), 20)
    return {item.uri: item for item in report.items}


@needs_microkit
async def test_workspace_diagnostics_cover_files_that_are_not_open(pull_editor: Editor) -> None:
    editor = pull_editor
    editor.write("bad.system", BAD_PRIORITY)
    editor.write("latin1.system", b'<system>\n  <!-- caf\xe9 -->\n</system>\n')
    editor.write("ignored/x.system", BAD_PRIORITY)
    editor.write(".gitignore", "ignored/\n")
    editor.write("notes.txt", "not ours\n")
    items = await workspace_report(editor)
    assert sorted(items) == sorted([editor.uri("bad.system"), editor.uri("latin1.system")])

    bad = items[editor.uri("bad.system")]
    assert isinstance(bad, types.WorkspaceFullDocumentDiagnosticReport) and bad.version is None
    assert summary(list(bad.items)) == [("MK020", 2, 40, 2, 43)]
    latin1 = items[editor.uri("latin1.system")]
    assert isinstance(latin1, types.WorkspaceFullDocumentDiagnosticReport)
    assert ("DL003", 1, 10, 1, 10) in summary(list(latin1.items))  # the byte after "caf"

    # Asking again with the result ids: unchanged files are not re-sent; a changed one is.
    previous = {uri: item.result_id for uri, item in items.items() if item.result_id}  # type: ignore[attr-defined]
    editor.write("bad.system", BAD_PRIORITY.replace('"300"', '"3"'))
    again = await workspace_report(editor, previous)
    assert isinstance(again[editor.uri("latin1.system")], types.WorkspaceUnchangedDocumentDiagnosticReport)
    fixed = again[editor.uri("bad.system")]
    assert isinstance(fixed, types.WorkspaceFullDocumentDiagnosticReport) and list(fixed.items) == []

    # A file created later is covered once the client reports it (the server watches for new files).
    editor.write("new.system", BAD_PRIORITY)
    editor.client.workspace_did_change_watched_files(types.DidChangeWatchedFilesParams(
        changes=[types.FileEvent(uri=editor.uri("new.system"), type=types.FileChangeType.Created)]))
    latest = await workspace_report(editor)
    assert summary(list(latest[editor.uri("new.system")].items)) == [("MK020", 2, 40, 2, 43)]  # type: ignore[attr-defined]


@needs_microkit
async def test_open_documents_are_reported_with_their_version(pull_editor: Editor) -> None:
    editor = pull_editor
    editor.write("a.system", BAD_PRIORITY)
    uri = editor.open("a.system", BAD_PRIORITY.replace('"300"', '"30"'))  # the buffer differs from disk
    items = await workspace_report(editor)
    report = items[uri]
    assert isinstance(report, types.WorkspaceFullDocumentDiagnosticReport)
    assert report.version == 1 and list(report.items) == []


@needs_microkit
async def test_pull_for_a_closed_file_reads_the_disk(pull_editor: Editor) -> None:
    editor = pull_editor
    editor.write("closed.system", BAD_PRIORITY)
    report = await editor.client.text_document_diagnostic_async(types.DocumentDiagnosticParams(
        text_document=types.TextDocumentIdentifier(uri=editor.uri("closed.system"))))
    assert isinstance(report, types.RelatedFullDocumentDiagnosticReport)
    assert summary(list(report.items)) == [("MK020", 2, 40, 2, 43)]


async def rechecked(editor: Editor, uri: str, before: tuple[int, int]) -> list[types.Diagnostic]:
    """The app's diagnostics after the server re-checked it because something it imports changed."""
    if editor.mode == "pull":
        async def refreshed() -> None:
            while editor.client.diagnostic_refresh_count <= before[1]:
                await asyncio.sleep(0.02)

        await asyncio.wait_for(refreshed(), 20)
        return await editor.diagnostics(uri)
    return (await editor.wait_published(uri, editor.versions[uri], after=before[0])).diagnostics


def counters(editor: Editor) -> tuple[int, int]:
    return len(editor.client.published), editor.client.diagnostic_refresh_count


def errors(diagnostics: list[types.Diagnostic]) -> list[tuple[str, int, int, int, int]]:
    return [s for s, d in zip(summary(diagnostics), diagnostics, strict=True)
            if d.severity == types.DiagnosticSeverity.Error]


@needs_camkes
async def test_editing_an_imported_component_rechecks_the_app(editor: Editor) -> None:
    await component_edit_rechecks_app(editor)


async def component_edit_rechecks_app(editor: Editor) -> None:
    """Edit an imported component (not saved): the app importing it is re-checked, both ways."""
    editor.write("iface.idl4", INTERFACE)
    editor.write("comp.camkes", COMPONENT)
    editor.write("app.camkes", APP)
    app = editor.open("app.camkes", APP, "camkes")
    assert errors(await editor.diagnostics(app)) == []
    comp = editor.open("comp.camkes", COMPONENT, "camkes")
    await editor.diagnostics(comp)

    before = counters(editor)
    editor.change(comp, (2, 15), (2, 16), "p")  # `uses Iface o;` → `uses Iface p;`, not saved
    assert UNKNOWN_END in errors(await rechecked(editor, app, before))

    before = counters(editor)
    editor.change(comp, (2, 15), (2, 16), "o")
    assert errors(await rechecked(editor, app, before)) == []


@needs_camkes
async def test_an_imported_file_changing_on_disk_rechecks_the_app(editor: Editor) -> None:
    editor.write("iface.idl4", INTERFACE)
    editor.write("comp.camkes", COMPONENT)
    app = editor.open("app.camkes", APP, "camkes")
    assert errors(await editor.diagnostics(app)) == []
    before = counters(editor)
    editor.write("comp.camkes", COMPONENT.replace("Iface o;", "Iface p;"))
    editor.client.workspace_did_change_watched_files(types.DidChangeWatchedFilesParams(
        changes=[types.FileEvent(uri=editor.uri("comp.camkes"), type=types.FileChangeType.Changed)]))
    assert UNKNOWN_END in errors(await rechecked(editor, app, before))
