"""The one parser: tree-sitter on preprocessed or raw text, syntax errors, the cpp shortcut, re-parsing."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from camkes_helpers import camkes_corpus, check, messages, where, write
from camkes_verdicts import CORPUS
from drvls.camkes import grammar
from drvls.camkes.analyzer import ANALYZER, CamkesState
from drvls.camkes.frontend import load_uncached
from drvls.camkes.imports import normal
from drvls.camkes.preprocess import needs_cpp, preprocess
from drvls.camkes.settings import CamkesSettings, read_settings
from drvls.core.config import Settings
from drvls.core.languages import AnalysisContext, DiskWorkspace, Edit, SourceFile
from drvls_process import drvls_env
from prerequisites import needs

pytestmark = needs(grammar.available(), "the tree-sitter-camkes grammar (tree_sitter_camkes) is not built")
needs_cpp_program = needs(shutil.which("cpp") is not None, "no C preprocessor (cpp) on PATH")


def read(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None


@needs_cpp_program
def test_line_markers_are_preprocessor_nodes_of_the_tree(tmp_path: Path) -> None:
    write(tmp_path, {"h.h": "#define IFACES uses P p;\n",
                     "c.camkes": '#include "h.h"\ncomponent C {\n    IFACES\n}\n'})
    pre = preprocess(read(tmp_path / "c.camkes") or "", tmp_path / "c.camkes", CamkesSettings())
    assert pre.used_cpp and any(line.startswith("# ") for line in pre.text.split("\n"))
    root = grammar.parse(pre.text.encode()).root_node
    assert not root.has_error
    markers = [n for n in root.children if n.type == "preproc_directive"]
    assert markers and all(bytes(n.text).startswith(b"# ") for n in markers)


def test_one_syntax_error_per_region(tmp_path: Path) -> None:
    write(tmp_path, {"a.camkes": "component A { provdes P p; uses Q q; }\n"})
    assert messages(check(tmp_path, "a.camkes"), "CK001") == ["syntax error: unexpected `provdes`"]


def test_unclosed_brace_is_named_where_it_opens(tmp_path: Path) -> None:
    write(tmp_path, {"a.camkes": "procedure P { void f(); }\ncomponent A {\n    uses P p;\n"})
    found = [d for d in check(tmp_path, "a.camkes") if d.code == "CK001"]
    assert [d.message for d in found] == ["syntax error: `{` is never closed (missing `}` at the end of the file)"]
    assert where(found[0])[:2] == (2, 13)


@needs_cpp_program
def test_a_macro_left_unexpanded_after_cpp_is_a_syntax_error(tmp_path: Path) -> None:
    write(tmp_path, {"a.camkes": "#define X 1\ncomponent A {\n    UNDEFINED_MACRO()\n}\n"})
    found = [d for d in check(tmp_path, "a.camkes") if d.code == "CK001"]
    assert [(d.message, where(d)[:2]) for d in found] == [("syntax error: unexpected `UNDEFINED_MACRO`", (3, 5))]


def test_the_shortcut_needs_no_directive_and_no_macro_name() -> None:
    plain = CamkesSettings()
    assert not needs_cpp("component A { uses P p; } // a # in a comment\n", plain)
    assert needs_cpp("  #define X 1\n", plain)
    assert needs_cpp("/* c */ #include <x.h>\n", plain)
    assert needs_cpp("%:define X 1\n", plain)
    assert needs_cpp("component A { uses P \\\n p; }\n", plain)
    assert needs_cpp("component A { attribute string f = __FILE__; }\n", plain)
    assert needs_cpp("component linux { }\n", plain)
    assert needs_cpp("component A { uses P p; }\n", CamkesSettings(defines=("P(x)=x",)))
    assert not needs_cpp("component A { uses P p; }\n", CamkesSettings(defines=("Q=1",)))


@needs_cpp_program
def test_the_shortcut_gives_what_cpp_gives_on_the_whole_corpus() -> None:
    """Every corpus file cpp is skipped for: the same model and problems as when cpp runs."""
    corpus = camkes_corpus()
    entries = [e for e in json.loads((CORPUS / "verdicts.json").read_text(encoding="utf-8"))["files"]
               if e.get("settings")]
    compared = 0
    for entry in entries:
        flags = entry["settings"]["cpp_flags"]
        settings = read_settings(Settings({"camkes": {
            "cpp_include": [str(corpus / f[2:]) for f in flags if f.startswith("-I")],
            "defines": [f[2:] for f in flags if f.startswith("-D") and f != "-DCAMKES_TOOL_PROCESSING"]}}))
        path = normal(corpus / entry["path"])
        text = read(path) or ""
        if needs_cpp(text, settings):
            continue
        short = load_uncached(text, path, settings, read)
        full = load_uncached(text, path, settings, read, shortcut=False)
        assert not short.used_cpp and full.used_cpp
        assert repr(short.parsed.items) == repr(full.parsed.items), entry["path"]
        assert [(p.rule.code, p.message, p.loc) for p in short.problems] == \
            [(p.rule.code, p.message, p.loc) for p in full.problems], entry["path"]
        compared += 1
    assert compared > 250


def one_char_edit(text: str, at: int) -> tuple[str, Edit]:
    line = text.count("\n", 0, at)
    column = at - (text.rfind("\n", 0, at) + 1)
    edited = text[:at] + "x" + text[at:]
    return edited, Edit(at, at, at + 1, (line, column), (line, column), (line, column + 1))


def test_an_edit_re_parses_the_previous_tree(tmp_path: Path) -> None:
    text = "procedure P { void f(); }\ncomponent A {\n    uses P p;\n}\n"
    write(tmp_path, {"a.camkes": text})
    path = tmp_path / "a.camkes"
    ctx = AnalysisContext(Settings({}), DiskWorkspace([tmp_path]), session={"interface": "lsp"})
    first = ANALYZER.analyze(SourceFile(path=path, data=text.encode(), text=text), ctx)
    assert isinstance(first.state, CamkesState)
    edited, edit = one_char_edit(text, text.index("p;"))
    again = AnalysisContext(Settings({}), DiskWorkspace([tmp_path]), previous=first, edits=(edit,),
                            session={"interface": "lsp"})
    incremental = ANALYZER.analyze(SourceFile(path=path, data=edited.encode(), text=edited), again)
    fresh = ANALYZER.analyze(SourceFile(path=path, data=edited.encode(), text=edited), ctx)
    assert incremental.diagnostics == fresh.diagnostics
    assert isinstance(incremental.state, CamkesState)
    assert str(incremental.state.tree.root_node) == str(grammar.parse(edited.encode()).root_node)
    changed = first.state.tree.copy()
    changed.edit(start_byte=edit.start_byte, old_end_byte=edit.old_end_byte, new_end_byte=edit.new_end_byte,
                 start_point=edit.start_point, old_end_point=edit.old_end_point, new_end_point=edit.new_end_point)
    assert changed.changed_ranges(incremental.state.tree)  # the new tree came from the edited old one


def test_without_the_grammar_one_diagnostic_says_so(tmp_path: Path) -> None:
    """`drvls check` in a child process where `import tree_sitter_camkes` fails, as on a broken install."""
    write(tmp_path, {"a.camkes": "component A { control; }\n"})
    blocked = ("import runpy, sys; sys.modules['tree_sitter_camkes'] = None; "
               "sys.argv[0] = 'drvls'; runpy.run_module('drvls', run_name='__main__')")
    done = subprocess.run([sys.executable, "-c", blocked, "check", "--format", "json", "a.camkes"], cwd=tmp_path,
                          env=drvls_env(), capture_output=True, text=True, check=False, timeout=120)
    assert "CK030" in done.stdout and "tree_sitter_camkes" in done.stdout, done.stdout + done.stderr
    assert done.stdout.count("CK030") == 1 and "Traceback" not in done.stderr


def test_settings_read_again_follow_the_working_and_config_folders(tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """The same `[camkes]` table read twice is one answer only while what its relative paths hang on stays."""
    for folder in ("a", "b"):
        (tmp_path / folder).mkdir()
    table = {"camkes": {"import_path": ["inc"], "cpp_include": ["~/h"]}}
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.chdir(tmp_path / "a")
    assert read_settings(Settings(table)).import_path == (tmp_path / "a" / "inc",)
    monkeypatch.chdir(tmp_path / "b")
    assert read_settings(Settings(table)).import_path == (tmp_path / "b" / "inc",)
    assert read_settings(Settings(table)).cpp_include == (tmp_path / "home" / "h",)
    monkeypatch.setenv("HOME", str(tmp_path / "other"))
    assert read_settings(Settings(table)).cpp_include == (tmp_path / "other" / "h",)
    config = tmp_path / "a" / "drvls.toml"
    assert read_settings(Settings(table, config_file=config)).import_path == (tmp_path / "a" / "inc",)
    table["camkes"]["import_path"] = ["inc2"]
    assert read_settings(Settings(table, config_file=config)).import_path == (tmp_path / "a" / "inc2",)
