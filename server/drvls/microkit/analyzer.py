"""The Microkit analyzer: `.system` text in, diagnostics out, reusing work across edits.

Each top-level child of `<system>` is converted and checked once per distinct text (and
context); an edit re-parses incrementally with tree-sitter and re-checks only the changed
element, then runs the linear cross-element checks.
"""

from __future__ import annotations

import copy
import dataclasses
import operator
from bisect import bisect_right
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePath
from typing import Any

from tree_sitter import Node, Tree

from drvls.core.collector import gc_paused
from drvls.core.diagnostics import Diagnostic, Range, RelatedLocation
from drvls.core.languages import Analysis, AnalysisContext, Edit, SourceFile, consistent_one
from drvls.core.text import LineIndex
from drvls.microkit import (
    codes,
    converted,
    cross,
    deep,
    images,
    incremental,
    legacy,
    snapshot,
    sysitems,
    target_note,
    xmltree,
)
from drvls.microkit.checker import Checker, Context
from drvls.microkit.elements import check_pd
from drvls.microkit.model import Channel, Domains, IoAddressSpace, Issue, Item, MemoryRegion, ProtectionDomain
from drvls.microkit.target import Target, resolve
from drvls.microkit.xmltree import Anchor, El

Key = tuple[bytes, frozenset[str] | None]  # an element's text and the domain names before it


@dataclass(frozen=True)
class Checked:
    """One top-level element's model and its own issues (offsets relative to `anchor`), never changed.

    A later snapshot may reuse it at another offset: the layout it sits in says where it starts.
    """

    anchor: Anchor
    el: El
    item: Item | None
    issues: tuple[Issue, ...]
    context: frozenset[str] | None = None  # domain names declared before it (its check depends on them)
    deps: frozenset[Path] = frozenset()  # files read while checking it (prefill files)
    key: Key | None = None  # None: depends on files, so never reused from the cache
    _signature: list[Any] = field(default_factory=list, init=False, repr=False, compare=False)

    def signature(self) -> Any:
        """The facts of its item the cross checks read, computed once (the next edit compares with it)."""
        if not self._signature:
            self._signature.append(incremental.signature(self.item))
        return self._signature[0]


@dataclass(frozen=True)
class Layout:
    """The children of `<system>` of one snapshot, in order, with where each starts in its text."""

    items: tuple[Checked, ...]
    texts: tuple[tuple[int, int], ...]  # non-blank text directly inside <system>
    starts: tuple[int, ...]
    _bases: dict[Anchor, int] | None = field(default=None, init=False, repr=False, compare=False)

    def base_of(self, anchor: Anchor) -> int:
        """Where `anchor`'s subtree starts in this snapshot's text (the anchor's own base for others)."""
        bases = self._bases
        if bases is None:
            bases = dict(zip(map(_anchor_of, self.items), self.starts, strict=True))
            object.__setattr__(self, "_bases", bases)
        return bases.get(anchor, anchor.base)

    def end_of(self, index: int) -> int:
        checked = self.items[index]
        return self.starts[index] + checked.el.end - checked.el.start


_anchor_of = operator.attrgetter("anchor")


@dataclass(frozen=True)
class State:
    """One snapshot's private parse state: read by the next analysis, never changed by it."""

    tree: Tree | None
    target: Target
    data: bytes = b""
    blanked: bool = False  # the tree was (partly) parsed from text with attribute lists blanked
    layout: Layout | None = None
    # The elements of this analysis by text: what an edit can reuse (older versions are dropped).
    cache: Mapping[Key, Checked] = field(default_factory=dict)
    memo: cross.Memo = field(default_factory=cross.Memo)
    system: cross.System | None = None  # the assembled model (None when the file has no <system>)
    recovered: bool = False  # built from the complete elements of a file with syntax errors
    deep: bool = False  # read by the deep front end (see `deep`)
    facts: incremental.Facts | None = None  # the findings by part, for the next edit
    spares: tuple[Checked, ...] = ()  # elements the last edits replaced, for edits that bring a text back
    plain: bool = False  # the text has no `#` and no `/*`, so it is no cpp template (`legacy.plain`)
    made: converted.Memo = field(default_factory=dict)  # the diagnostic of each issue, for the next edit

    def base_of(self, anchor: Anchor) -> int:
        return self.layout.base_of(anchor) if self.layout is not None else anchor.base


class MicrokitAnalyzer:
    name = "microkit"
    binary = False

    def handles(self, path: PurePath) -> bool:
        return path.suffix.lower() == ".system"

    def analyze(self, source: SourceFile, ctx: AnalysisContext) -> Analysis:
        target, problems = resolve(ctx.settings, source.path)
        text = source.text
        given = source.lines
        index = given if given is not None and given.text is text else \
            snapshot.LazyLineIndex(text, text.encode("utf-8", "surrogatepass"))
        data = index.data
        diagnostics = [Diagnostic(codes.TARGET_SETTING.code, codes.TARGET_SETTING.severity, p, index.range(0, 0))
                       for p in problems]
        earlier = ctx.previous.state if ctx.previous is not None else None
        earlier = earlier if isinstance(earlier, State) else None
        single = _single_edit(earlier, ctx.edits, data)
        plain = legacy.still_plain(data, single.start_byte, single.new_end_byte) \
            if single is not None and earlier is not None and earlier.plain else legacy.plain(data)
        cpp = None if plain else legacy.cpp_report(text)
        if cpp is not None:
            diagnostics.append(_cpp_diagnostic(cpp, text, index, source))
            return Analysis(diagnostics)
        previous = earlier if earlier is not None and earlier.target == target else None
        deps: set[Path] = set()
        with gc_paused():
            issues, state = self.run(previous, target, data, list(ctx.edits), source, deps, single)
            ctx.check_deadline()  # the time budget (core/engine.py): before converting the findings
            moved = converted.unmoved(previous.data, single, data) if previous is not None and single else None
            found, made = converted.convert(issues, index, source, state.base_of,
                                            previous.made if previous is not None else {}, moved)
            diagnostics.extend(found)
        diagnostics = target_note.annotate(diagnostics, target, ctx.settings)
        state = dataclasses.replace(state, plain=plain, made=made)
        return snapshot.MicrokitAnalysis(diagnostics, state=state, dependencies=frozenset(deps), source=source,
                                         index=index)

    def run(self, previous: State | None, target: Target, data: bytes, edits: list[Edit], source: SourceFile,
            deps: set[Path], single: Edit | None = None) -> tuple[list[Issue], State]:
        """Parse (incrementally when the edits turn the previous text into this one) and check; `single`:
        the one edit that turns the previous text into this one, when it is known to."""
        issues: list[Issue] = []
        run = Run(previous, data, target, issues, deps)
        run.file_name = source.path.name if source.path is not None else "<input>"
        if previous is not None and single is not None and single.new_end_byte - single.start_byte <= _DEPTH_RECHECK \
                and run.edit_in_place(previous, single):
            return issues, State(tree=None, target=target, data=data, layout=run.layout, cache=run.cache,
                                 memo=run.memo, system=run.model, facts=run.facts, spares=run.spares)
        reparse = previous is not None and previous.tree is not None and consistent(previous.data, edits, data)
        if (not reparse or sum(e.new_end_byte - e.start_byte for e in edits) > _DEPTH_RECHECK) \
                and deep.max_depth(data) > deep.DEEP:
            run.check_deep()
            return issues, State(tree=None, target=target, data=data, layout=run.layout, cache=run.cache,
                                 memo=run.memo, system=run.model, recovered=run.recovered, deep=True,
                                 facts=run.facts)
        old_tree = previous.tree if reparse and previous is not None else None
        was_blanked = previous.blanked if previous is not None else False
        tree, blanked = xmltree.parse_tracked(data, old_tree, edits if reparse else (), was_blanked)
        if old_tree is not None and tree.root_node.has_error:
            # Tree-sitter's error recovery after an edit can differ from a fresh parse of the same text,
            # and the findings must be what a full check gives: a text with syntax errors is parsed afresh.
            old_tree, reparse = None, False
            tree, blanked = xmltree.parse_tracked(data, None, (), was_blanked)
        run.old_tree = old_tree
        run.edits = edits if reparse else []
        if not reparse:
            run.previous_layout = None
        run.check(tree)
        state = State(tree=tree, target=target, data=data, blanked=blanked, layout=run.layout,
                      cache=run.cache, memo=run.memo, system=run.model, recovered=run.recovered, facts=run.facts)
        return issues, state


MAX_REPLAYED_EDITS = 200
_SPARES = 4
_DEPTH_RECHECK = 1024  # inserted bytes after which an incremental parse first re-measures the nesting depth


def _single_edit(previous: State | None, edits: Sequence[Edit], data: bytes) -> Edit | None:
    """The one edit that turns the previous snapshot's text into `data`, when that is what `edits` are."""
    if previous is not None and len(edits) == 1 and consistent_one(previous.data, edits[0], data):
        return edits[0]
    return None


def consistent(old: bytes, edits: list[Edit], new: bytes) -> bool:
    """Whether `edits` turn `old` into `new` (inserted text aside): only then are old tree and caches reused."""
    if not edits or len(edits) > MAX_REPLAYED_EDITS:
        return False
    data = old
    unknown: list[tuple[int, int]] = []  # inserted ranges, whose content the edits do not carry
    for e in edits:
        if not 0 <= e.start_byte <= e.old_end_byte <= len(data) or e.new_end_byte < e.start_byte:
            return False
        delta = e.new_end_byte - e.old_end_byte
        data = data[:e.start_byte] + bytes(e.new_end_byte - e.start_byte) + data[e.old_end_byte:]
        moved = []
        for a, b in unknown:
            if b <= e.start_byte:
                moved.append((a, b))
            elif a >= e.old_end_byte:
                moved.append((a + delta, b + delta))
            else:
                moved.append((min(a, e.start_byte), max(b + delta, e.new_end_byte)))
        moved.append((e.start_byte, e.new_end_byte))
        unknown = moved
    if len(data) != len(new):
        return False
    pos = 0
    for a, b in sorted(unknown):
        if a > pos and data[pos:a] != new[pos:a]:
            return False
        pos = max(pos, b)
    return data[pos:] == new[pos:]


def _cpp_diagnostic(cpp: legacy.CppReport, text: str, index: LineIndex, source: SourceFile) -> Diagnostic:
    """One diagnostic for a cpp template, each construct as related information."""
    def byte_range(start: int, end: int) -> Range:
        first = len(text[:start].encode("utf-8", "surrogatepass"))
        return index.range(first, first + len(text[start:end].encode("utf-8", "surrogatepass")))

    path = str(source.path) if source.path is not None else source.uri
    related = tuple(RelatedLocation(path, byte_range(h.start, h.end), h.message) for h in cpp.hits)
    return Diagnostic(codes.CPP_TEMPLATE.code, codes.CPP_TEMPLATE.severity, cpp.message,
                      byte_range(cpp.start, cpp.end), related)


# Cross-element findings that say something is absent: while part of the file cannot be read, the
# missing element may be the one hidden by the syntax error, so these wait until it parses again.
_NEEDS_WHOLE_FILE = frozenset(rule.code for rule in (
    codes.MAP_MR, codes.CHANNEL_PD, codes.CAP_PD, codes.SETVAR_MR, codes.MR_UNUSED, codes.PD_COUNT,
    codes.PREFILL_SIZE_SETVAR))


_ENTITY_MESSAGE = ("DTD entity declarations are not supported: entities declared in a DOCTYPE are never "
                   "expanded (and can be used for entity-expansion attacks)")
_NO_ROOT_MESSAGE = "the file has no <system> root element (the Microkit tool panics on it)"


def _wrong_root_message(name: str) -> str:
    return f"the root element is <{name}>, not <system> (the Microkit tool panics on it)"


class Run:
    """One analysis pass over a parsed tree; reads the previous snapshot, builds the next one's parts."""

    def __init__(self, previous: State | None, data: bytes, target: Target, issues: list[Issue],
                 deps: set[Path]) -> None:
        self.data = data
        self.target = target
        self.issues = issues
        self.deps = deps
        self.used: set[int] = set()
        self.file_name = "<input>"
        self.old_tree: Tree | None = None
        self.edits: list[Edit] = []
        self.item_deps: frozenset[Path] = frozenset()
        self.previous_layout = previous.layout if previous is not None else None
        self.old_cache: Mapping[Key, Checked] = previous.cache if previous is not None else {}
        # What this run leaves for its snapshot (a run without a <system> leaves no layout).
        self.layout: Layout | None = None
        self.cache: Mapping[Key, Checked] = {}
        self.memo = dataclasses.replace(previous.memo) if previous is not None else cross.Memo()
        self.model: cross.System | None = None
        self.facts: incremental.Facts | None = None
        self.spares: tuple[Checked, ...] = ()
        self.located = False  # the cross checks embedded a `file:row:col` in a message
        self.recovered = False

    def check(self, tree: Tree) -> None:
        root_node = tree.root_node
        if root_node.has_error:
            self.syntax(tree)
            if self.data.strip():
                self.recover()
            return
        doctype = _find_doctype(root_node)
        if doctype is not None:
            self.issues.append(Issue(codes.ENTITY, _ENTITY_MESSAGE, Anchor(0), doctype.start_byte, doctype.end_byte))
        root = root_node.child_by_field_name("root")
        if root is None or root.type != "element":
            self.issues.append(Issue(codes.NO_SYSTEM, _NO_ROOT_MESSAGE, Anchor(0), 0, 0))
            return
        if xmltree.tag_name(root, self.data) != "system":
            tag_node = root.children[0]
            self.issues.append(Issue(codes.NO_SYSTEM, _wrong_root_message(xmltree.tag_name(root, self.data)),
                                     Anchor(0), tag_node.start_byte, tag_node.end_byte))
            return
        self.system(root)

    def syntax(self, tree: Tree) -> None:
        for start, end, what in xmltree.syntax_errors(tree):
            if what == "unexpected":
                snippet = self.data[start:min(end, start + 30)].decode("utf-8", "replace").split("\n")[0]
                message = f"XML syntax error: unexpected `{snippet}`" if snippet.strip() else \
                    "XML syntax error: the document is incomplete or not XML"
            else:
                message = f"XML syntax error: {what}"
            self.issues.append(Issue(codes.XML_SYNTAX, message, Anchor(0), start, end))
        if not self.data.strip():
            self.issues[:] = [Issue(codes.XML_SYNTAX, "the file is empty: a system description needs a <system> "
                                    "root element", Anchor(0), 0, 0)]

    def recover(self, deep_file: bool = False) -> None:
        """Check every complete element of a file with syntax errors, so one broken element hides nothing else.

        The well-formed elements found directly in `<system>` are checked as usual; findings that
        need the whole file (an unknown name, an unused region) wait until it parses.
        """
        data = self.data
        system_tag, segments = xmltree.recover_segments(data)
        if system_tag is None:
            return
        syntax = list(self.issues)
        self.issues.clear()
        top = [(start, end) for start, end in segments
               if xmltree.tag_name_of(data[start:end]) in xmltree.TOP_LEVEL_TAGS]
        layout = self.span_layout(top, (), deep.well_formed if deep_file else xmltree.well_formed_element)
        self.recovered = True
        self.finish(xmltree.convert_start_tag(*system_tag, data), layout, None)
        self.issues[:] = syntax + [i for i in self.issues if i.rule.code not in _NEEDS_WHOLE_FILE]

    def check_deep(self) -> None:
        """The whole check for a deeply nested file, read by expat (see `deep`)."""
        data = self.data
        parsed = deep.parse(data)
        if parsed.error is not None:
            offset, message = parsed.error
            self.issues.append(Issue(codes.XML_SYNTAX, f"XML syntax error: {message}", Anchor(0), offset,
                                     min(offset + 1, len(data))))
            self.recover(deep_file=True)
            return
        if parsed.doctype is not None:
            self.issues.append(Issue(codes.ENTITY, _ENTITY_MESSAGE, Anchor(0), *parsed.doctype))
        if parsed.root is None:
            self.issues.append(Issue(codes.NO_SYSTEM, _NO_ROOT_MESSAGE, Anchor(0), 0, 0))
            return
        name, tag_start, tag_end = parsed.root
        if name != "system":
            self.issues.append(Issue(codes.NO_SYSTEM, _wrong_root_message(name), Anchor(0), tag_start, tag_end))
            return
        system_el = xmltree.convert_start_tag(tag_start, tag_end, data)
        system_el.end = parsed.root_end
        self.finish(system_el, self.span_layout(parsed.children, parsed.texts, None), tag_end)

    def span_layout(self, spans: Iterable[tuple[int, int]], texts: Iterable[tuple[int, int]],
                    well_formed: Callable[[bytes], bool] | None) -> Layout:
        """Top-level elements given by their spans, each checked unless its text is cached (or not well formed)."""
        data = self.data
        domains: frozenset[str] | None = None
        items: list[Checked] = []
        starts: list[int] = []
        for start, end in spans:
            chunk = data[start:end]
            key = (chunk, domains)
            checked = self.old_cache.get(key)
            if checked is None or id(checked) in self.used:
                if well_formed is not None and not well_formed(chunk):
                    continue
                checked = self.build_chunk(start, chunk, key, domains)
            else:
                self.used.add(id(checked))
            items.append(checked)
            starts.append(start)
            if domains is None and isinstance(checked.item, Domains):
                domains = checked.item.names
        return Layout(tuple(items), tuple(texts), tuple(starts))

    def system(self, root: Node) -> None:
        layout = self.reuse_layout(root) or self.full_layout(xmltree.content_children(root))
        self.finish(xmltree.convert_tag_only(root, self.data), layout, root.children[0].end_byte)

    def finish(self, system_el: El, layout: Layout, content_start: int | None) -> None:
        """`content_start`: just after `<system …>`, where text is checked (None: text is not checked)."""
        self.layout = layout
        self.assemble(system_el, content_start, layout)
        self.cache = {c.key: c for c in layout.items if c.key is not None}

    def full_layout(self, children: Iterable[Node], with_texts: bool = True) -> Layout:
        """Every child of `<system>`, each converted and checked unless its text is cached."""
        domains: frozenset[str] | None = None
        items: list[Checked] = []
        starts: list[int] = []
        texts: list[tuple[int, int]] = []
        data, used = self.data, self.used
        cache_get = self.old_cache.get
        for node in children:
            kind = node.type
            if kind == "element":
                start = node.start_byte
                key = (data[start:node.end_byte], domains)
                checked = cache_get(key)
                if checked is None or id(checked) in used:
                    checked = self.build(node, key, domains)
                else:
                    used.add(id(checked))
                items.append(checked)
                starts.append(start)
                if domains is None and isinstance(checked.item, Domains):
                    domains = checked.item.names
            elif with_texts and (kind in ("CDSect", "CharRef", "EntityRef") or (
                    kind == "CharData" and data[node.start_byte:node.end_byte].strip())):
                texts.append((node.start_byte, node.end_byte))
        return Layout(tuple(items), tuple(texts), tuple(starts))

    def reuse_layout(self, root: Node) -> Layout | None:
        """After one edit inside one top-level element: re-check that element, shift the others.

        Only when tree-sitter's changed ranges stay inside that element and it neither is nor
        becomes `<domains>` (whose names later elements depend on); otherwise None.
        """
        previous = self.previous_layout
        if previous is None or self.old_tree is None or len(self.edits) != 1 or not previous.items:
            return None
        edit = self.edits[0]
        items, starts = previous.items, previous.starts
        index = bisect_right(starts, edit.start_byte) - 1
        if index < 0:
            return None
        old = items[index]
        start, end = starts[index], previous.end_of(index)
        if not (start < edit.start_byte and edit.old_end_byte < end) or old.el.tag == "domains":
            return None
        delta = edit.new_end_byte - edit.old_end_byte
        new_end = end + delta
        # The text around the element is unchanged, so if the new tree still has an element exactly
        # here, directly inside <system>, nothing outside it can have been parsed differently.
        node = root.descendant_for_byte_range(start, new_end)
        while node is not None and not (node.type == "element" and node.start_byte == start
                                        and node.end_byte == new_end):
            node = node.parent
        if node is None or node.parent is None or node.parent.parent != root:
            return None
        if xmltree.tag_name(node, self.data) == "domains":
            return None
        key = (self.data[start:new_end], old.context)
        cached = self.old_cache.get(key)
        if cached is not None and all(cached is not c for c in items):
            fresh = cached
        else:
            fresh = self.build(node, key, old.context)
        texts = tuple((a + delta, b + delta) if a >= edit.old_end_byte else (a, b) for a, b in previous.texts)
        shifted = (*starts[:index + 1], *(x + delta for x in starts[index + 1:])) if delta else starts
        return Layout((*items[:index], fresh, *items[index + 1:]), texts, shifted)

    def assemble(self, system_el: El, content_start: int | None, layout: Layout) -> None:
        """Collect per-element issues and the model in document order, then run the cross checks."""
        sys_model = cross.System(el=system_el)
        system_issues: list[Issue] = []
        Checker(self.target, system_issues).attributes(system_el, set(system_el.attrs))  # duplicates only
        buckets: dict[type, list[Any]] = {ProtectionDomain: sys_model.pds, MemoryRegion: sys_model.mrs,
                                          Channel: sys_model.channels, IoAddressSpace: sys_model.spaces}
        element_issues: list[Issue] = []
        deps: set[Path] = set()
        domains_seen = False
        for checked in layout.items:
            if checked.issues:
                element_issues.extend(checked.issues)
            if checked.deps:
                deps.update(checked.deps)
            item = checked.item
            bucket = buckets.get(type(item))
            if bucket is not None:
                bucket.append(item)
            elif isinstance(item, Domains):
                sys_model.domains.append(item)
                if domains_seen:
                    system_issues.append(Issue(codes.REPEATED_ELEMENT, "domains must only be specified once on "
                                               "element 'domains'", checked.anchor, checked.el.start,
                                               checked.el.tag_end))
                domains_seen = True
        if content_start is not None:
            for start, end in _merge_adjacent(list(layout.texts)):
                system_issues.append(self.text_in_system(start, end, first=start == content_start))
        self.model = sys_model
        self.conclude(layout, system_issues, element_issues, deps)

    def conclude(self, layout: Layout, system_issues: Sequence[Issue], element_issues: Sequence[Issue],
                 deps: set[Path], cross_issues: Sequence[Issue] | None = None) -> None:
        """Run the cross checks (unless their findings are given) and keep every part for the next edit."""
        model = self.model
        assert model is not None
        if cross_issues is None:
            base_of = layout.base_of
            self.located = False
            cross_issues = cross.check_system(model, self.target, self.locate, self.memo,
                                              lambda el: base_of(el.anchor) + el.start)
        self.facts = incremental.Facts(model.el, tuple(system_issues), tuple(element_issues), tuple(cross_issues),
                                       self.located, frozenset(deps))
        self.deps.update(deps)
        self.issues.extend(system_issues)
        self.issues.extend(element_issues)
        self.issues.extend(cross_issues)
        # Never kept with the facts: rebuilding an image changes these without changing the text.
        flat = [pd for top in model.pds for pd in top.walk()]
        self.issues.extend(images.check_images(flat, self.memo.table, model.channels, self.target, self.deps))

    def edit_in_place(self, previous: State, edit: Edit) -> bool:
        """One edit strictly inside one top-level element (not `<domains>`): re-parse and re-check that
        element alone, reuse everything else from `previous`. False when the edit needs the full path."""
        layout, facts, model = previous.layout, previous.facts, previous.system
        if layout is None or facts is None or model is None or previous.recovered or previous.deep \
                or layout.texts or not layout.items:
            return False
        index = bisect_right(layout.starts, edit.start_byte) - 1
        if index < 0:
            return False
        old = layout.items[index]
        start, end = layout.starts[index], layout.end_of(index)
        if not (start < edit.start_byte and edit.old_end_byte < end) or old.el.tag == "domains":
            return False
        delta = edit.new_end_byte - edit.old_end_byte
        chunk = self.data[start:end + delta]
        key = (chunk, old.context)
        # Elements edited away lately (none is in the layout, so each can take the edited one's place):
        # typing a character and deleting it again costs nothing the second time.
        fresh = next((c for c in previous.spares if c.key == key), None)
        if fresh is None:
            if xmltree.tag_name_of(chunk) != old.el.tag or not xmltree.well_formed_element(chunk):
                return False
            fresh = self.build_chunk(start, chunk, key, old.context)
        if type(fresh.item) is not type(old.item):
            return False
        items = (*layout.items[:index], fresh, *layout.items[index + 1:])
        starts = (*layout.starts[:index + 1], *(x + delta for x in layout.starts[index + 1:])) if delta \
            else layout.starts
        self.layout = new_layout = Layout(items, (), starts)
        self.model = _replaced(model, old.item, fresh.item, delta)
        element_issues = [*(i for i in facts.element_issues if i.anchor is not old.anchor), *fresh.issues]
        deps = set(facts.deps)
        if old.deps or fresh.deps:
            deps = {d for c in items for d in c.deps}
        cross_issues: tuple[Issue, ...] | None = None
        if not facts.located and old.signature() == fresh.signature():
            shift = incremental.Shift(old.anchor, fresh.anchor, edit.start_byte - start, edit.old_end_byte - start,
                                      delta)
            cross_issues = incremental.remap(facts.cross_issues, shift)
        self.conclude(new_layout, facts.system_issues, element_issues, deps, cross_issues)
        cache = dict(self.old_cache)
        if old.key is not None and cache.get(old.key) is old:
            del cache[old.key]
        if fresh.key is not None:
            cache[fresh.key] = fresh
        self.cache = cache
        self.spares = (*(c for c in previous.spares if c is not fresh), old)[-_SPARES:]
        return True

    def text_in_system(self, start: int, end: int, first: bool) -> Issue:
        """The tool's `check_no_text`: text opening `<system>` is reported against 'system'; any later text
        node is checked on its own, and a text node's tag name is empty, hence `''`."""
        raw = self.data[start:end]
        leading = len(raw) - len(raw.lstrip())
        trail = len(raw) - len(raw.rstrip())
        name = "system" if first else ""
        return Issue(codes.SYSTEM_TEXT, f"unexpected text found in element '{name}'", Anchor(0), start + leading,
                     end - trail)

    def build(self, node: Node, key: Key, domains: frozenset[str] | None) -> Checked:
        """Convert and check one top-level element."""
        return self.build_chunk(node.start_byte, self.data[node.start_byte:node.end_byte], key, domains)

    def build_chunk(self, start: int, chunk: bytes, key: Key, domains: frozenset[str] | None) -> Checked:
        anchor = Anchor(start)
        el = xmltree.convert_chunk(chunk, 0, anchor)
        issues: list[Issue] = []
        self.item_deps = frozenset()
        item, cacheable = self.check_top(el, Checker(self.target, issues), domains)
        checked = Checked(anchor, el, item, tuple(issues), domains, self.item_deps, key if cacheable else None)
        self.used.add(id(checked))
        return checked

    def check_top(self, el: El, chk: Checker, domains: frozenset[str] | None) -> tuple[Item | None, bool]:
        tag = el.tag
        since = chk.newer("system", tag)
        if since is not None:
            chk.report(codes.VERSION, f"invalid XML element '{tag}' (added in Microkit {since[0]}.{since[1]})", el)
            return None, True
        if tag == "protection_domain":
            return check_pd(chk, el, Context(self.target, domains)), True
        if tag == "memory_region":
            deps: set[Path] = set()
            mr = sysitems.check_memory_region(chk, el, self.target.search_path, deps)
            self.item_deps = frozenset(deps)
            return mr, not deps
        if tag == "channel":
            return sysitems.check_channel(chk, el), True
        if tag == "domains":
            return sysitems.check_domains(chk, el), True
        if tag == "io_address_space":
            return sysitems.check_io_space(chk, el), True
        if tag == "virtual_machine":
            chk.report(codes.VM_NOT_CHILD, "virtual machine must be a child of a protection domain", el)
            return None, True
        chk.report(codes.INVALID_ELEMENT, f"invalid XML element '{tag}'", el)
        return None, True

    def locate(self, el: El) -> str:
        """`file:row:col` (1-based, as the tool prints it) for messages that embed a location."""
        self.located = True
        layout = self.layout
        offset = (layout.base_of(el.anchor) if layout is not None else el.anchor.base) + el.start
        line = self.data.count(b"\n", 0, offset)
        line_start = self.data.rfind(b"\n", 0, offset) + 1
        column = len(self.data[line_start:offset].decode("utf-8", "replace")) + 1
        return f"{self.file_name}:{line + 1}:{column}"


def _replaced(model: cross.System, old: Item | None, new: Item | None, delta: int) -> cross.System:
    """`model` with one top-level item exchanged (same kind: the edit kept the element's tag)."""
    lists: dict[str, list[Any]] = {"pds": model.pds, "mrs": model.mrs, "channels": model.channels,
                                   "spaces": model.spaces}
    changed: dict[str, list[Any]] = {}
    for name, items in lists.items():
        if old is not None and items and type(items[0]) is type(old):
            at = [id(x) for x in items].index(id(old))
            changed[name] = [*items[:at], new, *items[at + 1:]]
    system_el = copy.copy(model.el)
    system_el.end = model.el.end + delta
    return dataclasses.replace(model, el=system_el, **changed)


def _merge_adjacent(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Touching text pieces (character data, references, CDATA) form one text node, as in the tool's parser."""
    merged: list[tuple[int, int]] = []
    for start, end in spans:
        if merged and merged[-1][1] == start:
            merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return merged


def _find_doctype(root: Node) -> Node | None:
    for child in root.children:
        if child.type == "prolog":
            for part in child.children:
                if part.type == "doctypedecl" and any(c.type in ("GEDecl", "PEDecl") for c in part.children):
                    return part
    return None


ANALYZER = MicrokitAnalyzer()
