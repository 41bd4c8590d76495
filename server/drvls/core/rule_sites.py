"""Where each rule is emitted, read from the source: the functions that name its registration, the
condition they test and the message they write there.

This is how a rule's registration knows the function that emits it without a second list to keep
in step: the code tables (`CODE_TABLES`) say which constant is which code, and every module of the
package that imports a code table (`from drvls.X import codes`) is read, not imported, for uses
of `codes.CONSTANT`. The explanation `drvls rules CODE` prints is built from these sites, so it
says exactly what the code does.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1]
REGISTER_CALLS = {"rule", "_r"}
MAX_TEXT = 160
STATUS = "the status is "


@dataclass(frozen=True)
class Site:
    """One place a rule is emitted: `module:function`, the enclosing test and the message, as written."""

    where: str
    condition: str = ""
    message: str = ""


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _constants(tree: ast.Module) -> dict[str, str]:
    """`NAME = rule("CODE", …)` (or the family's `_r` shorthand) → {NAME: CODE}."""
    found: dict[str, str] = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Call):
            call = node.value
            name = call.func.id if isinstance(call.func, ast.Name) else None
            if name in REGISTER_CALLS and call.args and isinstance(call.args[0], ast.Constant):
                for target in node.targets:
                    if isinstance(target, ast.Name):
                        found[target.id] = str(call.args[0].value)
    return found


def _parse(path: Path) -> ast.Module | None:
    try:
        return ast.parse(path.read_text(encoding="utf-8"))
    except (OSError, SyntaxError, UnicodeDecodeError):
        return None


def _table_aliases(tree: ast.Module, tables: dict[str, dict[str, str]]) -> dict[str, dict[str, str]]:
    """Local names bound to a code table by `from drvls.X import codes[_binary]`."""
    aliases: dict[str, dict[str, str]] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            for alias in node.names:
                full = f"{node.module}.{alias.name}"
                if full in tables:
                    aliases[alias.asname or alias.name] = tables[full]
    return aliases


def _short(node: ast.AST | None) -> str:
    if node is None:
        return ""
    text = " ".join(ast.unparse(node).split())
    return text if len(text) <= MAX_TEXT else text[: MAX_TEXT - 1] + "…"


def _message_near(call: ast.Call | None) -> str:
    """The first string or f-string argument of the call that names the rule."""
    if call is None:
        return ""
    for arg in [*call.args, *(k.value for k in call.keywords)]:
        if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
            return arg.value
        if isinstance(arg, ast.JoinedStr):
            return _short(arg)
    return ""


def _sites_in(tree: ast.Module, module: str, aliases: dict[str, dict[str, str]]) -> Iterator[tuple[str, Site]]:
    def visit(node: ast.AST, function: str, condition: str, call: ast.Call | None) -> Iterator[tuple[str, Site]]:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            function = node.name if not function else f"{function}.{node.name}"
            condition = ""
        if isinstance(node, ast.Call):
            call = node
        if (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id in aliases
                and node.attr in aliases[node.value.id]):
            code = aliases[node.value.id][node.attr]
            yield code, Site(f"{module}:{function}" if function else module, condition, _message_near(call))
        if isinstance(node, ast.Dict):  # a table from a status name to a rule
            for key, value in zip(node.keys, node.values, strict=True):
                yield from visit(value, function, f"{STATUS}{_short(key)}" if key else condition, call)
            return
        for field, value in ast.iter_fields(node):
            children = value if isinstance(value, list) else [value]
            for child in children:
                if not isinstance(child, ast.AST):
                    continue
                inner = condition
                if isinstance(node, ast.If | ast.While | ast.IfExp) and field == "body":
                    inner = _short(node.test)
                elif isinstance(node, ast.If | ast.IfExp) and field == "orelse":
                    inner = f"not ({_short(node.test)})"
                yield from visit(child, function, inner, call if not isinstance(child, ast.stmt) else None)

    yield from visit(tree, "", "", None)


@cache
def all_sites() -> dict[str, tuple[Site, ...]]:
    """Code → the sites that emit it, for every code table of the build."""
    from drvls.core.languages import CODE_TABLES

    tables: dict[str, dict[str, str]] = {}
    for table in CODE_TABLES:
        path = PACKAGE.parent.joinpath(*table.split(".")).with_suffix(".py")
        tree = _parse(path)
        if tree is not None:
            tables[table] = _constants(tree)
    found: dict[str, list[Site]] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        tree = _parse(path)
        if tree is None:
            continue
        module = module_name(path)
        aliases = _table_aliases(tree, tables)
        if module in tables:  # a table naming its own constants (a status → rule map)
            aliases["__self__"] = tables[module]
            tree = _self_references(tree, tables[module])
        for code, site in _sites_in(tree, module, aliases):
            if site not in found.setdefault(code, []):
                found[code].append(site)
    return {code: tuple(sites) for code, sites in found.items()}


def _self_references(tree: ast.Module, constants: dict[str, str]) -> ast.Module:
    """Inside a code table, uses of its own constants in functions read as `__self__.NAME`."""

    class Rewrite(ast.NodeTransformer):
        def visit_FunctionDef(self, node: ast.FunctionDef) -> ast.AST:
            return self.generic_visit(node)

        def visit_Name(self, node: ast.Name) -> ast.AST:
            if node.id in constants and isinstance(node.ctx, ast.Load):
                return ast.copy_location(ast.Attribute(value=ast.Name(id="__self__", ctx=ast.Load()),
                                                       attr=node.id, ctx=ast.Load()), node)
            return node

    kinds = ast.FunctionDef | ast.Assign | ast.AnnAssign
    body = [Rewrite().visit(n) if isinstance(n, kinds) and not _registers(n) else n for n in tree.body]
    return ast.Module(body=body, type_ignores=[])


def _registers(node: ast.AST) -> bool:
    return (isinstance(node, ast.Assign) and isinstance(node.value, ast.Call)
            and isinstance(node.value.func, ast.Name) and node.value.func.id in REGISTER_CALLS)


def sites(code: str) -> tuple[Site, ...]:
    return all_sites().get(code, ())


def emitters(code: str) -> tuple[str, ...]:
    """The `module:function` names that emit `code`, in source order, once each."""
    seen: dict[str, None] = {}
    for site in sites(code):
        seen.setdefault(site.where, None)
    return tuple(seen)


def explanation(code: str, summary: str) -> str:
    """The summary, then where and when the rule is reported, in the code's own words."""
    parts = [summary]
    for site in sites(code):
        when = "" if not site.condition else (f" when {site.condition}" if site.condition.startswith(STATUS)
                                               else f" when `{site.condition}`")
        says = f", saying {_quoted(site.message)}" if site.message else ""
        parts.append(f"Reported by `{site.where}`{when}{says}.")
    return " ".join(parts)


def messages(code: str) -> tuple[str, ...]:
    """The message templates written for `code` (f-strings as written), once each."""
    return tuple(dict.fromkeys(_quoted(s.message) for s in sites(code) if s.message))


def _quoted(message: str) -> str:
    if message.startswith(("f'", 'f"')):
        message = message[2:-1]
    return f"“{message}”"
