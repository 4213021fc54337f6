//! Eval stage: builds the [`Outcome`] (the JSON contract) from evaluated
//! slots. Everything that does not depend on the case (details, section
//! paths, statement pieces) is prepared once per program in [`FixedRec`],
//! and the outcome borrows it: a recommendation costs no allocation unless
//! its statement has placeholders or it is undetermined. The entry points
//! are [`Program::evaluate_with`] (a reused scratch) and
//! [`Program::evaluate`] (the one-off, owned form).

use crate::case::Case;
use crate::check::model::{DefId, FactId, Model, RecId, RecInfo, Type};
use crate::eval::display;
use crate::eval::outcome::schedule_dates;
use crate::eval::outcome::score_range;
use crate::eval::outcome::{
    AlternativeOutcome, Derived, GuidelineRef, Outcome, Ranges, RecOutcome, Shared, Status,
};
use crate::eval::{diagnose, grading, schedule, trace, Options, Program, Scratch};
use crate::units::Unit;
use crate::value::Value;
use std::borrow::Cow;

impl Program {
    /// Evaluates a case and builds its full outcome in `scratch` (reused
    /// across cases). The outcome borrows the program's strings: only
    /// statements with placeholders, undetermined recommendations'
    /// explanations, schedules and the trace are made per case.
    pub fn evaluate_with<'p>(
        &'p self,
        case: &Case,
        scratch: &mut Scratch,
        options: Options,
    ) -> Outcome<'p> {
        // The general slots are synced only if a walker below needs them.
        self.evaluate_unsynced(case, scratch);
        if options.trace {
            self.trace_into(scratch);
        }
        outcome(self, case, scratch, options)
    }

    /// Evaluates one case with fresh buffers and returns an outcome that
    /// owns its strings: the convenience form of
    /// [`Program::evaluate_with`], several times slower per case.
    pub fn evaluate(&self, case: &Case, options: Options) -> Outcome<'static> {
        self.evaluate_with(case, &mut self.scratch(), options)
            .into_owned()
    }
}

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
    /// Bytes to reserve for the filled statement: its text and room for
    /// the values, so that filling it allocates once.
    capacity: usize,
}

impl FixedRec {
    /// The statement when it has no placeholder to fill.
    fn fixed_statement(&self) -> Option<&str> {
        match self.statement.as_slice() {
            [] => Some(""),
            [Piece::Text(t)] => Some(t),
            _ => None,
        }
    }
}

/// Definitions' indices sorted by name: the key order of the JSON map of
/// derived values, which [`Derived`] writes without building the map.
pub(crate) fn by_name(model: &Model) -> Vec<u32> {
    let mut order: Vec<u32> = (0..model.defs.len() as u32).collect();
    order.sort_by(|a, b| {
        let name = |d: &u32| model.defs.get(*d as usize).map(|d| d.name.as_str());
        name(a).cmp(&name(b))
    });
    order
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
        let statement = pieces(model, &rec.statement);
        let capacity = statement
            .iter()
            .map(|p| match p {
                Piece::Text(t) => t.len(),
                // Room for a value in words (`Dedifferentiated liposarcoma`).
                Piece::Fact(..) | Piece::Def(..) => 32,
            })
            .sum();
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
            statement,
            capacity,
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

/// Fills the placeholders of a statement (`defs`: every definition's value).
/// Every definition's value, and for a score left unknown its interval.
type DefValues<'a> = (&'a [Option<Value>], &'a [Option<(f64, f64)>]);

/// A score left unknown shows its interval (`at least 5`).
fn statement<'p>(
    program: &'p Program,
    case: &Case,
    (defs, ranges): DefValues,
    fixed: &'p FixedRec,
) -> Cow<'p, str> {
    if let Some(text) = fixed.fixed_statement() {
        return Cow::Borrowed(text);
    }
    let model = &program.model;
    let mut out = String::with_capacity(fixed.capacity);
    for piece in &fixed.statement {
        match piece {
            Piece::Text(t) => out.push_str(t),
            // A piece names a fact or definition found in this model.
            Piece::Fact(f, digits, unit) => {
                let ty = shown_in(model.facts[f.0 as usize].ty, *unit);
                let v = case.facts.get(f.0 as usize).copied().flatten();
                display::push_statement_value(&mut out, model, ty, v, *digits);
            }
            Piece::Def(d, digits, unit) => {
                let ty = shown_in(model.defs[d.0 as usize].ty, *unit);
                let v = defs.get(d.0 as usize).copied().flatten();
                match ranges.get(d.0 as usize).copied().flatten() {
                    Some(r) if v.is_none() => out.push_str(&score_range::text(r)),
                    _ => display::push_statement_value(&mut out, model, ty, v, *digits),
                }
            }
        }
    }
    Cow::Owned(out)
}

/// The facts the case left out that took their declared absent value; a
/// list left out (`absent means none`) once, as the empty list. `cairn
/// run` and `cairn batch` both show these.
pub fn absent_facts<'p>(model: &'p Model, case: &Case) -> Vec<super::AbsentFact<'p>> {
    let mut out: Vec<super::AbsentFact<'p>> = Vec::new();
    for &f in &case.absent {
        let Some(info) = model.facts.get(f as usize) else {
            continue;
        };
        let value = |f: FactId| case.facts.get(f.0 as usize).copied().flatten();
        let (fact, value) = match model.slot(FactId(f)) {
            Some(s) if out.iter().any(|a| a.fact == s.list.name) => continue,
            Some(s) => {
                let v = model.list_json(s.list, value);
                (
                    Cow::Borrowed(s.list.name.as_str()),
                    v.unwrap_or(serde_json::Value::Null),
                )
            }
            None => (
                Cow::Borrowed(info.name.as_str()),
                display::json(model, info.ty, value(FactId(f))),
            ),
        };
        out.push(super::AbsentFact { fact, value });
    }
    out
}

/// Builds the outcome of an evaluated case; it borrows the program's
/// strings (see [`Outcome::into_owned`]).
pub(crate) fn outcome<'p>(
    program: &'p Program,
    case: &Case,
    scratch: &mut Scratch,
    options: Options,
) -> Outcome<'p> {
    let model = &program.model;
    // Values the Kleene pass left unknown are settled by the exact pass.
    let defs: Vec<Option<Value>> = (0..model.defs.len())
        .map(|i| program.def_value_exact(scratch, crate::check::model::DefId(i as u32)))
        .collect();
    // Scores left unknown: what is known of them (slots synced above).
    let mut score_ranges = std::mem::take(&mut scratch.ranges);
    score_ranges.clear();
    let code = &program.code;
    program.read_slots(scratch, |slots| {
        score_ranges.extend((0..model.defs.len()).map(|d| {
            let unknown = defs.get(d).is_some_and(|v| v.is_none());
            let pc = code.def_root.get(d).copied()?;
            unknown.then(|| score_range::of(code, slots, pc))?
        }));
    });
    let ranges = Ranges(
        program
            .def_by_name
            .iter()
            .filter_map(|&d| {
                let r = score_ranges.get(d as usize).copied().flatten()?;
                Some((Cow::Borrowed(model.defs.get(d as usize)?.name.as_str()), r))
            })
            .collect(),
    );
    // Study conditions and per-case strengths and kinds run on demand.
    program.run_on_demand(case, scratch);
    // Failed operations are rare: only when there are any does an
    // undetermined recommendation look for those it depends on.
    let failed = program.read_slots(scratch, |s| diagnose::failed(code, s, false));
    let mut recommendations = Vec::with_capacity(model.recs.len());
    for (i, (rec, fixed)) in model.recs.iter().zip(&program.fixed).enumerate() {
        // One status per recommendation, by construction of the scratch.
        let status = scratch.statuses[i];
        let exact = program.exact_info(scratch, RecId(i as u32));
        let missing = if status == Status::Undetermined {
            exact.missing
        } else {
            Shared::new()
        };
        let diagnostics = match program.code.rec_root.get(i) {
            Some(&root) if status == Status::Undetermined && !failed.is_empty() => {
                program.sync(scratch);
                diagnose::behind(&program.code, &scratch.vals, root, &mut scratch.visited)
                    .into_iter()
                    .map(|pc| diagnose::diagnostic(program, &scratch.vals, pc))
                    .collect()
            }
            _ => Vec::new(),
        };
        // Undetermined with nothing missing and no failed operation: a
        // `first` without `otherwise` fell through.
        let mut diagnostics = diagnostics;
        if let (Some(&root), true) = (
            program.code.rec_root.get(i),
            status == Status::Undetermined && missing.is_empty() && diagnostics.is_empty(),
        ) {
            program.sync(scratch);
            diagnostics =
                diagnose::fell_through(&program.code, &scratch.vals, root, &mut scratch.visited)
                    .into_iter()
                    .map(|pc| diagnose::no_branch(program, pc))
                    .collect();
        }
        // What happened, in words, when no missing fact explains it.
        let reason = match (status, missing.is_empty(), diagnostics.first()) {
            (Status::Undetermined, true, Some(d)) => Some(d.message.clone()),
            _ => None,
        };
        let (kind, strength, grading_missing) = if rec.varies.is_fixed() {
            let kind = Cow::Borrowed(fixed.kind.as_str());
            (kind, fixed.strength.clone(), Vec::new())
        } else {
            let g = grading::read(program, scratch, RecId(i as u32));
            // A recommendation that does not apply needs no grading.
            let missing = match status {
                Status::NotApplicable => Vec::new(),
                _ => model.user_names(g.missing.iter().copied()),
            };
            (Cow::Borrowed(g.kind.keyword()), g.strength, missing)
        };
        recommendations.push(RecOutcome {
            id: Cow::Borrowed(&rec.id),
            kind,
            status,
            strength,
            grading_missing,
            statement: statement(program, case, (&defs, &score_ranges), fixed),
            section: fixed.section.as_deref().map(Cow::Borrowed),
            section_path: Cow::Borrowed(&fixed.section_path),
            missing,
            approximate: exact.approximate,
            regardless_of: exact.regardless_of,
            leads_to: exact.leads_to,
            alternatives: Cow::Borrowed(&fixed.alternatives),
            rationale: Cow::Borrowed(&rec.rationale),
            notes: Cow::Borrowed(&rec.notes),
            details: Cow::Borrowed(&fixed.details),
            citations: Cow::Borrowed(&rec.cites),
            see: Cow::Borrowed(&rec.see),
            diagnostics,
            reason,
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
    let mut diagnostics: Vec<_> = Vec::new();
    // With the study conditions, more slots may have failed.
    let failed = match studies_ready {
        true => program.read_slots(scratch, |s| diagnose::failed(code, s, true)),
        false => failed,
    };
    if !failed.is_empty() {
        program.sync(scratch);
        diagnostics = diagnose::reported(&program.code, &scratch.vals, studies_ready)
            .into_iter()
            .map(|pc| diagnose::diagnostic(program, &scratch.vals, pc))
            .collect();
    }
    diagnostics.append(&mut cut);
    let trace = if options.trace {
        program.sync(scratch);
        trace::steps(program, case, scratch)
    } else {
        Vec::new()
    };
    scratch.ranges = score_ranges;
    Outcome {
        guideline: GuidelineRef {
            id: Cow::Borrowed(&model.meta.id),
            version: Cow::Borrowed(&model.meta.version),
        },
        derived: Derived::new(model, &program.def_by_name, defs),
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
pub(crate) fn shown_in(ty: Type, unit: Option<Unit>) -> Type {
    match (ty, unit) {
        (Type::Quantity { dim, .. }, Some(unit)) if unit.dimension == dim => {
            Type::Quantity { dim, unit }
        }
        _ => ty,
    }
}
