"""Incremental re-analysis (tree-sitter edits + per-element caches) equals a fresh analysis."""

from __future__ import annotations

from pathlib import Path

from drvls.core.config import Settings
from drvls.core.diagnostics import Diagnostic
from drvls.core.languages import Analysis, AnalysisContext, DiskWorkspace, Edit, SourceFile
from drvls.microkit.analyzer import ANALYZER, State
from hypothesis import example, given, settings
from hypothesis import strategies as st
from microkit_support import system

BASE = system(
    '    <memory_region name="m" size="0x1000" />\n'
    '    <memory_region name="n" size="0x2000" phys_addr="0x9000000" />\n'
    '    <protection_domain name="a" priority="10">\n        <program_image path="a" />\n'
    '        <map mr="m" vaddr="0x1000" perms="rw" setvar_vaddr="m_vaddr" />\n'
    '        <map mr="n" vaddr="0x4000" perms="r" />\n        <irq irq="33" id="5" />\n'
    "    </protection_domain>\n"
    '    <protection_domain name="b" priority="20">\n        <program_image path="b" />\n'
    '        <map mr="m" vaddr="0x1000" perms="rw" />\n    </protection_domain>\n'
    '    <channel>\n        <end pd="a" id="1" pp="true" />\n        <end pd="b" id="1" />\n    </channel>\n'
    '    <channel>\n        <end pd="a" id="1" />\n        <end pd="b" id="2" />\n    </channel>')
PATH = Path("inc.system")


def point(data: bytes, offset: int) -> tuple[int, int]:
    row = data.count(b"\n", 0, offset)
    return row, offset - (data.rfind(b"\n", 0, offset) + 1)


def analyse(text: str, previous: Analysis | None = None, edits: list[Edit] | None = None) -> Analysis:
    ctx = AnalysisContext(settings=Settings(), workspace=DiskWorkspace(), previous=previous, edits=edits or [])
    return ANALYZER.analyze(SourceFile(path=PATH, data=text.encode(), text=text), ctx)


def key(diags: list[Diagnostic]) -> list[tuple[object, ...]]:
    return sorted((d.code, d.range, d.message, tuple((r.range, r.message) for r in d.related),
                   tuple((f.title, tuple((e.range, e.new_text) for e in f.edits)) for f in d.fixes)) for d in diags)


def apply(text: str, start: int, delete: int, insert: str) -> tuple[str, Edit]:
    """Replace `delete` characters at character `start` by `insert`, as a tree-sitter edit."""
    start = min(start, len(text))
    end = min(start + delete, len(text))
    new = text[:start] + insert + text[end:]
    old_data, new_data = text.encode(), new.encode()
    b_start = len(text[:start].encode())
    b_old_end = len(text[:end].encode())
    b_new_end = b_start + len(insert.encode())
    edit = Edit(b_start, b_old_end, b_new_end, point(old_data, b_start), point(old_data, b_old_end),
                point(new_data, b_new_end))
    return new, edit


edits_strategy = st.lists(
    st.tuples(st.integers(min_value=0, max_value=len(BASE)), st.integers(min_value=0, max_value=6),
              st.sampled_from(["", "x", "1", '"', "<", ">", "/>", " ", "\n", "0x", 'pp="true"', "é", "/", "*", "#"])),
    min_size=1, max_size=12)


@settings(max_examples=100, deadline=None)
@given(edits_strategy)
def test_incremental_equals_fresh(steps: list[tuple[int, int, str]]) -> None:
    text = BASE
    analysis = analyse(text)
    for start, delete, insert in steps:
        text, edit = apply(text, start, delete, insert)
        analysis = analyse(text, analysis, [edit])
        assert key(analysis.diagnostics) == key(analyse(text).diagnostics)


def test_one_character_edit_reuses_unchanged_elements() -> None:
    first = analyse(BASE)
    state = first.state
    assert isinstance(state, State)
    cached = dict(state.cache)
    offset = BASE.index('perms="r"') + len('perms="r')
    text, edit = apply(BASE, offset, 0, "w")
    second = analyse(text, first, [edit])
    assert isinstance(second.state, State) and second.state is not state
    assert dict(state.cache) == cached  # the first snapshot is left as it was
    new_keys = set(second.state.cache) - set(cached)
    assert len(new_keys) == 1  # only the edited protection domain was converted and checked again
    assert b'name="a"' in next(iter(new_keys))[0]


def test_edit_moves_diagnostics_below_it() -> None:
    first = analyse(BASE)
    duplicate = [d for d in first.diagnostics if d.code == "MK055"]
    assert duplicate
    text, edit = apply(BASE, BASE.index("<memory_region"), 0, "<!-- new line -->\n    ")
    second = analyse(text, first, [edit])
    moved = [d for d in second.diagnostics if d.code == "MK055"]
    assert [d.range.start.line for d in moved] == [d.range.start.line + 1 for d in duplicate]


def test_stale_previous_analysis_is_not_trusted() -> None:
    """An editor may re-run from an older analysis whose state later runs updated: edits must still apply."""
    first = analyse(BASE)
    offset = BASE.index('priority="20"') + len('priority="2')
    second_text, second_edit = apply(BASE, offset, 1, "9")
    analyse(second_text, first, [second_edit])  # builds its own snapshot; the first stays usable
    third_text, third_edit = apply(BASE, BASE.index('irq="33"') + len('irq="3'), 1, "4")
    third = analyse(third_text, first, [third_edit])
    assert key(third.diagnostics) == key(analyse(third_text).diagnostics)


def test_syntax_error_then_fix_reanalyses_everything() -> None:
    first = analyse(BASE)
    offset = BASE.index("<channel>")
    broken, edit1 = apply(BASE, offset, 1, "")
    second = analyse(broken, first, [edit1])
    assert {d.code for d in second.diagnostics} - {"MK201"} == {"MK001"}  # MK201: images are never built
    other = broken.index('priority="10"') + len('priority="1')
    edited, edit2 = apply(broken, other, 1, "5")
    third = analyse(edited, second, [edit2])
    fixed, edit3 = apply(edited, offset, 0, "<")
    fourth = analyse(fixed, third, [edit3])
    assert key(fourth.diagnostics) == key(analyse(fixed).diagnostics)


def test_edit_inside_one_element_takes_the_fast_path() -> None:
    first = analyse(BASE)
    state = first.state
    assert isinstance(state, State) and state.layout is not None
    before = list(state.layout.items)
    offset = BASE.index('vaddr="0x4000"') + len('vaddr="0x4')
    text, edit = apply(BASE, offset, 0, "0")
    second = analyse(text, first, [edit])
    assert isinstance(second.state, State) and second.state.layout is not None
    assert list(state.layout.items) == before
    after = second.state.layout.items
    changed = [i for i, (a, b) in enumerate(zip(before, after, strict=True)) if a is not b]
    assert len(changed) == 1
    assert key(second.diagnostics) == key(analyse(text).diagnostics)


def test_prefill_files_stay_dependencies_after_an_edit(tmp_path: Path) -> None:
    (tmp_path / "blob.bin").write_bytes(b"abc")
    text = system('    <memory_region name="m" prefill_path="blob.bin" />\n'
                  '    <protection_domain name="a">\n        <program_image path="a" />\n'
                  '        <map mr="m" vaddr="0x1000" />\n    </protection_domain>')
    path = tmp_path / "p.system"
    ctx = AnalysisContext(settings=Settings(), workspace=DiskWorkspace())
    first = ANALYZER.analyze(SourceFile(path=path, data=text.encode(), text=text), ctx)
    assert tmp_path / "blob.bin" in first.dependencies
    edited, edit = apply(text, text.index('vaddr="0x1000"') + len('vaddr="0x1'), 0, "0")
    ctx2 = AnalysisContext(settings=Settings(), workspace=DiskWorkspace(), previous=first, edits=[edit])
    second = ANALYZER.analyze(SourceFile(path=path, data=edited.encode(), text=edited), ctx2)
    assert tmp_path / "blob.bin" in second.dependencies
    assert [d.code for d in second.diagnostics] == ["MK201"]  # only: its program image is not built


DOMAINS_BASE = system(
    '    <domains>\n        <domain name="d1" />\n        <domain_schedule>\n'
    '            <schedule_entry domain="d1" duration="10 us" />\n        </domain_schedule>\n    </domains>\n'
    "    stray text\n"
    '    <protection_domain name="a" domain="d1">\n        <program_image path="a" />\n'
    "    </protection_domain>\n    more text\n"
    '    <protection_domain name="b" domain="d2">\n        <program_image path="b" />\n'
    "    </protection_domain>")


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(st.integers(min_value=0, max_value=len(DOMAINS_BASE)), st.integers(min_value=0, max_value=4),
                          st.sampled_from(["", "x", "2", '"', "<", " ", "\n", "d"])), min_size=1, max_size=10))
@example([(71, 0, '"'), (0, 1, "")])  # tree-sitter recovered from the second error unlike a fresh parse
def test_incremental_equals_fresh_with_domains_and_text(steps: list[tuple[int, int, str]]) -> None:
    text = DOMAINS_BASE
    analysis = analyse(text)
    for start, delete, insert in steps:
        text, edit = apply(text, start, delete, insert)
        analysis = analyse(text, analysis, [edit])
        assert key(analysis.diagnostics) == key(analyse(text).diagnostics)


RICH = system(
    '    <memory_region name="m" size="0x1000" />\n'
    '    <memory_region name="m" size="0x2000" phys_addr="0x9000000" />\n'
    '    <memory_region name="io" size="0x1000" phys_addr="0x9001000" />\n'
    '    <protection_domain name="a" priority="10">\n        <program_image path="a" />\n'
    '        <map mr="m" vaddr="0x1000" perms="rw" setvar_vaddr="m_vaddr" />\n'
    '        <map mr="m" vaddr="0x1000" perms="r" />\n        <irq irq="33" id="5" />\n'
    '        <map mr="nope" vaddr="0x8000" perms="r" />\n'
    "    </protection_domain>\n"
    '    <protection_domain name="b" priority="20">\n        <program_image path="b" />\n'
    '        <irq irq="33" id="7" />\n        <map mr="io" vaddr="0x1000" perms="rw" />\n'
    '    </protection_domain>\n'
    '    <protection_domain name="a" priority="30">\n        <program_image path="c" />\n    </protection_domain>\n'
    '    <channel>\n        <end pd="a" id="5" pp="true" />\n        <end pd="b" id="1" />\n    </channel>\n'
    '    <channel>\n        <end pd="b" id="7" />\n        <end pd="zz" id="2" />\n    </channel>')

# Edits inside attribute values and between attributes: most keep every element whole (the fast path).
inside_strategy = st.lists(
    st.tuples(st.sampled_from([i for i, ch in enumerate(RICH) if ch in '"= ' and RICH[i - 1] not in "<\n"]),
              st.integers(min_value=0, max_value=2),
              st.sampled_from(["", "x", "1", "0", " ", "\n", "  ", "a", '"', "/", "é", "\r", "\r\n"])),
    min_size=1, max_size=20)


@settings(max_examples=150, deadline=None)
@given(inside_strategy)
def test_edits_inside_elements_give_what_a_full_check_gives(steps: list[tuple[int, int, str]]) -> None:
    text = RICH
    analysis = analyse(text)
    offset_shift = 0
    for start, delete, insert in steps:
        text, edit = apply(text, min(len(text), max(0, start + offset_shift)), delete, insert)
        offset_shift += len(insert) - delete
        analysis = analyse(text, analysis, [edit])
        assert key(analysis.diagnostics) == key(analyse(text).diagnostics)


def test_an_edit_inside_one_element_parses_that_element_alone() -> None:
    first = analyse(RICH)
    offset = RICH.index('perms="r" />') + len('perms="r')
    text, edit = apply(RICH, offset, 0, "w")
    second = analyse(text, first, [edit])
    assert isinstance(second.state, State) and second.state.tree is None  # no whole-file parse
    assert key(second.diagnostics) == key(analyse(text).diagnostics)
    # A new line inside an element moves the findings below it, including those kept from before.
    text3, edit3 = apply(text, text.index('<irq irq="33" id="5"'), 0, "\n        ")
    third = analyse(text3, second, [edit3])
    assert isinstance(third.state, State) and third.state.tree is None
    assert key(third.diagnostics) == key(analyse(text3).diagnostics)
    # Typing it away again reuses the element checked before.
    text4, edit4 = apply(text3, text3.index('\n        <irq irq="33" id="5"'), 9, "")
    fourth = analyse(text4, third, [edit4])
    assert text4 == text
    assert key(fourth.diagnostics) == key(second.diagnostics)


def _images_not_built(analysis: Analysis) -> dict[str, Diagnostic]:
    return {d.message.split("'")[1]: d for d in analysis.diagnostics if d.code == "MK201"}


def test_a_keystroke_keeps_the_diagnostics_of_findings_it_did_not_move() -> None:
    first = analyse(RICH)
    for image, kept in (("a", ("b", "c")), ("c", ("a", "b"))):  # edits in PD a (findings after it move), PD c
        at = RICH.index(f'<program_image path="{image}" />')
        text, edit = apply(RICH, at + len("<program_image"), 0, "  ")
        second = analyse(text, first, [edit])
        assert key(second.diagnostics) == key(analyse(text).diagnostics)
        before, after = _images_not_built(first), _images_not_built(second)
        assert all(after[name] is before[name] for name in kept)
        assert after[image] is not before[image]  # its element was checked again
        # A line break moves every line below it: each finding there is made again.
        text2, edit2 = apply(text, at, 0, "\n")
        third = analyse(text2, second, [edit2])
        assert key(third.diagnostics) == key(analyse(text2).diagnostics)
        assert all(_images_not_built(third)[name] is not after[name] for name in ("a", "b", "c") if name != image
                   and RICH.index(f'path="{name}"') > at)


def test_an_edit_that_completes_a_c_comment_makes_a_template() -> None:
    """`/` was already there: the edit adds only `*`, and the file becomes a cpp template."""
    first = analyse(BASE)
    offset = BASE.index("/>") + 1
    text, edit = apply(BASE, offset, 0, "*")
    after = analyse(text, first, [edit])
    assert key(after.diagnostics) == key(analyse(text).diagnostics)
    assert "MK113" in {d.code for d in after.diagnostics}
