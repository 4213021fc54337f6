//! Test modules, one per stage or tool.

mod case;
mod check;
mod guideline;
mod lsp;
mod syntax;
