"""Completion in Microkit system descriptions, through the real server, at positions in corpus files:
values from the model (regions, PDs, free ids, free addresses), what the target allows, snippets
whose result the checks accept, and files being typed (syntax errors)."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest
from completion_support import RecordingClient, accept, complete, labels, opened, position
from lsprotocol import types
from prerequisites import corpus_path

pytestmark = pytest.mark.asyncio(loop_scope="module")

NOTIFY = ("au-ts__libmicrokitco", "example", "benchmarks", "validation_2_notify", "validation_notify.system")
TIMER = ("au-ts__sddf", "examples", "timer", "timer.system")


def corpus_text(parts: tuple[str, ...]) -> str:
    folder = corpus_path("microkit", *parts[:-1], required_file=parts[-1])
    return (folder / parts[-1]).read_text(encoding="utf-8")


def names(text: str, tag: str) -> set[str]:
    return set(re.findall(rf'<{tag}\b[^>]*?\bname="([^"]*)"', text))


async def at(client: RecordingClient, parts: tuple[str, ...], needle: str, offset: int | None = None,
             text: str | None = None) -> tuple[str, list[types.CompletionItem]]:
    """Completion in a copy of the corpus file (or of `text`) at `needle`; (text, items)."""
    text = corpus_text(parts) if text is None else text
    uri = opened(client, Path(parts[-1]).name, text)
    return text, await complete(client, uri, position(text, needle, offset))


@pytest.mark.parametrize(("parts", "needle"), [
    (NOTIFY, '<map mr="'), (NOTIFY, 'vaddr="0x5_000_000" perms="rw" cached="false" setvar_vaddr="uart_base"/>'),
    (TIMER, '<map mr="'),
])
async def test_a_map_region_is_one_of_the_systems_regions(client: RecordingClient, parts: tuple[str, ...],
                                                          needle: str) -> None:
    offset = None if needle.endswith('"') else -len(needle)  # the second: just inside `mr="` before it
    text = corpus_text(parts)
    if offset is not None:
        needle, offset = 'mr="uart" ' + needle, 4
    text, items = await at(client, parts, needle, offset, text)
    assert set(labels(items)) == names(text, "memory_region")
    assert all(i.kind == types.CompletionItemKind.Reference for i in items)


@pytest.mark.parametrize(("needle", "last"), [('<end pd="client" id="1" />\n        <end pd="', "client"),
                                              ('<end pd="client" id="3" />\n        <end pd="', "client")])
async def test_a_channel_end_names_a_pd_and_the_other_end_comes_last(client: RecordingClient, needle: str,
                                                                     last: str) -> None:
    text, items = await at(client, NOTIFY, needle)
    assert set(labels(items)) == names(text, "protection_domain")
    assert labels(items)[-1] == last


@pytest.mark.parametrize("end", ['<end pd="client" id="', '<end pd="server" id="', '<end pd="start" id="'])
async def test_a_channel_end_id_is_the_lowest_free_id_of_that_pd(client: RecordingClient, end: str) -> None:
    text, items = await at(client, NOTIFY, end)
    pd = end.split('"')[1]
    here = text.index(end) + len(end)
    taken = {int(m.group(1)) for m in re.finditer(rf'<end pd="{pd}" id="(\d+)"', text) if m.end(1) != here + 1
             and not m.start(1) <= here <= m.end(1)}
    expected = min(set(range(62)) - taken)
    assert items[0].label == str(expected) and items[0].preselect
    assert not {int(i.label) for i in items} & taken


async def test_a_new_vaddr_is_free_and_aligned_in_that_pds_address_space(client: RecordingClient) -> None:
    text = corpus_text(TIMER)
    text = text.replace('<program_image path="timer.elf" />',
                        '<program_image path="timer.elf" />\n        <map mr="timer_registers" vaddr="" perms="r" />')
    _, items = await at(client, TIMER, '<map mr="timer_registers" vaddr="', text=text)
    assert len(items) == 1 and items[0].preselect
    vaddr = int(items[0].label, 16)
    existing = int(re.search(r'vaddr="([^"]+)" perms="rw"', text).group(1).replace("_", ""), 16)  # type: ignore[union-attr]
    size = int(re.search(r'name="timer_registers" size="([^"]+)"', text).group(1).replace("_", ""), 16)  # type: ignore[union-attr]
    assert vaddr % 0x1000 == 0 and vaddr >= existing + size


@pytest.mark.parametrize(("needle", "expected"), [
    ('perms="', {"rw", "r", "rx", "rwx", "x"}), ('cached="', {"true", "false"}),
    ('passive="', {"true", "false"}),
])
async def test_value_choices(client: RecordingClient, needle: str, expected: set[str]) -> None:
    _, items = await at(client, TIMER, needle)
    assert set(labels(items)) == expected
    assert "w" not in labels(items)  # write-only mappings are rejected by the tool


async def test_page_sizes_are_those_of_the_arch(client: RecordingClient) -> None:
    text = corpus_text(TIMER).replace('phys_addr="0xffd0f000"', 'phys_addr="0xffd0f000" page_size=""')
    _, items = await at(client, TIMER, 'page_size="', text=text)
    assert labels(items) == ["0x1000", "0x200000"]
    assert "AArch64" in (items[0].detail or "")


async def test_attribute_names_are_those_not_yet_written(client: RecordingClient) -> None:
    _, items = await at(client, TIMER, '<protection_domain name="client" priority="1" ', )
    found = set(labels(items))
    assert {"passive", "budget", "period", "stack_size", "smc", "fpu"} <= found
    assert not {"name", "priority", "cpu", "domain"} & found  # written; one core; no domain schedule
    snippet = next(i for i in items if i.label == "passive")
    assert snippet.insert_text_format == types.InsertTextFormat.Snippet
    assert isinstance(snippet.text_edit, types.TextEdit) and snippet.text_edit.new_text.startswith('passive="')


async def test_elements_inside_a_pd_follow_the_target(client: RecordingClient, x86_client: RecordingClient) -> None:
    text = corpus_text(TIMER).replace('<program_image path="client.elf" />', '<program_image path="client.elf" />\n<')
    _, arm = await at(client, TIMER, 'client.elf" />\n<', text=text)
    _, x86 = await at(x86_client, TIMER, 'client.elf" />\n<', text=text)
    assert {"map", "irq", "setvar", "protection_domain", "virtual_machine", "cspace"} <= set(labels(arm))
    assert "ioport" not in labels(arm)
    assert "ioport" in labels(x86) and "virtual_machine" not in labels(x86)


@pytest.mark.parametrize(("target", "expected", "absent"), [
    ("arm", {"id", "irq", "trigger"}, {"pin", "pcidev"}), ("x86", {"id", "pin", "ioapic", "vector", "pcidev"}, {"irq"}),
])
async def test_irq_attributes_follow_the_target(client: RecordingClient, x86_client: RecordingClient, target: str,
                                                expected: set[str], absent: set[str]) -> None:
    text = corpus_text(TIMER).replace('<program_image path="client.elf" />',
                                      '<program_image path="client.elf" />\n        <irq />')
    _, items = await at(x86_client if target == "x86" else client, TIMER, "<irq />", 5, text=text)
    assert expected <= set(labels(items)) and not absent & set(labels(items))


async def test_a_closing_tag_closes_the_open_element(client: RecordingClient) -> None:
    text = corpus_text(TIMER).replace('<program_image path="client.elf" />', '<program_image path="client.elf" />\n</')
    _, items = await at(client, TIMER, 'client.elf" />\n</', text=text)
    assert labels(items) == ["protection_domain"]


async def test_nothing_is_proposed_in_a_comment(client: RecordingClient) -> None:
    _, items = await at(client, TIMER, "<!-- The timer driver")
    assert items == []


# -- snippets whose result the checks accept ---------------------------------------------------------

async def snippet_result(client: RecordingClient, parts: tuple[str, ...], label: str) -> str:
    text = corpus_text(parts)
    _, items = await at(client, parts, "</channel>\n")
    chosen = [i for i in items if i.label.startswith(label)]
    assert chosen, labels(items)
    return accept(text, chosen[0])


async def errors_of(client: RecordingClient, name: str, text: str) -> list[str]:
    """The errors of `text` (the snippets must add none to what the corpus file already has)."""
    uri = opened(client, name, text)
    return [f"{d.code}: {d.message}" for d in await client.editor.diagnostics(uri)
            if d.severity == types.DiagnosticSeverity.Error]


@pytest.mark.parametrize("parts", [NOTIFY, TIMER])
async def test_the_channel_snippet_gives_a_valid_channel(client: RecordingClient, parts: tuple[str, ...]) -> None:
    result = await snippet_result(client, parts, "channel")
    assert result.count("<channel>") == corpus_text(parts).count("<channel>") + 1
    assert await errors_of(client, "channel.system", result) == await errors_of(client, "before.system",
                                                                               corpus_text(parts))


@pytest.mark.parametrize("parts", [NOTIFY, TIMER])
async def test_the_shared_region_snippet_maps_one_region_into_two_pds(client: RecordingClient,
                                                                      parts: tuple[str, ...]) -> None:
    result = await snippet_result(client, parts, "shared region")
    region = re.findall(r'<memory_region name="(shared_\w+)"', result)
    assert len(region) == 1
    assert result.count(f'<map mr="{region[0]}"') == 2
    assert await errors_of(client, "shared.system", result) == await errors_of(client, "before.system",
                                                                              corpus_text(parts))


async def test_the_pd_snippet_has_a_program_image(client: RecordingClient) -> None:
    result = await snippet_result(client, TIMER, "protection_domain")
    assert re.search(r'<protection_domain name="name" priority="100">\s*<program_image path="program.elf" />', result)
    assert await errors_of(client, "pd.system", result) == await errors_of(client, "before.system",
                                                                          corpus_text(TIMER))


# -- a file being typed --------------------------------------------------------------------------------

@pytest.mark.parametrize(("typed", "expected"), [
    ('<map mr="', "regions"), ('<map mr="t', "regions"), ('<end pd="', "pds"), ("<", "elements"),
    ('</protection_domain>\n    <channel>\n        <end pd="', "pds"),
])
async def test_completion_works_in_a_file_with_a_syntax_error(client: RecordingClient, typed: str,
                                                              expected: str) -> None:
    text = corpus_text(TIMER)
    anchor = '<program_image path="client.elf" />'
    uri = opened(client, "typing.system", text)
    where = position(text, anchor)
    client.editor.change(uri, (where.line, where.character), (where.line, where.character), "\n        " + typed)
    diagnostics = await client.editor.diagnostics(uri)
    broken = text.replace(anchor, anchor + "\n        " + typed)
    if typed != "<":
        assert any(d.severity == types.DiagnosticSeverity.Error for d in diagnostics)
    items = await complete(client, uri, position(broken, anchor + "\n        " + typed))
    if expected == "regions":
        assert set(labels(items)) == names(text, "memory_region")
    elif expected == "pds":
        assert set(labels(items)) == names(text, "protection_domain")
    else:
        assert {"map", "irq", "program_image"} <= set(labels(items))


# -- a large system: the answer is cut, and narrows as one types -------------------------------------------

async def test_a_long_region_list_is_cut_and_narrows_as_one_types(client: RecordingClient) -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
    from bench_microkit import build_system

    text = build_system(pds=4, maps_per_pd=100, channels=4)  # 100 regions
    uri = opened(client, "large.system", text)
    where = position(text, '<map mr="', len('<map mr="'), occurrence=10)
    result = await client.text_document_completion_async(types.CompletionParams(
        text_document=types.TextDocumentIdentifier(uri=uri), position=where))
    assert isinstance(result, types.CompletionList) and result.is_incomplete and len(result.items) == 50
    typed = types.Position(line=where.line, character=where.character + len("buf_7"))
    value = text.split("\n")[where.line][where.character:typed.character]
    narrowed = await client.text_document_completion_async(types.CompletionParams(
        text_document=types.TextDocumentIdentifier(uri=uri), position=typed))
    assert isinstance(narrowed, types.CompletionList) and narrowed.items
    assert all(re.search(".*".join(map(re.escape, value)), i.label) for i in narrowed.items)  # in order
    assert narrowed.items[0].label.startswith(value)
