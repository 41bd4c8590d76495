"""Differential tests: the native reader (`drvls.drv.reader`) and the reference decoder agree.

For the same bytes both accept and give the same rule set, or both reject with the same error
name (and, for version 2, the same byte offset). Inputs: random rule sets, the v1 vectors, and
mutations of encoded files (bit flips, truncations, u32 fields set to extreme values), with the
digest recomputed so that the structural checks are reached.
"""

from __future__ import annotations

import struct
from pathlib import Path

import blake3
from drvls.drv import reader
from drvls.drv.encoder import encode, encode_v1
from drvls.drv.model import RuleSet
from drvref_strategies import rule_sets
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from prerequisites import skip_or_fail
from ref_decoder import RefDecodeError, decode

if not reader.native_available():
    skip_or_fail("the native .drv decoder (drvls._drvnative) is not built", module_level=True)

SETTINGS = settings(deadline=None, suppress_health_check=[HealthCheck.too_slow], max_examples=200)
EXTREMES = (0, 1, 7, 8, 0xFF, 0xFFFF, 0x7FFFFFFF, 0xFFFFFFFE, 0xFFFFFFFF)


def outcome(fn: object, data: bytes, verify: bool) -> tuple[str, object]:
    """('ok', rule set) or ('error', (name, offset)) for one decoder."""
    try:
        if fn is decode:
            return "ok", decode(data, verify=verify)
        return "ok", reader.read_ruleset(data, verify=verify)
    except RefDecodeError as exc:
        return "error", (exc.code, exc.offset)
    except reader.DrvError as exc:
        return "error", (exc.code, exc.offset)


def agree(data: bytes, verify: bool = True) -> None:
    ref = outcome(decode, data, verify)
    native = outcome(reader.read_ruleset, data, verify)
    if ref[0] == "error" and native[0] == "error" and data[4:6] != b"\x02\x00":
        # version 1 (and anything that is not v2): error names must match; offsets may differ.
        assert native[1][0] == ref[1][0], (native, ref)  # type: ignore[index]
        return
    assert native == ref


def redigest(buf: bytearray) -> bytes:
    """Recompute the stored digest/checksum so that structural checks are what is tested."""
    if buf[4:6] == b"\x01\x00" and len(buf) >= 16:
        buf[12:16] = blake3.blake3(bytes(buf[16:])).digest()[:4]
        return bytes(buf)
    if len(buf) < 64:
        return bytes(buf)
    sig = None
    count, table = struct.unpack_from("<IQ", buf, 12)[0], struct.unpack_from("<Q", buf, 24)[0]
    if table + 24 * min(count, 64) <= len(buf):
        for i in range(min(count, 64)):
            kind, _f, off, length = struct.unpack_from("<IIQQ", buf, table + 24 * i)
            if kind == 0xF0 and off + length <= len(buf):
                sig = (off, length)
    h = blake3.blake3(bytes(buf[:32]))
    if sig is None:
        h.update(bytes(buf[64:]))
    else:
        h.update(bytes(buf[64 : sig[0]]))
        h.update(bytes(buf[sig[0] + sig[1] :]))
    buf[32:64] = h.digest()
    return bytes(buf)


@SETTINGS
@given(rule_sets)
def test_drvref_native_matches_reference_on_valid_files(ruleset: RuleSet) -> None:
    data = encode(ruleset)
    assert reader.read_ruleset(data) == decode(data) == ruleset


@SETTINGS
@given(rule_sets)
def test_drvref_native_matches_reference_on_v1(ruleset: RuleSet) -> None:
    agree(encode_v1(ruleset))


def test_drvref_native_matches_reference_on_corpus(derived_dir: Path) -> None:
    for name in ("empty.drv", "example.drv"):
        data = (derived_dir / name).read_bytes()
        assert reader.read_ruleset(data) == decode(data)
        for n in range(len(data)):
            agree(data[:n])


@SETTINGS
@given(rule_sets, st.data())
def test_drvref_native_matches_reference_on_mutations(ruleset: RuleSet, data: st.DataObject) -> None:
    encoded = bytearray(data.draw(st.sampled_from([encode, encode_v1]))(ruleset))
    how = data.draw(st.sampled_from(["flip", "u32", "truncate"]))
    if how == "truncate":
        cut = bytes(encoded[: data.draw(st.integers(0, len(encoded) - 1))])
        agree(cut)
        agree(redigest(bytearray(cut)), verify=False)
        return
    at = data.draw(st.integers(0, len(encoded) - 1))
    if how == "flip":
        encoded[at] ^= 1 << data.draw(st.integers(0, 7))
    else:
        at = min(at - at % 4, len(encoded) - 4)
        struct.pack_into("<I", encoded, at, data.draw(st.sampled_from(EXTREMES)))
    agree(bytes(encoded))
    fixed = redigest(encoded)
    agree(fixed)
    agree(fixed, verify=False)
