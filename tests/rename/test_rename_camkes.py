"""Rename across an app's imported CAmkES files (a copy of a real corpus app): component and procedure
types, instances and interfaces, with the uses written as `instance.interface` changing only their
own part; applying the edit to every file gives an app with the same diagnostics and the new name
everywhere. Refusals: collisions, invalid identifiers, CAmkES and C keywords."""

from __future__ import annotations

import asyncio
import re
import shutil
from pathlib import Path

import pytest
from lsprotocol import types
from prerequisites import corpus_path
from rename_support import RecordingClient, apply, doc, edits_by_uri, path_of, position, prepare, rename, text_at

pytestmark = pytest.mark.asyncio(loop_scope="module")

APP = ("seL4__camkes", "apps", "hierarchical-components")
MAIN = "hierarchical-components.camkes"
TEMP = ("santoslab__sysml-temp-control-mixed-sel4-camkes", "hamr", "camkes")
TEMP_MAIN = "TempControlSystem_Instance.camkes"
S10 = ("seL4__camkes-tool", "camkes", "parser", "tests", "bad-at-s10")
BACKWARDS = "backwards-connection.camkes"


def copy_app(root: Path, app: tuple[str, ...] = APP, main: str = MAIN) -> Path:
    source = corpus_path("camkes", *app, required_file=main)
    target = root / app[-1]
    shutil.rmtree(target, ignore_errors=True)
    shutil.copytree(source, target)
    return target


def open_doc(client: RecordingClient, path: Path) -> tuple[str, str]:
    text = path.read_text(encoding="utf-8")
    uri = path.as_uri()
    client.editor.versions[uri] = 1
    client.text_document_did_open(types.DidOpenTextDocumentParams(text_document=types.TextDocumentItem(
        uri=uri, language_id="camkes", version=1, text=text)))
    return uri, text


def close_all(client: RecordingClient, uris: list[str]) -> None:
    for uri in uris:
        client.text_document_did_close(types.DidCloseTextDocumentParams(text_document=doc(uri)))


async def diagnostics_of(client: RecordingClient, uri: str) -> list[tuple[str, int, str]]:
    report = await asyncio.wait_for(client.text_document_diagnostic_async(
        types.DocumentDiagnosticParams(text_document=doc(uri))), 20)
    assert isinstance(report, types.RelatedFullDocumentDiagnosticReport)
    return sorted((str(d.code), d.range.start.line, d.message) for d in report.items)


# (app, its main file, files opened besides it, the file with the cursor, text there, cursor offset, old, new,
#  files edited)
CASES = [(APP, MAIN, *case) for case in [
    ((), MAIN, "component Client c;", 11, "Client", "Customer", {MAIN, "components/Client/Client.camkes"}),
    ((), MAIN, "component Pipeline p1;", 20, "p1", "first", {MAIN}),
    ((), MAIN, "to p1.extra", 8, "extra", "bonus", {MAIN, "components/Pipeline/Pipeline.camkes"}),
    ((), MAIN, "to p1.i)", 6, "i", "input", {MAIN, "components/Pipeline/Pipeline.camkes"}),
    ((), MAIN, "from c.o1", 7, "o1", "out1", {MAIN, "components/Client/Client.camkes"}),
    (("components/Client/Client.camkes",), "components/Client/Client.camkes", "uses StringProcessor o1", 8,
     "StringProcessor", "TextProcessor",
     {"interfaces/string_processor.idl4", *(f"components/{c}/{c}.camkes" for c in (
         "Client", "Server", "UpperCase", "Reverse", "Append", "SubPipeline", "Pipeline"))}),
    (("components/Pipeline/Pipeline.camkes",), "components/Pipeline/Pipeline.camkes", "component Append a;", 17,
     "a", "appender", {"components/Pipeline/Pipeline.camkes"}),
]] + [
    # an interface configured by `tsp_tst.sb_currentTemp_access = "W";`: that setting's prefix changes too
    (TEMP, TEMP_MAIN, (), TEMP_MAIN, "from tsp_tst.sb_currentTemp", 16, "sb_currentTemp", "sb_temperature",
     {TEMP_MAIN, "components/TempSensor_tsp_tst/TempSensor_tsp_tst.camkes"}),
    (TEMP, TEMP_MAIN, (), TEMP_MAIN, "tsp_tst.sb_currentTemp_access", 10, "sb_currentTemp", "sb_temperature",
     {TEMP_MAIN, "components/TempSensor_tsp_tst/TempSensor_tsp_tst.camkes"}),
    (TEMP, TEMP_MAIN, (), TEMP_MAIN, "tsp_tst.sb_currentTemp_access", 2, "tsp_tst", "sensor", {TEMP_MAIN}),
    # a connector and a procedure declared by the app (camkes-tool's test of a backwards connection)
    (S10, BACKWARDS, (), BACKWARDS, "connection C c", 11, "C", "Link", {BACKWARDS}),
    (S10, BACKWARDS, (), BACKWARDS, "uses P p", 5, "P", "Proc", {BACKWARDS}),
]


@pytest.mark.parametrize(("corpus_app", "main", "extra", "where", "needle", "offset", "old", "new", "files"), CASES,
                         ids=[f"{c[6]}->{c[7]}@{c[4]}" for c in CASES])
async def test_rename_across_imported_files(rename_client: RecordingClient, tmp_path: Path,
                                            corpus_app: tuple[str, ...], main: str, extra: tuple[str, ...],
                                            where: str, needle: str, offset: int, old: str, new: str,
                                            files: set[str]) -> None:
    app = copy_app(tmp_path, corpus_app, main)
    main_uri, _ = open_doc(rename_client, app / main)
    opened = [main_uri] + [open_doc(rename_client, app / name)[0] for name in extra]
    try:
        before = await diagnostics_of(rename_client, main_uri)
        here = app / where
        text = here.read_text(encoding="utf-8")
        cursor = position(text, needle, offset)
        found = await prepare(rename_client, here.as_uri(), cursor)
        assert found is not None and text_at(text, found) == old
        edit = await rename(rename_client, here.as_uri(), cursor, new)
        by_uri = edits_by_uri(edit)
        assert {path_of(uri).relative_to(app).as_posix() for uri in by_uri} == files
        changed = []
        for uri, edits in by_uri.items():
            path = path_of(uri)
            original = path.read_text(encoding="utf-8")
            assert all(text_at(original, e.range) == old for e in edits), (uri, edits)
            renamed = apply(original, edits)
            assert renamed.count(new) == original.count(new) + len(edits)
            path.write_text(renamed, encoding="utf-8")
            changed.append(types.FileEvent(uri=uri, type=types.FileChangeType.Changed))
            if uri in opened:  # the editor applies the edit to the open buffer too
                rename_client.editor.versions[uri] += 1
                rename_client.text_document_did_change(types.DidChangeTextDocumentParams(
                    text_document=types.VersionedTextDocumentIdentifier(uri=uri,
                                                                        version=rename_client.editor.versions[uri]),
                    content_changes=[types.TextDocumentContentChangeWholeDocument(text=renamed)]))
        rename_client.workspace_did_change_watched_files(types.DidChangeWatchedFilesParams(changes=changed))
        after = await diagnostics_of(rename_client, main_uri)
        assert [(c, line) for c, line, _ in after] == [(c, line) for c, line, _ in before]
        # the new name is now a name with all the uses the old one had
        renamed_text = here.read_text(encoding="utf-8")
        again = await prepare(rename_client, here.as_uri(), position(renamed_text, needle.replace(old, new, 1),
                                                                     offset))
        assert again is not None and text_at(renamed_text, again) == new
    finally:
        close_all(rename_client, opened)


@pytest.mark.parametrize(("needle", "offset", "new_name", "reason"), [
    ("component Client c;", 11, "Server", "already the name of a component"),
    ("component Pipeline p1;", 20, "p2", "already the name of an instance"),
    ("component Pipeline p1;", 20, "server_external", "already the name of a connection"),
    ("from c.o1", 7, "o2", "already the name of an interface"),
    ("component Client c;", 11, "seL4RPCCall", "standard CAmkES connector"),
    ("component Client c;", 11, "9lives", "not a valid component name"),
    ("component Client c;", 11, "my-client", "not a valid component name"),
    ("component Pipeline p1;", 20, "composition", "is a CAmkES keyword"),
    ("component Pipeline p1;", 20, "while", "is a C keyword"),
    ("from c.o1", 7, "volatile", "is a C keyword"),
])
async def test_rename_refuses_collisions_invalid_names_and_keywords(
        rename_client: RecordingClient, tmp_path: Path, needle: str, offset: int, new_name: str, reason: str) -> None:
    app = copy_app(tmp_path)
    uri, text = open_doc(rename_client, app / MAIN)
    try:
        with pytest.raises(Exception) as refused:
            await asyncio.wait_for(rename_client.text_document_rename_async(types.RenameParams(
                text_document=doc(uri), position=position(text, needle, offset), new_name=new_name)), 20)
        assert reason in str(refused.value)
    finally:
        close_all(rename_client, [uri])


@pytest.mark.parametrize(("needle", "offset"), [
    ("connection seL4RPCCall client_external", 14),  # a built-in connector has no definition to rename
    ("import <std_connector.camkes>", 3),  # a keyword
    ("    composition {", 2),  # whitespace
])
async def test_prepare_is_null_where_nothing_can_be_renamed(rename_client: RecordingClient, tmp_path: Path,
                                                            needle: str, offset: int) -> None:
    app = copy_app(tmp_path)
    uri, text = open_doc(rename_client, app / MAIN)
    try:
        assert await prepare(rename_client, uri, position(text, needle, offset)) is None
    finally:
        close_all(rename_client, [uri])


async def test_settings_follow_their_instance_and_interface(rename_client: RecordingClient, tmp_path: Path) -> None:
    """`tsp_tst.sb_currentTemp_access` configures interface `sb_currentTemp` of instance `tsp_tst`;
    `tcp_tct.sb_currentTemp_access` is the same interface name on another component, left alone."""
    app = copy_app(tmp_path, TEMP, TEMP_MAIN)
    uri, text = open_doc(rename_client, app / TEMP_MAIN)
    try:
        edit = await rename(rename_client, uri, position(text, "from tsp_tst.sb_currentTemp", 16), "sb_temperature")
        renamed = apply(text, edits_by_uri(edit)[uri])
        assert 'tsp_tst.sb_temperature_access = "W";' in renamed
        assert 'tcp_tct.sb_currentTemp_access = "R";' in renamed
        assert "from tsp_tst.sb_temperature, to tcp_tct.sb_currentTemp" in renamed
        edit = await rename(rename_client, uri, position(text, "tsp_tst.sb_tempChanged_counter_access", 1), "sensor")
        renamed = apply(text, edits_by_uri(edit)[uri])
        assert re.search(r"\btsp_tst\b(?!\.camkes)", renamed) is None  # the import path keeps it
        assert 'sensor.sb_currentTemp_access = "W";' in renamed
    finally:
        close_all(rename_client, [uri])


async def test_an_unrelated_app_with_the_same_names_is_left_alone(rename_client: RecordingClient,
                                                                  tmp_path: Path) -> None:
    """Two copies of the app, both open: renaming `Client` in one edits only that copy's files."""
    first, second = copy_app(tmp_path / "first"), copy_app(tmp_path / "second")
    uri, text = open_doc(rename_client, first / MAIN)
    other, _ = open_doc(rename_client, second / MAIN)
    try:
        await diagnostics_of(rename_client, other)
        edit = await rename(rename_client, uri, position(text, "component Client c;", 11), "Customer")
        assert {path_of(u).relative_to(first).as_posix() for u in edits_by_uri(edit)} == {
            MAIN, "components/Client/Client.camkes"}
        # the first copy has its own `Server`
        with pytest.raises(Exception, match="already the name of a component"):
            await rename(rename_client, uri, position(text, "component Client c;", 11), "Server")
    finally:
        close_all(rename_client, [uri, other])
