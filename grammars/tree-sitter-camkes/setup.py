"""Build the CAmkES tree-sitter grammar as a Python extension (`tree_sitter_camkes`).

The parser sources in src/ are generated and committed, so building needs only a
C compiler: no tree-sitter generator runs at install or test time.
"""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import Any

from setuptools import Extension, setup

ROOT = Path(__file__).parent


def _bdist_wheel_base() -> type | None:
    """setuptools >= 70.1 ships bdist_wheel; older ones need the wheel package; plain build_ext needs none."""
    for module in ("setuptools.command.bdist_wheel", "wheel.bdist_wheel"):
        try:
            base: type = importlib.import_module(module).bdist_wheel
        except ImportError:
            continue
        return base
    return None


def _cmdclass() -> dict[str, type]:
    """Tag the wheel abi3: the binding uses only the limited C API (Py_LIMITED_API below)."""
    base: Any = _bdist_wheel_base()
    if base is None:
        return {}

    def get_tag(self: Any) -> tuple[str, str, str]:
        python, abi, platform = base.get_tag(self)
        if python.startswith("cp"):
            python, abi = "cp39", "abi3"
        return python, abi, platform

    return {"bdist_wheel": type("BdistWheel", (base,), {"get_tag": get_tag})}


sources = ["bindings/python/tree_sitter_camkes/binding.c", "src/parser.c"]
if (ROOT / "src" / "scanner.c").exists():
    sources.append("src/scanner.c")

setup(
    packages=["tree_sitter_camkes"],
    package_dir={"": "bindings/python"},
    package_data={"tree_sitter_camkes": ["*.pyi", "py.typed", "queries/*.scm"]},
    ext_package="tree_sitter_camkes",
    ext_modules=[
        Extension(
            name="_binding",
            sources=sources,
            include_dirs=["src"],
            extra_compile_args=["-std=c11", "-fvisibility=hidden"],
            define_macros=[
                ("Py_LIMITED_API", "0x03090000"),
                ("PY_SSIZE_T_CLEAN", None),
                ("TREE_SITTER_HIDE_SYMBOLS", None),
            ],
            py_limited_api=True,
        )
    ],
    cmdclass=_cmdclass(),
    zip_safe=False,
)
