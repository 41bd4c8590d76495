"""The editor session the signing LSP tests share (a plain module, imported by name)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from drvls.signing.keys import KeyPairFiles
from pygls.uris import from_fs_path
from pytest_lsp import LanguageClient


@dataclass
class Session:
    client: LanguageClient
    root: Path
    keys: KeyPairFiles
    other: KeyPairFiles

    def uri(self, name: str) -> str:
        uri: str | None = from_fs_path(str(self.root / name))
        assert uri is not None
        return uri
