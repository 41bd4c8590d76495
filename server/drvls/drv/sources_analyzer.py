"""The analyzer for rule-source files (`.cursorrules`, `CLAUDE.md`, …): parse, then lint with exact ranges."""

from __future__ import annotations

from pathlib import Path, PurePath

from drvls.core.languages import Analysis, AnalysisContext, LazyIndexAnalysis, SourceFile
from drvls.drv.codes import GENERATED_EDITED
from drvls.drv.lint import lint_parsed
from drvls.drv.sources.index import build_index
from drvls.drv.sources.parse import Format, format_by_name, format_for, parse_source

NAMED_SUFFIXES = frozenset({".md", ".mdc", ".markdown", ".txt"})


class RuleSourceAnalyzer:
    name = "rules"
    binary = False

    def handles(self, path: PurePath) -> bool:
        return format_by_name(path) is not None

    def accepts_named(self, path: PurePath) -> bool:
        """A Markdown or text file the user names explicitly is read as a rule source."""
        return path.suffix.lower() in NAMED_SUFFIXES

    def analyze(self, source: SourceFile, ctx: AnalysisContext) -> Analysis:
        path = source.path or PurePath("rules.md")
        fmt = format_for(path, source.text)
        parsed = parse_source(source.text, path.name, fmt)
        parsed.format = fmt
        diagnostics = list(parsed.problems)
        diagnostics.extend(lint_parsed(parsed, str(source.path) if source.path else None))
        depends: frozenset[Path] = frozenset()
        if parsed.generated is not None and source.path is not None:
            from drvls.drv.emit.drift import generated_file_drift

            # the source's verdict replaces the content check (one report per problem)
            diagnostics = [d for d in diagnostics if d.code != GENERATED_EDITED.code]
            drift, depends = generated_file_drift(Path(source.path), source.text)
            diagnostics.extend(drift)
        text, where, markdown = source.text, source.path, fmt is not Format.AIDER_YAML
        return LazyIndexAnalysis(diagnostics=diagnostics, state=parsed, dependencies=depends, model=parsed,
                                 build_symbols=lambda: build_index(text, parsed, where, markdown))


ANALYZER = RuleSourceAnalyzer()
