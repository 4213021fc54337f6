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
    /// The as-of date to extract it with (`YYYY-MM-DD`): the value of the
    /// facts bound to `from = "as_of"`, else the case's latest date (no
    /// resource is dated after it); `None` when the case has no date.
    pub as_of: Option<String>,
    /// The facts bound to `from = "as_of"` that the case leaves unknown:
    /// then the bundle must be extracted without an as-of date (which the
    /// command line, defaulting to today, cannot do).
    pub as_of_unknown: Vec<String>,
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
    let facts = case
        .get("facts")
        .and_then(Value::as_object)
        .unwrap_or(&empty);
    // The whole case file (its name and description too), so that two
    // cases with the same facts still make two patients of one export.
    let content = serde_json::to_string(case).unwrap_or_default();
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
    let as_of_unknown: Vec<String> = binding
        .facts()
        .iter()
        .filter(|fb| fb.shapes.iter().any(|s| matches!(s, Shape::AsOf)))
        .filter(|fb| facts.get(&fb.name).is_none_or(Value::is_null))
        .map(|fb| fb.name.clone())
        .collect();
    for list in &model.lists {
        if facts.get(&list.name).is_some_and(|v| !v.is_null()) {
            errors.push(SynthError::List {
                fact: list.name.clone(),
            });
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
        // Left out, the fact takes its `absent means` value, if any.
        let absent = info
            .domain
            .absent
            .map(|a| crate::value::json::encode(model, info.ty, Some(a)));
        let Some(value) = value else {
            // A closed world that gives the `absent means` value changes
            // nothing; any other makes a left-out fact known.
            if let Some(cw) = fb
                .closed_world
                .as_ref()
                .filter(|cw| absent.as_ref() != Some(&cw.value))
            {
                errors.push(SynthError::ClosedWorld {
                    fact: info.name.clone(),
                    value: shown(&cw.value),
                });
            }
            continue;
        };
        if fb
            .closed_world
            .as_ref()
            .is_some_and(|cw| &cw.value == value)
        {
            continue;
        }
        if fb.shapes.iter().any(|s| matches!(s, Shape::AsOf)) && as_of.as_deref() == value.as_str()
        {
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
                        reasons.push(format!(
                            "shape {}: the Patient's `{clash}` is already written by another fact",
                            i + 1
                        ));
                        continue;
                    }
                    made = true;
                    break;
                }
                Ok(fields) => {
                    let r = resource(&shape.resource, &info.name, &patient_id, fields);
                    // A resource that another fact's shape reads too would
                    // tell that fact more than the case does: try the next.
                    if let Some((other, v, known)) =
                        crosstalk(checked, binding, facts, &info.name, &r)
                    {
                        let case_says = match known {
                            Some(k) => format!("gives `{k}`"),
                            None => "leaves unknown".into(),
                        };
                        reasons.push(format!(
                            "shape {} ({}): the resource also gives fact `{other}` the value `{v}`, which the case {case_says}",
                            i + 1,
                            shape.resource
                        ));
                        continue;
                    }
                    resources.push(r);
                    made = true;
                    break;
                }
                Err(why) => reasons.push(format!("shape {} ({}): {why}", i + 1, shape.resource)),
            }
        }
        if !made && absent.as_ref() != Some(value) {
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
    let mut all = vec![Value::Object(patient)];
    all.extend(resources);
    let extract_on = if as_of_unknown.is_empty() { date } else { None };
    verify(checked, binding, facts, &all, extract_on.as_deref())?;
    let entries: Vec<Value> = all.into_iter().map(|r| json!({ "resource": r })).collect();
    let bundle = json!({
        "resourceType": "Bundle",
        "id": fhir_id("cairn", "synth", Some(&content)),
        "type": "collection",
        "entry": entries,
    });
    Ok(Synth {
        bundle,
        as_of: extract_on,
        as_of_unknown,
    })
}

/// The as-of date the case gives through its facts bound to `from =
/// "as_of"`; two different ones are an error.
fn as_of_value(
    binding: &Binding,
    facts: &Map<String, Value>,
    errors: &mut Vec<SynthError>,
) -> Option<String> {
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
    r.insert("id".into(), json!(fhir_id("cairn", fact, Some(patient))));
    let field = if PATIENT_FIELD.contains(&ty) {
        "patient"
    } else {
        "subject"
    };
    r.insert(
        field.into(),
        json!({ "reference": format!("Patient/{patient}") }),
    );
    r.extend(fields);
    Value::Object(r)
}

/// Merges a Patient shape's elements into the Patient; gives the first
/// element another fact already wrote differently.
fn merge(patient: &mut Map<String, Value>, fields: Map<String, Value>) -> Result<(), String> {
    if let Some((k, _)) = fields
        .iter()
        .find(|(k, v)| patient.get(*k).is_some_and(|old| old != *v))
    {
        return Err(k.clone());
    }
    patient.extend(fields);
    Ok(())
}

/// The first fact other than `fact` that `resource` alone extracts to a
/// value the case does not give it: the fact, that value, and the case's.
fn crosstalk(
    checked: &Checked,
    binding: &Binding,
    facts: &Map<String, Value>,
    fact: &str,
    resource: &Value,
) -> Option<(String, String, Option<String>)> {
    let got = super::extract(checked, binding, std::slice::from_ref(resource), None);
    got.facts
        .iter()
        .filter(|(k, _)| k.as_str() != fact && !got.closed_world.contains_key(*k))
        .find(|(k, v)| !same_value(checked, k, facts.get(*k), v))
        .map(|(k, v)| {
            (
                k.clone(),
                shown(v),
                facts.get(k).filter(|c| !c.is_null()).map(shown),
            )
        })
}

/// Extracts the whole bundle and names every fact it gives differently
/// from the case: what `synth` promises, checked before it is returned.
fn verify(
    checked: &Checked,
    binding: &Binding,
    facts: &Map<String, Value>,
    resources: &[Value],
    as_of: Option<&str>,
) -> Result<(), Vec<SynthError>> {
    let date = as_of.and_then(|d| d.parse::<jiff::civil::Date>().ok());
    let got = super::extract(checked, binding, resources, date);
    let mut errors = Vec::new();
    for info in &checked.model.facts {
        let want = facts.get(&info.name).filter(|v| !v.is_null());
        let have = got.facts.get(&info.name);
        let agree = match (want, have) {
            (Some(w), Some(h)) => same_value(checked, &info.name, Some(w), h),
            (None, None) => true,
            // Left out, a fact with `absent means` takes it either way.
            (Some(w), None) => info.domain.absent.is_some_and(|a| {
                crate::value::json::encode(&checked.model, info.ty, Some(a)) == *w
            }),
            (None, Some(_)) => got.closed_world.contains_key(&info.name),
        };
        if !agree {
            errors.push(SynthError::Mismatch {
                fact: info.name.clone(),
                want: want.map_or("unknown".into(), shown),
                got: have.map_or("unknown".into(), shown),
            });
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors)
    }
}

/// True when the case's value `want` of `fact` is the value `have` (both
/// case-file JSON, compared once decoded: `"1 cm"` is `{"value": 1,
/// "unit": "cm"}`).
fn same_value(checked: &Checked, fact: &str, want: Option<&Value>, have: &Value) -> bool {
    use crate::value::json::{decode_in, Shape as J};
    let Some(want) = want.filter(|w| !w.is_null()) else {
        return false;
    };
    let Some(info) = checked.model.facts.iter().find(|f| f.name == fact) else {
        return want == have;
    };
    let decode = |v: &Value| {
        decode_in(&checked.model, info.ty, Some(&info.domain), &J::of(v))
            .ok()
            .flatten()
    };
    match (decode(want), decode(have)) {
        // Unit conversions round in the last bits (`176.37 [lb_av]` is
        // 80.000086297 kg): equal to the tolerance quantities compare with.
        (Some(crate::value::Value::Quantity(a)), Some(crate::value::Value::Quantity(b)))
        | (Some(crate::value::Value::Number(a)), Some(crate::value::Value::Number(b))) => {
            crate::units::approx_eq(a, b)
        }
        (Some(a), Some(b)) => a == b,
        _ => want == have,
    }
}
