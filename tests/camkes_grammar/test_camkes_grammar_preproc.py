"""Raw, un-preprocessed text: cpp lines are nodes and macros stand where items belong."""

from __future__ import annotations

from camkes_grammar_support import camkes_parser, iter_nodes, named_types, problems, require_corpus
from tree_sitter import Node, Tree


def _parse(text: str) -> Tree:
    tree = camkes_parser().parse(text.encode())
    assert problems(tree) == [], str(tree.root_node)
    return tree


def _all(tree: Tree, kind: str) -> list[Node]:
    return [n for n in iter_nodes(tree.root_node) if n.type == kind]


def _field_text(node: Node, field: str) -> str | None:
    child = node.child_by_field_name(field)
    return None if child is None or child.text is None else child.text.decode()


def test_include_and_define_are_nodes() -> None:
    """#include keeps its path; #define keeps name, parameters and the raw value."""
    tree = _parse('#include <plat/timers.h>\n#include "vm.h"\n#define SIZE 0x1000\n#define F(a, b) a##b\n')
    includes = _all(tree, "preproc_include")
    assert [_field_text(n, "path") for n in includes] == ["<plat/timers.h>", '"vm.h"']
    defines = _all(tree, "preproc_define")
    assert [_field_text(n, "name") for n in defines] == ["SIZE", "F"]
    value = defines[0].child_by_field_name("value")
    assert value is not None and value.text == b"0x1000"  # blanks around the value are not part of it
    params = defines[1].child_by_field_name("parameters")
    assert params is not None
    assert [p.text for p in params.named_children] == [b"a", b"b"]


def test_define_with_continuations_is_one_node() -> None:
    """Backslash-newline continues a #define; the next real line is parsed normally."""
    text = (
        '#define VM_GUEST_CMDLINE "earlyprintk=ttyS0 \\\n'
        'i8042.nomux=y"\n'
        "#define topology_def(f) \\\n"
        "    VM0_topology_def(f) \\\n"
        "    VM1_topology_def(f)\n"
        "component A { control; }\n"
    )
    tree = _parse(text)
    defines = _all(tree, "preproc_define")
    assert len(defines) == 2
    value = defines[1].child_by_field_name("value")
    assert value is not None and value.end_point.row == 4  # the node itself also takes the newline
    assert _field_text(_all(tree, "component_declaration")[0], "name") == "A"


def test_conditionals_inside_declarations() -> None:
    """#if/#ifdef/#else/#endif may sit between any two items (and keep both branches)."""
    tree = _parse(
        "component VM {\n#ifdef CONFIG_A\n  uses A a;\n#elif defined(B)\n  uses B b;\n#else\n  uses C c;\n#endif\n}\n"
        "#ifndef X\nimport <x.camkes>;\n#endif\n#if TK1DEVICEFWD\nimport <gen_fwd.idl4>;\n#endif\n"
    )
    kinds = named_types(tree.root_node)
    for kind in ("preproc_ifdef", "preproc_elif", "preproc_else", "preproc_endif", "preproc_ifndef", "preproc_if"):
        assert kind in kinds, kind
    assert [_field_text(n, "name") for n in _all(tree, "uses_declaration")] == ["a", "b", "c"]
    assert len(_all(tree, "import_statement")) == 2


def test_macro_invocations_where_items_belong() -> None:
    """`VM_INIT_DEF()` and bare `HARDWARE_TIMER_INTERFACES` are macro_invocation nodes."""
    tree = _parse(
        "HARDWARE_TIMER_COMPONENT\n"
        "component TimeServer {\n  VM_INIT_DEF()\n  HARDWARE_TIMER_INTERFACES\n  HARDWARE_TIMER_ATTRIBUTES\n"
        '  fdt_bind_drivers_interfaces(["/bpmp"]);\n'
        "  composition { HARDWARE_TIMER_COMPOSITION VM_COMPOSITION_DEF(0) }\n"
        "  configuration { HARDWARE_TIMER_CONFIG VM_CONNECTION_CONFIG(init.init, topology_def) t.x = 1; }\n}\n"
    )
    macros = _all(tree, "macro_invocation")
    assert [_field_text(m, "name") for m in macros] == [
        "HARDWARE_TIMER_COMPONENT",
        "VM_INIT_DEF",
        "HARDWARE_TIMER_INTERFACES",
        "HARDWARE_TIMER_ATTRIBUTES",
        "fdt_bind_drivers_interfaces",
        "HARDWARE_TIMER_COMPOSITION",
        "VM_COMPOSITION_DEF",
        "HARDWARE_TIMER_CONFIG",
        "VM_CONNECTION_CONFIG",
    ]
    parents = {_field_text(m, "name"): m.parent.type for m in macros if m.parent is not None}
    assert parents["HARDWARE_TIMER_COMPONENT"] == "source_file"
    assert parents["VM_INIT_DEF"] == "component_body"
    assert parents["VM_COMPOSITION_DEF"] == "composition_body"
    assert parents["VM_CONNECTION_CONFIG"] == "configuration_body"
    assert macros[1].child_by_field_name("arguments") is not None
    assert macros[2].child_by_field_name("arguments") is None
    assert len(_all(tree, "setting")) == 1


def test_macros_as_values_and_types() -> None:
    """A macro constant or call in a value is an identifier / call_expression; in a procedure a macro line."""
    tree = _parse(
        "procedure P {\n  PROC_METHODS(x)\n  uint8_t f(void);\n}\n"
        "assembly { configuration {\n  vm0.cmdline = VM_GUEST_CMDLINE;\n"
        "  vm0.cons = [VM_CONNECTION_INIT_HANDLER(0, topology_def),];\n } }\n"
    )
    setting = _all(tree, "setting")[0]
    value = setting.child_by_field_name("value")
    assert value is not None and value.type == "identifier"
    calls = _all(tree, "call_expression")
    assert [_field_text(c, "function") for c in calls] == ["VM_CONNECTION_INIT_HANDLER"]
    assert [_field_text(m, "name") for m in _all(tree, "method_declaration")] == ["f"]


def test_hash_in_strings_and_comments_is_not_a_directive() -> None:
    """Only a `#` that starts a token opens a directive: strings and comments may hold one."""
    tree = _parse('// #include <nope.h>\nassembly { configuration { a.s = "x #define y"; } }\n')
    assert _all(tree, "preproc_include") == []
    assert _all(tree, "preproc_define") == []


def test_mistyped_keyword_is_an_error_not_a_macro() -> None:
    """A bare macro name never takes `;`, so `provdes P p;` is still reported."""
    tree = camkes_parser().parse(b"component A {\n  provdes P p;\n  uses Q q;\n}\n")
    assert tree.root_node.has_error
    assert [_field_text(n, "name") for n in _all(tree, "uses_declaration")] == ["q"]


def test_crlf_line_endings() -> None:
    """Files saved with CRLF endings parse the same: defines end at `\\r\\n`, continuations work."""
    text = "#define A 1\r\n#define B(x) \\\r\n  x\r\ncomponent C {\r\n  VM_INIT_DEF()\r\n}\r\n"
    tree = _parse(text)
    assert [_field_text(n, "name") for n in _all(tree, "preproc_define")] == ["A", "B"]
    assert [_field_text(n, "name") for n in _all(tree, "macro_invocation")] == ["VM_INIT_DEF"]


def test_corpus_with_crlf_endings() -> None:
    """Every accepted corpus file still parses cleanly after converting it to CRLF."""
    parser = camkes_parser()
    for item in require_corpus():
        if item.accepted:
            source = item.path.read_bytes().replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")
            assert not parser.parse(source).root_node.has_error, item.rel


def test_define_values_and_parameters() -> None:
    """`F(x)` has parameters, `F (x)` a value; values lose surrounding blanks but keep continuations."""
    tree = _parse("#define F (x)\n#define G(x)x\n#define H(a, args...) \\\n  f(a) \\\n  g(args)   \n#if(A)\n#endif\n")
    f, g, h = _all(tree, "preproc_define")
    assert f.child_by_field_name("parameters") is None
    assert _field_text(f, "value") == "(x)"
    assert _field_text(g, "parameters") == "(x)"
    assert _field_text(g, "value") == "x"
    assert _field_text(h, "value") == "f(a) \\\n  g(args)"
    assert _field_text(_all(tree, "preproc_if")[0], "condition") == "(A)"
