"""One entry point for every format, so the CLI and the language server render alike."""

from __future__ import annotations

from drvls.views.model import SystemView

FORMATS = ("html", "svg", "md", "json", "jsonld")


def render(view: SystemView, fmt: str) -> str:
    """The view in `fmt`; render_dot.DotError for `svg` when Graphviz is missing or fails."""
    if fmt == "md":
        from drvls.views.render_md import render as md

        return md(view)
    if fmt == "json":
        from drvls.views.render_json import to_json

        return to_json(view)
    if fmt == "jsonld":
        from drvls.views.render_json import to_jsonld

        return to_jsonld(view)
    if fmt == "svg":
        from drvls.views.render_dot import to_svg

        return to_svg(view)
    if fmt == "html":
        from drvls.views.render_html import render as html

        return html(view)
    raise ValueError(f"unknown format {fmt!r}: one of {', '.join(FORMATS)}")
