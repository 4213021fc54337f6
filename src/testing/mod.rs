//! Testing stage: runs case files with an `expect` block against their
//! guidelines (`cairn test`, and `cargo test` through the same function) and
//! measures how much of the guideline's logic they reach.

pub mod bless;
pub mod compare;
#[cfg(test)]
mod conformance;
pub mod coverage;
pub mod discover;
pub mod filter;
#[doc(hidden)]
pub mod fuzz;
pub mod golden;
pub mod load;
pub mod runner;
pub mod strengths;
pub mod text;

pub use runner::{run, CaseReport, Options, TestReport};
