"""Helpers shared by the CAmkES grammar tests: loading the parser, the corpus, test files.

Kept in a plain module (no conftest) so the tests stay independent of other suites.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from prerequisites import CORPUS, skip_or_fail
from tree_sitter import Language, Node, Parser, Tree

REPO = Path(__file__).resolve().parents[2]
GRAMMAR_DIR = REPO / "grammars" / "tree-sitter-camkes"
CAMKES_CORPUS = CORPUS / "camkes"


def camkes_language() -> Language:
    """The compiled grammar, built by `pip install .` of the main package (or of the grammar dir)."""
    try:
        import tree_sitter_camkes
    except ImportError as exc:  # pragma: no cover - depends on the build
        skip_or_fail(f"tree_sitter_camkes is not built/installed: {exc}")
        raise
    return Language(tree_sitter_camkes.language())


def camkes_parser() -> Parser:
    """A fresh parser for the CAmkES language."""
    return Parser(camkes_language())


def query_text(name: str) -> str:
    """A query shipped with the grammar (`HIGHLIGHTS_QUERY`, ...), through the Python binding."""
    import tree_sitter_camkes

    return str(getattr(tree_sitter_camkes, name))


@dataclass(frozen=True)
class CorpusFile:
    """One `.camkes`/`.idl4` file of the shared corpus with camkes-tool's verdict."""

    path: Path
    rel: str
    accepted: bool | None


def corpus_files() -> list[CorpusFile]:
    """Every ADL file listed in verdicts.json; empty when the shared corpus is absent."""
    verdicts = CAMKES_CORPUS / "verdicts.json"
    if not verdicts.exists():
        return []
    data = json.loads(verdicts.read_text(encoding="utf-8"))
    files = []
    for entry in data["files"]:
        rel = entry["path"]
        if rel.endswith((".camkes", ".idl4")):
            files.append(CorpusFile(CAMKES_CORPUS / rel, rel, entry.get("accepted")))
    return files


def require_corpus() -> list[CorpusFile]:
    """The corpus files, or skip (fail under CI) when `../shared/corpus` is not beside the repo."""
    files = corpus_files()
    if not files:
        skip_or_fail("corpus folder ../shared/corpus/camkes (with verdicts.json) is not beside the repository")
    return files


def iter_nodes(node: Node) -> Iterator[Node]:
    """All nodes below `node` (itself included), depth first, without recursion limits."""
    cursor = node.walk()
    visited_children = False
    while True:
        if not visited_children:
            yield cursor.node  # type: ignore[misc]
            if cursor.goto_first_child():
                continue
        if cursor.goto_next_sibling():
            visited_children = False
        elif cursor.goto_parent():
            visited_children = True
        else:
            return


def problems(tree: Tree) -> list[str]:
    """ERROR and MISSING nodes as `kind line:col` strings (1-based lines), for readable failures."""
    out: list[str] = []
    if not tree.root_node.has_error:
        return out
    for node in iter_nodes(tree.root_node):
        if node.is_error or node.is_missing:
            kind = "MISSING " + node.type if node.is_missing else "ERROR"
            out.append(f"{kind} {node.start_point.row + 1}:{node.start_point.column + 1}")
    return out


def named_types(node: Node) -> list[str]:
    """Types of all named nodes below `node`."""
    return [n.type for n in iter_nodes(node) if n.is_named]


# --- tree-sitter's test/corpus format -------------------------------------------------------

# A header is a line of `=` (3 or more), the name, optional `:attribute` lines, another `=` line.
_HEADER = re.compile(r"^={3,}[^\S\n]*\n(?P<name>[^\n]*)\n(?P<attrs>(?::[^\n]*\n)*)={3,}[^\S\n]*\n", re.M)
_DIVIDER = re.compile(r"^-{3,}[^\S\n]*$", re.M)
_FIELD = re.compile(r" \w+: \(")
_SPACE = re.compile(r"\s+")


@dataclass
class CorpusTest:
    """One test case of a `test/corpus/*.txt` file."""

    file: str
    name: str
    source: str
    expected: str
    attributes: set[str] = field(default_factory=set)


def read_corpus_tests(path: Path) -> list[CorpusTest]:
    """Split a tree-sitter corpus file into cases (header, input, `---`, expected S-expression)."""
    text = path.read_text(encoding="utf-8")
    headers = list(_HEADER.finditer(text))
    tests = []
    for i, header in enumerate(headers):
        end = headers[i + 1].start() if i + 1 < len(headers) else len(text)
        body = text[header.end() : end]
        dividers = list(_DIVIDER.finditer(body))
        if not dividers:
            raise ValueError(f"{path.name}: test {header['name']!r} has no '---' divider")
        # As tree-sitter: the longest dash line is the divider (the first of equals), so
        # an input may itself contain a shorter `---` line.
        divider = max(dividers, key=lambda m: (len(m.group().strip()), -m.start()))
        # Like tree-sitter: the input ends before the newline that precedes the divider.
        source = body[: divider.start()].removesuffix("\n").removesuffix("\r")
        expected = body[divider.end() :]
        attrs = {a.strip()[1:] for a in header["attrs"].splitlines() if a.strip()}
        tests.append(CorpusTest(path.name, header["name"].strip(), source, expected, attrs))
    return tests


def strip_sexp_comments(sexp: str) -> str:
    """Drop `;` comments from an expected S-expression (outside strings)."""
    return "\n".join(re.sub(r';[^"\n]*$', "", line) for line in sexp.splitlines())


def normalise_sexp(sexp: str, keep_fields: bool) -> str:
    """Whitespace-insensitive form, with field names removed unless the expectation uses them.

    This mirrors tree-sitter's own test runner: fields are compared only when the
    expected text contains at least one `name: (` field.
    """
    out = _SPACE.sub(" ", strip_sexp_comments(sexp)).strip()
    if not keep_fields:
        out = _FIELD.sub(" (", out)
    return out.replace(" )", ")").replace("( ", "(")


def has_fields(expected: str) -> bool:
    """Whether an expected S-expression names fields (then the comparison keeps them)."""
    return bool(_FIELD.search(_SPACE.sub(" ", strip_sexp_comments(expected))))
