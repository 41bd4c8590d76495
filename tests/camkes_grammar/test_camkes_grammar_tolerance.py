"""Error tolerance: half-typed and mistyped versions of real files keep the rest of the tree.

An editor sees broken text most of the time, so every declaration outside the damaged
spot must survive with its kind and (shifted) byte range, not only the prefix.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from camkes_grammar_support import CAMKES_CORPUS, camkes_parser, corpus_files, iter_nodes, require_corpus
from tree_sitter import Node, Tree

TOP_LEVEL = {
    "import_statement",
    "component_declaration",
    "procedure_declaration",
    "connector_declaration",
    "struct_declaration",
    "assembly",
    "composition",
    "configuration",
}

Span = tuple[str, int, int]
# An edit: (position, old bytes, new bytes), or None when the file has no suitable spot.
Edit = tuple[int, bytes, bytes]


def _clean_spans(root: Node) -> set[Span]:
    return {(n.type, n.start_byte, n.end_byte) for n in iter_nodes(root) if n.type in TOP_LEVEL and not n.has_error}


def _top_items(tree: Tree) -> list[Node]:
    return [n for n in tree.root_node.named_children if n.type in TOP_LEVEL]


def _first(tree: Tree, kinds: set[str]) -> Node | None:
    return next((n for n in iter_nodes(tree.root_node) if n.type in kinds), None)


def _drop_semicolon(source: bytes, tree: Tree) -> Edit | None:
    node = _first(
        tree,
        {
            "uses_declaration",
            "provides_declaration",
            "setting",
            "component_instance",
            "method_declaration",
            "connection",
        },
    )
    return None if node is None else (node.end_byte - 1, b";", b"")


def _mistype_keyword(source: bytes, tree: Tree) -> Edit | None:
    node = _first(
        tree, {"uses_declaration", "provides_declaration", "component_instance", "connection", "attribute_declaration"}
    )
    return None if node is None else (node.start_byte, source[node.start_byte : node.start_byte + 3], b"xq")


def _cut_item_in_half(source: bytes, tree: Tree) -> Edit | None:
    # Not methods: `int get_ti` is a valid procedure attribute (camkes-tool takes those without `;`).
    node = _first(tree, {"connection", "setting", "component_instance", "uses_declaration"})
    if node is None:
        return None
    middle = (node.start_byte + node.end_byte) // 2
    return (middle, source[middle : node.end_byte], b"")


EDITS: dict[str, Callable[[bytes, Tree], Edit | None]] = {
    "missing-semicolon": _drop_semicolon,
    "mistyped-keyword": _mistype_keyword,
    "half-typed-item": _cut_item_in_half,
}


@pytest.mark.parametrize("fraction", [0.3, 0.5, 0.7, 0.9])
def test_truncated_files_keep_earlier_declarations(fraction: float) -> None:
    """Cutting a real file anywhere keeps every top-level item that ended before the cut."""
    files = [f for f in require_corpus() if f.accepted]
    parser = camkes_parser()
    checked = 0
    for item in files:
        source = item.path.read_bytes()
        full = parser.parse(source)
        cut = int(len(source) * fraction)
        kept = _clean_spans(parser.parse(source[:cut]).root_node)
        for node in _top_items(full):
            if node.end_byte < cut:
                checked += 1
                assert (node.type, node.start_byte, node.end_byte) in kept, (item.rel, node.type, node.start_point)
    assert checked > 300


@pytest.mark.parametrize("kind", sorted(EDITS))
def test_mistyped_files_keep_other_declarations(kind: str) -> None:
    """A typo inside one item leaves the items before and after it intact (offsets shifted)."""
    files = [f for f in require_corpus() if f.accepted]
    parser = camkes_parser()
    checked = flagged = edited_files = 0
    for item in files:
        source = item.path.read_bytes()
        full = parser.parse(source)
        edit = EDITS[kind](source, full)
        if edit is None:
            continue
        pos, old, new = edit
        edited = source[:pos] + new + source[pos + len(old) :]
        delta = len(new) - len(old)
        tree = parser.parse(edited)
        # Some damage is still valid text (a mistyped keyword can read as macro calls).
        flagged += tree.root_node.has_error
        edited_files += 1
        kept = _clean_spans(tree.root_node)
        for node in _top_items(full):
            if node.end_byte <= pos:
                span = (node.type, node.start_byte, node.end_byte)
            elif node.start_byte >= pos + len(old):
                span = (node.type, node.start_byte + delta, node.end_byte + delta)
            else:
                continue  # the damaged item itself
            checked += 1
            assert span in kept, (item.rel, kind, node.type, node.start_point)
    assert checked > 100
    assert flagged >= 0.9 * edited_files, f"only {flagged} of {edited_files} damaged files show an error"


def _adder() -> bytes:
    path = CAMKES_CORPUS / "seL4__camkes" / "apps" / "adder" / "adder.camkes"
    require_corpus()
    return path.read_bytes()


def _texts(tree: Tree, kind: str, field: str) -> list[str]:
    out = []
    for node in iter_nodes(tree.root_node):
        child = node.child_by_field_name(field) if node.type == kind else None
        if child is not None and child.text is not None:
            out.append(child.text.decode())
    return out


def test_half_typed_connection_in_real_file() -> None:
    """adder.camkes with its first connection half typed: imports, instances and later ends survive."""
    source = _adder()
    cut_at = source.index(b"connection seL4SharedData s(from adder.d") + len(b"connection seL4SharedData s(from add")
    end = source.index(b";", cut_at) + 1
    tree = camkes_parser().parse(source[:cut_at] + source[end:])
    assert tree.root_node.has_error
    assert len(_texts(tree, "import_statement", "path")) == 3
    assert _texts(tree, "component_instance", "name") == ["adder", "client"]
    assert any(n.type == "assembly" for n in iter_nodes(tree.root_node))
    ends = [n.text for n in iter_nodes(tree.root_node) if n.type == "connection_end"]
    assert b"from client.a" in ends and b"to adder.a" in ends


def test_truncated_real_file() -> None:
    """adder.camkes cut inside its composition still shows the imports and the first instance."""
    source = _adder()
    cut = source.index(b"component Client client;") + len(b"component Cli")
    tree = camkes_parser().parse(source[:cut])
    assert _texts(tree, "import_statement", "path") == [
        "<std_connector.camkes>",
        '"components/Adder/Adder.camkes"',
        '"components/Client/Client.camkes"',
    ]
    assert _texts(tree, "component_instance", "name") == ["adder"]


def test_misspelled_keyword_in_component_file() -> None:
    """TimeServer.camkes with `provdes` for `provides`: the macros, mutex and attributes survive."""
    require_corpus()
    path = CAMKES_CORPUS / "seL4__global-components" / "components" / "TimeServer" / "TimeServer.camkes"
    source = path.read_bytes().replace(b"provides Timer the_timer;", b"provdes Timer the_timer;")
    tree = camkes_parser().parse(source)
    assert tree.root_node.has_error
    assert _texts(tree, "has_declaration", "name") == ["time_server"]
    assert _texts(tree, "uses_declaration", "name") == ["putchar"]
    assert _texts(tree, "attribute_declaration", "name") == ["timers_per_client", "heap_size"]
    macros = _texts(tree, "macro_invocation", "name")
    assert "HARDWARE_TIMER_COMPOSITION" in macros and "HARDWARE_TIMER_CONFIG" in macros
    assert _texts(tree, "component_declaration", "name") == ["TimeServer"]


def test_incremental_reparse_matches_fresh_parse() -> None:
    """Editing the old tree and re-parsing gives the same tree as parsing from scratch."""
    files = [f for f in corpus_files() if f.accepted]
    if not files:
        require_corpus()
    largest: Path = max((f.path for f in files), key=lambda p: p.stat().st_size)
    source = largest.read_bytes()
    parser = camkes_parser()
    tree = parser.parse(source)
    from tree_sitter import Point

    pos = source.index(b"=") + 2
    row = source.count(b"\n", 0, pos)
    col = pos - (source.rfind(b"\n", 0, pos) + 1)
    edited = source[:pos] + b"9" + source[pos:]
    tree.edit(
        start_byte=pos,
        old_end_byte=pos,
        new_end_byte=pos + 1,
        start_point=Point(row, col),
        old_end_point=Point(row, col),
        new_end_point=Point(row, col + 1),
    )
    assert str(parser.parse(edited, tree).root_node) == str(parser.parse(edited).root_node)
