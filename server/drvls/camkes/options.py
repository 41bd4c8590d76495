"""The `[camkes]` settings, as camkes-tool's own options (read by `settings.py`)."""

from drvls.core.schema import Option, Section

SECTION = Section("camkes", "CAmkES", (
    Option("import_path", "paths", None, "folders searched by `import <...>;` (camkes-tool `--import-path`)",
           flag="--import-path", metavar="DIR"),
    Option("cpp_include", "paths", None, "preprocessor include folders (`-I`)", flag="--cpp-include", metavar="DIR"),
    Option("defines", "strings", None, "preprocessor definitions `NAME[=VALUE]` (`-D`)", flag="-D",
           metavar="NAME[=VALUE]"),
    Option("allow_forward_references", "bool", False, "accept references to names declared later",
           flag="--allow-forward-references"),
    Option("cpp", "string", "cpp", "the C preprocessor to run"),
), doc="camkes.md")
