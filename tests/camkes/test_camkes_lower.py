"""The raw tree-sitter tree → model path, used when no C preprocessor is available."""

from __future__ import annotations

import json
from pathlib import Path

from camkes_helpers import camkes_corpus, check, errors, messages, only, where, write
from camkes_verdicts import CORPUS
from drvls.camkes import grammar
from drvls.core.config import Settings
from drvls.core.engine import check_path
from drvls.core.languages import AnalysisContext, DiskWorkspace
from prerequisites import needs

pytestmark = needs(grammar.available(), "the tree-sitter-camkes grammar (tree_sitter_camkes) is not built")
NO_CPP = "/nonexistent/cpp-program"


def test_macro_lines_do_not_break_the_raw_tree(tmp_path: Path) -> None:
    write(tmp_path, {"vm.camkes": '#include <configurations/vm.h>\n'
                                  "component VM {\n    VM_INIT_DEF()\n    uses Missing m;\n}\n"})
    found = check(tmp_path, "vm.camkes", cpp=NO_CPP)
    assert errors(found) == []
    assert messages(found, "CK005") == ["unknown reference to 'Missing'"]
    assert where(only(found, "CK005")) == (4, 10, 4, 17)
    assert only(found, "CK003").severity.label == "information"


def test_raw_tree_reports_syntax_errors_and_checks(tmp_path: Path) -> None:
    write(tmp_path, {"app.camkes": "#include <anything.h>\nimport <std_connector.camkes>;\n"
                                   "procedure P { void asm(); }\n"
                                   "component C { control; uses P p; uses P from; }\n"
                                   "assembly { composition { component C c; } }\n"})
    found = check(tmp_path, "app.camkes", cpp=NO_CPP)
    got = set(messages(found))
    assert "syntax error: 'from' is a reserved word and cannot be a name" in got
    assert "method name 'asm' clashes with a C keyword" in got
    assert "non-optional interface c.p is not connected" in got


def test_raw_tree_agrees_with_the_preprocessed_path_on_plain_files() -> None:
    """On files cpp leaves alone, both paths give the same diagnostics (a sample of the corpus)."""
    corpus = camkes_corpus()
    entries = [e for e in json.loads((CORPUS / "verdicts.json").read_text(encoding="utf-8"))["files"]
               if e.get("settings") and "#" not in (corpus / e["path"]).read_text(errors="replace")]
    assert len(entries) > 100
    for entry in entries[::6]:
        root = corpus / entry["path"].split("/")[0]
        base = {"import_path": [str(corpus / p) for p in entry["settings"]["import_paths"]],
                "allow_forward_references": entry["settings"]["allow_forward_references"]}
        results = []
        plain = True
        for cpp in ("cpp", NO_CPP):
            ctx = AnalysisContext(Settings({"camkes": {**base, "cpp": cpp}}), DiskWorkspace([root]))
            analysis = check_path(corpus / entry["path"], ctx)
            adl = [p for p in analysis.dependencies if p.suffix in (".camkes", ".idl4", ".h") and p.is_file()]
            plain = plain and not any("#" in p.read_text(errors="replace") for p in adl)
            results.append([(d.code, d.range, d.message) for d in analysis.diagnostics if d.code != "CK003"])
        if plain:  # files importing macro users rightly differ
            assert results[0] == results[1], entry["path"]
