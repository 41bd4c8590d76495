"""The file pattern of the pre-commit hook, derived from what `drvls check` really covers: the families'
suffixes and the rule-source names the analyzer claims (`drv/sources/detect.py`), so the two cannot drift.

`python -m drvls.cli.hook_pattern` prints it; a test keeps `.pre-commit-hooks.yaml` in step.
"""

from __future__ import annotations

import re

from drvls.core.languages import FAMILIES


def files_pattern() -> str:
    """A Python regex (as pre-commit applies it, with `re.search` on the repository-relative path)."""
    suffixes = sorted({s.lstrip(".") for family in FAMILIES for s in family.suffixes})
    parts = [rf"(?i:\.({'|'.join(map(re.escape, suffixes))})$)"]  # suffixes match in any case, as check does
    try:
        from drvls.drv.sources.detect import KNOWN_NAMES, RULE_FOLDERS
    except ModuleNotFoundError:  # a build without the rule-source family
        known: tuple[tuple[str, object, bool], ...] = ()
        folders: tuple[tuple[tuple[str, ...], object, tuple[str, ...]], ...] = ()
    else:
        known, folders = KNOWN_NAMES, RULE_FOLDERS
        parts.append(r"(^|/)\.driven/rules\.md$")
        # Assistants' rule folders: any file with the folder's suffixes below it (`detect.rule_folder`).
        for folder, _kind, endings in folders:
            inside = "/".join(map(re.escape, folder))
            parts.append(rf"(^|/){inside}/(.+/)?[^/]*({'|'.join(map(re.escape, endings))})$")
        parts.append(r"(^|/)\.roo/rules(-[^/]+)?/.+$")
    for name, _fmt, case_sensitive in known:
        # The name itself, or any name ending in "." + the name without its leading dot (`team.cursorrules`).
        body = rf"(^|/)([^/]*\.)?{re.escape(name.lstrip('.'))}$"
        if name.startswith("."):
            body = rf"(^|/)[^/]*{re.escape(name)}$"
        parts.append(body if case_sensitive else f"(?i:{body})")
    return "|".join(parts)


if __name__ == "__main__":
    print(files_pattern())
