//! Eval stage, the fast forms: the compact per-case program translated
//! from the general code (`fast`, `fast_build`, `fast_plan`, `fast_run`)
//! and the 64-lane batch runner (`batch`). They only make evaluation
//! faster; what they compute is defined by `ir` and checked against it.

pub(crate) mod batch;
pub(crate) mod fast;
pub(crate) mod fast_build;
pub(crate) mod fast_plan;
pub(crate) mod fast_run;
#[cfg(test)]
mod fast_tests;
pub(crate) mod lazy;
pub(crate) mod pick;
#[cfg(test)]
mod pick_tests;
