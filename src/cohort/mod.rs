//! Cohort stage: a guideline run over a whole cohort held in typed columns.
//!
//! With the default `arrow` feature, [`arrow`] evaluates Arrow record
//! batches (read from Parquet or Arrow IPC by `cairn batch`, or handed over
//! by the Python package) straight from their arrays into fact slots.

#[cfg(feature = "arrow")]
pub mod arrow;
#[cfg(feature = "arrow")]
mod columns;
#[cfg(feature = "arrow")]
mod decode;
#[cfg(feature = "arrow")]
mod encode;
