"""Deeply nested XML: valid nesting is no syntax error at any depth, and broken nesting is located."""

from __future__ import annotations

from pathlib import Path

from drvls.core.config import Settings
from drvls.core.diagnostics import Diagnostic
from drvls.core.engine import check_source
from drvls.core.languages import AnalysisContext, DiskWorkspace, SourceFile
from drvls.microkit import deep
from drvls.microkit.analyzer import ANALYZER

HEAD = ('<system>\n    <memory_region name="m" size="0x1000" />\n'
        '    <protection_domain name="a">\n        <program_image path="a.elf" />\n'
        '        <map mr="m" vaddr="0x1000" perms="rw" />\n    </protection_domain>\n')


def analyse(text: str) -> list[Diagnostic]:
    source = SourceFile(path=Path("deep.system"), data=text.encode(), text=text)
    found = check_source(source, AnalysisContext(settings=Settings(), workspace=DiskWorkspace()), ANALYZER).diagnostics
    return [d for d in found if d.code != "MK201"]  # its program image is never built


def nested(depth: int) -> str:
    return HEAD + "    " + "<x>" * depth + "</x>" * depth + "\n</system>\n"


def test_valid_xml_nested_a_thousand_deep_is_well_formed() -> None:
    for depth in (deep.DEEP - 1, 1000, 5000):
        found = analyse(nested(depth))
        assert [(d.code, d.message) for d in found] == [("MK014", "invalid XML element 'x'")], depth
        assert found[0].range.start.line == 6


def test_the_deep_front_end_checks_like_the_usual_one() -> None:
    body = ('    <memory_region name="m" size="0x1000" />\n    <channel>\n        <end pd="a" id="1" />\n'
            '    </channel>\n')
    shallow = HEAD + body + "    <x><x></x></x>\n</system>\n"
    deeper = HEAD + body + "    " + "<x>" * 2000 + "</x>" * 2000 + "\n</system>\n"
    key = [(d.code, d.range, d.message) for d in analyse(shallow)]
    assert [(d.code, d.range, d.message) for d in analyse(deeper)] == key
    assert {"MK037", "MK061", "MK014"} <= {k[0] for k in key}


def test_broken_deep_nesting_is_one_located_syntax_error_and_the_rest_is_checked() -> None:
    text = HEAD + '    <memory_region name="m" size="0x1000" />\n    ' + "<x>" * 3000 + "</x>" * 2999 + \
        "\n</system>\n"
    found = analyse(text)
    syntax = [d for d in found if d.code == "MK001"]
    assert len(syntax) == 1 and syntax[0].range.start.line == 8
    assert "mismatched tag" in syntax[0].message
    assert "MK037" in {d.code for d in found}  # the duplicate region stays reported


def test_depth_estimate() -> None:
    assert deep.max_depth(b"<a><b/><c><d></d></c></a>") == 3
    assert deep.max_depth(b"no markup") == 0
