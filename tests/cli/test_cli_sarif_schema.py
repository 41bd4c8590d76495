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


def test_sarif_is_ready_for_code_scanning(tmp_path: Path) -> None:
    """Relative artifact paths under %SRCROOT%, a fingerprint per result that survives moved lines, and
    rule metadata (descriptions, help, a help URI into docs/rules.md) for every code used."""
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "a.system").write_text(PROBLEMS, encoding="utf-8")
    doc = sarif(".", cwd=tmp_path)
    run = doc["runs"][0]
    assert run["originalUriBaseIds"]["%SRCROOT%"]["uri"] == tmp_path.resolve().as_uri() + "/"
    results = run["results"]
    for result in results:
        artifact = result["locations"][0]["physicalLocation"]["artifactLocation"]
        assert artifact == {"uri": "sub/a.system", "uriBaseId": "%SRCROOT%"}
        assert result["partialFingerprints"]["drvlsFinding/v1"]
    assert len({r["partialFingerprints"]["drvlsFinding/v1"] for r in results}) == len(results)
    rules = run["tool"]["driver"]["rules"]
    assert {r["id"] for r in rules} == {r["ruleId"] for r in results}
    for rule in rules:
        assert rule["shortDescription"]["text"] and rule["fullDescription"]["text"] and rule["help"]["text"]
        assert rule["helpUri"].endswith("docs/rules.md#" + rule["id"].lower())
        assert f'<a id="{rule["id"].lower()}"></a>' in (REPO / "docs" / "rules.md").read_text(encoding="utf-8")

    # Lines inserted above: every finding keeps its fingerprint.
    (tmp_path / "sub" / "a.system").write_text(PROBLEMS.replace("<system>\n", "<system>\n\n\n<!-- x -->\n"),
                                               encoding="utf-8")
    moved = sarif(".", cwd=tmp_path)["runs"][0]["results"]
    assert sorted(r["partialFingerprints"]["drvlsFinding/v1"] for r in moved) == sorted(
        r["partialFingerprints"]["drvlsFinding/v1"] for r in results)
    assert_valid(doc)


def test_json_report_matches_its_published_schema(tmp_path: Path) -> None:
    import jsonschema

    (tmp_path / "a.system").write_text(PROBLEMS, encoding="utf-8")
    done = run_drvls("check", "--format", "json", ".", cwd=tmp_path)
    doc = json.loads(done.stdout)
    loaded = json.loads((REPO / "docs" / "json-report.schema.json").read_text(encoding="utf-8"))
    jsonschema.Draft7Validator.check_schema(loaded)
    jsonschema.Draft7Validator(loaded).validate(doc)
    assert doc["version"] == 1 and doc["files_checked"] == 1 and doc["diagnostics"]
    assert any(d["related"] for d in doc["diagnostics"])
    broken = {**doc, "version": 2}
    assert not jsonschema.Draft7Validator(loaded).is_valid(broken)


def test_gitlab_code_quality_report(tmp_path: Path) -> None:
    (tmp_path / "a.system").write_text(PROBLEMS, encoding="utf-8")
    done = run_drvls("check", "--format", "gitlab", ".", cwd=tmp_path)
    assert done.returncode == 1
    issues = json.loads(done.stdout)
    assert issues and len({i["fingerprint"] for i in issues}) == len(issues)
    for issue in issues:
        assert issue["type"] == "issue" and issue["check_name"] and issue["description"]
        assert issue["severity"] in {"info", "minor", "major", "critical", "blocker"}
        assert issue["location"]["path"] == "a.system" and issue["location"]["lines"]["begin"] >= 1
