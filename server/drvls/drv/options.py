"""The `[rules]` settings: which assistants' rule files `drvls emit` generates, and where."""

from drvls.core.schema import Option, Section

SECTION = Section("rules", "Rule files for AI assistants", (
    Option("targets", "strings", None, "assistants whose rule files `drvls emit` writes from a `.drv` (cursor, "
           "copilot, claude, agents, windsurf, cline, aider, gemini, roo, kiro, junie); the editor reports them "
           "when stale"),
    Option("output", "path", None, "the folder `drvls emit` writes into (default: the `.drv` file's folder)"),
), doc="rule-sources.md")
