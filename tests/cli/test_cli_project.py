"""Project-level invariants: README/CI agreement, generated docs in step, import boundaries."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

from drvls_process import drvls_env, run_drvls

REPO = Path(__file__).resolve().parents[2]
PACKAGE = REPO / "server" / "drvls"
PROTOCOL_MODULES = ("pygls", "lsprotocol")


def readme_commands() -> list[str]:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    block = text.split("```", 2)[1]
    return [line for line in block.splitlines()[1:] if line.strip()]


def test_readme_first_block_has_exactly_two_commands() -> None:
    commands = readme_commands()
    assert len(commands) == 2
    assert "drvls check" in commands[0]
    assert "pytest" in commands[1]


def test_ci_runs_the_readme_test_command() -> None:
    script = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    assert "README.md" in script and "sed -n 2p" in script


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def test_only_the_lsp_layer_imports_the_protocol_libraries() -> None:
    offenders = []
    for path in PACKAGE.rglob("*.py"):
        if (PACKAGE / "lsp") in path.parents:
            continue
        for name in imported_modules(path):
            if name.split(".")[0] in PROTOCOL_MODULES:
                offenders.append(f"{path.relative_to(REPO)} imports {name}")
    assert offenders == []


def test_core_imports_no_language_module_at_import_time() -> None:
    for path in (PACKAGE / "core").rglob("*.py"):
        for name in imported_modules(path):
            assert not name.startswith(("drvls.microkit", "drvls.camkes", "drvls.drv", "drvls.signing",
                                        "drvls.cli", "drvls.lsp")), f"{path.name} imports {name}"


def test_rules_doc_is_generated_from_the_registry() -> None:
    result = run_drvls("rules", "--markdown")
    assert result.returncode == 0, result.stderr
    assert (REPO / "docs" / "rules.md").read_text(encoding="utf-8") == result.stdout, \
        "docs/rules.md is stale: regenerate with `drvls rules --markdown > docs/rules.md`"


def test_every_registered_code_is_unique_and_well_formed() -> None:
    sys.path.insert(0, str(REPO / "server"))
    from drvls.core.rules import all_rules

    rules = all_rules()
    assert rules
    for rule in rules:
        assert rule.code[:2].isalpha() and rule.code[-3:].isdigit(), rule.code
        assert rule.summary and rule.name


def test_checking_one_system_file_loads_only_its_family(tmp_path: Path) -> None:
    """Start-up cost is part of every CI run and pre-commit hook: other families stay unimported."""
    system = tmp_path / "a.system"
    system.write_text('<system><protection_domain name="a"><program_image path="a" />'
                      "</protection_domain></system>\n", encoding="utf-8")
    probe = (
        "import sys\n"
        "from drvls.cli.main import main\n"
        f"status = main(['check', {str(system)!r}])\n"
        "heavy = ('nacl', 'drvls.camkes', 'tree_sitter_camkes', 'drvls._drvnative', 'drvls.drv.lint',\n"
        "         'drvls.signing.file_checks', 'concurrent.futures.process', 'pygls')\n"
        "schemas = {'drvls.camkes', 'drvls.camkes.options'}  # the flags' declarations: no family code\n"
        "print(sorted(m for m in sys.modules if m.startswith(heavy) and m not in schemas))\n"
        "sys.exit(status)\n"
    )
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, env=drvls_env(),
                            timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip().splitlines()[-1] == "[]"
