//! Test modules, one per stage or tool.

mod format;
mod syntax;
