"""Key generation and key files: modes, no overwrite, strict formats, no secret in any text."""

from __future__ import annotations

import os
import pickle
import stat
from pathlib import Path

import pytest
from drvls.signing.keys import (
    PRIVATE_HEADER,
    PUBLIC_HEADER,
    KeyFileError,
    PrivateKey,
    key_id,
    load_private_key,
    load_public_key,
    parse_public_key,
    write_key_pair,
)
from signing_support import KeyFiles, private_secrets

posix_only = pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX")


@posix_only
def test_keygen_creates_private_key_0600_and_public_key(tmp_path: Path) -> None:
    files = write_key_pair(tmp_path / "k")
    assert stat.S_IMODE(files.private.stat().st_mode) == 0o600
    assert stat.S_IMODE((tmp_path / "k").stat().st_mode) == 0o700
    public = load_public_key(files.public)
    private = load_private_key(files.private)
    assert private.public_key == public
    assert files.key_id == public.key_id == key_id(public.raw)
    assert len(files.key_id) == 16 and int(files.key_id, 16) >= 0


def test_key_files_have_the_documented_two_line_format(keys: KeyFiles) -> None:
    pub_lines = keys.public_path.read_text().split("\n")
    assert pub_lines[0] == f"{PUBLIC_HEADER} {keys.public.key_id}" and pub_lines[2] == "" and len(pub_lines) == 3
    assert len(pub_lines[1]) == 44
    priv_lines = keys.private_path.read_text().split("\n")
    assert priv_lines[0] == f"{PRIVATE_HEADER} {keys.key.key_id}" and len(priv_lines) == 3


@pytest.mark.parametrize("existing", ["drvls_ed25519.key", "drvls_ed25519.pub"])
def test_keygen_refuses_to_overwrite_either_file(tmp_path: Path, existing: str) -> None:
    (tmp_path / existing).write_text("precious\n")
    with pytest.raises(KeyFileError, match="never overwritten"):
        write_key_pair(tmp_path)
    assert (tmp_path / existing).read_text() == "precious\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == [existing]


def test_keygen_twice_keeps_the_first_key(tmp_path: Path) -> None:
    first = write_key_pair(tmp_path)
    before = first.private.read_bytes()
    with pytest.raises(KeyFileError):
        write_key_pair(tmp_path)
    assert first.private.read_bytes() == before


@posix_only
@pytest.mark.parametrize("mode", [0o644, 0o640, 0o604, 0o660, 0o666, 0o601])
def test_private_key_readable_by_others_is_refused_with_the_fix(keys: KeyFiles, mode: int) -> None:
    keys.private_path.chmod(mode)
    with pytest.raises(KeyFileError) as info:
        load_private_key(keys.private_path)
    assert f"chmod 600 {keys.private_path}" in str(info.value)
    assert f"{mode:04o}" in str(info.value)
    for secret in private_secrets_unchecked(keys.private_path):
        assert secret not in str(info.value)


def private_secrets_unchecked(path: Path) -> list[str]:
    """The secret's forms, read without the mode check (the file is deliberately too open)."""
    mode = stat.S_IMODE(path.stat().st_mode)
    path.chmod(0o600)
    try:
        return private_secrets(path)
    finally:
        path.chmod(mode)


@posix_only
def test_private_key_0400_is_accepted(keys: KeyFiles) -> None:
    keys.private_path.chmod(0o400)
    assert load_private_key(keys.private_path).key_id == keys.key.key_id


def test_private_key_repr_str_and_pickle_never_show_the_secret(keys: KeyFiles) -> None:
    secrets = private_secrets(keys.private_path)
    texts = [repr(keys.key), str(keys.key), f"{keys.key}", repr([keys.key]), repr({"k": keys.key})]
    for text in texts:
        assert keys.key.key_id in text
        for secret in secrets:
            assert secret not in text
    with pytest.raises(TypeError):
        pickle.dumps(keys.key)
    assert not hasattr(keys.key, "__dict__")


@pytest.mark.parametrize("mutate", [
    lambda t: t.replace("\n", "\r\n"),
    lambda t: t + "\n",
    lambda t: t.rstrip("\n"),
    lambda t: " " + t,
    lambda t: t.replace(" v1 ", " V1 "),
    lambda t: t.replace("ed25519", "Ed25519", 1),
    lambda t: t.replace("=\n", "\n"),
    lambda t: t.replace("=\n", "= \n"),
    lambda t: t + "# comment\n",
])
def test_private_key_file_deviations_are_rejected_without_echoing_the_secret(keys: KeyFiles, mutate: object) -> None:
    secrets = private_secrets(keys.private_path)
    text = keys.private_path.read_text()
    bad = mutate(text)  # type: ignore[operator]
    assert bad != text
    path = keys.private_path.with_name("bad.key")
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", newline="") as handle:
        handle.write(bad)
    with pytest.raises(KeyFileError) as info:
        load_private_key(path)
    for secret in secrets:
        assert secret not in str(info.value)
        assert info.value.__cause__ is None or secret not in str(info.value.__cause__)


def test_public_key_with_wrong_key_id_or_non_canonical_base64_is_rejected(keys: KeyFiles) -> None:
    text = keys.public_path.read_text()
    head, body, _ = text.split("\n")
    wrong_id = head[:-1] + ("0" if head[-1] != "0" else "1")
    with pytest.raises(KeyFileError, match="does not match"):
        parse_public_key(f"{wrong_id}\n{body}\n")
    # The last base64 character before '=' carries 2 unused bits; setting them is non-canonical.
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
    last = alphabet.index(body[42])
    noncanonical = body[:42] + alphabet[last | 1 if not last & 1 else last & ~1] + "="
    assert noncanonical != body
    with pytest.raises(KeyFileError):
        parse_public_key(f"{head}\n{noncanonical}\n")


def test_seed_must_be_32_bytes() -> None:
    with pytest.raises(KeyFileError):
        PrivateKey(b"short")


def test_a_private_key_file_is_never_signed(keys: KeyFiles) -> None:
    from drvls.signing.evidence import SigningError
    from drvls.signing.sign import sign_path

    with pytest.raises(SigningError, match="private key"):
        sign_path(keys.private_path, keys.key)
    assert not keys.private_path.with_name(keys.private_path.name + ".sig").exists()
