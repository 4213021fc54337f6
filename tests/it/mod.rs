//! Test modules, one per stage or tool.

mod lsp;
mod syntax;
