"""The Microkit tool's own SDF test suite (`upstream/test.rs`), read as data.

`test.rs` is vendored unchanged; this module reads its kernel configurations and its test
functions (`check_success`, `check_error`, `check_missing`) into `Case` records, and maps the
configurations onto drvls's `microkit` settings. Run it as a script to print the table.
"""

from __future__ import annotations

import json
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

UPSTREAM = Path(__file__).resolve().parent / "upstream"
TEST_RS = UPSTREAM / "test.rs"
FIXTURES = UPSTREAM / "sdf"
PREFILLS = UPSTREAM / "prefills"
TOOL_OUTPUT = UPSTREAM / "tool_output.json"

# sel4::Config fields that drvls's target settings model, and their setting names.
CONFIG_FIELDS = {"arch": "arch", "hypervisor": "hypervisor", "iommu": "iommu", "num_cores": "cores",
                 "num_domains": "num_domains", "num_domain_schedules": "num_domain_schedules",
                 "vspace_user_top": "user_vspace_top", "arm_smc": "smc"}
ARCHES = {"Aarch64": "aarch64", "Riscv64": "riscv64", "X86_64": "x86_64"}


@dataclass(frozen=True)
class Case:
    name: str  # `module::test_fn`, as the Rust test harness names it
    fixture: str
    config: dict[str, Any]  # sel4::Config fields that matter for parsing
    expected: str | None  # the prefix the tool's error must start with; None: the file must parse

    def settings(self) -> dict[str, Any]:
        """The drvls `microkit` settings section for this case's kernel configuration."""
        section: dict[str, Any] = {"version": "2.3", "search_path": [str(PREFILLS)]}
        for field, key in CONFIG_FIELDS.items():
            if field in self.config:
                value = self.config[field]
                section[key] = bool(value) if field == "arm_smc" else value  # None: no SMC forwarding
        return section


class _Reader:
    """A cursor over Rust source that reads the few literal forms test.rs uses."""

    def __init__(self, text: str, pos: int = 0) -> None:
        self.text = text
        self.pos = pos

    def skip(self) -> None:
        while True:
            match = re.compile(r"\s+|//[^\n]*").match(self.text, self.pos)
            if not match or match.end() == self.pos:
                return
            self.pos = match.end()

    def expect(self, token: str) -> None:
        self.skip()
        if not self.text.startswith(token, self.pos):
            raise ValueError(f"test.rs: expected {token!r} at {self.pos}: {self.text[self.pos:self.pos + 40]!r}")
        self.pos += len(token)

    def peek(self, token: str) -> bool:
        self.skip()
        return self.text.startswith(token, self.pos)

    def string(self) -> str:
        """A Rust string literal: `"…"` with escapes and line continuations, or `r#"…"#`."""
        self.skip()
        raw = re.compile(r'r(#*)"').match(self.text, self.pos)
        if raw:
            close = '"' + raw.group(1)
            end = self.text.index(close, raw.end())
            self.pos = end + len(close)
            return self.text[raw.end():end]
        self.expect('"')
        out = []
        while True:
            ch = self.text[self.pos]
            if ch == '"':
                self.pos += 1
                return "".join(out)
            if ch == "\\":
                nxt = self.text[self.pos + 1]
                if nxt == "\n":  # line continuation: the newline and the next line's indent go
                    self.pos += 2
                    while self.text[self.pos] in " \t\n":
                        self.pos += 1
                    continue
                out.append({"n": "\n", "t": "\t", "\\": "\\", '"': '"', "'": "'", "0": "\0"}[nxt])
                self.pos += 2
                continue
            out.append(ch)
            self.pos += 1

    def word(self) -> str:
        self.skip()
        match = re.compile(r"\w+(?:::\w+)*").match(self.text, self.pos)
        if not match:
            raise ValueError(f"test.rs: expected a word at {self.pos}")
        self.pos = match.end()
        return match.group(0)

    def value(self) -> Any:
        """A field value: a number, bool, `None`, `Some(x)`, `sel4::Arch::X`, or something skipped."""
        self.skip()
        if self.peek("Some("):
            self.expect("Some(")
            inner = self.value()
            self.expect(")")
            return inner
        start = self.pos
        depth = 0
        while True:
            ch = self.text[self.pos]
            if ch in "({[":
                depth += 1
            elif ch in ")}]":
                if depth == 0:
                    break
                depth -= 1
            elif ch == "," and depth == 0:
                break
            self.pos += 1
        return _scalar(self.text[start:self.pos].strip())


def _scalar(text: str) -> Any:
    if text in ("true", "false"):
        return text == "true"
    if text == "None":
        return None
    if text.startswith("sel4::Arch::"):
        return ARCHES[text.rsplit("::", 1)[1]]
    shifted = re.fullmatch(r"(\d+)\s*<<\s*(\d+)", text)
    if shifted:
        return int(shifted.group(1)) << int(shifted.group(2))
    if re.fullmatch(r"0x[0-9a-fA-F_]+|\d[\d_]*", text):
        return int(text.replace("_", ""), 0)
    return text


def _struct_body(reader: _Reader, consts: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """`{ field: value, …, ..BASE }` after `sel4::Config`."""
    fields: dict[str, Any] = {}
    base: dict[str, Any] = {}
    reader.expect("{")
    while not reader.peek("}"):
        if reader.peek(".."):
            reader.expect("..")
            base = consts[reader.word()]
        else:
            name = reader.word()
            reader.expect(":")
            nested = re.compile(r"\s*\w+(?:::\w+)*\s*(?=\{)").match(reader.text, reader.pos)
            if nested:  # a nested struct (address_space_constants): its fields are flattened in
                reader.pos = nested.end()
                fields.update(_struct_body(reader, consts))
            else:
                fields[name] = reader.value()
        if reader.peek(","):
            reader.expect(",")
    reader.expect("}")
    return {**base, **fields}


def _config_arg(reader: _Reader, consts: dict[str, dict[str, Any]]) -> dict[str, Any]:
    reader.expect("&")
    name = reader.word()
    if name == "sel4::Config":
        return _struct_body(reader, consts)
    return consts[name]


def read_consts(text: str) -> dict[str, dict[str, Any]]:
    consts: dict[str, dict[str, Any]] = {}
    for match in re.finditer(r"const (\w+): sel4::Config = sel4::Config\s*", text):
        consts[match.group(1)] = {k: v for k, v in _struct_body(_Reader(text, match.end()), consts).items()
                                  if k in CONFIG_FIELDS}
    return consts


def read_cases(text: str | None = None) -> list[Case]:
    """Every `#[test]` function of test.rs, in file order."""
    text = TEST_RS.read_text(encoding="utf-8") if text is None else text
    consts = read_consts(text)
    modules = [(m.start(), m.group(1)) for m in re.finditer(r"^mod (\w+) \{", text, re.M)]
    cases = []
    for match in re.finditer(r"#\[test\]\s*fn (\w+)\(\)\s*\{", text):
        module = [name for start, name in modules if start < match.start()][-1]
        reader = _Reader(text, match.end())
        call = reader.word()
        reader.expect("(")
        config = _config_arg(reader, consts)
        reader.expect(",")
        fixture = reader.string()
        expected: str | None = None
        if call == "check_error":
            reader.expect(",")
            expected = reader.string()
        elif call == "check_missing":
            reader.expect(",")
            attr = reader.string()
            reader.expect(",")
            element = reader.string()
            expected = f"Error: Missing required attribute '{attr}' on element '{element}'"
        elif call != "check_success":
            raise ValueError(f"test.rs: unknown check {call!r} in {match.group(1)}")
        cases.append(Case(f"{module}::{match.group(1)}", fixture, config, expected))
    return cases


def tool_output() -> dict[str, dict[str, str | None]]:
    """The tool's whole message (location included) for each case, recorded from its parser."""
    data: dict[str, dict[str, str | None]] = json.loads(TOOL_OUTPUT.read_text(encoding="utf-8"))
    return data


if __name__ == "__main__":
    for case in read_cases():
        json.dump({"name": case.name, "fixture": case.fixture, "settings": case.settings(),
                   "expected": case.expected}, sys.stdout)
        sys.stdout.write("\n")
