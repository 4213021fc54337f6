//! Testing stage: coverage of the strengths that depend on the case.
//!
//! A recommendation with `strength … when … otherwise …` has one strength
//! per branch. The cases in which it applies should show each of them, as
//! the cases should drive each condition both ways; the strengths no case
//! produces are reported next to the condition branches (they do not count
//! in the percentage, which stays that of conditions).

use crate::check::model::Model;
use crate::eval::outcome::{RecOutcome, Status};
use serde::Serialize;
use std::collections::BTreeSet;

/// The strengths one recommendation took across the cases.
#[derive(Debug, Clone, Serialize)]
pub struct StrengthCoverage {
    /// The recommendation id.
    pub id: String,
    /// The strengths it can take, as written (`class 2a level B-NR`, `none`).
    pub possible: Vec<String>,
    /// The strengths it took in the cases where it applies, and
    /// `undecided` when a case left the choice open.
    pub seen: BTreeSet<String>,
    /// The possible strengths no case produced.
    pub never: Vec<String>,
}

fn written(s: Option<&crate::strength::Strength>) -> String {
    s.map_or_else(|| "none".to_string(), |s| s.source())
}

/// One entry per recommendation whose strength depends on the case.
pub(crate) fn collect(model: &Model) -> Vec<(usize, StrengthCoverage)> {
    let mut out = Vec::new();
    for (i, r) in model.recs.iter().enumerate() {
        let Some(choice) = &r.varies.strength else {
            continue;
        };
        let mut possible: Vec<String> = Vec::new();
        for v in choice.values() {
            let w = written(v.as_ref());
            if !possible.contains(&w) {
                possible.push(w);
            }
        }
        out.push((
            i,
            StrengthCoverage {
                id: r.id.clone(),
                possible,
                seen: BTreeSet::new(),
                never: Vec::new(),
            },
        ));
    }
    out
}

/// Records the strengths of one case's applying recommendations.
pub(crate) fn record(entries: &mut [(usize, StrengthCoverage)], recs: &[RecOutcome]) {
    for (i, cov) in entries.iter_mut() {
        let Some(rec) = recs.get(*i) else {
            continue;
        };
        if rec.status != Status::Applies {
            continue;
        }
        let value = if rec.grading_missing.is_empty() {
            written(rec.strength.as_ref())
        } else {
            "undecided".to_string()
        };
        cov.seen.insert(value);
    }
}

/// Fills in what no case produced.
pub(crate) fn finish(entries: Vec<(usize, StrengthCoverage)>) -> Vec<StrengthCoverage> {
    entries
        .into_iter()
        .map(|(_, mut c)| {
            c.never = c
                .possible
                .iter()
                .filter(|p| !c.seen.contains(*p))
                .cloned()
                .collect();
            c
        })
        .collect()
}
