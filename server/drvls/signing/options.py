"""The `[signing]` settings: which keys are trusted, whether signatures are required, the editor's key."""

from drvls.core.schema import Option, Section

SECTION = Section("signing", "Signatures", (
    Option("require_signatures", "bool", False, "report every file without a valid signature from a trusted key",
           flag="--require-signatures"),
    Option("trusted_keys", "paths", None, "trusted public key files or folders", flag="--trusted-keys",
           metavar="PATH"),
    Option("user_trust_store", "bool", True, "also trust the keys in the user's trust store"),
    Option("show_state", "bool", True, "show each file's signature state when signatures are not required"),
    Option("key", "path", None, "private key file for the editor's sign command (absolute, or starting with `~`)",
           editor_only=True),
), doc="signing.md")
