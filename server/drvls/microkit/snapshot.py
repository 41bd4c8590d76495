"""What one Microkit analysis returns: diagnostics now, the typed model and the symbol index on demand.

The model and the index are built from the snapshot's own text, line index and layout the first
time a face asks, so a keystroke pays for neither unless something reads them; nothing they hold
changes afterwards (the next analysis builds its own).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from drvls.core.diagnostics import Position, Range
from drvls.core.languages import Analysis, SourceFile
from drvls.core.symbols import SymbolIndex
from drvls.core.text import LineIndex, LineStarts
from drvls.microkit.model import Channel, Domains, IoAddressSpace, MemoryRegion, ProtectionDomain
from drvls.microkit.xmltree import Anchor, El

if TYPE_CHECKING:
    from drvls.microkit.analyzer import State


@dataclass(frozen=True)
class SystemModel:
    """The typed model of one `.system` snapshot: the model classes of `model.py`, in document order.

    Elements carry offsets relative to their anchor; `range_of` turns them into ranges of this
    snapshot's text. `recovered` is true when the file has syntax errors and the model holds only
    the elements that could still be read whole.
    """

    path: Path | None
    system: El
    pds: tuple[ProtectionDomain, ...]  # top level; children in `ProtectionDomain.children`
    mrs: tuple[MemoryRegion, ...]
    channels: tuple[Channel, ...]
    spaces: tuple[IoAddressSpace, ...]
    domains: tuple[Domains, ...]
    recovered: bool
    index: LineIndex = field(repr=False, compare=False)
    base_of: Callable[[Anchor], int] = field(repr=False, compare=False)
    # What completion reads of the whole model, computed once per snapshot (`allocation.memo`) and kept
    # here, so it is freed with the snapshot: a module-level "last model" cache kept the previous
    # snapshot alive, and the next request on a new one paid for freeing it.
    facts: dict[str, Any] = field(default_factory=dict, init=False, repr=False, compare=False)

    def all_pds(self) -> list[ProtectionDomain]:
        """Every PD, parents before children (the tool's flattening order)."""
        return [pd for top in self.pds for pd in top.walk()]

    def offsets(self, el: El, attr: str | None = None) -> tuple[int, int]:
        """Byte offsets of an attribute's value (inside the quotes), else of the whole element."""
        base = self.base_of(el.anchor)
        found = el.attr_span(attr) if attr else None
        if found is not None:
            return base + found.value_start, base + found.value_end
        return base + el.start, base + el.end

    def range_of(self, el: El, attr: str | None = None) -> Range:
        """The range of an attribute's value, else of the whole element, in this snapshot's text."""
        return self.index.range(*self.offsets(el, attr))

    def start_tag_range(self, el: El) -> Range:
        base = self.base_of(el.anchor)
        return self.index.range(base + el.start, base + el.tag_end)

    def elements(self) -> Iterator[El]:
        """Every element below `<system>` in document order (iterative: depth costs no recursion)."""
        tops: list[El] = [*(pd.el for pd in self.pds), *(mr.el for mr in self.mrs),
                          *(c.el for c in self.channels), *(s.el for s in self.spaces), *(d.el for d in self.domains)]
        tops.sort(key=lambda el: self.base_of(el.anchor) + el.start)
        stack = list(reversed(tops))
        while stack:
            el = stack.pop()
            yield el
            stack.extend(reversed(el.children))


def build_model(state: State, source: SourceFile, index: LineIndex) -> SystemModel | None:
    system = state.system
    if system is None:
        return None
    return SystemModel(path=source.path, system=system.el, pds=tuple(system.pds), mrs=tuple(system.mrs),
                       channels=tuple(system.channels), spaces=tuple(system.spaces), domains=tuple(system.domains),
                       recovered=state.recovered, index=index, base_of=state.base_of)


class LazyLineIndex(LineIndex):
    """A `LineIndex` whose table of line starts is built only when many positions are asked for.

    A keystroke in a large file usually converts a handful of offsets (its diagnostics): counting
    newlines up to each one is a C-level scan, far cheaper than splitting the whole text.
    """

    DIRECT = 16  # positions found by counting before the table is built

    def __init__(self, text: str, data: bytes) -> None:  # no super().__init__(): that is the cost saved
        self.text = text
        self.data = data
        self._ascii = len(data) == len(text)
        self._full: LineIndex | None = None
        # Counting `\n` finds lines only where no `\r` ends one: otherwise the table from the start.
        self._direct = 0 if b"\r" not in data else self.DIRECT

    def _table(self) -> LineIndex:
        if self._full is None:
            self._full = LineIndex(self.text, self.data)
        return self._full

    @property
    def _starts(self) -> LineStarts:  # type: ignore[override]
        return self._table()._starts

    @property
    def _rows(self) -> LineStarts:  # type: ignore[override]
        return self._table()._rows

    @property
    def _lone_cr(self) -> bool:  # type: ignore[override]
        return self._table()._lone_cr

    def position(self, byte_offset: int) -> Position:
        if self._full is None and self._direct < self.DIRECT:
            self._direct += 1
            data = self.data
            byte_offset = max(0, min(byte_offset, len(data)))
            line = data.count(b"\n", 0, byte_offset)
            start = data.rfind(b"\n", 0, byte_offset) + 1
            if self._ascii:
                return Position(line, byte_offset - start)
            return Position(line, len(data[start:byte_offset].decode("utf-8", "replace")))
        return super().position(byte_offset)


@dataclass(frozen=True)
class MicrokitAnalysis(Analysis):
    """An `Analysis` whose `model` and `symbols` are built from the snapshot on first use.

    Both are fields the constructor does not take (`init=False`), so `dataclasses.replace` (the
    engine's) copies the snapshot without building them; they are computed when first read and
    kept in `_lazy`, which is the one thing that changes after construction.
    """

    source: SourceFile | None = None
    index: LineIndex | None = None
    symbols: SymbolIndex = field(default=SymbolIndex(), init=False, compare=False)
    model: Any = field(default=None, init=False, compare=False)
    _lazy: dict[str, Any] = field(default_factory=dict, init=False, repr=False, compare=False)

    def __getattribute__(self, name: str) -> Any:
        if name == "model" or name == "symbols":
            lazy = object.__getattribute__(self, "_lazy")
            if name not in lazy:
                lazy[name] = object.__getattribute__(self, f"_build_{name}")()
            return lazy[name]
        return object.__getattribute__(self, name)

    def _build_model(self) -> Any:
        assert self.source is not None and self.index is not None
        return build_model(self.state, self.source, self.index)

    def _build_symbols(self) -> SymbolIndex:
        from drvls.microkit.symbols import build_index

        model = self.model
        path = self.source.path if self.source is not None else None
        return build_index(model) if model is not None else SymbolIndex(path=path)

