//! Eval stage: `explain ID`, the trace of one recommendation and everything
//! it depends on (its sections' conditions and the definitions it reads,
//! transitively).

use crate::check::model::{DefBody, DefId, Model, TExpr, TExprKind};
use crate::check::Checked;
use crate::diagnostics::suggestion;
use crate::eval::outcome::{Outcome, TraceStep};

/// Why a recommendation cannot be explained.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
pub enum ExplainError {
    /// No recommendation has this id.
    #[error("no recommendation `{id}`")]
    #[diagnostic(code(cairn::eval::unknown_recommendation))]
    UnknownRecommendation {
        /// The id asked for.
        id: String,
        /// A did-you-mean hint.
        #[help]
        help: Option<String>,
    },
    /// The outcome was evaluated without a trace.
    #[error("the outcome has no trace")]
    #[diagnostic(
        code(cairn::eval::no_trace),
        help("evaluate with `Options {{ trace: true }}`")
    )]
    NoTrace,
}

/// The steps of `outcome`'s trace that explain recommendation `id`: the
/// definitions it reads (transitively, in evaluation order), its sections
/// and itself.
pub fn explain(
    outcome: &Outcome,
    checked: &Checked,
    id: &str,
) -> Result<Vec<TraceStep>, ExplainError> {
    let model = &checked.model;
    let Some(rid) = model.rec(id) else {
        return Err(ExplainError::UnknownRecommendation {
            id: id.to_string(),
            help: suggestion(id, model.recs.iter().map(|r| r.id.as_str())),
        });
    };
    if outcome.trace.is_empty() {
        return Err(ExplainError::NoTrace);
    }
    let mut defs = vec![false; model.defs.len()];
    let mut sections = Vec::new();
    let rec = model.recs.get(rid.0 as usize);
    if let Some(c) = rec.and_then(|r| r.condition.as_ref()) {
        reads(model, c, &mut defs);
    }
    for s in model.section_chain(rec.and_then(|r| r.section)) {
        if let Some(sec) = model.sections.get(s.0 as usize) {
            sections.push(sec.id.as_str());
            if let Some(c) = &sec.condition {
                reads(model, c, &mut defs);
            }
        }
    }
    let wanted = |step: &TraceStep| match step.kind.as_str() {
        "definition" => model
            .def(&step.name)
            .is_some_and(|d| defs.get(d.0 as usize).copied().unwrap_or(false)),
        "section" => sections.contains(&step.name.as_str()),
        _ => step.name == id,
    };
    Ok(outcome
        .trace
        .iter()
        .filter(|s| wanted(s))
        .cloned()
        .collect())
}

/// Marks every definition `e` reads, directly or through other definitions.
fn reads(model: &Model, e: &TExpr, seen: &mut [bool]) {
    let visit_def = |d: DefId, seen: &mut [bool]| {
        if let Some(flag) = seen.get_mut(d.0 as usize) {
            if *flag {
                return;
            }
            *flag = true;
        }
        match model.defs.get(d.0 as usize).map(|def| &def.body) {
            Some(DefBody::Expr(body)) => reads(model, body, seen),
            Some(DefBody::Table(t)) => {
                for k in model
                    .tables
                    .get(t.0 as usize)
                    .map(|t| t.keys.as_slice())
                    .unwrap_or(&[])
                {
                    reads(model, k, seen);
                }
            }
            None => {}
        }
    };
    for x in e.pre_order() {
        if let TExprKind::Def(d) | TExprKind::Column { def: d, .. } = &x.kind {
            visit_def(*d, seen);
        }
    }
}
