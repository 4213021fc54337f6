//! FHIR stage, synthesis: the minimal FHIR R4 Bundle that a binding reads
//! back as a given case (`cairn fhir synth`).
//!
//! The Bundle (type `collection`) holds a Patient and one resource per
//! known fact, made by the first shape of the fact's binding that can give
//! the fact's value (`synth_shape`); facts a Patient shape reads are
//! written into the one Patient. A fact whose value the binding's closed
//! world gives by absence gets no resource. A fact that no shape can give
//! (nor the guideline's `absent means`), an unbound fact the case knows, or
//! an unknown fact the closed world would turn into a value, is an error
//! naming the fact: the bundle would not extract to the case, and a
//! round-trip test that passed on it would prove nothing.
//!
//! A fact bound to `from = "as_of"` is not in the bundle: its value is the
//! extraction's as-of date, returned in [`Synth::as_of`].

use super::binding::{Binding, Pick, Shape};
use super::guidance_ids::fhir_id;
use super::synth_error::SynthError;
use super::synth_shape::{produce, shown, Ctx};
use crate::check::Checked;
use serde_json::{json, Map, Value};

/// A synthesized bundle.
#[derive(Debug, Clone, PartialEq)]
pub struct Synth {
    /// The Bundle.
    pub bundle: Value,
    /// The as-of date to extract it with (`YYYY-MM-DD`), when a fact the
    /// case knows is bound to `from = "as_of"`.
    pub as_of: Option<String>,
}

/// Resource types whose patient is in `patient`, not `subject`.
const PATIENT_FIELD: &[&str] = &[
    "AllergyIntolerance",
    "Immunization",
    "FamilyMemberHistory",
    "Claim",
    "ExplanationOfBenefit",
    "ImmunizationRecommendation",
];

/// The bundle that `binding` reads back as the facts of `case` (a case
/// file's JSON: `{"facts": {...}}`), or every fact it cannot carry.
pub fn synth(checked: &Checked, binding: &Binding, case: &Value) -> Result<Synth, Vec<SynthError>> {
    let model = &checked.model;
    let empty = Map::new();
    let facts = case.get("facts").and_then(Value::as_object).unwrap_or(&empty);
    let content = serde_json::to_string(facts).unwrap_or_default();
    let patient_id = fhir_id("cairn", "patient", Some(&content));
    let mut patient = Map::new();
    let mut resources: Vec<Value> = Vec::new();
    let mut errors = Vec::new();
    let as_of = as_of_value(binding, facts, &mut errors);
    // The date a date-ordered pick sees: the as-of date, else the case's
    // latest date (so no resource is dated after anything it explains).
    let latest = facts
        .values()
        .filter_map(Value::as_str)
        .filter(|s| crate::value::parse_date(s).is_some())
        .max()
        .map(str::to_string);
    let date = as_of.clone().or(latest);
    for list in &model.lists {
        if facts.get(&list.name).is_some_and(|v| !v.is_null()) {
            errors.push(SynthError::List { fact: list.name.clone() });
        }
    }
    for info in &model.facts {
        let value = facts.get(&info.name).filter(|v| !v.is_null());
        let Some(fb) = binding.fact(&info.name) else {
            if let Some(v) = value {
                errors.push(SynthError::Unbound {
                    fact: info.name.clone(),
                    value: shown(v),
                    reason: binding.unbound().get(&info.name).cloned(),
                });
            }
            continue;
        };
        let Some(value) = value else {
            if let Some(cw) = &fb.closed_world {
                errors.push(SynthError::ClosedWorld {
                    fact: info.name.clone(),
                    value: shown(&cw.value),
                });
            }
            continue;
        };
        if fb.closed_world.as_ref().is_some_and(|cw| &cw.value == value) {
            continue;
        }
        if fb.shapes.iter().any(|s| matches!(s, Shape::AsOf)) && as_of.as_deref() == value.as_str() {
            continue;
        }
        let ctx = Ctx {
            model,
            binding,
            fact: info,
            date: date.as_deref(),
            dated: matches!(fb.pick, Pick::Latest | Pick::Earliest),
        };
        let mut reasons = Vec::new();
        let mut made = false;
        for (i, shape) in fb.shapes.iter().enumerate() {
            let Shape::Resource(shape) = shape else {
                reasons.push(format!("shape {} is the as-of date", i + 1));
                continue;
            };
            match produce(&ctx, shape, value) {
                Ok(fields) if shape.resource == "Patient" => {
                    if let Err(clash) = merge(&mut patient, fields) {
                        reasons.push(format!("shape {}: the Patient's `{clash}` is already written by another fact", i + 1));
                        continue;
                    }
                    made = true;
                    break;
                }
                Ok(fields) => {
                    resources.push(resource(&shape.resource, &info.name, &patient_id, fields));
                    made = true;
                    break;
                }
                Err(why) => reasons.push(format!("shape {} ({}): {why}", i + 1, shape.resource)),
            }
        }
        // Left out, the fact takes its `absent means` value: the same case.
        let absent = info.domain.absent.is_some_and(|a| {
            crate::value::json::encode(model, info.ty, Some(a)) == *value
        });
        if !made && !absent {
            errors.push(SynthError::NoShape {
                fact: info.name.clone(),
                value: shown(value),
                reasons: reasons.join("; "),
            });
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    patient.insert("resourceType".into(), json!("Patient"));
    patient.insert("id".into(), json!(patient_id));
    let mut entries = vec![json!({ "resource": Value::Object(patient) })];
    entries.extend(resources.into_iter().map(|r| json!({ "resource": r })));
    let bundle = json!({
        "resourceType": "Bundle",
        "id": fhir_id("cairn", "synth", Some(&content)),
        "type": "collection",
        "entry": entries,
    });
    Ok(Synth { bundle, as_of })
}

/// The as-of date the case gives through its facts bound to `from =
/// "as_of"`; two different ones are an error.
fn as_of_value(binding: &Binding, facts: &Map<String, Value>, errors: &mut Vec<SynthError>) -> Option<String> {
    let mut found: Option<(String, String)> = None;
    for fb in binding.facts() {
        if !fb.shapes.iter().any(|s| matches!(s, Shape::AsOf)) {
            continue;
        }
        let Some(d) = facts.get(&fb.name).and_then(Value::as_str) else {
            continue;
        };
        match &found {
            Some((other, date)) if date != d => errors.push(SynthError::AsOfConflict {
                first: other.clone(),
                a: date.clone(),
                second: fb.name.clone(),
                b: d.to_string(),
            }),
            Some(_) => {}
            None => found = Some((fb.name.clone(), d.to_string())),
        }
    }
    found.map(|(_, d)| d)
}

/// A resource of `ty` for `fact`, about the patient.
fn resource(ty: &str, fact: &str, patient: &str, fields: Map<String, Value>) -> Value {
    let mut r = Map::new();
    r.insert("resourceType".into(), json!(ty));
    r.insert("id".into(), json!(fhir_id("cairn", fact, None)));
    let field = if PATIENT_FIELD.contains(&ty) { "patient" } else { "subject" };
    r.insert(field.into(), json!({ "reference": format!("Patient/{patient}") }));
    r.extend(fields);
    Value::Object(r)
}

/// Merges a Patient shape's elements into the Patient; gives the first
/// element another fact already wrote differently.
fn merge(patient: &mut Map<String, Value>, fields: Map<String, Value>) -> Result<(), String> {
    if let Some((k, _)) = fields.iter().find(|(k, v)| patient.get(*k).is_some_and(|old| old != *v)) {
        return Err(k.clone());
    }
    patient.extend(fields);
    Ok(())
}
