"""drvls port over every corpus app camkes-tool accepts: zero Microkit errors, byte-stable, same sharing."""

from __future__ import annotations

import sys
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "camkes"))
from camkes_verdicts import CORPUS, entries, settings_for
from drvls.core.config import Settings
from drvls.core.diagnostics import Severity
from drvls.core.engine import check_path
from drvls.core.languages import AnalysisContext, DiskWorkspace
from drvls.port.load import load_app
from drvls.port.run import port_app
from drvls.port.system import Ported
from prerequisites import skip_or_fail

APPS = [e for e in entries() if e.get("accepted") and e["settings"].get("mode") == "full"]


def _port(entry: dict[str, Any]) -> tuple[str, Ported]:
    path = CORPUS / entry["path"]
    result = port_app(path, path.read_text(encoding="utf-8"), settings_for(entry),
                      DiskWorkspace([CORPUS / entry["path"].split("/")[0]]))
    assert result.ported is not None, [p.message for p in result.errors]
    return result.system, result.ported


def test_the_corpus_is_there() -> None:
    if not APPS:
        skip_or_fail("the CAmkES corpus is not present beside the repository")


@pytest.mark.parametrize("entry", APPS, ids=[e["path"] for e in APPS])
def test_ported_app_has_no_microkit_errors_and_is_stable(entry: dict[str, Any], tmp_path: Path) -> None:
    text, ported = _port(entry)
    assert _port(entry)[0] == text
    out = tmp_path / "app.system"
    out.write_text(text, encoding="utf-8")
    found = check_path(out, AnalysisContext(settings=Settings({}), workspace=DiskWorkspace([tmp_path]))).diagnostics
    assert [d.message for d in found if d.severity >= Severity.ERROR] == []
    assert _sharing_in_system(text) == _sharing_in_camkes(entry, ported)


def _sharing_in_system(text: str) -> set[tuple[str, frozenset[tuple[str, str]]]]:
    """Who maps each region, with which perms, read from the generated file itself."""
    root = ET.fromstring(text)
    users: dict[str, set[tuple[str, str]]] = {}
    for pd in root.iter("protection_domain"):
        for mp in pd.iter("map"):
            users.setdefault(mp.get("mr", ""), set()).add((pd.get("name", ""), mp.get("perms", "")))
    return {(mr, frozenset(u)) for mr, u in users.items()}


def _sharing_in_camkes(entry: dict[str, Any], ported: Ported) -> set[tuple[str, frozenset[tuple[str, str]]]]:
    """Who shares each dataport and device, with which access, from the CAmkES assembly."""
    path = CORPUS / entry["path"]
    app = load_app(path, path.read_text(encoding="utf-8"), settings_for(entry),
                   DiskWorkspace([CORPUS / entry["path"].split("/")[0]]))
    assert app.flat is not None
    regions = {r.connection: r.name for r in ported.regions}
    out = set()
    for conn in app.flat.connections:
        if conn.name not in regions:
            continue
        users = set()
        for end in conn.ends:
            if end.instance is None or end.instance.component.hardware:
                continue
            access = next((fs.setting.value for fs in app.flat.settings if fs.target == end.instance.name
                           and fs.setting.attribute == f"{end.interface.name}_access"), "RW")
            rights = "".join(c for c in "rwx" if c.upper() in str(access).upper())
            users.add((end.instance.name.replace(".", "_"), rights if rights.startswith("r") else "r" + rights))
        out.add((regions[conn.name], frozenset(users)))

    return out
