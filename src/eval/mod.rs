//! Eval stage: runs a checked guideline against a case.

pub mod outcome;
