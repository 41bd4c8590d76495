"""The kernel/SDK target a system is checked against.

Sources, highest first: settings section `microkit` (CLI flags, editor settings, drvls.toml,
[tool.drvls]), then a Microkit SDK board directory (`sdk`/`board`/`config`), then the defaults,
which are the reference corpus configuration `aarch64`: AArch64, hypervisor, 1 core, SMC
allowed, no IOMMU, 16 domains, 100 schedule entries, user vspace top 0xffffffffff, Microkit 2.3.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from drvls.core.config import Settings
from drvls.core.reading import ReadProblem, read_bounded

ARCHES = ("aarch64", "riscv64", "x86_64")
VERSIONS = ((2, 0), (2, 1), (2, 2), (2, 3))


@dataclass(frozen=True)
class Target:
    """The Microkit target a file is checked for: architecture, kernel configuration, SDK version, image search."""

    arch: str = "aarch64"
    hypervisor: bool = True
    cores: int = 1
    iommu: bool = False
    smc: bool = True
    num_domains: int = 16
    num_domain_schedules: int = 100
    user_vspace_top: int = 0xFFFFFFFFFF
    version: tuple[int, int] = (2, 3)
    search_path: tuple[Path, ...] = ()
    search_path_configured: bool = False  # False: only the system file's folder, as no search path was set

    @property
    def x86(self) -> bool:
        return self.arch == "x86_64"

    @property
    def arch_label(self) -> str:
        return {"aarch64": "AArch64", "riscv64": "RISC-V (64-bit)", "x86_64": "x86-64"}[self.arch]

    def at_least(self, major: int, minor: int) -> bool:
        return self.version >= (major, minor)

    def default_stack_size(self) -> int:
        return 0x2000 if self.at_least(2, 1) else 0x1000

    def pd_vaddr_limit(self, stack_size: int) -> int:
        """Top of a PD's usable address space: below the IPC buffer page and the stack."""
        top = (self.user_vspace_top + 1) & ~0xFFF
        return top - 0x1000 - 0x1000 - stack_size

    def vm_vaddr_limit(self) -> int:
        return self.user_vspace_top + 1


class TargetError(ValueError):
    """A target setting that cannot be used."""


def resolve(settings: Settings, file: Path | None) -> tuple[Target, list[str]]:
    """The target for one file, plus plain messages for settings that were ignored."""
    section = settings.section("microkit")
    problems: list[str] = []
    values: dict[str, Any] = {}
    sdk = section.get("sdk")
    if sdk:
        try:
            values.update(read_sdk(settings.relative_to_config(str(sdk)), str(section.get("board") or ""),
                                   str(section.get("config") or "debug")))
        except TargetError as exc:
            problems.append(str(exc))
    for key in ("arch", "hypervisor", "cores", "iommu", "smc", "num_domains", "num_domain_schedules",
                "user_vspace_top", "version"):
        if section.get(key) is not None:
            values[key] = section[key]
    kwargs: dict[str, Any] = {}
    for key, raw in values.items():
        try:
            kwargs[key] = _convert(key, raw)
        except (TargetError, ValueError, TypeError) as exc:
            problems.append(f"microkit.{key}: {exc}; using the default")
    kwargs["search_path"] = _search_path(settings, section.get("search_path"), file)
    kwargs["search_path_configured"] = bool(section.get("search_path"))
    return Target(**kwargs), problems


def _search_path(settings: Settings, raw: Any, file: Path | None) -> tuple[Path, ...]:
    if isinstance(raw, (str, Path)):
        raw = [raw]
    if raw:
        return tuple(settings.relative_to_config(str(p)) for p in raw)
    return (file.parent,) if file is not None else ()


def _convert(key: str, raw: Any) -> Any:
    if key == "arch":
        text = str(raw).lower().replace("-", "_")
        if text not in ARCHES:
            raise TargetError(f"unknown architecture {raw!r} (expected one of {', '.join(ARCHES)})")
        return text
    if key in ("hypervisor", "iommu", "smc"):
        return _bool(raw)
    if key == "user_vspace_top":
        return _int(raw)
    if key == "version":
        parts = str(raw).split(".")
        version = (int(parts[0]), int(parts[1]) if len(parts) > 1 else 0)
        if version not in VERSIONS:
            raise TargetError(f"unsupported Microkit version {raw!r} (expected 2.0 to 2.3)")
        return version
    value = _int(raw)
    if value < 1:
        raise TargetError(f"must be at least 1, got {raw!r}")
    return value


def _bool(raw: Any) -> bool:
    if isinstance(raw, bool):
        return raw
    text = str(raw).strip().lower()
    if text in ("true", "on", "1", "yes"):
        return True
    if text in ("false", "off", "0", "no", ""):
        return False
    raise TargetError(f"expected true or false, got {raw!r}")


def _int(raw: Any) -> int:
    if isinstance(raw, bool):
        raise TargetError(f"expected a number, got {raw!r}")
    if isinstance(raw, int):
        return raw
    return int(str(raw).strip().replace("_", ""), 0)


_SDK_CACHE: dict[Path, tuple[tuple[float, ...], dict[str, Any]]] = {}


def read_sdk(sdk: Path, board: str, config: str) -> dict[str, Any]:
    """Target values from `<sdk>/board/<board>/<config>/`, the files the Microkit tool reads.

    Re-read only when the files change (an editor resolves the target on every keystroke).
    """
    if not board:
        raise TargetError("microkit.sdk is set but microkit.board is not; SDK ignored")
    folder = sdk / "board" / board / config
    stamp = tuple(_mtime(folder / name) for name in ("include/kernel/gen_config.json",
                                                     "address_space_constants.json"))
    hit = _SDK_CACHE.get(folder)
    if hit is not None and hit[0] == stamp:
        return dict(hit[1])
    values = _read_sdk_folder(folder)
    _SDK_CACHE[folder] = (stamp, values)
    return dict(values)


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:
        return -1.0


def _read_sdk_folder(folder: Path) -> dict[str, Any]:
    gen = _read_json(folder / "include" / "kernel" / "gen_config.json")
    arch = str(gen.get("SEL4_ARCH", "")).lower()
    if arch not in ARCHES:
        raise TargetError(f"{folder}: unsupported SEL4_ARCH {gen.get('SEL4_ARCH')!r}")
    out: dict[str, Any] = {"arch": arch}
    if arch == "aarch64":
        out["hypervisor"] = _bool(gen.get("ARM_HYPERVISOR_SUPPORT", False))
        out["smc"] = _bool(gen.get("ALLOW_SMC_CALLS", False))
    elif arch == "x86_64":
        out["hypervisor"] = _bool(gen.get("VTX", False))
        out["smc"] = False
    else:
        out["hypervisor"] = False
        out["smc"] = False
    out["iommu"] = _bool(gen.get("IOMMU", False)) if arch == "x86_64" else False
    smp = _bool(gen.get("ENABLE_SMP_SUPPORT", False))
    out["cores"] = _int(gen.get("MAX_NUM_NODES", 1)) if smp else 1
    if "NUM_DOMAINS" in gen:
        out["num_domains"] = _int(gen["NUM_DOMAINS"])
    if "NUM_DOMAIN_SCHEDULES" in gen:
        out["num_domain_schedules"] = _int(gen["NUM_DOMAIN_SCHEDULES"])
    constants_path = folder / "address_space_constants.json"
    if constants_path.is_file():
        constants = _read_json(constants_path)
        top = constants.get("vspace_user_top", constants.get("user_vspace_top"))
        if top is not None:
            out["user_vspace_top"] = _int(top)
    return out


def _read_json(path: Path) -> dict[str, Any]:
    """An SDK JSON file, parsed once per version of it: the editor resolves the target on every keystroke."""
    try:
        info = path.stat()
    except FileNotFoundError as exc:
        raise TargetError(f"Microkit SDK file not found: {path}") from exc
    except OSError as exc:
        raise TargetError(f"cannot read {path}: {exc}") from exc
    return dict(_parse_json(path, info.st_mtime_ns, info.st_size))


@lru_cache(maxsize=64)
def _parse_json(path: Path, mtime_ns: int, size: int) -> dict[str, Any]:
    import json  # only with a Microkit SDK's board file

    raw = read_bounded(path)
    if isinstance(raw, ReadProblem):
        if raw.kind == "missing":
            raise TargetError(f"Microkit SDK file not found: {path}")
        raise TargetError(f"cannot read {path}: {raw.reason}")
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise TargetError(f"cannot read {path}: {exc}") from exc
    if not isinstance(data, dict):
        raise TargetError(f"{path}: expected a JSON object")
    return data
