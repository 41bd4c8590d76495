"""The VS Code extension's own checks, from the suite: its node unit tests and grammar tests, and its
TextMate grammars run by vscode-tmgrammar-test over every real CAmkES / IDL4 file of the corpus."""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from prerequisites import REPO, corpus_path, skip_or_fail

CLIENT = REPO / "vscode-client"
TMGRAMMAR_TEST = CLIENT / "node_modules" / ".bin" / "vscode-tmgrammar-test"
DECLARATIONS = {"component", "procedure", "connector", "assembly"}
SECTIONS = {"composition", "configuration", "connection", "provides", "uses", "emits", "consumes", "from", "to"}
WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
STRING_REST = re.compile(r'(?:[^"\\]|\\.)*"')


def client_ready() -> None:
    if shutil.which("node") is None or not TMGRAMMAR_TEST.exists():
        skip_or_fail("the VS Code extension's node modules are not installed (cd vscode-client && npm ci)")


def test_the_extensions_unit_and_grammar_tests_pass() -> None:
    client_ready()
    run = subprocess.run(["npm", "test"], cwd=CLIENT, capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-2000:]
    assert re.search(r"^# fail 0$", run.stdout, re.M) and re.search(r"^# pass [1-9]", run.stdout, re.M)


def tokens(text: str) -> Iterator[tuple[int, int, str, str]]:
    """(line, column, kind, text) for comment starts, string starts and words outside both, by a lexer
    independent of the grammar; preprocessor lines yield only their comments and strings."""
    state = "code"
    for n, line in enumerate(text.split("\n")):
        i = 0
        directive = line.lstrip().startswith("#") and state == "code"
        while i < len(line):
            if state == "block":
                end = line.find("*/", i)
                if end < 0:
                    break
                state, i = "code", end + 2
                continue
            if state == "string":  # strings may span lines, as in camkes-tool's own templates
                close = STRING_REST.match(line, i)
                if close is None:
                    break
                state, i = "code", close.end()
                continue
            if line.startswith("//", i):
                yield n, i, "comment", "//"
                break
            if line.startswith("/*", i):
                yield n, i, "comment", "/*"
                state, i = "block", i + 2
                continue
            if line[i] == '"':
                yield n, i, "string", '"'
                state, i = "string", i + 1
                continue
            word = WORD.match(line, i)
            if word and (i == 0 or not (line[i - 1].isalnum() or line[i - 1] == "_")):
                if not directive:
                    yield n, i, "word", word.group()
                i = word.end()
                continue
            i += 1


def assertion_file(source: str, scope: str) -> str:
    """The source with vscode-tmgrammar-test assertions after each line: comments, strings, keywords."""
    lang = scope.split(".")[-1]
    expected = {"//": f"comment.line.double-slash.{lang}", "/*": f"comment.block.{lang}",
                '"': f"string.quoted.double.{lang}"}
    by_line: dict[int, list[str]] = {}
    for n, col, kind, text in tokens(source):
        if kind == "word":
            if text in DECLARATIONS:
                want = f"storage.type.{lang}"
            elif text in SECTIONS and lang == "camkes":
                want = f"keyword.other.{lang}"
            else:
                continue
        else:
            want = expected[text]
        if col == 1:
            continue  # under the assertion's own `//`
        marker = f"// <{'-' * len(text)}" if col == 0 else "//" + " " * (col - 2) + "^" * len(text)
        by_line.setdefault(n, []).append(f"{marker} {want}")
    lines = [f'// SYNTAX TEST "{scope}" "corpus file"']
    for n, line in enumerate(source.split("\n")):
        lines.append(line)
        lines.extend(by_line.get(n, []))
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("suffix", [".camkes", ".idl4"])
def test_grammars_over_every_corpus_file(suffix: str, tmp_path: Path) -> None:
    client_ready()
    corpus = corpus_path("camkes")
    scope = "source.camkes" if suffix == ".camkes" else "source.idl4"
    files = sorted(corpus.rglob(f"*{suffix}"))
    assert len(files) > 10
    written = []
    for i, path in enumerate(files):
        source = path.read_text(encoding="utf-8", errors="replace").replace("\r\n", "\n")
        if any(line.lstrip().startswith("//") and re.match(r"\s*//\s*(\^|<-)", line) for line in source.split("\n")):
            continue  # a comment the test tool would read as an assertion
        target = tmp_path / f"{i:04d}.test{suffix}"
        target.write_text(assertion_file(source, scope))
        written.append(str(target))
    syntaxes = CLIENT / "syntaxes"
    grammars = [arg for name in ("camkes", "idl4") for arg in ("-g", str(syntaxes / f"{name}.tmLanguage.json"))]
    run = subprocess.run([str(TMGRAMMAR_TEST), *grammars, *written], capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stdout[-6000:]
