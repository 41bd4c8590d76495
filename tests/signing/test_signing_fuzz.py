"""Arbitrary bytes never crash the signature checks, and random edits of signed files never pass."""

from __future__ import annotations

from pathlib import Path

import pytest
from drvls.signing import detached, drv_embedded
from drvls.signing.evidence import Status
from drvls.signing.keys import KeyFileError, parse_private_key, parse_public_key
from drvls.signing.trust import TrustStore
from drvls.signing.verify import verify_bytes
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from signing_support import make_keys, small_v2

FUZZ = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@FUZZ
@given(st.binary(max_size=600))
def test_any_bytes_as_a_drv_never_crash(data: bytes) -> None:
    for candidate in (data, b"DRV\x00\x02\x00" + data):
        evidence = drv_embedded.check_bytes(candidate)
        assert evidence is None or evidence.status is not Status.VALID


@FUZZ
@given(st.binary(max_size=600))
def test_any_bytes_as_a_sig_never_crash(raw: bytes) -> None:
    for candidate in (raw, detached.HEADER + raw):
        evidence = detached.check(b"content", candidate, Path("f.drv.sig"))
        assert evidence.status is not Status.VALID


@FUZZ
@given(st.text(max_size=200))
def test_any_text_as_a_key_file_is_a_clean_error(text: str) -> None:
    for parse in (parse_public_key, parse_private_key):
        with pytest.raises(KeyFileError):  # random text is never a key file: a clean error, nothing else
            parse(text)


@pytest.fixture(scope="module")
def signed_and_trust(tmp_path_factory: pytest.TempPathFactory) -> tuple[bytes, TrustStore]:
    """One signed `.drv` and a store trusting its key, for the whole module."""
    keys = make_keys(tmp_path_factory.mktemp("fuzz") / "keys")
    return drv_embedded.sign_bytes(small_v2(), keys.key), keys.store()


@FUZZ
@given(st.data())
def test_random_edits_of_a_signed_drv_never_verify(signed_and_trust: tuple[bytes, TrustStore],
                                                   data: st.DataObject) -> None:
    signed, store = signed_and_trust
    edits = data.draw(st.lists(st.tuples(st.integers(0, len(signed) - 1), st.integers(1, 255)),
                               min_size=1, max_size=4, unique_by=lambda e: e[0]))
    mutated = bytearray(signed)
    for index, xor in edits:
        mutated[index] ^= xor
    assert verify_bytes(Path("fuzz.drv"), bytes(mutated), store).status is not Status.VALID
