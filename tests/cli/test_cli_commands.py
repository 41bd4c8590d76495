"""A run imports only what its command needs: the command table names the module of every command,
and `drvls check` of a `.system` file leaves the other commands, the server and the heavy libraries
unimported (each would add to the start-up of every one-file check in an editor's save hook or CI)."""

from __future__ import annotations

import argparse
import importlib
import json
import subprocess
import sys
from pathlib import Path

from drvls.cli.main import COMMAND_MODULES, build_parser
from drvls_process import drvls_env


def test_the_command_table_names_the_module_that_registers_each_command() -> None:
    found: dict[str, str] = {}
    for module_name in dict.fromkeys(COMMAND_MODULES.values()):
        sub = argparse.ArgumentParser().add_subparsers()
        importlib.import_module(module_name).register(sub)
        found.update(dict.fromkeys(sub.choices, module_name))
    assert found == COMMAND_MODULES
    assert set(build_parser()._subparsers._group_actions[0].choices) == set(COMMAND_MODULES)  # type: ignore[union-attr]


def test_a_check_imports_neither_other_commands_nor_the_server(tmp_path: Path) -> None:
    path = tmp_path / "one.system"
    path.write_text('<system>\n    <memory_region name="m" size="0x1000" />\n</system>\n', encoding="utf-8")
    probe = ("import json, sys\nfrom drvls.cli.main import main\nstatus = main(['check', '-q', sys.argv[1]])\n"
             "print(json.dumps([status, sorted(sys.modules)]))\n")
    done = subprocess.run([sys.executable, "-c", probe, str(path)], env=drvls_env(), capture_output=True, text=True,
                          timeout=120, check=False)
    status, modules = json.loads(done.stdout.splitlines()[-1])
    assert status == 1 and "MK028" in done.stdout, done.stdout + done.stderr  # the file was checked
    cli = {m for m in modules if m.startswith("drvls.cli.") and m.endswith(("_command", "_commands"))}
    assert cli == {"drvls.cli.check_command"}
    # What the bare interpreter already imports here (a site `.pth` file may import `shutil`, say) is not
    # the check's doing.
    bare = subprocess.run([sys.executable, "-c", "import json, sys; print(json.dumps(sorted(sys.modules)))"],
                          env=drvls_env(), capture_output=True, text=True, timeout=60, check=True)
    started = {m.split(".")[0] for m in json.loads(bare.stdout.splitlines()[-1])}
    heavy = {m.split(".")[0] for m in modules} & {"pygls", "lsprotocol", "cattrs", "nacl", "elftools", "blake3",
                                                  "logging", "difflib", "tomllib", "shutil"}
    assert not heavy - started
    assert not [m for m in modules if m.startswith(("drvls.lsp", "drvls.views", "drvls.camkes.analyzer"))]
