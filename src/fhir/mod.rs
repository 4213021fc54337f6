//! FHIR stage: reading FHIR R4 resources into cases and writing results
//! as FHIR resources.
//!
//! - `guidance`: an outcome as a `GuidanceResponse` with a contained
//!   `RequestGroup` (`cairn run --format fhir`).

pub mod guidance;
mod guidance_actions;
mod guidance_data;
pub mod guidance_ids;
pub mod ndjson;
pub mod ndjson_error;
