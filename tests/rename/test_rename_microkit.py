"""Rename in real Microkit systems: regions, PDs (child PDs and channel ends too), VMs and domains, at
their definitions and at every kind of reference; the edit touches exactly the uses of that name
(a PD and a region may share one), and the renamed system analyses with the same diagnostics."""

from __future__ import annotations

import asyncio

import pytest
from lsprotocol import types
from rename_support import (
    RecordingClient,
    apply,
    corpus_file,
    doc,
    edits_by_uri,
    open_file,
    position,
    prepare,
    rename,
    text_at,
)

pytestmark = pytest.mark.asyncio(loop_scope="module")

SERIAL = ("au-ts__sddf", "examples", "serial_two_client", "board", "qemu_arm_virt", "serial.system")
HIERARCHY = ("seL4__microkit", "example", "hierarchy", "hierarchy.system")
DOMAINS = ("seL4__microkit", "tool", "microkit", "tests", "sdf", "domain_smp.system")
VMM = ("au-ts__libvmm", "board", "odroidc2", "systems", "linux_v5.18.system")

# (file, text around the cursor, offset of the cursor into it, the name, how many places spell it)
CASES = [
    (SERIAL, '<memory_region name="uart"', 22, "uart", 2),  # region: its definition and one map
    (SERIAL, '<map mr="uart"', 10, "uart", 2),
    (SERIAL, '<protection_domain name="uart"', 26, "uart", 3),  # the PD `uart`: definition, two channel ends
    (SERIAL, '<end pd="uart"', 10, "uart", 3),
    (SERIAL, 'mr="rx_free_serial_client"', 6, "rx_free_serial_client", 3),
    (SERIAL, '<end pd="serial_server_2"', 9, "serial_server_2", 3),
    (HIERARCHY, 'name="crasher"', 7, "crasher", 1),  # a child PD
    (DOMAINS, '<domain name="domain_1"', 14, "domain_1", 3),
    (DOMAINS, 'schedule_entry domain="domain_1"', 23, "domain_1", 3),
    (DOMAINS, 'name="test1" domain="domain_1"', 21, "domain_1", 3),
    (VMM, '<virtual_machine name="linux"', 23, "linux", 1),
]


def case_id(case: tuple[object, ...]) -> str:
    return f"{case[0][-1]}:{case[1]}"  # type: ignore[index]


async def diagnostics_of(client: RecordingClient, uri: str) -> list[tuple[str, int]]:
    report = await asyncio.wait_for(client.text_document_diagnostic_async(
        types.DocumentDiagnosticParams(text_document=doc(uri))), 20)
    assert isinstance(report, types.RelatedFullDocumentDiagnosticReport)
    return sorted((str(d.code), d.range.start.line) for d in report.items)


@pytest.mark.parametrize(("where", "needle", "offset", "name", "uses"), CASES, ids=[case_id(c) for c in CASES])
async def test_prepare_gives_the_exact_range_of_the_name(rename_client: RecordingClient, where: tuple[str, ...],
                                                         needle: str, offset: int, name: str, uses: int) -> None:
    uri, text = open_file(rename_client, corpus_file("microkit", *where), "xml")
    cursor = position(text, needle, offset)
    found = await prepare(rename_client, uri, cursor)
    assert found is not None
    assert text_at(text, found) == name
    assert found.start.line == cursor.line and found.start.character <= cursor.character <= found.end.character


@pytest.mark.parametrize(("where", "needle", "offset", "name", "uses"), CASES, ids=[case_id(c) for c in CASES])
async def test_rename_changes_every_use_and_nothing_else(rename_client: RecordingClient, where: tuple[str, ...],
                                                         needle: str, offset: int, name: str, uses: int) -> None:
    path = corpus_file("microkit", *where)
    uri, text = open_file(rename_client, path, "xml")
    before = await diagnostics_of(rename_client, uri)
    edit = await rename(rename_client, uri, position(text, needle, offset), "renamed_name")
    assert edit.document_changes is not None  # the VS Code-like client supports them
    by_uri = edits_by_uri(edit)
    assert list(by_uri) == [uri]
    edits = by_uri[uri]
    assert len(edits) == uses
    assert all(text_at(text, e.range) == name for e in edits)
    renamed = apply(text, edits)
    assert renamed.count('"renamed_name"') == uses
    assert renamed.count(f'"{name}"') == text.count(f'"{name}"') - uses
    # the renamed system, opened beside the original, analyses the same
    other = path.with_name(f"renamed-{path.name}").as_uri()
    rename_client.text_document_did_open(types.DidOpenTextDocumentParams(text_document=types.TextDocumentItem(
        uri=other, language_id="xml", version=1, text=renamed)))
    try:
        assert await diagnostics_of(rename_client, other) == before
    finally:
        rename_client.text_document_did_close(types.DidCloseTextDocumentParams(text_document=doc(other)))


@pytest.mark.parametrize(("needle", "offset"), [
    ('perms="rw"', 8),  # a value that names nothing
    ("<channel>", 3),  # a channel has no name
    ('<end pd="uart" id="10"', 19),  # a channel id
    ("<!-- UART interrupt -->", 6),  # a comment
    ('<program_image path="uart.elf"', 24),  # a file, not a name
])
async def test_prepare_is_null_where_nothing_can_be_renamed(rename_client: RecordingClient, needle: str,
                                                            offset: int) -> None:
    uri, text = open_file(rename_client, corpus_file("microkit", *SERIAL), "xml")
    assert await prepare(rename_client, uri, position(text, needle, offset)) is None


@pytest.mark.parametrize(("needle", "offset", "new_name", "reason"), [
    ('<map mr="uart"', 10, "tx_data_driver", "already the name of a memory region"),  # collision, same namespace
    ('<protection_domain name="uart"', 26, "virt_rx", "already the name of a protection domain"),
    ('<protection_domain name="uart"', 26, "monitor", "reserved for the Microkit Monitor"),
    ('<protection_domain name="uart"', 26, "p" * 65, "longer than 64 bytes"),
    ('<map mr="uart"', 10, 'a"b', "XML attribute"),
    ('<map mr="uart"', 10, "a<b", "XML attribute"),
    ('<map mr="uart"', 10, "line\nbreak", "XML attribute"),
    ('<map mr="uart"', 10, "", "cannot be empty"),
    ('<map mr="uart"', 10, " uart2", "starts or ends with a space"),
])
async def test_rename_refuses_collisions_and_invalid_names(rename_client: RecordingClient, needle: str,
                                                           offset: int, new_name: str, reason: str) -> None:
    uri, text = open_file(rename_client, corpus_file("microkit", *SERIAL), "xml")
    with pytest.raises(Exception) as refused:
        await asyncio.wait_for(rename_client.text_document_rename_async(types.RenameParams(
            text_document=doc(uri), position=position(text, needle, offset), new_name=new_name)), 20)
    assert reason in str(refused.value)


async def test_a_region_may_take_the_name_of_a_pd(rename_client: RecordingClient) -> None:
    """PDs and regions are separate namespaces in the tool: `uart` is both in this system."""
    uri, text = open_file(rename_client, corpus_file("microkit", *SERIAL), "xml")
    edit = await rename(rename_client, uri, position(text, '<map mr="uart"', 10), "virt_rx")
    assert len(edits_by_uri(edit)[uri]) == 2


async def test_a_system_with_syntax_errors_is_not_renamed_in(rename_client: RecordingClient) -> None:
    """An element the parser could not read may hold uses of the name, so renaming would miss them."""
    path = corpus_file("microkit", *SERIAL)
    text = path.read_text(encoding="utf-8").replace('<map mr="tx_data_driver"', '<map mr="tx_data_driver <', 1)
    uri = path.with_name("broken-serial.system").as_uri()
    rename_client.text_document_did_open(types.DidOpenTextDocumentParams(text_document=types.TextDocumentItem(
        uri=uri, language_id="xml", version=1, text=text)))
    try:
        with pytest.raises(Exception) as refused:
            await asyncio.wait_for(rename_client.text_document_rename_async(types.RenameParams(
                text_document=doc(uri), position=position(text, '<memory_region name="uart"', 22),
                new_name="serial")), 20)
        assert "syntax errors" in str(refused.value)
    finally:
        rename_client.text_document_did_close(types.DidCloseTextDocumentParams(text_document=doc(uri)))
