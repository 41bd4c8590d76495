"""Debian's Emacs with eglot (in batch mode) against the real `drvls serve`, configured as docs/editors.md
says (its own `camkes-mode` and a `microkit-system-mode` derived from nxml-mode): a corpus file's diagnostics
appear and clear with edits, and editing an imported CAmkES component re-checks the app."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from editor_support import editor_binary, editor_env, make_project

pytestmark = pytest.mark.slow

SETUP = (Path(__file__).resolve().parents[2] / "docs" / "editors" / "drvls-eglot.el")

SCRIPT = r"""
(setq debug-on-error nil)
(load (getenv "DRVLS_ELISP") nil t)
(setq-default eglot-workspace-configuration '((:drvls . (:debounce 0))))
(setq eglot-send-changes-idle-time 0.1)
;; The snippet runs `drvls serve`; here the server comes from this test's Python.
(setq eglot-server-programs
      (cons `((camkes-mode microkit-system-mode) . (,(getenv "DRVLS_PYTHON") "-m" "drvls" "serve"))
            eglot-server-programs))
(defvar out-file (getenv "DRVLS_OUT"))
(defun say (text) (append-to-file (concat text "\n") nil out-file))
(defun codes ()
  (let (found)
    (dolist (d (flymake-diagnostics))
      (when (string-match "\\[\\([A-Z]+[0-9]+\\)\\]" (flymake-diagnostic-text d))
        (push (format "%s@%d" (match-string 1 (flymake-diagnostic-text d))
                      (1- (line-number-at-pos (flymake-diagnostic-beg d))))
              found)))
    (mapconcat #'identity (sort found #'string<) ",")))
(defun wait-until (pred)
  (let ((n 0))
    (while (and (not (funcall pred)) (< n 600))
      (accept-process-output nil 0.05)
      (setq n (1+ n)))))
(defun edited ()
  "Send the change now: eglot sends it from an idle timer, and batch Emacs is never idle."
  (eglot--signal-textDocument/didChange))
(defun manage ()
  (unless (eglot-managed-p)
    (if (eglot-current-server) (eglot--maybe-activate-editing-mode) (apply #'eglot (eglot--guess-contact))))
  (wait-until #'eglot-managed-p)
  (flymake-start))  ; flymake defers its first run until after a command, which batch Emacs never runs

(find-file "file.system")
(say (format "mode %s" major-mode))
(manage)
(let ((line (string-to-number (getenv "REF_LINE"))) (col (string-to-number (getenv "REF_COL"))))
  (goto-char (point-min)) (forward-line line) (forward-char col) (insert "x") (edited)
  (wait-until (lambda () (string-match-p (format "MK033@%d" line) (codes))))
  (say (concat "broken " (codes)))
  (delete-char -1) (edited)
  (wait-until (lambda () (not (string-match-p "MK033" (codes)))))
  (say (concat "restored " (codes))))

(find-file "app.camkes")
(say (format "mode %s" major-mode))
(manage)
(let ((app (current-buffer)))
  (accept-process-output nil 2)
  (say (concat "app " (codes)))
  (find-file "comp.camkes")
  (manage)
  (goto-char (point-min)) (forward-line 2) (forward-char 15) (delete-char 1) (insert "p") (edited)
  (with-current-buffer app
    (wait-until (lambda () (flymake-start) (string-match-p "CK005" (codes))))
    (say (concat "app after dependency change " (codes)))))
(kill-emacs 0)
"""


def test_emacs_eglot_shows_diagnostics_and_follows_a_dependency_change(tmp_path: Path) -> None:
    emacs = editor_binary("emacs", "apt-get install emacs-nox elpa-eglot")
    project = make_project(tmp_path)
    script = tmp_path / "smoke.el"
    script.write_text(SCRIPT, encoding="utf-8")
    out = tmp_path / "out.txt"
    env = {**editor_env(tmp_path), "DRVLS_OUT": str(out), "DRVLS_ELISP": str(SETUP),
           "REF_LINE": str(project.map_reference[0]), "REF_COL": str(project.map_reference[1])}
    # -q, not -Q: Debian's site start-up must add the packaged eglot to the load path.
    done = subprocess.run([emacs, "--batch", "-q", "-l", str(script)], cwd=project.root, env=env, timeout=240,
                          capture_output=True, text=True, check=False)
    lines = out.read_text(encoding="utf-8").splitlines() if out.exists() else []
    assert done.returncode == 0, (lines, done.stderr[-3000:])
    line = project.map_reference[0]
    assert lines[0] == "mode microkit-system-mode", lines
    assert lines[1].startswith("broken ") and f"MK033@{line}" in lines[1].removeprefix("broken ").split(","), lines
    assert lines[2] == "restored ", lines
    assert lines[3] == "mode camkes-mode", lines
    assert "CK005" not in lines[4], lines
    assert lines[5].startswith("app after dependency change ") and "CK005@12" in lines[5], lines
