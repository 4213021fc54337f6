//! Test modules, one per stage or tool.

mod case;
mod check;
mod format;
mod guideline;
mod lsp;
mod reference;
mod syntax;
