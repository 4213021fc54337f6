//! lsp stage.
