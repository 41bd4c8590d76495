"""The VS Code extension end to end: code-server 4.100.3 (VS Code 1.100.3) with the built `.vsix`, driven by
Playwright on Debian's Chromium. Screenshots go to tests/artifacts/vscode/.
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from vscode_workbench import ARTIFACTS, ERROR_SYSTEM, Workbench

pytestmark = pytest.mark.slow
WAIT_MS = 60000
# In the corpus file: line 8 defines memory region `foo`; line 11 maps it; line 15 maps the missing `foos`.
DEFINITION_LINE, USE_LINE, USE_COLUMN, BAD_LINE = 8, 11, 19, 15


def problems(wb: Workbench) -> list[str]:
    rows = wb.page.locator(".markers-panel .monaco-list-row")
    return [rows.nth(i).inner_text() for i in range(rows.count())]


def test_problems_panel_shows_our_diagnostic_with_its_code(workbench: Workbench) -> None:
    wb = workbench
    wb.open_file(ERROR_SYSTEM)
    wb.page.keyboard.press("Control+Shift+M")
    row = wb.page.locator(".markers-panel .monaco-list-row", has_text="MK033")
    row.first.wait_for(timeout=WAIT_MS)
    wb.shot("problems-panel")
    text = "\n".join(problems(wb))
    assert "invalid memory region name 'foos' on 'map'" in text
    assert "drvls" in text and f"Ln {BAD_LINE}" in text


def test_drv_file_opens_in_the_custom_editor_with_its_rules(workbench: Workbench) -> None:
    wb = workbench
    wb.open_file("example.drv")
    frame = wb.frame_with("Persona: Architect", WAIT_MS)
    body = frame.evaluate("document.body.innerText")
    wb.shot("drv-custom-editor")
    assert "Use snake_case for functions" in body and "format version" in body
    assert "signature" in body
    # VS Code's "binary file" warning is not shown instead.
    assert wb.page.locator("text=The file is not displayed in the text editor").count() == 0


def test_status_bar_shows_the_signature_state(workbench: Workbench) -> None:
    wb = workbench
    wb.open_file("signed.system")
    item = wb.page.locator(".statusbar-item", has_text="drvls: valid")
    item.first.wait_for(timeout=WAIT_MS)
    assert wb.keys.key_id in item.first.inner_text()
    wb.shot("status-bar-signed")
    wb.open_file(ERROR_SYSTEM)
    wb.page.locator(".statusbar-item", has_text="drvls: unsigned").first.wait_for(timeout=WAIT_MS)


def test_activation_and_first_diagnostic_times_are_recorded(workbench: Workbench) -> None:
    wb = workbench
    wb.open_file(ERROR_SYSTEM)
    wb.page.locator(".markers-panel .monaco-list-row, .statusbar-item").first.wait_for(timeout=WAIT_MS)
    deadline = 120
    activation = first = None
    while deadline > 0 and (activation is None or first is None):
        log = wb.log_text()
        activation = re.search(r"activation took (\d+) ms", log)
        first = re.search(r"first diagnostics for \S+ after (\d+) ms", log)
        wb.page.wait_for_timeout(500)
        deadline -= 1
    assert activation and first, "the extension logs its activation time and the first diagnostics"
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    figures = {"activation_ms": int(activation.group(1)), "first_diagnostics_ms": int(first.group(1))}
    (ARTIFACTS / "timings.json").write_text(json.dumps(figures, indent=2) + "\n")


def test_system_preview_shows_every_protection_domain(workbench: Workbench) -> None:
    wb = workbench
    wb.open_file(ERROR_SYSTEM)
    wb.run_command("drvls: Open System Preview to the Side")
    try:
        frame = wb.frame_with("test2", 30000)
        assert "test1" in frame.evaluate("document.body.innerText")
    finally:
        wb.shot("system-preview")


def test_go_to_definition_of_a_memory_region(workbench: Workbench) -> None:
    wb = workbench
    wb.open_file(ERROR_SYSTEM)
    wb.go_to(USE_LINE, USE_COLUMN)
    selection = wb.page.locator(".statusbar-item", has_text=re.compile(r"Ln \d+, Col \d+"))
    selection.filter(has_text=f"Ln {USE_LINE},").first.wait_for(timeout=WAIT_MS)
    try:
        # F12 on the definition itself stays there, so pressing it again is harmless.
        press_until(wb, ["F12"], selection.filter(has_text=f"Ln {DEFINITION_LINE},").first)
    finally:
        wb.shot("go-to-definition")


def press_until(wb: Workbench, keys: list[str], shown: Any) -> None:
    """Press `keys` until `shown` is visible (the workbench can drop the first key after a quick-input box)."""
    for _ in range(5):
        for key in keys:
            wb.page.keyboard.press(key)
        try:
            shown.wait_for(timeout=3000)
            return
        except Exception:
            continue
    shown.wait_for(timeout=WAIT_MS)


def test_hover_on_a_memory_region_shows_its_size_and_maps(workbench: Workbench) -> None:
    wb = workbench
    wb.open_file(ERROR_SYSTEM)
    wb.go_to(USE_LINE, USE_COLUMN)
    hover = wb.page.locator(".monaco-hover", has_text="memory region").first
    try:
        press_until(wb, ["Control+K", "Control+I"], hover)
        text = hover.inner_text()
    finally:
        wb.shot("hover")
    assert "foo" in text and "4 KiB" in text and "test1" in text, text
    wb.page.keyboard.press("Escape")


def test_completion_offers_the_region_names(workbench: Workbench) -> None:
    wb = workbench
    wb.open_file("editing.system")
    wb.go_to(BAD_LINE, 18)  # the first letter of "foos"
    row = wb.page.locator(".suggest-widget .monaco-list-row", has_text="foo").first
    try:
        press_until(wb, ["Control+Space"], row)
        labels = wb.page.locator(".suggest-widget .monaco-list-row").all_inner_texts()
    finally:
        wb.shot("completion")
    assert any(label.split()[0] == "foo" for label in labels if label.split()), labels
    wb.page.keyboard.press("Escape")
