//! Test modules, one per stage or tool.

mod analysis;
mod case;
mod check;
mod cli;
mod diff;
mod editors;
mod eval;
mod format;
mod guideline;
mod lsp;
mod reference;
mod syntax;
mod testing;
