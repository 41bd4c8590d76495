"""Each semantic check: camkes-tool's exact message, at the place the user wrote the problem."""

from __future__ import annotations

from pathlib import Path

from camkes_helpers import check, errors, messages, only, where, write

PROCS = """
procedure P { void f(in int x); };
procedure Q { int g(); };
"""


def app(tmp_path: Path, body: str, extra: str = "", name: str = "app.camkes") -> list:
    write(tmp_path, {name: f"import <std_connector.camkes>;\n{PROCS}{extra}\nassembly {{\n{body}\n}}\n"})
    return check(tmp_path, name)


def test_valid_app_has_no_errors_and_names_the_fallback_table(tmp_path: Path) -> None:
    found = app(tmp_path, """composition {
  component C c; component S s;
  connection seL4RPCCall conn(from c.p, to s.p);
}""", "component C { control; uses P p; }\ncomponent S { provides P p; }\n")
    assert errors(found) == []
    notice = only(found, "CK023")
    assert "std_connector.camkes" in notice.message
    assert where(notice)[:2] == (1, 1)


def test_unknown_reference_in_an_app_is_an_error_at_the_name(tmp_path: Path) -> None:
    found = app(tmp_path, "composition { component Missing m; }")
    diag = only(found, "CK005")
    assert diag.message == "unknown reference to 'Missing'"
    assert where(diag) == (7, 25, 7, 32)


def test_unknown_reference_in_a_lone_library_is_a_warning(tmp_path: Path) -> None:
    write(tmp_path, {"lib.camkes": "component C { uses Nowhere n; }\n"})
    diag = only(check(tmp_path, "lib.camkes"), "CK005")
    assert diag.severity.label == "warning"
    assert where(diag) == (1, 20, 1, 27)


def test_duplicate_definition_points_back_to_the_first(tmp_path: Path) -> None:
    write(tmp_path, {"lib.idl4": "procedure A { void f(); }\nprocedure A { void g(); }\n"})
    diag = only(check(tmp_path, "lib.idl4"), "CK006")
    assert diag.message == "duplicate definition of Procedure 'A'; previous definition was at lib.idl4:1"
    assert where(diag)[:2] == (2, 11)
    assert diag.related[0].range.start.line == 0


def test_duplicate_entity_of_different_kinds(tmp_path: Path) -> None:
    found = app(tmp_path, "composition { component C c; connection seL4RPCCall x(from c.x, to c.y); }",
                "component C { control; uses P x; provides P x; provides P y; }\n")
    assert "duplicate entity 'x' defined, collides with Uses at app.camkes:5" in messages(found, "CK007")


def test_unconnected_interface_is_reported_at_the_instance(tmp_path: Path) -> None:
    found = app(tmp_path, "composition { component C c; }",
                "component C { control; uses P p; maybe uses P q; provides P r; emits E e; }\n")
    diag = only(found, "CK010")
    assert diag.message == "non-optional interface c.p is not connected"
    assert where(diag)[:2] == (8, 27)


def test_end_counts_and_sides(tmp_path: Path) -> None:
    found = app(tmp_path, """composition {
  component C a; component C b; component S s;
  connection seL4RPCCall none(from a.p);
  connection seL4DirectCall two(from a.p, from b.p, to s.p);
  connection seL4RPCCall back(from s.p, to b.p);
}""", "component C { control; uses P p; }\ncomponent S { provides P p; }\n")
    got = set(messages(found))
    assert "connection 'none' has no to ends" in got
    assert ("connection 'two' has multiple from ends but its connector type (seL4DirectCall) only "
            "permits one") in got
    assert "connection 'back' has an end s.p that cannot be used as 'from'" in got
    assert "connection 'back' has an end b.p that cannot be used as 'to'" in got


def test_conflicting_types_lists_procedures_events_and_dataports(tmp_path: Path) -> None:
    found = app(tmp_path, """composition {
  component C c; component S s;
  connection seL4RPCCall rpc(from c.p, to s.q);
  connection seL4Notification ev(from c.e, to s.e);
  connection seL4SharedData dp(from c.d, to s.d);
}""", """component C { control; uses P p; emits A e; dataport Buf(4096) d; }
component S { provides Q q; consumes B e; dataport Buf(8192) d; }
""")
    got = messages(found, "CK013")
    assert "multiple conflicting types for the interfaces of connection 'rpc': P, Q" in got
    # camkes-tool's wording (Python type names) first, then the two real type names.
    assert ("multiple conflicting types for the interfaces of connection 'ev': TokValue, TokValue "
            "(the ends have types A and B)") in got
    assert ("multiple conflicting types for the interfaces of connection 'dp': str, str "
            "(the ends have types Buf(4096) and Buf(8192))") in got


def test_connector_kind_and_hardware(tmp_path: Path) -> None:
    found = app(tmp_path, """composition {
  component C c; component D dev;
  connection seL4HardwareMMIO mmio(from c.d, to c.e);
  connection seL4Notification n(from dev.e, to c.c);
}""", """component C { control; dataport Buf d; dataport Buf e; consumes E c; }
component D { hardware; emits E e; }
""")
    got = set(messages(found, "CK015"))
    assert ("connection 'mmio' has a type 'seL4HardwareMMIO' that is intended for connecting to hardware "
            "devices, but end c.e refers to a software component") in got
    assert ("connection 'n' has a type 'seL4Notification' that is intended for connecting from software "
            "components, but end dev.e refers to a hardware device") in got


def test_end_type_against_connector(tmp_path: Path) -> None:
    found = app(tmp_path, """composition {
  component C c; component S s;
  connection seL4Notification n(from c.d, to s.d);
}""", "component C { control; dataport Buf d; }\ncomponent S { dataport Buf d; }\n")
    got = set(messages(found, "CK014"))
    assert ("connection 'n' has a type 'seL4Notification' that is intended for connecting from events, "
            "but end c.d is not an emitted event") in got
    assert ("connection 'n' has a type 'seL4Notification' that is intended for connecting to events, "
            "but end s.d is not a consumed event") in got


def test_settings_types_duplicates_keywords_and_loops(tmp_path: Path) -> None:
    found = app(tmp_path, """composition { component C c; }
configuration {
  c.n = "text";
  c.s = 3;
  c.s = "again";
  c.auto = 1;
  c.a <- c.b;
  c.b <- c.a;
}""", 'component C { control; attribute int n; attribute string s; }\n')
    got = set(messages(found))
    prefix = "mistyped assignment of attribute of type"
    assert f'{prefix} int: For "text": required type is "string", but type is "int"' in got
    assert f'{prefix} string: For "3": required type is "int", but type is "string"' in got
    assert "duplicate setting for attribute 'c.s'" in got
    assert "setting name 'auto' clashes with a C keyword" in got
    assert any(m.startswith("Loop detected in attribute references: c.b<-c.a<-c.b") for m in got)


def test_c_keywords_and_component_flags(tmp_path: Path) -> None:
    found = app(tmp_path, "composition { component C c; }",
                "procedure K { void asm(in int volatile); };\n"
                "component C { control; hardware; has mutex m; attribute int auto; }\n")
    got = set(messages(found))
    assert "method name 'asm' clashes with a C keyword" in got
    assert "parameter name 'volatile' clashes with a C keyword" in got
    assert "attribute name 'auto' clashes with a C keyword" in got
    assert "component C is illegally defined as being both a control component and a hardware device" in got
    assert "component C is illegally defined as a hardware device that also has mutexes" in got


def test_empty_assembly_and_shared_data_size(tmp_path: Path) -> None:
    assert "no instances declared in assembly" in messages(app(tmp_path, "composition { }"))
    found = app(tmp_path, """composition {
  component C a; component C b;
  connection seL4SharedData sd(from a.d, to b.d);
}
configuration { sd.size = 100; }""", "component C { control; dataport Buf(100) d; }\n", name="sd.camkes")
    got = messages(found, "CK022")
    assert "Setting sd.size does not meet minimum size requirements. 100 must be at least 4096 and 4096 aligned" in got
    assert "Setting Buf(100) does not meet minimum size requirements. 100 must be at least 4096 and 4096 aligned" in got


def test_merged_connections_with_different_connectors(tmp_path: Path) -> None:
    found = app(tmp_path, """composition {
  component C a; component C b; component S s;
  connection seL4RPCCall one(from a.p, to s.p);
  connection seL4RPCCallNoType two(from b.p, to s.p);
}""", "component C { control; uses P p; }\ncomponent S { provides P p; }\n")
    assert any(m.startswith("Multiple connectors used in connections involving two.")
               for m in messages(found, "CK021"))


def test_hierarchy_export_counts_as_connected(tmp_path: Path) -> None:
    found = app(tmp_path, """composition {
  component Outer o; component S s;
  connection seL4RPCCall c(from o.p, to s.p);
}""", """component Inner { uses P p; }
component Outer { control; uses P p; composition { component Inner i; export i.p -> p; } }
component S { provides P p; }
""")
    assert errors(found) == []


def test_every_problem_is_reported_at_once(tmp_path: Path) -> None:
    found = app(tmp_path, "composition { component A a; component B b; }")
    assert messages(found, "CK005") == ["unknown reference to 'A'", "unknown reference to 'B'"]


def test_syntax_error_has_a_plain_message_and_recovery(tmp_path: Path) -> None:
    write(tmp_path, {"bad.camkes": "component U { control }\ncomponent V { uses Missing m; }\n"})
    found = check(tmp_path, "bad.camkes")
    syntax = only(found, "CK001")
    assert syntax.message == "syntax error: missing `;` after `control`"
    assert where(syntax)[:2] == (1, 22)
    assert messages(found, "CK005") == ["unknown reference to 'Missing'"]


def test_lifting_errors(tmp_path: Path) -> None:
    write(tmp_path, {"v.camkes": "component C { attribute int x = 010; dataport Buf(0) d; }\n"
                                 "connector K { from Event with -1 threads; to Event; }\n"})
    got = set(messages(check(tmp_path, "v.camkes"), "CK008"))
    assert "invalid literal for int() with base 0: '010'" in got
    assert "illegal value for dataport size" in got
    assert "illegal thread value '-1'" in got


def test_import_not_found_and_relative_imports(tmp_path: Path) -> None:
    write(tmp_path, {"sub/p.idl4": "procedure P { void f(); }\n",
                     "lib.camkes": 'import "sub/p.idl4";\nimport "nope.camkes";\nimport <x.camkes>;\n'
                                   "component C { uses P p; }\n"})
    found = check(tmp_path, "lib.camkes")
    assert messages(found, "CK004") == ["import 'nope.camkes' not found", "import 'x.camkes' not found"]
    assert messages(found, "CK005") == []
    assert [where(d)[:2] for d in found if d.code == "CK004"] == [(2, 1), (3, 1)]


def test_error_in_imported_file_is_shown_at_the_import(tmp_path: Path) -> None:
    write(tmp_path, {"c.camkes": "component C { control }\n"})
    found = app(tmp_path, "composition { component C c; }", 'import "c.camkes";\n')
    diag = only(found, "CK026")
    assert diag.message.startswith("error in imported file 'c.camkes': syntax error")
    assert where(diag)[:2] == (5, 1)


def test_direct_call_needs_one_address_space(tmp_path: Path) -> None:
    found = app(tmp_path, """composition {
  group g { component C c; component S s; }
  component S t;
  connection seL4DirectCall ok(from g.c.p, to g.s.p);
  connection seL4DirectCall bad(from g.c.q, to t.p);
}""", "component C { control; uses P p; uses P q; }\ncomponent S { provides P p; }\n")
    diag = only(found, "CK027")
    assert diag.message == "t.p participating in connection bad is not in address space 'g'"
    assert diag.severity.label == "warning"
    assert where(diag)[:2] == (13, 48)


def test_hardware_settings_that_code_generation_needs(tmp_path: Path) -> None:
    found = app(tmp_path, """composition {
  component C c; component Dev dev;
  connection seL4HardwareMMIO mmio(from c.regs, to dev.regs);
  connection seL4HardwareInterrupt irq(from dev.irq, to c.irq);
}
configuration { dev.regs_paddr = "high"; }""", """component C { control; dataport Buf regs; consumes IRQ irq; }
component Dev { hardware; dataport Buf regs; emits IRQ irq; }
""")
    got = set(messages(found, "CK028"))
    assert got == {
        "Setting dev.regs_paddr that should specify the physical address of an MMIO device does not appear "
        "to be a valid address",
        "Setting dev.regs_size that should specify the size of an MMIO device is not set",
        "Setting dev.irq_irq_number that should specify an IRQ number is not defined",
    }
    assert all(d.severity.label == "warning" for d in found if d.code == "CK028")


def test_forward_references_need_the_setting(tmp_path: Path) -> None:
    app(tmp_path, "composition { component Later l; }", name="fwd.camkes")
    text = (tmp_path / "fwd.camkes").read_text(encoding="utf-8")
    write(tmp_path, {"fwd.camkes": text + "component Later { control; }\n"})  # declared after its use
    assert messages(check(tmp_path, "fwd.camkes"), "CK005") == ["unknown reference to 'Later'"]
    assert errors(check(tmp_path, "fwd.camkes", allow_forward_references=True)) == []


def test_overloading_and_anonymous_groups(tmp_path: Path) -> None:
    found = app(tmp_path, """composition {
  group { component C a2; }
  component S s;
  connection seL4RPCCall c(from a2.p, to s.p);
}""", "procedure O { void f(); void f(in int x); };\ncomponent C { control; uses P p; }\n"
      "component S { provides P p; }\n")
    got = messages(found)
    assert any(m.startswith("duplicate definition of Method 'f'; previous definition was at app.camkes:5")
               for m in got)
    assert "unknown reference to 'a2.p'" in got


def test_self_containing_component_is_a_cycle(tmp_path: Path) -> None:
    found = app(tmp_path, "composition { component Box b; }",
                "component Box { control; composition { component Box inner; } }\n")
    assert "unknown reference to 'Box'" in messages(found)  # without forward references: not yet declared
    write(tmp_path, {"cyc.camkes": (tmp_path / "app.camkes").read_text(encoding="utf-8")})
    found = check(tmp_path, "cyc.camkes", allow_forward_references=True)
    assert messages(found, "CK029") == ["AST cycle involving entity Box"]
