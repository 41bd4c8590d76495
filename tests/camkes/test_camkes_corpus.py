"""Conformance with camkes-tool on real files, each checked with the settings its verdict was made with.

Files camkes-tool accepts (mode full or library) must give no error. Files it rejects must
give an error, with camkes-tool's own message text wherever we reproduce that check (syntax
and preprocessor errors use our own wording). Files rejected alone but accepted when read
by their app ("read by OK parse of ...") are checked in that app's context, as an editor
would, and may rightly be clean.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from camkes_helpers import camkes_corpus, errors
from camkes_verdicts import CORPUS, entries, settings_for
from drvls.core.engine import check_path
from drvls.core.languages import AnalysisContext, DiskWorkspace

OUR_WORDING = ("Syntax error", "compilation terminated", "CPP command failed")
# camkes-tool crashed on this one (a bare AssertionError); its own test suite skips it too.
TOOL_CRASHES = {"seL4__camkes-tool/camkes/parser/tests/good/dtb.camkes"}
TALLY: Counter[str] = Counter()


def expected_message(verdict: str) -> str | None:
    """The part of camkes-tool's message we promise to reproduce word for word (None: ours differs)."""
    text = re.sub(r"^FAIL at s\d+:\s*", "", verdict).split("; read by OK parse")[0]
    text = re.sub(r"^\S+\.(camkes|idl4): ", "", text)
    if any(text.startswith(w) for w in OUR_WORDING) or text.startswith("AssertionError"):
        return None
    text = text.split(";")[0].rstrip("…").strip()
    return text[:60]


ENTRIES = entries()


@pytest.mark.parametrize("entry", ENTRIES, ids=[e["path"] for e in ENTRIES])
def test_camkes_file_matches_camkes_tool(entry: dict[str, Any]) -> None:
    corpus = camkes_corpus()
    path = corpus / entry["path"]
    root = corpus / entry["path"].split("/")[0]
    ctx = AnalysisContext(settings=settings_for(entry), workspace=DiskWorkspace([root]))
    found = errors(check_path(path, ctx).diagnostics)
    shown = [(d.code, d.range.start.line + 1, d.message[:120]) for d in found]
    if entry["accepted"]:
        TALLY["accepted"] += 1
        assert found == [], shown
        TALLY["accepted and clean"] += 1
        return
    TALLY["rejected"] += 1
    verdict = entry["reference_verdict"]
    if entry["path"] in TOOL_CRASHES:
        TALLY["rejected: tool crash, not compared"] += 1
        return
    if "read by OK parse of" in verdict:
        TALLY["rejected alone, accepted in its app"] += 1
        return
    wanted = expected_message(verdict)
    if not found and wanted is not None and wanted.startswith("unknown reference"):
        # Its app supplies the name (the app fails for another reason); alone, it is a warning.
        alone = AnalysisContext(settings=settings_for(entry), workspace=DiskWorkspace([]))
        warned = [d.message for d in check_path(path, alone).diagnostics if d.code == "CK005"]
        assert any(wanted in m for m in warned), (wanted, warned)
        TALLY["rejected alone, names resolved by its app (a warning alone)"] += 1
        return
    assert found, f"camkes-tool rejects this file ({verdict}) but drvls found no error"
    if wanted is None:
        TALLY["rejected: error given, own wording"] += 1
        return
    assert any(wanted in d.message for d in found), (wanted, shown)
    TALLY["rejected: camkes-tool's message"] += 1


def test_camkes_corpus_tally(capsys: pytest.CaptureFixture[str]) -> None:
    """Prints the counts (run with -s); runs last in this module."""
    camkes_corpus()
    with capsys.disabled():
        print("\nCAmkES corpus conformance:", dict(sorted(TALLY.items())))
    if TALLY:
        assert TALLY["accepted"] == TALLY["accepted and clean"]


def test_expected_message_extraction() -> None:
    assert expected_message("FAIL at s4: unknown reference to 'X'; read by OK parse of a.camkes") == \
        "unknown reference to 'X'"
    assert expected_message("FAIL at s1: Syntax error in input at '.' (type _ANON_10) line 7 col 1") is None
    assert expected_message("FAIL at s10: a/b.camkes: no instances declared in assembly") == \
        "no instances declared in assembly"


def test_corpus_paths_are_relative_to_the_repository() -> None:
    assert not Path(CORPUS).is_absolute() or Path(__file__).resolve().parents[2].parent in CORPUS.parents


def test_location_matches_camkes_tool_on_its_quoted_example() -> None:
    """camkes-tool: `gdb_test.camkes:28:16: ... unknown reference to 'seL4RPC'` (spec section 7)."""
    corpus = camkes_corpus()
    entry = next(e for e in ENTRIES if e["path"] == "dornerworks__dw-camkes-apps/gdb_test.camkes")
    root = corpus / "dornerworks__dw-camkes-apps"
    ctx = AnalysisContext(settings=settings_for(entry), workspace=DiskWorkspace([root]))
    found = [d for d in check_path(corpus / entry["path"], ctx).diagnostics if d.code == "CK005"]
    assert [(d.message, d.range.start.line + 1, d.range.start.character + 1) for d in found][:1] == [
        ("unknown reference to 'seL4RPC'", 28, 16)]
