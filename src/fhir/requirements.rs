//! FHIR stage, data requirements: what a guideline reads from a data
//! source, as a FHIR R4 `Library` of type `module-definition` (`cairn fhir
//! requirements`), so an integrator sees every resource and code the
//! binding fetches before any patient is run.
//!
//! One `dataRequirement` per shape of every bound fact, in the guideline's
//! declaration order (`requirements_shape` gives the mapping); facts read
//! from the as-of date need no data and have none. The Library names the
//! guideline it is derived from (`relatedArtifact`), and its facts the
//! binding leaves unbound are listed, with their reasons, as requirements
//! of type `Any` carrying Cairn's unbound extension.

use super::binding::Binding;
use super::guidance_ids::{fhir_id, guideline_uri};
use super::requirements_shape::{fact_requirement, fact_requirements};
use crate::check::Checked;
use serde_json::{json, Value};

/// The Library of the data requirements of `checked` through `binding`;
/// with `as_of`, date filters end on it.
pub fn library(checked: &Checked, binding: &Binding, as_of: Option<&str>) -> Value {
    let meta = &checked.model.meta;
    let mut requirements = Vec::new();
    for fb in binding.facts() {
        let reqs = fact_requirements(Some(binding), &fb.name, as_of);
        // The as-of date is not data: its facts have no requirement.
        if fb
            .shapes
            .iter()
            .all(|s| matches!(s, super::binding::Shape::AsOf))
        {
            continue;
        }
        requirements.extend(reqs);
    }
    for (fact, reason) in binding.unbound() {
        requirements.push(fact_requirement(fact, Some(reason)));
    }
    let status = match meta.status.as_str() {
        "active" => "active",
        "retired" => "retired",
        _ => "draft",
    };
    let content = format!(
        "{}|{}|{}",
        meta.version,
        binding.source(),
        binding.version().unwrap_or("")
    );
    let mut artifacts = vec![json!({
        "type": "derived-from",
        "display": meta.title,
        "resource": guideline_uri(&meta.id, &meta.version),
    })];
    if !meta.source.is_empty() {
        artifacts[0]["citation"] = json!(meta.source);
    }
    let mut lib = json!({
        "resourceType": "Library",
        "id": fhir_id("cairn", &format!("{}-requirements", meta.id), Some(&content)),
        "url": format!("{}:data-requirements", guideline_uri(&meta.id, &meta.version)),
        "version": meta.version,
        "name": computable_name(&meta.id),
        "title": format!("Data requirements of {} ({})", meta.title, binding.source()),
        "status": status,
        "experimental": status == "draft",
        "type": { "coding": [{
            "system": "http://terminology.hl7.org/CodeSystem/library-type",
            "code": "module-definition",
            "display": "Module Definition",
        }] },
        "relatedArtifact": artifacts,
    });
    if let Some(d) = &meta.source_date {
        lib["date"] = json!(d);
    }
    if !requirements.is_empty() {
        lib["dataRequirement"] = Value::Array(requirements);
    }
    lib
}

/// A computable name (`RpsInitialManagementDataRequirements`): FHIR's
/// name rule, a capital letter then letters, digits and `_`.
fn computable_name(id: &str) -> String {
    let mut name: String = id
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| {
            let mut cs = w.chars();
            cs.next()
                .map(|c| c.to_ascii_uppercase().to_string() + cs.as_str())
                .unwrap_or_default()
        })
        .collect();
    if !name.starts_with(|c: char| c.is_ascii_uppercase()) {
        name.insert(0, 'G');
    }
    name.push_str("DataRequirements");
    name
}
