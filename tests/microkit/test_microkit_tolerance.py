"""A syntax error in one element never hides the findings of the rest (error-tolerant front end).

Every file of the corpus that the Microkit tool accepts gets a known semantic error (a duplicate
memory region name) placed before `</system>`; then one element elsewhere is broken — a tag cut
short, a quote dropped — at many places. The duplicate must be reported every time, beside the
syntax error.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from drvls.core.config import Settings
from drvls.core.diagnostics import Diagnostic
from drvls.core.engine import check_source
from drvls.core.languages import AnalysisContext, DiskWorkspace, SourceFile
from drvls.microkit.analyzer import ANALYZER
from drvls.microkit.snapshot import SystemModel
from microkit_conformance import CORPUS, settings_for, verdicts
from microkit_support import corpus_dir, system

DUPLICATE = ('    <memory_region name="drvls_dup" size="0x1000" />\n'
             '    <memory_region name="drvls_dup" size="0x1000" />\n')
DUPLICATE_MESSAGE = "duplicate memory region name 'drvls_dup'."
BREAKS_PER_FILE = 12
_TAG = re.compile(r"<[A-Za-z_][^<>]*>")


def accepted() -> list[dict[str, object]]:
    if not (CORPUS / "verdicts.json").is_file():
        return []
    return [e for e in verdicts()["files"] if e["accepted"] and str(e["path"]).endswith(".system")]


def analyse(text: str, settings: Settings | None = None, path: Path = Path("t.system")) -> list[Diagnostic]:
    source = SourceFile(path=path, data=text.encode(), text=text)
    ctx = AnalysisContext(settings=settings or Settings(), workspace=DiskWorkspace())
    return check_source(source, ctx, ANALYZER).diagnostics


def breaks(text: str, limit: int) -> list[tuple[str, str]]:
    """(how, broken text) for tags spread over the file: cut short at their middle, or one quote dropped."""
    tags = [m for m in _TAG.finditer(text) if not m.group(0).startswith(("<system", "<?"))
            and "drvls_dup" not in m.group(0)]
    if not tags:
        return []
    step = max(1, len(tags) // limit)
    out = []
    for n, match in enumerate(tags[::step][:limit]):
        start, end = match.span()
        if n % 2 == 0:
            cut = start + max(2, (end - start) // 2)
            out.append((f"tag cut at {start}", text[:cut] + "\n" + text[end:]))
        else:
            quote = text.find('"', start, end)
            if quote < 0:
                continue
            out.append((f"quote dropped at {quote}", text[:quote] + text[quote + 1:]))
    return out


@pytest.mark.parametrize("entry", accepted(), ids=lambda e: str(e["path"]))
def test_semantic_error_survives_a_broken_element(entry: dict[str, object]) -> None:
    corpus_dir()
    path = CORPUS / str(entry["path"])
    text = path.read_bytes().decode("utf-8", "replace")
    close = text.rfind("</system>")
    assert close > 0
    seeded = text[:close] + DUPLICATE + text[close:]
    settings = settings_for(entry, verdicts()["configs"])
    whole = analyse(seeded, settings, path)
    assert [d.message for d in whole if d.code == "MK037"] == [DUPLICATE_MESSAGE, DUPLICATE_MESSAGE][:1]
    for how, broken in breaks(seeded, BREAKS_PER_FILE):
        found = analyse(broken, settings, path)
        assert any(d.code == "MK001" for d in found), how
        assert DUPLICATE_MESSAGE in [d.message for d in found if d.code == "MK037"], how


PDS = system('    <memory_region name="uart" size="0x1000" />\n'
             '    <protection_domain name="a" priority="10">\n        <program_image path="a.elf" />\n'
             '        <map mr="ua\n'
             '    </protection_domain>\n'
             '    <protection_domain name="b" priority="20">\n        <program_image path="b.elf" />\n'
             '        <map mr="uart" vaddr="0x1000" perms="rw" />\n    </protection_domain>\n'
             '    <protection_domain name="b" priority="30">\n        <program_image path="c.elf" />\n'
             '        <map mr="uart" vaddr="0x2000" perms="rw" priority="x" />\n    </protection_domain>\n'
             '    <channel>\n        <end pd="b" id="1" />\n        <end pd="a" id="1" />\n    </channel>')


def test_typing_a_map_keeps_other_pds_checked() -> None:
    found = analyse(PDS)
    codes = {d.code for d in found}
    assert "MK001" in codes
    assert "duplicate protection domain name 'b'." in [d.message for d in found if d.code == "MK029"]
    assert any(d.code == "MK010" and "priority" in d.message for d in found)  # a per-element check, too
    # Findings that need the whole file (an unknown PD, an unused region) wait for it to parse.
    assert "MK060" not in codes and "MK043" not in codes


def test_model_of_a_broken_file_holds_every_complete_element() -> None:
    source = SourceFile(path=Path("t.system"), data=PDS.encode(), text=PDS)
    analysis = ANALYZER.analyze(source, AnalysisContext(settings=Settings(), workspace=DiskWorkspace()))
    model = analysis.model
    assert isinstance(model, SystemModel) and model.recovered
    assert [pd.name for pd in model.pds] == ["b", "b"]
    assert [mr.name for mr in model.mrs] == ["uart"]
    assert len(model.channels) == 1
    pd = model.pds[1]
    assert pd.el.attrs == {"name": "b", "priority": "30"}  # the stored tree keeps its attributes
    assert pd.maps[0].el.attrs["vaddr"] == "0x2000"


def test_unclosed_system_still_checks_its_elements() -> None:
    text = system('    <memory_region name="m" size="0x1000" />\n    <memory_region name="m" size="0x1000" />')
    cut = text.replace("</system>\n", "")
    found = analyse(cut)
    assert {"MK001", "MK037"} <= {d.code for d in found}
