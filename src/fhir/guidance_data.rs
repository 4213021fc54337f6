//! FHIR stage, output: the `dataRequirement`s of a GuidanceResponse, one
//! per missing fact that would decide an undetermined recommendation.
//!
//! The facts are those named in `missing` (and `grading_missing`) of the
//! undetermined recommendations, in the guideline's declaration order, each
//! once. Without a binding a requirement names the fact only (type `Any`
//! and Cairn's fact extension): the caller knows the fact, not where it
//! lives. With one, each shape of the fact gives a requirement of its
//! resource type with its codes (`requirements_shape`), so an EHR can fetch
//! exactly what is needed; a fact the binding leaves unbound carries the
//! binding's reason.

use super::binding::Binding;
use super::requirements_shape::fact_requirements;
use crate::check::Checked;
use crate::eval::outcome::{Outcome, Status};
use serde_json::Value;
use std::collections::BTreeSet;

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
