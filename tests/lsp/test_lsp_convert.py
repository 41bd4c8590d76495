"""Core diagnostics → LSP diagnostics: severities, rule links, related locations in other files."""

from __future__ import annotations

from pathlib import Path

from drvls.core import diagnostics as core
from drvls.lsp import convert
from drvls.lsp.documents import BufferWorkspace, DocumentStore
from lsp_support import units
from lsprotocol import types


def test_severities_map_onto_lsp_order() -> None:
    assert convert.severity(core.Severity.ERROR) == types.DiagnosticSeverity.Error
    assert convert.severity(core.Severity.WARNING) == types.DiagnosticSeverity.Warning
    assert convert.severity(core.Severity.INFORMATION) == types.DiagnosticSeverity.Information
    assert convert.severity(core.Severity.HINT) == types.DiagnosticSeverity.Hint


def test_related_location_in_another_file_uses_that_files_text(tmp_path: Path) -> None:
    other = tmp_path / "other.camkes"
    other_line = "component Ünïcode😀 { }"
    other.write_text(f"// first\n{other_line}\n", encoding="utf-8")
    here = tmp_path / "here.camkes"
    text = "x 😀 y\n"
    start = other_line.index("{")
    diag = core.Diagnostic(
        code="CK999", severity=core.Severity.WARNING, message="m", range=core.Range.at(0, 4, 0, 5),
        related=(core.RelatedLocation(str(other), core.Range.at(1, start, 1, start + 1), "defined here"),
                 core.RelatedLocation(None, core.Range.at(0, 0, 0, 1), "same file")))
    view = BufferWorkspace(DocumentStore())
    (out,) = convert.diagnostics([diag], here.as_uri(), here, text, "utf-16", view.read_text,
                                 "https://example.invalid/rules#{code_lower}")
    assert out.range == types.Range(start=types.Position(line=0, character=5), end=types.Position(line=0, character=6))
    assert out.code_description is not None and out.code_description.href.endswith("#ck999")
    assert out.related_information is not None
    far, near = out.related_information
    assert far.location.uri == other.as_uri()
    assert far.location.range.start.character == units(other_line[:start], "utf-16")
    assert far.message == "defined here"
    assert near.location.uri == here.as_uri()


def test_related_location_in_an_unreadable_file_keeps_code_points(tmp_path: Path) -> None:
    missing = tmp_path / "gone.camkes"
    diag = core.Diagnostic(code="CK999", severity=core.Severity.ERROR, message="m", range=core.ZERO_RANGE,
                           related=(core.RelatedLocation(str(missing), core.Range.at(3, 7, 3, 9), "was here"),))
    here = tmp_path / "x.camkes"
    (out,) = convert.diagnostics([diag], here.as_uri(), here, "", "utf-16",
                                 BufferWorkspace(DocumentStore()).read_text)
    assert out.related_information is not None
    assert out.related_information[0].location.range.start == types.Position(line=3, character=7)


def _findings(path: Path) -> list[core.Diagnostic]:
    """Findings with every optional part: related locations here and elsewhere, fixes, data."""
    return [
        core.Diagnostic(code="MK201", severity=core.Severity.WARNING, message="plain", range=core.Range.at(0, 0, 0, 3)),
        core.Diagnostic(code="CK999", severity=core.Severity.ERROR, message="with related",
                        range=core.Range.at(1, 2, 1, 4),
                        related=(core.RelatedLocation(None, core.Range.at(0, 0, 0, 1), "same file"),
                                 core.RelatedLocation(str(path.parent / "other.camkes"), core.ZERO_RANGE, "elsewhere")),
                        data={"key": "value"}),
    ]


def test_json_diagnostics_are_what_the_protocols_converter_makes(tmp_path: Path) -> None:
    here = tmp_path / "here.camkes"
    read_text = BufferWorkspace(DocumentStore()).read_text
    made = convert.converter()
    for text, encoding in (("abc\n  defg\n", "utf-16"), ("a😀c\n  dëfg\n", "utf-16"), ("a😀c\n  dëfg\n", "utf-8")):
        expected = [made.unstructure(d) for d in convert.diagnostics(
            _findings(here), here.as_uri(), here, text, encoding, read_text, "https://example.invalid/{code}")]
        sent = convert.diagnostics_json(_findings(here), here.as_uri(), here, text, encoding, read_text,
                                        "https://example.invalid/{code}")
        assert sent == expected
        published = made.unstructure(types.PublishDiagnosticsParams(uri=here.as_uri(), diagnostics=sent, version=3))
        assert published == {"uri": here.as_uri(), "version": 3, "diagnostics": expected}


def test_an_unchanged_diagnostic_is_converted_once_and_one_read_elsewhere_again(tmp_path: Path) -> None:
    here = tmp_path / "here.camkes"
    read_text = BufferWorkspace(DocumentStore()).read_text
    first = convert.diagnostics_json(_findings(here), here.as_uri(), here, "abc\n  defg\n", "utf-16", read_text)
    again = convert.diagnostics_json(_findings(here), here.as_uri(), here, "abc\n  defg\n", "utf-16", read_text)
    assert again == first
    assert again[0] is first[0]  # equal finding, same text positions: the JSON already made
    assert again[1] is not first[1]  # its related location reads another file, which may have changed
