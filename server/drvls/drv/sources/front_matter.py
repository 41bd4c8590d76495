"""The front matter of scoped rule files (`---` … `---` at the top): the keys each assistant reads.

Rule-file front matter is not strict YAML: Cursor writes `globs: **/*.ts, src/**` unquoted, which a
YAML parser reads as an alias. So values are read as text: `key: value` (quotes removed),
`key: [a, b]`, or `key:` followed by `- item` lines. Lines that are none of these are reported
(`RUL011`) and, like keys no assistant reads, kept as a raw rule, so no text is lost.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from drvls.drv.sources.aider_yaml import YamlError, flow_sequence, scalar

KEY = re.compile(r"^([A-Za-z_][A-Za-z0-9_.\-]*)[ \t]*:(?:[ \t]+(.*?))?[ \t]*$")
ITEM = re.compile(r"^[ \t]+-(?:[ \t]+(.*?))?[ \t]*$|^-(?:[ \t]+(.*?))?[ \t]*$")


@dataclass
class Entry:
    key: str
    line: int  # 1-based
    items: list[str] = field(default_factory=list)
    listed: bool = False  # written as a list (flow or block), not one scalar
    lines: list[int] = field(default_factory=list)


@dataclass
class FrontMatter:
    end: int = 0  # lines the block takes, fences included (0: the file has none)
    entries: dict[str, Entry] = field(default_factory=dict)
    problems: list[tuple[int, str]] = field(default_factory=list)  # (1-based line, message)
    unread: list[int] = field(default_factory=list)  # 1-based lines no key of the format used

    def text(self, key: str) -> str | None:
        entry = self.entries.get(key)
        return None if entry is None else ", ".join(entry.items)

    def items(self, key: str) -> list[str]:
        """A list value, or a comma-separated one (`globs: a, b`), without empty items."""
        entry = self.entries.get(key)
        if entry is None:
            return []
        parts = entry.items if entry.listed else [p for item in entry.items for p in item.split(",")]
        return [p.strip() for p in parts if p.strip()]

    def keep(self, used: set[str]) -> None:
        """Every line of a key not in `used` is unread (kept as raw text)."""
        for key, entry in self.entries.items():
            if key not in used:
                self.unread.extend(entry.lines)
        self.unread.sort()


def value_text(raw: str, line: int, column: int) -> str:
    """A scalar's text: quoted strings unquoted, plain text as written (comments after ` #` dropped)."""
    if raw[:1] in ("'", '"'):
        return scalar(raw, line, column).text
    return re.split(r"[ \t]+#", raw, maxsplit=1)[0].rstrip()


def read_front_matter(lines: list[str]) -> FrontMatter:
    """The block at the top of `lines`, if it is closed; an unclosed `---` is ordinary text."""
    if not lines or lines[0].rstrip() != "---":
        return FrontMatter()
    end = next((j for j in range(1, len(lines)) if lines[j].rstrip() in ("---", "...")), None)
    if end is None:
        return FrontMatter()
    fm = FrontMatter(end=end + 1)
    current: Entry | None = None
    for number in range(2, end + 1):
        line = lines[number - 1]
        if not line.strip() or line.lstrip().startswith("#"):
            fm.unread.append(number)
            continue
        key, item = KEY.match(line), ITEM.match(line)
        try:
            if key:
                current = Entry(key.group(1), number, lines=[number])
                fm.entries[current.key] = current
                raw = key.group(2)
                if raw and raw.startswith("["):
                    current.items, current.listed = [v.text for v in flow_sequence(raw, number, key.start(2))], True
                elif raw:
                    current.items = [value_text(raw, number, key.start(2))]
            elif item and current is not None:
                raw = item.group(1) or item.group(2) or ""
                current.items.append(value_text(raw, number, line.index("-") + 2) if raw else "")
                current.listed = True
                current.lines.append(number)
            else:
                raise YamlError(number, 0, "expected `key: value` or a `- item` under a key")
        except YamlError as exc:
            fm.problems.append((number, exc.message))
            fm.unread.append(number)
    return fm


def boolean(text: str | None) -> bool | None:
    """YAML's true/false (any case); None when absent or not a boolean."""
    if text is None:
        return None
    return {"true": True, "false": False}.get(text.strip().lower())
