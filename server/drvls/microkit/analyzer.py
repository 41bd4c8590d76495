"""The Microkit analyzer: `.system` text in, diagnostics out, reusing work across edits.

Each top-level child of `<system>` is converted and checked once per distinct text (and
context); an edit re-parses incrementally with tree-sitter and re-checks only the changed
element, then runs the linear cross-element checks.
"""

from __future__ import annotations

import threading
from bisect import bisect_right
from dataclasses import dataclass, field
from pathlib import Path, PurePath
from typing import Any

from tree_sitter import Node, Tree

from drvls.core.diagnostics import Diagnostic, Fix, Range, RelatedLocation, TextEdit
from drvls.core.languages import Analysis, AnalysisContext, Edit, SourceFile
from drvls.core.rules import RuleInfo
from drvls.core.text import LineIndex
from drvls.microkit import codes, cross, images, legacy, sysitems, xmltree
from drvls.microkit.checker import Checker, Context
from drvls.microkit.elements import check_pd
from drvls.microkit.model import Channel, Domains, IoAddressSpace, Issue, Item, MemoryRegion, ProtectionDomain
from drvls.microkit.target import Target, resolve
from drvls.microkit.xmltree import Anchor, El

Key = tuple[bytes, frozenset[str] | None]  # an element's text and the domain names before it


@dataclass
class Checked:
    """One top-level element's model and its own issues (offsets relative to `anchor`)."""

    anchor: Anchor
    el: El
    item: Item | None
    issues: list[Issue]
    context: frozenset[str] | None = None  # domain names declared before it (its check depends on them)
    deps: frozenset[Path] = frozenset()  # files read while checking it (prefill files)
    key: Key | None = None  # None: depends on files, so never reused from the cache

    @property
    def start(self) -> int:
        return self.anchor.base + self.el.start

    @property
    def end(self) -> int:
        return self.anchor.base + self.el.end


@dataclass
class Layout:
    """The children of `<system>` from the last analysis, in order, for re-use after an edit."""

    items: list[Checked]
    texts: list[tuple[int, int]]  # non-blank text directly inside <system>
    starts: list[int] | None = None  # each item's start offset, kept up to date by the fast path


@dataclass
class State:
    tree: Tree | None
    target: Target
    data: bytes = b""
    blanked: bool = False  # the tree was (partly) parsed from text with attribute lists blanked
    layout: Layout | None = None
    # The elements of the last analysis by text: what an edit can reuse (older versions are dropped).
    cache: dict[Key, Checked] = field(default_factory=dict)
    memo: cross.Memo = field(default_factory=cross.Memo)
    # Held while an analysis uses this state; a concurrent analysis starts from scratch instead.
    lock: threading.Lock = field(default_factory=threading.Lock)


class MicrokitAnalyzer:
    name = "microkit"
    binary = False

    def handles(self, path: PurePath) -> bool:
        return path.suffix == ".system"

    def analyze(self, source: SourceFile, ctx: AnalysisContext) -> Analysis:
        target, problems = resolve(ctx.settings, source.path)
        text = source.text
        index = LineIndex(text)
        data = index.data
        diagnostics = [Diagnostic(codes.TARGET_SETTING.code, codes.TARGET_SETTING.severity, p, index.range(0, 0))
                       for p in problems]
        cpp = legacy.cpp_report(text)
        if cpp is not None:
            diagnostics.append(_cpp_diagnostic(cpp, text, index, source))
            return Analysis(diagnostics)
        previous = ctx.previous.state if ctx.previous is not None else None
        state = previous if isinstance(previous, State) and previous.target == target else None
        if state is not None and not state.lock.acquire(blocking=False):
            state = None
        if state is None:
            state = State(tree=None, target=target)
            state.lock.acquire()
        deps: set[Path] = set()
        try:
            issues = self.run(state, data, list(ctx.edits), source, deps)
            # Converted under the lock: issue offsets follow anchors that the next analysis moves.
            diagnostics.extend(to_diagnostic(i, index, source) for i in issues)
        finally:
            state.lock.release()
        return Analysis(diagnostics, state=state, dependencies=frozenset(deps))

    def run(self, state: State, data: bytes, edits: list[Edit], source: SourceFile, deps: set[Path]) -> list[Issue]:
        """Parse (incrementally when the edits turn the state's text into this one) and check."""
        incremental = state.tree is not None and consistent(state.data, edits, data)
        old_tree = state.tree if incremental else None
        tree, state.blanked = xmltree.parse_tracked(data, old_tree, edits if incremental else (), state.blanked)
        if not incremental:
            state.layout = None
        state.tree = tree
        state.data = data
        issues: list[Issue] = []
        run = Run(state, data, state.target, issues, deps)
        run.file_name = source.path.name if source.path is not None else "<input>"
        run.old_tree = old_tree
        run.edits = edits if incremental else []
        run.check(tree)
        return issues


MAX_REPLAYED_EDITS = 200


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


def _diag(rule: RuleInfo, message: str, index: LineIndex, start: int, end: int) -> Diagnostic:
    return Diagnostic(rule.code, rule.severity, message, index.range(start, end))


def _cpp_diagnostic(cpp: legacy.CppReport, text: str, index: LineIndex, source: SourceFile) -> Diagnostic:
    """One diagnostic for a cpp template, each construct as related information."""
    def byte_range(start: int, end: int) -> Range:
        first = len(text[:start].encode("utf-8", "surrogatepass"))
        return index.range(first, first + len(text[start:end].encode("utf-8", "surrogatepass")))

    path = str(source.path) if source.path is not None else source.uri
    related = tuple(RelatedLocation(path, byte_range(h.start, h.end), h.message) for h in cpp.hits)
    return Diagnostic(codes.CPP_TEMPLATE.code, codes.CPP_TEMPLATE.severity, cpp.message,
                      byte_range(cpp.start, cpp.end), related)


def to_diagnostic(item: Issue, index: LineIndex, source: SourceFile) -> Diagnostic:
    base = item.anchor.base
    path = str(source.path) if source.path is not None else source.uri
    related = tuple(RelatedLocation(path, index.range(r.anchor.base + r.start, r.anchor.base + r.end), r.message)
                    for r in item.related)
    fixes = tuple(Fix(plan.title, tuple(TextEdit(index.range(c.anchor.base + c.start, c.anchor.base + c.end), c.text)
                                        for c in plan.changes))
                  for plan in item.fixes)
    return Diagnostic(item.rule.code, item.rule.severity, item.message,
                      index.range(base + item.start, base + item.end), related, fixes)


class Run:
    """One analysis pass over a parsed tree."""

    def __init__(self, state: State, data: bytes, target: Target, issues: list[Issue], deps: set[Path]) -> None:
        self.state = state
        self.data = data
        self.target = target
        self.issues = issues
        self.deps = deps
        self.used: set[int] = set()
        self.file_name = "<input>"
        self.old_tree: Tree | None = None
        self.edits: list[Edit] = []
        self.item_deps: frozenset[Path] = frozenset()
        # The layout matches the previous text only; a run without a <system> leaves none behind.
        self.previous_layout, state.layout = state.layout, None

    def check(self, tree: Tree) -> None:
        root_node = tree.root_node
        if root_node.has_error:
            self.syntax(tree)
            return
        doctype = _find_doctype(root_node)
        if doctype is not None:
            self.issues.append(Issue(codes.ENTITY, "DTD entity declarations are not supported: entities declared "
                                     "in a DOCTYPE are never expanded (and can be used for entity-expansion "
                                     "attacks)", Anchor(0), doctype.start_byte, doctype.end_byte))
        root = root_node.child_by_field_name("root")
        if root is None or root.type != "element":
            self.issues.append(Issue(codes.NO_SYSTEM, "the file has no <system> root element (the Microkit tool "
                                     "panics on it)", Anchor(0), 0, 0))
            return
        if xmltree.tag_name(root, self.data) != "system":
            tag_node = root.children[0]
            self.issues.append(Issue(codes.NO_SYSTEM, f"the root element is <{xmltree.tag_name(root, self.data)}>, "
                                     "not <system> (the Microkit tool panics on it)", Anchor(0),
                                     tag_node.start_byte, tag_node.end_byte))
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

    def system(self, root: Node) -> None:
        layout = self.reuse_layout(root) or self.full_layout(root)
        self.state.layout = layout
        self.assemble(root, layout)
        self.state.cache = {c.key: c for c in layout.items if c.key is not None}

    def full_layout(self, root: Node) -> Layout:
        """Every child of `<system>`, each converted and checked unless its text is cached."""
        domains: frozenset[str] | None = None
        items: list[Checked] = []
        texts: list[tuple[int, int]] = []
        data, used = self.data, self.used
        cache_get = self.state.cache.get
        for node in xmltree.content_children(root):
            kind = node.type
            if kind == "element":
                start = node.start_byte
                key = (data[start:node.end_byte], domains)
                checked = cache_get(key)
                if checked is None or id(checked) in used:
                    checked = self.build(node, key, domains)
                else:
                    used.add(id(checked))
                    checked.anchor.base = start
                items.append(checked)
                if domains is None and isinstance(checked.item, Domains):
                    domains = checked.item.names
            elif kind in ("CDSect", "CharRef", "EntityRef") or (
                    kind == "CharData" and data[node.start_byte:node.end_byte].strip()):
                texts.append((node.start_byte, node.end_byte))
        return Layout(items, texts)

    def reuse_layout(self, root: Node) -> Layout | None:
        """After one edit inside one top-level element: re-check that element, shift the others.

        Only when tree-sitter's changed ranges stay inside that element and it neither is nor
        becomes `<domains>` (whose names later elements depend on); otherwise None.
        """
        previous = self.previous_layout
        if previous is None or self.old_tree is None or len(self.edits) != 1 or not previous.items:
            return None
        edit = self.edits[0]
        items = previous.items
        starts = previous.starts
        if starts is None:
            starts = previous.starts = [c.anchor.base + c.el.start for c in items]
        index = bisect_right(starts, edit.start_byte) - 1
        if index < 0:
            return None
        old = items[index]
        start, end = old.start, old.end
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
        cached = self.state.cache.get(key)
        if cached is not None and all(cached is not c for c in items):
            cached.anchor.base = start
            fresh = cached
        else:
            fresh = self.build(node, key, old.context)
        for later in items[index + 1:]:
            later.anchor.base += delta
        texts = [(a + delta, b + delta) if a >= edit.old_end_byte else (a, b) for a, b in previous.texts]
        shifted = [*starts[:index + 1], *(x + delta for x in starts[index + 1:])] if delta else starts
        return Layout([*items[:index], fresh, *items[index + 1:]], texts, shifted)

    def assemble(self, root: Node, layout: Layout) -> None:
        """Collect per-element issues and the model in document order, then run the cross checks."""
        system_el = xmltree.convert_tag_only(root, self.data)
        sys_model = cross.System(el=system_el)
        Checker(self.target, self.issues).attributes(system_el, set(system_el.attrs))  # duplicates only
        buckets: dict[type, list[Any]] = {ProtectionDomain: sys_model.pds, MemoryRegion: sys_model.mrs,
                                          Channel: sys_model.channels, IoAddressSpace: sys_model.spaces}
        issues = self.issues
        domains_seen = False
        for checked in layout.items:
            if checked.issues:
                issues.extend(checked.issues)
            if checked.deps:
                self.deps.update(checked.deps)
            item = checked.item
            bucket = buckets.get(type(item))
            if bucket is not None:
                bucket.append(item)
            elif isinstance(item, Domains):
                if domains_seen:
                    issues.append(Issue(codes.REPEATED_ELEMENT, "domains must only be specified once on element "
                                        "'domains'", checked.anchor, checked.el.start, checked.el.tag_end))
                domains_seen = True
        content_start = root.children[0].end_byte  # just after `<system …>`
        for start, end in _merge_adjacent(layout.texts):
            self.text_in_system(start, end, first=start == content_start)
        issues.extend(cross.check_system(sys_model, self.target, self.locate, self.state.memo))
        flat = [pd for top in sys_model.pds for pd in top.walk()]
        issues.extend(images.check_images(flat, self.state.memo.table, sys_model.channels, self.target, self.deps))

    def text_in_system(self, start: int, end: int, first: bool) -> None:
        """The tool's `check_no_text`: text opening `<system>` is reported against 'system'; any later text
        node is checked on its own, and a text node's tag name is empty, hence `''`."""
        raw = self.data[start:end]
        leading = len(raw) - len(raw.lstrip())
        trail = len(raw) - len(raw.rstrip())
        name = "system" if first else ""
        self.issues.append(Issue(codes.SYSTEM_TEXT, f"unexpected text found in element '{name}'", Anchor(0),
                                 start + leading, end - trail))

    def build(self, node: Node, key: Key, domains: frozenset[str] | None) -> Checked:
        """Convert and check one top-level element."""
        anchor = Anchor(node.start_byte)
        el = xmltree.convert(node, self.data, anchor)
        issues: list[Issue] = []
        self.item_deps = frozenset()
        item, cacheable = self.check_top(el, Checker(self.target, issues), domains)
        checked = Checked(anchor, el, item, issues, domains, self.item_deps, key if cacheable else None)
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
        offset = el.anchor.base + el.start
        line = self.data.count(b"\n", 0, offset)
        line_start = self.data.rfind(b"\n", 0, offset) + 1
        column = len(self.data[line_start:offset].decode("utf-8", "replace")) + 1
        return f"{self.file_name}:{line + 1}:{column}"


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
