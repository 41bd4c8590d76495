"""Hostile inputs, each a small folder a test builds: what a repository could hold to hang, exhaust
or crash drvls. Every case must end within the time and memory limits with a located diagnostic.
"""

from __future__ import annotations

import os
import struct
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Case:
    name: str
    build: Callable[[Path], Path]  # writes the case into a folder; returns the file to check
    # False when the file itself cannot be an editor buffer (a FIFO named on the command line).
    buffer: bool = True


def _write(folder: Path, name: str, data: bytes | str) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, str):
        data = data.encode("utf-8")
    path.write_bytes(data)
    return path


def _fifo(folder: Path, name: str) -> Path:
    path = folder / name
    os.mkfifo(path)
    return path


def _camkes_including(target: str) -> Callable[[Path], Path]:
    def build(folder: Path) -> Path:
        return _write(folder, "app.camkes", f'#include "{target}"\ncomponent A {{\n  control;\n}}\n')
    return build


def _camkes_including_fifo(folder: Path) -> Path:
    _fifo(folder, "pipe.h")
    return _camkes_including("pipe.h")(folder)


def _macro_bomb(folder: Path) -> Path:
    lines = ["#define M0 x"] + [f"#define M{i} M{i - 1} M{i - 1}" for i in range(1, 30)]
    return _write(folder, "bomb.camkes", "\n".join(lines) + "\ncomponent A { attribute int a = M29; }\n")


def _self_include(folder: Path) -> Path:
    return _write(folder, "loop.camkes", '#include "loop.camkes"\ncomponent A {}\n')


def _system_fifo(folder: Path) -> Path:
    return _fifo(folder, "pipe.system")


def _system_zero_link(folder: Path) -> Path:
    link = folder / "zero.system"
    link.symlink_to("/dev/zero")
    return link


def _drv_fifo(folder: Path) -> Path:
    return _fifo(folder, "rules.drv")


def _drv_huge_counts(folder: Path) -> Path:
    """A v2 header claiming four billion sections in an exabyte-long file, 64 bytes in."""
    header = struct.pack("<4sHHIIQQ32s", b"DRV\x00", 2, 64, 0, 0xFFFFFFFF, 1 << 60, 64, b"\xff" * 32)
    return _write(folder, "claims.drv", header + b"\xff" * 64)


def _sig_fifo(folder: Path) -> Path:
    _fifo(folder, "a.system.sig")
    return _write(folder, "a.system", "<system>\n")


def _config_fifo(folder: Path) -> Path:
    _fifo(folder, "drvls.toml")
    return _write(folder, "a.system", "<system>\n")


def _gitignore_fifo(folder: Path) -> Path:
    _fifo(folder, ".gitignore")
    return _write(folder, "a.system", "<system>\n")


CASES = [
    Case("system-nul-bytes", lambda f: _write(f, "nul.system", b"<system>\x00\x00</system>\n")),
    Case("system-invalid-utf8", lambda f: _write(f, "bad.system", b"<system>\xff\xfe<protection_domain/>\n")),
    Case("system-lone-cr", lambda f: _write(f, "cr.system", "<system>\r<protection_domain name='a'>\r</system>\r")),
    Case("system-one-long-line", lambda f: _write(f, "long.system", "<system " + "a" * 2_000_000 + "\n")),
    Case("system-million-brackets", lambda f: _write(f, "brackets.system", "<" * 1_000_000)),
    Case("system-many-attributes", lambda f: _write(
        f, "attrs.system", "<system><protection_domain " + " ".join(f"a{i}='{i}'" for i in range(50_000))
        + " /></system>\n")),
    Case("system-unclosed-depth", lambda f: _write(f, "depth.system", "<system>" + "<x>" * 3_000)),
    Case("system-fifo-named", _system_fifo, buffer=False),
    Case("system-link-to-dev-zero", _system_zero_link, buffer=False),
    Case("system-sig-is-fifo", _sig_fifo),
    Case("config-is-fifo", _config_fifo),
    Case("gitignore-is-fifo", _gitignore_fifo),
    Case("camkes-include-fifo", _camkes_including_fifo),
    Case("camkes-include-dev-zero", _camkes_including("/dev/zero")),
    Case("camkes-include-itself", _self_include),
    Case("camkes-macro-bomb", _macro_bomb),
    Case("camkes-binary-garbage", lambda f: _write(f, "junk.camkes", bytes(range(1, 256)) * 4000)),
    Case("drv-fifo-named", _drv_fifo, buffer=False),
    Case("drv-random-bytes", lambda f: _write(f, "random.drv", os.urandom(100_000))),
    Case("drv-huge-counts", _drv_huge_counts),
    Case("rules-many-headings", lambda f: _write(f, "CLAUDE.md", "# h\ntext\n" * 50_000 + "```\nunclosed\n")),
]
