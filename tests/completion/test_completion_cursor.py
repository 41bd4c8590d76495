"""The cursor contexts of `.system` and `.camkes` texts, complete and half typed; what completion keeps
per snapshot."""

from __future__ import annotations

import gc
import weakref
from pathlib import Path

import pytest
from drvls.camkes import cursor as camkes_cursor
from drvls.core.completion import completer_for
from drvls.core.config import Settings
from drvls.core.diagnostics import Position
from drvls.core.engine import check_source
from drvls.core.languages import AnalysisContext, DiskWorkspace, SourceFile
from drvls.microkit.completion import complete
from drvls.microkit.cursor import Cursor, Where, locate
from hypothesis import given, settings
from hypothesis import strategies as st

SYSTEM = """<?xml version="1.0"?>
<system>
    <memory_region name="uart" size="0x1000" />
    <!-- a <comment> with tags -->
    <protection_domain name="client" priority="1">
        <program_image path="client.elf" />
        <map mr="uart" vaddr="0x2000000" perms="rw" />
    </protection_domain>
    <channel>
        <end pd="client" id="1" />
    </channel>
</system>
"""


def context(text: str, needle: str, offset: int | None = None) -> Cursor:
    at = text.index(needle) + (len(needle) if offset is None else offset)
    return locate(text.encode(), at, None)


@pytest.mark.parametrize(("needle", "offset", "where", "stack", "detail"), [
    ('<map mr="', None, Where.ATTR_VALUE, ["system", "protection_domain"], ("map", "mr")),
    ('<map mr="uart" vaddr="0x2', None, Where.ATTR_VALUE, ["system", "protection_domain"], ("map", "vaddr")),
    ("<map ", None, Where.ATTR_NAME, ["system", "protection_domain"], ("map", "")),
    ("<channel>\n        <", None, Where.TAG_NAME, ["system", "channel"], ("", "")),
    ("</channel>", 2, Where.CLOSE, ["system", "channel"], ("", "")),
    ("</protection_domain>\n", None, Where.CONTENT, ["system"], ("", "")),
    ("a <comment", None, Where.NOWHERE, ["system"], ("", "")),
])
def test_microkit_contexts(needle: str, offset: int | None, where: Where, stack: list[str],
                           detail: tuple[str, str]) -> None:
    found = context(SYSTEM, needle, offset)
    assert found.where is where
    assert [o.tag for o in found.stack] == stack
    assert (found.tag, found.attr) == detail


def test_the_other_attributes_of_the_tag_are_read_on_both_sides() -> None:
    found = context(SYSTEM, '<map mr="uart" vaddr="', 5)
    assert found.attrs == {"vaddr": "0x2000000", "perms": "rw"}


def test_a_half_typed_tag_with_no_closing_quote_is_still_read() -> None:
    text = SYSTEM.replace('<map mr="uart"', '<map mr="\n        <map mr="uart"')
    found = context(text, '<map mr="')
    assert found.where is Where.ATTR_VALUE and found.attr == "mr"
    later = context(text, '<end pd="')
    assert later.where is Where.ATTR_VALUE and [o.tag for o in later.stack] == ["system", "channel"]


CAMKES = """import <std_connector.camkes>;
// component NotThis {
assembly {
    composition {
        component Client c;
        connection seL4RPCCall conn(from c.o1, to s.i);
    }
    configuration {
        c.a = "text { not a block";
    }
}
"""


CLIENT = [("Client", "c")]


@pytest.mark.parametrize(("needle", "blocks", "words", "instances"), [
    ("connection seL4RPCCall conn(from c.", ["assembly", "composition"],
     ("connection", "seL4RPCCall", "conn", "(", "from", "c", "."), CLIENT),
    ("configuration {\n        c.", ["assembly", "configuration"], ("c", "."), CLIENT),
    ("assembly {\n", ["assembly"], (), []),
    ('c.a = "text { not a block";\n', ["assembly", "configuration"], (), CLIENT),
])
def test_camkes_contexts(needle: str, blocks: list[str], words: tuple[str, ...],
                         instances: list[tuple[str, str]]) -> None:
    found = camkes_cursor.locate(CAMKES, CAMKES.index(needle) + len(needle))
    assert [b.kind for b in found.blocks] == blocks
    assert found.words == words and not found.in_comment
    assert [(i.type, i.name) for i in found.instances] == instances


@pytest.mark.parametrize("needle", ["// component Not", 'c.a = "te'])
def test_camkes_comments_and_strings_propose_nothing(needle: str) -> None:
    assert camkes_cursor.locate(CAMKES, CAMKES.index(needle) + len(needle)).in_comment


def test_what_completion_keeps_per_snapshot_is_freed_with_the_snapshot() -> None:
    """Completion's per-snapshot facts live on the model: a superseded snapshot is not held until the
    next request (which would then pay for freeing it)."""
    def snapshot(text: str) -> weakref.ref[object]:
        analysis = check_source(SourceFile(path=Path("a.system"), data=text.encode(), text=text),
                                AnalysisContext(settings=Settings(), workspace=DiskWorkspace()))
        at = text.index('<map mr="') + len('<map mr="')
        labels = [item.label for item in complete(analysis, text, Position(text[:at].count("\n"), at - (
            text.rfind("\n", 0, at) + 1)))]
        assert labels == ["uart"]
        return weakref.ref(analysis.model)

    first = snapshot(SYSTEM)
    gc.collect()
    assert first() is None


RULE_TEXT = st.lists(st.sampled_from(["---", "...", "globs: ", "alwaysApply: t", "trigger:", "  - ", "- a, ",
                                      "[a, ", "# T", "## ", "\ufeff", "\r", "é", ":", '"', "x", ""]),
                     max_size=12).map("\n".join)


@settings(max_examples=60, deadline=None)
@given(text=RULE_TEXT, name=st.sampled_from([".cursor/rules/a.mdc", ".windsurf/rules/a.md", ".kiro/steering/a.md",
                                             "AGENTS.md", ".aider.conf.yml"]),
       line=st.integers(0, 14), column=st.integers(0, 20))
def test_rule_source_completion_never_raises(text: str, name: str, line: int, column: int) -> None:
    analysis = check_source(SourceFile(path=Path(name), data=text.encode(), text=text),
                            AnalysisContext(settings=Settings(), workspace=DiskWorkspace()))
    complete_rules = completer_for(Path(name))
    assert complete_rules is not None
    for item in complete_rules(analysis, text, Position(line, column)):
        assert item.replace.start <= item.replace.end and item.replace.start.line == line
