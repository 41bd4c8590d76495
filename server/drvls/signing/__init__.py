"""Signatures and trust: real Ed25519 over BLAKE3 digests, for `.drv` files and for any source file.

`.drv` v2 files carry their signature in the SIGNATURE section; every other file gets a detached
`FILE.sig`. See docs/signing.md for the formats and the trust model.
"""
