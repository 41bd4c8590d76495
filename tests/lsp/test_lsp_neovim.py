"""A real editor: headless Neovim (0.7 or later, built-in client, published diagnostics) runs
`drvls serve`, shows the diagnostic at its exact place, and drops it after an in-buffer fix."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from lsp_support import needs_microkit, server_env
from prerequisites import skip_or_fail

pytestmark = [needs_microkit]

SYSTEM = ('<?xml version="1.0"?>\n<system>\n  <protection_domain name="a" priority="300">\n'
          '    <program_image path="a.elf" />\n  </protection_domain>\n</system>\n')

SCRIPT = r"""
local out = io.open(vim.env.DRVLS_SMOKE_OUT, "w")
local function report(tag)
  for _, d in ipairs(vim.diagnostic.get(0)) do
    out:write(string.format("%s %s %d %d %d %d\n", tag, d.code or "?", d.lnum, d.col, d.end_lnum, d.end_col))
  end
  out:write(tag .. " done\n")
end
local id = vim.lsp.start_client({
  name = "drvls",
  cmd = { vim.env.DRVLS_PYTHON, "-m", "drvls", "serve" },
  root_dir = vim.fn.getcwd(),
  settings = { drvls = { debounce = 0 } },
})
vim.cmd("edit a.system")
vim.lsp.buf_attach_client(0, id)
vim.wait(20000, function() return #vim.diagnostic.get(0) > 0 end, 50)
report("open")
vim.api.nvim_buf_set_text(0, 2, 42, 2, 43, { "" })  -- priority="300" -> "30"
vim.wait(20000, function() return #vim.diagnostic.get(0) == 0 end, 50)
report("fixed")
vim.lsp.stop_client(id)
out:close()
vim.cmd("qa!")
"""


def test_neovim_shows_then_clears_the_diagnostic(tmp_path: Path) -> None:
    if shutil.which("nvim") is None:
        skip_or_fail("Neovim (nvim) is not installed (apt-get install neovim; .ci/run installs it)")
    (tmp_path / "a.system").write_text(SYSTEM, encoding="utf-8")
    (tmp_path / "drvls.toml").write_text('ignore = ["MK201"]  # its program image is not built\n', encoding="utf-8")
    (tmp_path / "smoke.lua").write_text(SCRIPT, encoding="utf-8")
    out = tmp_path / "out.txt"
    env = {**server_env(), "DRVLS_SMOKE_OUT": str(out), "DRVLS_PYTHON": sys.executable,
           "HOME": str(tmp_path), "XDG_STATE_HOME": str(tmp_path), "XDG_DATA_HOME": str(tmp_path)}
    subprocess.run(["nvim", "--headless", "--clean", "-u", "NONE", "-c", "luafile smoke.lua"],
                   cwd=tmp_path, env=env, timeout=90, check=True, capture_output=True)
    assert out.read_text(encoding="utf-8").splitlines() == [
        "open MK020 2 40 2 43",
        "open done",
        "fixed done",
    ]
