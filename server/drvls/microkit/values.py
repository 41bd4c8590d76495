"""Attribute value syntax exactly as the Microkit tool reads it (numbers, raw integers, booleans, PCI)."""

from __future__ import annotations

import re

U64_MAX = (1 << 64) - 1
I64_MIN, I64_MAX = -(1 << 63), (1 << 63) - 1
_DIGITS = re.compile(r"[0-9]+")
_HEX = re.compile(r"[0-9a-fA-F]+")


def parse_number(text: str) -> int | str:
    """`sdf_parse_number`: `_` removed, lowercase `0x` means hex, u64. Returns the Rust error text on failure."""
    cleaned = text.replace("_", "")
    if cleaned.startswith("0x"):
        digits, pattern = cleaned[2:], _HEX
        radix = 16
    else:
        digits, pattern = cleaned, _DIGITS
        radix = 10
    if digits.startswith("+"):
        digits = digits[1:]
        if not digits:
            return "invalid digit found in string"
    if not digits:
        return "cannot parse integer from empty string"
    if not pattern.fullmatch(digits):
        return "invalid digit found in string"
    value = int(digits, radix)
    if value > U64_MAX:
        return "number too large to fit in target type"
    return value


def parse_raw(text: str) -> int | None:
    """Rust `str::parse::<i64>()`: decimal only; None where the tool would panic."""
    body = text[1:] if text[:1] in "+-" else text
    if not body or not _DIGITS.fullmatch(body):
        return None
    value = int(text)
    return value if I64_MIN <= value <= I64_MAX else None


def parse_bool(text: str) -> bool | None:
    return {"true": True, "false": False}.get(text)


def parse_pci(text: str, legacy_colon: bool = False) -> tuple[int, int, int] | str:
    """`bus:dev.func` in hex, or the tool's error text. `legacy_colon` also accepts `bus:dev:func` (pre-2.3)."""
    text = text.strip()
    bus_text, sep, rest = text.partition(":")
    dev_text, sep2, func_text = rest.partition(".")
    if legacy_colon and not sep2:
        dev_text, sep2, func_text = rest.partition(":")
    if not sep or not sep2:
        return "expected PCI address in bus:device.function form"
    parts = []
    for label, part in (("bus", bus_text), ("device", dev_text), ("function", func_text)):
        value = _parse_hex_i64(part.strip())
        if value is None:
            return f"failed to parse PCI {label}"
        parts.append(value)
    bus, dev, func = parts
    if not 0 <= bus <= 0xFF:
        return "PCI bus must be within [0..255]"
    if not 0 <= dev <= 0x1F:
        return "PCI device must be within [0..31]"
    if not 0 <= func <= 7:
        return "PCI function must be within [0..7]"
    return bus, dev, func


def _parse_hex_i64(text: str) -> int | None:
    body = text[1:] if text[:1] in "+-" else text
    if not body or not _HEX.fullmatch(body):
        return None
    value = int(text, 16)
    return value if I64_MIN <= value <= I64_MAX else None


def pci_label(bus: int, dev: int, func: int) -> str:
    return f"PCI device {bus:02x}:{dev:02x}.{func:x}"


def round_up(value: int, align: int) -> int:
    return -(-value // align) * align


def written_like(original: str, value: int) -> str:
    """`value` in the base the file wrote `original` in, so a fix reads like the hand-written number."""
    return f"{value:#x}" if original.replace("_", "").startswith("0x") else str(value)
