"""Running an outside program on a repository's files: bounded in time, memory and output.

The C preprocessor follows `#include` wherever a file points, so a repository can make it read a
FIFO (it waits forever) or `/dev/zero` (it grows until memory runs out). The program therefore
runs in its own process group (so the compiler proper it starts, `cc1`, is killed with it), with
an address-space limit, a CPU-time limit and a wall-clock timeout, and its output is read up to
a cap. Nothing of it outlives the call.

The limits are set by `/bin/sh` (`ulimit`) just before it becomes the program (`exec`), not by
Python code between fork and exec: a Python hook forces a full `fork`, whose copy of a large
process's page tables costs the caller milliseconds of CPU per run, where without one the
process is started with `vfork`.
"""

from __future__ import annotations

import contextlib
import errno
import os
import selectors
import signal
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

try:
    import resource
except ImportError:  # not on Windows: only the timeout and the output cap apply there
    resource = None  # type: ignore[assignment]

DEFAULT_TIMEOUT = 4.0  # seconds of wall-clock time
DEFAULT_MEMORY = 1024 * 1024 * 1024  # bytes of address space
DEFAULT_OUTPUT = 64 * 1024 * 1024  # bytes of stdout kept


@dataclass(frozen=True)
class Limited:
    """What the program printed and how it ended; `stopped` says why it was stopped, if it was."""

    returncode: int
    stdout: bytes
    stderr: bytes
    stopped: str | None = None  # "timeout" | "output"


SHELL = "/bin/sh"
# Both the soft and the hard limit (no -S/-H), as setrlimit(limit, (n, n)) sets them.
_LIMITED = 'ulimit -v {kib} && ulimit -t {cpu} && ulimit -c 0 && exec "$0" "$@"'


def _limit_child(memory: int, cpu_seconds: int) -> None:  # pragma: no cover - runs in the child
    """Runs between fork and exec: only system calls, no Python locks."""
    if resource is not None:
        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
        resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds))
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def limited_command(command: list[str], memory: int, cpu_seconds: int, cwd: Path | None) -> list[str]:
    """`command` run by the shell under the limits; raises FileNotFoundError as starting it would.

    The program is found here, as Popen finds it (a name with a folder from `cwd`), since the
    shell would only say it is missing in its exit status.
    """
    import shutil  # here: a check that runs no outside program never imports it (start-up time)

    name = command[0]
    program = shutil.which(os.path.join(cwd, name) if cwd is not None and os.sep in name else name)
    if program is None:
        raise FileNotFoundError(errno.ENOENT, os.strerror(errno.ENOENT), command[0])
    return [SHELL, "-c", _LIMITED.format(kib=memory // 1024, cpu=cpu_seconds), program, *command[1:]]


def kill_group(process: subprocess.Popen[bytes]) -> None:
    """Kill the program and everything it started (its process group), then reap it."""
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError, AttributeError):
        process.kill()
    process.wait()


def run_limited(command: list[str], stdin: bytes, cwd: Path | None = None, timeout: float = DEFAULT_TIMEOUT,
                memory: int = DEFAULT_MEMORY, max_output: int = DEFAULT_OUTPUT) -> Limited:
    """Run `command` with `stdin` as its input; raises OSError only when it cannot be started."""
    cpu = max(1, int(timeout) + 1)
    hook = None
    if resource is not None and os.path.isfile(SHELL):
        command = limited_command(command, memory, cpu, cwd)
    elif resource is not None:
        hook = lambda: _limit_child(memory, cpu)  # noqa: E731 - no shell: limits set from Python
    process = subprocess.Popen(
        command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=cwd,
        start_new_session=True, close_fds=True, preexec_fn=hook)
    try:
        return _exchange(process, stdin, time.monotonic() + timeout, max_output)
    finally:
        if process.poll() is None:
            kill_group(process)
        else:  # the leader is gone; anything it left running in its group goes too
            with contextlib.suppress(ProcessLookupError, PermissionError, AttributeError):
                os.killpg(process.pid, signal.SIGKILL)
        for stream in (process.stdin, process.stdout, process.stderr):
            if stream is not None:
                stream.close()


def _exchange(process: subprocess.Popen[bytes], stdin: bytes, deadline: float, max_output: int) -> Limited:
    assert process.stdin is not None and process.stdout is not None and process.stderr is not None
    out: list[bytes] = []
    err: list[bytes] = []
    sizes = {"out": 0, "err": 0}
    pending = memoryview(stdin)
    selector = selectors.DefaultSelector()
    os.set_blocking(process.stdin.fileno(), False)
    if pending:
        selector.register(process.stdin, selectors.EVENT_WRITE, "in")
    else:
        process.stdin.close()
    selector.register(process.stdout, selectors.EVENT_READ, "out")
    selector.register(process.stderr, selectors.EVENT_READ, "err")
    with selector:
        while selector.get_map():
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return Limited(-1, b"".join(out), b"".join(err), "timeout")
            for key, _events in selector.select(remaining):
                if key.data == "in":
                    try:
                        written = os.write(key.fd, pending[:65536])
                    except BlockingIOError:
                        continue
                    except BrokenPipeError:
                        written = len(pending)
                    pending = pending[written:]
                    if not pending:
                        selector.unregister(key.fileobj)
                        process.stdin.close()
                    continue
                chunk = os.read(key.fd, 65536)
                if not chunk:
                    selector.unregister(key.fileobj)
                    continue
                sizes[key.data] += len(chunk)
                if sizes[key.data] > max_output:
                    return Limited(-1, b"".join(out), b"".join(err), "output")
                (out if key.data == "out" else err).append(chunk)
    remaining = max(0.0, deadline - time.monotonic())
    try:
        code = process.wait(remaining)
    except subprocess.TimeoutExpired:
        return Limited(-1, b"".join(out), b"".join(err), "timeout")
    return Limited(code, b"".join(out), b"".join(err))
