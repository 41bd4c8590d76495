"""Completion in `.system` files: elements, attributes and values valid at the cursor on the target.

Names come from the snapshot's typed model (regions, PDs, domains), what is allowed from
`vocabulary` (arch, hypervisor, IOMMU, Microkit version), free ids and addresses from
`allocation`; the cursor's context from `cursor`, which also works in a file being typed.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from drvls.core.completion import CHOICES, CompletionItem, ItemKind, TextChange, choice, escape
from drvls.core.diagnostics import Position, Range
from drvls.core.text import LineIndex
from drvls.microkit import allocation, vocabulary
from drvls.microkit.cursor import Cursor, Where, locate
from drvls.microkit.model import Map, ProtectionDomain
from drvls.microkit.snapshot import SystemModel
from drvls.microkit.target import Target

INDENT = "    "
_END_PD = re.compile(rb"<end\b[^<>]*?\bpd\s*=\s*[\"']([^\"'<]*)")
SHARED_PAIRS = 8  # shared-region snippets offered at most (PD pairs joined by a channel first)


def complete(analysis: Any, text: str, pos: Position) -> Iterator[CompletionItem]:
    """Proposals at `pos` in the snapshot `analysis` of `text`, best first, made as they are read (a
    region list of a large system is cut by `core.completion.select` before most are made)."""
    index = getattr(analysis, "index", None)
    if not isinstance(index, LineIndex):
        index = LineIndex(text)
    model = analysis.model if isinstance(analysis.model, SystemModel) else None
    state = getattr(analysis, "state", None)
    target = getattr(state, "target", None)
    site = Site(model, target if isinstance(target, Target) else Target(), index, locate(index.data,
                index.byte_offset(pos), model))
    return site.items()


@dataclass
class Site:
    """One completion request: the model, the target, the text's index and the cursor's context."""

    model: SystemModel | None
    target: Target
    index: LineIndex
    cursor: Cursor

    def items(self) -> Iterator[CompletionItem]:
        where = self.cursor.where
        if where is Where.CONTENT:
            yield from self.elements(with_bracket=True)
        elif where is Where.TAG_NAME:
            yield from self.elements(with_bracket=False)
        elif where is Where.CLOSE and self.cursor.stack:
            tag = self.cursor.parent
            yield self.item(tag, ItemKind.ELEMENT, f"{tag}>", detail=f"closes <{tag}>")
        elif where is Where.ATTR_NAME:
            yield from self.attribute_names()
        elif where is Where.ATTR_VALUE:
            yield from self.values()

    # -- conversion --------------------------------------------------------------------------------

    @cached_property
    def replace(self) -> Range:
        return self.index.range(self.cursor.start, self.cursor.end)

    def item(self, label: str, kind: ItemKind, insert: str, detail: str = "", snippet: bool = False,
             sort: str = "", preselect: bool = False, filter: str = "", documentation: str = "",
             extra: tuple[TextChange, ...] = ()) -> CompletionItem:
        return CompletionItem(label, kind, self.replace, insert, detail, documentation, snippet, extra, sort,
                              preselect, filter)

    @property
    def sizes(self) -> dict[str, tuple[int, int]]:
        return allocation.region_sizes(self.model) if self.model is not None else {}

    @property
    def pds(self) -> dict[str, ProtectionDomain]:
        return allocation.pds_by_name(self.model) if self.model is not None else {}

    @cached_property
    def indent(self) -> str:
        """The cursor line's leading white space, which multi-line snippets repeat."""
        line = self.index.line_text(self.index.position(self.cursor.offset).line)
        return line[: len(line) - len(line.lstrip())]

    def lines(self, first: str, *rest: str) -> str:
        return "\n".join([first, *(self.indent + line for line in rest)])

    # -- elements ----------------------------------------------------------------------------------

    def elements(self, with_bracket: bool) -> Iterator[CompletionItem]:
        parent = self.cursor.parent
        lt = "<" if with_bracket else ""
        for n, tag in enumerate(vocabulary.children(parent, self.target)):
            body = self.element_body(tag, parent)
            yield self.item(tag, ItemKind.ELEMENT, lt + body, detail=f"<{tag}> in <{parent or 'document'}>",
                            snippet=True, sort=f"1{n:02}", filter=lt + tag)
        if parent == "system":
            yield from self.system_snippets(lt)

    def element_body(self, tag: str, parent: str) -> str:
        """The snippet for a new `tag` element (without its `<`), its required attributes as placeholders."""
        if tag == "protection_domain":
            name = "${1:name}"
            head = f'protection_domain name="{name}"'
            if parent == "protection_domain":
                head += f' id="${{2:{self.free_child_id()}}}"'
            else:
                head += ' priority="${2:100}"'
            return self.lines(f"{head}>", f'{INDENT}<program_image path="${{3:program.elf}}" />', f"{INDENT}$0",
                              "</protection_domain>")
        if tag == "channel":
            return self.channel_body()
        if tag == "virtual_machine":
            return self.lines('virtual_machine name="${1:vm}">', f'{INDENT}<vcpu id="${{2:0}}" />', f"{INDENT}$0",
                              "</virtual_machine>")
        if tag in ("system", "domains", "cspace", "io_address_space", "domain_schedule"):
            attrs = "".join(f' {a}="${{{i}}}"' for i, a in enumerate(vocabulary.REQUIRED.get(tag, ()), 1))
            return self.lines(f"{tag}{attrs}>", f"{INDENT}$0", f"</{tag}>")
        attrs = " ".join(self.attribute_snippet(tag, parent, a, i)
                         for i, a in enumerate(vocabulary.required(tag, self.target), 1))
        return f"{tag} {attrs} />" if attrs else f"{tag} />"

    def attribute_snippet(self, tag: str, parent: str, attr: str, number: int) -> str:
        values = self.short_values(tag, parent, attr, {})
        return f'{attr}="{choice(number, values) if values else f"${{{number}}}"}"'

    def channel_body(self) -> str:
        names = [pd.name for pd in (self.model.all_pds() if self.model else []) if pd.name is not None]
        first = names[0] if names else "a"
        second = names[1] if len(names) > 1 else "b"
        ids = [self.free_channel_id(first), self.free_channel_id(second)]
        ends = [f'<end pd="{choice(1, names or [first])}" id="${{2:{ids[0]}}}" />',
                f'<end pd="{choice(3, [second, *[n for n in names if n != second]])}" id="${{4:{ids[1]}}}" />']
        return self.lines("channel>", *(INDENT + e for e in ends), "</channel>")

    def system_snippets(self, lt: str) -> Iterator[CompletionItem]:
        """Shared regions: one region mapped read-write into two PDs, with both maps added to the PDs."""
        if self.model is None:
            return
        for n, (a, b) in enumerate(self.pd_pairs()):
            name = self.free_region_name(f"shared_{a.name}_{b.name}")
            extra = [edit for edit in (self.map_into(pd, name) for pd in (a, b)) if edit is not None]
            if len(extra) != 2:
                continue
            body = f'memory_region name="{escape(name)}" size="${{1:0x1000}}" />'
            yield self.item(f"shared region: {a.name} ↔ {b.name}", ItemKind.SNIPPET, lt + body,
                            detail=f"a region mapped rw into {a.name} and {b.name}", snippet=True,
                            sort=f"2{n:02}", filter=f"{lt}memory_region shared {a.name} {b.name}",
                            extra=tuple(extra))

    def pd_pairs(self) -> list[tuple[ProtectionDomain, ProtectionDomain]]:
        assert self.model is not None
        pds = self.pds
        pairs: list[tuple[ProtectionDomain, ProtectionDomain]] = []
        for channel in self.model.channels:
            if len(channel.ends) == 2:
                a, b = (pds.get(e.pd or "") for e in channel.ends)
                if a is not None and b is not None and a is not b and (a, b) not in pairs:
                    pairs.append((a, b))
            if len(pairs) >= SHARED_PAIRS:
                return pairs
        ordered = list(pds.values())
        if not pairs and len(ordered) >= 2:
            pairs.append((ordered[0], ordered[1]))
        return pairs

    def map_into(self, pd: ProtectionDomain, mr: str) -> TextChange | None:
        """A `<map>` of `mr` at the PD's next free address, inserted before its end tag."""
        assert self.model is not None
        base = self.model.base_of(pd.el.anchor)
        start, end = base + pd.el.start, base + pd.el.end
        data = self.index.data
        close = data.rfind(b"</", start, end)
        limit = self.target.pd_vaddr_limit(pd.stack_size)
        vaddr = allocation.memo(self.model, f"next_vaddr:{id(pd)}", lambda model: allocation.next_vaddr(
            model, pd.maps, allocation.SMALL_PAGE, limit, sizes=self.sizes))
        if close < 0 or vaddr is None:
            return None
        line_start = data.rfind(b"\n", 0, close) + 1
        element = f'<map mr="{mr}" vaddr="{vaddr:#x}" perms="rw" />'
        before = data[line_start:close].decode("utf-8", "replace")
        if before.strip():  # the end tag shares its line: insert right before it
            at = self.index.position(close)
            return TextChange(Range(at, at), element)
        at = self.index.position(line_start)
        return TextChange(Range(at, at), f"{before}{INDENT}{element}\n")

    def free_region_name(self, wanted: str) -> str:
        taken = {mr.name for mr in self.model.mrs} if self.model else set()
        name, n = wanted, 2
        while name in taken:
            name, n = f"{wanted}_{n}", n + 1
        return name

    # -- attributes --------------------------------------------------------------------------------

    def attribute_names(self) -> Iterator[CompletionItem]:
        cursor = self.cursor
        written = set(cursor.attrs)
        required = vocabulary.required(cursor.tag, self.target)
        for n, attr in enumerate(vocabulary.attributes(cursor.tag, cursor.parent, self.target)):
            if attr in written or (attr == "domain" and not self.domain_names()):
                continue
            values = self.short_values(cursor.tag, cursor.parent, attr, cursor.attrs)
            insert = f'{attr}="{choice(1, values) if values else "$1"}"'
            rank = 0 if attr in required else 1
            yield self.item(attr, ItemKind.ATTRIBUTE, insert, snippet=True, sort=f"{rank}{n:02}",
                            detail="required" if attr in required else f"<{cursor.tag}> attribute")

    # -- values ------------------------------------------------------------------------------------

    def values(self) -> Iterator[CompletionItem]:
        cursor = self.cursor
        quote = "" if cursor.quote else '"'
        for n, (label, kind, detail, preselect) in enumerate(
                self.value_labels(cursor.tag, cursor.parent, cursor.attr, cursor.attrs)):
            yield self.item(label, kind, f"{quote}{label}{quote}", detail=detail, sort=f"{n:03}", preselect=preselect,
                            filter=f"{quote}{label}")

    def short_values(self, tag: str, parent: str, attr: str, attrs: dict[str, str]) -> list[str]:
        """The values a snippet offers as a choice: none when there are many (regions of a large system)."""
        if (tag, attr) in (("map", "mr"), ("iomap", "mr"), ("setvar", "region_paddr")) and len(self.sizes) > CHOICES:
            return []
        return [label for label, *_ in self.value_labels(tag, parent, attr, attrs)]

    def value_labels(self, tag: str, parent: str, attr: str, attrs: dict[str, str]
                     ) -> list[tuple[str, ItemKind, str, bool]]:
        """(value, kind, detail, preselect) for `attr` of `tag`, best first."""
        value = ItemKind.VALUE
        if (tag, attr) in vocabulary.BOOLEANS:
            return [("true", value, "", False), ("false", value, "", False)]
        if (tag, attr) in vocabulary.CHOICES:
            return [(v, value, "", False) for v in vocabulary.CHOICES[(tag, attr)]]
        if attr == "perms" and tag in vocabulary.PERMS:
            return [(v, value, _PERMS_DETAIL.get(v, ""), v == "rw") for v in vocabulary.PERMS[tag]]
        if (tag, attr) == ("memory_region", "page_size"):
            return [(f"{size:#x}", value, f"{_human(size)} pages on {self.target.arch_label}", False)
                    for size in vocabulary.page_sizes(self.target)]
        if (tag, attr) in (("map", "mr"), ("iomap", "mr"), ("setvar", "region_paddr")):
            return self.region_labels()
        if attr == "pd" and tag in ("end", "cap_tcb", "cap_sc", "cap_vspace"):
            return self.pd_labels(tag)
        if attr == "domain" and tag in ("protection_domain", "schedule_entry"):
            return [(n, ItemKind.REFERENCE, "domain", False) for n in self.domain_names()]
        if attr == "id" and tag in ("end", "irq"):
            pd = attrs.get("pd") if tag == "end" else self.enclosing_pd_name()
            return [(str(i), value, f"free channel id of {pd}" if pd else "free channel id", n == 0)
                    for n, i in enumerate(allocation.free_ids(self.taken_ids(pd), 3))]
        if attr == "id" and tag == "protection_domain" and parent == "protection_domain":
            return [(str(self.free_child_id()), value, "free child id", True)]
        if (tag, attr) == ("map", "vaddr"):
            found = self.next_vaddr(parent, attrs.get("mr"))
            return [(f"{found:#x}", value, "next free address, aligned", True)] if found is not None else []
        return []

    def region_labels(self) -> list[tuple[str, ItemKind, str, bool]]:
        """Every region, those the enclosing PD does not map yet first."""
        if self.model is None:
            return []
        pd = self.pd_model(self.enclosing_pd_name())
        mapped = pd.used_regions() if pd is not None else frozenset()
        labels = allocation.memo(self.model, "region_labels", _region_labels)
        return [label for label in labels if label[0] not in mapped] + [
            (name, kind, f"{detail} (mapped here)", pre) for name, kind, detail, pre in labels if name in mapped]

    def pd_labels(self, tag: str) -> list[tuple[str, ItemKind, str, bool]]:
        if self.model is None:
            return []
        here = self.enclosing_pd_name()
        channel = self.cursor.enclosing("channel")
        other = None
        if tag == "end" and channel is not None:  # the end already written in this channel goes last
            before = _END_PD.search(self.index.data, channel.start, max(channel.start, self.cursor.tag_start))
            other = before.group(1).decode("utf-8", "replace") if before else None
        names = [pd.name for pd in self.model.all_pds() if pd.name is not None]
        # PDs being typed (still open around the cursor) are not in the model of a file with errors
        names += [n for n in (o.attrs.get("name") for o in self.cursor.stack if o.tag == "protection_domain")
                  if n and n not in names]
        return [(n, ItemKind.REFERENCE, "protection domain", False) for n in names if n not in (here, other)] + [
            (n, ItemKind.REFERENCE, "protection domain", False) for n in names if n in (here, other)]

    def domain_names(self) -> list[str]:
        if self.model is None:
            return []
        return [name for dom in self.model.domains for name in sorted(dom.names)]

    # -- the model around the cursor ---------------------------------------------------------------

    def enclosing_pd_name(self) -> str | None:
        pd = self.cursor.enclosing("protection_domain")
        return pd.attrs.get("name") if pd is not None else None

    def pd_model(self, name: str | None) -> ProtectionDomain | None:
        if self.model is None or name is None:
            return None
        return self.pds.get(name)

    def taken_ids(self, pd: str | None) -> set[int]:
        if self.model is None or pd is None:
            return set()
        return allocation.channel_ids(self.model, pd, self.cursor.offset)

    def free_channel_id(self, pd: str) -> int:
        free = allocation.free_ids(self.taken_ids(pd))
        return free[0] if free else 0

    def free_child_id(self) -> int:
        pd = self.pd_model(self.enclosing_pd_name())
        used = allocation.child_ids(pd, self.model, self.cursor.offset) if pd and self.model else set()
        free = allocation.free_ids(used)
        return free[0] if free else 0

    def next_vaddr(self, parent: str, mr: str | None) -> int | None:
        pd = self.pd_model(self.enclosing_pd_name())
        if self.model is None:
            return allocation.VADDR_BASE
        align = self.sizes.get(mr or "", (0, allocation.SMALL_PAGE))[1]
        maps: list[Map] = []
        limit = self.target.pd_vaddr_limit(self.target.default_stack_size())
        if pd is not None and parent == "virtual_machine" and pd.vm is not None:
            maps, limit = pd.vm.maps, self.target.vm_vaddr_limit()
        elif pd is not None and parent == "protection_domain":
            maps, limit = pd.maps, self.target.pd_vaddr_limit(pd.stack_size)
        return allocation.next_vaddr(self.model, maps, align, limit, self.cursor.offset, self.sizes)


_PERMS_DETAIL = {"rw": "read and write", "r": "read only", "rx": "read and execute", "rwx": "read, write, execute",
                 "x": "execute only", "w": "write only (I/O mappings)"}


def _region_labels(model: SystemModel) -> list[tuple[str, ItemKind, str, bool]]:
    sizes = allocation.region_sizes(model)
    return [(name, ItemKind.REFERENCE, f"memory region, {_human(sizes[name][0])}", False) for name in sorted(sizes)]


def _human(size: int) -> str:
    for unit, scale in (("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
        if size >= scale and size % scale == 0:
            return f"{size // scale} {unit}"
    return f"{size} bytes"
