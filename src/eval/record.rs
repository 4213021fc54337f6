//! Eval stage: records the trace as data, step by step.
//!
//! For every trace step (definitions, sections, recommendations) the
//! decisive reads of its condition are appended to one list, and the step
//! keeps the range it took. The steps and their slots are listed once per
//! program ([`steps`]), so a case only reads the slots it walks.
//!
//! The compact per-case program leaves bool and enum results in its byte
//! encoding only, and `sync` copies all of them into the general slots.
//! That copy decodes every byte-held slot, about as much work as the walks
//! of a whole trace, while the walks read only a few slots. So a trace of
//! a case whose results are still in bytes reads them through [`Synced`],
//! which gives for every slot exactly the value `sync` would have written
//! there, and writes nothing: the general slots stay out of date, as they
//! were, until something else syncs them.

use super::compile::{Code, Pc};
use super::fast::{decode, Kind};
use super::run::{truth, Slots};
use super::walk::Walker;
use super::{step_order, RawStep, StepKind};
use crate::check::model::Model;
use crate::value::Value;

/// Marks an absent slot in a [`Step`].
const NONE: u32 = u32::MAX;

/// A trace step with the slots that decide whether and where to walk.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Step {
    /// What the step is about.
    pub kind: StepKind,
    /// The slot whose decisive reads label the step (`NONE` for none).
    cond: u32,
    /// For a recommendation, the slot of its sections' condition: when it
    /// is false it decided "not applicable" and the recommendation's own
    /// condition was not evaluated (`NONE` for no sections).
    sect: u32,
}

impl Step {
    /// The slot to walk for this step, if any, given the case's slots.
    #[inline(always)]
    pub(crate) fn condition<V: Slots + ?Sized>(&self, vals: &V) -> Option<Pc> {
        if self.cond == NONE || (self.sect != NONE && truth(vals.slot(self.sect)) == Some(false)) {
            None
        } else {
            Some(self.cond)
        }
    }
}

/// The trace steps of a model in the program's order, with their slots.
pub(crate) fn steps(code: &Code, model: &Model) -> Vec<Step> {
    step_order(model, code)
        .into_iter()
        .map(|kind| {
            let (cond, sect) = match kind {
                StepKind::Def(d) => (code.def_root.get(d as usize).copied(), None),
                StepKind::Section(s) => (code.section_own.get(s as usize).copied().flatten(), None),
                StepKind::Rec(r) => (
                    code.rec_own.get(r as usize).copied().flatten(),
                    code.rec_sect.get(r as usize).copied().flatten(),
                ),
            };
            Step {
                kind,
                cond: cond.unwrap_or(NONE),
                sect: sect.unwrap_or(NONE),
            }
        })
        .collect()
}

/// For each slot, the byte (and its kind) that `sync` copies into it, or
/// `None` for the slots it leaves alone. `sync` copies the compact
/// program's `byte_only` list in order, skipping bytes out of range, so
/// the last copy into a slot is the one that stays.
pub(crate) fn synced(code: &Code) -> Vec<Option<(u16, Kind)>> {
    let mut from = vec![None; code.ops.len()];
    if let Some(fast) = &code.fast {
        for &(pc, held, kind) in &fast.byte_only {
            if let (Some(slot), true) = (from.get_mut(pc as usize), (held as usize) < fast.width) {
                *slot = Some((held, kind));
            }
        }
    }
    from
}

/// A case's slots as `sync` would leave them, read without copying.
pub(crate) struct Synced<'a> {
    from: &'a [Option<(u16, Kind)>],
    bytes: &'a [u8],
    vals: &'a [Option<Value>],
}

impl<'a> Synced<'a> {
    /// The slots of a case whose compact results in `bytes` (the compact
    /// program's full width) have not been copied into `vals`.
    pub(crate) fn new(code: &'a Code, bytes: &'a [u8], vals: &'a [Option<Value>]) -> Synced<'a> {
        Synced {
            from: code.walk.synced(),
            bytes,
            vals,
        }
    }
}

impl Slots for Synced<'_> {
    #[inline(always)]
    fn slot(&self, pc: Pc) -> Option<Value> {
        let i = pc as usize;
        // `sync` writes a slot only when both the slot and its byte exist.
        if let (Some(&Some((held, kind))), true) = (self.from.get(i), i < self.vals.len()) {
            if let Some(&b) = self.bytes.get(held as usize) {
                return decode(b, kind);
            }
        }
        self.vals.get(i).copied().flatten()
    }
}

/// Records the trace of a case: `steps` gets one entry per step of the
/// program, each with its range in `leaves`, the decisive reads.
pub(crate) fn record<V: Slots + ?Sized>(
    code: &Code,
    vals: &V,
    leaves: &mut Vec<(Pc, Pc)>,
    steps: &mut Vec<RawStep>,
) {
    let list = code.walk.steps();
    leaves.clear();
    // Every step is overwritten below, so the list is only sized here (a
    // no-op once warm), and the loop writes in place rather than pushing.
    let blank = RawStep {
        kind: StepKind::Def(0),
        start: 0,
        end: 0,
    };
    steps.resize(list.len(), blank);
    let mut walker = Walker::new(code, vals, leaves);
    let mut start = 0;
    for (raw, step) in steps.iter_mut().zip(list) {
        if let Some(pc) = step.condition(vals) {
            walker.decisive(pc);
        }
        let end = walker.out.len() as u32;
        *raw = RawStep {
            kind: step.kind,
            start,
            end,
        };
        start = end;
    }
}
