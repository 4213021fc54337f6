//! Cairn: a small, typed language for clinical practice guidelines.
#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used, clippy::panic))]

pub mod analysis;
pub mod case;
pub mod check;
pub mod diagnostics;
pub mod eval;
pub mod format;
pub mod lsp;
pub mod source;
pub mod syntax;
pub mod testing;
pub mod units;
pub mod value;
