//! Test modules, one per stage or tool.

mod check;
mod syntax;
