"""Build-time checks: what the Microkit tool finds only when it reads each PD's program image.

Run after the cross-element checks on every analysis (never cached with an element's text:
rebuilding an image changes the verdict without changing the `.system` file). Every path the
search could have used is a dependency, so an editor re-checks when an image appears or is rebuilt.
Messages keep the tool's wording (main.rs, symbols.rs, capdl/builder.rs) where it has one.
"""

from __future__ import annotations

import os
import threading
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from drvls.microkit import codes
from drvls.microkit.model import Channel, Issue, MemoryRegion, ProtectionDomain, issue, related_to
from drvls.microkit.target import Target
from drvls.microkit.xmltree import El

if TYPE_CHECKING:  # the ELF reader is imported once an image is found (a check without one never needs it)
    from drvls.microkit.elf import ElfImage, Segment

PAGE = 0x1000
# Symbols the tool writes into every PD's image with `.unwrap()` (it panics when one is missing).
MICROKIT_SYMBOLS = ("microkit_name", "microkit_passive", "microkit_irqs", "microkit_notifications", "microkit_pps")
MICROKIT_SYMBOLS_2_1 = ("microkit_ioports",)
WORD = 8  # bytes the tool writes for every setvar (a 64-bit word)


@dataclass(frozen=True)
class Area:
    """A part of a PD's address space that the tool reserves (stack, guard page, IPC buffer)."""

    name: str
    start: int
    end: int


def reserved_areas(target: Target, stack_size: int) -> tuple[Area, ...]:
    """The top of a PD's address space as the tool lays it out (sel4.rs `pd_ipc_buffer`, `pd_stack_top`)."""
    ipc = target.user_vspace_top & ~(PAGE - 1)
    stack_top = ipc - PAGE
    return (Area("stack", stack_top - stack_size, stack_top), Area("guard page", stack_top, ipc),
            Area("IPC buffer", ipc, ipc + PAGE))


def find_image(path: str, target: Target, deps: set[Path]) -> Path | None:
    """`get_full_path`: the first search-path folder holding `path` (an absolute path stands alone)."""
    for folder in target.search_path:
        candidate = _candidates.get((folder, path))
        if candidate is None:
            candidate = _candidates[(folder, path)] = folder / path
            if len(_candidates) > MEMO_ENTRIES:
                _candidates.clear()
        deps.add(candidate)
        if os.path.exists(candidate):  # as the tool's `get_full_path`; what it is, the loader says
            return candidate
    return None


# The joined paths (not whether they exist): a keystroke looks every PD's image up again, and
# building the path objects cost more than asking the file system.
_candidates: dict[tuple[Path, str], Path] = {}


def check_images(flat: Iterable[ProtectionDomain], mrs: dict[str, MemoryRegion], channels: list[Channel],
                 target: Target, deps: set[Path]) -> list[Issue]:
    out: list[Issue] = []
    end_setvars = _end_setvars(channels)
    for pd in flat:
        image_el = pd.program_image
        if image_el is None or pd.name is None:
            continue
        path = image_el.get("path")
        if not path:
            continue
        image = _load(image_el, "path", path, pd, target, deps, out)
        if image is None:
            continue
        symbols_path = image_el.get("path_for_symbols")
        symbols = _load(image_el, "path_for_symbols", symbols_path, pd, target, deps, out) if symbols_path else image
        ends = end_setvars.get(pd.name, [])
        key = (id(mrs), id(image), id(symbols), target, tuple((symbol, id(el)) for symbol, el, _ in ends))
        remembered = _memo.get(id(pd))
        if remembered is not None and remembered[0] is pd and remembered[1] == key:
            out.extend(remembered[2])
            continue
        found: list[Issue] = []
        if symbols is not None:
            setvars = [(symbol, el, attr) for symbol, (el, attr) in pd.setvars.items()]
            check_symbols(pd, image_el, symbols, setvars + ends, target, found)
        check_segments(pd, image_el, image, mrs, target, found)
        _remember(pd, key, found)
        out.extend(found)
    return out


def _end_setvars(channels: list[Channel]) -> dict[str, list[tuple[str, El, str]]]:
    """Each PD's channel-end setvars (symbol, element, attribute). A model's channel list is never
    changed once built, and an edit that keeps the channels keeps the list: a keystroke in a PD of a
    system with thousands of channels does not walk them again."""
    remembered = _ends[0]
    if remembered is not None and remembered[0] is channels:
        return remembered[1]
    found: dict[str, list[tuple[str, El, str]]] = {}
    for channel in channels:
        for end in channel.ends:
            if end.pd is not None and end.setvar_id is not None:
                found.setdefault(end.pd, []).append((end.setvar_id, end.el, "setvar_id"))
    _ends[0] = (channels, found)  # holds the list, so its id is not reused while remembered
    return found


_ends: list[tuple[list[Channel], dict[str, list[tuple[str, El, str]]]] | None] = [None]


# Per-PD results while neither the PD's model, the region table, its images nor its channel setvars
# change: a keystroke elsewhere re-checks nothing here. Entries hold the PD, so an id is never reused.
_memo: OrderedDict[int, tuple[ProtectionDomain, tuple[object, ...], list[Issue]]] = OrderedDict()
_memo_lock = threading.Lock()
MEMO_ENTRIES = 4096


def _remember(pd: ProtectionDomain, key: tuple[object, ...], found: list[Issue]) -> None:
    with _memo_lock:
        _memo[id(pd)] = (pd, key, found)
        _memo.move_to_end(id(pd))
        while len(_memo) > MEMO_ENTRIES:
            _memo.popitem(last=False)


def _load(el: El, attr: str, path: str, pd: ProtectionDomain, target: Target, deps: set[Path],
          out: list[Issue]) -> ElfImage | None:
    found = find_image(path, target, deps)
    if found is None:
        out.append(_not_found(el, attr, path, target.search_path_configured))
        return None
    from drvls.microkit import elf

    loaded = elf.load(found)
    if isinstance(loaded, elf.ElfProblem):
        out.append(issue(codes.IMAGE_INVALID, f"failed to parse ELF '{found}' for PD '{pd.name}': {loaded.reason}",
                         el, attr))
        return None
    expected = elf.MACHINES[target.arch]
    if loaded.machine != expected:
        out.append(issue(codes.IMAGE_MACHINE, f"program image '{path}' for PD '{pd.name}' is built for "
                         f"{loaded.machine_label}, but the target is {target.arch_label}", el, attr))
        return None
    return loaded


def _not_found(el: El, attr: str, path: str, configured: bool) -> Issue:
    """The finding of an image not found, the same object while its element and path stay: a keystroke
    elsewhere leaves each PD's finding (and so its diagnostic, `converted`) as it was."""
    key = (attr, path, configured)
    remembered = _missing.get(id(el))
    if remembered is not None and remembered[0] is el and remembered[1] == key:
        return remembered[2]
    what = "program image" if attr == "path" else "program image for symbols"
    if configured:
        found = issue(codes.IMAGE_NOT_FOUND, f"unable to find {what}: '{path}'", el, attr)
    else:
        found = issue(codes.IMAGE_NOT_BUILT, f"unable to find {what}: '{path}' next to the system file (no search "
                      "path is configured: set `[microkit] search_path` or `--search-path` to where the build puts "
                      "the images)", el, attr)
    with _memo_lock:
        _missing[id(el)] = (el, key, found)
        _missing.move_to_end(id(el))
        while len(_missing) > MEMO_ENTRIES:
            _missing.popitem(last=False)
    return found


# The not-found finding of each program image element (entries hold the element, so an id is never reused).
_missing: OrderedDict[int, tuple[El, tuple[object, ...], Issue]] = OrderedDict()


def check_symbols(pd: ProtectionDomain, image_el: El, image: ElfImage, setvars: list[tuple[str, El, str]],
                  target: Target, out: list[Issue]) -> None:
    """The tool's `patch_symbols`: its own symbols must exist; each setvar symbol must exist once, word-sized."""
    needed = MICROKIT_SYMBOLS + (MICROKIT_SYMBOLS_2_1 if target.at_least(2, 1) else ())
    missing = [name for name in needed if name not in image.symbols]
    if missing:
        listed = ", ".join(f"'{name}'" for name in missing)
        out.append(issue(codes.IMAGE_MICROKIT_SYMBOLS, f"program image '{image_el.get('path')}' for PD '{pd.name}' "
                         f"has no symbol {listed}, which the Microkit tool writes (it stops with a panic): is it "
                         "linked with libmicrokit?", image_el, "path"))
    from drvls.microkit import elf  # imported when `image` was loaded

    program = image_el.get("path")
    for symbol, el, attr in setvars:
        found = elf.find_symbol(image, symbol)
        if isinstance(found, str):
            out.append(issue(codes.SETVAR_SYMBOL, f"could not patch symbol '{symbol}' in program image for PD "
                             f"'{pd.name}' ({program}): {found}", el, attr))
        elif found.size != WORD:
            out.append(issue(codes.SETVAR_SYMBOL_SIZE, f"setvar to non-word size symbol '{symbol}' for PD "
                             f"'{pd.name}', symbol has size '{found.size}' bytes, expected size '{WORD}' bytes",
                             el, attr))


def check_segments(pd: ProtectionDomain, image_el: El, image: ElfImage, mrs: dict[str, MemoryRegion],
                   target: Target, out: list[Issue]) -> None:
    """User maps against the ELF's segments (capdl/builder.rs), and segments against the tool's own areas."""
    spans = [(seg, seg.vaddr, seg.vaddr + _round_up(seg.memsz, PAGE)) for seg in image.segments if seg.memsz]
    for m in pd.maps:
        mr = mrs.get(m.mr) if m.mr is not None else None
        if mr is None or mr.size is None or m.vaddr is None:
            continue
        start, end = m.vaddr, m.vaddr + mr.size
        for _, seg_start, seg_end in spans:
            if start < seg_end and seg_start < end:
                out.append(issue(codes.MAP_ELF_OVERLAP, f"mapping MR '{m.mr}' to PD '{pd.name}' with vaddr "
                                 f"[0x{start:x}..0x{end:x}) will overlap with an ELF segment at "
                                 f"[0x{seg_start:x}..0x{seg_end:x})", m.el, "vaddr",
                                 (related_to(image_el, "path", "the program image"),)))
                break
    for area in reserved_areas(target, pd.stack_size):
        for seg, seg_start, seg_end in spans:
            if seg_start < area.end and area.start < seg_end:
                out.append(issue(codes.ELF_RESERVED_OVERLAP, _segment_message(seg, image_el, pd, area), image_el,
                                 "path"))
                break


def _segment_message(seg: Segment, image_el: El, pd: ProtectionDomain, area: Area) -> str:
    return (f"ELF segment [0x{seg.vaddr:x}..0x{seg.end:x}) ({seg.perms or '-'}) of program image "
            f"'{image_el.get('path')}' overlaps the {area.name} [0x{area.start:x}..0x{area.end:x}) that the "
            f"Microkit tool places at the top of PD '{pd.name}''s address space")


def _round_up(value: int, align: int) -> int:
    return (value + align - 1) // align * align
