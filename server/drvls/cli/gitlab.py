"""`--format gitlab`: GitLab's code quality report (a JSON array of issues), for merge-request widgets."""

from __future__ import annotations

import json
from typing import Any

from drvls.cli.fingerprint import Occurrences, fingerprint, relative_path
from drvls.core.diagnostics import FileDiagnostics, Severity

SEVERITY = {Severity.ERROR: "major", Severity.WARNING: "minor", Severity.INFORMATION: "info",
            Severity.HINT: "info"}


def gitlab_report(results: list[FileDiagnostics]) -> str:
    issues: list[dict[str, Any]] = []
    for r in results:
        path = relative_path(r.path) or (r.path or "untitled")
        occurrences = Occurrences()
        for d in r.diagnostics:
            issues.append({
                "type": "issue",
                "check_name": d.code,
                "description": f"{d.code}: {d.message}",
                "categories": ["Bug Risk"] if d.severity >= Severity.ERROR else ["Style"],
                "severity": SEVERITY[d.severity],
                "fingerprint": fingerprint(path, d, occurrences.next(d)),
                "location": {"path": path, "lines": {"begin": d.range.start.line + 1,
                                                     "end": d.range.end.line + 1}},
            })
    return json.dumps(issues, indent=2, ensure_ascii=False) + "\n"
