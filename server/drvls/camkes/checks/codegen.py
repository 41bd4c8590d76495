"""Checks camkes-tool makes later, when it generates code, that are worth knowing while editing."""

from __future__ import annotations

from drvls.camkes import codes
from drvls.camkes import model as m
from drvls.camkes.flatten import FlatAssembly, FlatConnection
from drvls.camkes.model import Problem

SAME_ADDRESS_SPACE = ("seL4DirectCall",)


def check_address_spaces(conn: FlatConnection) -> list[Problem]:
    """seL4DirectCall is a plain function call: both ends must live in one address space (a group)."""
    if conn.connector.name not in SAME_ADDRESS_SPACE or not conn.ends:
        return []
    first = conn.ends[0]
    if first.instance is None:
        return []
    space = first.instance.address_space
    out = []
    for end in conn.ends[1:]:
        if end.instance is not None and end.instance.address_space != space:
            out.append(Problem(codes.ADDRESS_SPACE,
                               f"{end.instance.name}.{end.interface.name} participating in connection "
                               f"{conn.name} is not in address space '{space}'", end.loc,
                               [(first.loc, f"{first.instance.name} is in address space '{space}'")]))
    return out


def configuration_of(flat: FlatAssembly) -> dict[str, dict[str, tuple[m.Value | None, m.Loc, bool]]]:
    """instance → attribute → (value, where, is a `<-` reference); declared defaults included."""
    out: dict[str, dict[str, tuple[m.Value | None, m.Loc, bool]]] = {}
    for inst in flat.instances:
        for attr in inst.component.attributes:
            if attr.default is not None:
                out.setdefault(inst.name, {})[attr.name] = (attr.default, attr.loc, False)
    for fs in flat.settings:
        s = fs.setting
        out.setdefault(fs.target, {})[s.attribute] = (s.value, s.value_loc, s.reference is not None)
    return out


def check_hardware_settings(flat: FlatAssembly) -> list[Problem]:
    """seL4HardwareMMIO needs `<dev>.<iface>_paddr`/`_size`; seL4HardwareInterrupt `<iface>_irq_number`.

    A device set up the pre-2017 way (`<iface>_attributes = "paddr:size"`, or `= IRQ`) gets one
    diagnostic naming the current settings instead of a warning for each missing one.
    """
    config = configuration_of(flat)
    legacy = {(fs.target, fs.setting.attribute): fs.setting for fs in flat.settings
              if fs.setting.attribute.endswith(LEGACY_SUFFIX)}
    out: list[Problem] = []
    for conn in flat.connections:
        name = conn.connector.name
        if name not in ("seL4HardwareMMIO", "seL4HardwareInterrupt"):
            continue
        for end in conn.side("to" if name == "seL4HardwareMMIO" else "from"):
            if end.instance is None:
                continue
            inst, iface = end.instance.name, end.interface.name
            old = legacy.pop((inst, iface + LEGACY_SUFFIX), None)
            if old is not None:
                out.append(_legacy(old, name == "seL4HardwareMMIO"))
            elif name == "seL4HardwareMMIO":
                out.extend(_mmio(config.get(inst, {}), inst, iface, conn.loc))
            else:
                out.extend(_irq(config.get(inst, {}), inst, iface, conn.loc))
    return out


LEGACY_SUFFIX = "_attributes"


def _legacy(setting: m.Setting, mmio: bool) -> Problem:
    """`dev.reg_attributes = "0x1000:0x40"` → `dev.reg_paddr = 0x1000; dev.reg_size = 0x40;` (and `_irq_number`)."""
    base = f"{setting.target}.{setting.attribute[:-len(LEGACY_SUFFIX)]}"
    value = setting.value
    written = f'"{value}"' if isinstance(value, str) else str(value)
    if mmio:
        paddr, _, size = str(value).partition(":") if isinstance(value, str) else ("<address>", "", "<size>")
        now = f"`{base}_paddr = {paddr or '<address>'};` and `{base}_size = {size or '<size>'};`"
    else:
        now = f"`{base}_irq_number = {value if isinstance(value, int) else '<irq>'};`"
    old = f"{setting.target}.{setting.attribute} = {written}"
    return Problem(codes.LEGACY_HARDWARE_SETTING, f"pre-2017 hardware setting `{old}`: camkes-tool now reads {now}",
                   setting.loc)


def _mmio(config: dict[str, tuple[m.Value | None, m.Loc, bool]], inst: str, iface: str,
          at: m.Loc) -> list[Problem]:
    out = []
    for suffix, what, valid in (("paddr", "the physical address of an MMIO device", "a valid address"),
                                ("size", "the size of an MMIO device", "a valid size")):
        found = config.get(f"{iface}_{suffix}")
        if found is None:
            out.append(Problem(codes.HARDWARE_SETTING,
                               f"Setting {inst}.{iface}_{suffix} that should specify {what} is not set", at))
            continue
        value, where, is_ref = found
        if not is_ref and (not isinstance(value, int) or value < 0):
            out.append(Problem(codes.HARDWARE_SETTING,
                               f"Setting {inst}.{iface}_{suffix} that should specify {what} does not appear "
                               f"to be {valid}", where))
    return out


def _irq(config: dict[str, tuple[m.Value | None, m.Loc, bool]], inst: str, iface: str,
         at: m.Loc) -> list[Problem]:
    kind = config.get(f"{iface}_irq_type", ("simple", at, False))[0]
    if kind not in ("simple", "arm"):
        return []  # ioapic, isa, msi, pci: other settings, checked by code generation
    attr = f"{iface}_irq_number"
    found = config.get(attr)
    if found is None:
        return [Problem(codes.HARDWARE_SETTING,
                        f"Setting {inst}.{attr} that should specify an IRQ number is not defined", at)]
    value, where, is_ref = found
    if not is_ref and not isinstance(value, int):
        return [Problem(codes.HARDWARE_SETTING,
                        f"Setting {inst}.{attr} that should specify an IRQ number is not an integer", where)]
    return []
