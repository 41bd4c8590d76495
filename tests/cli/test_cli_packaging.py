"""Packaging: `python -m build` makes an sdist and a wheel (the wheel built from the sdist, so the sdist is
complete); the wheel is a platform wheel carrying the compiled parts, so it installs and runs where there is
no C compiler. Metadata uses the PEP 639 licence expression."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from drvls_process import REPO


@pytest.mark.slow
def test_build_then_install_the_wheel_without_a_compiler_and_check_the_examples(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    built = subprocess.run([sys.executable, "-m", "build", "--outdir", str(dist), str(REPO)],
                           capture_output=True, text=True, timeout=900, check=False)
    assert built.returncode == 0, built.stdout[-3000:] + built.stderr[-3000:]
    sdists, wheels = sorted(dist.glob("*.tar.gz")), sorted(dist.glob("*.whl"))
    assert len(sdists) == 1 and len(wheels) == 1
    wheel = wheels[0]
    assert not wheel.name.endswith("-none-any.whl")  # a platform wheel: the native parts are compiled in
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        metadata = archive.read(next(n for n in names if n.endswith(".dist-info/METADATA"))).decode()
    assert any(n.startswith("drvls/_drvnative") and n.endswith(".so") for n in names)
    assert any(n.startswith("tree_sitter_camkes/_binding") for n in names)
    assert "License-Expression: MIT" in metadata
    assert any(n.endswith("licenses/LICENSE") for n in names)

    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=120)
    no_compiler = {**os.environ, "CC": "false", "CXX": "false", "LDSHARED": "false"}
    no_compiler.pop("PYTHONPATH", None)
    installed = subprocess.run([str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet", "--only-binary",
                                ":all:", str(wheel)], env=no_compiler, capture_output=True, text=True,
                               timeout=900, check=False)
    assert installed.returncode == 0, installed.stdout + installed.stderr
    probe = "import drvls, drvls._drvnative; print(drvls.__file__)"
    where = subprocess.run([str(venv / "bin" / "python"), "-c", probe], env=no_compiler, cwd=tmp_path,
                           capture_output=True, text=True, timeout=60, check=True)
    assert where.stdout.strip().startswith(str(venv))
    checked = subprocess.run([str(venv / "bin" / "drvls"), "check", "examples/"], cwd=REPO, env=no_compiler,
                             capture_output=True, text=True, timeout=300, check=False)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "files checked." in checked.stdout
