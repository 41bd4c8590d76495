"""The committed parser was generated from the committed grammar.js.

`src/grammar.js.sha256` is written by the generator step; a grammar change without a
regenerated parser (and a new hash) fails here, so CI catches a stale src/.
"""

from __future__ import annotations

import hashlib
import json

from camkes_grammar_support import GRAMMAR_DIR, camkes_language


def test_grammar_hash_matches() -> None:
    """sha256(grammar.js) equals the hash recorded next to the generated parser."""
    recorded = (GRAMMAR_DIR / "src" / "grammar.js.sha256").read_text(encoding="utf-8").split()
    actual = hashlib.sha256((GRAMMAR_DIR / "grammar.js").read_bytes()).hexdigest()
    assert recorded[0] == actual, "grammar.js changed: regenerate src/ and src/grammar.js.sha256"
    assert recorded[1] == "grammar.js"


def test_generated_files_are_committed_together() -> None:
    """parser.c, its header, node-types.json and grammar.json are present and agree."""
    src = GRAMMAR_DIR / "src"
    parser_c = (src / "parser.c").read_text(encoding="utf-8")
    assert "#define LANGUAGE_VERSION 14" in parser_c
    header = (src / "tree_sitter" / "parser.h").read_text(encoding="utf-8")
    assert "TSFieldMapSlice" in header  # the ABI-14 header that matches this parser.c
    grammar = json.loads((src / "grammar.json").read_text(encoding="utf-8"))
    assert grammar["name"] == "camkes"
    node_types = json.loads((src / "node-types.json").read_text(encoding="utf-8"))
    named = {n["type"] for n in node_types if n["named"]}
    for rule in ("source_file", "component_declaration", "connection", "setting", "macro_invocation"):
        assert rule in grammar["rules"]
        assert rule in named


def test_loaded_language_matches_sources() -> None:
    """The built extension is the committed parser (ABI 14, same node kinds)."""
    language = camkes_language()
    assert language.abi_version == 14
    node_types = json.loads((GRAMMAR_DIR / "src" / "node-types.json").read_text(encoding="utf-8"))
    for entry in node_types:
        if entry["named"] and not entry["type"].startswith("_"):
            assert language.id_for_node_kind(entry["type"], True) is not None, entry["type"]


def test_packaging_ships_headers_and_queries() -> None:
    """Source builds need the headers (setuptools does not add them): MANIFEST.in lists them."""
    manifest = (GRAMMAR_DIR / "MANIFEST.in").read_text(encoding="utf-8")
    assert "recursive-include src *.c *.h" in manifest
    assert "queries" in manifest
    main_manifest = (GRAMMAR_DIR.parents[1] / "MANIFEST.in").read_text(encoding="utf-8")
    assert "grammars/tree-sitter-camkes/src" in main_manifest
