"""compile → decode → decompile → compile gives identical bytes; decompiled Markdown is exact."""

from __future__ import annotations

from pathlib import Path

from drvls.drv.compile import load_sources
from drvls.drv.encoder import encode
from drvls.drv.model import RuleSet
from drvls.drv.sources.canonical import parse_decompiled, render
from drvls.drv.sources.parse import Format, format_for, parse_source
from drvsrc_helpers import native_reader_or_skip, rulesets
from hypothesis import HealthCheck, given, settings


def read_back(markdown: str) -> RuleSet:
    parsed = parse_source(markdown, "decompiled.md", format_for(Path("decompiled.md"), markdown))
    assert parsed.problems == []
    return parsed.ruleset()


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(rulesets)
def test_decompiled_markdown_reads_back_to_the_same_rule_set(ruleset: RuleSet) -> None:
    assert read_back(render(ruleset)) == ruleset


@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow])
@given(rulesets)
def test_compile_decode_decompile_compile_is_identical(ruleset: RuleSet) -> None:
    native_reader_or_skip()
    from drvls.drv.reader import read_ruleset

    data = encode(ruleset)
    decoded = read_ruleset(data)
    assert decoded == ruleset
    assert encode(read_back(render(decoded))) == data


def test_corpus_compile_is_deterministic_and_survives_decompile(sources_dir: Path) -> None:
    native_reader_or_skip()
    from drvls.drv.reader import read_ruleset

    paths = sorted(p for p in sources_dir.iterdir() if p.is_file())
    first = encode(load_sources(paths, cwd=sources_dir).ruleset)
    second = encode(load_sources(paths, cwd=sources_dir).ruleset)
    assert first == second
    markdown = render(read_ruleset(first))
    assert encode(read_back(markdown)) == first
    for path in paths:  # each file alone too
        one = encode(load_sources([path], cwd=sources_dir).ruleset)
        assert encode(read_back(render(read_ruleset(one)))) == one


def test_decompiled_markdown_is_recognised_whatever_its_name() -> None:
    text = render(RuleSet())
    assert format_for(Path("anything.md"), text) is Format.DECOMPILED
    assert format_for(Path("CLAUDE.md"), text) is Format.DECOMPILED


def test_decompiled_markdown_looks_like_markdown() -> None:
    from drvls.drv.model import Category, SourceRef, Standard

    ruleset = RuleSet(rules=[Standard(Category.NAMING, 0, "Use snake_case", source=SourceRef("CLAUDE.md", 3))],
                      sources=["CLAUDE.md"])
    assert render(ruleset) == (
        '<!-- drv: ruleset format=1 sources=["CLAUDE.md"] -->\n\n'
        '<!-- drv: standard category=naming priority=0 file="CLAUDE.md" line=3 -->\n'
        "- Use snake_case\n")


def test_broken_decompiled_markdown_is_reported_where_it_breaks() -> None:
    text = render(RuleSet()) + "\n<!-- drv: raw lines=3 -->\nonly one line\n"
    parsed = parse_decompiled(text, "x.md")
    assert [d.code for d in parsed.problems] == ["RUL009"]
    assert parsed.problems[0].range.start.line == 2
    stray = render(RuleSet()) + "\nsome stray text\n"
    problems = parse_decompiled(stray, "x.md").problems
    assert [(d.code, d.range.start.line) for d in problems] == [("RUL009", 2)]


def test_signed_file_decompiles_to_the_unsigned_bytes_signature_aside() -> None:
    """Decompile drops the signature; compiling back gives the same bytes but a zero SIGNATURE body."""
    native_reader_or_skip()
    from drvls.drv.model import Category, SourceRef, Standard
    from drvls.drv.reader import open_bytes, read_ruleset
    from drvls.signing.drv_embedded import sign_bytes
    from drvls.signing.keys import PrivateKey

    ruleset = RuleSet(rules=[Standard(Category.GIT, 3, "Sign every commit", source=SourceRef("CLAUDE.md", 4))],
                      sources=["CLAUDE.md"])
    unsigned = encode(ruleset)
    signed = sign_bytes(unsigned, PrivateKey.generate())
    with open_bytes(signed, verify=True) as drv:
        slot = drv.signature_slot()
    assert slot is not None
    start, length = slot
    assert signed != unsigned and signed[start:start + length] != bytes(length)
    assert signed[:start] + bytes(length) + signed[start + length:] == unsigned
    again = encode(read_back(render(read_ruleset(signed))))
    assert again == unsigned
