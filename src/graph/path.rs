//! Graph stage: the patient's path, drawn from one case's outcome.
//!
//! A recommendation takes its status from the outcome, and the kind and
//! strength it has for the case when they depend on it. A section (its
//! decision, or its box in the overview) takes the status of its step in
//! the outcome's trace when the outcome was evaluated with a trace (the
//! CLI always does); without one it is derived from its recommendations:
//! it applies when one of them applies, is not applicable when all of them
//! are not, and is undetermined otherwise. In a `first` classification,
//! the branch whose written value is the definition's value for the case
//! is drawn as taken (applies) and the others as not taken; an unknown
//! value leaves the classification undetermined. An arrow takes the status
//! of where it leads, so the path to what applies is drawn bold.

use super::error::Error;
use super::model::{Graph, NodeKind, Of};
use super::text::source_words;
use crate::check::Checked;
use crate::eval::outcome::{Outcome, Status};

/// Colours `graph` with the statuses of `outcome`.
pub(crate) fn colour(
    graph: &mut Graph,
    checked: &Checked,
    outcome: &Outcome<'_>,
) -> Result<(), Error> {
    let model = &checked.model;
    let mut found = Vec::with_capacity(model.recs.len());
    for rec in &model.recs {
        match outcome.recommendations.iter().find(|o| o.id == rec.id) {
            Some(o) => found.push(o),
            None => return Err(Error::OutcomeMismatch { id: rec.id.clone() }),
        }
    }
    let rec_status: Vec<Status> = found.iter().map(|o| o.status).collect();
    graph.with_case = true;
    let taken = |d: usize| taken_branch(checked, outcome, d);
    for node in &mut graph.nodes {
        node.status = match node.of {
            Of::Rec(r) => rec_status.get(r).copied(),
            Of::Section(s) => model
                .sections
                .get(s)
                .and_then(|info| section_status(checked, outcome, &rec_status, &info.id)),
            Of::Def(d) if node.kind == NodeKind::Classification => match taken(d) {
                Taken::Unknown => Some(Status::Undetermined),
                Taken::Branch(_) => Some(Status::Applies),
                Taken::Unclear => None,
            },
            Of::Branch(d, b) => match taken(d) {
                Taken::Branch(t) if t == b => Some(Status::Applies),
                Taken::Branch(_) => Some(Status::NotApplicable),
                Taken::Unknown | Taken::Unclear => None,
            },
            _ => None,
        };
    }
    // A recommendation whose kind or strength depends on the case shows
    // the one it has for this case, once decided.
    for node in &mut graph.nodes {
        let Of::Rec(r) = node.of else {
            continue;
        };
        let Some(o) = found.get(r) else {
            continue;
        };
        let varies = model
            .recs
            .get(r)
            .is_some_and(|info| !info.varies.is_fixed());
        if varies && o.grading_missing.is_empty() {
            let head = match &o.strength {
                Some(s) => format!("{} · {s}", o.kind),
                None => o.kind.to_string(),
            };
            if let Some(first) = node.lines.first_mut() {
                *first = head;
            }
        }
    }
    let statuses: Vec<Option<Status>> = graph.nodes.iter().map(|n| n.status).collect();
    for edge in graph.edges.iter_mut().filter(|e| !e.secondary) {
        edge.status = statuses.get(edge.to).copied().flatten();
    }
    Ok(())
}

/// Which branch of a classification the case took.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Taken {
    /// The value is unknown.
    Unknown,
    /// The branch whose value it is (`None`: `otherwise`).
    Branch(Option<usize>),
    /// Known, but not told apart by its written value (two branches give
    /// the same value, or the value is computed).
    Unclear,
}

/// The branch of definition `d`'s `first` whose written value is the
/// definition's value for the case.
fn taken_branch(checked: &Checked, outcome: &Outcome<'_>, d: usize) -> Taken {
    let model = &checked.model;
    let Some(def) = model.defs.get(d) else {
        return Taken::Unclear;
    };
    let value = match outcome.derived.get(&def.name) {
        None | Some(serde_json::Value::Null) => return Taken::Unknown,
        Some(serde_json::Value::String(s)) => s.clone(),
        Some(v @ (serde_json::Value::Bool(_) | serde_json::Value::Number(_))) => v.to_string(),
        Some(_) => return Taken::Unclear,
    };
    let crate::check::model::DefBody::Expr(body) = &def.body else {
        return Taken::Unclear;
    };
    let crate::check::model::TExprKind::First {
        branches,
        otherwise,
    } = &body.kind
    else {
        return Taken::Unclear;
    };
    let values = branches
        .iter()
        .enumerate()
        .map(|(i, (_, v))| (Some(i), v))
        .chain(otherwise.as_deref().map(|v| (None, v)));
    let matching: Vec<Option<usize>> = values
        .filter(|(_, v)| source_words(checked, v) == value)
        .map(|(i, _)| i)
        .collect();
    match matching.as_slice() {
        [one] => Taken::Branch(*one),
        _ => Taken::Unclear,
    }
}

/// The status of section `id` for the case.
fn section_status(
    checked: &Checked,
    outcome: &Outcome<'_>,
    rec_status: &[Status],
    id: &str,
) -> Option<Status> {
    let from_trace = outcome
        .trace
        .iter()
        .find(|step| step.kind == "section" && step.name == id)
        .and_then(|step| match step.result.as_str()? {
            "applies" => Some(Status::Applies),
            "not_applicable" => Some(Status::NotApplicable),
            "undetermined" => Some(Status::Undetermined),
            _ => None,
        });
    if from_trace.is_some() {
        return from_trace;
    }
    let model = &checked.model;
    let s = model.sections.iter().position(|x| x.id == id)?;
    let inside: Vec<Status> = model
        .recs
        .iter()
        .zip(rec_status)
        .filter(|(r, _)| {
            model
                .section_chain(r.section)
                .iter()
                .any(|c| c.0 as usize == s)
        })
        .map(|(_, st)| *st)
        .collect();
    if inside.contains(&Status::Applies) {
        Some(Status::Applies)
    } else if !inside.is_empty() && inside.iter().all(|st| *st == Status::NotApplicable) {
        Some(Status::NotApplicable)
    } else if inside.is_empty() {
        None
    } else {
        Some(Status::Undetermined)
    }
}
