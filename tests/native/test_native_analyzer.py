"""`drvls check` on `.drv` files: structure, digest and lint diagnostics through the engine."""

from __future__ import annotations

from pathlib import Path

import blake3
import pytest
from drvls.core.config import Settings
from drvls.core.diagnostics import ZERO_RANGE, Diagnostic
from drvls.core.engine import check_path
from drvls.core.languages import AnalysisContext, DiskWorkspace, analyzer_for
from drvls.core.rules import lookup
from drvls.drv import codes_binary
from drvls.drv.encoder import encode
from drvls.drv.model import Category, Persona, Raw, RuleSet, SourceRef, Standard

pytestmark = pytest.mark.usefixtures("native")


def check(path: Path, data: bytes) -> list[Diagnostic]:
    path.write_bytes(data)
    return check_path(path, AnalysisContext(Settings(), DiskWorkspace())).diagnostics


def codes(diagnostics: list[Diagnostic]) -> list[str]:
    return [d.code for d in diagnostics]


def clean_rules() -> RuleSet:
    return RuleSet(sources=["CLAUDE.md"], rules=[
        Persona("Reviewer", "Code reviewer", source=SourceRef("CLAUDE.md", 1)),
        Standard(Category.TESTING, 1, "Every bug fix comes with a regression test", source=SourceRef("CLAUDE.md", 4)),
        Raw("Answer in English.", source=SourceRef("CLAUDE.md", 6)),
    ])


def test_drv_files_use_the_drv_analyzer() -> None:
    analyzer = analyzer_for(Path("rules.drv"))
    assert analyzer is not None and analyzer.name == "drv" and analyzer.binary


def test_valid_file_has_no_findings(tmp_path: Path) -> None:
    assert check(tmp_path / "rules.drv", encode(clean_rules())) == []


def test_changed_byte_is_a_digest_mismatch(tmp_path: Path) -> None:
    data = bytearray(encode(clean_rules()))
    data[data.index(b"Reviewer")] ^= 0x20
    found = check(tmp_path / "rules.drv", bytes(data))
    assert codes(found) == ["DRV016"]
    assert found[0].range == ZERO_RANGE
    assert found[0].message.startswith("at byte 0x20: digest mismatch")


def test_structural_error_names_the_byte(tmp_path: Path) -> None:
    data = bytearray(encode(clean_rules()))
    data[64:68] = b"\x99\x00\x00\x00"  # first section type → unknown; its required bit makes it fatal
    found = check(tmp_path / "rules.drv", bytes(data))
    assert codes(found) == ["DRV008"]
    assert found[0].message.startswith("at byte 0x40: ")


@pytest.mark.parametrize(("data", "code"), [
    (b"", "DRV001"),
    (b"DRV\x00\x02\x00", "DRV001"),
    (b"PK\x03\x04 not a drv file at all", "DRV002"),
    (b"DRV\x00\x07\x00\x00\x00", "DRV003"),
])
def test_garbage_is_one_clean_error(tmp_path: Path, data: bytes, code: str) -> None:
    found = check(tmp_path / "x.drv", data)
    assert codes(found) == [code]
    assert "at byte 0x" in found[0].message


def test_upstream_64_gib_file(tmp_path: Path) -> None:
    body = b"\x01\xff\xff\xff\xff"
    data = b"DRV\x00\x01\x00\x00\x00\x01\x00\x00\x00" + blake3.blake3(body).digest()[:4] + body
    found = check(tmp_path / "b5.drv", data)
    assert codes(found) == ["DRV001"]
    assert "4294967295 strings" in found[0].message


def test_v1_file_is_information_and_checksum_checked(tmp_path: Path) -> None:
    body = b"\x01\x01\x00\x00\x00\x02\x00hi\x03\x01\x00\x00\x00\x05\x00" + b"\x00" * 8
    data = b"DRV\x00\x01\x00\x00\x00\x02\x00\x00\x00" + blake3.blake3(body).digest()[:4] + body
    assert codes(check(tmp_path / "v1.drv", data)) == ["DRV017"]
    broken = data[:12] + b"\x00\x00\x00\x00" + data[16:]
    assert sorted(codes(check(tmp_path / "v1.drv", broken))) == ["DRV016", "DRV017"]


def test_lint_runs_on_decoded_rules(tmp_path: Path) -> None:
    rules = clean_rules()
    rules.rules.append(Persona("", "", source=SourceRef("CLAUDE.md", 9)))
    found = check(tmp_path / "rules.drv", encode(rules))
    assert "RUL004" in codes(found)


def test_every_status_has_a_registered_rule() -> None:
    for status, info in codes_binary.BY_STATUS.items():
        assert lookup(info.code) is info, status
    assert codes_binary.for_status("SOMETHING_NEW") is codes_binary.BAD_RECORD


@pytest.mark.parametrize("stored", [1, 3, 0x0100_0002])
def test_v1_header_section_count_must_match_the_sections(tmp_path: Path, stored: int) -> None:
    # A flipped header byte: upstream's checksum covers only bytes 16.., so nothing else notices it.
    body = b"\x01\x01\x00\x00\x00\x02\x00hi\x03\x01\x00\x00\x00\x05\x00" + b"\x00" * 8
    data = b"DRV\x00\x01\x00\x00\x00" + stored.to_bytes(4, "little") + blake3.blake3(body).digest()[:4] + body
    found = check(tmp_path / "v1.drv", data)
    assert codes(found) == ["DRV017", "DRV019"]
    assert found[1].message.startswith(f"at byte 0x8: the header says {stored} sections but the file has 2 "
                                       "(the string table and 1 more)")
    assert lookup("DRV019").severity.name == "WARNING"
