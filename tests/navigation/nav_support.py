"""What the navigation tests share: a real server over stdio on a project folder of real files, and
positions found by the text at them rather than by hand-counted numbers."""

from __future__ import annotations

import asyncio
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

from lsprotocol import types

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "lsp"))
from lsp_support import RECORDING, WAIT, Editor, RecordingClient, start_editor

__all__ = ["RECORDING", "RecordingClient", "start_editor"]

REPO = Path(__file__).resolve().parents[2]
EXAMPLE_RULES = REPO / "examples" / "rules"

# A rule source written the way teams write them: anchors to its own headings, links to files.
CONVENTIONS = """# Conventions

See [naming](#naming) and [the tests](#testing-rules) before you start.

## Naming
- Use snake_case for functions
- Use CamelCase for classes

## Testing rules
- Every bug fix comes with a test
- Run the suite before you push; see [naming](#naming) again

## Links
Read [the reviewer notes](CLAUDE.md) and [the build guide](docs/build.md).
"""


def open_file(client: RecordingClient, path: Path, language_id: str) -> tuple[str, str]:
    """Open a real file in the editor as it is on disk: (URI, text)."""
    text = path.read_text(encoding="utf-8")
    uri = path.as_uri()
    client.editor.versions[uri] = 1
    client.text_document_did_open(types.DidOpenTextDocumentParams(text_document=types.TextDocumentItem(
        uri=uri, language_id=language_id, version=1, text=text)))
    return uri, text


def position(text: str, needle: str, offset: int = 0, occurrence: int = 0) -> types.Position:
    """The position `offset` characters into the `occurrence`-th appearance of `needle` (ASCII text)."""
    start = -1
    for _ in range(occurrence + 1):
        start = text.index(needle, start + 1)
    before = text[: start + offset]
    return types.Position(line=before.count("\n"), character=len(before) - (before.rfind("\n") + 1))


def span(text: str, needle: str, occurrence: int = 0) -> tuple[int, int, int, int]:
    start = position(text, needle, 0, occurrence)
    return (start.line, start.character, start.line, start.character + len(needle))


def as_tuple(rng: types.Range) -> tuple[int, int, int, int]:
    return (rng.start.line, rng.start.character, rng.end.line, rng.end.character)


@dataclass
class Project:
    """The editor, and the rule sources it has open (name → text)."""

    editor: Editor
    texts: dict[str, str]

    def uri(self, name: str) -> str:
        return self.editor.uri(name)

    def doc(self, name: str) -> types.TextDocumentIdentifier:
        return types.TextDocumentIdentifier(uri=self.uri(name))

    async def pull_workspace(self) -> None:
        """A workspace diagnostic pull: the server analyses the closed files too (the `.drv`)."""
        await asyncio.wait_for(self.editor.client.workspace_diagnostic_async(
            types.WorkspaceDiagnosticParams(previous_result_ids=[])), WAIT)


async def open_project(editor: Editor) -> Project:
    """The repository's example rule sources and their compiled `.drv`, plus CONVENTIONS.md, all open
    but the binary `.drv`, which the workspace pull analyses from disk."""
    for name in ("CLAUDE.md", ".cursorrules", "rules.drv"):
        shutil.copyfile(EXAMPLE_RULES / name, editor.root / name)
    editor.write("CONVENTIONS.md", CONVENTIONS)
    texts = {name: (editor.root / name).read_text() for name in ("CLAUDE.md", ".cursorrules", "CONVENTIONS.md")}
    for name, text in texts.items():
        editor.open(name, text, language_id="markdown")
    project = Project(editor, texts)
    await project.pull_workspace()
    return project
