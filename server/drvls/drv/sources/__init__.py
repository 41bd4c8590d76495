"""Rule sources: editor rule files (Markdown, aider YAML) → the rule model, with source lines.

`parse.parse_source(text, file, fmt)` never raises: problems come back as diagnostics, and text that
maps to no rule kind is kept as raw rules (see `docs/rule-sources.md`).

The package root imports nothing, so deciding whether a file is a rule source (`detect`) is
cheap; the parser lives in `parse`.
"""
