"""docs/editors.md's snippets for clients Debian does not ship (Neovim 0.11+, nvim-lspconfig, Helix, Zed,
Sublime Text) at least parse: Lua compiled by Neovim's own Lua, TOML and JSON by Python, Emacs Lisp read by
Emacs. Every file the snippets name in this repository exists."""

from __future__ import annotations

import json
import re
import subprocess
import tomllib
from pathlib import Path

import pytest
from drvls_process import REPO
from editor_support import editor_binary

DOC = REPO / "docs" / "editors.md"


def blocks(language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", DOC.read_text(encoding="utf-8"), re.DOTALL)


def test_every_client_has_a_snippet() -> None:
    text = DOC.read_text(encoding="utf-8")
    for heading in ("Neovim 0.11+", "nvim-lspconfig", "Neovim 0.7", "Emacs (eglot)", "Helix", "Zed", "Sublime Text"):
        assert f"## {heading}" in text or heading in text
    assert len(blocks("lua")) >= 4 and blocks("toml") and blocks("json") and blocks("emacs-lisp")


def test_toml_snippets_parse() -> None:
    for block in blocks("toml"):
        tomllib.loads(block)
    helix = tomllib.loads(blocks("toml")[0])
    assert helix["language-server"]["drvls"]["args"] == ["serve"]
    assert {lang["name"] for lang in helix["language"]} == {"microkit-system", "camkes"}


def test_json_snippets_parse() -> None:
    for block in blocks("json"):
        json.loads(block)


@pytest.mark.slow
def test_lua_snippets_compile_in_neovims_lua(tmp_path: Path) -> None:
    nvim = editor_binary("nvim", "apt-get install neovim")
    for i, block in enumerate(blocks("lua")):
        path = tmp_path / f"snippet{i}.lua"
        path.write_text(block, encoding="utf-8")
        check = (f"lua local f, e = loadfile({json.dumps(str(path))}); "
                 "if not f then io.stderr:write(e .. '\\n'); vim.cmd('cquit 1') end")
        done = subprocess.run([nvim, "--headless", "--clean", "-u", "NONE", "-c", check, "-c", "qa!"],
                              capture_output=True, text=True, timeout=60, check=False)
        assert done.returncode == 0, (block, done.stderr)


@pytest.mark.slow
def test_emacs_lisp_snippets_read(tmp_path: Path) -> None:
    emacs = editor_binary("emacs", "apt-get install emacs-nox")
    for i, block in enumerate([*blocks("emacs-lisp"), (REPO / "docs" / "editors" / "drvls-eglot.el").read_text()]):
        path = tmp_path / f"snippet{i}.el"
        path.write_text(block, encoding="utf-8")
        # Balanced first (an unclosed form would only look like the end of the file), then every form reads.
        reader = ("(with-temp-buffer (insert-file-contents (car command-line-args-left)) (emacs-lisp-mode)"
                  " (check-parens) (goto-char (point-min))"
                  " (condition-case nil (while t (read (current-buffer))) (end-of-file nil)))")
        done = subprocess.run([emacs, "--batch", "-Q", "--eval", reader, str(path)], capture_output=True,
                              text=True, timeout=60, check=False)
        assert done.returncode == 0, (block, done.stderr)


def test_files_the_snippets_name_exist() -> None:
    grammar = REPO / "grammars" / "tree-sitter-camkes"
    for name in ("src/parser.c", "src/scanner.c", "queries/highlights.scm", "queries/locals.scm",
                 "queries/folds.scm"):
        assert (grammar / name).is_file(), name
    assert (REPO / "docs" / "editors" / "drvls-eglot.el").is_file()
