//! Eval stage, explanation: which facts could decide an undetermined
//! recommendation (`why`), which reads decided each step (`walk`,
//! `record`), the trace built from them (`trace`, with the reasons of
//! `reason` and the value labels and edges of `labels`) and `explain`.

pub(crate) mod explain;
pub(crate) mod labels;
pub(crate) mod reason;
pub(crate) mod record;
pub(crate) mod trace;
pub(crate) mod walk;
#[cfg(test)]
mod walk_tests;
pub(crate) mod why;
