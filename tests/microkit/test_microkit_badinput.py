"""Bad input never crashes: each case gets a located diagnostic, and nothing is written."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from drvls.core.config import Settings
from drvls.core.diagnostics import Range, Severity
from drvls.core.engine import check_source
from drvls.core.languages import AnalysisContext, DiskWorkspace, SourceFile
from drvls.microkit.analyzer import ANALYZER
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from microkit_support import run_check, system

BOMB = ('<?xml version="1.0"?>\n<!DOCTYPE lolz [\n <!ENTITY lol "lol">\n'
        + "".join(f' <!ENTITY lol{i} "{("&lol" + str(i - 1) + ";") * 10 if i > 1 else "&lol;" * 10}">\n'
                  for i in range(1, 10))
        + ']>\n<system>\n  <protection_domain name="&lol9;">\n    <program_image path="a" />\n'
          "  </protection_domain>\n</system>\n")


def checked(tmp_path: Path, name: str, data: bytes, **values: object) -> list[tuple[str, Range, str]]:
    path = tmp_path / name
    path.write_bytes(data)
    before = sorted(os.listdir(tmp_path))
    diags = run_check(path, cli=dict(values) if values else None)
    assert sorted(os.listdir(tmp_path)) == before  # nothing written
    assert path.read_bytes() == data
    return [(d.code, d.range, d.message) for d in diags]


@pytest.mark.parametrize(("name", "data", "code"), [
    ("unclosed.system", b"<system>\n  <protection_domain name=\"a\">\n</system>\n", "MK001"),
    ("mismatch.system", b"<system><a></b></system>", "MK001"),
    ("quote.system", b'<system>\n  <memory_region name="m size="0x1000" />\n</system>', "MK001"),
    ("two-roots.system", b"<system/><system/>", "MK001"),
    ("text.system", b"just some text", "MK001"),
    ("empty.system", b"", "MK001"),
    ("blank.system", b"  \n\n", "MK001"),
    ("other-root.system", b"<foo/>", "MK004"),
    ("comment-only.system", b"<!-- nothing -->", "MK001"),
    ("bomb.system", BOMB.encode(), "MK003"),
    ("recursive-entity.system", b"<?xml version='1.0'?><!DOCTYPE x [<!ENTITY a '&a;&a;'>]><system>&a;</system>",
     "MK001"),
    ("binary.system", bytes(range(256)) * 4, "DL004"),
    ("latin1.system", system('<protection_domain name="caf\xe9" />').encode("latin-1"), "DL003"),
])
def test_bad_input_gets_a_located_diagnostic(tmp_path: Path, name: str, data: bytes, code: str) -> None:
    found = checked(tmp_path, name, data)
    codes = [c for c, _, _ in found]
    assert code in codes, found
    first = next(item for item in found if item[0] == code)
    assert first[1].start.line >= 0 and first[2]


def test_entity_bomb_is_not_expanded(tmp_path: Path) -> None:
    start = time.monotonic()
    found = checked(tmp_path, "bomb.system", BOMB.encode())
    assert time.monotonic() - start < 5
    bomb = [f for f in found if f[0] == "MK003"]
    assert bomb and bomb[0][1].start.line == 1  # the DOCTYPE
    assert all(len(message) < 500 for _, _, message in found)


def test_oversized_file_is_refused_without_reading_it(tmp_path: Path) -> None:
    path = tmp_path / "huge.system"
    with path.open("wb") as handle:  # sparse: 17 MiB that were never written
        handle.truncate(17 * 1024 * 1024)
    start = time.monotonic()
    diags = run_check(path)
    assert time.monotonic() - start < 5
    assert [d.code for d in diags] == ["DL001"]
    small = run_check(path, cli={"max_file_size": 1024})
    assert [d.code for d in small] == ["DL001"]


def test_unreadable_subtree_garbage_mid_file(tmp_path: Path) -> None:
    text = system('    <protection_domain name="a">\n        <program_image path="a" /> <<<< \n'
                  "    </protection_domain>")
    found = checked(tmp_path, "garbage.system", text.encode())
    assert [c for c, _, _ in found] and all(c == "MK001" for c, _, _ in found)
    assert found[0][1].start.line == 3


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=400) | st.text(alphabet='<>/="\' &;!?-#\nabcdeimnprstuvxy_0123456789', max_size=400))
def test_any_input_never_crashes(data: bytes | str) -> None:
    raw = data.encode("utf-8") if isinstance(data, str) else data
    source = SourceFile(path=Path("fuzz.system"), data=raw, text="")
    ctx = AnalysisContext(settings=Settings(), workspace=DiskWorkspace())
    diags = check_source(source, ctx, ANALYZER).diagnostics
    assert "DL005" not in {d.code for d in diags}, [d.message for d in diags]
    for d in diags:
        assert d.range.start <= d.range.end
        assert d.message
    if raw.strip() == b"":
        assert [d.severity for d in diags] == [Severity.ERROR]


@settings(max_examples=60, deadline=None)
@given(st.integers(min_value=0, max_value=2000), st.sampled_from(["", "<", ">", '"', "&", "\x00", "é", "</x>"]))
def test_mutated_valid_file_never_crashes(cut: int, insert: str) -> None:
    base = system('    <memory_region name="m" size="0x1000" />\n'
                  '    <protection_domain name="a" priority="1">\n        <program_image path="a" />\n'
                  '        <map mr="m" vaddr="0x1000" perms="rw" />\n        <irq irq="3" id="1" />\n'
                  "    </protection_domain>\n"
                  '    <channel>\n        <end pd="a" id="2" />\n        <end pd="a" id="3" />\n    </channel>')
    cut %= len(base)
    text = base[:cut] + insert + base[cut:]
    source = SourceFile(path=Path("m.system"), data=text.encode("utf-8"), text="")
    ctx = AnalysisContext(settings=Settings(), workspace=DiskWorkspace())
    assert "DL005" not in {d.code for d in check_source(source, ctx, ANALYZER).diagnostics}
