"""Preview metadata: signature state from the real signing code, digest state, counts."""

from __future__ import annotations

import json

import pytest
from drvls.drv.encoder import encode
from drvls.drv.model import Category, Raw, RuleSet, SourceRef, Standard
from drvls.drv.preview import build_preview, to_json, to_markdown
from drvsrc_helpers import native_reader_or_skip

RULES = RuleSet(rules=[Standard(Category.GIT, 3, "Sign every commit", source=SourceRef("CLAUDE.md", 4)),
                       Raw("# Notes\n```\nkeep ``` this\n```", source=SourceRef("CLAUDE.md", 9))],
                sources=["CLAUDE.md"])


@pytest.fixture(autouse=True)
def _native() -> None:
    native_reader_or_skip()


def test_unsigned_file() -> None:
    preview = build_preview(encode(RULES), "rules.drv")
    assert preview.signature.state == "unsigned" and preview.digest_ok
    assert preview.counts == {"persona": 0, "standard": 1, "context": 0, "workflow": 0, "raw": 1}
    md = to_markdown(preview)
    assert "### 1. Standard (git, priority 3) · `CLAUDE.md:4`" in md
    assert "````markdown\n# Notes\n```\nkeep ``` this\n```\n````" in md  # a fence longer than the content's


def test_signed_stale_and_invalid_signatures() -> None:
    from drvls.signing.drv_embedded import sign_bytes
    from drvls.signing.keys import PrivateKey

    key = PrivateKey.generate()
    signed = sign_bytes(encode(RULES), key)
    preview = build_preview(signed, "rules.drv")
    assert (preview.signature.state, preview.signature.key_id) == ("signed", key.key_id)
    assert f"| signature | signed (key {key.key_id}) |" in to_markdown(preview)
    tampered = bytearray(signed)
    slot_end = len(tampered) - 1
    tampered[slot_end] ^= 0x80  # the Ed25519 signature's last byte: digest still matches, signature does not
    doc = json.loads(to_json(build_preview(bytes(tampered), "rules.drv")))
    assert doc["signature"]["state"] == "invalid" and doc["digest"]["matches"] is True


def test_a_file_changed_after_signing_only_claims_its_key() -> None:
    from drvls.drv.encoder import digest_v2
    from drvls.drv.reader import open_bytes
    from drvls.signing.drv_embedded import sign_bytes
    from drvls.signing.keys import PrivateKey

    key = PrivateKey.generate()
    signed = sign_bytes(encode(RULES), key)
    changed = bytearray(signed)
    sign_text = changed.find(b"Sign every commit")
    changed[sign_text] = ord("s")  # edit a string, then recompute the digest as an editor of the bytes would
    slot = open_bytes(bytes(changed)).signature_slot()
    assert slot is not None
    changed[32:64] = digest_v2(bytes(changed), slot)
    preview = build_preview(bytes(changed), "rules.drv")
    assert preview.signature.state == "stale" and not preview.signature.key_verified
    assert f"claims key {key.key_id}, unverified" in to_markdown(preview)
