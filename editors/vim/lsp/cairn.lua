-- Neovim 0.11+: `vim.lsp.enable("cairn")` starts `cairn lsp` for Cairn buffers.
return {
  cmd = { "cairn", "lsp" },
  filetypes = { "cairn" },
  root_markers = { ".git" },
}
