"""aider's `.aider.conf.yml`: the small YAML subset such configs use, read without a YAML library.

Supported: top-level `key: scalar`, `key: [a, b]`, and `key:` followed by `- item` lines; plain,
single- and double-quoted scalars; comments. Anything else is reported with its line and column
(upstream silently yields nothing on a YAML error) and the file's text is kept as one raw rule.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

from drvls.core.diagnostics import Position, Range
from drvls.core.engine import make
from drvls.drv import codes
from drvls.drv.model import Category, Context, Raw, Rule, SourceRef, Standard
from drvls.drv.sources.markdown import Segment, split_lines
from drvls.drv.sources.parsed import ParsedSource, RuleSite, line_range

KEY = re.compile(r"^([A-Za-z0-9_][A-Za-z0-9_.\-]*)[ \t]*:(?:[ \t]+(.*?))?[ \t]*$")
ITEM = re.compile(r"^([ \t]*)-(?:[ \t]+(.*?))?[ \t]*$")
MAX_PRIORITY = 255
# aider configs may hold credentials (`openai-api-key`, `set-env`): never copied into rule files.
SECRET_KEY = re.compile(r"api[-_]?key|token|secret|password|passwd|set[-_]env|credential", re.IGNORECASE)
REDACTED = "<redacted>"


class YamlError(Exception):
    def __init__(self, line: int, column: int, message: str) -> None:
        super().__init__(message)
        self.line, self.column, self.message = line, column, message


@dataclass
class Value:
    text: str
    line: int  # 1-based
    column: int
    width: int  # code points the value occupies in the source


@dataclass
class Entry:
    key: str
    line: int
    end: int
    items: list[Value] = field(default_factory=list)


def scalar(raw: str, line: int, column: int) -> Value:
    """One scalar: quoted (with escapes) or plain (a ` #` starts a comment)."""
    if raw.startswith('"'):
        end = closing_quote(raw, '"')
        if end < 0 or (raw[end + 1:].strip() and not raw[end + 1:].lstrip().startswith("#")):
            raise YamlError(line, column, "unterminated or malformed double-quoted string")
        try:
            text = json.loads(raw[: end + 1])
        except json.JSONDecodeError as exc:
            raise YamlError(line, column + exc.pos, f"bad escape in string: {exc.msg}") from None
        return Value(text, line, column, end + 1)
    if raw.startswith("'"):
        end = closing_quote(raw, "'")
        if end < 0:
            raise YamlError(line, column, "unterminated single-quoted string")
        return Value(raw[1:end].replace("''", "'"), line, column, end + 1)
    text = re.split(r"[ \t]+#", raw, maxsplit=1)[0].rstrip()
    if text[:1] in ("{", "&", "*", "!", "|", ">", "%", "@", "`"):
        raise YamlError(line, column, f"unsupported YAML value starting with {text[0]!r}")
    return Value(text, line, column, len(text))


def closing_quote(raw: str, quote: str) -> int:
    i = 1
    while i < len(raw):
        if quote == '"' and raw[i] == "\\":
            i += 2
            continue
        if raw[i] == quote:
            if quote == "'" and raw[i + 1:i + 2] == "'":
                i += 2
                continue
            return i
        i += 1
    return -1


def flow_sequence(raw: str, line: int, column: int) -> list[Value]:
    """`[a, "b", 'c']` on one line."""
    body = raw.rstrip()
    if not body.endswith("]"):
        raise YamlError(line, column, "a flow sequence must close with ']' on the same line")
    values: list[Value] = []
    i = 1
    while i < len(body) - 1:
        while i < len(body) - 1 and body[i] in " \t,":
            i += 1
        if i >= len(body) - 1:
            break
        if body[i] in "\"'":
            end = closing_quote(body[i:], body[i])
            if end < 0:
                raise YamlError(line, column + i, "unterminated string in flow sequence")
            values.append(scalar(body[i:i + end + 1], line, column + i))
            i += end + 1
        else:
            end = body.find(",", i)
            end = len(body) - 1 if end < 0 else end
            text = body[i:end].rstrip()
            values.append(Value(text, line, column + i, len(text)))
            i = end
    return values


def parse_entries(lines: list[str]) -> list[Entry]:
    entries: list[Entry] = []
    current: Entry | None = None
    for number, line in enumerate(lines, start=1):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        item = ITEM.match(line)
        key = KEY.match(line)
        if key and not line[0].isspace():
            current = Entry(key.group(1), number, number)
            entries.append(current)
            raw = key.group(2)
            if raw:
                column = key.start(2)
                if raw.startswith("["):
                    current.items.extend(flow_sequence(raw, number, column))
                else:
                    current.items.append(scalar(raw, number, column))
                current = None
        elif item and current is not None:
            raw = item.group(2) or ""
            column = item.start(2) if item.group(2) is not None else len(line)
            current.items.append(scalar(raw, number, column) if raw else Value("", number, column, 0))
            current.end = number
        else:
            column = len(line) - len(line.lstrip())
            raise YamlError(number, column, "expected `key: value` at the start of a line or a `- item` "
                            "under a key (nested mappings are not supported)")
    return entries


def map_aider_yaml(text: str, file: str, parsed: ParsedSource) -> None:
    """conventions → standards, read_only_files → context excludes, read → context includes; other keys raw."""
    lines = split_lines(text)
    try:
        entries = parse_entries(lines)
    except YamlError as exc:
        pos = Position(exc.line - 1, exc.column)
        parsed.problems.append(make(codes.INVALID_YAML, f"cannot read this YAML: {exc.message}", Range(pos, pos)))
        keep_all(lines, file, parsed)
        return
    covered: set[int] = set()
    found: list[tuple[int, Rule, RuleSite]] = []
    for entry in entries:
        entry_lines = frozenset(range(entry.line, entry.end + 1))
        structured = entry.key in ("conventions", "read_only_files", "read")
        covered.update({entry.line, *(v.line for v in entry.items)} if structured else entry_lines)
        key_site = RuleSite(anchor=line_range(entry.line, 0, entry.key), lines=entry_lines)
        if entry.key == "conventions":
            for index, value in enumerate(entry.items):
                seg = Segment(value.line, value.column, value.text)
                site = RuleSite(anchor=line_range(value.line, value.column, " " * value.width),
                                lines=frozenset({value.line, entry.line}), segments=(seg,))
                rule = Standard(Category.STYLE, min(index, MAX_PRIORITY), value.text,
                                source=SourceRef(file, value.line))
                found.append((value.line, rule, site))
        elif entry.key in ("read_only_files", "read"):
            values = [v.text for v in entry.items]
            context = Context(source=SourceRef(file, entry.line))
            (context.excludes if entry.key == "read_only_files" else context.includes).extend(values)
            lines_used = frozenset({entry.line, *(v.line for v in entry.items)})
            found.append((entry.line, context, RuleSite(anchor=key_site.anchor, lines=lines_used)))
        elif SECRET_KEY.search(entry.key):
            pos = Position(entry.line - 1, 0)
            parsed.problems.append(make(codes.SECRET_NOT_COPIED,
                                        f"`{entry.key}` looks like a credential: its value is not copied into "
                                        "the rules", Range(pos, Position(pos.line, len(entry.key)))))
            found.append((entry.line, Raw(f"{entry.key}: {REDACTED}", source=SourceRef(file, entry.line)),
                          key_site))
        else:
            raw = Raw("\n".join(lines[entry.line - 1:entry.end]), source=SourceRef(file, entry.line))
            found.append((entry.line, raw, key_site))
    for number, line in enumerate(lines, start=1):
        if line.strip() and number not in covered:  # comments: kept, one raw rule per line
            site = RuleSite(anchor=line_range(number, 0, line), lines=frozenset({number}))
            found.append((number, Raw(line, source=SourceRef(file, number)), site))
    for _line, found_rule, site in sorted(found, key=lambda f: f[0]):
        parsed.rules.append(found_rule)
        parsed.sites.append(site)


def keep_all(lines: list[str], file: str, parsed: ParsedSource) -> None:
    """An unreadable config is kept whole, so nothing is lost and the error is visible."""
    numbered = [n for n, line in enumerate(lines, start=1) if line.strip()]
    if not numbered:
        return
    first, last = numbered[0], numbered[-1]
    anchor = Range(Position(first - 1, 0), Position(last - 1, len(lines[last - 1])))
    parsed.rules.append(Raw("\n".join(lines[first - 1:last]), source=SourceRef(file, first)))
    parsed.sites.append(RuleSite(anchor=anchor, lines=frozenset(range(first, last + 1))))
