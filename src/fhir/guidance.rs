//! FHIR stage, output: an outcome as a FHIR R4 `GuidanceResponse`
//! (`cairn run --format fhir`).
//!
//! The response contains a `RequestGroup` (its `result`) with one action
//! per applicable recommendation (built in `guidance_actions`), one
//! `dataRequirement` per missing fact that would decide an undetermined
//! recommendation (per shape of the fact with a binding: its resource
//! type, codes and value path; without one, the fact's name only), and an
//! `OperationOutcome` (its `evaluationMessage`) with the warnings: runtime
//! diagnostics,
//! recommendations left undetermined for another reason than a missing
//! fact, approximate statuses.
//!
//! The status is `data-required` when some recommendation is undetermined
//! for want of a fact, `success` otherwise (an undetermined recommendation
//! with no missing fact, a division by zero say, cannot be decided by more
//! data: it is reported as a warning instead).
//!
//! Every id is deterministic: the response's is the guideline id with a
//! hash of the outcome's JSON, so the same case always gives the same
//! response and two cases never share one.

use super::guidance_actions::actions;
use super::guidance_ids::{fhir_id, guideline_uri};
use super::requirements_shape::fact_requirements;
use crate::check::Checked;
use crate::eval::outcome::{Outcome, Status};
use crate::fhir::Binding;
use serde_json::{json, Map, Value};
use std::collections::BTreeSet;

/// The id of the contained RequestGroup (referenced as `#requestgroup`).
const REQUEST_GROUP_ID: &str = "requestgroup";
/// The id of the contained OperationOutcome (referenced as `#messages`).
const MESSAGES_ID: &str = "messages";

/// Who and when a response is about, when the caller knows: the subject
/// (`Patient/…`, from an extraction) and the date of the evaluation.
#[derive(Debug, Clone, Default)]
pub struct Context {
    /// The subject reference (`Patient/123`).
    pub subject: Option<String>,
    /// When the guidance was evaluated (an ISO date or dateTime), written as
    /// `occurrenceDateTime`; left out when not given, so that output is
    /// reproducible.
    pub occurrence: Option<String>,
    /// Warnings from reading the case (e.g. an extraction's), added to the
    /// evaluation messages.
    pub warnings: Vec<String>,
}

/// Renders an outcome as a `GuidanceResponse` with a contained
/// `RequestGroup` (and, when there are warnings, a contained
/// `OperationOutcome`). With a binding, each data requirement names the
/// resource type and codes to fetch; without, the fact only.
pub fn render(checked: &Checked, outcome: &Outcome<'_>, binding: Option<&Binding>) -> Value {
    render_with(checked, outcome, binding, &Context::default())
}

/// [`render`] with a subject, a date and extra warnings.
pub fn render_with(
    checked: &Checked,
    outcome: &Outcome<'_>,
    binding: Option<&Binding>,
    context: &Context,
) -> Value {
    let outcome_json = serde_json::to_string(outcome).unwrap_or_default();
    let id = fhir_id("cairn", &outcome.guideline.id, Some(&outcome_json));
    let requirements = data_requirements(checked, outcome, binding, context.occurrence.as_deref());
    let status = if outcome
        .recommendations
        .iter()
        .any(|r| r.status == Status::Undetermined && !r.missing.is_empty())
    {
        "data-required"
    } else {
        "success"
    };
    let module = guideline_uri(&outcome.guideline.id, &outcome.guideline.version);
    let mut group = Map::new();
    group.insert("resourceType".into(), json!("RequestGroup"));
    group.insert("id".into(), json!(REQUEST_GROUP_ID));
    group.insert("instantiatesUri".into(), json!([module]));
    group.insert("status".into(), json!("draft"));
    group.insert("intent".into(), json!("proposal"));
    if let Some(s) = &context.subject {
        group.insert("subject".into(), json!({ "reference": s }));
    }
    let acts = actions(checked, outcome);
    if !acts.is_empty() {
        group.insert("action".into(), Value::Array(acts));
    }
    let mut contained = vec![Value::Object(group)];
    let issues = messages(outcome, context);
    if !issues.is_empty() {
        contained.push(json!({
            "resourceType": "OperationOutcome",
            "id": MESSAGES_ID,
            "issue": issues,
        }));
    }
    let mut response = Map::new();
    response.insert("resourceType".into(), json!("GuidanceResponse"));
    response.insert("id".into(), json!(id));
    response.insert("contained".into(), Value::Array(contained));
    response.insert(
        "identifier".into(),
        json!([{ "system": super::guidance_ids::BASE, "value": id }]),
    );
    response.insert("moduleUri".into(), json!(module));
    response.insert("status".into(), json!(status));
    if let Some(s) = &context.subject {
        response.insert("subject".into(), json!({ "reference": s }));
    }
    if let Some(t) = &context.occurrence {
        response.insert("occurrenceDateTime".into(), json!(t));
    }
    if contained_messages(&response) {
        response.insert(
            "evaluationMessage".into(),
            json!([{ "reference": format!("#{MESSAGES_ID}") }]),
        );
    }
    response.insert(
        "result".into(),
        json!({ "reference": format!("#{REQUEST_GROUP_ID}") }),
    );
    if !requirements.is_empty() {
        response.insert("dataRequirement".into(), Value::Array(requirements));
    }
    Value::Object(response)
}

fn contained_messages(response: &Map<String, Value>) -> bool {
    response
        .get("contained")
        .and_then(Value::as_array)
        .is_some_and(|c| c.iter().any(|r| r["id"] == MESSAGES_ID))
}

/// The OperationOutcome issues: the case's warnings, the runtime
/// diagnostics, every undetermined recommendation's reason and every
/// approximate status.
fn messages(outcome: &Outcome<'_>, context: &Context) -> Vec<Value> {
    let mut issues: Vec<Value> = context
        .warnings
        .iter()
        .map(|w| issue("warning", "informational", w))
        .collect();
    for d in &outcome.diagnostics {
        let text = format!("{} ({}, at {})", d.message, d.code, d.location);
        issues.push(issue("warning", "processing", &text));
    }
    for rec in &outcome.recommendations {
        if let Some(reason) = &rec.reason {
            let text = format!("`{}` is undetermined: {reason}", rec.id);
            issues.push(issue("warning", "processing", &text));
        }
        if rec.approximate {
            let text = format!(
                "the status of `{}` is an approximation: the exact pass could not decide it",
                rec.id
            );
            issues.push(issue("information", "informational", &text));
        }
    }
    issues
}

fn issue(severity: &str, code: &str, text: &str) -> Value {
    json!({ "severity": severity, "code": code, "diagnostics": text })
}

/// The missing facts of the undetermined recommendations, in declaration
/// order (list facts after the scalar ones).
pub fn missing_facts(checked: &Checked, outcome: &Outcome<'_>) -> Vec<String> {
    let wanted: BTreeSet<&str> = outcome
        .recommendations
        .iter()
        .filter(|r| r.status == Status::Undetermined || !r.grading_missing.is_empty())
        .flat_map(|r| r.missing.iter().chain(&r.grading_missing))
        .map(String::as_str)
        .collect();
    let model = &checked.model;
    let names = model
        .facts
        .iter()
        .map(|f| f.name.as_str())
        .chain(model.lists.iter().map(|l| l.name.as_str()));
    let mut seen = BTreeSet::new();
    let mut out: Vec<String> = names
        .filter(|n| wanted.contains(n) && seen.insert(*n))
        .map(str::to_string)
        .collect();
    // A name the model does not list (never expected) is still reported.
    out.extend(
        wanted
            .iter()
            .filter(|n| !seen.contains(*n))
            .map(|n| (*n).to_string()),
    );
    out
}

/// The requirements of the missing facts: one per fact without a binding,
/// one per shape of the fact with one; `as_of` bounds their date filters.
pub(super) fn data_requirements(
    checked: &Checked,
    outcome: &Outcome<'_>,
    binding: Option<&Binding>,
    as_of: Option<&str>,
) -> Vec<Value> {
    missing_facts(checked, outcome)
        .iter()
        .flat_map(|f| fact_requirements(binding, f, as_of))
        .collect()
}
