"""`drvls check --format sarif` validated against the official SARIF 2.1.0 JSON schema.

The schema ships in the npm package `@microsoft/jest-sarif` (`lib/schemas/sarif-2.1.0-rtm.5.json`). Install it
beside the repository with `npm install --no-save @microsoft/jest-sarif@1.0.0-beta.0` (run at the repository
root; `node_modules/` is ignored by git), or point `DRVLS_SARIF_SCHEMA` at a copy of the schema file.
Validation uses `jsonschema` from PyPI.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from drvls_process import run_drvls
from prerequisites import skip_or_fail

REPO = Path(__file__).resolve().parents[2]
SCHEMA_IN_PACKAGE = REPO / "node_modules" / "@microsoft" / "jest-sarif" / "lib" / "schemas" / "sarif-2.1.0-rtm.5.json"
INSTALL = "npm install --no-save @microsoft/jest-sarif@1.0.0-beta.0 (at the repository root)"

PROBLEMS = """<?xml version="1.0" encoding="UTF-8"?>
<system>
    <memory_region name="m" size="0x1000" />
    <memory_region name="m" size="0x1000" />
    <protection_domain name="a" priority="300" pp="true">
        <program_image path="a.elf" />
        <map mr="m" vaddr="0x1000" perms="" />
        <map mr="m" vaddr="0x1000" />
    </protection_domain>
    <protection_domain name="b" priority="1">
        <program_image path="b.elf" />
    </protection_domain>
    <channel><end pd="a" id="1" /><end pd="b" id="1" /></channel>
</system>
"""


def schema() -> dict[str, Any]:
    named = os.environ.get("DRVLS_SARIF_SCHEMA")
    path = Path(named) if named else SCHEMA_IN_PACKAGE
    if not path.is_file():
        skip_or_fail(f"the SARIF 2.1.0 schema is not installed ({path.name} not found): {INSTALL}")
    loaded: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return loaded


def sarif(*args: str, cwd: Path) -> dict[str, Any]:
    done = run_drvls("check", "--format", "sarif", *args, cwd=cwd)
    assert done.returncode in (0, 1), done.stderr
    doc: dict[str, Any] = json.loads(done.stdout)
    return doc


def assert_valid(doc: dict[str, Any]) -> None:
    import jsonschema

    loaded = schema()
    validator = jsonschema.validators.validator_for(loaded)(loaded)
    errors = [f"{'/'.join(str(p) for p in e.absolute_path)}: {e.message}" for e in validator.iter_errors(doc)]
    assert errors == []


def test_sarif_with_related_locations_and_fixes_is_valid(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    (tmp_path / "a.system").write_text(PROBLEMS, encoding="utf-8")
    (tmp_path / "sub" / "bad.system").write_bytes(b"<system>\n  <protection_domain name=\"\xff\"\n")
    doc = sarif(".", cwd=tmp_path)
    results = doc["runs"][0]["results"]
    assert {r["ruleId"] for r in results} >= {"MK037", "MK020", "MK110", "MK031", "MK036", "DL003", "MK001"}
    assert any(r.get("relatedLocations") for r in results)
    assert_valid(doc)


def test_clean_run_is_valid(tmp_path: Path) -> None:
    (tmp_path / "ok.system").write_text(PROBLEMS.split("    <memory_region name=\"m\" size=\"0x1000\" />\n")[0]
                                        + '    <protection_domain name="a">\n        <program_image path="a" />\n'
                                        "    </protection_domain>\n</system>\n", encoding="utf-8")
    doc = sarif("ok.system", cwd=tmp_path)
    assert [r["ruleId"] for r in doc["runs"][0]["results"]] == ["MK201"]  # its program image is not built
    assert_valid(doc)
