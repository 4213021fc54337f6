//! Eval stage: builds the [`Outcome`] (the JSON contract) from evaluated
//! slots. Everything that does not depend on the case (details, section
//! paths, statement pieces) is prepared once per program in [`FixedRec`].

use crate::case::Case;
use crate::check::model::{DefId, FactId, Model, RecId, RecInfo, Type};
use crate::eval::display;
use crate::eval::outcome::schedule_dates;
use crate::eval::outcome::score_range;
use crate::eval::outcome::{AlternativeOutcome, GuidelineRef, Outcome, RecOutcome, Status};
use crate::eval::{diagnose, grading, schedule, trace, Options, Program, Scratch};
use crate::units::Unit;
use crate::value::Value;

/// A piece of a statement: text, or a `{name}` placeholder.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Piece {
    /// Literal text.
    Text(String),
    /// A fact's value, with the decimals of its `:.N` format and the unit
    /// of its `: unit` format.
    Fact(FactId, Option<u8>, Option<Unit>),
    /// A definition's value, with its format as for a fact.
    Def(DefId, Option<u8>, Option<Unit>),
}

/// The parts of a recommendation's outcome that do not depend on the case.
#[derive(Debug, Clone)]
pub(crate) struct FixedRec {
    kind: String,
    strength: Option<crate::strength::Strength>,
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
            strength: rec.strength.clone(),
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
    let mut from = 0;
    for p in crate::check::placeholder::placeholders(text) {
        let target = model
            .fact(p.name)
            .map(|f| Piece::Fact(f, p.digits, None))
            .or_else(|| model.def(p.name).map(|d| Piece::Def(d, p.digits, None)));
        // The checker allowed only a unit of the value's dimension.
        let unit = p.unit.and_then(crate::units::lookup);
        let target = target.map(|piece| match piece {
            Piece::Fact(f, d, _) => Piece::Fact(f, d, unit),
            Piece::Def(f, d, _) => Piece::Def(f, d, unit),
            other => other,
        });
        let Some(piece) = target else { continue };
        if let Some(lit) = text.get(from..p.start).filter(|l| !l.is_empty()) {
            out.push(Piece::Text(lit.to_string()));
        }
        out.push(piece);
        from = p.end;
    }
    if let Some(lit) = text.get(from..).filter(|l| !l.is_empty()) {
        out.push(Piece::Text(lit.to_string()));
    }
    out
}

/// A fact's name.
fn fact_name(model: &Model, f: FactId) -> Option<String> {
    model.facts.get(f.0 as usize).map(|i| i.name.clone())
}

/// Fills the placeholders of a statement (`defs`: every definition's value).
/// Every definition's value, and for a score left unknown its interval.
type DefValues<'a> = (&'a [Option<Value>], &'a [Option<(f64, f64)>]);

/// A score left unknown shows its interval (`at least 5`).
fn statement(
    program: &Program,
    case: &Case,
    (defs, ranges): DefValues,
    pieces: &[Piece],
) -> String {
    let model = &program.model;
    let mut out = String::new();
    for piece in pieces {
        match piece {
            Piece::Text(t) => out.push_str(t),
            // A piece names a fact or definition found in this model.
            Piece::Fact(f, digits, unit) => {
                let ty = shown_in(model.facts[f.0 as usize].ty, *unit);
                let v = case.facts.get(f.0 as usize).copied().flatten();
                out.push_str(&display::statement_value(model, ty, v, *digits));
            }
            Piece::Def(d, digits, unit) => {
                let ty = shown_in(model.defs[d.0 as usize].ty, *unit);
                let v = defs.get(d.0 as usize).copied().flatten();
                match ranges.get(d.0 as usize).copied().flatten() {
                    Some(r) if v.is_none() => out.push_str(&score_range::text(r)),
                    _ => out.push_str(&display::statement_value(model, ty, v, *digits)),
                }
            }
        }
    }
    out
}

/// The facts the case left out that took their declared absent value.
fn absent_facts(model: &Model, case: &Case) -> Vec<super::AbsentFact> {
    case.absent
        .iter()
        .filter_map(|&f| {
            let info = model.facts.get(f as usize)?;
            let v = case.facts.get(f as usize).copied().flatten();
            Some(super::AbsentFact {
                fact: info.name.clone(),
                value: display::json(model, info.ty, v),
            })
        })
        .collect()
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
    // Values the Kleene pass left unknown are settled by the exact pass.
    let defs: Vec<Option<Value>> = (0..model.defs.len())
        .map(|i| program.def_value_exact(scratch, crate::check::model::DefId(i as u32)))
        .collect();
    for (def, v) in model.defs.iter().zip(&defs) {
        derived.insert(def.name.clone(), display::json(model, def.ty, *v));
    }
    // Scores left unknown: what is known of them (slots synced above).
    let score_ranges: Vec<Option<(f64, f64)>> = (0..model.defs.len())
        .map(|d| {
            let unknown = defs.get(d).is_some_and(|v| v.is_none());
            let pc = program.code.def_root.get(d).copied()?;
            unknown.then(|| score_range::of(&program.code, &scratch.vals, pc))?
        })
        .collect();
    let mut ranges = serde_json::Map::new();
    for (def, r) in model.defs.iter().zip(&score_ranges) {
        if let Some(r) = r {
            ranges.insert(def.name.clone(), score_range::json(*r));
        }
    }
    // Study conditions and per-case strengths and kinds run on demand.
    program.run_on_demand(case, scratch);
    // Failed operations are rare: only when there are any does an
    // undetermined recommendation look for those it depends on.
    let failed = diagnose::failed(&program.code, &scratch.vals, false);
    let mut recommendations = Vec::with_capacity(model.recs.len());
    for (i, (rec, fixed)) in model.recs.iter().zip(&program.fixed).enumerate() {
        // One status per recommendation, by construction of the scratch.
        let status = scratch.statuses[i];
        let exact = program.exact_info(scratch, RecId(i as u32));
        let missing = if status == Status::Undetermined {
            exact.missing
        } else {
            Vec::new()
        };
        let diagnostics = match program.code.rec_root.get(i) {
            Some(&root) if status == Status::Undetermined && !failed.is_empty() => {
                diagnose::behind(&program.code, &scratch.vals, root, &mut scratch.visited)
                    .into_iter()
                    .map(|pc| diagnose::diagnostic(program, &scratch.vals, pc))
                    .collect()
            }
            _ => Vec::new(),
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
            (g.kind.keyword().to_string(), g.strength, missing)
        };
        recommendations.push(RecOutcome {
            id: rec.id.clone(),
            kind,
            status,
            strength,
            grading_missing,
            statement: statement(program, case, (&defs, &score_ranges), &fixed.statement),
            section: fixed.section.clone(),
            section_path: fixed.section_path.clone(),
            missing,
            approximate: exact.approximate,
            regardless_of: exact.regardless_of,
            leads_to: exact.leads_to,
            alternatives: fixed.alternatives.clone(),
            rationale: rec.rationale.clone(),
            notes: rec.notes.clone(),
            details: fixed.details.clone(),
            citations: rec.cites.clone(),
            see: rec.see.clone(),
            diagnostics,
        });
    }
    let mut schedules = Vec::new();
    let mut cut = Vec::new();
    let dates = schedule_dates::Dates {
        model,
        case,
        defs: &defs,
    };
    for (i, rec) in model.recs.iter().enumerate() {
        let applies = scratch.statuses.get(i) == Some(&Status::Applies);
        let Some(sid) = rec.schedule.filter(|_| applies) else {
            continue;
        };
        if let Some(s) = schedule::layout(program, &dates, &scratch.vals, (sid, &rec.id), &mut cut)
        {
            schedules.push(s);
        }
    }
    // Study conditions count for diagnostics only where a schedule is laid out.
    let studies_ready = model
        .recs
        .iter()
        .zip(&scratch.statuses)
        .any(|(r, s)| r.schedule.is_some() && *s == Status::Applies);
    let mut diagnostics: Vec<_> = diagnose::reported(&program.code, &scratch.vals, studies_ready)
        .into_iter()
        .map(|pc| diagnose::diagnostic(program, &scratch.vals, pc))
        .collect();
    diagnostics.append(&mut cut);
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
        ranges,
        absent: absent_facts(model, case),
        recommendations,
        schedules,
        trace,
        diagnostics,
    }
}

/// A quantity's type shown in a placeholder's unit, when it gives one of
/// the same dimension.
fn shown_in(ty: Type, unit: Option<Unit>) -> Type {
    match (ty, unit) {
        (Type::Quantity { dim, .. }, Some(unit)) if unit.dimension == dim => {
            Type::Quantity { dim, unit }
        }
        _ => ty,
    }
}
