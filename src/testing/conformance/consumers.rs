//! Conformance suite: the consumers of the semantics that make claims
//! about a guideline rather than evaluate one case: coverage (what each
//! condition was driven to) and the checker's constant folding as the
//! language server shows it (the analysis is in `queries`).
//! Each claim is checked against the values of the expression nodes (see
//! `probe`) and the statuses of the reference evaluator.

use super::subject::{Loaded, Subject};
use super::views::{Observed, View};
use crate::check::model::Type;
use crate::eval::outcome::Status;
use crate::testing::coverage::{Collector, Reached};
use crate::testing::text::{location, one_line};
use crate::value::Value;
use std::collections::HashMap;
use std::path::Path;

fn truth(v: Option<Value>) -> Option<bool> {
    crate::value::ops::truth(v)
}

/// The outcomes a coverage record holds, in words.
fn words(r: Reached) -> String {
    let list: Vec<&str> = [(r.yes, "true"), (r.no, "false"), (r.unknown, "unknown")]
        .into_iter()
        .filter_map(|(on, w)| on.then_some(w))
        .collect();
    if list.is_empty() {
        "not reached".into()
    } else {
        list.join(" and ")
    }
}

fn reached(v: Option<bool>) -> Reached {
    Reached {
        yes: v == Some(true),
        no: v == Some(false),
        unknown: v.is_none(),
    }
}

/// Coverage of one case: recommendation statuses and definition values
/// (as a view), and every condition branch's outcome (as failures).
pub(crate) fn coverage(subject: &Subject, loaded: &Loaded, seen: &Observed) -> (View, Vec<String>) {
    let model = &subject.checked.model;
    let sources = &subject.checked.sources;
    let mut collector = Collector::new("conformance", &subject.program, sources);
    collector.record(&loaded.case, &seen.outcome);
    let cov = collector.finish();
    let mut view = View::empty(subject);
    for (i, rec) in cov.recommendations.iter().enumerate() {
        let r = rec.reached;
        view.statuses[i] = match (r.yes, r.no, r.unknown) {
            (true, false, false) => Some(Status::Applies),
            (false, true, false) => Some(Status::NotApplicable),
            (false, false, true) => Some(Status::Undetermined),
            // Not exactly one outcome for one case: shown as a failure below.
            _ => None,
        };
    }
    let mut failures = Vec::new();
    for (i, def) in cov.definitions.iter().enumerate() {
        let Some(info) = model.defs.get(i) else {
            continue;
        };
        let general = seen
            .views
            .first()
            .and_then(|(_, v)| v.values.get(i).cloned().flatten());
        let want = match (&general, info.ty) {
            (Some(serde_json::Value::Null), _) | (None, _) => "unknown".to_string(),
            (Some(serde_json::Value::Bool(b)), _) => b.to_string(),
            (Some(serde_json::Value::String(s)), Type::Enum(_)) => s.clone(),
            _ => "known".to_string(),
        };
        if def.seen.len() != 1 || !def.seen.contains(&want) {
            failures.push(format!(
                "{}: coverage saw definition `{}` take {:?}, the general slot code computes `{want}`",
                loaded.label, def.name, def.seen
            ));
        }
    }
    for b in &cov.branches {
        let node = subject.probes.nodes.iter().position(|n| {
            location(sources, n.expr.span) == b.location
                && one_line(sources.slice(n.expr.span)) == b.text
        });
        let Some(node) = node else {
            failures.push(format!(
                "{}: coverage measures `{}` ({}, {}) at {}, which is no expression of the model",
                loaded.label, b.text, b.owner, b.role, b.location
            ));
            continue;
        };
        let gate = subject
            .probes
            .nodes
            .get(node)
            .map(|n| &n.gate[..])
            .unwrap_or(&[]);
        let open = gate
            .iter()
            .all(|&g| truth(seen.nodes.get(g).copied().flatten()) == Some(false));
        let want = if open {
            reached(truth(seen.nodes.get(node).copied().flatten()))
        } else {
            Reached::default()
        };
        if b.reached != want {
            failures.push(format!(
                "{}: coverage records `{}` ({}, {}) as {}, the program computes {}",
                loaded.label,
                b.text,
                b.owner,
                b.role,
                words(b.reached),
                words(want)
            ));
        }
    }
    for (i, rec) in cov.recommendations.iter().enumerate() {
        if view.statuses.get(i).copied().flatten().is_none() {
            failures.push(format!(
                "{}: coverage records recommendation `{}` as {} for one case",
                loaded.label,
                rec.id,
                words(rec.reached)
            ));
        }
    }
    (view, failures)
}

/// The language server's constant-condition warnings (the checker's
/// folding): a condition called always `v` is never `not v`, and is `v`
/// in every case when it reads no fact.
pub(crate) fn folding(subject: &Subject, observed: &[(&Loaded, &Observed)]) -> Vec<String> {
    let analysis =
        crate::lsp::analysis::analyse(Path::new(&subject.name), &subject.text, &HashMap::new());
    let mut failures = Vec::new();
    let diags = analysis
        .diagnostics
        .iter()
        .find(|(f, _)| *f == crate::lsp::analysis::MAIN)
        .map(|(_, d)| &d[..])
        .unwrap_or(&[]);
    for d in diags {
        let code = match &d.code {
            Some(lsp_types::NumberOrString::String(s)) => s.as_str(),
            _ => "",
        };
        if code != "cairn::check::constant_condition" {
            continue;
        }
        let value = d.message.starts_with("condition is always true");
        let exact = d.message.contains("reads no fact");
        let node = subject
            .probes
            .nodes
            .iter()
            .position(|n| n.expr.ty == Type::Bool && analysis.range(n.expr.span) == d.range);
        let Some(node) = node else {
            failures.push(format!(
                "the language server warns `{}` at {:?}, which is no condition of the model",
                d.message.lines().next().unwrap_or(""),
                d.range
            ));
            continue;
        };
        let text = one_line(
            subject
                .checked
                .sources
                .slice(subject.probes.nodes[node].expr.span),
        );
        for (loaded, seen) in observed {
            let got = truth(seen.nodes.get(node).copied().flatten());
            if got == Some(!value) || (exact && got != Some(value)) {
                failures.push(format!(
                    "{}: the language server says `{text}` is always {value}, the program computes {got:?}",
                    loaded.label
                ));
            }
        }
    }
    failures
}
