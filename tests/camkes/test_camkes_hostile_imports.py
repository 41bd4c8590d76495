"""Imports a repository can aim at the machine: pipes, devices, secrets; and memory over a long edit session."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from camkes_helpers import check, only, write
from drvls.camkes.cache import CACHE
from drvls.camkes.frontend import PARSED_BUDGET
from drvls.core.config import Settings
from drvls.core.engine import check_source
from drvls.core.languages import Analysis, AnalysisContext, DiskWorkspace, Edit, SourceFile
from drvls_process import drvls_env


def app_importing(target: str) -> str:
    return f'import "{target}";\ncomponent C {{ control; }}\nassembly {{ composition {{ component C c; }} }}\n'


@pytest.mark.parametrize("target", ["/dev/stdin", "/dev/zero", "."])
def test_importing_a_device_or_folder_is_a_located_diagnostic(tmp_path: Path, target: str) -> None:
    write(tmp_path, {"app.camkes": app_importing(target)})
    diag = only(check(tmp_path, "app.camkes"), "CK031")
    assert diag.message.startswith(f"cannot read imported file '{target}': not a regular file")
    assert diag.range.start.line == 0


def test_importing_a_fifo_does_not_wait_for_a_writer(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe.camkes")
    write(tmp_path, {"app.camkes": app_importing("pipe.camkes")})
    assert "not a regular file" in only(check(tmp_path, "app.camkes"), "CK031").message


def test_cli_import_of_stdin_neither_blocks_nor_reads_the_terminal(tmp_path: Path) -> None:
    write(tmp_path, {"app.camkes": app_importing("/dev/stdin")})
    done = subprocess.run([sys.executable, "-m", "drvls", "check", "app.camkes"], cwd=tmp_path, env=drvls_env(),
                          stdin=subprocess.PIPE, capture_output=True, text=True, timeout=60, check=False)
    assert "CK031" in done.stdout


def test_importing_a_file_that_is_not_camkes_quotes_none_of_it(tmp_path: Path) -> None:
    secret = "API_TOKEN=s3cr3t-value\0HOME=/home/someone\0"
    write(tmp_path, {"env": secret, "notes.txt": "TOKEN=hunter2 and other words\n",
                     "app.camkes": 'import "env";\nimport "notes.txt";\ncomponent C { control; }\n'
                                   "assembly { composition { component C c; } }\n"})
    found = check(tmp_path, "app.camkes")
    assert [d.code for d in found] == ["CK032", "CK032"]
    text = " ".join(d.message + " ".join(r.message for r in d.related) for d in found)
    assert "TOKEN" not in text and "s3cr3t" not in text and "hunter2" not in text
    assert found[0].message == "imported file 'env' is not a CAmkES file (nothing in it is CAmkES syntax)"


def test_proc_environ_import_is_refused_without_its_content(tmp_path: Path) -> None:
    if not Path("/proc/self/environ").exists():
        pytest.skip("no /proc on this system")
    write(tmp_path, {"app.camkes": app_importing("/proc/self/environ")})
    diag = only(check(tmp_path, "app.camkes"), "CK032")
    assert "=" not in diag.message and not diag.related


def _rss_mb() -> float:
    with open("/proc/self/statm", encoding="ascii") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


@pytest.mark.slow
def test_memory_stays_bounded_over_500_edits_of_a_150kb_file(tmp_path: Path) -> None:
    if not Path("/proc/self/statm").exists():
        pytest.skip("no /proc on this system")
    decls = "".join(f"component C{i} {{ control; attribute int n{i} = {i}; }}\n" for i in range(300))
    comment = "".join(f"// line {i} of the notes kept in this file, as real apps have long comments\n"
                      for i in range(1800))
    text = decls + comment
    assert len(text) > 150_000
    path = tmp_path / "big.camkes"
    path.write_text(text, encoding="utf-8")
    CACHE.clear()
    previous: Analysis | None = None
    samples = []
    for n in range(500):
        at = len(decls) + n  # type one more character into the notes, as an editor sends it
        new = text[:len(decls)] + "x" * (n + 1) + text[len(decls):]
        line = decls.count("\n")
        edit = Edit(at, at, at + 1, (line, n), (line, n), (line, n + 1))
        ctx = AnalysisContext(Settings({}), DiskWorkspace([tmp_path]), previous=previous,
                              edits=(edit,) if previous is not None else (), session={"interface": "lsp"})
        previous = check_source(SourceFile(path, new.encode(), new), ctx)
        if n in (100, 499):
            samples.append(_rss_mb())
    assert previous is not None and len(previous.symbols.definitions) == 600
    assert CACHE.weight() <= 2 * PARSED_BUDGET + 4 * len(text)
    assert samples[1] - samples[0] < 40, samples  # about 6.7 MB per edit before the caches were bounded
