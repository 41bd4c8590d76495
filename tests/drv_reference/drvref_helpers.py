"""Helpers for the `.drv` format tests: where the corpus and the format doc are, hexdump parsing."""

from __future__ import annotations

import re
from pathlib import Path

from prerequisites import corpus_path

REPO = Path(__file__).resolve().parents[2]
FORMAT_DOC = REPO / "docs" / "drv-format.md"


def require_derived() -> Path:
    """../shared/corpus/drv/derived, or skip (fail when CI=true) if the corpus is absent."""
    return corpus_path("drv", "derived")


def hex_block_bytes(block: str) -> bytes:
    """Bytes of a hexdump whose lines are `OFFSET  HH HH ...` (trailing notes ignored)."""
    out = bytearray()
    for line in block.strip().splitlines():
        offset, _, rest = line.partition("  ")
        assert int(offset, 16) == len(out), f"hexdump offset {offset} out of sequence"
        for token in rest.split():
            if not re.fullmatch(r"[0-9a-f]{2}", token):
                break
            out.append(int(token, 16))
    return bytes(out)


def fenced_hexdump_after(text: str, marker: str) -> bytes:
    """The first fenced hexdump after `marker` in a Markdown text."""
    start = text.index(marker)
    fence = text.index("```\n", start) + 4
    end = text.index("```", fence)
    return hex_block_bytes(text[fence:end])
