"""The rule-source file patterns editors select documents by: derived from `detect`, bundled by the
VS Code extension as `vscode-client/rule-sources.json`, which must stay in step."""

from __future__ import annotations

import re
from pathlib import Path, PurePath

import pytest
from drvls.drv.sources import detect, patterns

REPO = Path(__file__).resolve().parents[2]
BUNDLED = REPO / "vscode-client" / "rule-sources.json"


def glob_regex(glob: str) -> re.Pattern[str]:
    """VS Code's glob reading: `**/` any folders (or none), `*` within one name."""
    out = re.escape(glob).replace(r"\*\*/", "(?:.*/)?").replace(r"\*\*", ".*").replace(r"\*", "[^/]*")
    return re.compile(f"^{out}$")


def example(glob: str) -> PurePath:
    """A concrete path the glob matches."""
    return PurePath(glob.replace("**/", "proj/sub/", 1).replace("**/", "deep/").replace("*", "team"))


def test_the_bundled_file_is_generated_from_the_server_list() -> None:
    regenerate = "python -m drvls.drv.sources.patterns > vscode-client/rule-sources.json"
    assert BUNDLED.read_text() == patterns.render(), f"run `{regenerate}`"


@pytest.mark.parametrize("glob", patterns.editor_globs())
def test_every_pattern_names_files_drvls_reads_as_rule_sources(glob: str) -> None:
    path = example(glob)
    assert glob_regex(glob).match(path.as_posix())
    assert detect.format_by_name(path) is not None, path


@pytest.mark.parametrize(("known", "case_sensitive"), [(k, c) for k, _f, c in detect.KNOWN_NAMES])
def test_every_known_name_is_selected(known: str, case_sensitive: bool) -> None:
    names = [known, f"team.{known.lstrip('.')}"] + ([] if case_sensitive else [known.lower()])
    for name in names:
        path = f"/w/sub/{name}"
        assert detect.format_by_name(PurePath(path)) is not None
        assert any(glob_regex(g).match(path) for g in patterns.editor_globs()), path


@pytest.mark.parametrize("path", ["/w/README.md", "/w/docs/rules.md", "/w/CLAUDE.md.orig", "/w/notes.txt"])
def test_ordinary_files_are_not_selected(path: str) -> None:
    assert detect.format_by_name(PurePath(path)) is None
    assert not any(glob_regex(g).match(path) for g in patterns.editor_globs())
