"""Graphviz: the graph as DOT text, and as SVG laid out by Debian's `dot` run as a subprocess."""

from __future__ import annotations

import shutil
import subprocess

from drvls.views.graph import ROLES, GNode, Graph, build_graph
from drvls.views.model import SystemView

DOT_TIMEOUT = 60.0  # seconds; a 600-domain system takes a few
INSTALL_HINT = ("Graphviz `dot` was not found on PATH: install Graphviz (on Debian: apt-get install graphviz) "
                "to render --format svg; the md, json, jsonld and html formats do not need it")

_SHAPES = {"pd": "box", "vm": "box3d", "instance": "box", "hardware": "component", "region": "cylinder",
           "irq": "cds", "device": "note"}
_FILL = {"driver": "#fde2c8", "virtualiser": "#d8e8fb", "client": "#e3f4df", "device": "#eeeeee"}
_EDGE = {"notify": 'color="#336699"', "ppc": 'color="#7a3db8" style=bold',
         "event": 'color="#336699"', "rpc": 'color="#7a3db8" style=bold',
         "shared": 'color="#999999" style=dashed', "shared-w": 'color="#cc3333" style=dashed penwidth=1.6',
         "irq": 'color="#aa7700"', "device": 'color="#aa7700"'}


class DotError(Exception):
    """Graphviz is missing (the message says what to install) or failed."""


def quote(text: str) -> str:
    """A DOT double-quoted string: backslashes and quotes escaped, line breaks as `\\n`."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "") + '"'


def to_dot(view: SystemView, graph: Graph | None = None) -> str:
    g = graph or build_graph(view)
    children: dict[str | None, list[GNode]] = {}
    for node in g.nodes:
        children.setdefault(node.parent, []).append(node)
    out = ["digraph system {", "  graph [rankdir=LR fontname=\"DejaVu Sans\" fontsize=11 newrank=true "
           f"label={quote(view.name)} labelloc=t];",
           "  node [fontname=\"DejaVu Sans\" fontsize=10 style=filled fillcolor=white];",
           "  edge [fontname=\"DejaVu Sans\" fontsize=8];"]
    top = children.get(None, [])
    for n, role in enumerate((*ROLES, "device", None)):
        members = [node for node in top if node.role == role]
        if not members:
            continue
        if role is not None:
            out.append(f"  subgraph cluster_role{n} {{ label={quote(role + 's')} style=rounded color=\"#bbbbbb\";")
        for node in members:
            _node(node, children, out, "    ")
        if role is not None:
            out.append("  }")
    for edge in g.edges:
        style = _EDGE.get(edge.kind, "")
        if edge.shared:  # a second, parallel line in the sharing colour
            shared = "#cc3333" if edge.shared == "shared-w" else "#999999"
            style = style.replace('color="', f'color="{shared}:', 1)
        attrs = [f"label={quote(edge.label)}", style]
        if not edge.directed:
            attrs.append("dir=none")
        if edge.detail:
            attrs.append(f"tooltip={quote(edge.detail)}")
        out.append(f"  {edge.source} -> {edge.target} [{' '.join(a for a in attrs if a)}];")
    out.append("}")
    return "\n".join(out) + "\n"


def _node(node: GNode, children: dict[str | None, list[GNode]], out: list[str], pad: str) -> None:
    label = node.label + (f"\n{node.title}" if node.title else "")
    if node.design:
        label += f"\ndesign {node.design}"
    fill = _FILL.get(node.role or "", "#ffffff")
    inner = children.get(node.id, [])
    attrs = f"label={quote(label)} shape={_SHAPES.get(node.kind, 'box')} fillcolor={quote(fill)}"
    if inner:
        out.append(f"{pad}subgraph cluster_{node.id} {{ label={quote(node.label)} style=dashed;")
        out.append(f"{pad}  {node.id} [{attrs}];")
        for child in inner:
            _node(child, children, out, pad + "  ")
        out.append(f"{pad}}}")
    else:
        out.append(f"{pad}{node.id} [{attrs}];")


def to_svg(view: SystemView, timeout: float = DOT_TIMEOUT) -> str:
    dot = shutil.which("dot")
    if dot is None:
        raise DotError(INSTALL_HINT)
    try:
        done = subprocess.run([dot, "-Tsvg"], input=to_dot(view).encode("utf-8"), capture_output=True,
                              timeout=timeout, check=False)
    except subprocess.TimeoutExpired:
        raise DotError(f"Graphviz `dot` did not finish within {timeout:.0f} s") from None
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise DotError(f"Graphviz `dot` failed: {message[-1] if message else 'exit ' + str(done.returncode)}")
    return done.stdout.decode("utf-8", "replace")
