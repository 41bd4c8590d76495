"""`drvls check` on a CAmkES app, with camkes-tool's options, run as a user runs it."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

from camkes_helpers import write
from drvls_process import drvls_env
from prerequisites import needs

needs_cpp = needs(shutil.which("cpp") is not None, "no C preprocessor (cpp) on PATH")


def drvls(*args: str, cwd: Path) -> tuple[int, Any]:
    env = drvls_env()
    done = subprocess.run([sys.executable, "-m", "drvls", "check", "--format", "json", *args], cwd=cwd,
                          env=env, capture_output=True, text=True, check=False, timeout=120)
    return done.returncode, json.loads(done.stdout)


def codes(report: Any) -> list[tuple[str, str, str]]:
    """(file name, code, message) of every diagnostic in a JSON report, whatever its exact layout."""
    out = []

    def walk(node: Any, file: str = "") -> None:
        if isinstance(node, dict):
            here = str(node.get("path") or node.get("file") or file)
            if "code" in node and "message" in node:
                out.append((Path(here).name, str(node["code"]), str(node["message"])))
            for value in node.values():
                walk(value, here)
        elif isinstance(node, list):
            for value in node:
                walk(value, file)
    walk(report)
    return out


@needs_cpp
def test_cli_options_reach_the_camkes_checks(tmp_path: Path) -> None:
    write(tmp_path, {
        "builtin/std_connector.camkes": "connector seL4RPCCall { from Procedures; to Procedure; }\n",
        "inc/plat.h": "#define SERVER_KIND Server\n",
        "app/app.camkes": "#include <plat.h>\nimport <std_connector.camkes>;\n"
                          "procedure P { void f(); };\ncomponent Client { control; uses P p; }\n"
                          "component Server { provides P p; }\n"
                          "#ifdef WITH_CLIENT\n"
                          "assembly { composition { component Client c; component SERVER_KIND s;\n"
                          "  connection seL4RPCCall x(from c.p, to s.p); } }\n"
                          "#endif\n",
    })
    status, report = drvls("app", "--import-path", "builtin", "--cpp-include", "inc", "-D", "WITH_CLIENT",
                           cwd=tmp_path)
    assert status == 0, report
    assert codes(report) == []

    status, report = drvls("app", "--cpp-include", "inc", "-D", "WITH_CLIENT", cwd=tmp_path)
    assert status == 0  # only the notice that the builtin connector table stood in
    assert [c[1] for c in codes(report)] == ["CK023"]

    status, report = drvls("app", "--import-path", "builtin", "-D", "WITH_CLIENT", cwd=tmp_path)
    assert status == 1
    assert ("app.camkes", "CK002", "CPP command failed: plat.h: No such file or directory") in codes(report)
