"""Real ELF program images for the build-time check tests, assembled and linked by Debian's toolchains.

`build_image` writes an assembly file defining the symbols a test needs (each with its size),
a linker script placing `.text` and `.data` where the test wants them, and links them with the
host gcc (x86-64) or the aarch64/riscv64 binutils. A missing toolchain skips locally and fails
under CI, like every other outside part.
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Mapping
from pathlib import Path

from prerequisites import skip_or_fail

TOOLCHAINS = {
    "aarch64": ("aarch64-linux-gnu-as", "aarch64-linux-gnu-ld"),
    "riscv64": ("riscv64-linux-gnu-as", "riscv64-linux-gnu-ld"),
    "x86_64": ("gcc", "gcc"),
}
# Every symbol the Microkit tool writes into a PD's image (symbols.rs), with libmicrokit's sizes.
MICROKIT_SYMBOLS = {"microkit_name": 64, "microkit_passive": 1, "microkit_irqs": 8, "microkit_notifications": 8,
                    "microkit_pps": 8, "microkit_ioports": 8}


def build_image(folder: Path, name: str, arch: str = "aarch64", symbols: Mapping[str, int] | None = None,
                text_at: int = 0x200000, data_at: int | None = None, microkit: bool = True) -> Path:
    """Link `folder/name`: `symbols` maps a name to its size in bytes (placed in `.data`)."""
    assembler, linker = TOOLCHAINS[arch]
    for tool in {assembler, linker}:
        if shutil.which(tool) is None:
            skip_or_fail(f"`{tool}` is not installed (Debian: gcc, binutils-aarch64-linux-gnu, "
                         "binutils-riscv64-linux-gnu)")
    wanted = {**(MICROKIT_SYMBOLS if microkit else {}), **(symbols or {})}
    lines = [".section .text", ".global _start", "_start:", "    nop", ".section .data"]
    for symbol, size in wanted.items():
        lines += [f".global {symbol}", f".type {symbol}, %object", f".size {symbol}, {size}", f"{symbol}:",
                  f"    .zero {size}"]
    source = folder / f"{name}.s"
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    data = data_at if data_at is not None else text_at + 0x10000
    script = folder / f"{name}.ld"
    script.write_text(f"ENTRY(_start)\nSECTIONS {{\n  . = {text_at:#x};\n  .text : {{ *(.text) }}\n"
                      f"  . = {data:#x};\n  .data : {{ *(.data) }}\n  .bss : {{ *(.bss) }}\n}}\n", encoding="utf-8")
    out = folder / name
    obj = folder / f"{name}.o"
    if arch == "x86_64":
        _run([assembler, "-c", str(source), "-o", str(obj)])
        _run([linker, "-nostdlib", "-static", "-no-pie", "-Wl,--build-id=none", "-T", str(script), str(obj),
              "-o", str(out)])
    else:
        _run([assembler, str(source), "-o", str(obj)])
        _run([linker, "--build-id=none", "-T", str(script), str(obj), "-o", str(out)])
    source.unlink()
    script.unlink()
    obj.unlink()
    return out


def _run(command: list[str]) -> None:
    done = subprocess.run(command, capture_output=True, text=True, check=False, timeout=60)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed: {done.stderr}")
