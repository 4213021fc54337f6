//! Test modules, one per stage or tool.

mod case;
mod check;
mod syntax;
mod guideline;
