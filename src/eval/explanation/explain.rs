//! Eval stage: `explain ID`, the trace of one definition, section, schedule
//! or recommendation and everything it depends on (the sections' conditions
//! and the definitions they read, transitively; for a schedule, the
//! recommendations that lay it out and the dates it reads).

use crate::check::model::{
    DateRef, DefBody, DefId, Model, RecId, ScheduleId, SectionId, TExpr, TExprKind,
};
use crate::check::Checked;
use crate::diagnostics::suggestion;
use crate::eval::outcome::{Outcome, TraceStep};

/// Why a recommendation cannot be explained.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
pub enum ExplainError {
    /// No definition, section, schedule or recommendation has this id (the
    /// code keeps its first name: codes are stable).
    #[error("no definition, section, schedule or recommendation `{id}`")]
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

/// What `explain` was asked about, resolved against the model.
enum Target {
    Def(DefId),
    Section(SectionId),
    Schedule(ScheduleId),
    Rec(RecId),
}

/// Resolves an id: a recommendation first (the common question), then a
/// definition, a section and a schedule.
fn target(model: &Model, id: &str) -> Option<Target> {
    if let Some(r) = model.rec(id) {
        return Some(Target::Rec(r));
    }
    if let Some(d) = model.def(id) {
        return Some(Target::Def(d));
    }
    if let Some(s) = model.sections.iter().position(|s| s.id == id) {
        return Some(Target::Section(SectionId(s as u32)));
    }
    let s = model.schedules.iter().position(|s| s.name == id)?;
    Some(Target::Schedule(ScheduleId(s as u32)))
}

/// Every id `explain` accepts, for "did you mean".
fn ids(model: &Model) -> impl Iterator<Item = &str> {
    let recs = model.recs.iter().map(|r| r.id.as_str());
    let defs = model.defs.iter().map(|d| d.name.as_str());
    let sections = model.sections.iter().map(|s| s.id.as_str());
    let schedules = model.schedules.iter().map(|s| s.name.as_str());
    recs.chain(defs).chain(sections).chain(schedules)
}

/// What an explanation shows: the definitions, sections and
/// recommendations whose steps it keeps.
struct Wanted<'m> {
    defs: Vec<bool>,
    sections: Vec<&'m str>,
    recs: Vec<&'m str>,
}

impl<'m> Wanted<'m> {
    /// Adds a recommendation: its condition and its sections'.
    fn rec(&mut self, model: &'m Model, r: RecId) {
        let Some(rec) = model.recs.get(r.0 as usize) else {
            return;
        };
        self.recs.push(rec.id.as_str());
        if let Some(c) = &rec.condition {
            reads(model, c, &mut self.defs);
        }
        self.section(model, rec.section);
    }

    /// Adds a section and the sections around it, with their conditions.
    fn section(&mut self, model: &'m Model, s: Option<SectionId>) {
        for s in model.section_chain(s) {
            if let Some(sec) = model.sections.get(s.0 as usize) {
                self.sections.push(sec.id.as_str());
                if let Some(c) = &sec.condition {
                    reads(model, c, &mut self.defs);
                }
            }
        }
    }

    /// Adds a definition and those it reads.
    fn def(&mut self, model: &Model, d: DefId) {
        visit_def(model, d, &mut self.defs);
    }
}

/// The steps of `outcome`'s trace that explain `id`, in evaluation order:
/// for a recommendation, the definitions it reads (transitively), its
/// sections and itself; for a section, its conditions and the definitions
/// they read; for a definition, itself and the definitions it reads; for a
/// schedule, the recommendations that lay it out (explained as above) and
/// the date definitions it reads.
pub fn explain(
    outcome: &Outcome,
    checked: &Checked,
    id: &str,
) -> Result<Vec<TraceStep>, ExplainError> {
    let model = &checked.model;
    let Some(target) = target(model, id) else {
        return Err(ExplainError::UnknownRecommendation {
            id: id.to_string(),
            help: suggestion(id, ids(model)),
        });
    };
    if outcome.trace.is_empty() {
        return Err(ExplainError::NoTrace);
    }
    let mut wanted = Wanted {
        defs: vec![false; model.defs.len()],
        sections: Vec::new(),
        recs: Vec::new(),
    };
    match target {
        Target::Rec(r) => wanted.rec(model, r),
        Target::Def(d) => wanted.def(model, d),
        Target::Section(s) => wanted.section(model, Some(s)),
        Target::Schedule(s) => {
            for (r, rec) in model.recs.iter().enumerate() {
                if rec.schedule == Some(s) {
                    wanted.rec(model, RecId(r as u32));
                }
            }
            let reads = model.schedules.get(s.0 as usize).map(|s| s.reads());
            for read in reads.unwrap_or_default() {
                if let DateRef::Def(d) = read {
                    wanted.def(model, d);
                }
            }
        }
    }
    let keep = |step: &TraceStep| match step.kind.as_str() {
        "definition" => model
            .def(&step.name)
            .is_some_and(|d| wanted.defs.get(d.0 as usize).copied().unwrap_or(false)),
        "section" => wanted.sections.contains(&step.name.as_str()),
        _ => wanted.recs.contains(&step.name.as_str()),
    };
    Ok(outcome.trace.iter().filter(|s| keep(s)).cloned().collect())
}

/// Marks definition `d` and every definition it reads.
fn visit_def(model: &Model, d: DefId, seen: &mut [bool]) {
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
}

/// Marks every definition `e` reads, directly or through other definitions.
fn reads(model: &Model, e: &TExpr, seen: &mut [bool]) {
    for x in e.pre_order() {
        if let TExprKind::Def(d) | TExprKind::Column { def: d, .. } = &x.kind {
            visit_def(model, *d, seen);
        }
    }
}
