//! Test modules, one per stage or tool.

mod case;
mod syntax;
