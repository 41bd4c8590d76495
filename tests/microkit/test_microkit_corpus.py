"""Conformance with the Microkit tool over the real corpus (`../shared/corpus/microkit`, verdicts.json).

Accepted files give zero errors; for rejected files one of our errors carries exactly the tool's
message (prefix and location stripped) with its range inside the element the tool names;
legacy-syntax files may give the targeted legacy diagnostic instead.
"""

from __future__ import annotations

import json

import pytest
from microkit_conformance import CORPUS, check_entry, strip_reference
from microkit_support import corpus_dir


def rows() -> list[dict[str, object]]:
    path = CORPUS / "verdicts.json"
    if not path.is_file():
        return []
    data: dict[str, object] = json.loads(path.read_text(encoding="utf-8"))
    return list(data["files"])  # type: ignore[call-overload]


def configs() -> dict[str, object]:
    data: dict[str, object] = json.loads((corpus_dir() / "verdicts.json").read_text(encoding="utf-8"))
    return data["configs"]  # type: ignore[return-value]


def test_corpus_is_present() -> None:
    corpus_dir()
    assert len(rows()) >= 200


@pytest.mark.parametrize("entry", rows(), ids=lambda e: str(e["path"]))
def test_conforms_to_the_tool(entry: dict[str, object]) -> None:
    outcome = check_entry(entry, configs())  # type: ignore[arg-type]
    details = [(d.code, d.range.start.line + 1, d.message) for d in outcome.diagnostics]
    assert outcome.ok, (outcome.how, details)


def test_rejected_fixtures_match_exactly_not_just_by_legacy() -> None:
    corpus_dir()
    exact = [e for e in rows() if not e["accepted"] and "tool/microkit/tests/sdf" in str(e["path"])]
    outcomes = [check_entry(e, configs()) for e in exact]  # type: ignore[arg-type]
    assert len(outcomes) == 86
    assert all(o.how == "exact" for o in outcomes), [o.path for o in outcomes if o.how != "exact"]


def test_strip_reference() -> None:
    assert strip_reference("Error: id must be < 62 on element 'end': x.system:15:9") == (
        "id must be < 62 on element 'end'", (15, 9), False)
    assert strip_reference("Error: duplicate irq: 1 in protection domain: 'a' @ x.system:3:5") == (
        "duplicate irq: 1 in protection domain: 'a'", (3, 5), False)
    assert strip_reference("Error: duplicate protection domain name 'test'.") == (
        "duplicate protection domain name 'test'.", None, False)
    assert strip_reference("Error: map for 'a' overlaps in protection domain 'h' @ pd_overla...") == (
        "map for 'a' overlaps in protection domain 'h'", None, True)
