"""Debian's Neovim (0.7, built-in client, `vim.lsp.start_client`) against the real `drvls serve`: a corpus
file's diagnostics appear and clear with edits, and editing an imported CAmkES component re-checks the app."""

from __future__ import annotations

from pathlib import Path

import pytest
from editor_support import editor_binary, make_project, run_script

pytestmark = pytest.mark.slow


def nvim_args(nvim: str) -> list[str]:
    return [nvim, "--headless", "--clean", "-u", "NONE", "-c", "luafile {script}"]

SCRIPT = r"""
local out = io.open(vim.env.DRVLS_OUT, "w")
local function say(text) out:write(text .. "\n"); out:flush() end
local function codes(buf)
  local found = {}
  for _, d in ipairs(vim.diagnostic.get(buf)) do table.insert(found, string.format("%s@%d", d.code or "?", d.lnum)) end
  table.sort(found)
  return table.concat(found, ",")
end
local function wait_for(buf, present, absent)
  vim.wait(30000, function()
    local now = codes(buf)
    return (present == nil or now:find(present, 1, true) ~= nil) and (absent == nil or now:find(absent, 1, true) == nil)
  end, 50)
  return codes(buf)
end
vim.cmd("autocmd BufRead,BufNewFile *.camkes,*.idl4 setfiletype camkes")
local id = vim.lsp.start_client({
  name = "drvls",
  cmd = { vim.env.DRVLS_PYTHON, "-m", "drvls", "serve" },
  root_dir = vim.fn.getcwd(),
  settings = { drvls = { debounce = 0 } },
})

-- A corpus file: clean; a broken reference is reported at its place; undoing it clears it.
vim.cmd("edit file.system")
local system = vim.api.nvim_get_current_buf()
vim.lsp.buf_attach_client(system, id)
vim.wait(20000, function() return vim.lsp.buf_is_attached(system, id) end, 50)
local line, col = tonumber(vim.env.REF_LINE), tonumber(vim.env.REF_COL)
vim.api.nvim_buf_set_text(system, line, col, line, col, { "x" })
say("broken " .. wait_for(system, "MK033@" .. line, nil))
vim.api.nvim_buf_set_text(system, line, col, line, col + 1, { "" })
say("restored " .. wait_for(system, nil, "MK033"))

-- A dependency change: editing the imported component re-checks the app that imports it.
vim.cmd("edit app.camkes")
local app = vim.api.nvim_get_current_buf()
vim.lsp.buf_attach_client(app, id)
vim.wait(3000, function() return false end, 50)
say("app " .. codes(app))
vim.cmd("edit comp.camkes")
local comp = vim.api.nvim_get_current_buf()
vim.lsp.buf_attach_client(comp, id)
vim.wait(2000, function() return false end, 50)
vim.api.nvim_buf_set_text(comp, 2, 15, 2, 16, { "p" })  -- uses Iface o; -> uses Iface p;
wait_for(app, "CK005", nil)
say("app after dependency change " .. codes(app))

vim.lsp.stop_client(id)
out:close()
vim.cmd("qa!")
"""


def test_neovim_shows_diagnostics_and_follows_a_dependency_change(tmp_path: Path) -> None:
    nvim = editor_binary("nvim", "apt-get install neovim")
    project = make_project(tmp_path)
    done, lines = run_script(nvim_args(nvim), SCRIPT, ".lua", project, tmp_path)
    assert done.returncode == 0, (lines, done.stderr[-2000:])
    line = project.map_reference[0]
    assert lines[0].startswith("broken ") and f"MK033@{line}" in lines[0].removeprefix("broken ").split(","), lines
    assert lines[1] == "restored ", lines  # the corpus file is clean again
    assert "CK005" not in lines[2], lines  # the app checks clean with its imports
    assert lines[3].startswith("app after dependency change ") and "CK005@12" in lines[3], lines


DEFINITION = r"""
local out = io.open(vim.env.DRVLS_OUT, "w")
local id = vim.lsp.start_client({ name = "drvls", cmd = { vim.env.DRVLS_PYTHON, "-m", "drvls", "serve" },
                                   root_dir = vim.fn.getcwd(), settings = { drvls = { debounce = 0 } } })
vim.cmd("edit file.system")
vim.lsp.buf_attach_client(0, id)
vim.wait(20000, function()
  local client = vim.lsp.get_client_by_id(id)
  return vim.lsp.buf_is_attached(0, id) and client ~= nil and client.initialized == true
end, 50)
vim.wait(500)  -- the server has the buffer before it is asked about it
local params = { textDocument = { uri = vim.uri_from_bufnr(0) },
                 position = { line = tonumber(vim.env.REF_LINE), character = tonumber(vim.env.REF_COL) } }
local replies = vim.lsp.buf_request_sync(0, "textDocument/definition", params, 20000) or {}
for _, reply in pairs(replies) do
  local result = reply.result or {}
  if result.uri or result.targetUri then result = { result } end
  for _, loc in ipairs(result) do
    local uri = loc.uri or loc.targetUri
    local range = loc.range or loc.targetSelectionRange
    out:write(string.format("%s %d\n", vim.uri_to_fname(uri):match("[^/]+$"), range.start.line))
  end
end
out:close()
vim.lsp.stop_client(id)
vim.cmd("qa!")
"""


def test_neovim_goes_to_the_memory_region_a_map_names(tmp_path: Path) -> None:
    """Go to definition on `mr="file_table"` lands on `<memory_region name="file_table">` (key `mr:file_table`)."""
    nvim = editor_binary("nvim", "apt-get install neovim")
    project = make_project(tmp_path)
    done, lines = run_script(nvim_args(nvim), DEFINITION, ".lua", project, tmp_path)
    assert done.returncode == 0, done.stderr[-2000:]
    assert lines == [f"file.system {project.region_line}"]


# The definition script's start-up and position, then a hover request: each line of its Markdown.
HOVER = DEFINITION.split("local replies")[0] + r"""
local replies = vim.lsp.buf_request_sync(0, "textDocument/hover", params, 20000) or {}
for _, reply in pairs(replies) do
  local contents = (reply.result or {}).contents or {}
  out:write((contents.value or "") .. "\n")
end
out:close()
vim.lsp.stop_client(id)
vim.cmd("qa!")
"""


def test_neovim_hover_on_a_map_describes_its_memory_region(tmp_path: Path) -> None:
    """Hover on `mr="file_table"` shows the region's size and every PD that maps it, this map marked."""
    nvim = editor_binary("nvim", "apt-get install neovim")
    project = make_project(tmp_path)
    done, lines = run_script(nvim_args(nvim), HOVER, ".lua", project, tmp_path)
    assert done.returncode == 0, done.stderr[-2000:]
    assert lines and lines[0] == "**memory region** `file_table`", lines
    assert any(line.startswith("- size: ") for line in lines), lines
    assert any("(this map)" in line for line in lines), lines
