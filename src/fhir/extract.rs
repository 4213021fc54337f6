//! FHIR stage (extraction): one patient's resources → a case, through a
//! checked binding.
//!
//! For each bound fact, every shape's matching resources give candidate
//! values (`extract_read`), which the fact's pick rule combines. The rules
//! clinical safety depends on:
//! - **absent is unknown**: a fact no resource records is left out of the
//!   case, never `false`, unless the binding declares a closed world; then
//!   it takes that value and the reason is echoed in `closed_world`;
//! - candidates that disagree (under `agree`, or at the same date under
//!   `latest`/`earliest`) leave the fact unknown, with a warning naming
//!   both resources;
//! - every extracted fact lists the resources it came from (`provenance`);
//! - with an as-of date, resources dated after it are not read (they did
//!   not exist yet on that date), and `from = "as_of"` facts take it.

use super::binding::{Binding, FactBinding, Pick, Shape};
use super::extract_read::{reference, Candidate, Reader};
use super::extract_warning::{ExtractIssue, ExtractWarning};
use crate::check::model::FactInfo;
use crate::check::Checked;
use crate::value::{format_date, parse_date, Value};
use serde::Serialize;
use serde_json::{json, Map, Value as J};
use std::collections::{BTreeMap, HashMap};

/// What an extraction gives: the case's facts plus provenance and warnings.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Extracted {
    /// The facts, in case-file JSON form; unknown facts are absent.
    pub facts: Map<String, J>,
    /// Fact → the resources it came from (`Condition/123`, or `as_of`).
    pub provenance: BTreeMap<String, Vec<String>>,
    /// Fact → the reason of the closed world that gave its value.
    pub closed_world: BTreeMap<String, String>,
    /// Everything extraction warns about.
    pub warnings: Vec<ExtractWarning>,
    /// The patient (`Patient/123`), when the resources say.
    pub subject: Option<String>,
    /// The as-of date used (`YYYY-MM-DD`).
    pub as_of: Option<String>,
}

impl Extracted {
    /// The case file: `{"facts": …, "extraction": {…}}`, loadable by
    /// [`crate::load_case`] (which validates and otherwise ignores the
    /// extraction block).
    pub fn to_case_json(&self) -> J {
        json!({
            "facts": self.facts,
            "extraction": self.block(),
        })
    }

    /// The `"extraction"` block alone.
    pub fn block(&self) -> J {
        let mut block = json!({
            "provenance": self.provenance,
            "closed_world": self.closed_world,
            "warnings": self.warnings,
        });
        if let Some(s) = &self.subject {
            block["subject"] = json!(s);
        }
        if let Some(d) = &self.as_of {
            block["as_of"] = json!(d);
        }
        block
    }
}

/// Extracts the bound facts from one patient's resources; `as_of` is the
/// date the case is assessed on.
pub fn extract(
    checked: &Checked,
    binding: &Binding,
    resources: &[J],
    as_of: Option<jiff::civil::Date>,
) -> Extracted {
    let as_of_day = as_of.and_then(|d| parse_date(&d.to_string()));
    let mut out = Extracted {
        as_of: as_of_day.map(format_date),
        ..Extracted::default()
    };
    out.subject = subject(resources, &mut out.warnings);
    // Each shape reads one resource type: the resources are grouped by type
    // once (in input order), not scanned whole for every shape of every
    // fact (a CDS Hooks call extracts on its hot path).
    let mut by_type: HashMap<&str, Vec<(usize, &J)>> = HashMap::new();
    for (i, r) in resources.iter().enumerate() {
        if let Some(ty) = r.get("resourceType").and_then(J::as_str) {
            by_type.entry(ty).or_default().push((i, r));
        }
    }
    for fb in binding.facts() {
        let Some(info) = checked.model.facts.get(fb.fact.0 as usize) else {
            continue;
        };
        let mut reader = Reader {
            model: &checked.model,
            binding,
            fact: info,
            warnings: &mut out.warnings,
        };
        let (candidates, matched) = gather(&mut reader, fb, &by_type, as_of_day);
        // A resource that records the fact with a value that cannot be
        // read (warned) is no absence: the closed world does not apply.
        let decided = if candidates.is_empty() && matched {
            Decided::Conflict
        } else {
            pick(fb, info, &candidates, &mut out.warnings)
        };
        match decided {
            Decided::Value(json, from) => {
                out.facts.insert(fb.name.clone(), json);
                out.provenance.insert(fb.name.clone(), from);
            }
            Decided::Absent => {
                if let Some(cw) = &fb.closed_world {
                    out.facts.insert(fb.name.clone(), cw.value.clone());
                    out.closed_world.insert(fb.name.clone(), cw.reason.clone());
                }
            }
            Decided::Conflict => {}
        }
    }
    out
}

/// Every candidate of a fact, over its shapes and the resources, and
/// whether any resource (or the as-of date) matched a shape.
fn gather(
    reader: &mut Reader,
    fb: &FactBinding,
    by_type: &HashMap<&str, Vec<(usize, &J)>>,
    as_of: Option<i32>,
) -> (Vec<Candidate>, bool) {
    let mut out = Vec::new();
    let mut matched = false;
    let mut late = 0;
    for shape in &fb.shapes {
        let shape = match shape {
            Shape::AsOf => {
                match as_of {
                    Some(d) => out.push(Candidate {
                        value: Value::Date(d),
                        json: J::String(format_date(d)),
                        resource: "as_of".into(),
                        date: Some(d),
                    }),
                    None => {
                        let w = ExtractIssue::NoAsOf {
                            fact: fb.name.clone(),
                        };
                        reader.warnings.push(w.with(Vec::new()));
                    }
                }
                continue;
            }
            Shape::Resource(r) => r,
        };
        let of_type = by_type
            .get(shape.resource.as_str())
            .map_or(&[][..], Vec::as_slice);
        for &(i, resource) in of_type {
            let name = reference(resource, i);
            if reader.matches(shape, resource, &name) != Some(true) {
                continue;
            }
            let day = reader.date(shape, resource, &name);
            let day = day.as_ref().and_then(J::as_str).and_then(parse_date);
            if let (Some(d), Some(limit)) = (day, as_of) {
                if d > limit {
                    late += 1;
                    continue;
                }
            }
            matched = true;
            out.extend(reader.candidates(shape, resource, &name, day));
        }
    }
    if late > 0 {
        let w = ExtractIssue::AfterAsOf {
            fact: fb.name.clone(),
            count: late,
            as_of: as_of.map(format_date).unwrap_or_default(),
        };
        reader.warnings.push(w.with(Vec::new()));
    }
    (out, matched)
}

/// A fact's value after its pick rule.
enum Decided {
    /// A value and the resources it came from.
    Value(J, Vec<String>),
    /// No candidate.
    Absent,
    /// Candidates disagree, or a matching resource's value could not be
    /// read (warned).
    Conflict,
}

fn pick(
    fb: &FactBinding,
    info: &FactInfo,
    all: &[Candidate],
    warnings: &mut Vec<ExtractWarning>,
) -> Decided {
    if all.is_empty() {
        return Decided::Absent;
    }
    let chosen: Vec<&Candidate> = match fb.pick {
        Pick::Agree => all.iter().collect(),
        Pick::AnyTrue => {
            let yes: Vec<&Candidate> = all
                .iter()
                .filter(|c| c.value == Value::Bool(true))
                .collect();
            if yes.is_empty() {
                all.iter().collect()
            } else {
                yes
            }
        }
        Pick::Latest | Pick::Earliest => {
            let dated: Vec<&Candidate> = all.iter().filter(|c| c.date.is_some()).collect();
            let undated = all.len() - dated.len();
            // Undated candidates are dropped when some are dated; when none
            // is, they cannot be ordered and must agree. One candidate
            // needs no order.
            if undated > 0 && all.len() > 1 {
                let w = ExtractIssue::Undated {
                    fact: info.name.clone(),
                    count: undated,
                    pick: fb.pick.as_str().into(),
                };
                let names = all
                    .iter()
                    .filter(|c| c.date.is_none())
                    .map(|c| c.resource.clone())
                    .collect();
                warnings.push(w.with(names));
            }
            let best = if fb.pick == Pick::Latest {
                dated.iter().filter_map(|c| c.date).max()
            } else {
                dated.iter().filter_map(|c| c.date).min()
            };
            match best {
                Some(b) => dated.into_iter().filter(|c| c.date == Some(b)).collect(),
                None => all.iter().collect(),
            }
        }
    };
    let Some(first) = chosen.first() else {
        return Decided::Absent;
    };
    if let Some(other) = chosen.iter().find(|c| !same(&c.value, &first.value)) {
        let w = ExtractIssue::Conflict {
            fact: info.name.clone(),
            first: first.resource.clone(),
            a: shown(&first.json),
            second: other.resource.clone(),
            b: shown(&other.json),
        };
        warnings.push(w.with(vec![first.resource.clone(), other.resource.clone()]));
        return Decided::Conflict;
    }
    let mut from: Vec<String> = Vec::new();
    for c in &chosen {
        push_new(&mut from, c.resource.clone());
    }
    Decided::Value(first.json.clone(), from)
}

/// Two values are the same (quantities to a relative tolerance).
fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Quantity(x), Value::Quantity(y)) | (Value::Number(x), Value::Number(y)) => {
            crate::units::approx_eq(*x, *y)
        }
        _ => a == b,
    }
}

/// A case-form value for a message (`true`, `R0`, `50.4 Gy`).
fn shown(j: &J) -> String {
    match j {
        J::String(s) => s.clone(),
        J::Object(o) => match (o.get("value"), o.get("unit").and_then(J::as_str)) {
            (Some(v), Some(u)) => format!("{v} {u}"),
            _ => j.to_string(),
        },
        other => other.to_string(),
    }
}

/// The patient: the Patient resources' references or, without any, the
/// subjects the other resources name (a bundle's `urn:uuid:` references
/// cannot be compared with a Patient's id, so the two are not mixed);
/// warns when there are several.
fn subject(resources: &[J], warnings: &mut Vec<ExtractWarning>) -> Option<String> {
    let mut patients: Vec<String> = Vec::new();
    let mut named: Vec<String> = Vec::new();
    for (i, r) in resources.iter().enumerate() {
        if r.get("resourceType").and_then(J::as_str) == Some("Patient") {
            push_new(&mut patients, reference(r, i));
        } else if let Some(s) = ["subject", "patient"]
            .iter()
            .find_map(|k| r.get(*k)?.get("reference")?.as_str())
        {
            push_new(&mut named, s.to_string());
        }
    }
    let subjects = if patients.is_empty() { named } else { patients };
    if subjects.len() > 1 {
        let w = ExtractIssue::SeveralPatients {
            count: subjects.len(),
        };
        warnings.push(w.with(subjects.clone()));
    }
    subjects.into_iter().next()
}

/// Appends `s` unless `list` has it.
fn push_new(list: &mut Vec<String>, s: String) {
    if !list.contains(&s) {
        list.push(s);
    }
}
