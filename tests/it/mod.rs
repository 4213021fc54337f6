//! Test modules, one per stage or tool.

mod case;
mod check;
mod editors;
mod guideline;
mod lsp;
mod syntax;
