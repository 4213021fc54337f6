//! Eval stage, outcome: what the clinician note reads off an evaluated
//! case's slots besides the outcome itself: the deciding facts behind each
//! "why not" line, the definitions what applies uses, and statements in
//! which an unknown placeholder is said plainly.
//!
//! These are computed on demand for the text note only, so the outcome
//! builder (and `cairn batch`) pay nothing for them.

use crate::case::Case;
use crate::check::model::{DefId, FactId, SectionId};
use crate::eval::build::Piece;
use crate::eval::compile::{Code, Op, Pc};
use crate::eval::outcome::{build, display, score_range, Outcome, Status};
use crate::eval::{run, why, Program, Scratch};
use crate::value::Value;

/// A value the deciding part of a condition read.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Read {
    /// A fact (or one value of a list), with its value.
    Fact(FactId, Option<Value>),
    /// A definition, with its value.
    Def(u32, Option<Value>),
}

/// Why one recommendation does not apply.
#[derive(Debug, Clone)]
pub(crate) struct WhyNot {
    /// The recommendation's index.
    pub rec: usize,
    /// The outermost section whose condition is false, when that is why
    /// (the recommendation's own condition was then not reached).
    pub section: Option<SectionId>,
    /// What the false condition's deciding part read; empty when the exact
    /// pass, not a false condition, settled it.
    pub reads: Vec<Read>,
}

fn slot(vals: &[Option<Value>], pc: Pc) -> Option<Value> {
    vals.get(pc as usize).copied().flatten()
}

fn is_false(vals: &[Option<Value>], pc: Pc) -> bool {
    run::truth(slot(vals, pc)) == Some(false)
}

/// The facts and definitions read below `pc`, stopping at definitions: a
/// clinician reads "resectability is unresectable", not the facts behind it.
fn reads(code: &Code, vals: &[Option<Value>], pc: Pc, out: &mut Vec<Read>) {
    let read = match code.ops.get(pc as usize) {
        Some(Op::Fact(f)) => Read::Fact(FactId(*f), slot(vals, pc)),
        Some(Op::Def { def, .. } | Op::Column { def, .. }) => Read::Def(*def, slot(vals, pc)),
        Some(_) => {
            for c in code.children(pc) {
                reads(code, vals, c, out);
            }
            return;
        }
        None => return,
    };
    if !out.contains(&read) {
        out.push(read);
    }
}

/// What decided a decided condition: a false conjunct, a true disjunct,
/// through negations (`not (a or b)` false because of `a`); every operand
/// when all of them did (a false `a or b`).
fn deciding(code: &Code, vals: &[Option<Value>], pc: Pc, out: &mut Vec<Read>) {
    match code.ops.get(pc as usize) {
        Some(Op::Not(c)) => deciding(code, vals, *c, out),
        Some(Op::And(..) | Op::Or(..)) => {
            let atom = why::atom(code, vals, pc);
            if atom != pc {
                return deciding(code, vals, atom, out);
            }
            for c in code.children(pc) {
                deciding(code, vals, c, out);
            }
        }
        _ => reads(code, vals, pc, out),
    }
}

/// For every recommendation that does not apply, in document order: the
/// false condition that decided it and what it read.
pub(crate) fn why_not(program: &Program, scratch: &mut Scratch) -> Vec<WhyNot> {
    program.sync(scratch);
    let (code, model) = (&program.code, &program.model);
    let vals = &scratch.vals;
    let mut out = Vec::new();
    for (r, status) in scratch.statuses.iter().enumerate() {
        if *status != Status::NotApplicable {
            continue;
        }
        let chain = model.section_chain(model.recs.get(r).and_then(|x| x.section));
        let section = chain.iter().find_map(|s| {
            let pc = code.section_own.get(s.0 as usize).copied().flatten()?;
            is_false(vals, pc).then_some((*s, pc))
        });
        let (section, pc) = match section {
            Some((s, pc)) => (Some(s), Some(pc)),
            None => {
                let own = code.rec_own.get(r).copied().flatten();
                (None, own.filter(|&pc| is_false(vals, pc)))
            }
        };
        let mut found = Vec::new();
        if let Some(pc) = pc {
            deciding(code, vals, pc, &mut found);
        }
        out.push(WhyNot {
            rec: r,
            section,
            reads: found,
        });
    }
    out
}

/// The definitions (by index, sorted) that the recommendations `recs`
/// read directly: in their conditions, their sections' conditions and
/// their statements' placeholders.
pub(crate) fn used_defs(program: &Program, scratch: &mut Scratch, recs: &[usize]) -> Vec<u32> {
    program.sync(scratch);
    let (code, model) = (&program.code, &program.model);
    let mut found = Vec::new();
    for &r in recs {
        let chain = model.section_chain(model.recs.get(r).and_then(|x| x.section));
        let conds = chain
            .iter()
            .filter_map(|s| code.section_own.get(s.0 as usize).copied().flatten())
            .chain(code.rec_own.get(r).copied().flatten());
        for pc in conds {
            reads(code, &scratch.vals, pc, &mut found);
        }
        for piece in program.fixed.get(r).map_or(&[][..], |f| &f.statement) {
            if let Piece::Def(d, ..) = piece {
                found.push(Read::Def(d.0, None));
            }
        }
    }
    let mut defs: Vec<u32> = found
        .into_iter()
        .filter_map(|r| match r {
            Read::Def(d, _) => Some(d),
            Read::Fact(..) => None,
        })
        .collect();
    defs.sort_unstable();
    defs.dedup();
    defs
}

/// A recommendation's statement with every unknown placeholder said
/// plainly ("not yet known: Histologic subtype") instead of `unknown`;
/// `None` when every placeholder is known (the outcome's statement stands).
pub(crate) fn plain_statement(
    program: &Program,
    scratch: &mut Scratch,
    case: &Case,
    outcome: &Outcome,
    r: usize,
) -> Option<String> {
    program.sync(scratch);
    let (code, model) = (&program.code, &program.model);
    let vals = &scratch.vals;
    let pieces = &program.fixed.get(r)?.statement;
    let def_value = |d: DefId| {
        let pc = code.def_root.get(d.0 as usize).copied()?;
        slot(vals, pc)
    };
    let range = |d: DefId| {
        let name = &model.defs.get(d.0 as usize)?.name;
        outcome.ranges.get(name)
    };
    let fact_value = |f: FactId| case.facts.get(f.0 as usize).copied().flatten();
    let unknown = |p: &Piece| match p {
        Piece::Text(_) => false,
        Piece::Fact(f, ..) => fact_value(*f).is_none(),
        Piece::Def(d, ..) => def_value(*d).is_none() && range(*d).is_none(),
    };
    if !pieces.iter().any(unknown) {
        return None;
    }
    let mut out = String::new();
    for piece in pieces {
        match piece {
            Piece::Text(t) => out.push_str(t),
            p if unknown(p) => {
                let label = match p {
                    Piece::Fact(f, ..) => model.facts.get(f.0 as usize).map(|f| &f.description),
                    Piece::Def(d, ..) => model.defs.get(d.0 as usize).map(|d| &d.description),
                    Piece::Text(_) => None,
                };
                out.push_str("not yet known: ");
                out.push_str(label.map_or("", String::as_str));
            }
            Piece::Fact(f, digits, unit) => {
                let Some(info) = model.facts.get(f.0 as usize) else {
                    continue;
                };
                let ty = build::shown_in(info.ty, *unit);
                display::push_statement_value(&mut out, model, ty, fact_value(*f), *digits);
            }
            Piece::Def(d, digits, unit) => {
                let Some(info) = model.defs.get(d.0 as usize) else {
                    continue;
                };
                match (def_value(*d), range(*d)) {
                    (None, Some(r)) => out.push_str(&score_range::text(r)),
                    (v, _) => {
                        let ty = build::shown_in(info.ty, *unit);
                        display::push_statement_value(&mut out, model, ty, v, *digits);
                    }
                }
            }
        }
    }
    Some(out)
}
