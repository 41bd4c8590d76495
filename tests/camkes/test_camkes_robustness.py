"""Bad input never crashes the analyzer: every malformed text gets located diagnostics instead."""

from __future__ import annotations

from pathlib import Path

from camkes_helpers import camkes_corpus
from drvls.core.config import Settings
from drvls.core.engine import check_source
from drvls.core.languages import AnalysisContext, DiskWorkspace, SourceFile
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

WORDS = ["component", "procedure", "connector", "assembly", "composition", "configuration", "connection",
         "from", "to", "uses", "provides", "emits", "consumes", "dataport", "maybe", "Buf", "attribute",
         "import", "group", "export", "struct", "int", "string", "void", "in", "out", "hardware", "control",
         "has", "mutex", "with", "threads", "Procedure", "Events", "schedule", "ticks", "A", "b", "c.d", "x",
         "{", "}", "(", ")", "[", "]", ";", ",", ".", "=", "<-", "->", ":", "?", "0x10", "010", "1.5", "7",
         '"s"', "<std_connector.camkes>", "/*", "*/", "//", "\n", "-", "**", "/", "0", "true", "dtb"]


def run(text: str, folder: Path) -> None:
    path = folder / "fuzz.camkes"
    ctx = AnalysisContext(Settings({}), DiskWorkspace([folder]))
    found = check_source(SourceFile(path=path, data=text.encode(), text=text), ctx).diagnostics
    assert not [d for d in found if d.code == "DL005"], [d.message for d in found]
    for diag in found:
        assert diag.range.start <= diag.range.end
        assert diag.message


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.sampled_from(WORDS), max_size=60))
def test_token_soup_never_crashes(tmp_path: Path, words: list[str]) -> None:
    run(" ".join(words), tmp_path)


def test_every_prefix_of_a_real_app_is_handled(tmp_path: Path) -> None:
    text = (camkes_corpus() / "seL4__camkes/apps/adder/adder.camkes").read_text(encoding="utf-8")
    body = text[text.index("import"):]
    for end in range(0, len(body), 7):
        run(body[:end], tmp_path)
