"""Preview rendering speed on sDDF-style systems of 60 and 600 protection domains.

Run: `python bench/bench_preview.py` (from the repository root; needs drvls importable, Graphviz
`dot`, Debian's chromium and the Python playwright package). `--smoke` runs tiny systems once.
Prints, all measured in this run:

(a) SVG: analysis, view model and the Graphviz `dot` layout, end to end (goals: 60 PDs ≤ 1 s,
    600 PDs ≤ 5 s), against the baseline of checking the same file (`check_source` alone);
(b) HTML: analysis, rendering, and the page opened in headless Chromium until ELK has laid it
    out (same goals), against the baseline of Chromium loading the same page without its scripts.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT / "server") not in sys.path:
    sys.path.insert(0, str(ROOT / "server"))

GOALS = {60: 1.0, 600: 5.0}
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]


def build_system(count: int) -> str:
    """A tenth drivers (device region, IRQ, a queue to their virtualiser), a virtualiser each, the rest
    clients, each with its own queue to its driver's virtualiser and a PPC channel to it."""
    drivers = max(1, count // 10)
    clients = count - 2 * drivers
    regions, pds, channels = [], [], []
    virt_maps: dict[int, list[str]] = {d: [] for d in range(drivers)}
    for c in range(clients):
        d = c % drivers
        regions.append(f'  <memory_region name="cq{c}" size="0x200_000" />')
        virt_maps[d].append(f'    <map mr="cq{c}" vaddr="{0x1000_0000 + (c // drivers) * 0x200_000:#x}" perms="rw" />')
        pds.append(f'  <protection_domain name="client{c}" priority="100">\n    <program_image path="c.elf" />\n'
                   f'    <map mr="cq{c}" vaddr="0x4000000" perms="rw" />\n  </protection_domain>')
        channels.append(f'  <channel><end pd="client{c}" id="1" pp="true" />'
                        f'<end pd="virt{d}" id="{2 + c // drivers}" /></channel>')
    for d in range(drivers):
        regions.append(f'  <memory_region name="dev{d}" size="0x1000" phys_addr="{0x900_0000 + d * 0x1000:#x}" />')
        regions.append(f'  <memory_region name="drvq{d}" size="0x200_000" />')
        pds.append(f'  <protection_domain name="driver{d}" priority="250">\n    <program_image path="d.elf" />\n'
                   f'    <map mr="dev{d}" vaddr="0x5000000" perms="rw" cached="false" />\n'
                   f'    <map mr="drvq{d}" vaddr="0x4000000" perms="rw" />\n    <irq irq="{40 + d}" id="0" />\n'
                   "  </protection_domain>")
        pds.append(f'  <protection_domain name="virt{d}" priority="200">\n    <program_image path="v.elf" />\n'
                   f'    <map mr="drvq{d}" vaddr="0x4000000" perms="rw" />\n' + "\n".join(virt_maps[d])
                   + "\n  </protection_domain>")
        channels.append(f'  <channel><end pd="driver{d}" id="1" /><end pd="virt{d}" id="1" /></channel>')
    return ('<?xml version="1.0" encoding="UTF-8"?>\n<system>\n' + "\n".join(regions + pds + channels)
            + "\n</system>\n")


def analyse(path: Path) -> Any:
    from drvls.core.config import Settings
    from drvls.core.engine import check_source
    from drvls.core.languages import AnalysisContext, DiskWorkspace, SourceFile

    data = path.read_bytes()
    ctx = AnalysisContext(settings=Settings({}), workspace=DiskWorkspace([path.parent]))
    source = SourceFile(path, data, data.decode("utf-8"))
    return source, ctx, check_source(source, ctx)


def view(path: Path) -> Any:
    from drvls.views.build import from_analysis

    source, ctx, analysis = analyse(path)
    return from_analysis(analysis, source, ctx, path.name)


def best(fn: Any, runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times) if runs < 3 else statistics.median(times)


def open_until_laid_out(page: Any, html_file: Path, wait_layout: bool) -> None:
    page.goto(html_file.as_uri())
    while wait_layout and page.evaluate("document.body.dataset.layout") not in ("done", "failed"):
        time.sleep(0.01)
    if wait_layout:
        assert page.evaluate("document.body.dataset.layout") == "done"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--smoke", action="store_true", help="tiny systems, one run each (for the test suite)")
    args = parser.parse_args(argv)
    from drvls.views.render_dot import to_svg
    from drvls.views.render_html import render
    from playwright.sync_api import sync_playwright

    sizes = [6, 20] if args.smoke else [60, 600]
    runs = 1 if args.smoke else 3
    missed = []
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        for count in sizes:
            path = Path(tmp) / f"s{count}.system"
            path.write_text(build_system(count), encoding="utf-8")
            check = best(lambda: analyse(path), runs)  # noqa: B023
            svg = best(lambda: to_svg(view(path)), runs)  # noqa: B023
            html_file = Path(tmp) / f"s{count}.html"
            blank = Path(tmp) / f"blank{count}.html"

            def html_once() -> None:
                html_file.write_text(render(view(path)), encoding="utf-8")  # noqa: B023
                open_until_laid_out(page, html_file, True)  # noqa: B023

            html = best(html_once, runs)
            size = html_file.stat().st_size
            markup = re.sub(r"<script>.*?</script>", "", html_file.read_text(encoding="utf-8"), flags=re.S)
            blank.write_text(markup, encoding="utf-8")
            plain = best(lambda: open_until_laid_out(page, blank, False), runs)  # noqa: B023
            goal = GOALS.get(count)
            print(f"{count:4d} PDs  check {check * 1000:7.1f} ms | svg (incl. dot) {svg * 1000:7.1f} ms = "
                  f"{svg / check:5.1f}x check | html (laid out in Chromium) {html * 1000:7.1f} ms = "
                  f"{html / plain:5.1f}x its markup without scripts ({plain * 1000:.0f} ms; page {size / 1e6:.1f} MB)"
                  + (f" | goal {goal:.0f} s: {'met' if max(svg, html) <= goal else 'MISSED'}" if goal else ""))
            if goal and max(svg, html) > goal:
                missed.append(count)
        browser.close()
    print(f"load average during the run: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
