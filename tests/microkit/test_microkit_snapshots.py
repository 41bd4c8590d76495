"""Snapshots never change once returned: after edit N+1 is analysed, snapshot N still describes text N."""

from __future__ import annotations

from drvls.core.diagnostics import Range
from drvls.core.languages import Analysis
from drvls.microkit.snapshot import SystemModel
from hypothesis import example, given, settings
from test_microkit_incremental import BASE, analyse, apply, edits_strategy, key


def sliced(text: str, rng: Range) -> str:
    """The text a range covers; a name may span lines (an edit can put a line break inside a value)."""
    starts = [0]
    for line in text.split("\n"):
        starts.append(starts[-1] + len(line) + 1)
    return text[starts[rng.start.line] + rng.start.character:starts[rng.end.line] + rng.end.character]


def names_hold(analysis: Analysis, text: str) -> None:
    index = analysis.symbols
    for symbol in index.definitions:
        if symbol.kind.value != "channel":
            assert sliced(text, symbol.range) == symbol.name, symbol
    for ref in index.references:
        assert sliced(text, ref.range) == ref.name, ref
    model = analysis.model
    if isinstance(model, SystemModel):
        for pd in model.all_pds():
            if "name" in pd.el.attrs:
                assert sliced(text, model.range_of(pd.el, "name")) == pd.name
        for mr in model.mrs:
            if "name" in mr.el.attrs:
                assert sliced(text, model.range_of(mr.el, "name")) == mr.name


@settings(max_examples=60, deadline=None)
@given(edits_strategy)
@example([(118, 0, "\n")])  # a line break inside the value of a name
def test_earlier_snapshots_keep_their_ranges(steps: list[tuple[int, int, str]]) -> None:
    text = BASE
    analysis = analyse(text)
    for start, delete, insert in steps:
        before = key(analysis.diagnostics)
        new_text, edit = apply(text, start, delete, insert)
        following = analyse(new_text, analysis, [edit])
        # The index and model of snapshot N are built only now, after N+1: they still fit text N.
        names_hold(analysis, text)
        assert key(analysis.diagnostics) == before
        names_hold(following, new_text)
        text, analysis = new_text, following


def test_an_edit_above_leaves_the_earlier_snapshot_in_place() -> None:
    first = analyse(BASE)
    text, edit = apply(BASE, BASE.index("<memory_region"), 0, "<!-- a new line -->\n    ")
    second = analyse(text, first, [edit])
    first_model, second_model = first.model, second.model
    assert isinstance(first_model, SystemModel) and isinstance(second_model, SystemModel)
    pd_first = first_model.range_of(first_model.pds[1].el, "name")
    pd_second = second_model.range_of(second_model.pds[1].el, "name")
    assert second_model.pds[1] is first_model.pds[1]  # the unchanged element is shared, not copied
    assert pd_second.start.line == pd_first.start.line + 1
    names_hold(first, BASE)
