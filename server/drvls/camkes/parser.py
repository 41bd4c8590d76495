"""A recursive-descent parser for camkes-tool's grammar (`camkes.g`) that lifts straight to the model.

It follows stage 1 (syntax) and stage 3 (lifting: numeric expressions evaluated, types
normalised, quotes stripped) of camkes-tool. Syntax errors are reported with our own plain
message; after one, parsing resumes at the next top-level declaration, so every file yields
a model and all of its problems at once. Parsing never raises.
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from drvls.camkes import codes
from drvls.camkes import model as m
from drvls.camkes.lexer import ANGLE, EOF, ID, KW, NUM, STR, Token
from drvls.core.diagnostics import Range
from drvls.core.rules import RuleInfo

TOP_LEVEL = frozenset({"import", "component", "procedure", "connector", "struct", "composition",
                       "configuration", "assembly"})
DIRECTIONS = frozenset({"in", "out", "inout", "refin"})
END_KINDS = {"Procedure": ("Procedure", False), "Procedures": ("Procedure", True),
             "Event": ("Event", False), "Events": ("Event", True),
             "Dataport": ("Dataport", False), "Dataports": ("Dataport", True)}


@dataclass
class Problem:
    """A problem found while parsing or lifting, before any rule code is attached by the caller."""

    rule: RuleInfo
    message: str
    loc: m.Loc
    related: list[tuple[m.Loc, str]] = field(default_factory=list)


class SyntaxFail(Exception):
    def __init__(self, token: Token, expected: str) -> None:
        super().__init__(expected)
        self.token = token
        self.expected = expected


def describe(token: Token) -> str:
    if token.kind == EOF:
        return "end of file"
    if token.kind == STR:
        return "a string"
    if token.kind == NUM:
        return f"number {token.text}"
    if token.kind == KW:
        return f"keyword '{token.text}'"
    return f"'{token.text}'"


def span(first: m.Loc, last: m.Loc) -> m.Loc:
    """From the start of `first` to the end of `last` (same file), else just `first`."""
    if first.path != last.path or last.range.end < first.range.start:
        return first
    return m.Loc(first.path, Range(first.range.start, last.range.end))


class Parser:
    def __init__(self, tokens: list[Token]) -> None:
        self.tokens = tokens
        self.i = 0
        self.problems: list[Problem] = []

    # -- token helpers -------------------------------------------------------------------

    @property
    def tok(self) -> Token:
        return self.tokens[self.i]

    def peek(self, ahead: int = 1) -> Token:
        return self.tokens[min(self.i + ahead, len(self.tokens) - 1)]

    def at(self, text: str) -> bool:
        return self.tok.is_(text)

    def take(self) -> Token:
        token = self.tok
        if token.kind != EOF:
            self.i += 1
        return token

    def accept(self, text: str) -> Token | None:
        return self.take() if self.at(text) else None

    def expect(self, text: str) -> Token:
        if not self.at(text):
            raise SyntaxFail(self.tok, f"'{text}'")
        return self.take()

    def at_name(self) -> bool:
        return self.tok.kind == ID or (self.tok.kind == KW and self.tok.text == "Buf")

    def name(self, what: str = "a name") -> Token:
        if not self.at_name():
            raise SyntaxFail(self.tok, what)
        return self.take()

    def qualified(self, what: str = "a name") -> tuple[list[str], m.Loc]:
        first = self.name(what)
        parts, last = [first.text], first
        while self.at(".") and self.peek().kind in (ID, KW) and (self.peek().kind == ID or self.peek().text == "Buf"):
            self.take()
            last = self.take()
            parts.append(last.text)
        return parts, span(first.loc, last.loc)

    def problem(self, rule: RuleInfo, message: str, loc: m.Loc) -> None:
        self.problems.append(Problem(rule, message, loc))

    # -- file ----------------------------------------------------------------------------

    def parse_file(self) -> list[m.Item]:
        items: list[m.Item] = []
        while self.tok.kind != EOF:
            if self.accept(";"):
                continue
            start = self.i
            try:
                items.append(self.top_item())
            except SyntaxFail as fail:
                self.syntax_error(fail)
                self.recover(start)
        return items

    def syntax_error(self, fail: SyntaxFail) -> None:
        token = fail.token
        message = f"syntax error: unexpected {describe(token)}, expected {fail.expected}"
        if token.kind == EOF:
            message += " (missing closing brace?)"
        self.problem(codes.SYNTAX, message, token.loc)

    def recover(self, start: int) -> None:
        """Skip the rest of the broken top-level item: to its closing brace, or the next declaration."""
        depth = 0
        for token in self.tokens[start:self.i]:
            if token.is_("{"):
                depth += 1
            elif token.is_("}"):
                depth -= 1
        if self.i == start:
            self.take()
        while self.tok.kind != EOF:
            token = self.tok
            if depth <= 0 and token.kind == KW and token.text in TOP_LEVEL and token.text not in (
                    "composition", "configuration", "component"):
                return
            self.take()
            if token.is_("{"):
                depth += 1
            elif token.is_("}"):
                depth -= 1
                if depth <= 0:
                    self.accept(";")
                    return
            elif token.is_(";") and depth <= 0:
                return

    def top_item(self) -> m.Item:
        token = self.tok
        text = token.text if token.kind == KW else ""
        if text == "import":
            return self.import_()
        if text == "component":
            self.take()
            name = self.name() if self.at_name() else None
            return self.component_body(name.text if name else None, (name or token).loc)
        if text == "procedure":
            return self.procedure()
        if text == "connector":
            self.take()
            name = self.name() if self.at_name() else None
            return self.connector_body(name.text if name else None, (name or token).loc)
        if text == "struct":
            self.take()
            name = self.name()
            return m.Struct(name.text, self.struct_body(), name.loc)
        if text == "composition":
            return self.composition()
        if text == "configuration":
            return self.configuration()
        if text == "assembly":
            return self.assembly()
        raise SyntaxFail(token, "a declaration (import, component, procedure, connector, struct or assembly)")

    def import_(self) -> m.Import:
        first = self.take()
        target, loc = self.import_target()
        self.expect(";")
        return m.Import(target[0], target[1], span(first.loc, loc))

    def import_target(self) -> tuple[tuple[str, bool], m.Loc]:
        if self.tok.kind == ANGLE:
            token = self.take()
            return (token.text[1:-1], True), token.loc
        if self.tok.kind == STR:
            first = self.tok
            text, last = self.strings()
            return (text, False), span(first.loc, last.loc)
        raise SyntaxFail(self.tok, 'a file name ("file" or <file>)')

    def strings(self) -> tuple[str, Token]:
        parts = []
        last = self.tok
        while self.tok.kind == STR:
            last = self.take()
            parts.append(last.text[1:-1])
        return "".join(parts), last

    # -- component -------------------------------------------------------------------------

    def component_body(self, name: str | None, loc: m.Loc) -> m.Component:
        comp = m.Component(name, loc=loc)
        self.expect("{")
        while not self.at("}"):
            self.component_member(comp)
        self.take()
        return comp

    def component_member(self, comp: m.Component) -> None:
        token = self.tok
        text = token.text if token.kind == KW else ""
        if text in ("control", "hardware"):
            self.take()
            self.expect(";")
            setattr(comp, text, True)
        elif text == "include":
            self.take()
            target, _ = self.import_target()
            self.expect(";")
            comp.includes.append(target[0])
        elif text == "attribute":
            self.take()
            comp.attributes.append(self.attribute_decl(in_struct=False))
            self.expect(";")
        elif text in ("provides", "uses", "emits", "consumes", "dataport", "maybe"):
            comp.interfaces.append(self.interface())
        elif text == "has":
            self.take()
            kinds = {"mutex": m.MUTEX, "semaphore": m.SEMAPHORE, "binary_semaphore": m.BINARY_SEMAPHORE}
            if self.tok.kind != KW or self.tok.text not in kinds:
                raise SyntaxFail(self.tok, "'mutex', 'semaphore' or 'binary_semaphore'")
            kind = kinds[self.take().text]
            name = self.name()
            self.expect(";")
            comp.interfaces.append(m.Interface(kind, None, name.text, loc=name.loc))
        elif text == "composition":
            if self.peek().kind != KW and self.peek(2).is_(";"):
                self.take()
                self.qualified()
                self.take()
                return  # camkes-tool silently drops a composition reference inside a component
            comp.composition = self.composition()
        elif text == "configuration":
            if self.peek().kind != KW and self.peek(2).is_(";"):
                self.take()
                self.qualified()
                self.take()
                return
            comp.configuration = self.configuration()
        else:
            raise SyntaxFail(token, "a component member (provides, uses, emits, consumes, dataport, "
                                    "attribute, has, control, hardware, include, composition, configuration)")

    def interface(self) -> m.Interface:
        optional = self.accept("maybe") is not None
        keyword = self.tok
        if keyword.kind != KW or keyword.text not in ("provides", "uses", "emits", "consumes", "dataport"):
            raise SyntaxFail(keyword, "'uses', 'consumes' or 'dataport'")
        if optional and keyword.text in ("provides", "emits"):
            raise SyntaxFail(keyword, "'uses', 'consumes' or 'dataport' after 'maybe'")
        self.take()
        kind = {"provides": m.PROVIDES, "uses": m.USES, "emits": m.EMITS, "consumes": m.CONSUMES,
                "dataport": m.DATAPORT}[keyword.text]
        type_: m.Ref | str
        if kind in (m.PROVIDES, m.USES):
            parts, loc = self.qualified("a procedure name")
            type_ = m.Ref(parts, "Procedure", loc)
        elif kind == m.DATAPORT:
            type_ = self.dataport_type()
        else:
            type_ = self.name("an event type").text
        name = self.name("an interface name")
        self.expect(";")
        return m.Interface(kind, type_, name.text, optional, name.loc)

    def dataport_type(self) -> str:
        if self.at("Buf") and self.peek().is_("("):
            buf = self.take()
            self.take()
            value = self.expr()
            close = self.expect(")")
            if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
                if value is not None:
                    self.problem(codes.INVALID_VALUE, "illegal value for dataport size",
                                 span(buf.loc, close.loc))
                return "Buf"
            return f"Buf({value})"
        return self.name("a dataport type").text

    # -- types, attributes, procedures --------------------------------------------------------

    def type_(self, for_attribute: bool) -> tuple[str | m.Ref | m.Struct, m.Loc]:
        """A type as camkes-tool normalises it; attribute types naming a struct become references."""
        token = self.tok
        text = token.text if token.kind == KW else ""
        if text in ("int", "integer"):
            self.take()
            return "int", token.loc
        if text in ("signed", "unsigned"):
            self.take()
            if self.at("char"):
                last = self.take()
                return f"{text} char", span(token.loc, last.loc)
            last = token
            if self.at("int") or self.at("integer"):
                last = self.take()
            return ("int" if text == "signed" else "unsigned int"), span(token.loc, last.loc)
        if text in ("char", "int64_t", "uint64_t", "string"):
            self.take()
            return text, token.loc
        if token.is_("{"):
            return m.Struct("", self.struct_body(), token.loc), token.loc
        if text == "struct":
            self.take()
            if self.at("{"):
                return m.Struct("", self.struct_body(), token.loc), token.loc
            name = self.name("a struct name")
            return f"struct {name.text}", span(token.loc, name.loc)
        parts, loc = self.qualified("a type")
        if for_attribute:
            return m.Ref(parts, "Struct", loc), loc
        if len(parts) > 1:
            self.problem(codes.INVALID_VALUE, f'type: "{parts!r}" is not a valid type', loc)
        return parts[-1], loc

    def attribute_decl(self, in_struct: bool) -> m.Attribute:
        type_, type_loc = self.type_(for_attribute=True)
        name = self.name("an attribute name")
        array = False
        if self.at("["):
            self.take()
            self.expect("]")
            array = True
        if isinstance(type_, str) and type_.startswith("struct "):
            self.problem(codes.INVALID_VALUE, f'type: "{type_}" is not a valid type', type_loc)
        default = None
        if self.accept("="):
            default = self.item()
        return m.Attribute(type_, name.text, array, default, name.loc)

    def struct_body(self) -> list[m.Attribute]:
        self.expect("{")
        fields = []
        while not self.at("}"):
            fields.append(self.attribute_decl(in_struct=True))
            self.expect(";")
        self.take()
        return fields

    def procedure(self) -> m.Procedure:
        keyword = self.take()
        name = self.name() if self.at_name() else None
        proc = m.Procedure(name.text if name else None, loc=(name or keyword).loc)
        self.expect("{")
        while not self.at("}"):
            if self.at("include"):
                self.take()
                self.import_target()
                self.expect(";")
                continue
            self.procedure_member(proc)
        self.take()
        return proc

    def procedure_member(self, proc: m.Procedure) -> None:
        if self.at("void"):
            self.take()
            return_type: str | None = None
        else:
            start = self.i
            type_, _ = self.type_(for_attribute=False)
            if not (self.at_name() and self.peek().is_("(")):
                self.i = start  # not a method: an attribute declaration (no `attribute`, no `;`)
                proc.attributes.append(self.attribute_decl(in_struct=False))
                return
            return_type = type_ if isinstance(type_, str) else str(type_)
        name = self.name("a method name")
        self.expect("(")
        params: list[m.Parameter] = []
        if self.at("void") and self.peek().is_(")"):
            self.take()
        else:
            while not self.at(")"):
                params.append(self.parameter())
                if not self.accept(","):
                    break
        self.expect(")")
        self.expect(";")
        proc.methods.append(m.Method(name.text, return_type, params, name.loc))

    def parameter(self) -> m.Parameter:
        direction = "in"
        if self.tok.kind == KW and self.tok.text in DIRECTIONS:
            direction = self.take().text
        type_, _ = self.type_(for_attribute=False)
        name = self.name("a parameter name")
        array = False
        if self.at("["):
            self.take()
            self.expect("]")
            array = True
        return m.Parameter(name.text, direction, type_ if isinstance(type_, str) else "struct",
                           array, name.loc)

    # -- connectors ---------------------------------------------------------------------------

    def connector_body(self, name: str | None, loc: m.Loc) -> m.Connector:
        self.expect("{")
        self.expect("from")
        from_end = self.end_spec()
        self.expect(";")
        self.expect("to")
        to_end = self.end_spec()
        self.expect(";")
        attributes = []
        while self.accept("attribute"):
            attributes.append(self.attribute_decl(in_struct=False))
            self.expect(";")
        self.expect("}")
        return m.Connector(name, from_end, to_end, attributes, loc)

    def end_spec(self) -> m.EndSpec:
        hardware = self.accept("hardware") is not None
        token = self.tok
        if token.kind != KW or token.text not in END_KINDS:
            raise SyntaxFail(token, "Procedure(s), Event(s) or Dataport(s)")
        self.take()
        kind, multiple = END_KINDS[token.text]
        threads = None
        if self.accept("with"):
            start = self.tok
            value = self.expr()
            if not self.at("thread"):
                self.expect("threads")
            else:
                self.take()
            if value is not None and (not isinstance(value, int) or value < 0):
                self.problem(codes.INVALID_VALUE, f"illegal thread value '{value}'", start.loc)
            threads = value if isinstance(value, int) else None
        return m.EndSpec(kind, multiple, hardware, threads)

    # -- composition, configuration, assembly --------------------------------------------------

    def composition(self) -> m.Composition:
        keyword = self.take()
        name = self.name() if self.at_name() else None
        comp = m.Composition(name.text if name else None, loc=(name or keyword).loc)
        self.expect("{")
        while not self.at("}"):
            token = self.tok
            if token.is_("component"):
                comp.instances.append(self.instance())
            elif token.is_("connection"):
                comp.connections.append(self.connection())
            elif token.is_("group"):
                comp.groups.append(self.group())
            elif token.is_("export"):
                comp.exports.append(self.export())
            else:
                raise SyntaxFail(token, "'component', 'connection', 'group' or 'export'")
        self.take()
        return comp

    def instance(self) -> m.Instance:
        keyword = self.take()
        type_: m.Ref | m.Component
        if self.at("{"):
            type_ = self.component_body(None, keyword.loc)
        else:
            parts, loc = self.qualified("a component type")
            type_ = m.Ref(parts, "Component", loc)
        name = self.name("an instance name")
        self.expect(";")
        return m.Instance(type_, name.text, name.loc)

    def connection(self) -> m.Connection:
        keyword = self.take()
        type_: m.Ref | m.Connector
        if self.at("{"):
            type_ = self.connector_body(None, keyword.loc)
        else:
            parts, loc = self.qualified("a connector name")
            type_ = m.Ref(parts, "Connector", loc)
        name = self.name("a connection name")
        conn = m.Connection(type_, name.text, loc=name.loc)
        self.expect("(")
        while not self.at(")"):
            side = self.tok
            if not (side.is_("from") or side.is_("to")):
                raise SyntaxFail(side, "'from' or 'to'")
            self.take()
            parts, loc = self.qualified("an interface")
            conn.ends.append(m.End(side.text, parts, loc))
            if not self.accept(","):
                break
        self.expect(")")
        self.expect(";")
        return conn

    def group(self) -> m.Group:
        keyword = self.take()
        name = self.name() if self.at_name() else None
        grp = m.Group(name.text if name else None, loc=(name or keyword).loc)
        self.expect("{")
        while not self.at("}"):
            if not self.at("component"):
                raise SyntaxFail(self.tok, "'component'")
            grp.instances.append(self.instance())
        self.take()
        return grp

    def export(self) -> m.Export:
        self.take()
        source, source_loc = self.qualified("an interface")
        self.expect("->")
        dest, dest_loc = self.qualified("an interface")
        self.expect(";")
        if len(source) < 2:
            self.problem(codes.INVALID_VALUE, 'illegal source in export statement (these must be '
                                                   'qualified references like "foo.bar")', source_loc)
        return m.Export(source, dest, source_loc, dest_loc)

    def configuration(self) -> m.Configuration:
        keyword = self.take()
        name = self.name() if self.at_name() else None
        conf = m.Configuration(name.text if name else None, loc=(name or keyword).loc)
        self.expect("{")
        while not self.at("}"):
            conf.settings.append(self.setting())
        self.take()
        return conf

    def setting(self) -> m.Setting:
        target = self.name("an instance or connection name")
        self.expect(".")
        attribute = self.name("an attribute name")
        loc = span(target.loc, attribute.loc)
        if self.accept("<-"):
            parts, ref_loc = self.qualified("an attribute reference")
            while self.at("["):
                self.take()
                self.key()
                self.expect("]")
            self.expect(";")
            return m.Setting(target.text, attribute.text, None, parts, loc, ref_loc)
        self.expect("=")
        value_start = self.tok
        value: m.Value | None = self.query() if self.at_name() and self.peek().is_("(") else self.item()
        end = self.expect(";")
        return m.Setting(target.text, attribute.text, value, None, loc, span(value_start.loc, end.loc))

    def query(self) -> m.QueryValue:
        name = self.take()
        self.expect("(")
        if self.at("{"):
            self.dict_()
        elif self.at("["):
            self.take()
            while not self.at("]"):
                self.dict_()
                if not self.accept(","):
                    break
            self.expect("]")
        self.expect(")")
        while self.at("["):
            self.take()
            self.key()
            self.expect("]")
        return m.QueryValue(name.text, name.loc)

    def assembly(self) -> m.Assembly:
        keyword = self.take()
        name = self.name() if self.at_name() else None
        asm = m.Assembly(name.text if name else None, loc=(name or keyword).loc)
        self.expect("{")
        seen = False
        while not self.at("}"):
            seen = True
            if self.at("composition"):
                if (self.peek().kind != KW and self.peek(2).is_(";")) or self.peek().is_(";"):
                    raise SyntaxFail(self.peek(), "a composition body ('{') — references to named "
                                                  "compositions are not supported by camkes-tool")
                asm.composition = self.composition()
            elif self.at("configuration"):
                if (self.peek().kind != KW and self.peek(2).is_(";")) or self.peek().is_(";"):
                    raise SyntaxFail(self.peek(), "a configuration body ('{')")
                asm.configuration = self.configuration()
            elif self.at("schedule"):
                self.schedule()
            else:
                raise SyntaxFail(self.tok, "'composition', 'configuration' or 'schedule'")
        if not seen:
            raise SyntaxFail(self.tok, "'composition', 'configuration' or 'schedule'")
        self.take()
        return asm

    def schedule(self) -> None:
        self.take()
        self.expect("{")
        self.expect("[")
        count = 0
        while not self.at("]"):
            self.expect("(")
            self.expr()
            self.expect(",")
            self.expr()
            if self.at("ticks") or self.at("us"):
                self.take()
            self.expect(")")
            count += 1
            if not self.accept(","):
                break
        if count < 2:
            raise SyntaxFail(self.tok, "at least two schedule slots")
        self.expect("]")
        self.expect("}")

    # -- values ----------------------------------------------------------------------------------

    def item(self) -> m.Value | None:
        if self.tok.kind == STR:
            return self.strings()[0]
        if self.at("["):
            self.take()
            values: list[m.Value] = []
            while not self.at("]"):
                value = self.item()
                if value is not None:
                    values.append(value)
                if not self.accept(","):
                    break
            self.expect("]")
            return values
        if self.at("{"):
            return self.dict_()
        return self.expr()

    def dict_(self) -> dict[str, m.Value]:
        self.expect("{")
        out: dict[str, m.Value] = {}
        while not self.at("}"):
            key = self.key()
            self.expect(":")
            value = self.item()
            if key is not None and value is not None:
                out[str(key)] = value
            if not self.accept(","):
                break
        self.expect("}")
        return out

    def key(self) -> m.Value | None:
        if self.tok.kind == STR:
            return self.strings()[0]
        return self.expr()

    def expr(self) -> int | float | None:
        """A numeric expression, evaluated as camkes-tool does; None after a reported evaluation error."""
        start = self.tok
        try:
            value: int | float = self.ternary()
            return value
        except (ArithmeticError, TypeError, ValueError) as exc:
            self.problem(codes.INVALID_VALUE, str(exc), start.loc)
        except _EvalError as exc:
            self.problem(codes.INVALID_VALUE, str(exc), exc.loc)
        return None

    def ternary(self) -> Any:
        cond = self.binary(0)
        if self.accept("?"):
            yes = self.ternary()
            self.expect(":")
            no = self.binary(0)
            return yes if cond else no
        return cond

    def binary(self, level: int) -> Any:
        if level == len(BINARY_LEVELS):
            return self.unary()
        left = self.binary(level + 1)
        ops = BINARY_LEVELS[level]
        while self.tok.kind == "op" and self.tok.text in ops:
            op = ops[self.take().text]
            right = self.binary(level + 1)
            left = op(left, right)
        return left

    def unary(self) -> Any:
        token = self.tok
        if token.is_("-"):
            self.take()
            return -self.unary()
        if token.is_("+"):
            self.take()
            return self.unary()
        if token.is_("!"):
            self.take()
            return int(not self.unary())
        if token.is_("~"):
            self.take()
            value = self.unary()
            return -1 - value
        if token.is_("("):
            self.take()
            value = self.ternary()
            self.expect(")")
            return value
        if token.kind == KW and token.text in ("true", "True"):
            self.take()
            return 1
        if token.kind == KW and token.text in ("false", "False"):
            self.take()
            return 0
        if token.kind == NUM:
            self.take()
            return number(token)
        raise SyntaxFail(token, "a value")


class _EvalError(Exception):
    def __init__(self, message: str, loc: m.Loc) -> None:
        super().__init__(message)
        self.loc = loc


def number(token: Token) -> int | float:
    if "." in token.text:
        return float(token.text)
    try:
        return int(token.text, 0)
    except ValueError as exc:
        raise _EvalError(str(exc), token.loc) from exc


def _div(a: Any, b: Any) -> Any:
    if isinstance(a, float) or isinstance(b, float):
        return a / b
    return a // b


def _bool(fn: Callable[[Any, Any], Any]) -> Callable[[Any, Any], int]:
    return lambda a, b: int(bool(fn(a, b)))


BINARY_LEVELS: list[dict[str, Callable[[Any, Any], Any]]] = [
    {"||": _bool(lambda a, b: a or b)},
    {"&&": _bool(lambda a, b: a and b)},
    {"|": operator.or_},
    {"^": operator.xor},
    {"&": operator.and_},
    {"==": _bool(operator.eq), "!=": _bool(operator.ne)},
    {"<": _bool(operator.lt), "<=": _bool(operator.le), ">": _bool(operator.gt), ">=": _bool(operator.ge)},
    {"<<": operator.lshift, ">>": operator.rshift},
    {"+": operator.add, "-": operator.sub},
    {"*": operator.mul, "/": _div, "%": operator.mod, "**": operator.pow},
]


def parse_tokens(tokens: list[Token], path: Path | None) -> tuple[m.ParsedFile, list[Problem]]:
    parser = Parser(tokens)
    items = parser.parse_file()
    return m.ParsedFile(path, items), parser.problems
