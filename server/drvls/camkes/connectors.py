"""Our own table of camkes-tool's standard connectors, used when `std_connector.camkes` is not found.

Only names and end kinds are recorded (the facts checks need); templates live in camkes-tool's
build system, not in ADL. `IOPort` is the procedure camkes-tool declares next to them.
"""

from __future__ import annotations

from drvls.camkes import model as m
from drvls.camkes.cache import CACHE, Bounded

# name: (from kind, from multiple, from hardware, to kind, to multiple, to hardware, no type checking)
STD_CONNECTORS: dict[str, tuple[str, bool, bool, str, bool, bool, bool]] = {
    "seL4RPCCall": ("Procedure", True, False, "Procedure", False, False, False),
    "seL4RPCCallNoType": ("Procedure", True, False, "Procedure", False, False, True),
    "seL4DirectCall": ("Procedure", False, False, "Procedure", False, False, False),
    "seL4RPCEvent": ("Event", False, False, "Event", False, False, False),
    "seL4Notification": ("Event", False, False, "Event", True, False, False),
    "seL4NotificationQueue": ("Event", False, False, "Event", True, False, False),
    "seL4NotificationBind": ("Event", True, False, "Event", False, False, False),
    "seL4NotificationNative": ("Event", True, False, "Event", False, False, False),
    "seL4SharedData": ("Dataport", True, False, "Dataport", True, False, False),
    "seL4DMASharedData": ("Dataport", True, False, "Dataport", True, False, False),
    "seL4HardwareMMIO": ("Dataport", True, False, "Dataport", False, True, False),
    "seL4HardwareInterrupt": ("Event", False, True, "Event", False, False, False),
    "seL4IOAPICHardwareInterrupt": ("Event", False, True, "Event", False, False, False),
    "seL4HardwareIOPort": ("Procedure", False, False, "Procedure", False, True, False),
    "seL4DTBHardware": ("Event", False, False, "Event", True, False, False),
    "seL4InitHardware": ("Event", False, False, "Event", True, False, False),
    "seL4DTBHW": ("Event", False, True, "Event", True, False, False),
    "seL4GDB": ("Procedure", False, False, "Procedure", False, False, False),
    "seL4GDBMem": ("Procedure", False, False, "Procedure", False, False, False),
}

GLOBAL_CONNECTORS: dict[str, tuple[str, bool, bool, str, bool, bool, bool]] = {
    "seL4VirtQueues": ("Procedure", True, False, "Procedure", False, False, True),
    **{name: ("Procedure", True, False, "Procedure", False, False, False) for name in (
        "seL4RPCCallSignal", "seL4RPCDataport", "seL4RPCDataportSignal", "seL4RPCDataportNoThreads",
        "seL4RPCOverMultiSharedData", "seL4RPCNoThreads", "seL4TimeServer", "seL4SerialServer",
        "seL4PicoServer", "seL4PicoServerSignal", "seL4Ethdriver", "seL4GPIOServer")},
    **{name: ("Event", False, False, "Event", True, False, False) for name in (
        "seL4GlobalAsynch", "seL4GlobalAsynchCallback", "seL4DTBHardwareThreadless")},
    "seL4GlobalAsynchHardwareInterrupt": ("Event", False, True, "Event", False, False, False),
    "seL4DTBHWThreadless": ("Event", False, True, "Event", True, False, False),
    "seL4SharedDataWithCaps": ("Dataport", True, False, "Dataport", True, False, False),
    "seL4MessageQueue": ("Dataport", True, False, "Dataport", True, False, False),
}

# Which table stands in for which camkes-tool / global-components file.
FALLBACK_FILES = {"std_connector.camkes": STD_CONNECTORS, "global-connectors.camkes": GLOBAL_CONNECTORS}


_Table = dict[str, tuple[str, bool, bool, str, bool, bool, bool]]
_made: Bounded[tuple[int, m.Loc], tuple[m.Item, ...]] = CACHE.table(4096)


def connector_items(table: _Table, loc: m.Loc) -> list[m.Item]:
    """Model declarations for a fallback table, located at the import that asked for them (made once
    per place: they are immutable values, shared by every app that imports from there)."""
    return list(_made.get_or_compute((id(table), loc), lambda: tuple(_connector_items(table, loc))))


def _connector_items(table: _Table, loc: m.Loc) -> list[m.Item]:
    items: list[m.Item] = []
    for name, (fk, fm, fh, tk, tm, th, untyped) in table.items():
        attrs = [m.Attribute("bool", "disable_interface_type_checking", False, 1, loc)] if untyped else []
        items.append(m.Connector(name, m.EndSpec(fk, fm, fh), m.EndSpec(tk, tm, th), attrs, loc, builtin=True))
    if table is STD_CONNECTORS:
        items.append(m.Procedure("IOPort", loc=loc))
    return items
