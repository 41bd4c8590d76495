"""The shipped highlights/locals/folds queries compile and run over the whole corpus."""

from __future__ import annotations

import pytest
from camkes_grammar_support import camkes_language, camkes_parser, corpus_files, query_text, require_corpus
from tree_sitter import Query, QueryCursor

QUERY_NAMES = ["HIGHLIGHTS_QUERY", "LOCALS_QUERY", "FOLDS_QUERY"]


@pytest.mark.parametrize("name", QUERY_NAMES)
def test_query_compiles(name: str) -> None:
    """Each query text is valid for this grammar (node names, fields, captures)."""
    query = Query(camkes_language(), query_text(name))
    assert query.pattern_count > 0


@pytest.mark.parametrize("name", QUERY_NAMES)
def test_query_runs_over_corpus(name: str) -> None:
    """Running the query over every corpus file succeeds and captures something."""
    files = require_corpus()
    query = Query(camkes_language(), query_text(name))
    parser = camkes_parser()
    total = 0
    for item in files:
        tree = parser.parse(item.path.read_bytes())
        captures = QueryCursor(query).captures(tree.root_node)
        total += sum(len(nodes) for nodes in captures.values())
    assert total > len(files)


def _captures(source: str, name: str) -> dict[str, list[str]]:
    tree = camkes_parser().parse(source.encode())
    caps = QueryCursor(Query(camkes_language(), query_text(name))).captures(tree.root_node)
    return {k: [n.text.decode() for n in v if n.text is not None] for k, v in caps.items()}


def test_highlights_capture_expected_names() -> None:
    """A small file gets the captures an editor theme relies on."""
    caps = _captures(
        "#include <plat/timers.h>\nimport <std_connector.camkes>;\n"
        "component Client { control; uses Hello h; attribute int n = 3; VM_INIT_DEF() }\n"
        "assembly { composition { component Client c; connection seL4RPCCall k(from c.h, to s.h); }\n"
        '  configuration { c.n = dtb({"path": "/x"}); } }\n',
        "HIGHLIGHTS_QUERY",
    )
    assert "component" in caps["keyword"]
    assert "Client" in caps["type.definition"]
    assert "Hello" in caps["type"]
    assert "VM_INIT_DEF" in caps["function.macro"]
    assert "dtb" in caps["function.call"]
    assert "#include" in caps["keyword.directive"]
    assert "3" in caps["number"]
    assert "n" in caps["property"]


def test_folds_and_locals() -> None:
    """Bodies fold; instances are definitions and connection ends reference them."""
    src = "assembly {\n composition {\n  component A a;\n  connection C c(from a.x, to a.y);\n }\n}\n"
    folds = _captures(src, "FOLDS_QUERY")["fold"]
    assert any(text.startswith("{") for text in folds)
    locals_ = _captures(src, "LOCALS_QUERY")
    assert "a" in locals_["local.definition.var"]
    assert locals_["local.reference"].count("a") >= 2


def test_corpus_helper_lists_files() -> None:
    """The corpus listing sees both file kinds when the corpus is present."""
    files = corpus_files()
    if files:
        assert {f.path.suffix for f in files} == {".camkes", ".idl4"}
