"""Debian's Emacs with eglot (in batch mode) against the real `drvls serve`, configured as docs/editors.md
says (its own `camkes-mode` and a `microkit-system-mode` derived from nxml-mode): a corpus file's diagnostics
appear and clear with edits, and editing an imported CAmkES component re-checks the app."""

from __future__ import annotations

from pathlib import Path

import pytest
from editor_support import editor_binary, make_project, run_script

pytestmark = pytest.mark.slow

SETUP = (Path(__file__).resolve().parents[2] / "docs" / "editors" / "drvls-eglot.el")

# The documented set-up, with the server from this test's Python (the snippet runs `drvls serve`).
PRELUDE = r"""
(load (getenv "DRVLS_ELISP") nil t)
(setq-default eglot-workspace-configuration '((:drvls . (:debounce 0))))
(setq eglot-send-changes-idle-time 0.1)
(setq eglot-server-programs
      (cons `((camkes-mode microkit-system-mode) . (,(getenv "DRVLS_PYTHON") "-m" "drvls" "serve"))
            eglot-server-programs))
"""


def emacs_args(emacs: str) -> list[str]:
    # -q, not -Q: Debian's site start-up must add the packaged eglot to the load path.
    return [emacs, "--batch", "-q", "-l", "{script}"]


SCRIPT = PRELUDE + r"""
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
    done, lines = run_script(emacs_args(emacs), SCRIPT, ".el", project, tmp_path, DRVLS_ELISP=str(SETUP))
    assert done.returncode == 0, (lines, done.stderr[-3000:])
    line = project.map_reference[0]
    assert lines[0] == "mode microkit-system-mode", lines
    assert lines[1].startswith("broken ") and f"MK033@{line}" in lines[1].removeprefix("broken ").split(","), lines
    assert lines[2] == "restored ", lines
    assert lines[3] == "mode camkes-mode", lines
    assert "CK005" not in lines[4], lines
    assert lines[5].startswith("app after dependency change ") and "CK005@12" in lines[5], lines


DEFINITION = PRELUDE + r"""
(find-file "file.system")
(apply #'eglot (eglot--guess-contact))
(let ((n 0)) (while (and (not (eglot-managed-p)) (< n 400)) (accept-process-output nil 0.05) (setq n (1+ n))))
(goto-char (point-min))
(forward-line (string-to-number (getenv "REF_LINE")))
(forward-char (string-to-number (getenv "REF_COL")))
(let* ((reply (jsonrpc-request (eglot-current-server) :textDocument/definition
                               (eglot--TextDocumentPositionParams)))
       (locations (if (and reply (or (plist-get reply :uri) (plist-get reply :targetUri))) (list reply)
                    (append reply nil))))
  (dolist (loc locations)
    (let ((uri (or (plist-get loc :uri) (plist-get loc :targetUri)))
          (range (or (plist-get loc :range) (plist-get loc :targetSelectionRange))))
      (append-to-file (format "%s %d\n" (file-name-nondirectory (eglot--uri-to-path uri))
                              (plist-get (plist-get range :start) :line))
                      nil (getenv "DRVLS_OUT")))))
(kill-emacs 0)
"""


def test_emacs_goes_to_the_memory_region_a_map_names(tmp_path: Path) -> None:
    """Go to definition on `mr="file_table"` lands on `<memory_region name="file_table">` (key `mr:file_table`)."""
    emacs = editor_binary("emacs", "apt-get install emacs-nox elpa-eglot")
    project = make_project(tmp_path)
    done, lines = run_script(emacs_args(emacs), DEFINITION, ".el", project, tmp_path, DRVLS_ELISP=str(SETUP))
    assert done.returncode == 0, done.stderr[-3000:]
    assert lines == [f"file.system {project.region_line}"]


# The definition script's start-up and position, then a hover request: its Markdown as sent.
HOVER = DEFINITION.split("(let* ((reply")[0] + r"""
(let* ((reply (jsonrpc-request (eglot-current-server) :textDocument/hover (eglot--TextDocumentPositionParams)))
       (contents (plist-get reply :contents)))
  (append-to-file (concat (or (plist-get contents :value) "") "\n") nil (getenv "DRVLS_OUT")))
(kill-emacs 0)
"""


def test_emacs_hover_on_a_map_describes_its_memory_region(tmp_path: Path) -> None:
    """Hover on `mr="file_table"` shows the region's size and every PD that maps it, this map marked."""
    emacs = editor_binary("emacs", "apt-get install emacs-nox elpa-eglot")
    project = make_project(tmp_path)
    done, lines = run_script(emacs_args(emacs), HOVER, ".el", project, tmp_path, DRVLS_ELISP=str(SETUP))
    assert done.returncode == 0, done.stderr[-3000:]
    assert lines and lines[0] == "**memory region** `file_table`", lines
    assert any(line.startswith("- size: ") for line in lines), lines
    assert any("(this map)" in line for line in lines), lines
