//! Eval stage: the instructions of the compact program that the per-case
//! run skips, computed only when a slot they write is read.
//!
//! A `first` decided by search ([`Ins::Pick`]) does not read its branch
//! conditions, and nothing else may: a chain of n comparisons `n = i` would
//! still cost n instructions per case if they ran. So after the picks are
//! made, the program keeps only the instructions that the recommendations'
//! conditions need; a test of one slot (a comparison, `=`, `in`, `is
//! known`) or a copy that nothing needed reads is deferred instead. Its
//! operands are kept, so it can be computed from the filled slots at any
//! time, and every reader after a run goes through `fast_run::value` (the
//! trace walk's view, the exact pass, definition and probe values) or
//! `fast_run::sync` (the walkers that read the general slots), which
//! compute deferred slots on demand: what a walker reads is what the full
//! run would have written.

use crate::eval::compile::Code;
use crate::eval::fast::{
    decode, decode_row, eq_enum, test, Fast, Held, Ins, Kind, DECODE, S, T, U, UNKNOWN,
};
use crate::eval::run;
use crate::value::Value;

/// The truth byte of a deferred test, reading bytes and values through
/// `byte` and `val` (the same as the per-case run computes).
#[inline]
pub(crate) fn truth(
    ins: &Ins,
    masks: &[u64],
    byte: impl Fn(S) -> u8,
    val: impl Fn(S) -> Option<Value>,
) -> u8 {
    match *ins {
        Ins::Compare { op, a, b, .. } => match (val(a), val(b)) {
            (Some(x), Some(z)) => run::compare(op, x, z).map_or(U, |t| T * u8::from(t)),
            _ => U,
        },
        Ins::EqEnum { a, k, negated, .. } => eq_enum(byte(a), k, negated),
        Ins::InEnum {
            a, mask, negated, ..
        } => {
            let m = masks.get(mask as usize).copied().unwrap_or(0);
            let x = byte(a);
            let hit = (m >> (x & 63)) & 1 == 1 && x < 64;
            test(x, UNKNOWN, hit != negated)
        }
        Ins::IsKnown {
            a, unknown, known, ..
        } => T * u8::from((byte(a) != unknown) == known),
        Ins::IsKnownValue { a, known, .. } => T * u8::from(val(a).is_some() == known),
        _ => U,
    }
}

/// The value of deferred instruction `lazy[i]` after a run.
pub(crate) fn value(
    fast: &Fast,
    i: u32,
    byte: impl Fn(S) -> u8,
    val: impl Fn(S) -> Option<Value>,
) -> Option<Value> {
    match fast.lazy.get(i as usize)? {
        Ins::Copy { src, .. } => val(*src),
        ins => decode(truth(ins, &fast.masks, byte, val), Kind::Bool),
    }
}

/// The value of deferred instruction `lazy[i]`, from the filled slots of
/// one case.
pub(crate) fn deferred(fast: &Fast, bytes: &[u8], vals: &[Option<Value>], i: u32) -> Option<Value> {
    value(
        fast,
        i,
        |s| bytes.get(s as usize).copied().unwrap_or(UNKNOWN),
        |s| vals.get(s as usize).copied().flatten(),
    )
}

/// What [`sync`] copies, planned once per program from `byte_only`,
/// `held` and `lazy`: a sync is then a loop of table lookups, without a
/// match on how each slot is held.
#[derive(Debug, Clone, Default)]
pub(crate) struct SyncPlan {
    /// `(slot, byte, row of DECODE)`: a slot whose value is a byte's.
    bytes: Vec<(S, S, u8)>,
    /// `(slot, lazy[i])`: a slot computed by a deferred instruction,
    /// byte-only tests first, then the deferred copies of value slots.
    deferred: Vec<(S, u32)>,
}

impl SyncPlan {
    /// The plan of a program whose `held` and `lazy` are final.
    pub(crate) fn new(fast: &Fast) -> SyncPlan {
        let mut plan = SyncPlan::default();
        for &(pc, held, kind) in &fast.byte_only {
            match (fast.held.get(held as usize), decode_row(kind)) {
                (Some(&Held::Lazy(i)), _) => plan.deferred.push((pc, i)),
                (_, Some(row)) => plan.bytes.push((pc, held, row as u8)),
                _ => {}
            }
        }
        // Deferred value slots, which `byte_only` does not list.
        for (i, ins) in fast.lazy.iter().enumerate() {
            if let Ins::Copy { dst, .. } = *ins {
                plan.deferred.push((dst, i as u32));
            }
        }
        plan
    }

    /// The part of the plan that writes the slots `keep` holds.
    pub(crate) fn subset(&self, keep: impl Fn(S) -> bool) -> SyncPlan {
        SyncPlan {
            bytes: self.bytes.iter().copied().filter(|e| keep(e.0)).collect(),
            deferred: self
                .deferred
                .iter()
                .copied()
                .filter(|e| keep(e.0))
                .collect(),
        }
    }
}

/// Copies the slots written only in the byte encoding into `vals`, so the
/// walkers that explain a result can read every slot there.
/// Slots the run skipped (see `lazy`) are computed here.
pub(crate) fn sync(fast: &Fast, bytes: &[u8], vals: &mut [Option<Value>]) {
    sync_by(fast, &fast.sync, bytes, vals);
}

/// Copies the slots of `plan` (the whole [`Fast::sync`], or a part).
pub(crate) fn sync_by(fast: &Fast, plan: &SyncPlan, bytes: &[u8], vals: &mut [Option<Value>]) {
    for &(pc, held, row) in &plan.bytes {
        let (Some(&b), Some(table)) = (bytes.get(held as usize), DECODE.get(usize::from(row)))
        else {
            continue;
        };
        if let Some(slot) = vals.get_mut(pc as usize) {
            *slot = table[usize::from(b)];
        }
    }
    // A deferred test reads only slots that stay computed (see `defer`),
    // so the order of these does not matter.
    for &(pc, i) in &plan.deferred {
        let v = deferred(fast, bytes, vals, i);
        if let Some(slot) = vals.get_mut(pc as usize) {
            *slot = v;
        }
    }
}

/// Whether an instruction may be deferred: it computes one slot from its
/// operands alone, cheaply.
fn deferrable(ins: &Ins) -> bool {
    matches!(
        ins,
        Ins::Compare { .. }
            | Ins::EqEnum { .. }
            | Ins::InEnum { .. }
            | Ins::IsKnown { .. }
            | Ins::IsKnownValue { .. }
            | Ins::Copy { .. }
    )
}

impl Fast {
    /// Defers the tests nothing needed reads (see the module doc) and
    /// fills `held`. Runs on the instructions in program order, before
    /// `schedule`.
    pub(crate) fn defer(&mut self, code: &Code) {
        let n = self.kinds.len();
        let mut needed = vec![false; n];
        for &r in &self.roots {
            if let Some(x) = needed.get_mut(r as usize) {
                *x = true;
            }
        }
        let mut keep = vec![true; self.ins.len()];
        let mut reads = Vec::new();
        // Readers come after what they read, so one backward pass sees
        // every reader of a slot before the slot's own instruction.
        for (i, ins) in self.ins.iter().enumerate().rev() {
            let used = needed.get(ins.dst() as usize).copied().unwrap_or(true);
            if !used && deferrable(ins) {
                if let Some(k) = keep.get_mut(i) {
                    *k = false;
                }
            }
            // A deferred test's operands stay computed, so that it can be
            // computed from them after the run.
            self.reads(code, ins, &mut reads);
            for &r in &reads {
                if let Some(x) = needed.get_mut(r as usize) {
                    *x = true;
                }
            }
        }
        let mut lazy_at = vec![u32::MAX; n];
        let mut kept = Vec::with_capacity(self.ins.len());
        for (ins, k) in self.ins.iter().zip(keep) {
            if k {
                kept.push(*ins);
            } else {
                if let Some(l) = lazy_at.get_mut(ins.dst() as usize) {
                    *l = self.lazy.len() as u32;
                }
                self.lazy.push(*ins);
            }
        }
        self.ins = kept;
        self.held = (0..n)
            .map(|pc| {
                let kind = self.kinds.get(pc).copied().unwrap_or(Kind::Other);
                let holder = match kind {
                    Kind::Other => pc as S,
                    _ => self.alias.get(pc).copied().unwrap_or(pc as S),
                };
                match lazy_at.get(holder as usize) {
                    Some(&l) if l != u32::MAX => Held::Lazy(l),
                    _ if kind != Kind::Other && (holder as usize) < self.width => {
                        Held::Byte(holder, kind)
                    }
                    _ => Held::Value,
                }
            })
            .collect();
        self.sync = SyncPlan::new(self);
    }
}
