"""Which target a target-dependent finding assumed, and where that target came from.

A `cpu` out of range or a VM on a kernel without hypervisor is only wrong for some kernels: the finding says
which one was assumed ("target aarch64, 1 core, hypervisor, SMC, from defaults: set `[microkit]` in
drvls.toml"), as a related note at the finding's own place, so the tool's own wording stays unchanged.
"""

from __future__ import annotations

from dataclasses import replace

from drvls.core.config import DEFAULTS_ORIGIN, Settings
from drvls.core.diagnostics import Diagnostic, RelatedLocation
from drvls.microkit import codes
from drvls.microkit.target import Target

TARGET_DEPENDENT = frozenset(c.code for c in (codes.CPU_RANGE, codes.SMC, codes.IOPORT, codes.VM_UNAVAILABLE,
                                              codes.X86_VMM, codes.DOMAINS_SMP, codes.IOMMU, codes.IO_SPACE))
TARGET_KEYS = ("arch", "cores", "hypervisor", "smc", "iommu", "sdk")


def describe(target: Target, settings: Settings) -> str:
    features = [target.arch, f"{target.cores} core{'s' if target.cores != 1 else ''}",
                "hypervisor" if target.hypervisor else "no hypervisor"]
    if target.arch == "aarch64":
        features.append("SMC" if target.smc else "no SMC")
    if target.x86:
        features.append("IOMMU" if target.iommu else "no IOMMU")
    origins = sorted({settings.origin(f"microkit.{key}") for key in TARGET_KEYS} - {DEFAULTS_ORIGIN})
    if settings.section("microkit").get("sdk"):
        where = f"from the SDK board {settings.section('microkit').get('board') or ''}".rstrip()
    elif origins:
        where = f"from {' and '.join(origins)}"
    else:
        where = "from defaults: set `[microkit]` in drvls.toml"
    return f"target {', '.join(features)}, {where}"


def annotate(diagnostics: list[Diagnostic], target: Target, settings: Settings) -> list[Diagnostic]:
    """The diagnostics, target-dependent ones with the target note added."""
    if not any(d.code in TARGET_DEPENDENT for d in diagnostics):
        return diagnostics
    note = describe(target, settings)
    return [replace(d, related=(*d.related, RelatedLocation(None, d.range, note))) if d.code in TARGET_DEPENDENT
            else d for d in diagnostics]
