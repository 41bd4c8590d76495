"""Helpers shared by the signing tests (a plain module: imported by name, not a fixture file)."""

from __future__ import annotations

import struct
import subprocess
from dataclasses import dataclass
from pathlib import Path

import blake3
from drvls.drv.model import Category, Persona, RuleSet, SourceRef, Standard
from drvls.signing.keys import PrivateKey, PublicKey, load_private_key, write_key_pair
from drvls.signing.trust import TrustStore, build_store
from drvls_process import run_drvls

REPO = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class KeyFiles:
    private_path: Path
    public_path: Path
    key: PrivateKey

    @property
    def public(self) -> PublicKey:
        return self.key.public_key

    def store(self) -> TrustStore:
        """A trust store holding just this key, as if passed with --trusted-keys."""
        return build_store(cli=[self.public_path])


def make_keys(folder: Path) -> KeyFiles:
    files = write_key_pair(folder)
    return KeyFiles(files.private, files.public, load_private_key(files.private))


def small_ruleset() -> RuleSet:
    return RuleSet(rules=[
        Persona("Reviewer", "checks changes", traits=["terse"], source=SourceRef("rules.md", 1)),
        Standard(Category.STYLE, 1, "Indent with four spaces", None, SourceRef("rules.md", 4)),
    ], sources=["rules.md"])


def small_v2() -> bytes:
    """A real `.drv` v2 file from the project's encoder (unsigned: the slot is all zero)."""
    from drvls.drv.encoder import encode

    return encode(small_ruleset())


def small_v1() -> bytes:
    from drvls.drv.encoder import encode_v1

    return encode_v1(small_ruleset())


def hand_built_v2(strings: list[bytes]) -> bytes:
    """A minimal v2 file built straight from the framing rules, independent of the encoder:
    header, a two-entry section table, a STRINGS section and an all-zero 128-byte SIGNATURE section."""
    offsets = [0]
    for s in strings:
        offsets.append(offsets[-1] + len(s))
    body = struct.pack(f"<II{len(offsets)}I", len(strings), 0, *offsets) + b"".join(strings)
    body += bytes(-len(body) % 8)
    table_offset = 64
    strings_offset = table_offset + 2 * 24
    slot_offset = strings_offset + len(body)
    length = slot_offset + 128
    table = struct.pack("<IIQQ", 0x0001, 1, strings_offset, len(body))
    table += struct.pack("<IIQQ", 0x00F0, 0, slot_offset, 128)
    head = struct.pack("<4sHHIIQQ", b"DRV\x00", 2, 64, 0, 2, length, table_offset)
    rest = table + body + bytes(128)
    digest = blake3.blake3(head + rest[:slot_offset - 64]).digest()  # the slot is last: nothing after it
    return head + digest + rest


def flip(data: bytes, bit: int) -> bytes:
    out = bytearray(data)
    out[bit // 8] ^= 1 << (bit % 8)
    return bytes(out)


def private_secrets(key_file: Path) -> list[str]:
    """Every textual form of a private key's secret that must never appear in output."""
    key = load_private_key(key_file)
    seed_b64 = key_file.read_text().splitlines()[1]
    seed = key.to_text().splitlines()[1]
    assert seed == seed_b64
    import base64

    raw = base64.b64decode(seed_b64)
    return [seed_b64, seed_b64[:20], raw.hex(), raw.hex()[:24], repr(raw)[2:30]]


def run_cli(*args: str, cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """`python -m drvls ARGS` in a fresh process (the installed entry point works the same way)."""
    return run_drvls(*args, cwd=cwd, env=env, timeout=60)
