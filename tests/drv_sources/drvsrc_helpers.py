"""Helpers for the rule-source tests: corpus location, the CLI as a subprocess, random rule sets."""

from __future__ import annotations

import subprocess
from pathlib import Path

from drvls.drv.model import (
    Category,
    Context,
    Persona,
    Raw,
    Rule,
    RuleSet,
    SourceRef,
    Standard,
    Workflow,
    WorkflowStep,
)
from drvls_process import run_drvls
from hypothesis import strategies as st
from prerequisites import corpus_path, skip_or_fail

REPO = Path(__file__).resolve().parents[2]


def require_sources() -> Path:
    """../shared/corpus/drv/sources, or skip (fail when CI=true) if the corpus is absent."""
    return corpus_path("drv", "sources")


def native_reader_or_skip() -> None:
    """The `.drv` reader needs the C extension; skip (fail under CI) when it is not built."""
    from drvls.drv.reader import native_available

    if not native_available():
        skip_or_fail("the native .drv decoder (drvls._drvnative) is not built; run `pip install -e .`")


def drvls(*args: str, cwd: Path, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    """Run `python -m drvls ARGS` in `cwd` with this checkout's server package on the path."""
    return run_drvls(*args, cwd=cwd, timeout=timeout)


# -- random rule sets (any Unicode text except lone surrogates, which UTF-8 cannot hold) --------

texts = st.text(alphabet=st.characters(codec="utf-8"), max_size=40)
tricky = st.sampled_from(["", " ", "\n", "a\r\nb", "\"quoted\"", "- item", "# head", "<!-- drv: raw lines=1 -->",
                          "-->", "```", "x\n\n", "\u2028", "\t tab", "pattern: x", "## Persona: y"])
strings = st.one_of(texts, tricky)
optional = st.one_of(st.none(), strings)
sources = st.builds(SourceRef, st.one_of(st.none(), strings),
                    st.one_of(st.none(), st.integers(min_value=1, max_value=2**32 - 1)))
lists = st.lists(strings, max_size=4)

personas = st.builds(Persona, name=strings, role=strings, identity=optional, style=optional, traits=lists,
                     principles=lists, source=sources)
standards = st.builds(Standard, category=st.sampled_from(list(Category)),
                      priority=st.integers(min_value=0, max_value=255), description=strings, pattern=optional,
                      source=sources)
contexts = st.builds(Context, includes=lists, excludes=lists, focus=lists,
                     dependencies=st.lists(st.tuples(strings, strings), max_size=3), source=sources)
steps = st.builds(WorkflowStep, name=strings, description=strings, condition=optional, actions=lists)
workflows = st.builds(Workflow, name=strings, steps=st.lists(steps, max_size=3), source=sources)
raws = st.builds(Raw, content=strings, source=sources)
rules: st.SearchStrategy[Rule] = st.one_of(personas, standards, contexts, workflows, raws)
rulesets = st.builds(RuleSet, rules=st.lists(rules, max_size=8), sources=st.lists(strings, max_size=3))
