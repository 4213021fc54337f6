//! Eval stage: runtime diagnostics of an evaluated case (see
//! `grammar/SEMANTICS.md`, "Arithmetic").
//!
//! A division by zero or an overflow makes its value unknown, like a
//! missing fact, but no fact could decide it. The per-case pass does not
//! look for them: the outcome builder does, afterwards, by finding the
//! arithmetic slots whose operands are known and whose value is not. So
//! the hot status path stays as it is. A `first` without `otherwise` none
//! of whose branches holds is unknown the same way: no fact is missing, and
//! an undetermined recommendation behind it says so (`fell_through`).

use crate::eval::compile::{Code, Op, Pc};
use crate::eval::outcome::RuntimeDiagnostic;
use crate::eval::run::Slots;
use crate::eval::trace::span_ref;
use crate::eval::why::{self, Bits};
use crate::eval::Program;
use crate::syntax::ast::BinOp;
use crate::value::Value;

/// Why an operation with known operands has no value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Failure {
    /// A division by zero.
    DivisionByZero,
    /// A result out of range (integer overflow, a number or quantity past
    /// the largest magnitude).
    Overflow,
    /// A date shifted outside the supported dates (years 0001 to 9999).
    DateRange,
    /// The time between dates one of which is `never` (`days between`,
    /// `date - date`): no time has passed since something never done.
    SinceNever,
}

/// How slot `pc` failed, if it is an arithmetic operation whose operands
/// are all known and whose own value is unknown.
pub(crate) fn failure<V: Slots + ?Sized>(code: &Code, vals: &V, pc: Pc) -> Option<Failure> {
    let get = |p: Pc| vals.slot(p);
    let op = code.ops.get(pc as usize).filter(|op| fallible(op))?;
    let divisor = match *op {
        Op::Binary(BinOp::Div, _, b) => Some(b),
        _ => None,
    };
    if get(pc).is_some() || code.children(pc).any(|c| get(c).is_none()) {
        return None;
    }
    let zero = match divisor.and_then(get) {
        Some(Value::Int(0)) => true,
        Some(Value::Number(x) | Value::Quantity(x)) => x == 0.0,
        _ => false,
    };
    let never = code
        .children(pc)
        .any(|c| get(c) == Some(Value::Date(crate::value::date::NEVER)));
    Some(if zero {
        Failure::DivisionByZero
    } else if never && !matches!(op, Op::Shift { .. }) {
        Failure::SinceNever
    } else if matches!(op, Op::Shift { .. }) {
        Failure::DateRange
    } else {
        Failure::Overflow
    })
}

/// True for the operations that can fail on known operands.
pub(crate) fn fallible(op: &Op) -> bool {
    matches!(
        op,
        Op::Binary(BinOp::Add | BinOp::Sub | BinOp::Mul | BinOp::Div, ..)
            | Op::Neg(_)
            | Op::Shift { .. }
            | Op::Score { .. }
            | Op::Call { .. }
    )
}

/// The failed slots of an evaluated case, in program order; those of study
/// conditions only when `studies` ran.
/// (`vals`: the general slots, or a case's slots read in place.)
pub(crate) fn failed<V: Slots + ?Sized>(code: &Code, vals: &V, studies: bool) -> Vec<Pc> {
    // The first slot run for the study conditions, after the main part.
    let studies_from = code.exec.get(code.main_len).copied().unwrap_or(Pc::MAX);
    code.fallible
        .iter()
        .copied()
        .filter(|&pc| studies || pc < studies_from)
        .filter(|&pc| failure(code, vals, pc).is_some())
        .collect()
}

/// The failed slots to report: those that leave a definition, a section,
/// a recommendation (or, when `studies` ran, a study condition) unknown.
/// Every slot is evaluated, so a division in a `first` branch that is not
/// taken, or behind a false `and`, fails too; it is not reported, as the
/// guideline guarded it.
pub(crate) fn reported(code: &Code, vals: &[Option<Value>], studies: bool) -> Vec<Pc> {
    let candidates = failed(code, vals, studies);
    if candidates.is_empty() {
        return candidates;
    }
    let mut visited = Bits::with_len(code.ops.len());
    let mut hit = Bits::with_len(code.ops.len());
    let study_roots = code.study_cond.iter().flatten().flatten();
    let roots = (code.def_root.iter())
        .chain(&code.section_eff)
        .chain(&code.rec_root)
        .chain(study_roots.filter(|_| studies));
    for &root in roots {
        why::reach(code, vals, root, &mut visited, &mut |p, _| {
            if failure(code, vals, p).is_some() {
                hit.insert(p as usize);
            }
        });
    }
    candidates
        .into_iter()
        .filter(|&pc| hit.contains(pc as usize))
        .collect()
}

/// The failed slots that the unknown slot `pc` depends on.
pub(crate) fn behind(code: &Code, vals: &[Option<Value>], pc: Pc, visited: &mut Bits) -> Vec<Pc> {
    let mut out = Vec::new();
    visited.clear();
    why::reach(code, vals, pc, visited, &mut |p, _| {
        if failure(code, vals, p).is_some() {
            out.push(p);
        }
    });
    out.sort_unstable();
    out
}

/// The diagnostic of a failed slot.
pub(crate) fn diagnostic(program: &Program, vals: &[Option<Value>], pc: Pc) -> RuntimeDiagnostic {
    let code = &program.code;
    let span = code.spans.get(pc as usize).copied().unwrap_or_default();
    let text = program
        .sources
        .slice(span)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    let at = span_ref(&program.sources, span);
    let (code, message) = match failure(code, vals, pc) {
        Some(Failure::DivisionByZero) => (
            "eval::division_by_zero",
            format!("division by zero in `{text}`"),
        ),
        Some(Failure::DateRange) => (
            "eval::date_out_of_range",
            format!("the date `{text}` is outside the supported dates (0001-01-01 to 9999-12-31)"),
        ),
        Some(Failure::SinceNever) => (
            "eval::since_never",
            format!("`{text}` has no value: a date in it is `never`"),
        ),
        _ => (
            "eval::overflow",
            format!("the result of `{text}` is out of range"),
        ),
    };
    RuntimeDiagnostic {
        code: code.to_string(),
        message,
        location: format!("{}:{}:{}", at.file, at.line, at.column),
    }
}

/// True when slot `pc` is a `first` without `otherwise` none of whose
/// conditions holds: every condition known and false.
fn falls_through(code: &Code, vals: &[Option<Value>], pc: Pc) -> bool {
    let get = |p: Pc| vals.get(p as usize).copied().flatten();
    let Some(&Op::First {
        start,
        branches,
        otherwise: None,
    }) = code.ops.get(pc as usize)
    else {
        return false;
    };
    get(pc).is_none()
        && code
            .args(start, branches * 2)
            .chunks_exact(2)
            .all(|pair| get(pair[0]) == Some(Value::Bool(false)))
}

/// The `first`s without `otherwise` that fell through behind the unknown
/// slot `pc`, in program order.
pub(crate) fn fell_through(
    code: &Code,
    vals: &[Option<Value>],
    pc: Pc,
    visited: &mut Bits,
) -> Vec<Pc> {
    let mut out = Vec::new();
    visited.clear();
    why::reach(code, vals, pc, visited, &mut |p, _| {
        if falls_through(code, vals, p) {
            out.push(p);
        }
    });
    out.sort_unstable();
    out
}

/// The diagnostic of a `first` that fell through (see [`fell_through`]),
/// naming the definition it is the value of, or else quoting it.
pub(crate) fn no_branch(program: &Program, pc: Pc) -> RuntimeDiagnostic {
    let code = &program.code;
    let span = code.spans.get(pc as usize).copied().unwrap_or_default();
    let at = span_ref(&program.sources, span);
    let def = code.def_root.iter().position(|&root| root == pc);
    let name = def
        .and_then(|d| program.model.defs.get(d))
        .map(|d| d.name.clone())
        .unwrap_or_else(|| {
            let text = program.sources.slice(span);
            text.split_whitespace()
                .take(8)
                .collect::<Vec<_>>()
                .join(" ")
        });
    RuntimeDiagnostic {
        code: "eval::no_branch".to_string(),
        message: format!("no branch of `{name}` applies to this case, and it has no `otherwise`"),
        location: format!("{}:{}:{}", at.file, at.line, at.column),
    }
}
