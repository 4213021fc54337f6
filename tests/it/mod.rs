//! Test modules, one per stage or tool.

mod case;
mod cli;
mod syntax;
mod testing;
