"""What the VS Code end-to-end tests share: the built extension, the workspace they open, and the
workbench page (a module of its own, since every test folder has a `conftest` and a test module
importing from one gets whichever was imported first)."""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from drvls.signing.keys import KeyPairFiles, load_private_key, write_key_pair
from drvls.signing.sign import sign_path
from prerequisites import REPO, corpus_path, skip_or_fail

CLIENT = REPO / "vscode-client"
VSIX = CLIENT / "dist" / "drvls.vsix"
ARTIFACTS = REPO / "tests" / "artifacts" / "vscode"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
SDF = ("microkit", "seL4__microkit", "tool", "microkit", "tests", "sdf")
ERROR_SYSTEM = "sys_map_invalid_mr.system"  # rejected by the tool: invalid memory region name 'foos'


@dataclass
class Workbench:
    page: Any
    workspace: Path
    profile: Path
    keys: KeyPairFiles

    def shot(self, name: str) -> Path:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        path = ARTIFACTS / f"{name}.png"
        self.page.screenshot(path=str(path))
        return path

    def run_command(self, title: str) -> None:
        self.page.keyboard.press("Control+Shift+P")
        box = self.page.locator(".quick-input-widget input")
        box.wait_for(state="visible")
        box.fill(">" + title)
        self._pick(title)

    def open_file(self, name: str) -> None:
        """Open `name` as the only editor: every group another test left (a preview beside) is closed first."""
        self.run_command("View: Close All Editor Groups")
        self.page.keyboard.press("Control+P")
        box = self.page.locator(".quick-input-widget input")
        box.wait_for(state="visible")
        box.fill(name)
        self._pick(name)
        self.page.locator(".tab.active", has_text=name).wait_for(timeout=30000)

    def _pick(self, label: str) -> None:
        """Enter on the quick pick once the list has caught up with the typed text (its focused row)."""
        row = self.page.locator(".quick-input-list .monaco-list-row.focused", has_text=label)
        row.first.wait_for(timeout=15000)
        self.page.keyboard.press("Enter")

    def go_to(self, line: int, column: int) -> None:
        """Put the cursor at 1-based `line`:`column` of the active editor."""
        self.page.locator(".monaco-editor .view-lines").first.click()
        self.page.keyboard.press("Control+G")
        box = self.page.locator(".quick-input-widget input")
        box.wait_for(state="visible")
        box.fill(f":{line}:{column}")
        self.page.keyboard.press("Enter")

    def frame_with(self, text: str, timeout_ms: int = 30000) -> Any:
        """The webview frame (webviews are nested iframes) whose body contains `text`."""
        deadline = timeout_ms / 250
        for _ in range(int(deadline)):
            for frame in self.page.frames:
                if frame == self.page.main_frame:  # the workbench itself, editors included
                    continue
                try:
                    if text in (frame.evaluate("document.body ? document.body.innerText : ''") or ""):
                        return frame
                except Exception:  # a frame navigating away
                    continue
            self.page.wait_for_timeout(250)
        raise AssertionError(f"no webview shows {text!r}")

    def log_text(self) -> str:
        """The extension's output channel, as VS Code writes it to the profile's log folder."""
        logs = sorted((self.profile / "data" / "logs").rglob("*drvls*.log"))
        return "\n".join(p.read_text(errors="replace") for p in logs)


def build_vsix() -> Path:
    if shutil.which("npm") is None or shutil.which("node") is None:
        skip_or_fail("node and npm are needed to build the VS Code extension")
    if not (CLIENT / "node_modules").is_dir():
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund"], cwd=CLIENT, check=True, capture_output=True)
    for script in ("build", "package"):
        subprocess.run(["npm", "run", script], cwd=CLIENT, check=True, capture_output=True)
    return VSIX


def make_workspace(root: Path) -> tuple[Path, KeyPairFiles]:
    sdf = corpus_path(*SDF, required_file=ERROR_SYSTEM)
    drv = corpus_path("drv", "derived", required_file="example.drv")
    ws = root / "workspace"
    ws.mkdir()
    shutil.copy(sdf / ERROR_SYSTEM, ws / ERROR_SYSTEM)
    shutil.copy(sdf / ERROR_SYSTEM, ws / "editing.system")
    shutil.copy(drv / "example.drv", ws / "example.drv")
    keys = write_key_pair(root / "keys")
    signed = ws / "signed.system"
    shutil.copy(sdf / "vm_valid.system", signed)
    sign_path(signed, load_private_key(keys.private))
    return ws, keys
