-- Neovim attaches to `cairn lsp` and receives the checker's diagnostics.
-- Run by editors/test.sh:
--   (Neovim 0.7 has no -l, hence -c luafile)
--   nvim --headless -u NONE -i NONE -c "luafile editors/vim/test/nvim_lsp.lua"
local here = vim.fn.fnamemodify(debug.getinfo(1, "S").source:sub(2), ":p:h")
local runtime = vim.fn.fnamemodify(here, ":h")
vim.opt.runtimepath:prepend(runtime)
vim.cmd("filetype plugin indent on")
vim.cmd("syntax on")

local function fail(message)
  io.stderr:write("nvim lsp test: " .. message .. "\n")
  vim.cmd("cquit! 1")
end

-- A Lua error must fail the test, not leave a headless Neovim waiting.
local ok, err = pcall(function()
  local bin = os.getenv("CAIRN_BIN") or "cairn"
  require("cairn.lsp").setup({ cmd = { bin, "lsp" } })

  local dir = vim.fn.tempname()
  vim.fn.mkdir(dir, "p")
  local file = dir .. "/guide.cairn"
  vim.fn.writefile({
    'fact grade "Grade ≥ μ": integer 1 to 3',
    'suggest r { when grade = 1 and naiv statement "x" }',
  }, file)
  vim.cmd("edit " .. vim.fn.fnameescape(file))
  if vim.bo.filetype ~= "cairn" then
    fail("filetype is " .. vim.bo.filetype)
  end

  local found
  vim.wait(20000, function()
    for _, d in ipairs(vim.diagnostic.get(0)) do
      if d.code == "cairn::check::unknown_name" then
        found = d
        return true
      end
    end
    return false
  end, 50)
  if not found then
    fail("no unknown_name diagnostic; got " .. vim.inspect(vim.diagnostic.get(0)))
  end
  -- `naiv` is on line 2 (0-based 1) at byte column 31.
  if found.lnum ~= 1 or found.col ~= 31 then
    fail("diagnostic at " .. found.lnum .. ":" .. found.col)
  end

  -- Hover text comes back for the fact under the cursor.
  local params = { textDocument = { uri = vim.uri_from_fname(file) }, position = { line = 1, character = 18 } }
  local results = vim.lsp.buf_request_sync(0, "textDocument/hover", params, 10000) or {}
  local text = ""
  for _, r in pairs(results) do
    if r.result then
      text = r.result.contents.value
    end
  end
  if not text:find("integer 1 to 3", 1, true) then
    fail("hover was " .. vim.inspect(text))
  end

end)
if not ok then
  fail(tostring(err))
end

print("nvim lsp test: ok")
vim.lsp.stop_client(vim.lsp.get_active_clients())
vim.cmd("qall!")
