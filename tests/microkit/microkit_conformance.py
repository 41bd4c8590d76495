"""Corpus conformance against the Microkit tool's verdicts (shared by the test and a summary script)."""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from drvls.core.config import Settings
from drvls.core.diagnostics import Diagnostic, Range, Severity
from drvls.core.engine import check_source
from drvls.core.languages import AnalysisContext, DiskWorkspace, SourceFile
from drvls.core.text import LineIndex
from drvls.microkit import analyzer, xmltree

REPO = Path(__file__).resolve().parents[2]
CORPUS = REPO.parent / "shared" / "corpus" / "microkit"
LEGACY_CODES = {"MK110", "MK111", "MK112", "MK113"}



def corpus_available() -> bool:
    return (CORPUS / "verdicts.json").is_file()


def verdicts() -> dict[str, Any]:
    data: dict[str, Any] = json.loads((CORPUS / "verdicts.json").read_text(encoding="utf-8"))
    return data


def strip_reference(message: str) -> tuple[str, tuple[int, int] | None, bool]:
    """The tool's message without `Error: ` and its trailing location; that location; truncated?"""
    text = message[len("Error: "):] if message.startswith("Error: ") else message
    truncated = text.endswith("...")
    if truncated:
        text = text[:-3]
        head, sep, tail = text.rpartition(" @ ")
        if sep and " " not in tail:
            text = head
        return text, None, True
    match = re.search(r"(:|\s@)?\s*'?[^\s:']+\.system:(\d+):(\d+)'?$", text)
    if match:
        return text[: match.start()].rstrip(), (int(match.group(2)), int(match.group(3))), False
    return text, None, False


@dataclass
class Outcome:
    path: str
    accepted: bool
    ok: bool
    how: str
    diagnostics: list[Diagnostic]


def settings_for(entry: dict[str, Any], configs: dict[str, Any]) -> Settings:
    section = dict(configs[entry["config"]])
    paths = entry.get("search_paths")
    if paths:
        section["search_path"] = [str(CORPUS / p) for p in paths]
    return Settings(values={"microkit": section})


def check_entry(entry: dict[str, Any], configs: dict[str, Any]) -> Outcome:
    path = CORPUS / entry["path"]
    data = path.read_bytes()
    source = SourceFile(path=path, data=data, text="")
    ctx = AnalysisContext(settings=settings_for(entry, configs), workspace=DiskWorkspace())
    diags = check_source(source, ctx, analyzer.ANALYZER).diagnostics
    # The verdicts are the tool's parse of the file alone; its build-time checks read program images
    # that the corpus does not have (MK200-MK208), so those are not part of the comparison.
    errors = [d for d in diags if d.severity == Severity.ERROR and not d.code.startswith("MK2")]
    if entry["accepted"]:
        return Outcome(entry["path"], True, not errors, "accepted" if not errors else "false errors", diags)
    expected, location, truncated = strip_reference(entry["reference_message"])
    text = data.decode("utf-8", "replace").lstrip("\ufeff")
    element = element_range(text, location) if location else None
    for d in errors:
        message = d.message.replace("\n", " / ")
        same = message.startswith(expected) if truncated else message == expected
        if same and (element is None or element.contains(d.range)):
            return Outcome(entry["path"], False, True, "exact", diags)
    if any(d.code in LEGACY_CODES for d in errors):
        return Outcome(entry["path"], False, True, "legacy", diags)
    return Outcome(entry["path"], False, False, "missing: " + expected, diags)


def element_range(text: str, location: tuple[int, int]) -> Range | None:
    """The range of the element whose start tag begins at the tool's 1-based row:col."""
    index = LineIndex(text)
    tree = xmltree.parse(index.data)
    row, col = location[0] - 1, location[1] - 1
    stack = [tree.root_node]
    while stack:
        node = stack.pop()
        if node.type == "element":
            start = index.position(node.start_byte)
            if start.line == row and start.character == col:
                return index.range(node.start_byte, node.end_byte)
        stack.extend(node.children)
    return None


def run_all() -> list[Outcome]:
    data = verdicts()
    return [check_entry(e, data["configs"]) for e in data["files"]]


if __name__ == "__main__":
    outcomes = run_all()
    verbose = os.environ.get("VERBOSE")
    for o in outcomes:
        if not o.ok or verbose:
            print(("OK  " if o.ok else "FAIL"), o.path, o.how)
            for d in o.diagnostics:
                if not o.ok:
                    print("      ", d.code, d.range.start.line + 1, d.range.start.character + 1, d.message[:150])
    by_kind: dict[str, int] = {}
    for o in outcomes:
        key = o.how if o.ok else ("false errors" if o.accepted else "missing")
        by_kind[key] = by_kind.get(key, 0) + 1
    print(len(outcomes), "files;", sum(o.ok for o in outcomes), "conform;", by_kind)
