//! FHIR stage: reading a guideline's facts from FHIR R4 resources, and
//! writing its results and requirements as FHIR R4 resources.
//!
//! - [`path`]: the FHIRPath subset bindings are written in, to find and
//!   read elements of a resource;
//! - `binding*`, `check*`: binding files (TOML, one per guideline and data
//!   source) and their check against the guideline ([`load_binding`]);
//! - `extract*`: facts from a patient's resources, with provenance
//!   ([`extract`]);
//! - `guidance*`: an outcome as a `GuidanceResponse` with a contained
//!   `RequestGroup` (`cairn run --format fhir`);
//! - `synth*`: the minimal Bundle a binding reads back as a case
//!   (`cairn fhir synth`);
//! - `requirements*`: a binding's data requirements as a `Library`
//!   (`cairn fhir requirements`);
//! - `ndjson*`: a Bulk Data export read one patient at a time
//!   (`cairn batch --ndjson`).

pub mod binding;
pub mod binding_error;
mod binding_toml;
mod binding_valueset;
mod check;
mod check_reach;
mod check_read;
mod check_resources;
mod check_shape;
mod check_value;
mod extract;
mod extract_bundle;
mod extract_read;
pub mod extract_warning;
pub mod guidance;
mod guidance_actions;
pub mod guidance_ids;
pub mod ndjson;
pub mod ndjson_error;
pub mod path;
pub mod requirements;
pub mod requirements_shape;
pub mod synth;
pub mod synth_error;
mod synth_path;
mod synth_shape;

pub use binding::Binding;
pub use check::load_binding;
pub use extract::{extract, Extracted};
pub use extract_bundle::{bundle_resources, BundleError};
pub use extract_warning::ExtractWarning;
