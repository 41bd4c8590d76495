"""A snapshot stays valid: after edit N+1 is analysed (incrementally, from snapshot N), every range
of snapshot N's symbol index still slices snapshot N's text to the same names as before."""

from __future__ import annotations

from pathlib import Path

from drvls.core.config import load_settings
from drvls.core.diagnostics import Range
from drvls.core.engine import check_source
from drvls.core.languages import Analysis, AnalysisContext, DiskWorkspace, Edit, SourceFile
from drvls.core.text import LineIndex
from hypothesis import given, settings
from hypothesis import strategies as st
from prerequisites import corpus_path

REPO = Path(__file__).resolve().parents[2]
SAMPLES = {
    "CLAUDE.md": (REPO / "examples" / "rules" / "CLAUDE.md").read_text(encoding="utf-8"),
    ".cursorrules": (REPO / "examples" / "rules" / ".cursorrules").read_text(encoding="utf-8"),
}
INSERTS = st.sampled_from(["x", "\n", "# New heading\n", "- another rule\n", "## Über\n", "[a](#memory) ", ""])


def slice_of(text: str, rng: Range) -> str:
    index = LineIndex(text)
    data = text.encode("utf-8")
    return data[index.byte_offset(rng.start):index.byte_offset(rng.end)].decode("utf-8", "replace")


def slices(analysis: Analysis, text: str) -> list[tuple[str, str]]:
    """(key, text under the range) of every name and reference of the file itself."""
    index = analysis.symbols
    here = [(s.key, s.range) for s in index.definitions if s.path == index.path]
    here += [(r.key, r.range) for r in index.references if r.path == index.path]
    return [(key, slice_of(text, rng)) for key, rng in here]


def edit_at(text: str, offset: int, inserted: str) -> tuple[str, Edit]:
    data = text.encode("utf-8")
    offset = len(text[:offset].encode("utf-8"))
    new = inserted.encode("utf-8")
    row, col = data.count(b"\n", 0, offset), offset - (data.rfind(b"\n", 0, offset) + 1)
    end_row = row + new.count(b"\n")
    end_col = col + len(new) if b"\n" not in new else len(new) - new.rfind(b"\n") - 1
    edit = Edit(offset, offset, offset + len(new), (row, col), (row, col), (end_row, end_col))
    return (data[:offset] + new + data[offset:]).decode("utf-8"), edit


def analyse(path: Path, text: str, previous: Analysis | None, edits: tuple[Edit, ...]) -> Analysis:
    ctx = AnalysisContext(settings=load_settings(path), workspace=DiskWorkspace(), previous=previous, edits=edits)
    return check_source(SourceFile(path=path, data=text.encode("utf-8"), text=text), ctx)


def check_edits(path: Path, text: str, steps: list[tuple[float, str]]) -> None:
    before = analyse(path, text, None, ())
    for where, inserted in steps:
        taken = slices(before, text)
        new_text, edit = edit_at(text, int(where * len(text)), inserted)
        after = analyse(path, new_text, before, (edit,))
        assert slices(before, text) == taken, "analysing the next edit changed the previous snapshot"
        before, text = after, new_text


@settings(max_examples=40, deadline=None)
@given(name=st.sampled_from(sorted(SAMPLES)),
       steps=st.lists(st.tuples(st.floats(0, 1), INSERTS), min_size=1, max_size=5))
def test_rule_source_snapshots_survive_the_next_edit(name: str, steps: list[tuple[float, str]]) -> None:
    check_edits(Path("/project") / name, SAMPLES[name], steps)


def test_the_samples_have_names_to_check() -> None:
    for name, text in SAMPLES.items():
        assert slices(analyse(Path("/project") / name, text, None, ()), text)


def microkit_sample() -> tuple[Path, str]:
    folder = corpus_path("microkit", "au-ts__libmicrokitco", "example", "benchmarks", "validation_2_notify",
                         required_file="validation_notify.system")
    path = folder / "validation_notify.system"
    return path, path.read_text(encoding="utf-8")


MICROKIT_INSERTS = st.sampled_from([" ", "\n", "<!-- note -->", '<memory_region name="extra" size="0x1000" />',
                                    "<map mr=\"ua", "x", ""])


def test_the_microkit_sample_has_names_to_check() -> None:
    path, text = microkit_sample()
    assert slices(analyse(path, text, None, ()), text)


@settings(max_examples=30, deadline=None)
@given(steps=st.lists(st.tuples(st.floats(0, 1), MICROKIT_INSERTS), min_size=1, max_size=5))
def test_microkit_snapshots_survive_the_next_edit(steps: list[tuple[float, str]]) -> None:
    """The Microkit analyzer reparses incrementally from the previous snapshot: that must leave the
    previous snapshot's offsets alone (they once shifted with the next edit)."""
    path, text = microkit_sample()
    check_edits(path, text, steps)
