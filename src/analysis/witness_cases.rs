//! Analysis stage: findings' witnesses as case files
//! (`cairn analyze --save-witnesses DIR`).
//!
//! Each witness is run through the interpreter `cairn run` uses, and its
//! `expect` block records what the guideline gives for it (every
//! recommendation's status, and the missing facts of each undetermined
//! one), so `cairn test DIR` replays the findings and fails the day the
//! guideline changes behaviour on them.

use super::Analysis;
use crate::check::Checked;
use crate::eval::outcome::Status;
use crate::eval::{self, Program};
use serde_json::{json, Map, Value};

/// One witness as a case file: its file name (`<finding>-<n>.json`, `n`
/// counted per kind of finding from 1) and its JSON.
#[derive(Debug, Clone, PartialEq)]
pub struct WitnessCase {
    /// `gap-1.json`, `conflict-2.json`, ...
    pub file_name: String,
    /// The case: `name`, `description`, `guideline`, `facts`, `expect`.
    pub json: Value,
}

/// The witnesses of every finding that has one, in finding order; the
/// `"guideline"` key of each is `guideline_key` (the path of the guideline
/// relative to the folder the cases are written to).
pub fn witness_cases(
    checked: &Checked,
    analysis: &Analysis,
    guideline_key: &str,
) -> Vec<WitnessCase> {
    let program = Program::new(checked);
    let mut counts: std::collections::BTreeMap<&str, usize> = Default::default();
    let mut out = Vec::new();
    for finding in &analysis.findings {
        let Some(witness) = &finding.witness else {
            continue;
        };
        let kind = finding.kind.code().rsplit("::").next().unwrap_or("finding");
        let n = counts.entry(kind).or_insert(0);
        *n += 1;
        let file_name = format!("{kind}-{n}.json");
        // The witness is case-file JSON already: load it as a case would be.
        let text = witness.to_string();
        let Ok(case) = crate::case::load(checked, &file_name, &text) else {
            continue;
        };
        let outcome = program.evaluate(&case.case, eval::Options { trace: false });
        let mut statuses = Map::new();
        let mut missing = Map::new();
        for r in &outcome.recommendations {
            statuses.insert(r.id.to_string(), json!(r.status.as_str()));
            if r.status == Status::Undetermined {
                missing.insert(r.id.to_string(), json!(r.missing));
            }
        }
        let mut expect = Map::new();
        expect.insert("recommendations".into(), Value::Object(statuses));
        if !missing.is_empty() {
            expect.insert("missing".into(), Value::Object(missing));
        }
        let facts = witness.get("facts").cloned().unwrap_or_else(|| json!({}));
        out.push(WitnessCase {
            file_name: file_name.clone(),
            json: json!({
                "name": format!("{kind} {n}: {}", finding.message),
                "description": format!("witness of {} (cairn analyze)", finding.kind.code()),
                "guideline": guideline_key,
                "facts": facts,
                "expect": Value::Object(expect),
            }),
        });
    }
    out
}
