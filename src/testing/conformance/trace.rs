//! Conformance suite: the rendered trace. Its recommendation steps give a
//! view (statuses, and missing facts from the `needs …` reasons); its
//! definition results must be the reference values in words; it has one
//! step per definition and recommendation; and the reads it labels as
//! decisive must decide: with every other fact unknown, each decided
//! recommendation keeps its status.

use super::subject::{Loaded, Subject};
use super::views::View;
use crate::analysis::cone::Cones;
use crate::case::Case;
use crate::check::model::{FactId, TExpr, TExprKind, Type};
use crate::eval::outcome::{display, Outcome, Status};

/// Every check of the rendered trace of one case.
pub(crate) fn checks(subject: &Subject, loaded: &Loaded, outcome: &Outcome) -> Vec<String> {
    let mut out = texts(subject, loaded, outcome);
    out.extend(steps(subject, loaded, outcome));
    out.extend(decisive(subject, loaded, outcome));
    out
}

/// What the rendered trace says: statuses from the recommendation steps,
/// missing facts from their `needs …` reasons.
pub(crate) fn view(subject: &Subject, outcome: &Outcome) -> View {
    let model = &subject.checked.model;
    let mut v = View::empty(subject);
    for step in outcome.trace.iter().filter(|s| s.kind == "recommendation") {
        let Some(r) = model.rec(&step.name) else {
            continue;
        };
        let r = r.0 as usize;
        v.statuses[r] = [Status::Applies, Status::NotApplicable, Status::Undetermined]
            .into_iter()
            .find(|s| s.as_str() == step.text);
        if step.text == Status::Undetermined.as_str() {
            // `undetermined: needs a, b`, possibly followed by ` (…)`.
            let names = match step.reason.strip_prefix("undetermined: needs ") {
                Some(list) => {
                    let list = list.split(" (").next().unwrap_or(list);
                    list.split(", ").map(str::to_string).collect()
                }
                None => Vec::new(),
            };
            v.missing[r] = Some(names);
        } else {
            v.missing[r] = Some(Vec::new());
        }
    }
    v
}

/// The rendered trace's definition results must be the reference values
/// in words.
fn texts(subject: &Subject, loaded: &Loaded, outcome: &Outcome) -> Vec<String> {
    let model = &subject.checked.model;
    let mut scratch = subject.program.scratch();
    subject.program.run_general(&loaded.case, &mut scratch);
    let mut out = Vec::new();
    for step in outcome.trace.iter().filter(|s| s.kind == "definition") {
        let Some(d) = model.def(&step.name) else {
            continue;
        };
        let Some(info) = model.defs.get(d.0 as usize) else {
            continue;
        };
        if matches!(info.ty, Type::Row(_)) {
            continue;
        }
        let value = subject.program.def_value(&scratch, d);
        let want = display::text(model, info.ty, value);
        if step.text != want {
            out.push(format!(
                "{}: the trace says `{}` is `{}`, the general slot code computes `{want}`",
                loaded.label, step.name, step.text
            ));
        }
    }
    out
}

/// The rendered trace has one step per definition and recommendation.
fn steps(subject: &Subject, loaded: &Loaded, outcome: &Outcome) -> Vec<String> {
    let model = &subject.checked.model;
    let count = |kind: &str, name: &str| {
        outcome
            .trace
            .iter()
            .filter(|s| s.kind == kind && s.name == name)
            .count()
    };
    let defs = model.defs.iter().map(|d| ("definition", &d.name));
    let recs = model.recs.iter().map(|r| ("recommendation", &r.id));
    defs.chain(recs)
        .filter(|(kind, name)| count(kind, name) != 1)
        .map(|(kind, name)| {
            format!(
                "{}: the trace has {} steps for {kind} `{name}`, not one",
                loaded.label,
                count(kind, name)
            )
        })
        .collect()
}

/// The facts a trace label's read depends on: the fact it names, or every
/// fact the definition it names reads (`unknown: x not given`, `x = 2`,
/// `t.c = 1 (row …)`, `band: row …`).
fn label_facts(subject: &Subject, cones: &Cones, text: &str) -> Vec<FactId> {
    let model = &subject.checked.model;
    let text = text.strip_prefix("unknown: ").unwrap_or(text);
    let name: String = text
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
        .collect();
    // A list's slot reads as the list (`meds contains a`, `meds does not
    // contain a`, `meds does not say whether it contains a`), the whole
    // list when nothing of it is given (`meds not given`).
    if let Some(list) = model.list(&name) {
        if text.ends_with(" not given") {
            return list.slots.clone();
        }
        // One label may name several values (`meds contains a, b`).
        let tail = text
            .rsplit_once(" contains ")
            .or_else(|| text.rsplit_once(" contain "))
            .map_or("", |(_, t)| t);
        let values = model.enum_info(list.values).map(|e| e.values.as_slice());
        return tail
            .split(", ")
            .filter_map(|value| {
                let i = values.and_then(|v| v.iter().position(|x| x.name == value))?;
                list.slots.get(i).copied()
            })
            .collect();
    }
    if let Some(f) = model.fact(&name) {
        return vec![f];
    }
    let Some(d) = model.def(&name) else {
        return Vec::new();
    };
    let read = TExpr {
        kind: TExprKind::Def(d),
        ty: Type::Bool,
        span: crate::source::Span::default(),
    };
    cones.of(&[&read]).0.into_iter().collect()
}

/// Each decided recommendation keeps its status when only the facts behind
/// its trace labels (and its sections') are known.
fn decisive(subject: &Subject, loaded: &Loaded, outcome: &Outcome) -> Vec<String> {
    let model = &subject.checked.model;
    let p = &subject.program;
    let cones = Cones::new(model);
    let mut scratch = p.scratch();
    let mut out = Vec::new();
    for step in outcome.trace.iter().filter(|s| s.kind == "recommendation") {
        let Some(r) = model.rec(&step.name) else {
            continue;
        };
        let Some(rec) = outcome.recommendations.get(r.0 as usize) else {
            continue;
        };
        if rec.status == Status::Undetermined {
            continue;
        }
        // A section's reads are on its own step, before the recommendations.
        let sections: Vec<&str> = model
            .section_chain(model.recs.get(r.0 as usize).and_then(|x| x.section))
            .iter()
            .filter_map(|s| model.sections.get(s.0 as usize).map(|x| x.id.as_str()))
            .collect();
        let section_labels = outcome
            .trace
            .iter()
            .filter(|s| s.kind == "section" && sections.contains(&s.name.as_str()))
            .flat_map(|s| &s.labels);
        let mut keep = vec![false; model.facts.len()];
        for label in step.labels.iter().chain(section_labels) {
            for f in label_facts(subject, &cones, &label.text) {
                if let Some(k) = keep.get_mut(f.0 as usize) {
                    *k = true;
                }
            }
        }
        let reduced = Case {
            name: "decisive reads".into(),
            facts: loaded
                .case
                .facts
                .iter()
                .zip(&keep)
                .map(|(v, k)| v.filter(|_| *k))
                .collect(),
            absent: Vec::new(),
        };
        p.run_general(&reduced, &mut scratch);
        let now = scratch.last_statuses().get(r.0 as usize).copied();
        if now != Some(rec.status) {
            let labels: Vec<&str> = step.labels.iter().map(|l| l.text.as_str()).collect();
            out.push(format!(
                "{}: the trace says `{}` {} because of {labels:?}, but with only those facts known it is {}",
                loaded.label,
                step.name,
                rec.status.as_str(),
                now.map_or("missing", Status::as_str)
            ));
        }
    }
    out
}
