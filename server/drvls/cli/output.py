"""Report formats for `drvls check`: text, json, sarif (2.1.0) and GitHub workflow commands.

Lines and columns are 1-based everywhere here; columns count code points (SARIF says so via
`columnKind`).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from drvls import __version__
from drvls.core.atomic import atomic_write_bytes
from drvls.core.config import Settings
from drvls.core.diagnostics import Diagnostic, FileDiagnostics, Severity
from drvls.core.rules import lookup


def _text(results: list[FileDiagnostics]) -> str:
    lines = []
    counts = {s: 0 for s in Severity}
    for result in results:
        for d in result.diagnostics:
            counts[d.severity] += 1
            start = d.range.start
            lines.append(f"{result.path}:{start.line + 1}:{start.character + 1}: "
                         f"{d.severity.label}[{d.code}] {d.message}")
            for rel in d.related:
                where = rel.path or result.path
                lines.append(f"  {where}:{rel.range.start.line + 1}:{rel.range.start.character + 1}: "
                             f"note: {rel.message}")
    total = sum(counts.values())
    files = len(results)
    if total:
        parts = [_count(n, s) for s, n in sorted(counts.items(), reverse=True) if n]
        lines.append(f"Found {', '.join(parts)} in {files} file{'s' if files != 1 else ''} checked.")
    else:
        lines.append(f"All clean: {files} file{'s' if files != 1 else ''} checked.")
    return "\n".join(lines) + "\n"


def _count(n: int, severity: Severity) -> str:
    noun = severity.label
    if n != 1 and severity is not Severity.INFORMATION:
        noun += "s"
    return f"{n} {noun}"


def _json_item(path: str | None, d: Diagnostic) -> dict[str, Any]:
    return {
        "path": path,
        "line": d.range.start.line + 1,
        "column": d.range.start.character + 1,
        "end_line": d.range.end.line + 1,
        "end_column": d.range.end.character + 1,
        "severity": d.severity.label,
        "code": d.code,
        "message": d.message,
        "related": [{"path": r.path or path, "line": r.range.start.line + 1,
                     "column": r.range.start.character + 1, "end_line": r.range.end.line + 1,
                     "end_column": r.range.end.character + 1, "message": r.message} for r in d.related],
        "fixes": [{"title": f.title, "edits": [
            {"line": e.range.start.line + 1, "column": e.range.start.character + 1,
             "end_line": e.range.end.line + 1, "end_column": e.range.end.character + 1,
             "new_text": e.new_text} for e in f.edits]} for f in d.fixes],
    }


def _json(results: list[FileDiagnostics]) -> str:
    items = [_json_item(r.path, d) for r in results for d in r.diagnostics]
    return json.dumps(items, indent=2, ensure_ascii=False) + "\n"


SARIF_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning",
               Severity.INFORMATION: "note", Severity.HINT: "note"}


def _sarif_uri(path: str | None) -> str:
    if path is None:
        return "untitled"
    p = Path(path)
    if p.is_absolute():
        try:
            p = p.relative_to(Path.cwd())
        except ValueError:
            return p.as_uri()
    return p.as_posix()


def _region(d: Diagnostic) -> dict[str, int]:
    return {"startLine": d.range.start.line + 1, "startColumn": d.range.start.character + 1,
            "endLine": d.range.end.line + 1, "endColumn": d.range.end.character + 1}


def _sarif(results: list[FileDiagnostics]) -> str:
    used = sorted({d.code for r in results for d in r.diagnostics})
    rules = []
    for code in used:
        info = lookup(code)
        rule: dict[str, Any] = {"id": code}
        if info is not None:
            rule.update(name=info.name, shortDescription={"text": info.summary},
                        defaultConfiguration={"level": SARIF_LEVEL[info.severity]})
        rules.append(rule)
    index = {code: i for i, code in enumerate(used)}
    sarif_results = []
    for r in results:
        for d in r.diagnostics:
            item: dict[str, Any] = {
                "ruleId": d.code, "ruleIndex": index[d.code], "level": SARIF_LEVEL[d.severity],
                "message": {"text": d.message},
                "locations": [{"physicalLocation": {
                    "artifactLocation": {"uri": _sarif_uri(r.path), "uriBaseId": "%SRCROOT%"},
                    "region": _region(d)}}],
            }
            if d.related:
                item["relatedLocations"] = [{
                    "id": i, "message": {"text": rel.message},
                    "physicalLocation": {"artifactLocation": {"uri": _sarif_uri(rel.path or r.path),
                                                              "uriBaseId": "%SRCROOT%"},
                                         "region": {"startLine": rel.range.start.line + 1,
                                                    "startColumn": rel.range.start.character + 1,
                                                    "endLine": rel.range.end.line + 1,
                                                    "endColumn": rel.range.end.character + 1}}}
                    for i, rel in enumerate(d.related)]
            sarif_results.append(item)
    doc = {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{"tool": {"driver": {"name": "drvls", "version": __version__, "rules": rules}},
                  "columnKind": "unicodeCodePoints",
                  "results": sarif_results}],
    }
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


GITHUB_COMMAND = {Severity.ERROR: "error", Severity.WARNING: "warning",
                  Severity.INFORMATION: "notice", Severity.HINT: "notice"}


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def _github(results: list[FileDiagnostics]) -> str:
    lines = []
    for r in results:
        for d in r.diagnostics:
            start, end = d.range.start, d.range.end
            props = [f"file={_escape_property(r.path or '')}", f"line={start.line + 1}",
                     f"endLine={end.line + 1}"]
            if start.line == end.line:
                props += [f"col={start.character + 1}", f"endColumn={end.character + 1}"]
            props.append(f"title={_escape_property('drvls ' + d.code)}")
            lines.append(f"::{GITHUB_COMMAND[d.severity]} {','.join(props)}::{_escape_data(d.message)}")
    # Annotations are capped per step, so the plain report follows for the full picture.
    return "\n".join(lines) + ("\n" if lines else "") + _text(results)


FORMATS: dict[str, Callable[[list[FileDiagnostics]], str]] = {
    "text": _text, "json": _json, "sarif": _sarif, "github": _github,
}


def render(results: list[FileDiagnostics], fmt: str) -> str:
    return FORMATS[fmt](results)


def write_report(results: list[FileDiagnostics], fmt: str, output: Path | None, settings: Settings) -> None:
    text = render(results, fmt)
    if output is None:
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    atomic_write_bytes(output, text.encode("utf-8"))
