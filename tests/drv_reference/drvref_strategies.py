"""Hypothesis strategies for random rule sets: unicode, repeats, empty lists, absent optionals."""

from __future__ import annotations

from drvls.drv.model import (
    Activation,
    Category,
    Context,
    Persona,
    Raw,
    Rule,
    RuleSet,
    Scope,
    SourceRef,
    Standard,
    Workflow,
    WorkflowStep,
)
from hypothesis import strategies as st

# Encodable text only: lone surrogates cannot be UTF-8 (the encoder rejects them; tested apart).
_free_text = st.text(alphabet=st.characters(exclude_categories=["Cs"]), max_size=24)
# A few fixed strings make equal strings (interning, index 0 in optional fields) common.
texts = st.one_of(st.sampled_from(["", "a", "CLAUDE.md", "ü", "名前", "\x00", "🦀"]), _free_text)
optional_texts = st.none() | texts
text_lists = st.lists(texts, max_size=5)

sources = st.builds(
    SourceRef,
    file=optional_texts,
    line=st.none() | st.integers(1, 0xFFFFFFFF),
)

# Drawn from a few values so that rules share scopes (interning, first-seen numbering).
scope_values = st.builds(Scope, name=st.sampled_from(["", "python", "名前"]) | texts,
                         activation=st.sampled_from(list(Activation)), globs=st.lists(texts, max_size=3).map(tuple),
                         description=optional_texts)
scopes = st.none() | st.sampled_from([Scope("python", Activation.FILES, ("**/*.py",), "Python"),
                                      Scope("core")]) | scope_values

personas = st.builds(Persona, name=texts, role=texts, identity=optional_texts, style=optional_texts,
                     traits=text_lists, principles=text_lists, source=sources, scope=scopes)
standards = st.builds(Standard, category=st.sampled_from(list(Category)), priority=st.integers(0, 255),
                      description=texts, pattern=optional_texts, source=sources,
                      scope=scopes)
contexts = st.builds(Context, includes=text_lists, excludes=text_lists, focus=text_lists,
                     dependencies=st.lists(st.tuples(texts, texts), max_size=4), source=sources,
                     scope=scopes)
steps = st.builds(WorkflowStep, name=texts, description=texts, condition=optional_texts, actions=text_lists)
workflows = st.builds(Workflow, name=texts, steps=st.lists(steps, max_size=4), source=sources, scope=scopes)
raws = st.builds(Raw, content=texts, source=sources, scope=scopes)

rules: st.SearchStrategy[Rule] = st.one_of(personas, standards, contexts, workflows, raws)
rule_sets = st.builds(RuleSet, rules=st.lists(rules, max_size=12), sources=text_lists)
