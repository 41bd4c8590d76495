"""Hover: what the name under the cursor means, as Markdown text and the range it covers.

Each family answers from its own snapshot (typed model and symbol index, never a second parse);
the family is found by its analyzer's name and imported only when a file of that family is
hovered, like the analyzers. A diagnostic under the cursor adds its rule's explanation from the
rule registry (the first lines of `drvls rules CODE`), so a code in the editor explains itself.
No LSP types here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from drvls.core.diagnostics import Diagnostic, Position, Range
from drvls.core.languages import Analysis, load_function
from drvls.core.query import Query


@dataclass(frozen=True)
class Hover:
    """Markdown to show, and the range of text it describes."""

    markdown: str
    range: Range


HoverProvider = Callable[[Analysis, Query, Position], "Hover | None"]

# Analyzer name → the family's hover function (`module:function`), imported on first use.
PROVIDERS = {
    "microkit": "drvls.microkit.hover:hover",
    "camkes": "drvls.camkes.hover:hover",
    "drv": "drvls.drv.hover:hover_drv",
    "rules": "drvls.drv.hover:hover_source",
}
SEPARATOR = "\n\n---\n\n"


def provider_for(analyzer: str) -> HoverProvider | None:
    target = PROVIDERS.get(analyzer)
    if target is None:
        return None
    provider: HoverProvider = load_function(target)
    return provider


def hover(analyzer: str | None, analysis: Analysis, query: Query, pos: Position) -> Hover | None:
    """The family's hover at `pos`, followed by the explanation of each diagnostic there."""
    provider = provider_for(analyzer) if analyzer is not None else None
    found = provider(analysis, query, pos) if provider is not None else None
    diagnostics = diagnostics_at(analysis.diagnostics, pos)
    if not diagnostics:
        return found
    explained = SEPARATOR.join(explain(d) for d in diagnostics)
    if found is None:
        return Hover(explained, diagnostics[0].range)
    return Hover(found.markdown + SEPARATOR + explained, found.range)


def diagnostics_at(diagnostics: Iterable[Diagnostic], pos: Position) -> list[Diagnostic]:
    """The diagnostics whose range holds `pos`, one per code, innermost first."""
    here = [d for d in diagnostics if d.range.start <= pos <= d.range.end]
    here.sort(key=lambda d: (-d.range.start.line, -d.range.start.character, d.range.end, d.code))
    seen: set[str] = set()
    out = []
    for d in here:
        if d.code not in seen:
            seen.add(d.code)
            out.append(d)
    return out


def explain(diagnostic: Diagnostic) -> str:
    """A diagnostic's code, rule name, severities and summary from the rule registry.

    The registry's own text only: where and when a rule is reported (`drvls rules CODE`) is read
    from the package source, seconds of work a hover must not wait for, so it is named instead.
    """
    from drvls.core.rules import lookup

    info = lookup(diagnostic.code)
    if info is None:
        return f"**{diagnostic.code}**: {diagnostic.message}"
    lines = [f"**{info.code}** `{info.name}` ({info.family}; {info.severity_text})", "",
             info.explanation or info.summary]
    if info.example:
        lines += ["", "Example:", "", "```", info.example.rstrip("\n"), "```"]
    lines += ["", f"`drvls rules {info.code}` tells where and when it is reported."]
    return "\n".join(lines)


# -- helpers the families share ------------------------------------------------------------------

def human_size(size: int) -> str:
    """`0x200000` → `2 MiB`; sizes that are not a whole unit keep the unit below (`1.5 KiB` → `1536 B`)."""
    for shift, unit in ((40, "TiB"), (30, "GiB"), (20, "MiB"), (10, "KiB")):
        if size >= 1 << shift and size % (1 << shift) == 0:
            return f"{size >> shift} {unit}"
    for shift, unit in ((40, "TiB"), (30, "GiB"), (20, "MiB"), (10, "KiB")):
        if size >= 1 << shift:
            return f"{size / (1 << shift):.2f} {unit}"
    return f"{size} B"


def table(header: tuple[str, ...], rows: Iterable[tuple[str, ...]]) -> list[str]:
    """A Markdown table (empty when there are no rows); cells have their `|` escaped."""
    body = [row for row in rows]
    if not body:
        return []

    def line(cells: tuple[str, ...]) -> str:
        return "| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |"

    return [line(header), "|" + "---|" * len(header), *(line(row) for row in body)]
