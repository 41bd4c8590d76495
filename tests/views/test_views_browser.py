"""The HTML preview in Debian's Chromium (headless, through Playwright): what a person sees.

Asserts on what is displayed, checks that hostile names run no script, and keeps one screenshot
per view under tests/artifacts/ for a person to look at.
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from drvls.views.render_html import render
from prerequisites import corpus_path, skip_or_fail
from views_support import ARTIFACTS, HOSTILE, HOSTILE_NAME, OVERLAP, view_file, view_text

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]
SERIAL = ("au-ts__sddf", "examples", "serial_two_client", "board", "qemu_arm_virt")

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        skip_or_fail("the Python playwright package is not installed (pip install playwright)")
    if shutil.which(CHROMIUM) is None:
        skip_or_fail("Debian's chromium is not installed (apt-get install chromium)")
    with sync_playwright() as p:
        found = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield found
        found.close()


class Page:
    """One preview page open in the browser, with its console and CSP reports recorded."""

    def __init__(self, browser: Any, html_file: Path, graph: bool = True) -> None:
        self.page = browser.new_page(viewport={"width": 1400, "height": 900})
        self.errors: list[str] = []
        self.dialogs: list[str] = []
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))
        self.page.add_init_script("window.__violations = []; window.__messages = [];"
                                  "document.addEventListener('securitypolicyviolation',"
                                  " e => window.__violations.push(e.violatedDirective));"
                                  "window.addEventListener('message', e => window.__messages.push(e.data));")
        self.page.goto(html_file.as_uri())
        if graph:
            self.wait_for_layout()

    def wait_for_layout(self, timeout: float = 60.0) -> None:
        """Poll from outside: Playwright's in-page polling would need `eval`, which the page's CSP forbids."""
        deadline = time.monotonic() + timeout
        state = None
        while time.monotonic() < deadline:
            state = self.page.evaluate("document.body.dataset.layout")
            if state in ("done", "failed"):
                break
            time.sleep(0.05)
        assert state == "done", self.page.text_content("#status")

    def show(self, view: str) -> None:
        self.page.click(f"nav button[data-view='{view}']")

    def shot(self, name: str) -> None:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(ARTIFACTS / f"{name}.png"))

    def graph_texts(self) -> list[str]:
        return list(self.page.eval_on_selector_all("#graph text", "els => els.map(e => e.textContent)"))


def page_for(browser: Any, view: Any, folder: Path, name: str) -> Page:
    html_file = folder / f"{name}.html"
    html_file.write_text(render(view), encoding="utf-8")
    return Page(browser, html_file)


@pytest.fixture(scope="module")
def serial(browser: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Page]:
    view = view_file(corpus_path("microkit", *SERIAL) / "serial.system")
    page = page_for(browser, view, tmp_path_factory.mktemp("serial"), "serial")
    yield page
    page.page.close()


def test_graph_shows_every_pd_and_channel_labels(serial: Page) -> None:
    texts = serial.graph_texts()
    for name in ("uart", "serial_server_1", "serial_server_2", "virt_tx", "virt_rx"):
        assert name in texts
        assert serial.page.locator("#graph .node text", has_text=name).first.is_visible()
    assert "ppc 9 → 1 · 3 shared" in texts and "irq 33 (id 1)" in texts
    assert serial.page.locator("#graph .group text", has_text="drivers").is_visible()
    assert serial.page.evaluate("window.__violations") == [] and serial.errors == []
    serial.shot("graph-sddf-serial")


def test_search_and_click_to_reveal(serial: Page) -> None:
    serial.page.fill("#search", "virt_")
    assert serial.page.text_content("#status") == "2 matches"
    assert serial.page.locator("#graph .node.match").count() == 2
    serial.page.fill("#search", "")
    serial.page.locator("#graph .node.role-driver").first.click()
    details = serial.page.text_content("#details") or ""
    assert "uart" in details and "design" in details and "serial.system:29" in details
    message = serial.page.evaluate("window.__messages.at(-1)")
    assert message["type"] == "drvls.reveal" and message["name"] == "uart" and message["place"]["line"] == 28


def test_zoom_pan_and_regrouping(serial: Page) -> None:
    before = serial.page.get_attribute("#viewport", "transform")
    box = serial.page.locator("#canvas").bounding_box()
    serial.page.mouse.move(box["x"] + 300, box["y"] + 300)
    serial.page.mouse.wheel(0, -400)
    zoomed = serial.page.get_attribute("#viewport", "transform")
    assert zoomed != before
    serial.page.mouse.down()
    serial.page.mouse.move(box["x"] + 400, box["y"] + 350)
    serial.page.mouse.up()
    assert serial.page.get_attribute("#viewport", "transform") != zoomed
    serial.page.uncheck("#grouping")
    serial.wait_for_layout()
    assert serial.page.locator("#graph .group").count() == 0
    serial.page.check("#grouping")
    serial.wait_for_layout()
    assert serial.page.locator("#graph .group").count() == 3


def test_isolation_report_shows_the_sddf_driver_class(serial: Page) -> None:
    serial.show("view-isolation")
    row = serial.page.locator("#summary tbody tr", has_text="uart")
    assert row.is_visible() and "B" in (row.locator(".badge").text_content() or "")
    assert "hybrid isolation" in (row.text_content() or "")
    assert serial.page.locator(".card", has_text="performance overhead 8-15%").first.is_visible()
    serial.shot("isolation-sddf-serial")
    serial.show("view-memory")
    assert serial.page.locator("#view-memory h3", has_text="virt_tx").is_visible()
    serial.shot("memory-sddf-serial")
    serial.show("view-graph")


def test_overlap_is_highlighted(browser: Any, tmp_path: Path) -> None:
    page = page_for(browser, view_text(tmp_path, "overlap.system", OVERLAP), tmp_path, "overlap")
    page.show("view-memory")
    row = page.page.locator("#view-memory tr.overlap", has_text="big").first
    assert row.is_visible() and "overlaps small" in (row.text_content() or "")
    colour = row.locator("td").first.evaluate("e => getComputedStyle(e).backgroundColor")
    assert colour == "rgb(255, 227, 227)"
    page.shot("memory-overlap")
    page.page.close()


def test_hostile_names_render_as_text_and_run_nothing(browser: Any, tmp_path: Path) -> None:
    page = page_for(browser, view_text(tmp_path, "hostile.system", HOSTILE), tmp_path, "hostile")
    assert HOSTILE_NAME in page.graph_texts()
    for view in ("view-memory", "view-isolation"):
        page.show(view)
        assert HOSTILE_NAME in (page.page.text_content(f"#{view}") or "")
    assert page.page.evaluate("typeof window.__pwned") == "undefined"
    assert page.page.locator("img").count() == 0 and page.page.locator("main script").count() == 0
    assert page.dialogs == [] and page.errors == []
    page.shot("isolation-hostile")
    page.page.close()


def test_camkes_assembly_page(browser: Any, tmp_path: Path) -> None:
    from test_views_isolation import CAMKES_APP, ONE_HEAP

    view = view_text(tmp_path, "app.camkes", CAMKES_APP.replace("SHARING", ONE_HEAP))
    page = page_for(browser, view, tmp_path, "camkes")
    texts = page.graph_texts()
    assert {"uart", "driver", "one", "two", "heap"} <= set(texts)
    assert "call_one.call_two: seL4RPCCall" in texts  # camkes-tool merges connections sharing an end
    page.shot("graph-camkes")
    page.show("view-isolation")
    assert "minimal isolation" in (page.page.text_content("#summary") or "")
    page.page.close()


def test_drv_page_in_the_same_style(browser: Any, tmp_path: Path) -> None:
    from drvls.drv.compile import compile_sources
    from drvls.drv.preview import PreviewError, build_preview
    from drvls.views.drv_page import render as drv_page

    (tmp_path / ".cursorrules").write_text("# Persona: Reviewer\nA careful reviewer.\n\n# Style\n"
                                           "- Use <img src=x onerror=window.__pwned=1> snake_case\n", encoding="utf-8")
    compile_sources([tmp_path / ".cursorrules"], tmp_path / "rules.drv", cwd=tmp_path)
    try:
        preview = build_preview((tmp_path / "rules.drv").read_bytes(), "rules.drv")
    except PreviewError as exc:
        skip_or_fail(f"the .drv preview is unavailable: {exc}")
    html_file = tmp_path / "rules.html"
    html_file.write_text(drv_page(preview), encoding="utf-8")
    page = Page(browser, html_file, graph=False)
    meta = page.page.text_content("#meta") or ""
    assert "format version" in meta and "unsigned" in meta
    assert "<img src=x onerror" in (page.page.text_content("#view-rules") or "")
    assert page.page.evaluate("typeof window.__pwned") == "undefined" and page.page.locator("img").count() == 0
    page.shot("drv-page")
    page.page.close()
