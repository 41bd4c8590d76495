"""The signing post-check: required signatures for CI, and the "edited since signing" editor hint."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from drvls.core.config import load_settings
from drvls.core.diagnostics import Diagnostic, Severity
from drvls.core.engine import check_path
from drvls.core.languages import AnalysisContext, DiskWorkspace, SourceFile, analyzer_for
from drvls.signing import codes, drv_embedded
from drvls.signing.post_check import post_check
from drvls.signing.sign import sign_path
from prerequisites import needs, skip_or_fail
from signing_support import KeyFiles, small_v2

SYSTEM = "<system>\n  <memory_region name=\"m\" size=\"0x1000\" />\n</system>\n"


def run(path: Path, data: bytes | None = None, cli: dict[str, Any] | None = None,
        session: dict[str, Any] | None = None) -> list[Diagnostic]:
    raw = path.read_bytes() if data is None else data
    source = SourceFile(path=path, data=raw, text=raw.decode("utf-8", "replace"))
    ctx = AnalysisContext(settings=load_settings(path, cli=cli), workspace=DiskWorkspace(),
                          session={} if session is None else session)
    return post_check(source, ctx).diagnostics


def required(keys: KeyFiles | None = None) -> dict[str, Any]:
    trusted = [str(keys.public_path)] if keys is not None else None
    return {"signing": {"require_signatures": True, "trusted_keys": trusted}}


@pytest.fixture
def system(tmp_path: Path) -> Path:
    path = tmp_path / "board.system"
    path.write_text(SYSTEM)
    return path


def test_nothing_is_reported_for_unsigned_files_by_default(system: Path) -> None:
    assert run(system) == []


def test_editing_a_signed_file_gives_an_information_diagnostic(system: Path, keys: KeyFiles) -> None:
    sign_path(system, keys.key)
    assert run(system) == []  # unchanged: silent (trust is not judged here)
    edited = SYSTEM.replace("0x1000", "0x2000").encode()
    diags = run(system, edited)
    assert [d.code for d in diags] == [codes.EDITED.code]
    assert diags[0].severity is Severity.INFORMATION
    assert "no longer matches (edited since signing" in diags[0].message
    assert diags[0].range.start.line == 0
    assert run(system, edited, cli={"signing": {"show_state": False}}) == []


def test_edited_drv_is_reported_too(tmp_path: Path, keys: KeyFiles) -> None:
    path = tmp_path / "rules.drv"
    path.write_bytes(small_v2())
    sign_path(path, keys.key)
    data = path.read_bytes()
    assert run(path) == []
    # Content changed and the header digest recomputed (as an editor of the binary would), old slot kept.
    slot = drv_embedded.find_slot(data)
    assert slot is not None
    changed = bytearray(data)
    i = changed.index(b"Indent")
    changed[i] = ord("i")
    changed[32:64] = drv_embedded.digest(bytes(changed), slot)
    diags = run(path, bytes(changed))
    assert [d.code for d in diags] == [codes.EDITED.code]


def test_legacy_signature_is_a_warning_in_the_editor(tmp_path: Path) -> None:
    path = tmp_path / "rules.drv"
    path.write_bytes(b"DRV\x00\x01\x00" + bytes(15))
    (tmp_path / "rules.drv.sig").write_bytes(bytes(64))
    diags = run(path)
    assert [(d.code, d.severity) for d in diags] == [(codes.LEGACY.code, Severity.WARNING)]


def test_foreign_sig_files_are_ignored_in_the_editor(system: Path) -> None:
    system.with_name("board.system.sig").write_text("-----BEGIN PGP SIGNATURE-----\n")
    assert run(system) == []


def test_required_missing_untrusted_valid(system: Path, keys: KeyFiles, other_keys: KeyFiles) -> None:
    assert [d.code for d in run(system, cli=required(keys))] == [codes.MISSING.code]
    sign_path(system, other_keys.key)
    diags = run(system, cli=required(keys))
    assert [d.code for d in diags] == [codes.UNTRUSTED.code]
    assert other_keys.public.key_id in diags[0].message
    sign_path(system, keys.key)
    assert run(system, cli=required(keys)) == []
    system.write_text(SYSTEM + "\n")
    diags = run(system, cli=required(keys))
    assert [(d.code, d.severity) for d in diags] == [(codes.STALE.code, Severity.ERROR)]


def test_required_rejects_a_key_only_the_repository_trusts(tmp_path: Path, keys: KeyFiles) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    shutil.copy(keys.public_path, repo / "team.pub")
    (repo / "drvls.toml").write_text('[signing]\ntrusted_keys = ["team.pub"]\n')
    file = repo / "board.system"
    file.write_text(SYSTEM)
    sign_path(file, keys.key)
    diags = run(file, cli={"signing": {"require_signatures": True}})
    assert [d.code for d in diags] == [codes.REPOSITORY_ONLY.code]
    assert "only the repository itself trusts" in diags[0].message
    # The same key passed from outside the repository satisfies the requirement.
    assert run(file, cli=required(keys)) == []


def test_required_legacy_and_invalid_are_errors(tmp_path: Path, keys: KeyFiles) -> None:
    path = tmp_path / "rules.drv"
    path.write_bytes(b"DRV\x00\x01\x00" + bytes(15))
    (tmp_path / "rules.drv.sig").write_bytes(bytes(64))
    diags = run(path, cli=required(keys))
    assert [(d.code, d.severity) for d in diags] == [(codes.LEGACY.code, Severity.ERROR)]
    (tmp_path / "rules.drv.sig").write_text("drvls-signature v1\ngarbage\n")
    diags = run(path, cli=required(keys))
    assert [(d.code, d.severity) for d in diags] == [(codes.INVALID.code, Severity.ERROR)]


def test_unusable_trusted_keys_are_reported_once_per_run(tmp_path: Path, keys: KeyFiles) -> None:
    files = []
    for name in ("a.system", "b.system"):
        path = tmp_path / name
        path.write_text(SYSTEM)
        sign_path(path, keys.key)
        files.append(path)
    cli = {"signing": {"require_signatures": True, "trusted_keys": [str(keys.public_path),
                                                                    str(tmp_path / "missing.pub")]}}
    session: dict[str, Any] = {}
    first = run(files[0], cli=cli, session=session)
    second = run(files[1], cli=cli, session=session)
    assert [d.code for d in first] == [codes.TRUST_CONFIG.code]
    assert second == []


@needs(analyzer_for(Path("x.system")) is not None, "the Microkit analyzer is not in this build")
def test_the_engine_runs_the_post_check_for_analysed_files(system: Path, keys: KeyFiles) -> None:
    ctx = AnalysisContext(settings=load_settings(system, cli=required(keys)), workspace=DiskWorkspace())
    codes_found = [d.code for d in check_path(system, ctx).diagnostics]
    assert codes.MISSING.code in codes_found
    sign_path(system, keys.key)
    ctx = AnalysisContext(settings=load_settings(system, cli=required(keys)), workspace=DiskWorkspace())
    assert not [c for c in (d.code for d in check_path(system, ctx).diagnostics) if c.startswith("SIG")]


def microkit_analyzer() -> Any:
    try:
        from drvls.microkit.analyzer import ANALYZER
    except ModuleNotFoundError:
        skip_or_fail("the Microkit analyzer is not in this build")
    return ANALYZER


def engine_codes(path: Path, cli: dict[str, Any]) -> list[str]:
    from drvls.core.engine import check_source

    raw = path.read_bytes()
    source = SourceFile(path=path, data=raw, text=raw.decode())
    ctx = AnalysisContext(settings=load_settings(path, cli=cli), workspace=DiskWorkspace())
    return [d.code for d in check_source(source, ctx, microkit_analyzer()).diagnostics]


def test_required_signatures_cannot_be_excused_by_the_file_or_its_repository(
        tmp_path: Path, keys: KeyFiles) -> None:
    analyzer = microkit_analyzer()
    assert analyzer is not None
    file = tmp_path / "board.system"
    file.write_text("<!-- drvls: ignore -->\n" + SYSTEM)
    (tmp_path / "drvls.toml").write_text('select = ["MK", "SIG"]\nignore = ["SIG"]\n')
    assert codes.MISSING.code in engine_codes(file, required(keys))
    sign_path(file, keys.key)
    file.write_text("<!-- drvls: ignore[SIG004] -->\n" + SYSTEM)
    assert codes.STALE.code in engine_codes(file, required(keys))
    # Without the requirement, the editor hint is an ordinary diagnostic: the file may silence it.
    assert codes.EDITED.code not in engine_codes(file, {})
    (tmp_path / "drvls.toml").unlink()
    file.write_text(SYSTEM + "<!-- edited -->\n")
    assert codes.EDITED.code in engine_codes(file, {})


def test_a_bom_dropped_by_the_editor_is_not_an_edit(tmp_path: Path, keys: KeyFiles) -> None:
    path = tmp_path / "board.system"
    path.write_bytes(b"\xef\xbb\xbf" + SYSTEM.encode())
    sign_path(path, keys.key)
    assert run(path, SYSTEM.encode()) == []  # the buffer as an editor sends it: no BOM
    assert run(path, SYSTEM.encode(), cli=required(keys)) == []
    assert [d.code for d in run(path, (SYSTEM + "\n").encode())] == [codes.EDITED.code]
    path.write_bytes(SYSTEM.encode())  # a file without a BOM gets none added
    assert [d.code for d in run(path, SYSTEM.encode())] == [codes.EDITED.code]


def test_results_depend_on_the_sig_and_in_required_mode_on_the_trusted_keys(system: Path, keys: KeyFiles) -> None:
    source = SourceFile(path=system, data=system.read_bytes(), text=system.read_text())
    shown = post_check(source, AnalysisContext(settings=load_settings(system), workspace=DiskWorkspace()))
    assert shown.dependencies == {system.with_name("board.system.sig")} and not shown.enforced
    ctx = AnalysisContext(settings=load_settings(system, cli=required(keys)), workspace=DiskWorkspace())
    demanded = post_check(source, ctx)
    assert demanded.enforced
    assert {system.with_name("board.system.sig"), keys.public_path} <= demanded.dependencies
