//! Test modules, one per stage or tool.

mod editors;
mod lsp;
mod syntax;
