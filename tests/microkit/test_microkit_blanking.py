"""Blanking simple attribute lists before tree-sitter (a speed measure) never changes the verdict.

The full parse reads a copy of the text with well-formed attribute lists turned into spaces; these
tests hold it to the same well-formedness and the same element structure as the real text.
"""

from __future__ import annotations

from drvls.microkit import xmltree
from hypothesis import given, settings
from hypothesis import strategies as st
from microkit_support import corpus_dir
from tree_sitter import Node, Tree

SAMPLE = (
    b'<?xml version="1.0" encoding="UTF-8"?>\n<system>\n'
    b'    <memory_region name="m" size="0x1_000" phys_addr=\'0x9000000\' />\n'
    b'    <protection_domain name="a"\n        priority="10" budget = "100">\n'
    b'        <program_image path="a.elf" />\n'
    b'        <map mr="m" vaddr="0x2000000" perms="r" setvar_vaddr="x" />\n'
    b'        <irq irq="33" id="1" trigger="edge"/>\n'
    b'    </protection_domain>\n'
    b'    <channel><end pd="a" id="2" /><end pd="b" id="3" pp="true" /></channel>\n'
    b'    <memory_region name="e" size="0x1000" note="a &amp; b" />\n'
    b"</system>\n"
)


def elements(tree: Tree) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    stack: list[Node] = [tree.root_node]
    while stack:
        node = stack.pop()
        if node.type == "element":
            out.append((node.start_byte, node.end_byte))
        stack.extend(node.children)
    return sorted(out)


def assert_same_verdict(data: bytes) -> None:
    blanked = xmltree.blank_simple_attributes(data)
    assert len(blanked) == len(data)
    assert blanked.count(b"\n") == data.count(b"\n")
    real = xmltree.parser().parse(data)
    fast = xmltree.parser().parse(blanked)
    assert fast.root_node.has_error == real.root_node.has_error
    if not real.root_node.has_error:
        assert elements(fast) == elements(real)
    # What the analyzer uses: the tree from `parse` has the real text's errors and elements.
    used = xmltree.parse(data)
    assert xmltree.syntax_errors(used) == xmltree.syntax_errors(real)
    assert elements(used) == elements(real)


def test_sample_is_blanked_and_keeps_its_structure() -> None:
    blanked = xmltree.blank_simple_attributes(SAMPLE)
    assert b'name="m"' not in blanked and b"priority" not in blanked
    assert b"a &amp; b" in blanked  # values with references are left to tree-sitter
    assert_same_verdict(SAMPLE)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.integers(min_value=0, max_value=len(SAMPLE)), st.integers(min_value=0, max_value=3),
                          st.sampled_from([b"", b" ", b'"', b"'", b"=", b"<", b">", b"/", b"&", b"x", b"\n",
                                           b"\xc3\xa9", b"\x01", b"<!--", b"-->"])),
                min_size=1, max_size=6))
def test_mutated_text_gives_the_same_verdict(steps: list[tuple[int, int, bytes]]) -> None:
    data = SAMPLE
    for start, delete, insert in steps:
        start = min(start, len(data))
        data = data[:start] + insert + data[start + delete:]
    assert_same_verdict(data)


def test_corpus_files_give_the_same_verdict() -> None:
    files = sorted(corpus_dir().rglob("*.system"))
    assert files
    for path in files:
        assert_same_verdict(path.read_bytes())
