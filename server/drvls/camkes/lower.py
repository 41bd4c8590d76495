"""The tree-sitter tree of a file's raw text → the model, for when no C preprocessor is available.

With cpp, files are parsed after preprocessing (see `frontend`), because declarations often
come out of macros. Without it, camkes-tool's `--nocpp` would fail on every macro line; the
tree-sitter grammar instead keeps macro invocations as nodes of their own, so the rest of the
file still lowers to a model with exact positions in the text the user edits. Lowering follows
camkes-tool's lifting (stage 3) as `parser` does: values evaluated, types normalised.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from drvls.camkes import codes
from drvls.camkes import model as m
from drvls.camkes.lexer import KEYWORDS
from drvls.camkes.parser import BINARY_LEVELS, Problem
from drvls.core.diagnostics import Range
from drvls.core.text import LineIndex

_BINARY: dict[str, Callable[[Any, Any], Any]] = {op: fn for level in BINARY_LEVELS for op, fn in level.items()}
_UNARY: dict[str, Callable[[Any], Any]] = {
    "-": lambda v: -v, "+": lambda v: v, "!": lambda v: int(not v), "~": lambda v: -1 - v}
_END_KINDS = {"Procedure": ("Procedure", False), "Procedures": ("Procedure", True),
              "Event": ("Event", False), "Events": ("Event", True),
              "Dataport": ("Dataport", False), "Dataports": ("Dataport", True)}
_KINDS = {"provides_declaration": m.PROVIDES, "uses_declaration": m.USES, "emits_declaration": m.EMITS,
          "consumes_declaration": m.CONSUMES, "dataport_declaration": m.DATAPORT}
_HAS = {"mutex": m.MUTEX, "semaphore": m.SEMAPHORE, "binary_semaphore": m.BINARY_SEMAPHORE}

_parser: Any = None


def available() -> bool:
    """Whether the CAmkES grammar is built into this installation."""
    return _get_parser() is not None


def _get_parser() -> Any:
    global _parser
    if _parser is None:
        try:
            import tree_sitter
            import tree_sitter_camkes
        except ImportError:
            _parser = False
        else:
            _parser = tree_sitter.Parser(tree_sitter.Language(tree_sitter_camkes.language()))
    return _parser or None


def parse_raw(text: str, path: Path | None) -> tuple[m.ParsedFile, list[Problem]] | None:
    """Parse the raw text with tree-sitter and lower it; None when the grammar is not installed."""
    parser = _get_parser()
    if parser is None:
        return None
    tree = parser.parse(text.encode("utf-8", "surrogatepass"))
    lowerer = Lowerer(text, path)
    items = lowerer.file(tree.root_node)
    return m.ParsedFile(path, items), lowerer.problems


class Lowerer:
    def __init__(self, text: str, path: Path | None) -> None:
        self.index = LineIndex(text)
        self.path = path
        self.problems: list[Problem] = []

    # -- helpers -------------------------------------------------------------------------------

    def loc(self, node: Any) -> m.Loc:
        start = self.index.point_position(*node.start_point)
        end = self.index.point_position(*node.end_point)
        return m.Loc(self.path, Range(start, end))

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
        if node.type == "qualified_name":
            return [self.text(c) for c in node.named_children if c.type == "identifier"]
        return [self.text(node)]

    # -- file ----------------------------------------------------------------------------------

    def file(self, root: Any) -> list[m.Item]:
        self.syntax_errors(root)
        items: list[m.Item] = []
        for node in root.named_children:
            item = self.top(node)
            if item is not None:
                items.append(item)
        return items

    def syntax_errors(self, node: Any) -> None:
        if not node.has_error:
            return
        for child in node.children:
            if child.is_missing:
                self.problem(codes.SYNTAX, f"syntax error: missing '{child.type}'", child)
            elif child.type == "ERROR":
                bad = self.text(child).split()
                shown = bad[0] if bad else child.type
                self.problem(codes.SYNTAX, f"syntax error: unexpected '{shown[:40]}'", child)
            else:
                self.syntax_errors(child)

    def top(self, node: Any) -> m.Item | None:
        kind = node.type
        if kind == "import_statement":
            return self.import_(node)
        if kind == "component_declaration":
            name, loc = self.optional_name(node)
            return self.component_body(node.child_by_field_name("body"), name, loc or self.loc(node))
        if kind == "procedure_declaration":
            return self.procedure(node)
        if kind == "connector_declaration":
            name, loc = self.optional_name(node)
            return self.connector_body(node.child_by_field_name("body"), name, loc or self.loc(node))
        if kind == "struct_declaration":
            name, loc = self.optional_name(node)
            return m.Struct(name or "", self.struct_body(node.child_by_field_name("body")), loc or self.loc(node))
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
            return m.Import(text[1:-1], True, self.loc(node))
        return m.Import(self.string_value(path), False, self.loc(node))

    def string_value(self, node: Any) -> str:
        if node.type == "string_concatenation":
            return "".join(self.text(c)[1:-1] for c in node.named_children if c.type == "string")
        return self.text(node)[1:-1]

    # -- component -----------------------------------------------------------------------------

    def component_body(self, body: Any, name: str | None, loc: m.Loc) -> m.Component:
        comp = m.Component(name, loc=loc)
        if body is None:
            return comp
        for node in body.named_children:
            kind = node.type
            if kind == "control_declaration":
                comp.control = True
            elif kind == "hardware_declaration":
                comp.hardware = True
            elif kind == "attribute_declaration":
                comp.attributes.append(self.attribute(node))
            elif kind in _KINDS:
                comp.interfaces.append(self.interface(node, _KINDS[kind]))
            elif kind == "has_declaration":
                iface_name, iface_loc = self.name(node.child_by_field_name("name"))
                has = self.text(node.child_by_field_name("kind"))
                comp.interfaces.append(m.Interface(_HAS.get(has, m.MUTEX), None, iface_name, loc=iface_loc))
            elif kind == "composition":
                comp.composition = self.composition(node)
            elif kind == "configuration":
                comp.configuration = self.configuration(node)
            elif kind == "include_statement":
                comp.includes.append(self.text(node.child_by_field_name("path")))
        return comp

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
            return m.Struct("", self.struct_body(node), self.loc(node))
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
        proc = m.Procedure(name, loc=loc or self.loc(node))
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
        return m.Connector(name, ends.get("from", default), ends.get("to", default), attributes, loc)

    # -- compositions, configurations, assemblies -----------------------------------------------

    def composition(self, node: Any) -> m.Composition:
        name, loc = self.optional_name(node)
        comp = m.Composition(name, loc=loc or self.loc(node))
        body = node.child_by_field_name("body")
        for child in body.named_children if body is not None else ():
            if child.type == "component_instance":
                comp.instances.append(self.instance(child))
            elif child.type == "connection":
                comp.connections.append(self.connection(child))
            elif child.type == "group":
                gname, gloc = self.optional_name(child)
                group = m.Group(gname, loc=gloc or self.loc(child))
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
            type_ = self.component_body(type_node, None, self.loc(node))
        else:
            type_ = m.Ref(self.parts(type_node), "Component", self.loc(type_node))
        return m.Instance(type_, name, loc)

    def connection(self, node: Any) -> m.Connection:
        name, loc = self.name(node.child_by_field_name("name"))
        conn_node = node.child_by_field_name("connector")
        type_: m.Ref | m.Connector
        if conn_node.type == "connector_body":
            type_ = self.connector_body(conn_node, None, self.loc(node))
        else:
            type_ = m.Ref(self.parts(conn_node), "Connector", self.loc(conn_node))
        conn = m.Connection(type_, name, loc=loc)
        ends = node.child_by_field_name("ends")
        for end in ends.named_children if ends is not None else ():
            if end.type != "connection_end":
                continue
            parts = [self.text(i) for i in end.children_by_field_name("instance")]
            iface = end.child_by_field_name("interface")
            if iface is not None:
                parts.append(self.text(iface))
            start = end.children_by_field_name("instance")
            first = start[0] if start else iface
            span = m.Loc(self.path, Range(self.loc(first).range.start, self.loc(iface or first).range.end))
            conn.ends.append(m.End(self.text(end.child_by_field_name("direction")), parts, span))
        return conn

    def configuration(self, node: Any) -> m.Configuration:
        name, loc = self.optional_name(node)
        conf = m.Configuration(name, loc=loc or self.loc(node))
        body = node.child_by_field_name("body")
        for child in body.named_children if body is not None else ():
            if child.type != "setting":
                continue
            target = child.child_by_field_name("instance")
            attribute = child.child_by_field_name("attribute")
            where = m.Loc(self.path, Range(self.loc(target).range.start, self.loc(attribute).range.end))
            reference = child.child_by_field_name("reference")
            if reference is not None:
                ref_name = reference.child_by_field_name("name")
                conf.settings.append(m.Setting(self.text(target), self.text(attribute), None,
                                               self.parts(ref_name), where, self.loc(reference)))
                continue
            value_node = child.child_by_field_name("value")
            value = self.value(value_node) if value_node is not None else None
            conf.settings.append(m.Setting(self.text(target), self.text(attribute), value, None, where,
                                           self.loc(value_node) if value_node is not None else where))
        return conf

    def assembly(self, node: Any) -> m.Assembly:
        name, loc = self.optional_name(node)
        asm = m.Assembly(name, loc=loc or self.loc(node))
        body = node.child_by_field_name("body")
        for child in body.named_children if body is not None else ():
            if child.type == "composition":
                asm.composition = self.composition(child)
            elif child.type == "configuration":
                asm.configuration = self.configuration(child)
            elif child.type == "schedule":
                slots = [c for c in child.named_children if c.type == "schedule_slot"]
                if len(slots) < 2:
                    self.problem(codes.SYNTAX, "syntax error: a schedule needs at least two slots", child)
            elif child.type in ("composition_reference", "configuration_reference"):
                self.problem(codes.SYNTAX, "syntax error: references to named compositions and configurations "
                                           "are not supported by camkes-tool", child)
        return asm

    # -- values ---------------------------------------------------------------------------------

    def value(self, node: Any) -> m.Value | None:
        kind = node.type
        if kind in ("string", "string_concatenation"):
            return self.string_value(node)
        if kind == "list":
            return [v for v in (self.value(c) for c in node.named_children if c.type != "comment") if v is not None]
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
                return m.QueryValue(self.text(fn), self.loc(fn))
            return None
        return self.expr(node)

    def expr(self, node: Any) -> int | float | None:
        try:
            value: int | float | None = self._eval(node)
            return value
        except (ArithmeticError, TypeError, ValueError) as exc:
            self.problem(codes.INVALID_VALUE, str(exc), node)
        except _Unknown:
            pass
        return None

    def _eval(self, node: Any) -> Any:
        kind = node.type
        if kind == "number":
            text = self.text(node)
            return float(text) if "." in text else int(text, 0)
        if kind == "boolean":
            return 1 if self.text(node) in ("true", "True") else 0
        if kind == "parenthesized_expression":
            inner = [c for c in node.named_children if c.type != "comment"]
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
        raise _Unknown  # a macro constant: its value is only known to the preprocessor


class _Unknown(Exception):
    """A value the raw text cannot give (an unexpanded macro)."""
