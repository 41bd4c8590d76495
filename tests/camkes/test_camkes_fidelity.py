"""camkes-tool fidelity: recovery invents no errors, pre-2017 forms get one targeted diagnostic each,
errors inside imports are all shown."""

from __future__ import annotations

from pathlib import Path

from camkes_helpers import check, errors, messages, only, where, write

EVENT_APP = ('import "conn.camkes";\ncomponent A { control; emits E e; }\ncomponent B { consumes E e; }\n'
             "assembly { composition { component A a; component B b;\n"
             "  connection MyEvent x(from a.e, to b.e); } }\n")


def test_syntax_error_in_an_imported_connector_invents_no_end_kind_error(tmp_path: Path) -> None:
    write(tmp_path, {"conn.camkes": "connector MyEvent {\n  from Event, to Event;\n}\n", "app.camkes": EVENT_APP})
    found = check(tmp_path, "app.camkes")
    assert [d.code for d in errors(found)] == ["CK026"]
    assert "intended for connecting to procedures" not in " ".join(messages(found))
    assert [r.message for r in only(found, "CK026").related] == ["syntax error: unexpected `Event`"]


def test_connector_end_naming_a_template_gets_one_legacy_diagnostic_per_end(tmp_path: Path) -> None:
    write(tmp_path, {"c.camkes": 'connector seL4TimeServer {\n'
                                 '    from Procedure client template "seL4TimeServer-from.template.c";\n'
                                 '    to hardware Event server template "x-to.template.c";\n}\n'})
    found = check(tmp_path, "c.camkes")
    assert [d.code for d in found] == ["CK033", "CK033"]
    assert "write `from Procedure;`" in found[0].message
    assert "write `to hardware Event;`" in found[1].message
    assert where(found[0])[:2] == (2, 5)


LEGACY_DEVICE = """import <std_connector.camkes>;
component Dev { hardware; dataport Buf reg; emits IRQ irq; }
component Drv { control; dataport Buf reg; consumes IRQ irq; }
assembly {
  composition {
    component Dev dev; component Drv drv;
    connection seL4HardwareMMIO mmio(from drv.reg, to dev.reg);
    connection seL4HardwareInterrupt intr(from dev.irq, to drv.irq);
  }
  configuration {
    dev.reg_attributes = "0x10000000:0x1000";
    dev.irq_attributes = 27;
  }
}
"""


def test_pre_2017_hardware_settings_name_the_current_ones(tmp_path: Path) -> None:
    write(tmp_path, {"app.camkes": LEGACY_DEVICE})
    found = check(tmp_path, "app.camkes")
    assert messages(found, "CK028") == []
    assert messages(found, "CK034") == [
        'pre-2017 hardware setting `dev.reg_attributes = "0x10000000:0x1000"`: camkes-tool now reads '
        "`dev.reg_paddr = 0x10000000;` and `dev.reg_size = 0x1000;`",
        "pre-2017 hardware setting `dev.irq_attributes = 27`: camkes-tool now reads `dev.irq_irq_number = 27;`"]
    assert [where(d)[0] for d in found if d.code == "CK034"] == [11, 12]


def test_unresolved_instance_types_are_not_an_empty_assembly(tmp_path: Path) -> None:
    write(tmp_path, {"app.camkes": "assembly { composition { component Nope n; } }\n"})
    found = check(tmp_path, "app.camkes")
    assert [d.code for d in found] == ["CK005"]


def test_still_empty_when_nothing_is_declared(tmp_path: Path) -> None:
    write(tmp_path, {"app.camkes": "assembly { composition { } }\n"})
    assert "no instances declared in assembly" in messages(check(tmp_path, "app.camkes"), "CK009")


def test_every_error_of_an_imported_file_is_listed_on_the_import(tmp_path: Path) -> None:
    write(tmp_path, {
        "lib.camkes": "component C { control; uses P1 a; uses P2 b; attribute int auto; }\n"
                      "component D { maybe provides P3 c; }\n",
        "app.camkes": 'import "lib.camkes";\nassembly { composition { component C c; } }\n',
    })
    diag = only(check(tmp_path, "app.camkes"), "CK026")
    shown = [r.message for r in diag.related]
    assert len(shown) == 5, shown
    assert "unknown reference to 'P1'" in shown and "attribute name 'auto' clashes with a C keyword" in shown
    assert diag.message.endswith("(1 of 5 errors, all listed)")
    assert "more)" not in diag.message
