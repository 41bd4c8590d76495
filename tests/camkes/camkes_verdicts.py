"""camkes-tool's recorded verdicts for the CAmkES corpus, and the settings each was produced with.

Shared by the conformance test and the benchmark, so both check each file the way camkes-tool was run
on it. Free of pytest: the benchmark imports it too.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from drvls.core.config import Settings

CORPUS = Path(__file__).resolve().parents[2].parent / "shared" / "corpus" / "camkes"


def entries() -> list[dict[str, Any]]:
    """The verdicts that record their settings; empty when the corpus is absent."""
    verdicts = CORPUS / "verdicts.json"
    if not verdicts.is_file():
        return []
    files = json.loads(verdicts.read_text(encoding="utf-8"))["files"]
    return [f for f in files if f.get("settings")]


def settings_for(entry: dict[str, Any]) -> Settings:
    """camkes-tool's import paths, cpp flags and forward-reference switch as drvls settings."""
    s = entry["settings"]
    flags = s["cpp_flags"]
    return Settings({"camkes": {
        "import_path": [str(CORPUS / p) for p in s["import_paths"]],
        "cpp_include": [str(CORPUS / f[2:]) for f in flags if f.startswith("-I")],
        "defines": [f[2:] for f in flags if f.startswith("-D") and f != "-DCAMKES_TOOL_PROCESSING"],
        "allow_forward_references": bool(s["allow_forward_references"]),
    }})
