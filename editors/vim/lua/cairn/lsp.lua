-- Neovim: starts `cairn lsp` for every Cairn buffer.
--
--   require("cairn.lsp").setup()                      -- `cairn` on $PATH
--   require("cairn.lsp").setup({ cmd = { "/path/to/cairn", "lsp" } })
--
-- Works with Neovim 0.7 and later; on 0.11 and later `vim.lsp.enable("cairn")`
-- with the config in lsp/cairn.lua does the same.
local M = {}

M.defaults = {
  name = "cairn",
  cmd = { "cairn", "lsp" },
  root_markers = { ".git" },
}

local function root_dir(bufnr, markers)
  local path = vim.api.nvim_buf_get_name(bufnr)
  local dir = vim.fn.fnamemodify(path, ":p:h")
  for _, marker in ipairs(markers) do
    local found = vim.fn.finddir(marker, dir .. ";")
    if found == "" then
      found = vim.fn.findfile(marker, dir .. ";")
    end
    if found ~= "" then
      return vim.fn.fnamemodify(found, ":p:h:h")
    end
  end
  return dir
end

-- Starts (or reuses) a client for `bufnr`.
function M.attach(bufnr, opts)
  opts = vim.tbl_extend("force", M.defaults, opts or {})
  local config = {
    name = opts.name,
    cmd = opts.cmd,
    root_dir = root_dir(bufnr, opts.root_markers),
    on_attach = opts.on_attach,
    capabilities = opts.capabilities,
  }
  if vim.lsp.start then
    return vim.lsp.start(config, { bufnr = bufnr })
  end
  -- Neovim 0.7: no vim.lsp.start; keep one client per root folder.
  M.clients = M.clients or {}
  local id = M.clients[config.root_dir]
  if not id or vim.lsp.client_is_stopped(id) then
    id = vim.lsp.start_client(config)
    M.clients[config.root_dir] = id
  end
  if id then
    vim.lsp.buf_attach_client(bufnr, id)
  end
  return id
end

-- Attaches to every Cairn buffer opened from now on.
function M.setup(opts)
  local group = vim.api.nvim_create_augroup("cairn_lsp", { clear = true })
  vim.api.nvim_create_autocmd("FileType", {
    group = group,
    pattern = "cairn",
    callback = function(args)
      M.attach(args.buf, opts)
    end,
  })
end

return M
