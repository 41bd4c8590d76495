"""Small formatting helpers every renderer shares: addresses, sizes, design names."""

from __future__ import annotations

from drvls.views.model import Span


def hex_or(value: int | None, unknown: str = "?") -> str:
    return f"0x{value:x}" if value is not None else unknown


def size(value: int | None) -> str:
    if value is None:
        return "?"
    for unit, scale in (("TiB", 1 << 40), ("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
        if value >= scale and value % scale == 0:
            return f"{value // scale} {unit}"
        if value >= 16 * scale:
            return f"≈{value / scale:.1f} {unit}"
    return f"0x{value:x}"


def span_range(span: Span) -> str:
    if span.start is None:
        return "(build time)"
    end = span.end
    return f"{hex_or(span.start)}–{hex_or(end - 1 if end is not None else None)}"


def cached(value: bool | None) -> str:
    return "" if value is None else ("yes" if value else "no")
