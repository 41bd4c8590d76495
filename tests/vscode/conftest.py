"""A real VS Code (code-server) with the built extension installed, driven by Playwright on Debian's
Chromium. One workspace and one browser page for the module; each test opens its own file."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator

import code_server
import pytest
from prerequisites import skip_or_fail
from vscode_workbench import CHROMIUM, CHROMIUM_ARGS, Workbench, build_vsix, make_workspace


@pytest.fixture(scope="module")
def workbench(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Workbench]:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        skip_or_fail("the Python playwright package is not installed (pip install playwright)")
    if not CHROMIUM.exists():
        skip_or_fail("Debian's chromium is not installed (apt-get install chromium)")
    vsix = build_vsix()
    try:
        server_root = code_server.install()
    except (subprocess.SubprocessError, RuntimeError, OSError) as exc:
        skip_or_fail(f"code-server {code_server.VERSION} could not be installed: {exc}")
    base = tmp_path_factory.mktemp("vscode")
    workspace, keys = make_workspace(base)
    profile = base / "profile"
    code_server.install_extension(server_root, profile, vsix)
    code_server.write_user_settings(profile, {
        "drvls.interpreter": [sys.executable],
        "drvls.signing.trustedKeys": [str(keys.public)],
        "drvls.debounce": 0,
        "files.exclude": {"**/*.sig": False},
    })
    port = code_server.free_port()
    env = os.environ | {"XDG_CONFIG_HOME": str(base / "config"), "DRVLS_LOG_LEVEL": "INFO"}
    proc = code_server.serve(server_root, profile, workspace, port, base / "code-server.log", env)
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1400, "height": 900})
            page.goto(f"http://127.0.0.1:{port}/?folder={workspace}")
            page.locator(".monaco-workbench").wait_for(timeout=60000)
            page.locator(".explorer-folders-view, .explorer-viewlet").first.wait_for(timeout=60000)
            yield Workbench(page, workspace, profile, keys)
            browser.close()
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
