"""Report formats for `drvls check`: text, json, sarif (2.1.0) and GitHub workflow commands.

Lines and columns are 1-based everywhere here; columns count code points (SARIF says so via
`columnKind`).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from drvls import __version__
from drvls.core.config import Settings
from drvls.core.diagnostics import Diagnostic, FileDiagnostics, Range, Severity
from drvls.core.rules import DOCS_URL_TEMPLATE, INFORMATION_URI, lookup


def _text(results: list[FileDiagnostics], quiet: bool = False) -> str:
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
    if quiet:
        return "".join(line + "\n" for line in lines)
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
        "fixes": [{"title": f.title, "safe": f.safe, "edits": [
            {"line": e.range.start.line + 1, "column": e.range.start.character + 1,
             "end_line": e.range.end.line + 1, "end_column": e.range.end.character + 1,
             "new_text": e.new_text} for e in f.edits]} for f in d.fixes],
    }


JSON_SCHEMA_VERSION = 1


def _json(results: list[FileDiagnostics]) -> str:
    """The stable JSON report (`docs/json-report.schema.json`); `version` changes only when a field
    is removed or changes meaning, never when one is added."""
    import json  # the report formats' modules load only when one is asked for: start-up of a text run

    items = [_json_item(r.path, d) for r in results for d in r.diagnostics]
    doc = {"version": JSON_SCHEMA_VERSION, "tool": {"name": "drvls", "version": __version__},
           "files_checked": len(results), "diagnostics": items}
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


SARIF_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning",
               Severity.INFORMATION: "note", Severity.HINT: "note"}


SRCROOT = "%SRCROOT%"


def _artifact(path: str | None) -> dict[str, str]:
    """A location relative to the checkout root (the current folder) when the file is inside it, as
    code scanning needs; an absolute `file:` URI otherwise."""
    from drvls.cli.fingerprint import relative_path

    if path is None:
        return {"uri": "untitled"}
    relative = relative_path(path)
    if relative is None:
        return {"uri": Path(path).resolve().as_uri()}
    return {"uri": relative, "uriBaseId": SRCROOT}


def _region(range_: Range) -> dict[str, int]:
    return {"startLine": range_.start.line + 1, "startColumn": range_.start.character + 1,
            "endLine": range_.end.line + 1, "endColumn": range_.end.character + 1}


def help_uri(code: str, template: str | None = None) -> str:
    t = template or DOCS_URL_TEMPLATE
    return t.replace("{code}", code).replace("{code_lower}", code.lower())


def _rule_descriptor(code: str, template: str | None) -> dict[str, Any]:
    info = lookup(code)
    rule: dict[str, Any] = {"id": code, "helpUri": help_uri(code, template)}
    if info is None:
        return rule
    full = getattr(info, "explanation", None) or f"{info.summary} ({info.family})"
    rule.update(
        name=info.name,
        shortDescription={"text": info.summary},
        fullDescription={"text": full},
        help={"text": f"{info.code} {info.name}: {info.summary} See docs/rules.md#{code.lower()}.",
              "markdown": f"**{info.code}** `{info.name}`: {info.summary}\n\n"
                          f"[Documentation]({help_uri(code, template)})"},
        defaultConfiguration={"level": SARIF_LEVEL[info.severity]},
        properties={"family": info.family},
    )
    return rule


def _sarif(results: list[FileDiagnostics], template: str | None = None) -> str:
    import json

    from drvls.cli.fingerprint import Occurrences, fingerprint

    used = sorted({d.code for r in results for d in r.diagnostics})
    rules = [_rule_descriptor(code, template) for code in used]
    index = {code: i for i, code in enumerate(used)}
    sarif_results = []
    for r in results:
        occurrences = Occurrences()
        artifact = _artifact(r.path)
        for d in r.diagnostics:
            occurrence = occurrences.next(d)
            item: dict[str, Any] = {
                "ruleId": d.code, "ruleIndex": index[d.code], "level": SARIF_LEVEL[d.severity],
                "message": {"text": d.message},
                "locations": [{"physicalLocation": {"artifactLocation": artifact, "region": _region(d.range)}}],
                "partialFingerprints": {"drvlsFinding/v1": fingerprint(artifact["uri"], d, occurrence)},
            }
            if d.related:
                item["relatedLocations"] = [{
                    "id": i, "message": {"text": rel.message},
                    "physicalLocation": {"artifactLocation": _artifact(rel.path or r.path),
                                         "region": _region(rel.range)}}
                    for i, rel in enumerate(d.related)]
            sarif_results.append(item)
    doc = {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{"tool": {"driver": {"name": "drvls", "version": __version__,
                                      "informationUri": help_uri("", INFORMATION_URI), "rules": rules}},
                  "originalUriBaseIds": {SRCROOT: {"uri": Path.cwd().resolve().as_uri() + "/"}},
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


FORMATS = ("github", "gitlab", "json", "sarif", "text")


def render(results: list[FileDiagnostics], fmt: str, settings: Settings | None = None, quiet: bool = False) -> str:
    docs = settings.get("docs_url") if settings is not None else None
    if fmt == "text":
        return _text(results, quiet)
    if fmt == "sarif":
        return _sarif(results, str(docs) if docs else None)
    if fmt == "gitlab":
        from drvls.cli.gitlab import gitlab_report

        return gitlab_report(results)
    return {"json": _json, "github": _github}[fmt](results)


def write_report(results: list[FileDiagnostics], fmt: str, output: Path | None, settings: Settings,
                 quiet: bool = False) -> None:
    text = render(results, fmt, settings, quiet)
    if output is None:
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    from drvls.core.atomic import atomic_write_bytes

    atomic_write_bytes(output, text.encode("utf-8"))
