"""Syntax errors from a tree-sitter tree: one plain message per error region, no cascade.

tree-sitter marks what it could not parse as ERROR nodes and what it had to assume as
MISSING nodes. Neighbouring marks (only blanks between them) are one mistake and give one
problem. In strict mode (text after the preprocessor) a `macro_invocation` is a mistake too:
nothing is left to expand it, so camkes-tool would stop there.
"""

from __future__ import annotations

from typing import Any

from drvls.camkes import codes
from drvls.camkes import model as m
from drvls.camkes.grammar import macro_invocations
from drvls.camkes.model import Problem
from drvls.camkes.positions import Positions, tokens
from drvls.core.diagnostics import Range

SHOWN_CHARS = 40
SHORT_STATEMENT = 6  # tokens


def syntax_problems(root: Any, positions: Positions, strict: bool) -> list[Problem]:
    marks: list[Any] = []
    if root.has_error:
        if root.is_error:
            marks.append(root)
        else:
            _collect(root, marks)
    if strict:
        marks.extend(macro_invocations(root))
    if not marks:
        return []
    marks.sort(key=lambda n: (n.start_byte, n.end_byte))
    source = bytes(root.text)
    return [_describe(region, source, positions) for region in _regions(marks, source)]


def _collect(node: Any, out: list[Any]) -> None:
    for child in node.children:
        if child.is_missing or child.is_error:
            out.append(child)
        elif child.has_error:
            _collect(child, out)


def _regions(marks: list[Any], source: bytes) -> list[list[Any]]:
    """Group marks that touch or have only blanks between them."""
    regions: list[list[Any]] = []
    end = -1
    for node in marks:
        if regions and (node.start_byte <= end or not source[end:node.start_byte].strip()):
            regions[-1].append(node)
            end = max(end, node.end_byte)
        else:
            regions.append([node])
            end = node.end_byte
    return regions


def _describe(region: list[Any], source: bytes, positions: Positions) -> Problem:
    first = region[0]
    if first.is_missing:
        return _problem(f"missing {_expected(first)}", positions.loc(first))
    leaves = [t for node in region for t in (tokens(node) if node.child_count else [node]) if not t.is_missing]
    if not leaves:
        return _problem("unexpected text", positions.loc(first))
    end = max(node.end_byte for node in region)
    unclosed = _unclosed_brace(leaves)
    if unclosed is not None and not source[end:].strip():
        return _problem("`{` is never closed (missing `}` at the end of the file)", positions.loc(unclosed))
    if first.is_error and len(leaves) <= SHORT_STATEMENT and source[end:].lstrip()[:1] == b"}" and \
            _text(leaves[-1]) not in (";", "{", "}"):  # `control }`: a statement left open
        after = positions.loc(leaves[-1])
        return _problem(f"missing `;` after `{_shown(leaves[-1])}`",
                        m.Loc(after.path, Range(after.range.end, after.range.end)))
    return _problem(f"unexpected `{_shown(leaves[0])}`", positions.loc(leaves[0]))


def _problem(message: str, loc: m.Loc) -> Problem:
    return Problem(codes.SYNTAX, f"syntax error: {message}", loc)


def _text(node: Any) -> str:
    return bytes(node.text).decode("utf-8", "replace")


def _shown(node: Any) -> str:
    text = _text(node).split("\n")[0]
    return text if len(text) <= SHOWN_CHARS else text[:SHOWN_CHARS] + "…"


def _expected(node: Any) -> str:
    kind: str = node.type
    if kind == "identifier":
        return "a name"
    if node.is_named:
        return "a " + kind.replace("_", " ")
    return f"`{kind}`"


def _unclosed_brace(leaves: list[Any]) -> Any | None:
    """The outermost `{` among `leaves` that no `}` among them closes."""
    stack: list[Any] = []
    for leaf in leaves:
        text = _text(leaf)
        if text == "{":
            stack.append(leaf)
        elif text == "}" and stack:
            stack.pop()
    return stack[0] if stack else None
