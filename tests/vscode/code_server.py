"""A real VS Code (code-server 4.100.3 from npm, the newest that runs on node 20) for end-to-end tests.

Installed once into a cache folder outside the working tree and reused: `npm install --ignore-scripts`,
then the native modules rebuilt from source, so nothing is fetched from anywhere but the npm registry.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import time
from pathlib import Path

VERSION = "4.100.3"
NATIVE_MODULES = ("node-pty", "@parcel/watcher", "@vscode/spdlog", "native-watchdog", "kerberos", "@vscode/deviceid")


def cache_root() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "drvls" / f"code-server-{VERSION}"


def entry_point(root: Path) -> Path:
    return root / "node_modules" / "code-server" / "out" / "node" / "entry.js"


def _build_env() -> dict[str, str]:
    """npm's environment, pointed at the installed node's own headers when it has them (Debian's nodejs puts
    them under /usr/include/node), so native modules build without fetching headers."""
    env = dict(os.environ)
    node = shutil.which("node")
    prefix = Path(node).resolve().parent.parent if node else None
    if prefix is not None and (prefix / "include" / "node" / "node_api.h").exists():
        env.setdefault("npm_config_nodedir", str(prefix))
    return env


def _run(args: list[str], cwd: Path, check: bool = True) -> None:
    done = subprocess.run(args, cwd=cwd, check=False, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                          timeout=1800, env=_build_env())
    if check and done.returncode != 0:
        tail = done.stderr.decode(errors="replace")[-2000:]
        raise RuntimeError(f"{' '.join(args)} failed in {cwd} (exit {done.returncode}):\n{tail}")


def install(root: Path | None = None) -> Path:
    """Install code-server into `root` (once; a marker file records completion) and return `root`."""
    root = root or cache_root()
    marker = root / ".installed"
    if marker.exists() and entry_point(root).exists():
        return root
    root.mkdir(parents=True, exist_ok=True)
    (root / "package.json").write_text('{"private": true}\n')
    npm = ["npm", "--no-audit", "--no-fund", "--loglevel=error"]
    _run([*npm, "install", "--ignore-scripts", f"code-server@{VERSION}"], root)
    _run([*npm, "rebuild", "argon2", "--build-from-source"], root)
    vscode = root / "node_modules" / "code-server" / "lib" / "vscode"
    _run([*npm, "install", "--omit=dev", "--ignore-scripts"], vscode)
    _run([*npm, "rebuild", *NATIVE_MODULES], vscode, check=False)  # node-pty's last step fails harmlessly
    for module in ("node-pty", "@vscode/spdlog"):  # @parcel/watcher ships prebuilt per platform
        if not any((vscode / "node_modules" / module / "build" / "Release").glob("*.node")):
            raise RuntimeError(f"code-server: native module {module} was not built")
    rg_dir = vscode / "node_modules" / "@vscode" / "ripgrep" / "bin"
    rg_dir.mkdir(parents=True, exist_ok=True)
    _symlink(rg_dir / "rg", Path(shutil.which("rg") or "/usr/bin/rg"))
    _symlink(vscode / "node_modules.asar", Path("node_modules"))
    _symlink(vscode / "bin" / "remote-cli" / "code-server", Path("code-linux.sh"))
    _symlink(vscode / "bin" / "helpers" / "browser.sh", Path("browser-linux.sh"))
    marker.write_text(VERSION + "\n")
    return root


def _symlink(link: Path, target: Path) -> None:
    if link.is_symlink() or link.exists():
        link.unlink()
    link.symlink_to(target)


def command(root: Path, profile: Path) -> list[str]:
    return ["node", str(entry_point(root)), "--user-data-dir", str(profile / "data"),
            "--extensions-dir", str(profile / "extensions")]


def install_extension(root: Path, profile: Path, vsix: Path) -> None:
    for folder in (profile / "data" / "User", profile / "extensions"):
        folder.mkdir(parents=True, exist_ok=True)
    subprocess.run([*command(root, profile), "--force", "--install-extension", str(vsix)],
                   check=True, capture_output=True, timeout=300)


def write_user_settings(profile: Path, settings: dict[str, object]) -> None:
    user = profile / "data" / "User"
    user.mkdir(parents=True, exist_ok=True)
    base: dict[str, object] = {
        "security.workspace.trust.enabled": False,
        "workbench.startupEditor": "none",
        "update.mode": "none",
        "extensions.autoUpdate": False,
        "telemetry.telemetryLevel": "off",
        "workbench.tips.enabled": False,
        "chat.disableAIFeatures": True,
        "editor.wordBasedSuggestions": "off",  # completions then come from language servers only
    }
    (user / "settings.json").write_text(json.dumps(base | settings, indent=2))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def serve(root: Path, profile: Path, folder: Path, port: int, log: Path,
          env: dict[str, str] | None = None) -> subprocess.Popen[bytes]:
    """Start code-server on 127.0.0.1:`port` and wait until it answers."""
    out = log.open("wb")
    proc = subprocess.Popen(
        [*command(root, profile), "--auth", "none", "--bind-addr", f"127.0.0.1:{port}", "--disable-telemetry",
         "--disable-update-check", "--disable-workspace-trust", "--disable-getting-started-override", str(folder)],
        stdout=out, stderr=subprocess.STDOUT, env=env)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"code-server exited: {log.read_text(errors='replace')[-2000:]}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return proc
        except OSError:
            time.sleep(0.3)
    proc.kill()
    raise RuntimeError("code-server did not start listening within 60 s")


if __name__ == "__main__":  # warm the cache: `python tests/vscode/code_server.py`
    started = time.monotonic()
    print(install(), f"{time.monotonic() - started:.0f} s")
