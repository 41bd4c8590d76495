"""Rule codes for `.drv` binary files: structural problems and integrity.

Each decoder status (the error names of `docs/drv-format.md` §5) maps to one code here, so a
problem keeps its code whether it is found by `drvls check`, the language server or `preview`.
"""

from __future__ import annotations

from drvls.core.diagnostics import Severity
from drvls.core.rules import RuleInfo, rule

FAMILY = "DRV files"

TRUNCATED = rule("DRV001", "truncated-drv", Severity.ERROR,
                 "The file ends before a structure it announces (a header, a count, a string or a record).",
                 FAMILY)
NOT_DRV = rule("DRV002", "not-a-drv-file", Severity.ERROR,
               "The file does not start with the `.drv` magic bytes `DRV\\0`.", FAMILY)
UNSUPPORTED_VERSION = rule("DRV003", "unsupported-drv-version", Severity.ERROR,
                           "The format version is neither 1 (upstream) nor 2.", FAMILY)
BAD_HEADER = rule("DRV004", "bad-drv-header", Severity.ERROR,
                  "A header field is wrong: header size, file length, or the section table's place.", FAMILY)
UNKNOWN_FLAG = rule("DRV005", "unknown-must-understand-flag", Severity.ERROR,
                    "A header or section flag that a reader must understand is set, and this reader does not "
                    "know it.", FAMILY)
BAD_PLACEMENT = rule("DRV006", "bad-section-placement", Severity.ERROR,
                     "A section is not 8-aligned, lies outside the file, or overlaps another one.", FAMILY)
DUPLICATE_SECTION = rule("DRV007", "duplicate-section", Severity.ERROR,
                         "A known section type appears more than once in the section table.", FAMILY)
UNKNOWN_REQUIRED = rule("DRV008", "unknown-required-section", Severity.ERROR,
                        "A section this reader does not know is marked as required.", FAMILY)
MISSING_SECTION = rule("DRV009", "missing-section", Severity.ERROR,
                       "One of the mandatory sections (strings, rules, steps, lists) is absent.", FAMILY)
NONZERO_PADDING = rule("DRV010", "nonzero-padding", Severity.ERROR,
                       "A padding byte, reserved field or unused field is not zero.", FAMILY)
BAD_SECTION_SIZE = rule("DRV011", "bad-section-size", Severity.ERROR,
                        "A section's length does not match its counts (or the signature is not 128 bytes).",
                        FAMILY)
BAD_STRINGS = rule("DRV012", "bad-string-table", Severity.ERROR,
                   "The string table's offsets are out of order or a string is not valid UTF-8.", FAMILY)
BAD_REFERENCE = rule("DRV013", "bad-reference", Severity.ERROR,
                     "A string, list or workflow-step reference points outside its table.", FAMILY)
BAD_RECORD = rule("DRV014", "bad-rule-record", Severity.ERROR,
                  "A rule record has an unknown kind or category.", FAMILY)
BAD_V1_SECTION = rule("DRV015", "bad-v1-section", Severity.ERROR,
                      "Version 1: the string table is not first, repeats, or a section tag is unknown.", FAMILY)
DIGEST_MISMATCH = rule("DRV016", "digest-mismatch", Severity.ERROR,
                       "The stored BLAKE3 digest (v1: 4-byte checksum) does not match the file's bytes: it "
                       "was changed or damaged after it was written.", FAMILY)
VERSION_1 = rule("DRV017", "drv-version-1", Severity.INFORMATION,
                 "A version 1 (upstream) file: it may have lost rules when written and has only a 32-bit "
                 "checksum; recompile the sources to version 2.", FAMILY)
NATIVE_MISSING = rule("DRV018", "drv-decoder-unavailable", Severity.WARNING,
                      "The native `.drv` decoder is not built in this installation, so the file was not "
                      "checked.", FAMILY)

V1_SECTION_COUNT = rule("DRV019", "v1-section-count-mismatch", Severity.WARNING,
                        "Version 1: the header's section count differs from the sections in the file. Upstream's "
                        "checksum does not cover the header, so a changed header byte goes unnoticed otherwise.",
                        FAMILY)

# Decoder status names (docs/drv-format.md §5) → rule.
BY_STATUS: dict[str, RuleInfo] = {
    "TRUNCATED": TRUNCATED,
    "BAD_MAGIC": NOT_DRV,
    "BAD_VERSION": UNSUPPORTED_VERSION,
    "BAD_HEADER": BAD_HEADER,
    "BAD_LENGTH": BAD_HEADER,
    "BAD_TABLE": BAD_HEADER,
    "UNKNOWN_FLAG": UNKNOWN_FLAG,
    "MISALIGNED": BAD_PLACEMENT,
    "OUT_OF_BOUNDS": BAD_PLACEMENT,
    "OVERLAP": BAD_PLACEMENT,
    "DUPLICATE_SECTION": DUPLICATE_SECTION,
    "UNKNOWN_REQUIRED_SECTION": UNKNOWN_REQUIRED,
    "MISSING_SECTION": MISSING_SECTION,
    "NONZERO_PADDING": NONZERO_PADDING,
    "NONZERO_RESERVED": NONZERO_PADDING,
    "BAD_SECTION_SIZE": BAD_SECTION_SIZE,
    "BAD_STRING_OFFSETS": BAD_STRINGS,
    "BAD_UTF8": BAD_STRINGS,
    "BAD_REF": BAD_REFERENCE,
    "BAD_LIST": BAD_REFERENCE,
    "BAD_STEPS": BAD_REFERENCE,
    "BAD_KIND": BAD_RECORD,
    "BAD_CATEGORY": BAD_RECORD,
    "BAD_V1_SECTION": BAD_V1_SECTION,
    "DIGEST_MISMATCH": DIGEST_MISMATCH,
}


def for_status(name: str) -> RuleInfo:
    """The rule for a decoder status name; unknown names count as a bad record."""
    return BY_STATUS.get(name, BAD_RECORD)
