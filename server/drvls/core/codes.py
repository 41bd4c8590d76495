"""Rules that belong to no language: problems with the file itself."""

from drvls.core.diagnostics import Severity
from drvls.core.rules import rule

FAMILY = "General"

FILE_TOO_LARGE = rule("DL001", "file-too-large", Severity.ERROR,
                      "The file is larger than `max-file-size` and was not analysed.", FAMILY)
UNREADABLE = rule("DL002", "unreadable-file", Severity.ERROR,
                  "The file could not be read (permissions, a directory, a broken link).", FAMILY)
INVALID_UTF8 = rule("DL003", "invalid-utf8", Severity.ERROR,
                    "The file is not valid UTF-8; analysis continues with the bad bytes replaced.", FAMILY)
BINARY_CONTENT = rule("DL004", "binary-content", Severity.ERROR,
                      "A text file holds NUL bytes: it is most likely binary.", FAMILY)
INTERNAL_ERROR = rule("DL005", "internal-error", Severity.ERROR,
                      "drvls itself failed on this file; please report it. Other files are unaffected.", FAMILY)
TIME_BUDGET = rule("DL006", "analysis-time-budget", Severity.ERROR,
                   "Analysing the file took longer than `analysis-timeout` seconds and was stopped; "
                   "the file's other diagnostics are not shown.", FAMILY)
TOO_MANY = rule("DL007", "too-many-diagnostics", Severity.WARNING,
                "The file has more problems than `max-diagnostics`; only the first ones are shown.", FAMILY)
