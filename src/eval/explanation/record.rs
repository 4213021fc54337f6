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
//! a case whose results are still in bytes reads them in place, through
//! `fast_run::View`, and writes nothing: the general slots stay out of
//! date, as they were, until something else syncs them.

use crate::check::model::Model;
use crate::eval::compile::{Code, Pc};
use crate::eval::run::{truth, Slots};
use crate::eval::walk::Walker;
use crate::eval::{step_order, RawStep, StepKind};

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
