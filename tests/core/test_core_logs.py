"""The CLI's loggers: nothing below the level imports `logging`; what passes it is logged as before,
with the CLI's `drvls: ` prefix on stderr. Each case runs in its own interpreter (logging is global)."""

from __future__ import annotations

import subprocess
import sys

from drvls_process import drvls_env


def run(code: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", "import sys\nfrom drvls.core import logs\n" + code],
                          env=drvls_env(), capture_output=True, text=True, timeout=60, check=False)


def test_messages_below_the_level_import_nothing_and_a_warning_is_logged_with_the_prefix() -> None:
    done = run("logs.configure(False)\nlog = logs.Logger('drvls.x')\nlog.info('quiet %s', 1)\nlog.debug('quiet')\n"
               "print('logging' in sys.modules)\nlog.warning('loud %s', 2)\nprint('logging' in sys.modules)\n")
    assert done.stdout.split() == ["False", "True"], done.stderr
    assert done.stderr == "drvls: loud 2\n"


def test_verbose_logs_information_and_an_exception_carries_its_traceback() -> None:
    done = run("logs.configure(True)\nlog = logs.Logger('drvls.x')\nlog.info('found %d files', 3)\n"
               "try:\n    raise ValueError('boom')\n"
               "except ValueError:\n    log.exception('failed on %s', 'a.system')\n")
    lines = done.stderr.splitlines()
    assert lines[0] == "drvls: found 3 files" and lines[1] == "drvls: failed on a.system", done.stderr
    assert "Traceback" in done.stderr and lines[-1] == "ValueError: boom"


def test_the_level_reaches_code_that_logs_through_logging_itself() -> None:
    done = run("logs.configure(False)\nlogs.apply()\nimport logging\nlogging.getLogger('pygls').info('hidden')\n"
               "logging.getLogger('pygls').warning('shown')\n")
    assert done.stderr == "drvls: shown\n"
