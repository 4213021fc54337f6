//! FHIR stage: reading a patient's data from FHIR R4 resources.
//!
//! - [`path`]: the FHIRPath subset the bindings use to find and read
//!   elements of a resource.
pub mod path;
