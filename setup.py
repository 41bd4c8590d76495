"""Native parts of drvls: the `.drv` decoder and the CAmkES tree-sitter grammar.

Metadata lives in pyproject.toml; this file only declares the C extensions, because
setuptools has no declarative form for them with per-extension compiler flags.
"""

from __future__ import annotations

from pathlib import Path

from setuptools import Extension, find_packages, setup

ROOT = Path(__file__).parent
WARNINGS_AS_ERRORS = ["-std=c11", "-Wall", "-Wextra", "-Werror", "-Wno-unused-parameter"]

NATIVE = ROOT / "native"
CAMKES = ROOT / "grammars" / "tree-sitter-camkes"


def drv_native() -> Extension:
    """The zero-copy `.drv` decoder and its CPython binding (warnings are errors)."""
    sources = sorted(str(p.relative_to(ROOT)) for p in (NATIVE / "src").glob("*.c"))
    sources.append(str((NATIVE / "python" / "drvnative_module.c").relative_to(ROOT)))
    return Extension(
        "drvls._drvnative",
        sources=sources,
        include_dirs=[str((NATIVE / "include").relative_to(ROOT))],
        extra_compile_args=[*WARNINGS_AS_ERRORS, "-O2", "-fvisibility=hidden"],
        define_macros=[("PY_SSIZE_T_CLEAN", None)],
    )


def camkes_grammar() -> Extension:
    """The generated CAmkES parser, exposed as the `tree_sitter_camkes` module."""
    src = CAMKES / "src"
    sources = [CAMKES / "bindings" / "python" / "tree_sitter_camkes" / "binding.c", src / "parser.c"]
    if (src / "scanner.c").exists():
        sources.append(src / "scanner.c")
    return Extension(
        "tree_sitter_camkes._binding",
        sources=[str(p.relative_to(ROOT)) for p in sources],
        include_dirs=[str(src.relative_to(ROOT))],
        extra_compile_args=["-std=c11", "-fvisibility=hidden"],
        define_macros=[("PY_SSIZE_T_CLEAN", None), ("TREE_SITTER_HIDE_SYMBOLS", None)],
    )


def extensions() -> list[Extension]:
    exts = []
    if (NATIVE / "python" / "drvnative_module.c").exists():
        exts.append(drv_native())
    if (CAMKES / "src" / "parser.c").exists():
        exts.append(camkes_grammar())
    return exts


setup(
    ext_modules=extensions(),
    packages=[*find_packages("server"),
              *(["tree_sitter_camkes"] if (CAMKES / "src" / "parser.c").exists() else [])],
    package_dir={"drvls": "server/drvls",
                 "tree_sitter_camkes": "grammars/tree-sitter-camkes/bindings/python/tree_sitter_camkes"},
)
