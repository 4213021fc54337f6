//! Test modules, one per stage or tool.

mod analysis;
mod case;
mod check;
mod diff;
mod guideline;
mod lsp;
mod syntax;
