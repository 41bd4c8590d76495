"""Where trusted keys come from, and that a repository's own keys are marked in every verdict."""

from __future__ import annotations

import shutil
from pathlib import Path

from drvls.core.config import load_settings
from drvls.signing.evidence import Status
from drvls.signing.sign import sign_path
from drvls.signing.trust import Origin, build_store, load_store, sources_from_settings, user_store_dir
from drvls.signing.verify import verify_file
from signing_support import KeyFiles


def repo_with_config(tmp_path: Path, keys: KeyFiles, table: str = "[signing]\ntrusted_keys = [\"keys/team.pub\"]\n",
                     ) -> Path:
    repo = tmp_path / "repo"
    (repo / "keys").mkdir(parents=True)
    shutil.copy(keys.public_path, repo / "keys" / "team.pub")
    (repo / "drvls.toml").write_text(table)
    return repo


def test_user_store_follows_xdg_config_home(isolated_user_store: Path) -> None:
    assert user_store_dir() == isolated_user_store


def test_repository_keys_are_marked_in_every_verdict(tmp_path: Path, keys: KeyFiles) -> None:
    repo = repo_with_config(tmp_path, keys)
    file = repo / "board.system"
    file.write_text("<system/>\n")
    sign_path(file, keys.key)
    settings = load_settings(file)
    sources = sources_from_settings(settings)
    assert sources.cli == () and sources.repository == (repo / "keys" / "team.pub",)
    verdict = verify_file(file, load_store(sources))
    assert verdict.status is Status.VALID and verdict.repository_only
    assert verdict.trusted_by is not None and verdict.trusted_by.origin is Origin.REPOSITORY
    assert "trusted by the repository itself" in verdict.line()
    assert verdict.to_json()["trusted_by"]["repository_only"] is True


def test_cli_keys_win_over_the_same_key_in_the_repository(tmp_path: Path, keys: KeyFiles) -> None:
    repo = repo_with_config(tmp_path, keys)
    file = repo / "board.system"
    file.write_text("<system/>\n")
    sign_path(file, keys.key)
    settings = load_settings(file, cli={"signing": {"trusted_keys": [str(keys.public_path)]}})
    sources = sources_from_settings(settings)
    assert sources.cli == (keys.public_path,)
    assert sources.repository == (repo / "keys" / "team.pub",)
    verdict = verify_file(file, load_store(sources))
    assert verdict.status is Status.VALID and not verdict.repository_only
    assert verdict.trusted_by is not None and verdict.trusted_by.origin is Origin.COMMAND_LINE


def test_repository_keys_can_be_ignored(tmp_path: Path, keys: KeyFiles) -> None:
    repo = repo_with_config(tmp_path, keys)
    file = repo / "board.system"
    file.write_text("<system/>\n")
    sign_path(file, keys.key)
    sources = sources_from_settings(load_settings(file), use_repository=False)
    assert verify_file(file, load_store(sources)).status is Status.UNTRUSTED


def test_user_trust_store_is_a_folder_of_pub_files(tmp_path: Path, keys: KeyFiles, isolated_user_store: Path) -> None:
    isolated_user_store.mkdir(parents=True)
    shutil.copy(keys.public_path, isolated_user_store / "alice.pub")
    (isolated_user_store / "notes.txt").write_text("ignored: not a .pub file\n")
    file = tmp_path / "board.system"
    file.write_text("<system/>\n")
    sign_path(file, keys.key)
    store = load_store(sources_from_settings(load_settings(file)))
    assert store.problems == []
    verdict = verify_file(file, store)
    assert verdict.status is Status.VALID
    assert verdict.trusted_by is not None and verdict.trusted_by.origin is Origin.USER_STORE
    assert "your trust store" in verdict.line()


def test_unusable_key_sources_are_reported_not_fatal(tmp_path: Path, keys: KeyFiles) -> None:
    folder = tmp_path / "trusted"
    folder.mkdir()
    shutil.copy(keys.public_path, folder / "good.pub")
    (folder / "bad.pub").write_text("ssh-ed25519 AAAA... not ours\n")
    store = build_store(cli=[folder, tmp_path / "absent.pub"])
    assert len(store) == 1
    assert any("bad.pub" in p for p in store.problems)
    assert any("does not exist" in p for p in store.problems)


def test_trust_store_cache_notices_new_keys(tmp_path: Path, keys: KeyFiles, other_keys: KeyFiles) -> None:
    folder = tmp_path / "trusted"
    folder.mkdir()
    shutil.copy(keys.public_path, folder / "a.pub")
    sources = sources_from_settings(load_settings(None), cli=[folder], use_user_store=False)
    assert len(load_store(sources)) == 1
    shutil.copy(other_keys.public_path, folder / "b.pub")
    assert len(load_store(sources)) == 2
