//! Conformance suite: the golden-case runner (`cairn test`). A test becomes
//! a guideline file and a `cases/` folder in a fresh temporary directory,
//! each case with an `expect` block holding what the reference evaluator
//! computed (every status, every derived value, the missing facts of every
//! undetermined recommendation); the runner must pass them all.

use super::subject::Subject;
use super::views::View;
use crate::check::model::Model;
use crate::eval::outcome::Status;
use crate::testing::{run, Options};
use serde_json::{json, Map, Value as Json};
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};

static NEXT: AtomicUsize = AtomicUsize::new(0);

/// A case for the golden runner: its label, its facts (a JSON object) and
/// the reference evaluator's view of it.
pub(crate) struct GoldenCase<'a> {
    /// For messages.
    pub label: &'a str,
    /// The facts as written.
    pub facts: &'a str,
    /// What the reference evaluator says.
    pub reference: &'a View,
}

fn expect(model: &Model, reference: &View) -> Json {
    let mut recs = Map::new();
    let mut missing = Map::new();
    for (i, rec) in model.recs.iter().enumerate() {
        let Some(status) = reference.statuses.get(i).copied().flatten() else {
            continue;
        };
        recs.insert(rec.id.clone(), json!(status.as_str()));
        if status == Status::Undetermined {
            let names = reference
                .missing
                .get(i)
                .cloned()
                .flatten()
                .unwrap_or_default();
            missing.insert(rec.id.clone(), json!(names));
        }
    }
    let mut derived = Map::new();
    for (i, def) in model.defs.iter().enumerate() {
        if let Some(v) = reference.values.get(i).cloned().flatten() {
            derived.insert(def.name.clone(), v);
        }
    }
    json!({"recommendations": recs, "derived": derived, "missing": missing})
}

/// Runs the cases through `testing::run`; returns the failures.
pub(crate) fn golden(subject: &Subject, cases: &[GoldenCase<'_>]) -> Vec<String> {
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    let dir: PathBuf =
        std::env::temp_dir().join(format!("cairn-conformance-{}-{n}", std::process::id()));
    let mut failures = Vec::new();
    let written = (|| -> std::io::Result<()> {
        std::fs::create_dir_all(dir.join("cases"))?;
        std::fs::write(dir.join("guideline.cairn"), &subject.text)?;
        for (i, c) in cases.iter().enumerate() {
            let facts: Json = serde_json::from_str(c.facts).unwrap_or(json!({}));
            let file = json!({
                "name": c.label,
                "facts": facts,
                "expect": expect(&subject.checked.model, c.reference),
            });
            std::fs::write(
                dir.join("cases").join(format!("case{i:03}.json")),
                file.to_string(),
            )?;
        }
        Ok(())
    })();
    if let Err(e) = written {
        return vec![format!(
            "cannot write the golden cases in `{}`: {e}",
            dir.display()
        )];
    }
    let report = run(std::slice::from_ref(&dir), &Options::default());
    if report.cases.len() != cases.len() {
        failures.push(format!(
            "the golden-case runner ran {} cases of {} ({:?})",
            report.cases.len(),
            cases.len(),
            report.io_errors
        ));
    }
    for c in report.cases.iter().filter(|c| !c.ok) {
        failures.push(format!(
            "{}: the golden-case runner (`cairn test`) disagrees with the general slot code:\n{}",
            c.name, c.detail
        ));
    }
    let _ = std::fs::remove_dir_all(&dir);
    failures
}
