"""Which Microkit names can be renamed, and to what (the rename rules of `core/rename.py`).

Regions, PDs (child PDs included), virtual machines and domains: the symbol index records every
place a `.system` names them (`map@mr`, `iomap@mr`, `setvar@region_paddr`, `end@pd`, cspace caps,
schedule entries, a PD's `domain`). The tool takes any string as a name, so what is refused is what
it rejects or silently changes: `monitor` for a PD, PD and VM names over 64 bytes (cut when written
into the ELF, so two long names can become one), and characters an attribute value cannot hold as
written (markup characters, and tabs or line breaks, which XML turns into spaces); names starting or
ending with a space are refused too, as easy to mistake for another. A file with syntax errors is
not renamed in: its unreadable elements may hold uses.
"""

from __future__ import annotations

from drvls.microkit.snapshot import SystemModel

NAMESPACES = {"pd:": "protection domain", "vm:": "virtual machine", "mr:": "memory region", "domain:": "domain"}
MAX_NAME_BYTES = 64  # Microkit's limit for PD and VM names in the ELF (`lib.rs`)
_MARKUP = set('<>&"\'')


def _prefix(key: str) -> str | None:
    return next((p for p in NAMESPACES if key.startswith(p)), None)


class MicrokitRenameRules:
    def renameable(self, key: str) -> bool:
        return _prefix(key) is not None and not key.startswith("pd:#")

    def invalid(self, key: str, new_name: str) -> str | None:
        prefix = _prefix(key) or ""
        what = NAMESPACES.get(prefix, "name")
        if not new_name.strip():
            return f"a {what} name cannot be empty"
        if new_name != new_name.strip():
            return f"'{new_name}' starts or ends with a space; a {what} name should not"
        bad = sorted({ch for ch in new_name if ch in _MARKUP or ord(ch) < 0x20 or ord(ch) == 0x7F})
        if bad:
            shown = " ".join(repr(ch) for ch in bad)
            return f"'{new_name}' holds {shown}, which a {what} name in an XML attribute cannot hold as written"
        if prefix == "pd:" and new_name == "monitor":
            return "the PD name 'monitor' is reserved for the Microkit Monitor"
        if prefix in ("pd:", "vm:") and len(new_name.encode("utf-8")) > MAX_NAME_BYTES:
            return (f"'{new_name}' is longer than {MAX_NAME_BYTES} bytes; Microkit cuts {what} names to "
                    f"{MAX_NAME_BYTES} bytes")
        return None

    def rivals(self, key: str, new_name: str) -> tuple[str, ...]:
        prefix = _prefix(key)
        return (f"{prefix}{new_name}",) if prefix is not None else ()

    def incomplete(self, model: object) -> str | None:
        if isinstance(model, SystemModel) and model.recovered:
            return "the system has XML syntax errors, so some uses may not be known; fix them before renaming"
        return None


RULES = MicrokitRenameRules()
