"""Run the grammar's own `test/corpus/*.txt` cases (tree-sitter's test format) under pytest.

CI has no tree-sitter CLI, so this re-implements its comparison: whitespace-insensitive,
field names compared only when the expected S-expression contains some.
"""

from __future__ import annotations

import pytest
from camkes_grammar_support import (
    GRAMMAR_DIR,
    CorpusTest,
    camkes_parser,
    has_fields,
    normalise_sexp,
    read_corpus_tests,
)


def _all_cases() -> list[CorpusTest]:
    cases: list[CorpusTest] = []
    for path in sorted((GRAMMAR_DIR / "test" / "corpus").glob("*.txt")):
        cases.extend(read_corpus_tests(path))
    return cases


CASES = _all_cases()


def test_corpus_cases_exist() -> None:
    """The grammar ships test cases for every corpus file, with unique names."""
    assert len(CASES) >= 40
    names = [(c.file, c.name) for c in CASES]
    assert len(names) == len(set(names))


@pytest.mark.parametrize("case", CASES, ids=[f"{c.file}:{c.name}" for c in CASES])
def test_corpus_case(case: CorpusTest) -> None:
    """Each case parses to its expected tree (or, with `:error`, to a tree with errors)."""
    if "skip" in case.attributes:
        pytest.skip("marked :skip in the corpus file")
    tree = camkes_parser().parse(case.source.encode("utf-8"))
    if "error" in case.attributes:
        assert tree.root_node.has_error, "expected a syntax error"
        return
    keep = has_fields(case.expected)
    assert normalise_sexp(str(tree.root_node), keep) == normalise_sexp(case.expected, keep)


def test_runner_normalisation() -> None:
    """The comparison ignores layout and, when the expectation has none, field names."""
    actual = "(source_file (import_statement path: (angle_string)))"
    assert normalise_sexp(actual, False) == normalise_sexp(
        "(source_file\n  (import_statement\n (angle_string)) )", False
    )
    assert normalise_sexp(actual, True) != normalise_sexp("(source_file (import_statement (angle_string)))", True)
    assert has_fields("(a\n  name: (b))")
    assert not has_fields("(a (b)) ; name: (c)")
