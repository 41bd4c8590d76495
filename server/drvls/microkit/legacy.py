"""Old syntaxes that real files still use: one targeted diagnostic each, no cascade.

Pre-2.0 `pp` on `<protection_domain>`, the pre-1.3 virtual machine dialect, sel4cp-era
`<setvar vaddr>`, and C-preprocessor templates (which are not XML until cpp has run).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from drvls.microkit.model import Change, Channel, FixPlan, ProtectionDomain
from drvls.microkit.xmltree import El

PP = "pp"
PD_ATTRS = frozenset({PP})
PD_PP_MESSAGE = ("`pp` on <protection_domain> was removed in Microkit 2.0: move `pp` to the calling `<end>` "
                 "(pp=\"true\" on the end of each channel whose PD calls this one)")
SETVAR_VADDR_MESSAGE = ("<setvar vaddr> is sel4cp-era syntax, not accepted since Microkit 1.x: use "
                        "`setvar_vaddr` on a <map>, or `region_paddr` for a physical address")
VM_ATTRS = frozenset({"vm_id", "id"})
VM_CHILDREN = frozenset({"program_image", "device_tree", "init_ram_disk"})


def pp_fix(pd: ProtectionDomain, channels: list[Channel], priorities: dict[str, int]) -> FixPlan | None:
    """Move a callee's pre-2.0 `pp="true"` to the other end of each of its channels.

    Only ends of PDs with a strictly lower priority get it: the only PPCs Microkit 2.0 allows,
    which also settles channels between two PDs that both had `pp`.
    """
    span = pd.el.attr_removal(PP)
    if span is None:
        return None
    changes = [Change(pd.el.anchor, span[0], span[1], "")]
    if pd.el.get(PP) == "true":
        for channel in channels:
            if len(channel.ends) != 2:
                continue
            for mine, other in (channel.ends, channel.ends[::-1]):
                if (mine.pd == pd.name and other.pd != pd.name and "pp" not in other.el.attrs
                        and priorities.get(other.pd or "", pd.priority) < pd.priority):
                    insert = other.el.start + len("<end")
                    changes.append(Change(other.el.anchor, insert, insert, ' pp="true"'))
    title = ("Move `pp` to the calling channel ends (Microkit 2.0)" if len(changes) > 1
             else "Remove `pp` from <protection_domain> (Microkit 2.0)")
    return FixPlan(title, tuple(changes), safe=True)


def vm_attr_message(name: str) -> str:
    return (f"`{name}` on <virtual_machine> is pre-1.3 syntax: a VM is now named by `name` and gets its "
            "identity from `<vcpu id=\"…\"/>` children")


def vm_child_message(tag: str) -> str:
    return (f"<{tag}> inside <virtual_machine> is pre-1.3 syntax: guest images are now loaded by the VMM "
            "program, and the VM needs `<vcpu id=\"…\"/>` children")


def vm_dialect(el: El) -> bool:
    """True for a `<virtual_machine>` written in the pre-1.3 dialect (no vCPU cascade then)."""
    return bool(VM_ATTRS & el.attrs.keys()) or any(c.tag in VM_CHILDREN for c in el.children)


@dataclass(frozen=True)
class CppHit:
    """One construct that makes the text a cpp template (a directive, a C comment, an unquoted macro value)."""

    start: int  # character offsets in the text
    end: int
    message: str


_COMMENT = re.compile(r"<!--.*?(?:-->|\Z)", re.S)
_DIRECTIVE = re.compile(r"^[ \t]*#[ \t]*(include|define|undef|ifdef|ifndef|if|elif|else|endif|pragma|error)\b.*$",
                        re.M)
_BLOCK = re.compile(r"/\*.*?(?:\*/|\Z)", re.S)
_UNQUOTED = re.compile(r"(?<=[\s])([A-Za-z_][\w:.-]*)[ \t]*=[ \t]*([A-Za-z_][A-Za-z0-9_]*)(?=[\s/>])")


def plain(data: bytes) -> bool:
    """No `#` and no `/*`: the text cannot be a cpp template (`cpp_template` finds nothing in it)."""
    return b"#" not in data and b"/*" not in data


def still_plain(data: bytes, start: int, new_end: int) -> bool:
    """`plain(data)`, given that it held before bytes `start`..`new_end` were inserted: a new `#` is among
    them, a new `/*` overlaps them (a check of the edit, not of the file)."""
    return b"#" not in data[start:new_end] and b"/*" not in data[max(0, start - 1):new_end + 1]


def cpp_template(text: str) -> list[CppHit]:
    """Each C-preprocessor construct in a file that uses them; empty for ordinary XML.

    A file counts as a template when it has a `#` directive line or a `/* … */` comment outside
    XML comments; then each unquoted macro value in a tag is reported too.
    """
    if "#" not in text and "/*" not in text:
        return []
    masked = _COMMENT.sub(lambda m: " " * len(m.group(0)), text)
    hits: list[CppHit] = []
    for match in _DIRECTIVE.finditer(masked):
        directive = match.group(0).strip()
        hits.append(CppHit(match.start() + len(match.group(0)) - len(match.group(0).lstrip()), match.end(),
                           f"C preprocessor directive `{directive}`"))
    for match in _BLOCK.finditer(masked):
        if _inside_quotes(masked, match.start()):
            continue
        hits.append(CppHit(match.start(), match.end(), "C comment `/* … */` (XML comments are `<!-- … -->`)"))
    if not hits:
        return []
    for match in _UNQUOTED.finditer(masked):
        hits.append(CppHit(match.start(2), match.end(2),
                           f"unquoted value `{match.group(2)}` for `{match.group(1)}`: a cpp macro, a value "
                           "only after cpp runs"))
    return sorted(hits, key=lambda h: h.start)


@dataclass(frozen=True)
class CppReport:
    """One diagnostic for a whole cpp template: where it starts, which lines, and each construct."""

    start: int  # character offsets of the first construct
    end: int
    message: str
    hits: tuple[CppHit, ...]


def cpp_report(text: str) -> CppReport | None:
    """The file's cpp constructs as one report (one problem: the file is a template), or None."""
    hits = cpp_template(text)
    if not hits:
        return None
    lines = sorted({text.count("\n", 0, h.start) + 1 for h in hits})
    kinds = [kind for kind, present in (
        ("directives", any(h.message.startswith("C preprocessor directive") for h in hits)),
        ("C comments", any(h.message.startswith("C comment") for h in hits)),
        ("unquoted macro values", any(h.message.startswith("unquoted value") for h in hits))) if present]
    listed = kinds[0] if len(kinds) == 1 else f"{', '.join(kinds[:-1])} and {kinds[-1]}"
    message = (f"this file is a C-preprocessor template, not XML: {listed} on "
               f"{'line' if len(lines) == 1 else 'lines'} {_line_list(lines)}; check the file cpp generates "
               "from it instead")
    return CppReport(hits[0].start, hits[0].end, message, tuple(hits))


def _line_list(lines: list[int]) -> str:
    """`3, 5–7, 9` for [3, 5, 6, 7, 9]."""
    runs: list[list[int]] = []
    for line in lines:
        if runs and runs[-1][-1] == line - 1:
            runs[-1].append(line)
        else:
            runs.append([line])
    return ", ".join(str(r[0]) if len(r) == 1 else f"{r[0]}–{r[-1]}" for r in runs)


def _inside_quotes(text: str, offset: int) -> bool:
    """Whether `offset` is inside a quoted attribute value of the tag it is in (a cheap check)."""
    tag_start = text.rfind("<", 0, offset)
    if tag_start < 0 or text.rfind(">", 0, offset) > tag_start:
        return False
    return text.count('"', tag_start, offset) % 2 == 1
