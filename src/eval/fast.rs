//! Eval stage: the per-case program in a compact, specialised encoding.
//!
//! [`Code`](super::compile::Code) keeps one general [`Op`] per slot for the
//! walkers that explain results. The per-case pass instead runs this list:
//! small `Copy` instructions with their destination slot inline, the common
//! operations (`fact = value`, `x in {values}`, `and`, `or`, `not`, plain
//! reads) specialised, and each recommendation's block preceded by a guard
//! that skips it when its sections are already false. One loop runs the
//! whole case and writes the statuses too. Results are the same as the
//! general operations'; anything not specialised falls back to them.

use super::compile::{Code, Op, Pc};
use super::outcome::Status;
use super::run;
use crate::value::Value;

/// One instruction of the per-case program (16 bytes).
#[derive(Debug, Clone, Copy)]
pub(crate) enum Ins {
    /// The general operation of slot `.0`.
    General(Pc),
    /// `dst` = the value of slot `src` (a fact or definition read).
    Copy { dst: Pc, src: Pc },
    /// Kleene negation.
    Not { dst: Pc, a: Pc },
    /// Kleene conjunction.
    And { dst: Pc, a: Pc, b: Pc },
    /// Kleene disjunction.
    Or { dst: Pc, a: Pc, b: Pc },
    /// Slot `a` equals (or, negated, differs from) the enum value `k`.
    EqEnum {
        dst: Pc,
        a: Pc,
        k: u16,
        negated: bool,
    },
    /// Slot `a` is (or, negated, is not) one of the enum values in the
    /// bitmask `masks[mask]`.
    InEnum {
        dst: Pc,
        a: Pc,
        mask: u32,
        negated: bool,
    },
    /// `is known` (true) or `is unknown` (false).
    IsKnown { dst: Pc, a: Pc, known: bool },
    /// When slot `sect` (a recommendation's sections) is false, the
    /// recommendation is not applicable and its next `skip` instructions
    /// (its own condition and its status) are skipped.
    Guard { rec: u32, sect: Pc, skip: u32 },
    /// Kleene conjunction into slot `dst`, which is recommendation `rec`'s
    /// status.
    AndStatus { rec: u32, dst: Pc, a: Pc, b: Pc },
    /// The status of recommendation `rec` from slot `root`.
    Status { rec: u32, root: Pc },
}

/// The shortest recommendation block worth a guard.
const GUARD_MIN: usize = 1;

/// The per-case program and its enum bitmasks.
#[derive(Debug, Clone, Default)]
pub(crate) struct Fast {
    /// Instructions in run order.
    pub ins: Vec<Ins>,
    /// Bitmasks of enum value sets for [`Ins::InEnum`].
    pub masks: Vec<u64>,
}

/// A constant enum value in slot `pc`, if that slot is one.
fn const_enum(code: &Code, pc: Pc) -> Option<u16> {
    match code.ops.get(pc as usize) {
        Some(Op::Const(Value::Enum(k))) => Some(*k),
        _ => None,
    }
}

impl Fast {
    /// Translates the code's per-case instructions (`exec[..main_len]`).
    pub fn build(code: &Code) -> Fast {
        let mut fast = Fast::default();
        let exec = |from: usize, to: usize| code.exec.get(from..to).unwrap_or(&[]);
        for &pc in exec(0, code.recs_start) {
            let ins = fast.translate(code, pc);
            fast.ins.push(ins);
        }
        for (r, &(from, to)) in code.rec_block.iter().enumerate() {
            let block = exec(from as usize, to as usize);
            // A guard costs an instruction on every case; it pays only
            // when it can skip a block of some length (evaluating a short
            // block under a false section gives the same status).
            let guarded = code.rec_sect.get(r).copied().flatten();
            let guard = guarded.filter(|_| block.len() >= GUARD_MIN).map(|sect| {
                fast.ins.push(Ins::Guard {
                    rec: r as u32,
                    sect,
                    skip: 0,
                });
                fast.ins.len() - 1
            });
            for &pc in block {
                let ins = fast.translate(code, pc);
                fast.ins.push(ins);
            }
            let root = code.rec_root.get(r).copied().unwrap_or(0);
            let rec = r as u32;
            // The usual root, `sections and own condition`, also writes
            // the status, saving an instruction.
            match fast.ins.last_mut() {
                Some(last)
                    if !block.is_empty()
                        && matches!(*last, Ins::And { dst, .. } if dst == root) =>
                {
                    if let Ins::And { dst, a, b } = *last {
                        *last = Ins::AndStatus { rec, dst, a, b };
                    }
                }
                _ => fast.ins.push(Ins::Status { rec, root }),
            }
            if let Some(g) = guard {
                let n = (fast.ins.len() - g - 1) as u32;
                if let Some(Ins::Guard { skip, .. }) = fast.ins.get_mut(g) {
                    *skip = n;
                }
            }
        }
        fast
    }

    /// The specialised instruction for slot `dst`, or the general one.
    fn translate(&mut self, code: &Code, dst: Pc) -> Ins {
        let facts = code.facts as u32;
        match code.ops.get(dst as usize) {
            Some(Op::Fact(f)) if *f < facts => Ins::Copy { dst, src: *f },
            Some(Op::Def { root, .. }) => Ins::Copy { dst, src: *root },
            Some(Op::Not(a)) => Ins::Not { dst, a: *a },
            Some(Op::And(a, b)) => Ins::And { dst, a: *a, b: *b },
            Some(Op::Or(a, b)) => Ins::Or { dst, a: *a, b: *b },
            Some(Op::IsKnown(a, known)) => Ins::IsKnown {
                dst,
                a: *a,
                known: *known,
            },
            Some(Op::Eq(a, b, negated)) => match (const_enum(code, *a), const_enum(code, *b)) {
                (_, Some(k)) => Ins::EqEnum {
                    dst,
                    a: *a,
                    k,
                    negated: *negated,
                },
                (Some(k), None) => Ins::EqEnum {
                    dst,
                    a: *b,
                    k,
                    negated: *negated,
                },
                (None, None) => Ins::General(dst),
            },
            Some(Op::In {
                value,
                start,
                len,
                negated,
            }) => {
                // An empty set is false (or true) for any known value,
                // which the general operation handles.
                if *len == 0 {
                    return Ins::General(dst);
                }
                let mut mask = 0u64;
                for &m in code.args(*start, *len) {
                    match const_enum(code, m) {
                        Some(k) if k < 64 => mask |= 1 << k,
                        _ => return Ins::General(dst),
                    }
                }
                self.masks.push(mask);
                Ins::InEnum {
                    dst,
                    a: *value,
                    mask: (self.masks.len() - 1) as u32,
                    negated: *negated,
                }
            }
            _ => Ins::General(dst),
        }
    }
}

const TRUE: Option<Value> = Some(Value::Bool(true));
const FALSE: Option<Value> = Some(Value::Bool(false));

#[inline(always)]
fn ld(vals: &[Option<Value>], pc: Pc) -> Option<Value> {
    match vals.get(pc as usize) {
        Some(v) => *v,
        None => None,
    }
}

/// Kleene conjunction of two slots.
#[inline(always)]
fn and(a: Option<Value>, b: Option<Value>) -> Option<Value> {
    match (a, b) {
        (Some(Value::Bool(false)), _) | (_, Some(Value::Bool(false))) => FALSE,
        (Some(Value::Bool(true)), Some(Value::Bool(true))) => TRUE,
        _ => None,
    }
}

#[inline(always)]
fn bool_val(b: bool) -> Option<Value> {
    Some(Value::Bool(b))
}

/// Runs the whole per-case program: every slot that the case decides, and
/// every recommendation's status. Facts are already in slots `0..facts`.
pub(crate) fn run(
    code: &Code,
    facts: &[Option<Value>],
    vals: &mut [Option<Value>],
    statuses: &mut [Status],
) {
    let prog = code.fast.ins.as_slice();
    let mut i = 0usize;
    while let Some(&ins) = prog.get(i) {
        i += 1;
        let (dst, v) = match ins {
            Ins::Copy { dst, src } => (dst, ld(vals, src)),
            Ins::EqEnum { dst, a, k, negated } => match ld(vals, a) {
                Some(Value::Enum(x)) => (dst, bool_val((x == k) != negated)),
                _ => (dst, None),
            },
            Ins::And { dst, a, b } => (dst, and(ld(vals, a), ld(vals, b))),
            Ins::AndStatus { rec, dst, a, b } => {
                let v = and(ld(vals, a), ld(vals, b));
                if let Some(s) = statuses.get_mut(rec as usize) {
                    *s = super::status_of(v);
                }
                (dst, v)
            }
            Ins::Or { dst, a, b } => {
                let v = match (ld(vals, a), ld(vals, b)) {
                    (Some(Value::Bool(true)), _) | (_, Some(Value::Bool(true))) => TRUE,
                    (Some(Value::Bool(false)), Some(Value::Bool(false))) => FALSE,
                    _ => None,
                };
                (dst, v)
            }
            Ins::Not { dst, a } => match ld(vals, a) {
                Some(Value::Bool(b)) => (dst, bool_val(!b)),
                _ => (dst, None),
            },
            Ins::InEnum {
                dst,
                a,
                mask,
                negated,
            } => match ld(vals, a) {
                Some(Value::Enum(x)) => {
                    let m = code.fast.masks.get(mask as usize).copied().unwrap_or(0);
                    let hit = x < 64 && (m >> x) & 1 == 1;
                    (dst, bool_val(hit != negated))
                }
                _ => (dst, None),
            },
            Ins::IsKnown { dst, a, known } => (dst, bool_val(ld(vals, a).is_some() == known)),
            Ins::General(pc) => match code.ops.get(pc as usize) {
                Some(op) => (pc, run::step(code, facts, vals, op)),
                None => continue,
            },
            Ins::Guard { rec, sect, skip } => {
                if matches!(ld(vals, sect), Some(Value::Bool(false))) {
                    if let Some(s) = statuses.get_mut(rec as usize) {
                        *s = Status::NotApplicable;
                    }
                    i += skip as usize;
                }
                continue;
            }
            Ins::Status { rec, root } => {
                if let Some(s) = statuses.get_mut(rec as usize) {
                    *s = super::status_of(ld(vals, root));
                }
                continue;
            }
        };
        if let Some(slot) = vals.get_mut(dst as usize) {
            *slot = v;
        }
    }
}
