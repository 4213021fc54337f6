//! Test modules, one per stage or tool.

mod syntax;
mod eval;
