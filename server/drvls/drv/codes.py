"""Rule codes for rule sources (the Markdown/YAML files compiled into `.drv`) and their rules.

The same codes are used for a rule-source file and for the rules decoded from a `.drv` file, so a
problem keeps its code whether it is seen before or after compiling.
"""

from drvls.core.diagnostics import Severity
from drvls.core.rules import rule

FAMILY = "Rule sources"

DUPLICATE = rule("RUL001", "duplicate-rule", Severity.WARNING,
                 "A standard repeats an earlier one (same words, ignoring case and spacing).", FAMILY)
VAGUE = rule("RUL002", "vague-rule", Severity.INFORMATION,
             "A short standard relies on a vague word (good, proper, appropriate, nice, clean, better).",
             FAMILY)
EMPTY_DESCRIPTION = rule("RUL003", "empty-description", Severity.ERROR,
                         "A standard has no description (an empty bullet).", FAMILY)
PERSONA_INCOMPLETE = rule("RUL004", "persona-incomplete", Severity.ERROR,
                          "A persona has no name or no role.", FAMILY)
CONTRADICTION = rule("RUL005", "contradicting-rules", Severity.WARNING,
                     "Two standards about the same thing say opposite things (always/never, must/must not, "
                     "require/avoid); reported once per pair.", FAMILY)
NAMING_CONFLICT = rule("RUL006", "conflicting-naming", Severity.WARNING,
                       "One standard asks for snake_case function names and another for camelCase.", FAMILY)
UNCLOSED_FENCE = rule("RUL007", "unclosed-code-fence", Severity.WARNING,
                      "A code fence is never closed, so the rest of the file is read as code.", FAMILY)
INVALID_YAML = rule("RUL008", "invalid-yaml", Severity.ERROR,
                    "An aider YAML config could not be read; its text is kept as a raw rule.", FAMILY)
INVALID_CANONICAL = rule("RUL009", "invalid-decompiled-markdown", Severity.ERROR,
                         "A file marked as decompiled `.drv` Markdown does not follow that format.", FAMILY)
SECRET_NOT_COPIED = rule("RUL010", "secret-not-copied", Severity.INFORMATION,
                         "A config value that looks like a credential (an API key, a token) is not copied "
                         "into the rules; only its key is kept.", FAMILY)
INVALID_FRONT_MATTER = rule("RUL011", "invalid-front-matter", Severity.WARNING,
                            "A front-matter line of a scoped rule file (`.mdc`, `.instructions.md`, steering) "
                            "cannot be read; it is kept as text and does not scope the rules.", FAMILY)
GENERATED_EDITED = rule("RUL012", "generated-file-edited", Severity.ERROR,
                        "A file written by `drvls emit` was edited by hand: its text no longer matches the "
                        "digest in its header. Edit the source and regenerate.", FAMILY)
GENERATED_STALE = rule("RUL013", "generated-file-stale", Severity.WARNING,
                       "A file written by `drvls emit` no longer matches its source (the source changed, or the "
                       "file is missing): regenerate it.", FAMILY)
TARGETS_STALE = rule("RUL014", "emit-targets-stale", Severity.WARNING,
                     "A rule source's generated assistant files (`[rules] targets`) are missing, stale or edited.",
                     FAMILY)
GENERATED_DISAGREE = rule("RUL015", "generated-files-disagree", Severity.ERROR,
                          "Generated files that name the same source give different rules or digests, so "
                          "`compile` cannot tell which is right.", FAMILY)
