"""The tree-sitter tree of a CAmkES file → the model, following camkes-tool's lifting (stage 3).

One grammar serves both texts a file can have. After the C preprocessor (or for a file cpp
would leave unchanged) the lowering is *strict*, as camkes-tool's own parser is: a macro
left unexpanded, a name where a value belongs or a query inside an expression is a syntax
error. Without a preprocessor the raw text is lowered leniently: macro invocations are
nodes of their own and unknown constants are just unknown, so the rest of the file still
gives a model. Values are evaluated and types normalised as camkes-tool does.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from drvls.camkes import codes
from drvls.camkes import model as m
from drvls.camkes.model import Problem
from drvls.camkes.positions import Positions, TextPositions, is_skipped, span
from drvls.camkes.syntax import syntax_problems

KEYWORDS = frozenset({
    "assembly", "attribute", "Buf", "char", "component", "composition", "configuration", "connection",
    "connector", "consumes", "control", "dataport", "Dataport", "Dataports", "emits", "Event", "Events",
    "export", "False", "false", "from", "group", "hardware", "has", "import", "in", "include", "inout",
    "int", "integer", "int64_t", "maybe", "mutex", "out", "procedure", "Procedure", "Procedures",
    "provides", "refin", "semaphore", "schedule", "binary_semaphore", "signed", "struct", "string", "ticks",
    "thread", "threads", "True", "true", "to", "uint64_t", "unsigned", "us", "uses", "void", "with"
})


def _div(a: Any, b: Any) -> Any:
    if isinstance(a, float) or isinstance(b, float):
        return a / b
    return a // b


def _bool(fn: Callable[[Any, Any], Any]) -> Callable[[Any, Any], int]:
    return lambda a, b: int(bool(fn(a, b)))


_BINARY: dict[str, Callable[[Any, Any], Any]] = {
    "||": _bool(lambda a, b: a or b), "&&": _bool(lambda a, b: a and b),
    "|": operator.or_, "^": operator.xor, "&": operator.and_,
    "==": _bool(operator.eq), "!=": _bool(operator.ne),
    "<": _bool(operator.lt), "<=": _bool(operator.le), ">": _bool(operator.gt), ">=": _bool(operator.ge),
    "<<": operator.lshift, ">>": operator.rshift, "+": operator.add, "-": operator.sub,
    "*": operator.mul, "/": _div, "%": operator.mod, "**": operator.pow,
}
_UNARY: dict[str, Callable[[Any], Any]] = {
    "-": lambda v: -v, "+": lambda v: v, "!": lambda v: int(not v), "~": lambda v: -1 - v}
LEGACY_END = re.compile(rb'\b(from|to)\s+(hardware\s+)?(Procedures?|Events?|Dataports?)\s+\w+\s+template\s+'
                        rb'"[^"\n]*"\s*;')
_END_KINDS = {"Procedure": ("Procedure", False), "Procedures": ("Procedure", True),
              "Event": ("Event", False), "Events": ("Event", True),
              "Dataport": ("Dataport", False), "Dataports": ("Dataport", True)}
_KINDS = {"provides_declaration": m.PROVIDES, "uses_declaration": m.USES, "emits_declaration": m.EMITS,
          "consumes_declaration": m.CONSUMES, "dataport_declaration": m.DATAPORT}
_HAS = {"mutex": m.MUTEX, "semaphore": m.SEMAPHORE, "binary_semaphore": m.BINARY_SEMAPHORE}


def lower(root: Any, positions: Positions, path: Path | None, strict: bool,
          included: frozenset[Path] = frozenset()) -> tuple[m.ParsedFile, list[Problem]]:
    """The model of a parsed file and its problems (syntax first); never raises."""
    lowerer = Lowerer(positions, path, strict)
    items = lowerer.file(root)
    return m.ParsedFile(path, items, set(included)), lowerer.problems


def lower_text(root: Any, text: str, path: Path | None, strict: bool) -> tuple[m.ParsedFile, list[Problem]]:
    """Lower a tree of `text` itself (no preprocessor in between)."""
    return lower(root, TextPositions(text, path), path, strict)


class Lowerer:
    def __init__(self, positions: Positions, path: Path | None, strict: bool) -> None:
        self.positions = positions
        self.path = path
        self.strict = strict
        self.problems: list[Problem] = []
        self.legacy: list[m.Loc] = []  # pre-2017 forms reported on their own: no syntax error inside them

    # -- helpers -------------------------------------------------------------------------------

    def loc(self, node: Any) -> m.Loc:
        return self.positions.loc(node)

    def keyword(self, node: Any) -> m.Loc:
        """Where a construct without a name is: its first token (the keyword)."""
        return self.loc(node.children[0]) if node.child_count else self.loc(node)

    def between(self, first: Any, last: Any) -> m.Loc:
        return span(self.loc(first), self.loc(last))

    def syntax(self, message: str, node: Any) -> None:
        self.problem(codes.SYNTAX, f"syntax error: {message}", node)

    @staticmethod
    def text(node: Any) -> str:
        return bytes(node.text).decode("utf-8", "replace")

    def name(self, node: Any) -> tuple[str, m.Loc]:
        text = self.text(node)
        if text in KEYWORDS and text != "Buf":
            self.problem(codes.SYNTAX, f"syntax error: '{text}' is a reserved word and cannot be a name", node)
        return text, self.loc(node)

    def optional_name(self, node: Any) -> tuple[str | None, m.Loc | None]:
        found = node.child_by_field_name("name")
        if found is None:
            return None, None
        return self.name(found)

    def problem(self, rule: Any, message: str, node: Any) -> None:
        self.problems.append(Problem(rule, message, self.loc(node)))

    def parts(self, node: Any) -> list[str]:
        names = [c for c in node.named_children if c.type == "identifier"] if node.type == "qualified_name" else [node]
        return [self.name(n)[0] for n in names]

    # -- file ----------------------------------------------------------------------------------

    def file(self, root: Any) -> list[m.Item]:
        self.problems.extend(syntax_problems(root, self.positions, self.strict))
        items: list[m.Item] = []
        for node in root.named_children:
            item = self.top(node)
            if item is not None:
                items.append(item)
        if self.legacy:
            self.problems = [p for p in self.problems
                             if p.rule is not codes.SYNTAX or not any(_within(p.loc, at) for at in self.legacy)]
        return items

    def top(self, node: Any) -> m.Item | None:
        kind = node.type
        if kind == "import_statement":
            return self.import_(node)
        if kind == "component_declaration":
            name, loc = self.optional_name(node)
            return self.component_body(node.child_by_field_name("body"), name, loc or self.keyword(node))
        if kind == "procedure_declaration":
            return self.procedure(node)
        if kind == "connector_declaration":
            name, loc = self.optional_name(node)
            return self.connector_body(node.child_by_field_name("body"), name, loc or self.keyword(node))
        if kind == "struct_declaration":
            name, loc = self.optional_name(node)
            return m.Struct(name or "", self.struct_body(node.child_by_field_name("body")), loc or self.keyword(node))
        if kind == "composition":
            return self.composition(node)
        if kind == "configuration":
            return self.configuration(node)
        if kind == "assembly":
            return self.assembly(node)
        return None  # comments, preprocessor lines, macro invocations

    def import_(self, node: Any) -> m.Import:
        path = node.child_by_field_name("path")
        text = self.text(path)
        if path.type == "angle_string":
            return m.Import(text[1:-1], True, self.between(node, path))
        return m.Import(self.string_value(path), False, self.between(node, path))

    def include_target(self, path: Any) -> str:
        if path.type == "angle_string":
            return self.text(path)[1:-1]
        return self.string_value(path)

    def string_value(self, node: Any) -> str:
        if node.type == "string_concatenation":
            return "".join(self.text(c)[1:-1] for c in node.named_children if c.type == "string")
        return self.text(node)[1:-1]

    # -- component -----------------------------------------------------------------------------

    def component_body(self, body: Any, name: str | None, loc: m.Loc) -> m.Component:
        control = hardware = False
        interfaces: list[m.Interface] = []
        attributes: list[m.Attribute] = []
        includes: list[str] = []
        composition: m.Composition | None = None
        configuration: m.Configuration | None = None
        for node in body.named_children if body is not None else ():
            kind = node.type
            if kind == "control_declaration":
                control = True
            elif kind == "hardware_declaration":
                hardware = True
            elif kind == "attribute_declaration":
                attributes.append(self.attribute(node))
            elif kind in _KINDS:
                interfaces.append(self.interface(node, _KINDS[kind]))
            elif kind == "has_declaration":
                iface_name, iface_loc = self.name(node.child_by_field_name("name"))
                has = self.text(node.child_by_field_name("kind"))
                interfaces.append(m.Interface(_HAS.get(has, m.MUTEX), None, iface_name, loc=iface_loc))
            elif kind == "composition":
                composition = self.composition(node)
            elif kind == "configuration":
                configuration = self.configuration(node)
            elif kind == "include_statement":
                includes.append(self.include_target(node.child_by_field_name("path")))
        return m.Component(name, control, hardware, interfaces, attributes, includes, composition, configuration,
                           loc)

    def interface(self, node: Any, kind: str) -> m.Interface:
        name, loc = self.name(node.child_by_field_name("name"))
        optional = node.child_by_field_name("maybe") is not None
        type_node = node.child_by_field_name("type")
        type_: m.Ref | str
        if kind in (m.PROVIDES, m.USES):
            type_ = m.Ref(self.parts(type_node), "Procedure", self.loc(type_node))
        elif kind == m.DATAPORT and type_node.type == "buffer_type":
            type_ = self.buffer(type_node)
        else:
            type_ = self.text(type_node)
        if optional and kind in (m.PROVIDES, m.EMITS):
            self.problem(codes.SYNTAX, f"syntax error: '{kind.lower()}' interfaces cannot be 'maybe'", node)
        return m.Interface(kind, type_, name, optional, loc)

    def buffer(self, node: Any) -> str:
        size = node.child_by_field_name("size")
        if size is None:
            return "Buf"
        value = self.expr(size)
        if isinstance(value, int) and value > 0:
            return f"Buf({value})"
        if value is not None:
            self.problem(codes.INVALID_VALUE, "illegal value for dataport size", node)
        return "Buf"

    def type_(self, node: Any, for_attribute: bool) -> str | m.Ref | m.Struct:
        kind = node.type
        if kind == "primitive_type":
            words = self.text(node).split()
            if words[-1] == "char":
                return " ".join(words)
            if words[0] == "unsigned":
                return "unsigned int"
            if words[0] in ("signed", "int", "integer"):
                return "int"
            return words[0]
        if kind == "struct_type":
            text = " ".join(self.text(node).split())
            if for_attribute:
                self.problem(codes.INVALID_VALUE, f'type: "{text}" is not a valid type', node)
            return text
        if kind == "struct_body":
            return m.Struct("", self.struct_body(node), self.keyword(node))
        parts = self.parts(node)
        if for_attribute:
            return m.Ref(parts, "Struct", self.loc(node))
        if len(parts) > 1:
            self.problem(codes.INVALID_VALUE, f'type: "{parts!r}" is not a valid type', node)
        return parts[-1]

    def attribute(self, node: Any) -> m.Attribute:
        name, loc = self.name(node.child_by_field_name("name"))
        type_ = self.type_(node.child_by_field_name("type"), for_attribute=True)
        value = node.child_by_field_name("value")
        default = self.value(value) if value is not None else None
        return m.Attribute(type_, name, node.child_by_field_name("array") is not None, default, loc)

    def struct_body(self, body: Any) -> list[m.Attribute]:
        if body is None:
            return []
        return [self.attribute(n) for n in body.named_children if n.type == "field_declaration"]

    # -- procedures and connectors ---------------------------------------------------------------

    def procedure(self, node: Any) -> m.Procedure:
        name, loc = self.optional_name(node)
        proc = m.Procedure(name, loc=loc or self.keyword(node))
        body = node.child_by_field_name("body")
        for child in body.named_children if body is not None else ():
            if child.type == "method_declaration":
                proc.methods.append(self.method(child))
            elif child.type == "procedure_attribute":
                proc.attributes.append(self.attribute(child))
        return proc

    def method(self, node: Any) -> m.Method:
        name, loc = self.name(node.child_by_field_name("name"))
        ret = node.child_by_field_name("return_type")
        return_type = None
        if ret is not None and ret.type != "void_type":
            lowered = self.type_(ret, for_attribute=False)
            return_type = lowered if isinstance(lowered, str) else "struct"
        params = []
        plist = node.child_by_field_name("parameters")
        for param in plist.named_children if plist is not None else ():
            if param.type != "parameter":
                continue
            pname, ploc = self.name(param.child_by_field_name("name"))
            direction = param.child_by_field_name("direction")
            ptype = self.type_(param.child_by_field_name("type"), for_attribute=False)
            params.append(m.Parameter(pname, self.text(direction) if direction is not None else "in",
                                      ptype if isinstance(ptype, str) else "struct",
                                      param.child_by_field_name("array") is not None, ploc))
        return m.Method(name, return_type, params, loc)

    def connector_body(self, body: Any, name: str | None, loc: m.Loc) -> m.Connector:
        ends: dict[str, m.EndSpec] = {}
        attributes = []
        if body is not None and body.has_error:
            self.legacy_ends(body)
        if self.strict and body is not None and not body.has_error:  # a syntax error is reported once, there
            self.end_order(body)
        for child in body.named_children if body is not None else ():
            if child.type == "connector_end":
                direction = self.text(child.child_by_field_name("direction"))
                kind, multiple = _END_KINDS.get(self.text(child.child_by_field_name("type")), ("Procedure", False))
                threads_node = child.child_by_field_name("threads")
                threads = self.expr(threads_node) if threads_node is not None else None
                if threads_node is not None and (not isinstance(threads, int) or threads < 0):
                    self.problem(codes.INVALID_VALUE, f"illegal thread value '{threads}'", threads_node)
                ends[direction] = m.EndSpec(kind, multiple, child.child_by_field_name("hardware") is not None,
                                            threads if isinstance(threads, int) else None)
            elif child.type == "attribute_declaration":
                attributes.append(self.attribute(child))
        default = m.EndSpec("Procedure", False)
        complete = body is not None and not body.has_error and "from" in ends and "to" in ends
        return m.Connector(name, ends.get("from", default), ends.get("to", default), attributes, loc,
                           complete=complete)

    def legacy_ends(self, body: Any) -> None:
        """`from Procedure client template "x.c";`: one diagnostic naming today's form, per end."""
        data = bytes(body.text)
        for match in LEGACY_END.finditer(data):
            start, end = body.start_byte + match.start(), body.start_byte + match.end()
            first = body.descendant_for_byte_range(start, start + 1)
            last = body.descendant_for_byte_range(end - 1, end)
            if first is None or last is None:
                continue
            loc = self.between(first, last)
            hardware = "hardware " if match.group(2) else ""
            now = f"{match.group(1).decode()} {hardware}{match.group(3).decode()};"
            self.problems.append(Problem(codes.LEGACY_SYNTAX, "pre-2017 connector end names a template, which "
                                         f"camkes-tool no longer parses: write `{now}` and attach templates in "
                                         "CMake (DeclareCAmkESConnector)", loc))
            self.legacy.append(loc)

    def end_order(self, body: Any) -> None:
        """camkes-tool's order: one `from` end, one `to` end, then attributes."""
        members = [c for c in body.named_children if not is_skipped(c) and c.type != "ERROR"]
        for i, child in enumerate(members):
            wanted = ("from", "to")[i] if i < 2 else None
            direction = child.child_by_field_name("direction") if child.type == "connector_end" else None
            said = self.text(direction) if direction is not None else None
            ok = said == wanted if wanted else child.type == "attribute_declaration"
            if not ok and child.type != "macro_invocation":  # macros are reported as syntax errors already
                self.syntax(f"unexpected `{self.first_word(child)}` (a connector has a `from` end, then a `to` "
                            "end, then attributes)", child)
                return
        if len(members) < 2:
            self.syntax("a connector needs a `from` end and a `to` end", body)

    def first_word(self, node: Any) -> str:
        words = self.text(node).split()
        return words[0][:40] if words else node.type

    # -- compositions, configurations, assemblies -----------------------------------------------

    def composition(self, node: Any) -> m.Composition:
        name, loc = self.optional_name(node)
        comp = m.Composition(name, loc=loc or self.keyword(node))
        body = node.child_by_field_name("body")
        for child in body.named_children if body is not None else ():
            if child.type == "component_instance":
                comp.instances.append(self.instance(child))
            elif child.type == "connection":
                comp.connections.append(self.connection(child))
            elif child.type == "group":
                gname, gloc = self.optional_name(child)
                group = m.Group(gname, loc=gloc or self.keyword(child))
                gbody = child.child_by_field_name("body")
                for inst in gbody.named_children if gbody is not None else ():
                    if inst.type == "component_instance":
                        group.instances.append(self.instance(inst))
                comp.groups.append(group)
            elif child.type == "export_declaration":
                source = child.child_by_field_name("from")
                dest = child.child_by_field_name("to")
                comp.exports.append(m.Export(self.parts(source), self.parts(dest), self.loc(source),
                                             self.loc(dest)))
                if len(self.parts(source)) < 2:
                    self.problem(codes.INVALID_VALUE, "illegal source in export statement (these must be "
                                                      'qualified references like "foo.bar")', source)
        return comp

    def instance(self, node: Any) -> m.Instance:
        name, loc = self.name(node.child_by_field_name("name"))
        type_node = node.child_by_field_name("type")
        type_: m.Ref | m.Component
        if type_node.type == "component_body":
            type_ = self.component_body(type_node, None, self.keyword(node))
        else:
            type_ = m.Ref(self.parts(type_node), "Component", self.loc(type_node))
        return m.Instance(type_, name, loc)

    def connection(self, node: Any) -> m.Connection:
        name, loc = self.name(node.child_by_field_name("name"))
        conn_node = node.child_by_field_name("connector")
        type_: m.Ref | m.Connector
        if conn_node.type == "connector_body":
            type_ = self.connector_body(conn_node, None, self.keyword(node))
        else:
            type_ = m.Ref(self.parts(conn_node), "Connector", self.loc(conn_node))
        conn = m.Connection(type_, name, loc=loc)
        ends = node.child_by_field_name("ends")
        for end in ends.named_children if ends is not None else ():
            if end.type != "connection_end":
                continue
            start = end.children_by_field_name("instance")
            iface = end.child_by_field_name("interface")
            nodes = [*start, iface] if iface is not None else list(start)
            first = start[0] if start else iface
            conn.ends.append(m.End(self.text(end.child_by_field_name("direction")), [self.text(n) for n in nodes],
                                   self.between(first, iface or first),
                                   part_locs=tuple(self.loc(n) for n in nodes)))
        return conn

    def configuration(self, node: Any) -> m.Configuration:
        name, loc = self.optional_name(node)
        conf = m.Configuration(name, loc=loc or self.keyword(node))
        body = node.child_by_field_name("body")
        for child in body.named_children if body is not None else ():
            if child.type != "setting":
                continue
            target = child.child_by_field_name("instance")
            attribute = child.child_by_field_name("attribute")
            where = self.between(target, attribute)
            reference = child.child_by_field_name("reference")
            if reference is not None:
                ref_name = reference.child_by_field_name("name")
                conf.settings.append(m.Setting(self.text(target), self.text(attribute), None,
                                               self.parts(ref_name), where, self.loc(ref_name)))
                continue
            value_node = child.child_by_field_name("value")
            value = self.value(value_node, query_ok=True) if value_node is not None else None
            conf.settings.append(m.Setting(self.text(target), self.text(attribute), value, None, where,
                                           self.between(value_node, child.children[-1])
                                           if value_node is not None else where))
        return conf

    def assembly(self, node: Any) -> m.Assembly:
        name, loc = self.optional_name(node)
        composition: m.Composition | None = None
        configuration: m.Configuration | None = None
        body = node.child_by_field_name("body")
        if body is not None and not [c for c in body.named_children if not is_skipped(c)]:
            self.syntax("an assembly needs a composition, configuration or schedule", body)
        for child in body.named_children if body is not None else ():
            if child.type == "composition":
                composition = self.composition(child)
            elif child.type == "configuration":
                configuration = self.configuration(child)
            elif child.type == "schedule":
                slots = [c for c in child.named_children if c.type == "schedule_slot"]
                if len(slots) < 2:
                    self.problem(codes.SYNTAX, "syntax error: a schedule needs at least two slots", child)
            elif child.type in ("composition_reference", "configuration_reference"):
                self.problem(codes.SYNTAX, "syntax error: references to named compositions and configurations "
                                           "are not supported by camkes-tool", child)
        return m.Assembly(name, composition, configuration, loc or self.keyword(node))

    # -- values ---------------------------------------------------------------------------------

    def value(self, node: Any, query_ok: bool = False) -> m.Value | None:
        """A value as camkes-tool lifts it; a `dtb(...)`-like query only as a whole setting value."""
        kind = node.type
        if kind in ("string", "string_concatenation"):
            return self.string_value(node)
        if kind == "list":
            return [v for v in (self.value(c) for c in node.named_children if not is_skipped(c)) if v is not None]
        if kind == "dictionary":
            out: dict[str, m.Value] = {}
            for pair in node.named_children:
                if pair.type != "pair":
                    continue
                key = self.value(pair.child_by_field_name("key"))
                val = self.value(pair.child_by_field_name("value"))
                if key is not None and val is not None:
                    out[str(key)] = val
            return out
        if kind in ("call_expression", "subscript_expression"):
            call = node
            while call.type == "subscript_expression":
                call = call.child_by_field_name("value")
            if call.type == "call_expression":
                fn = call.child_by_field_name("function")
                if self.strict and not (query_ok and self.query_arguments(call)):
                    self.syntax(f"unexpected `{self.text(fn)}(` (a query such as dtb(...) must be the whole "
                                "value of a setting, with a dictionary or a list of dictionaries)", fn)
                    return None
                return m.QueryValue(self.text(fn), self.loc(fn))
            return None
        return self.expr(node)

    def expr(self, node: Any) -> int | float | None:
        try:
            value: int | float | None = self._eval(node)
            return value
        except (ArithmeticError, TypeError, ValueError) as exc:
            self.problem(codes.INVALID_VALUE, str(exc), node)
        except _Unknown as unknown:
            if self.strict:
                shown = self.first_word(unknown.node)
                self.syntax(f"`{shown}` is not a value (a macro the preprocessor did not define?)", unknown.node)
        return None

    def query_arguments(self, call: Any) -> bool:
        """camkes-tool's query arguments: none, one dictionary, or one list of dictionaries."""
        args = [c for c in call.child_by_field_name("arguments").named_children if not is_skipped(c)]
        if not args:
            return True
        if len(args) > 1:
            return False
        if args[0].type == "dictionary":
            return True
        return args[0].type == "list" and all(c.type == "dictionary" for c in args[0].named_children
                                              if not is_skipped(c))

    def _eval(self, node: Any) -> Any:
        kind = node.type
        if kind == "number":
            text = self.text(node)
            return float(text) if "." in text else int(text, 0)
        if kind == "boolean":
            return 1 if self.text(node) in ("true", "True") else 0
        if kind == "parenthesized_expression":
            inner = [c for c in node.named_children if not is_skipped(c)]
            return self._eval(inner[0])
        if kind == "unary_expression":
            op = self.text(node.child_by_field_name("operator"))
            arg = self._eval(node.child_by_field_name("argument"))
            return _UNARY[op](arg)
        if kind == "binary_expression":
            op = self.text(node.child_by_field_name("operator"))
            return _BINARY[op](self._eval(node.child_by_field_name("left")),
                               self._eval(node.child_by_field_name("right")))
        if kind == "conditional_expression":
            cond = self._eval(node.child_by_field_name("condition"))
            return self._eval(node.child_by_field_name("consequence" if cond else "alternative"))
        raise _Unknown(node)  # a macro constant: its value is only known to the preprocessor


def _within(inner: m.Loc, outer: m.Loc) -> bool:
    return inner.path == outer.path and outer.range.start <= inner.range.start and inner.range.end <= outer.range.end


class _Unknown(Exception):
    """A value the text cannot give (an unexpanded macro)."""

    def __init__(self, node: Any) -> None:
        super().__init__(node.type)
        self.node = node
