"""Driver-isolation designs A/B/C on hand-built Microkit and CAmkES systems and on real sDDF systems."""

from __future__ import annotations

from pathlib import Path

import pytest
from drvls.views.isolation import STUDY_CLAIMS
from drvls.views.model import SystemView
from prerequisites import corpus_path
from views_support import DESIGN_A, DESIGN_B, DESIGN_C, READ_ONLY_WIDE, view_file, view_text


def designs(view: SystemView) -> dict[str, str | None]:
    return {i.domain: i.design for i in view.isolation if i.driver_like}


@pytest.mark.parametrize(("text", "expected"), [(DESIGN_A, "A"), (DESIGN_B, "B"), (DESIGN_C, "C"),
                                                (READ_ONLY_WIDE, "A")], ids=["A", "B", "C", "read-only-wide"])
def test_hand_built_microkit_systems_get_their_design(tmp_path: Path, text: str, expected: str) -> None:
    view = view_text(tmp_path, "s.system", text)
    assert designs(view) == {"driver": expected}
    driver = next(i for i in view.isolation if i.domain == "driver")
    assert driver.role == "driver"
    assert (driver.irqs, driver.devices) in ((("irq 33 (id 0)",), ("uart_regs",)), ((), ("dev",)))
    if expected == "A":
        assert driver.stricter == ()
    else:
        assert driver.stricter, "what would make it stricter is said"


def test_facts_name_the_peers_and_the_sharing(tmp_path: Path) -> None:
    view = view_text(tmp_path, "c.system", DESIGN_C)
    driver = next(i for i in view.isolation if i.domain == "driver")
    assert "shares heap writable with client_a (r), client_b (r)" in driver.facts
    assert any("own buffer" in s for s in driver.stricter)
    client = next(i for i in view.isolation if i.domain == "client_a")
    assert client.design is None and client.notified_by == ("driver",)
    heap = client.sharing[0]
    assert heap.writable and heap.peers == (("driver", "rw"), ("client_b", "r"))


def test_only_driver_like_domains_are_classed(tmp_path: Path) -> None:
    view = view_text(tmp_path, "b.system", DESIGN_B)
    assert {i.domain: i.role for i in view.isolation} == {"driver": "driver", "virt": "virtualiser",
                                                          "other_virt": "virtualiser"}
    assert [i.domain for i in view.isolation if i.design is not None] == ["driver"]


def test_the_design_study_claims_are_quoted_as_its_own() -> None:
    assert STUDY_CLAIMS["A"]["performance_overhead"] == "15-25%"
    assert STUDY_CLAIMS["B"]["security"] == "Medium-High"
    assert STUDY_CLAIMS["C"]["migration_complexity"] == "Low"


CAMKES_APP = """import <std_connector.camkes>;
procedure Ctl { void go(); };
component Uart { hardware; dataport Buf(4096) mem; emits Interrupt irq; }
component Driver { control; dataport Buf(4096) regs; consumes Interrupt irq; dataport Buf(8192) shared;
                   dataport Buf(8192) other; provides Ctl ctl; }
component Client { control; dataport Buf(8192) shared; uses Ctl ctl; }
assembly {
    composition {
        component Uart uart;
        component Driver driver;
        component Client one;
        component Client two;
        connection seL4HardwareMMIO mmio(from driver.regs, to uart.mem);
        connection seL4HardwareInterrupt intr(from uart.irq, to driver.irq);
        SHARING
        connection seL4RPCCall call_one(from one.ctl, to driver.ctl);
        connection seL4RPCCall call_two(from two.ctl, to driver.ctl);
    }
    configuration {
        uart.mem_paddr = 0x9000000;
        uart.mem_size = 0x1000;
        uart.irq_irq_number = 33;
        driver.priority = 200;
    }
}
"""
ONE_HEAP = "connection seL4SharedData heap(from driver.shared, to one.shared, to two.shared);"
PER_CLIENT = ("connection seL4SharedData buf_one(from driver.shared, to one.shared);\n"
              "connection seL4SharedData buf_two(from driver.other, to two.shared);")


@pytest.mark.parametrize(("sharing", "expected"), [(ONE_HEAP, "C"), (PER_CLIENT, "B"), ("", "A")],
                         ids=["C", "B", "A"])
def test_hand_built_camkes_apps_get_their_design(tmp_path: Path, sharing: str, expected: str) -> None:
    view = view_text(tmp_path, "app.camkes", CAMKES_APP.replace("SHARING", sharing))
    assert designs(view) == {"driver": expected}
    driver = next(i for i in view.isolation if i.domain == "driver")
    assert driver.irqs == ("irq 33 (intr)",) and driver.devices == ("mmio",)
    assert {n for n, _ in driver.called_by} == {"one", "two"}
    assert [(s.start, s.size, s.label) for s in view.physical] == [(0x9000000, 0x1000, "mmio")]
    assert {d.name: d.kind for d in view.domains}["uart"] == "hardware"


SDDF = ("au-ts__sddf", "examples")


@pytest.mark.parametrize(("path", "expected"), [
    ("serial_two_client/board/qemu_arm_virt/serial.system", {"uart": "B"}),
    ("timer/board/qemu_virt_aarch64/timer.system", {"timer": "A"}),
    ("i2c/i2c.system", {"driver": "B", "timer": "A"}),
    ("blk/board/qemu_virt_aarch64/blk.system", {"driver": "B"}),
])
def test_real_sddf_systems(path: str, expected: dict[str, str]) -> None:
    folder = corpus_path("microkit", *SDDF)
    view = view_file(folder / path)
    assert designs(view) == expected
