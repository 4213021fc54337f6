//! Eval stage: builds the [`Outcome`] (the JSON contract) from evaluated
//! slots. Everything that does not depend on the case (details, section
//! paths, statement pieces) is prepared once per program in [`FixedRec`].

use crate::case::Case;
use crate::check::model::FactId;
use crate::check::model::{Model, RecId, RecInfo, Type};
use crate::eval::display;
use crate::eval::outcome::{AlternativeOutcome, GuidelineRef, Outcome, RecOutcome, Status};
use crate::eval::{grading, schedule, trace, Options, Program, Scratch};
use crate::value::Value;

/// A piece of a statement: text, or a `{name}` placeholder.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Piece {
    /// Literal text.
    Text(String),
    /// A fact's value.
    Fact(u32),
    /// A definition's value.
    Def(u32),
}

/// The parts of a recommendation's outcome that do not depend on the case.
#[derive(Debug, Clone)]
pub(crate) struct FixedRec {
    kind: String,
    strength: Option<String>,
    section: Option<String>,
    section_path: Vec<String>,
    alternatives: Vec<AlternativeOutcome>,
    details: serde_json::Map<String, serde_json::Value>,
    pub statement: Vec<Piece>,
}

impl FixedRec {
    /// Prepares one recommendation.
    pub fn new(model: &Model, rec: &RecInfo) -> FixedRec {
        let chain = model.section_chain(rec.section);
        let section_path = chain
            .iter()
            .filter_map(|s| model.sections.get(s.0 as usize))
            .map(|s| s.title.clone())
            .collect();
        let alternatives = rec
            .alternatives
            .iter()
            .map(|(id, text)| AlternativeOutcome {
                id: id
                    .and_then(|r| model.recs.get(r.0 as usize))
                    .map(|r| r.id.clone()),
                text: text.clone(),
            })
            .collect();
        let mut details = serde_json::Map::new();
        for (name, values) in &rec.details {
            let list = values.iter().map(display::detail_json).collect();
            details.insert(name.clone(), serde_json::Value::Array(list));
        }
        FixedRec {
            kind: rec.kind.keyword().to_string(),
            strength: rec.strength.map(|g| g.to_string()),
            section: rec
                .section
                .and_then(|s| model.sections.get(s.0 as usize))
                .map(|s| s.id.clone()),
            section_path,
            alternatives,
            details,
            statement: pieces(model, &rec.statement),
        }
    }
}

/// Splits a statement at `{name}` placeholders naming a fact or definition;
/// other braces stay text.
pub(crate) fn pieces(model: &Model, text: &str) -> Vec<Piece> {
    let mut out = Vec::new();
    let mut lit = String::new();
    let mut rest = text;
    while let Some(open) = rest.find('{') {
        let after = &rest[open + 1..];
        let close = after.find('}');
        let name = close.map(|c| &after[..c]);
        let target = name.and_then(|n| {
            model
                .fact(n)
                .map(|f| Piece::Fact(f.0))
                .or_else(|| model.def(n).map(|d| Piece::Def(d.0)))
        });
        match (target, close) {
            (Some(piece), Some(c)) => {
                lit.push_str(&rest[..open]);
                if !lit.is_empty() {
                    out.push(Piece::Text(std::mem::take(&mut lit)));
                }
                out.push(piece);
                rest = &after[c + 1..];
            }
            _ => {
                lit.push_str(&rest[..open + 1]);
                rest = after;
            }
        }
    }
    lit.push_str(rest);
    if !lit.is_empty() {
        out.push(Piece::Text(lit));
    }
    out
}

/// A fact's value and type.
pub(crate) fn fact_value(model: &Model, case: &Case, f: u32) -> (Type, Option<Value>) {
    let ty = model
        .facts
        .get(f as usize)
        .map(|i| i.ty)
        .unwrap_or(Type::Bool);
    (ty, case.facts.get(f as usize).copied().flatten())
}

/// A fact's name.
fn fact_name(model: &Model, f: FactId) -> Option<String> {
    model.facts.get(f.0 as usize).map(|i| i.name.clone())
}

/// Fills the placeholders of a statement.
fn statement(program: &Program, case: &Case, scratch: &Scratch, pieces: &[Piece]) -> String {
    let model = &program.model;
    let mut out = String::new();
    for piece in pieces {
        match piece {
            Piece::Text(t) => out.push_str(t),
            Piece::Fact(f) => {
                let (ty, v) = fact_value(model, case, *f);
                out.push_str(&display::statement_text(model, ty, v));
            }
            Piece::Def(d) => {
                let ty = model
                    .defs
                    .get(*d as usize)
                    .map(|i| i.ty)
                    .unwrap_or(Type::Bool);
                let v = program.def_value(scratch, crate::check::model::DefId(*d));
                out.push_str(&display::statement_text(model, ty, v));
            }
        }
    }
    out
}

/// Builds the outcome of an evaluated case.
pub(crate) fn outcome(
    program: &Program,
    case: &Case,
    scratch: &mut Scratch,
    options: Options,
) -> Outcome {
    let model = &program.model;
    let mut derived = serde_json::Map::new();
    for (i, def) in model.defs.iter().enumerate() {
        let v = program.def_value(scratch, crate::check::model::DefId(i as u32));
        derived.insert(def.name.clone(), display::json(model, def.ty, v));
    }
    // Study conditions and per-case strengths and kinds run on demand.
    program.run_on_demand(case, scratch);
    let mut recommendations = Vec::with_capacity(model.recs.len());
    for (i, (rec, fixed)) in model.recs.iter().zip(&program.fixed).enumerate() {
        let status = scratch
            .statuses
            .get(i)
            .copied()
            .unwrap_or(Status::Undetermined);
        let missing = if status == Status::Undetermined {
            program
                .missing_into(scratch, RecId(i as u32))
                .iter()
                .filter_map(|f| model.facts.get(f).map(|f| f.name.clone()))
                .collect()
        } else {
            Vec::new()
        };
        let (kind, strength, grading_missing) = if rec.varies.is_fixed() {
            (fixed.kind.clone(), fixed.strength.clone(), Vec::new())
        } else {
            let g = grading::read(program, &scratch.vals, RecId(i as u32));
            // A recommendation that does not apply needs no grading.
            let missing = match status {
                Status::NotApplicable => Vec::new(),
                _ => g
                    .missing
                    .iter()
                    .filter_map(|f| fact_name(model, *f))
                    .collect(),
            };
            let strength = g.strength.map(|s| s.to_string());
            (g.kind.keyword().to_string(), strength, missing)
        };
        recommendations.push(RecOutcome {
            id: rec.id.clone(),
            kind,
            status,
            strength,
            grading_missing,
            statement: statement(program, case, scratch, &fixed.statement),
            section: fixed.section.clone(),
            section_path: fixed.section_path.clone(),
            missing,
            alternatives: fixed.alternatives.clone(),
            rationale: rec.rationale.clone(),
            notes: rec.notes.clone(),
            details: fixed.details.clone(),
            citations: rec.cites.clone(),
            see: rec.see.clone(),
        });
    }
    let mut schedules = Vec::new();
    for (i, rec) in model.recs.iter().enumerate() {
        let applies = scratch.statuses.get(i) == Some(&Status::Applies);
        let Some(sid) = rec.schedule.filter(|_| applies) else {
            continue;
        };
        if let Some(s) = schedule::layout(program, case, &scratch.vals, sid, &rec.id) {
            schedules.push(s);
        }
    }
    let trace = if options.trace {
        trace::steps(program, case, scratch)
    } else {
        Vec::new()
    };
    Outcome {
        guideline: GuidelineRef {
            id: model.meta.id.clone(),
            version: model.meta.version.clone(),
        },
        derived,
        recommendations,
        schedules,
        trace,
    }
}
