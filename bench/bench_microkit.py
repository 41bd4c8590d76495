"""Microkit checking speed on a large realistic system (≈10,000 lines: 60 PDs, thousands of maps).

Run: `python bench/bench_microkit.py` (from the repository root; needs drvls importable, e.g.
`pip install -e .` or PYTHONPATH=server). Prints, all measured in this run:

(a) full check of one file: `python -m drvls check FILE` as a subprocess and the in-process
    analyzer, against baselines (interpreter start-up; a full `xml.dom.minidom` parse), with
    ratios and the 0.5 s goal;
(b) keystroke-to-diagnostics latency through the real language server over stdio (debounce 0):
    50 single-character edits, median and p95 (goals: ≤ 30 ms and ≤ 60 ms).
"""

from __future__ import annotations

import asyncio
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import xml.dom.minidom
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SERVER_SRC = ROOT / "server"
if str(SERVER_SRC) not in sys.path:
    sys.path.insert(0, str(SERVER_SRC))

FULL_GOAL_S = 0.5
MEDIAN_GOAL_MS = 30.0
P95_GOAL_MS = 60.0
EDITS = 50


def build_system(pds: int = 60, maps_per_pd: int = 100, channels: int = 600) -> str:
    """A valid system: shared buffers mapped by several PDs, device regions, IRQs, channels, a VM."""
    out = ['<?xml version="1.0" encoding="UTF-8"?>', "<system>"]
    regions = pds * maps_per_pd // 4
    for i in range(regions):
        if i % 50 == 0:
            out.append(f'    <memory_region name="dev_{i}" size="0x1000" phys_addr="{0x1000_0000 + i * 0x1000:#x}" />')
        else:
            out.append(f'    <memory_region name="buf_{i}" size="0x{0x1000 * (1 + i % 4):x}" />')
    out.append('    <memory_region name="guest_ram" size="0x10_000_000" page_size="0x200_000" />')
    names = [("dev_" if i % 50 == 0 else "buf_") + str(i) for i in range(regions)]
    sizes = [0x1000 if i % 50 == 0 else 0x1000 * (1 + i % 4) for i in range(regions)]
    for p in range(pds):
        priority = 100 + p % 150
        out.append(f'    <protection_domain name="pd_{p}" priority="{priority}" budget="1000" period="1000">')
        out.append(f'        <program_image path="pd_{p}.elf" />')
        vaddr = 0x2000_0000
        for m in range(maps_per_pd):
            r = (p * maps_per_pd + m) // 4 if m % 2 == 0 else (p * 7 + m * 13) % regions
            perms = "rw" if m % 3 else "r"
            cached = ' cached="false"' if names[r].startswith("dev_") else ""
            out.append(f'        <map mr="{names[r]}" vaddr="{vaddr:#x}" perms="{perms}"{cached} '
                       f'setvar_vaddr="{names[r]}_vaddr_{m}" />')
            vaddr += max(sizes[r], 0x1000) + 0x1000
        out.append(f'        <irq irq="{32 + p}" id="{50 + p % 10}" trigger="level" />')
        if p == 0:
            out.append('        <protection_domain name="child_0" id="1" priority="254">')
            out.append('            <program_image path="child.elf" />')
            out.append("        </protection_domain>")
            out.append('        <virtual_machine name="linux" priority="99">')
            out.append('            <vcpu id="0" />')
            out.append('            <map mr="guest_ram" vaddr="0x40000000" perms="rwx" />')
            out.append("        </virtual_machine>")
        out.append("    </protection_domain>")
    next_id = [2] * pds  # ids 0-1 used by child/vcpu on pd_0
    made = 0
    a = 0
    while made < channels:
        b = (a + 1 + made // pds) % pds
        if a != b and next_id[a] < 50 and next_id[b] < 50:
            pa, pb = 100 + a % 150, 100 + b % 150
            pp = ' pp="true"' if pa < pb and made % 5 == 0 else ""
            out.append("    <channel>")
            out.append(f'        <end pd="pd_{a}" id="{next_id[a]}"{pp} />')
            out.append(f'        <end pd="pd_{b}" id="{next_id[b]}" />')
            out.append("    </channel>")
            next_id[a] += 1
            next_id[b] += 1
            made += 1
        a = (a + 1) % pds
        if all(n >= 50 for n in next_id):
            break
    out.append("</system>")
    return "\n".join(out) + "\n"


def time_it(fn: Any, repeat: int = 5) -> float:
    """Best wall-clock time of `repeat` runs."""
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def cpu_it(fn: Any, repeat: int = 5) -> float:
    """Best CPU time (this process plus finished children) of `repeat` runs: steadier on a busy machine."""
    best = float("inf")
    for _ in range(repeat):
        before = _cpu()
        fn()
        best = min(best, _cpu() - before)
    return best


def _cpu() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def full_check(path: Path) -> None:
    env = dict(os.environ, PYTHONPATH=str(SERVER_SRC) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    def run_startup() -> None:
        subprocess.run([sys.executable, "-c", "pass"], check=True, env=env)

    cli_cmd = [sys.executable, "-m", "drvls", "check", str(path)]
    result = subprocess.run(cli_cmd, env=env, capture_output=True, text=True)

    def run_cli() -> None:
        subprocess.run(cli_cmd, env=env, capture_output=True)

    text = path.read_text(encoding="utf-8")

    def run_minidom() -> None:
        xml.dom.minidom.parseString(text)

    startup, startup_cpu = time_it(run_startup), cpu_it(run_startup)
    cli, cli_cpu = time_it(run_cli), cpu_it(run_cli)
    minidom, minidom_cpu = time_it(run_minidom), cpu_it(run_minidom)

    from drvls.core.config import Settings
    from drvls.core.engine import check_source
    from drvls.core.languages import AnalysisContext, DiskWorkspace, SourceFile
    from drvls.microkit.analyzer import ANALYZER

    def analyse() -> int:
        source = SourceFile(path=path, data=path.read_bytes(), text="")
        ctx = AnalysisContext(settings=Settings(), workspace=DiskWorkspace())
        return len(check_source(source, ctx, ANALYZER).diagnostics)

    count = analyse()
    in_process, in_process_cpu = time_it(analyse), cpu_it(analyse)
    lines = text.count("\n")
    load = os.getloadavg()[0]
    print(f"system: {lines} lines, {len(text.encode())} bytes; diagnostics: {count}; "
          f"CLI exit status {result.returncode}; load average {load:.1f} on {os.cpu_count()} CPUs")
    print("(a) full check of one file (best of 5; wall clock, then CPU time)")
    print(f"    python start-up (baseline)       {startup * 1000:8.1f} ms  {startup_cpu * 1000:8.1f} ms CPU")
    print(f"    xml.dom.minidom parse (baseline) {minidom * 1000:8.1f} ms  {minidom_cpu * 1000:8.1f} ms CPU")
    print(f"    drvls analyzer, in process       {in_process * 1000:8.1f} ms  {in_process_cpu * 1000:8.1f} ms CPU"
          f"  ({in_process_cpu / minidom_cpu:.2f}x minidom CPU)")
    print(f"    python -m drvls check FILE       {cli * 1000:8.1f} ms  {cli_cpu * 1000:8.1f} ms CPU"
          f"  ({cli / startup:.2f}x start-up; {cli / FULL_GOAL_S:.2f}x the {FULL_GOAL_S} s goal: "
          f"{'OK' if cli <= FULL_GOAL_S else 'OVER GOAL'}; CPU {cli_cpu / FULL_GOAL_S:.2f}x)")


async def keystrokes(path: Path) -> None:
    try:
        from lsprotocol import types
        from pygls.lsp.client import LanguageClient
    except ImportError as exc:
        print(f"(b) skipped: {exc}")
        return
    client = LanguageClient("bench", "1")
    versions: dict[int, asyncio.Future[float]] = {}

    @client.feature(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    def on_diagnostics(params: types.PublishDiagnosticsParams) -> None:
        future = versions.get(params.version) if params.version is not None else None
        if future is not None and not future.done():
            future.set_result(time.perf_counter())

    @client.feature(types.WORKSPACE_CONFIGURATION)
    def on_configuration(params: types.ConfigurationParams) -> list[Any]:
        return [{"debounce": 0} for _ in params.items]

    env = dict(os.environ, PYTHONPATH=str(SERVER_SRC) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    await client.start_io(sys.executable, "-m", "drvls", "serve", env=env)
    try:
        capabilities = types.ClientCapabilities(
            workspace=types.WorkspaceClientCapabilities(configuration=True),
            text_document=types.TextDocumentClientCapabilities(
                publish_diagnostics=types.PublishDiagnosticsClientCapabilities(version_support=True)))
        await asyncio.wait_for(client.initialize_async(types.InitializeParams(
            capabilities=capabilities, root_uri=path.parent.as_uri(),
            initialization_options={"drvls": {"debounce": 0}})), 20)
        client.initialized(types.InitializedParams())
        uri = path.as_uri()
        text = path.read_text(encoding="utf-8")
        loop = asyncio.get_running_loop()
        versions[1] = loop.create_future()
        client.text_document_did_open(types.DidOpenTextDocumentParams(
            types.TextDocumentItem(uri=uri, language_id="microkit", version=1, text=text)))
        await asyncio.wait_for(versions[1], 30)
        lines = text.splitlines()
        target_lines = [i for i, line in enumerate(lines) if 'perms="rw"' in line]
        server_pid = getattr(getattr(client, "_server", None), "pid", None)
        latencies = []
        cpu_start = process_cpu(server_pid)
        for n in range(EDITS):
            line_no = target_lines[(n * 97) % len(target_lines)]
            column = lines[line_no].index('perms="rw"') + len('perms="r')
            # Alternate: insert "x" into perms (still valid), then delete it again.
            if n % 2 == 0:
                change = types.TextDocumentContentChangePartial(
                    range=types.Range(types.Position(line_no, column), types.Position(line_no, column)), text="x")
            else:
                prev_line = target_lines[((n - 1) * 97) % len(target_lines)]
                change = types.TextDocumentContentChangePartial(
                    range=types.Range(types.Position(prev_line, column), types.Position(prev_line, column + 1)),
                    text="")
                line_no = prev_line
            version = n + 2
            versions[version] = loop.create_future()
            start = time.perf_counter()
            client.text_document_did_change(types.DidChangeTextDocumentParams(
                text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
                content_changes=[change]))
            done = await asyncio.wait_for(versions[version], 30)
            latencies.append((done - start) * 1000)
        cpu_end = process_cpu(server_pid)
        latencies.sort()
        median = statistics.median(latencies)
        p95 = latencies[int(0.95 * (len(latencies) - 1) + 0.5)]
        print(f"(b) keystroke to diagnostics through the server ({EDITS} single-character edits, debounce 0)")
        print(f"    median {median:6.1f} ms  (goal {MEDIAN_GOAL_MS:.0f} ms: {median / MEDIAN_GOAL_MS:.2f}x) "
              f"{'OK' if median <= MEDIAN_GOAL_MS else 'OVER GOAL'}")
        print(f"    p95    {p95:6.1f} ms  (goal {P95_GOAL_MS:.0f} ms: {p95 / P95_GOAL_MS:.2f}x) "
              f"{'OK' if p95 <= P95_GOAL_MS else 'OVER GOAL'}")
        print(f"    min {latencies[0]:.1f} ms, max {latencies[-1]:.1f} ms; load average {os.getloadavg()[0]:.1f}")
        if cpu_start is not None and cpu_end is not None:
            print(f"    server CPU time per edit (mean, all threads): {(cpu_end - cpu_start) * 1000 / EDITS:.1f} ms")
        await asyncio.wait_for(client.shutdown_async(None), 10)
        client.exit(None)
    except (TimeoutError, OSError, RuntimeError) as exc:
        print(f"(b) skipped: server not ready ({type(exc).__name__}: {exc})")
    finally:
        await client.stop()


def process_cpu(pid: int | None) -> float | None:
    """User + system CPU seconds of a process so far (Linux /proc), or None."""
    if pid is None:
        return None
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    ticks = os.sysconf("SC_CLK_TCK")
    return (int(fields[11]) + int(fields[12])) / ticks


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "large.system"
        path.write_text(build_system(), encoding="utf-8")
        full_check(path)
        asyncio.run(keystrokes(path))


if __name__ == "__main__":
    main()
