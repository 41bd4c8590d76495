"""Signature rules (family "Signatures"): reported by `post_check` for every analysed file."""

from drvls.core.diagnostics import Severity
from drvls.core.rules import rule

FAMILY = "Signatures"

MISSING = rule("SIG001", "signature-missing", Severity.ERROR,
               "Signatures are required, and this file has none.", FAMILY)
INVALID = rule("SIG002", "signature-invalid", Severity.ERROR,
               "The file's signature is malformed or does not verify.", FAMILY,
               contexts=((Severity.WARNING, "when signatures are not required"),))
UNTRUSTED = rule("SIG003", "signature-untrusted", Severity.ERROR,
                 "The signature is sound, but made by a key that is not trusted.", FAMILY)
STALE = rule("SIG004", "signature-stale", Severity.ERROR,
             "Signatures are required, and the file changed after it was signed.", FAMILY)
LEGACY = rule("SIG005", "legacy-signature", Severity.WARNING,
              "An upstream raw 64-byte `.drv.sig`: a keyed hash that proves nothing; re-sign with `drvls sign`.",
              FAMILY, contexts=((Severity.ERROR, "when signatures are required"),))
EDITED = rule("SIG006", "signature-no-longer-matches", Severity.INFORMATION,
              "The file was signed, and has been edited since: the signature no longer matches.", FAMILY)
REPOSITORY_ONLY = rule("SIG007", "signature-trusted-by-repository-only", Severity.ERROR,
                       "Signatures are required, and the signing key is trusted only by the repository's own "
                       "config; a file cannot vouch for itself.", FAMILY)
TRUST_CONFIG = rule("SIG008", "trusted-keys-unusable", Severity.ERROR,
                    "A configured trusted key file or folder cannot be read or is not a drvls public key.",
                    FAMILY)
UNDECIDED = rule("SIG009", "signature-undecidable", Severity.ERROR,
                 "Signatures are required, and the file's signature could not be decided (the file could not "
                 "be read, or checking it failed); under `--require-signatures` this cannot be suppressed.",
                 FAMILY)
