//! FHIR stage: reading a patient's data from FHIR R4 resources.
//!
//! - [`path`]: the FHIRPath subset the bindings use to find and read
//!   elements of a resource;
//! - `binding*`, `check*`: binding files (TOML, one per guideline and data
//!   source) and their check against the guideline ([`load_binding`]);
//! - `extract*`: facts from a patient's resources, with provenance
//!   ([`extract`]).

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
pub mod path;

pub use binding::Binding;
pub use check::load_binding;
pub use extract::{extract, Extracted};
pub use extract_bundle::{bundle_resources, BundleError};
pub use extract_warning::ExtractWarning;
