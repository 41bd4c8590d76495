"""The house style, case by case, for `.system` and CAmkES, and what the formatter refuses to touch."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
if str(REPO / "server") not in sys.path:
    sys.path.insert(0, str(REPO / "server"))

from drvls.camkes.format import CamkesFormatOptions, format_camkes  # noqa: E402
from drvls.core.config import ConfigError, Settings  # noqa: E402
from drvls.core.formatting import Refused, formatter_for  # noqa: E402
from drvls.microkit.format import FormatOptions, format_system  # noqa: E402

HEAD = '<?xml version="1.0" encoding="UTF-8"?>\n'


def test_indentation_and_self_closing_tags() -> None:
    text = HEAD + "<system>\n  <memory_region name='m' size=\"0x1000\"/>\n<protection_domain name=\"a\">" \
        "<program_image path=\"a.elf\"></program_image></protection_domain>\n</system>"
    assert format_system(text) == HEAD + (
        '<system>\n    <memory_region name="m" size="0x1000" />\n    <protection_domain name="a">\n'
        '        <program_image path="a.elf" />\n    </protection_domain>\n</system>\n')


def test_long_tags_put_one_attribute_per_line() -> None:
    text = HEAD + '<system>\n<map mr="a_long_region_name" vaddr="0x4000000" perms="rw" cached="true" />\n</system>\n'
    assert format_system(text, FormatOptions(indent=2, line_length=40)) == HEAD + (
        '<system>\n  <map\n    mr="a_long_region_name"\n    vaddr="0x4000000"\n    perms="rw"\n'
        '    cached="true" />\n</system>\n')


def test_comments_blank_line_groups_and_trailing_comments_are_kept() -> None:
    text = HEAD + ('<system>\n   <!-- regions -->\n<memory_region name="a" size="0x1000" />   <!-- uart -->\n\n\n\n'
                   '<memory_region name="b" size="0x1000" />\n\n</system>\n')
    assert format_system(text) == HEAD + (
        '<system>\n    <!-- regions -->\n    <memory_region name="a" size="0x1000" /> <!-- uart -->\n\n'
        '    <memory_region name="b" size="0x1000" />\n</system>\n')


def test_a_tag_under_a_suppression_comment_is_never_split() -> None:
    text = HEAD + ('<system>\n<!-- drvls: ignore[MK043] -->\n'
                   '<memory_region name="a_long_region_name" size="0x1000" phys_addr="0x9000000" />\n</system>\n')
    formatted = format_system(text, FormatOptions(line_length=30))
    assert isinstance(formatted, str)
    assert '    <memory_region name="a_long_region_name" size="0x1000" phys_addr="0x9000000" />' in formatted


def test_elements_holding_text_are_left_as_written() -> None:
    text = HEAD + ('<system>\n    <protection_domain name="a">stray   text<program_image path="x"/>'
                   "</protection_domain>\n</system>\n")
    assert format_system(text) == text


@pytest.mark.parametrize(("text", "reason"), [
    (HEAD + "<system>\n  <memory_region name=\"a\" \n</system>\n", "not well-formed XML"),
    ("#include <x.h>\n<system>\n</system>\n", "C-preprocessor template"),
])
def test_files_that_cannot_be_formatted_safely_are_refused(text: str, reason: str) -> None:
    refused = format_system(text)
    assert isinstance(refused, Refused) and reason in refused.reason


def test_camkes_indentation_spacing_and_blank_lines() -> None:
    text = ('import <std_connector.camkes>;   \n#include "x.h"\n  #define N 1\ncomponent A {\n\tprovides  P\tp;\n'
            '\n\n\n  attribute string  s = "a  b";  // keep   this\n}\nassembly {\ncomposition {\n'
            'component A a;\n/* a\n     comment */\n}\n}\n')
    assert format_camkes(text, CamkesFormatOptions(indent=4)) == (
        'import <std_connector.camkes>;\n#include "x.h"\n#define N 1\ncomponent A {\n    provides P p;\n\n'
        '    attribute string s = "a  b"; // keep   this\n}\nassembly {\n    composition {\n'
        '        component A a;\n        /* a\n     comment */\n    }\n}\n')


@pytest.mark.parametrize("text", ["component A {\n", "}\ncomponent A {}\n", "/* never closed\n",
                                  "component A {\nprovides P p\nuses Q q;\n}\n",
                                  "assembly { composition { component A = ; } }\n"])
def test_camkes_files_with_syntax_errors_are_refused(text: str) -> None:
    assert isinstance(format_camkes(text), Refused)


def test_tabs_indent_one_tab_a_level_and_count_for_the_line_length() -> None:
    assert format_camkes("component A {\nprovides P p;\n}\n", CamkesFormatOptions(tabs=True)) == \
        "component A {\n\tprovides P p;\n}\n"
    text = HEAD + '<system>\n<protection_domain name="a"><map mr="r" vaddr="0x1" /></protection_domain>\n</system>\n'
    assert format_system(text, FormatOptions(tabs=True)) == HEAD + (
        '<system>\n\t<protection_domain name="a">\n\t\t<map mr="r" vaddr="0x1" />\n\t</protection_domain>\n'
        '</system>\n')
    # 2 tabs count 16 columns at indent 8: the map no longer fits in 40.
    narrow = format_system(text, FormatOptions(indent=8, line_length=40, tabs=True))
    assert isinstance(narrow, str) and '\t\t<map\n\t\t\tmr="r"\n\t\t\tvaddr="0x1" />' in narrow


def test_settings_choose_indent_and_line_length() -> None:
    fmt = formatter_for(Path("a.system"))
    assert fmt is not None
    text = HEAD + '<system>\n<memory_region name="m" size="0x1000" />\n</system>\n'
    assert fmt(text, Settings({"format": {"indent_width": 2}})) == HEAD + \
        '<system>\n  <memory_region name="m" size="0x1000" />\n</system>\n'
    with pytest.raises(ConfigError, match="indent_width"):
        fmt(text, Settings({"format": {"indent_width": "wide"}}))
    assert formatter_for(Path("notes.md")) is None
