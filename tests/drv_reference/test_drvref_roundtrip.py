"""Property tests: encode → reference decode is the identity; encoding is deterministic; the
digest covers every byte but its own field and the signature body."""

from __future__ import annotations

import copy

import pytest
from drvls.drv.encoder import EncodeError, encode
from drvls.drv.model import (
    Category,
    Context,
    Persona,
    Raw,
    RuleSet,
    SourceRef,
    Standard,
    Workflow,
    WorkflowStep,
)
from drvref_strategies import rule_sets
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ref_decoder import RefDecodeError, decode

SETTINGS = settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])


def signature_span(data: bytes) -> tuple[int, int]:
    """(offset, end) of the SIGNATURE section, read from the table of a file we wrote."""
    for e in range(64, 64 + 24 * int.from_bytes(data[12:16], "little"), 24):
        if int.from_bytes(data[e : e + 4], "little") == 0xF0:
            off = int.from_bytes(data[e + 8 : e + 16], "little")
            return off, off + int.from_bytes(data[e + 16 : e + 24], "little")
    raise AssertionError("no signature section")


@SETTINGS
@given(rule_sets)
def test_drvref_roundtrip_is_exact(ruleset: RuleSet) -> None:
    assert decode(encode(ruleset)) == ruleset


@SETTINGS
@given(rule_sets)
def test_drvref_encode_is_deterministic(ruleset: RuleSet) -> None:
    first = encode(ruleset)
    assert encode(copy.deepcopy(ruleset)) == first
    assert len(first) % 8 == 0


@SETTINGS
@given(rule_sets, st.data())
def test_drvref_any_changed_byte_is_detected(ruleset: RuleSet, data: st.DataObject) -> None:
    """Outside the signature body every byte is covered by the digest (or its own field)."""
    encoded = encode(ruleset)
    sig_start, sig_end = signature_span(encoded)
    i = data.draw(st.integers(0, len(encoded) - 1).filter(lambda k: not sig_start <= k < sig_end))
    bit = data.draw(st.integers(0, 7))
    mutated = bytearray(encoded)
    mutated[i] ^= 1 << bit
    with pytest.raises(RefDecodeError):
        decode(bytes(mutated))


@SETTINGS
@given(rule_sets, st.binary(min_size=128, max_size=128))
def test_drvref_signature_body_is_outside_the_digest(ruleset: RuleSet, body: bytes) -> None:
    encoded = bytearray(encode(ruleset))
    sig_start, sig_end = signature_span(bytes(encoded))
    encoded[sig_start:sig_end] = body
    assert decode(bytes(encoded)) == ruleset


def test_drvref_absent_differs_from_index_zero() -> None:
    """The v1 collision (B1) is gone: an optional equal to string 0 survives, and None stays None."""
    rs = RuleSet(sources=["x"], rules=[
        Persona("x", "x", identity="x", style=None),
        Standard(Category.OTHER, 7, "x", pattern="x"),
        Workflow("x", [WorkflowStep("x", "x", condition="x"), WorkflowStep("y", "z")]),
    ])
    assert decode(encode(rs)) == rs


def test_drvref_focus_only_and_repeated_rules_survive() -> None:
    rs = RuleSet(rules=[
        Context(focus=["only focus"]),
        Persona("A", "a"), Persona("B", "b"),
        Context(dependencies=[("tokio", "1")]),
        Workflow("w1"), Workflow("w2", [WorkflowStep("s", "d", actions=[])]),
        Raw("raw stays raw", SourceRef("r.md", 9)),
    ])
    assert decode(encode(rs)) == rs


@pytest.mark.slow
def test_drvref_lists_beyond_u16() -> None:
    """Upstream wraps counts at 65,536 (B4); v2 counts are u32."""
    many = [f"t{i}" for i in range(70_000)]
    rs = RuleSet(rules=[
        Persona("P", "r", traits=many, principles=["p"] * 66_000),
        Workflow("W", [WorkflowStep(f"s{i}", "d") for i in range(66_000)]),
        Context(dependencies=[(s, "1") for s in many[:66_000]]),
    ])
    assert decode(encode(rs)) == rs


@pytest.mark.parametrize(
    "ruleset",
    [
        RuleSet(rules=[Raw("x", SourceRef("f", 0))]),
        RuleSet(rules=[Raw("x", SourceRef("f", 2**32))]),
        RuleSet(rules=[Standard(Category.STYLE, 256, "x")]),
        RuleSet(rules=[Standard(Category.STYLE, -1, "x")]),
        RuleSet(rules=[Standard(11, 0, "x")]),  # type: ignore[arg-type]
        RuleSet(rules=[Raw("lone \ud800 surrogate")]),
        RuleSet(sources=["\udfff"]),
    ],
    ids=["line-0", "line-2^32", "priority-256", "priority-neg", "category-11", "surrogate", "surrogate-source"],
)
def test_drvref_unrepresentable_input_is_refused(ruleset: RuleSet) -> None:
    with pytest.raises(EncodeError):
        encode(ruleset)


def test_drvref_bytes_do_not_depend_on_hash_seed() -> None:
    """No set/dict-order dependence: two interpreters with different hash seeds write the same file."""
    import hashlib
    import os
    import subprocess
    import sys

    import drvls

    script = (
        "import hashlib, sys\n"
        "from drvls.drv.encoder import encode\n"
        "from drvls.drv.model import Context, Persona, RuleSet, Standard, Category\n"
        "rs = RuleSet(sources=['s', 'b', 'a'], rules=[Persona('n', 'r', traits=list('zyxwv')),"
        " Context(focus=['k', 'j'], dependencies=[('b', '1'), ('a', '2')]),"
        " Standard(Category.GIT, 1, 'q', 'p')])\n"
        "sys.stdout.write(hashlib.sha256(encode(rs)).hexdigest())\n"
    )
    server = os.path.dirname(os.path.dirname(os.path.abspath(drvls.__file__)))
    digests = set()
    for seed in ("1", "2", "3"):
        env = {**os.environ, "PYTHONHASHSEED": seed, "PYTHONPATH": server}
        out = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True)
        digests.add(out.stdout)
    assert len(digests) == 1 and len(next(iter(digests))) == len(hashlib.sha256().hexdigest())
