"""What the build-time checks need from a program image, read with pyelftools and cached per file version.

The Microkit tool reads each PD's ELF only when it builds the image; we read the same facts
(segments, machine, class, symbols) while the user edits. A repository can name any path as a
program image, so the file is opened through `core/reading.py`'s rules (regular files only,
never blocking), its size is capped, and every parse failure becomes an `ElfProblem` whose
text follows the tool's own ELF errors where it has one.
"""

from __future__ import annotations

import os
import threading
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import IO, Any

from drvls.core.reading import ReadProblem, open_regular

MAX_ELF_SIZE = 1 << 30  # larger files are reported, not parsed
MAX_SYMBOLS = 2_000_000  # a hostile symbol table cannot make a read unbounded
CACHE_ENTRIES = 512

PF_X, PF_W, PF_R = 1, 2, 4
MACHINES = {"aarch64": "EM_AARCH64", "riscv64": "EM_RISCV", "x86_64": "EM_X86_64"}
MACHINE_LABELS = {"EM_AARCH64": "AArch64", "EM_RISCV": "RISC-V", "EM_X86_64": "x86-64", "EM_386": "x86 (32-bit)",
                  "EM_ARM": "ARM (32-bit)"}


@dataclass(frozen=True)
class Segment:
    """A loadable (PT_LOAD) segment: where it sits in the PD's address space and its rights."""

    vaddr: int
    memsz: int
    filesz: int
    flags: int

    @property
    def end(self) -> int:
        return self.vaddr + self.memsz

    @property
    def perms(self) -> str:
        return "".join(c for bit, c in ((PF_R, "r"), (PF_W, "w"), (PF_X, "x")) if self.flags & bit)


@dataclass(frozen=True)
class Symbol:
    value: int
    size: int
    count: int  # how many symbols of the table have this name (the tool refuses duplicates)


@dataclass(frozen=True)
class ElfImage:
    path: Path
    machine: str  # pyelftools' name, e.g. "EM_AARCH64"
    word_size: int
    entry: int
    segments: tuple[Segment, ...]
    symbols: MappingProxyType[str, Symbol]

    @property
    def machine_label(self) -> str:
        return MACHINE_LABELS.get(self.machine, self.machine)


@dataclass(frozen=True)
class ElfProblem:
    """Why a file is not a usable program image; `reason` completes "failed to parse ELF …: "."""

    reason: str


_cache: OrderedDict[tuple[Any, ...], ElfImage | ElfProblem] = OrderedDict()
_lock = threading.Lock()
reads = 0  # files parsed by this process (the benchmark and tests read it)


def load(path: Path) -> ElfImage | ElfProblem:
    """The image at `path`, parsed once per file version (path, inode, size, mtime) in this process."""
    global reads
    opened = open_regular(path)
    if isinstance(opened, ReadProblem):
        return ElfProblem(f"failed to read ELF: {opened.reason}")
    with opened as handle:
        info = os.fstat(handle.fileno())
        key = (str(path), info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns)
        with _lock:
            cached = _cache.get(key)
            if cached is not None:
                _cache.move_to_end(key)
                return cached
        result = _parse(path, handle, info.st_size)
        reads += 1
    with _lock:
        _cache[key] = result
        while len(_cache) > CACHE_ENTRIES:
            _cache.popitem(last=False)
    return result


def _parse(path: Path, handle: IO[bytes], size: int) -> ElfImage | ElfProblem:
    if size > MAX_ELF_SIZE:
        return ElfProblem(f"file is {size} bytes, over the {MAX_ELF_SIZE}-byte limit for program images")
    ident = handle.read(6)
    if len(ident) < 6 or ident[:4] != b"\x7fELF":
        return ElfProblem("magic check failed")
    if ident[4] not in (1, 2):
        return ElfProblem(f"invalid class '{ident[4]}'")
    if ident[4] == 1:
        return ElfProblem(f"ELF '{path}': unsupported word size: '32'")
    if ident[5] != 1:
        return ElfProblem("incorrect endianness, only little endian architectures are supported")
    handle.seek(0)
    try:
        return _read(path, handle)
    except Exception as exc:  # pyelftools raises many kinds on malformed input: all mean "not a valid ELF"
        detail = str(exc).splitlines()[0][:200] if str(exc) else type(exc).__name__
        return ElfProblem(f"malformed ELF: {detail}")


def _read(path: Path, handle: IO[bytes]) -> ElfImage | ElfProblem:
    from elftools.elf.elffile import ELFFile  # heavy: only once a system names an image
    from elftools.elf.sections import SymbolTableSection

    elf = ELFFile(handle)
    if elf.num_segments() == 0:
        return ElfProblem("has no program headers")
    segments = tuple(Segment(seg["p_vaddr"], seg["p_memsz"], seg["p_filesz"], seg["p_flags"])
                     for seg in elf.iter_segments() if seg["p_type"] == "PT_LOAD")
    table = elf.get_section_by_name(".symtab")
    if not isinstance(table, SymbolTableSection):
        return ElfProblem("unable to find symbol table section")
    if table.num_symbols() > MAX_SYMBOLS:
        return ElfProblem(f"symbol table has {table.num_symbols()} entries, over the limit of {MAX_SYMBOLS}")
    symbols: dict[str, Symbol] = {}
    for sym in table.iter_symbols():
        name = sym.name
        if not name:
            continue
        seen = symbols.get(name)
        symbols[name] = Symbol(sym["st_value"], sym["st_size"], 1) if seen is None else \
            Symbol(seen.value, seen.size, seen.count + 1)
    return ElfImage(path, str(elf["e_machine"]), 64, int(elf["e_entry"]), segments, MappingProxyType(symbols))


def find_symbol(image: ElfImage, name: str) -> Symbol | str:
    """The symbol, or the tool's reason it cannot be patched."""
    found = image.symbols.get(name)
    if found is None:
        return f"no symbol named '{name}' found"
    if found.count > 1:
        return f"multiple symbols with name '{name}'"
    return found


def clear_cache() -> None:
    with _lock:
        _cache.clear()
