"""Each Microkit code action through the real server: offered at its diagnostic, and applying it
leaves a system without errors (the fix cures what the diagnostic says, and breaks nothing else)."""

from __future__ import annotations

from pathlib import Path

import pytest
from action_support import actions_at, applied, errors, replace_text
from drvls.core.code_actions import actions
from drvls.core.config import Settings
from drvls.core.engine import check_source
from drvls.core.languages import AnalysisContext, DiskWorkspace, SourceFile
from lsp_support import Editor, needs_microkit
from lsprotocol import types

pytestmark = needs_microkit

BASE = """<?xml version="1.0" encoding="UTF-8"?>
<system>
    <memory_region name="buffer" size="0x1000" />
    <protection_domain name="client" priority="10">
        <program_image path="client.elf" />
        <map mr="buffer" vaddr="0x4000000" perms="rw" />
    </protection_domain>
    <protection_domain name="server" priority="20">
        <program_image path="server.elf" />
    </protection_domain>
    <channel>
        <end pd="client" id="0" />
        <end pd="server" id="0" />
    </channel>
</system>
"""
SECOND_CHANNEL = """    <channel>
        <end pd="client" id="0" />
        <end pd="server" id="1" />
    </channel>
</system>"""

# (case, broken text, code, words of the action's title, whether `--fix` may apply it)
CASES = [
    ("vaddr", BASE.replace('vaddr="0x4000000"', 'vaddr="0x4000100"'), "MK034", "Round vaddr up", True),
    ("size", BASE.replace('size="0x1000"', 'size="0x1800"'), "MK038", "Round size up", True),
    ("phys_addr", BASE.replace('size="0x1000" />', 'size="0x1000" phys_addr="0x10000100" />'), "MK041",
     "Round phys_addr down", True),
    ("write-only", BASE.replace('perms="rw"', 'perms="w"'), "MK030", "read-write", True),
    ("free channel id", BASE.replace("</system>", SECOND_CHANNEL), "MK055", "free channel id 1", False),
    ("closest name", BASE.replace('mr="buffer"', 'mr="bufer"'), "MK033", "memory region 'buffer'", False),
    ("closest pd", BASE.replace('<end pd="server"', '<end pd="servr"'), "MK060", "protection domain 'server'",
     False),
    ("create region", BASE.replace('mr="buffer"', 'mr="scratch"'), "MK033", "Create the memory region", False),
    ("program_image", BASE.replace('        <program_image path="server.elf" />\n', ""), "MK017",
     "Add <program_image", False),
    ("program_image, self-closed", BASE.replace('priority="20">\n        <program_image path="server.elf" />\n'
                                                "    </protection_domain>", 'priority="20" />'), "MK017",
     "Add <program_image", False),
    ("duplicate", BASE.replace('    <memory_region name="buffer" size="0x1000" />\n',
                               '    <memory_region name="buffer" size="0x1000" />\n' * 2), "MK037",
     "Rename this one to 'buffer_2'", False),
]


@pytest.mark.parametrize(("text", "code", "title"), [c[1:4] for c in CASES], ids=[c[0] for c in CASES])
async def test_action_is_offered_at_its_diagnostic_and_cures_the_file(editor: Editor, text: str, code: str,
                                                                      title: str) -> None:
    uri = editor.open("broken.system", text)
    diagnostics = await editor.diagnostics(uri)
    (diag,) = [d for d in diagnostics if d.code == code]
    offered = await actions_at(editor, uri, diag.range, [diag])
    chosen = [a for a in offered if title in a.title]
    assert chosen, f"no action with {title!r} among {[a.title for a in offered]}"
    assert list(chosen[0].diagnostics or []) == [diag]
    fixed = applied(text, uri, chosen[0])
    assert errors(await replace_text(editor, uri, fixed)) == []


@pytest.mark.parametrize(("text", "code", "safe"), [(c[1], c[2], c[4]) for c in CASES], ids=[c[0] for c in CASES])
def test_only_the_decided_fixes_are_safe(text: str, code: str, safe: bool, tmp_path: Path) -> None:
    """`--fix` applies page rounding, write-only perms and legacy `pp` only: the issue's decision."""
    path = tmp_path / "broken.system"
    ctx = AnalysisContext(Settings({}), DiskWorkspace([tmp_path]))
    analysis = check_source(SourceFile(path=path, data=text.encode(), text=""), ctx)
    mine = [a for a in actions(path, text, analysis) if a.code == code]
    assert mine and all(a.fix.safe is safe for a in mine)


async def test_no_quick_fix_away_from_the_diagnostics(editor: Editor) -> None:
    text = BASE.replace('perms="rw"', 'perms="w"')
    uri = editor.open("broken.system", text)
    await editor.diagnostics(uri)
    first_line = types.Range(start=types.Position(line=0, character=0), end=types.Position(line=0, character=1))
    assert await actions_at(editor, uri, first_line, []) == []
