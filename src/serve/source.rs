//! Serve stage: a guideline's FHIR binding (`cairn::fhir`) as the
//! [`Source`] of a service's facts.

use super::service::Source;
use crate::check::{Checked, Failed};
use crate::diagnostics::Diagnostics;
use crate::fhir::binding::{Binding, Shape};
use crate::source::SourceMap;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// A checked FHIR binding.
pub struct FhirSource {
    binding: Binding,
}

impl FhirSource {
    /// Loads and checks a binding file's text against its guideline;
    /// `base` is the binding's folder. The warnings come back with it.
    pub fn load(
        checked: &Checked,
        name: &str,
        text: &str,
        base: &Path,
    ) -> Result<(FhirSource, Diagnostics), Failed> {
        let (binding, warnings) = crate::fhir::load_binding(checked, name, text, base)?;
        Ok((FhirSource { binding }, warnings))
    }

    /// The binding's sources (for rendering its warnings).
    pub fn sources(&self) -> &SourceMap {
        self.binding.sources()
    }
}

impl Source for FhirSource {
    fn name(&self) -> &str {
        self.binding.source()
    }

    fn resource_types(&self) -> BTreeSet<String> {
        let mut types = BTreeSet::new();
        for fact in self.binding.facts() {
            for shape in &fact.shapes {
                if let Shape::Resource(r) = shape {
                    types.insert(r.resource.clone());
                }
            }
        }
        types
    }

    fn unbound(&self) -> &BTreeMap<String, String> {
        self.binding.unbound()
    }

    fn extract(&self, checked: &Checked, resources: &[Value], as_of: jiff::civil::Date) -> Value {
        crate::fhir::extract(checked, &self.binding, resources, Some(as_of)).to_case_json()
    }
}
