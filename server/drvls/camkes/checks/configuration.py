"""Configuration checks: duplicates, C keywords, `<-` references, attribute types, shared data sizes."""

from __future__ import annotations

from drvls.camkes import codes
from drvls.camkes import model as m
from drvls.camkes.checks.ckeywords import C_KEYWORDS
from drvls.camkes.flatten import FlatAssembly, FlatSetting
from drvls.camkes.model import Problem
from drvls.camkes.resolve import Resolution

PAGE = 4096
SHARED_DATA = ("seL4SharedData", "seL4DMASharedData")


def check_configuration(flat: FlatAssembly) -> list[Problem]:
    out: list[Problem] = []
    seen: dict[tuple[str, str], FlatSetting] = {}
    for fs in flat.settings:
        s = fs.setting
        key = (fs.target, s.attribute)
        first = seen.get(key)
        if first is not None:
            out.append(Problem(codes.DUPLICATE_SETTING,
                               f"duplicate setting for attribute '{fs.target}.{s.attribute}'", s.loc,
                               [(first.setting.loc, "first setting")]))
        else:
            seen[key] = fs
        if s.attribute in C_KEYWORDS:
            out.append(Problem(codes.C_KEYWORD, f"setting name '{s.attribute}' clashes with a C keyword", s.loc))
        if isinstance(s.value, m.QueryValue) and s.value.name not in ("dtb", "gpio"):
            out.append(Problem(codes.UNKNOWN_QUERY, f"unknown query {s.value.name}", s.value.loc))
    out.extend(_references(flat))
    out.extend(_types(flat))
    out.extend(_shared_data(flat))
    return out


def _references(flat: FlatAssembly) -> list[Problem]:
    """Stage 8: follow `<-` chains; loops and ambiguous targets are errors."""
    out: list[Problem] = []
    by_key: dict[str, list[FlatSetting]] = {}
    for fs in flat.settings:
        by_key.setdefault(f"{fs.target}.{fs.setting.attribute}", []).append(fs)
    for fs in flat.settings:
        if fs.setting.reference is None:
            continue
        chain = [".".join(fs.setting.reference)]
        current = fs
        while current.setting.reference is not None:
            ref = ".".join(current.setting.reference)
            if "." not in ref:
                break
            referents = by_key.get(ref, [])
            if len(referents) > 1:
                out.append(Problem(codes.REFERENCE_LOOP,
                                   "setting refers to an attribute that is set multiple times", fs.setting.loc))
                break
            if not referents:
                break
            current = referents[0]
            nxt = current.setting.reference
            if nxt is None:
                break
            target = ".".join(nxt)
            if target in chain:
                out.append(Problem(codes.REFERENCE_LOOP,
                                   f"Loop detected in attribute references: {'<-'.join(chain)}<-{target}<-...",
                                   fs.setting.loc))
                break
            chain.append(target)
    return out


def _kind(value: m.Value) -> str:
    if isinstance(value, (bool, int)):
        return "int"
    if isinstance(value, float):
        return "float"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "list"
    if isinstance(value, dict):
        return "dict"
    return ""


def compatible(value: m.Value, attr: m.Attribute, table: Resolution) -> str | None:
    """camkes-tool's `types_compatible`: None when fine, else its explanation."""
    values = value if attr.array and isinstance(value, list) else [value]
    struct = table.struct(attr)
    for v in values:
        if struct is not None:
            if isinstance(v, dict):
                for field_attr in struct.attributes:
                    if field_attr.name in v:
                        error = compatible(v[field_attr.name], field_attr, table)
                        if error:
                            return error
            continue
        if isinstance(attr.type, m.Ref) or isinstance(v, m.QueryValue):
            continue
        kind = _kind(v)
        type_ = attr.type
        bad = ((kind == "int" and type_ not in ("int", "uint64_t", "int64_t"))
               or (kind == "float" and type_ not in ("double", "float"))
               or (kind in ("string", "list", "dict") and type_ != kind))
        if bad:
            shown = v if not isinstance(v, (list, dict)) else _py_repr(v)
            return f'For "{shown}": required type is "{kind}", but type is "{type_}"'
    return None


def _py_repr(value: m.Value) -> str:
    return repr(value)


def _types(flat: FlatAssembly) -> list[Problem]:
    out: list[Problem] = []
    instances = {i.name: i for i in flat.instances}
    for fs in flat.settings:
        s = fs.setting
        inst = instances.get(fs.target)
        if inst is None or s.value is None:
            continue
        attr = next((a for a in inst.component.attributes if a.name == s.attribute), None)
        if attr is None:
            continue
        error = compatible(s.value, attr, flat.table)
        if error:
            out.append(Problem(codes.MISTYPED_ATTRIBUTE,
                               f"mistyped assignment of attribute of type {attr.type_name}: {error}", s.loc,
                               [(attr.loc, f"attribute {attr.name} is declared here")]))
    return out


def _shared_data(flat: FlatAssembly) -> list[Problem]:
    """Code generation's size rule for shared dataports: at least a page, and page aligned."""
    out: list[Problem] = []
    sizes = {(fs.target, fs.setting.attribute): fs for fs in flat.settings}
    for conn in flat.connections:
        if conn.connector.name not in SHARED_DATA:
            continue
        for name in conn.names:
            fs = sizes.get((name, "size"))
            if fs is not None and isinstance(fs.setting.value, int) and not _ok(fs.setting.value):
                out.append(Problem(codes.SHARED_DATA_SIZE,
                                   f"Setting {name}.size does not meet minimum size requirements. "
                                   f"{fs.setting.value} must be at least {PAGE} and {PAGE} aligned",
                                   fs.setting.value_loc))
        for end in conn.ends:
            text = end.interface.type_text
            if text.startswith("Buf(") and text.endswith(")"):
                size = int(text[4:-1])
                if not _ok(size):
                    out.append(Problem(codes.SHARED_DATA_SIZE,
                                       f"Setting Buf({size}) does not meet minimum size requirements. "
                                       f"{size} must be at least {PAGE} and {PAGE} aligned", end.interface.loc))
    return out


def _ok(size: int) -> bool:
    return size >= PAGE and size % PAGE == 0
