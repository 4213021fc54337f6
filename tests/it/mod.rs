//! Test modules, one per stage or tool.

mod case;
mod check;
mod cli;
mod editors;
mod eval;
mod format;
mod guideline;
mod lsp;
mod syntax;
mod testing;
