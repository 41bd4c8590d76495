"""The Microkit symbol index, queried at positions in real corpus files and in a small system."""

from __future__ import annotations

from pathlib import Path

import pytest
from drvls.core.config import Settings
from drvls.core.diagnostics import Position, Range
from drvls.core.languages import Analysis, AnalysisContext, DiskWorkspace, SourceFile
from drvls.core.symbols import Reference, Symbol, SymbolKind
from drvls.microkit.analyzer import ANALYZER
from microkit_conformance import CORPUS, settings_for, verdicts
from microkit_support import corpus_dir, system, value


def analyse(text: str, path: Path = Path("/project/sys/t.system"), conf: Settings | None = None) -> Analysis:
    source = SourceFile(path=path, data=text.encode(), text=text)
    return ANALYZER.analyze(source, AnalysisContext(settings=conf or Settings(), workspace=DiskWorkspace()))


def sliced(text: str, rng: Range) -> str:
    return text.split("\n")[rng.start.line][rng.start.character:rng.end.character]


def inside(rng: Range) -> Position:
    return Position(rng.start.line, (rng.start.character + rng.end.character) // 2)


def accepted() -> list[dict[str, object]]:
    if not (CORPUS / "verdicts.json").is_file():
        return []
    return [e for e in verdicts()["files"] if e["accepted"] and str(e["path"]).endswith(".system")]


@pytest.mark.parametrize("entry", accepted(), ids=lambda e: str(e["path"]))
def test_every_reference_leads_to_its_definition(entry: dict[str, object]) -> None:
    corpus_dir()
    path = CORPUS / str(entry["path"])
    text = path.read_bytes().decode("utf-8")
    index = analyse(text, path, settings_for(entry, verdicts()["configs"])).symbols
    assert index.definitions
    for symbol in index.definitions:
        if symbol.kind is not SymbolKind.CHANNEL:
            assert sliced(text, symbol.range) == symbol.name
            assert index.at(inside(symbol.range)) == symbol
    for ref in index.references:
        assert sliced(text, ref.range) == ref.name
        assert index.at(inside(ref.range)) == ref
        found = index.definition(inside(ref.range))
        assert ref.resolved == bool(found), ref  # an accepted file names nothing undeclared
        assert all(d.key == ref.key and d.name == ref.name for d in found)
        assert any(loc.range == ref.range for loc in index.references_to(ref.key))
    maps = [r for r in index.references if r.kind is SymbolKind.MEMORY_REGION]
    pds = {s.key for s in index.definitions if s.kind is SymbolKind.PROTECTION_DOMAIN}
    assert maps or not any(s.kind is SymbolKind.MEMORY_REGION for s in index.definitions)
    assert pds


TEXT = system(
    '    <memory_region name="uart" size="0x1000" phys_addr="0x9000000" />\n'
    '    <memory_region name="blob" size="0x1000" prefill_path="blob.bin" />\n'
    '    <protection_domain name="serial" priority="100">\n'
    '        <program_image path="serial.elf" />\n'
    '        <map mr="uart" vaddr="0x2000000" perms="rw" />\n'
    '        <map mr="blob" vaddr="0x3000000" perms="r" />\n'
    '        <irq irq="33" id="0" />\n'
    '        <setvar symbol="uart_paddr" region_paddr="uart" />\n'
    '        <protection_domain name="child" id="1" priority="101">\n'
    '            <program_image path="child.elf" />\n'
    '        </protection_domain>\n'
    '        <virtual_machine name="guest">\n            <vcpu id="2" />\n'
    '            <map mr="uart" vaddr="0x9000000" perms="rw" />\n        </virtual_machine>\n'
    '    </protection_domain>\n'
    '    <protection_domain name="client" priority="99">\n'
    '        <program_image path="client.elf" />\n'
    '    </protection_domain>\n'
    '    <channel>\n        <end pd="client" id="0" />\n        <end pd="serial" id="1" />\n    </channel>')


def test_map_leads_to_the_region_and_the_region_to_every_use() -> None:
    index = analyse(TEXT).symbols
    found = index.definition(inside(value(TEXT, 'mr="uart"')))
    assert [(s.key, s.range) for s in found] == [("mr:uart", value(TEXT, 'name="uart"'))]
    uses = index.references_to("mr:uart", include_declaration=False)
    assert [loc.range for loc in uses] == [value(TEXT, 'mr="uart"'), value(TEXT, 'region_paddr="uart"'),
                                           value(TEXT, 'mr="uart"', 1)]
    assert len(index.references_to("mr:uart")) == 4


def test_channel_ends_and_pds() -> None:
    index = analyse(TEXT).symbols
    end = index.at(inside(value(TEXT, 'pd="serial"')))
    assert isinstance(end, Reference) and end.key == "pd:serial"
    assert [s.range for s in index.definition(inside(value(TEXT, 'pd="serial"')))] == [value(TEXT, 'name="serial"')]
    child = index.lookup("pd:child")
    assert len(child) == 1 and child[0].container == "pd:serial"
    assert index.lookup("vm:guest")[0].container == "pd:serial"
    assert [s.key for s in index.definitions if s.kind is SymbolKind.CHANNEL] == ["channel:0"]


def test_outline_links_and_folds() -> None:
    index = analyse(TEXT).symbols
    top = [(n.symbol.kind, n.symbol.name) for n in index.outline]
    assert top == [(SymbolKind.MEMORY_REGION, "uart"), (SymbolKind.MEMORY_REGION, "blob"),
                   (SymbolKind.PROTECTION_DOMAIN, "serial"), (SymbolKind.PROTECTION_DOMAIN, "client"),
                   (SymbolKind.CHANNEL, "client ↔ serial")]
    serial = index.outline[2]
    kinds = [n.symbol.kind for n in serial.children]
    assert kinds == [SymbolKind.PROGRAM_IMAGE, SymbolKind.MAP, SymbolKind.MAP, SymbolKind.IRQ,
                     SymbolKind.PROTECTION_DOMAIN, SymbolKind.VIRTUAL_MACHINE, SymbolKind.CHANNEL]
    assert [n.symbol.kind for n in serial.children[5].children] == [SymbolKind.MAP]
    folder = Path("/project/sys")
    assert sorted(link.target for link in index.links) == sorted(
        folder / name for name in ("blob.bin", "serial.elf", "child.elf", "client.elf"))
    first_lines = sorted(f.start.line for f in index.folds)
    assert first_lines == [1, 4, 10, 13, 18, 21]  # system, PD, child PD, VM, PD, channel


def test_unknown_names_are_unresolved_references() -> None:
    text = TEXT.replace('<end pd="client"', '<end pd="nobody"')
    index = analyse(text).symbols
    ref = index.at(inside(value(text, 'pd="nobody"')))
    assert isinstance(ref, Reference) and not ref.resolved and ref.key == "pd:nobody"
    assert index.definition(inside(value(text, 'pd="nobody"'))) == ()
    assert not isinstance(index.at(Position(0, 0)), Symbol)
