//! FHIR stage: reading a guideline's facts from FHIR R4 resources.
//!
//! - `path`: the FHIRPath subset bindings are written in;
//! - `binding*`, `check*`: binding files (TOML, one per guideline and data
//!   source) and their check against the guideline ([`load_binding`]);
//! - `extract*`: facts from a patient's resources, with provenance
//!   ([`extract`]).

pub mod binding;
pub mod binding_error;
mod binding_toml;
mod binding_valueset;
mod check;
mod check_read;
mod check_resources;
mod check_shape;
mod check_value;
pub mod path;

pub use binding::Binding;
pub use check::load_binding;
