"""Conformance with the Microkit tool's own SDF test suite (`upstream/test.rs`, every case).

Each case is checked with the kernel configuration its harness uses. A case the tool accepts
gives no errors. For a case it rejects, one of our errors carries the tool's message exactly
(its `Error: ` prefix and trailing location removed, as everywhere in drvls) and starts with
test.rs's expected text; its range lies in the start tag of the element the tool's location
names: on that element itself (its start tag, or its own text), not on one of its children. For
messages that name several elements, the range is inside one of them.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass

import pytest
from drvls.core.config import Settings
from drvls.core.diagnostics import Diagnostic, Range, Severity
from drvls.core.engine import check_source
from drvls.core.languages import AnalysisContext, DiskWorkspace, SourceFile
from drvls.core.text import LineIndex
from drvls.microkit import analyzer, xmltree
from upstream_cases import FIXTURES, Case, read_cases, tool_output

CASES = read_cases()
TOOL = tool_output()


@dataclass
class Verdict:
    case: Case
    ok: bool
    detail: str
    diagnostics: list[Diagnostic]


def diagnose(case: Case) -> list[Diagnostic]:
    path = FIXTURES / case.fixture
    source = SourceFile(path=path, data=path.read_bytes(), text="")
    ctx = AnalysisContext(settings=Settings(values={"microkit": case.settings()}), workspace=DiskWorkspace())
    return list(check_source(source, ctx, analyzer.ANALYZER).diagnostics)


def split_location(message: str, fixture: str) -> tuple[str, list[tuple[int, int]]]:
    """The tool's message without `Error: ` and its trailing location; every location it names."""
    text = message.removeprefix("Error: ")
    places = [(int(r), int(c)) for r, c in re.findall(re.escape(fixture) + r":(\d+):(\d+)", text)]
    body = re.sub(r"(?::| @| at)? '?" + re.escape(fixture) + r":\d+:\d+'?$", "", text)
    return body, places


def elements(text: str) -> dict[tuple[int, int], tuple[Range, list[Range]]]:
    """1-based row:col of each element's start → (its whole range, the ranges of its child elements)."""
    index = LineIndex(text)
    out = {}
    stack = [xmltree.parse(index.data).root_node]
    while stack:
        node = stack.pop()
        if node.type == "element":
            start = index.position(node.start_byte)
            children = [index.range(c.start_byte, c.end_byte) for c in xmltree.content_children(node)
                        if c.type == "element"]
            out[(start.line + 1, start.character + 1)] = (index.range(node.start_byte, node.end_byte), children)
        stack.extend(node.children)
    return out


def on_element(span: tuple[Range, list[Range]], where: Range) -> bool:
    """Whether `where` is on the element itself (its tags, attributes or own text), not on a child."""
    whole, children = span
    return whole.contains(where) and not any(child.start <= where.start < child.end for child in children)


def judge(case: Case) -> Verdict:
    diags = diagnose(case)
    # The tool's tests parse the file alone; its build-time checks read program images the tests do not
    # have (MK200-MK208), so those are not part of the comparison.
    errors = [d for d in diags if d.severity == Severity.ERROR and not d.code.startswith("MK2")]
    reference = TOOL[case.name]["error"]
    if case.expected is None or reference is None:
        ok = not errors and reference is None and case.expected is None
        return Verdict(case, ok, "accepted" if ok else "false errors", diags)
    body, places = split_location(reference, case.fixture)
    text = (FIXTURES / case.fixture).read_text(encoding="utf-8")
    spans = elements(text)
    wanted = [spans[p] for p in places if p in spans]
    # Exact: our message is the tool's text without the location, or (where the location is part of
    # the sentence, as in the I/O port overlap) the whole text.
    same_text = [d for d in errors if d.message in (body, reference.removeprefix("Error: "))]
    if not same_text:
        return Verdict(case, False, "message differs", diags)
    for d in same_text:
        if not places:
            return Verdict(case, True, "exact (the tool gives no location)", diags)
        if len(places) == 1 and wanted and on_element(wanted[0], d.range):
            return Verdict(case, True, "exact", diags)
        if len(places) > 1 and any(whole.contains(d.range) for whole, _ in wanted):
            return Verdict(case, True, "exact", diags)
    return Verdict(case, False, "location differs", diags)


def test_every_case_of_test_rs_is_read() -> None:
    assert len(CASES) == 147
    assert len({c.name for c in CASES}) == 147
    assert set(TOOL) == {c.name for c in CASES}
    assert sum(c.expected is None for c in CASES) == 15
    # The recorded tool output agrees with test.rs's own expectations.
    for case in CASES:
        reference = TOOL[case.name]["error"]
        assert (reference is None) == (case.expected is None), case.name
        assert reference is None or case.expected is None or reference.startswith(case.expected), case.name


def test_harness_configurations() -> None:
    by_name = {c.name: c.settings() for c in CASES}
    assert by_name["memory_region::test_malformed_size"]["arch"] == "aarch64"
    assert by_name["memory_region::test_malformed_size"]["user_vspace_top"] == 0xFFFFFFFFFF
    assert by_name["iommu::test_out_of_bound"]["arch"] == "x86_64"
    assert by_name["iommu::test_out_of_bound"]["user_vspace_top"] == 0x7FFFFFFFEFFF
    assert by_name["domains::test_domain_smp"]["cores"] == 4
    riscv = by_name["iommu::test_iommu_missing_from_riscv64_config"]
    assert (riscv["arch"], riscv["iommu"], riscv["hypervisor"]) == ("riscv64", False, True)


def test_split_location() -> None:
    assert split_location("Error: id must be < 62 on element 'end': x.system:15:9", "x.system") == (
        "id must be < 62 on element 'end'", [(15, 9)])
    assert split_location("Cap type: 'g' is not supported at 'x.system:16:13'", "x.system") == (
        "Cap type: 'g' is not supported", [(16, 13)])
    assert split_location("Error: 'a' used for MR @ 'm' x.system:8:5", "x.system") == ("'a' used for MR @ 'm'",
                                                                                     [(8, 5)])
    assert split_location("Error: duplicate memory region name 'test'.", "x.system") == (
        "duplicate memory region name 'test'.", [])


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_agrees_with_the_tool(case: Case) -> None:
    verdict = judge(case)
    details = [(d.code, d.range.start.line + 1, d.range.start.character + 1, d.message) for d in verdict.diagnostics]
    assert verdict.ok, (verdict.detail, TOOL[case.name]["error"], details)


if __name__ == "__main__":
    verdicts = [judge(c) for c in CASES]
    for v in verdicts:
        if not v.ok:
            print("FAIL", v.case.name, v.detail, "| tool:", TOOL[v.case.name]["error"])
            for d in v.diagnostics:
                print("     ", d.code, f"{d.range.start.line + 1}:{d.range.start.character + 1}", d.message[:160])
    print(f"{sum(v.ok for v in verdicts)} of {len(verdicts)} cases agree", file=sys.stderr)
