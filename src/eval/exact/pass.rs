//! Eval stage, exact pass: runs the completions of a prepared space (see
//! `space`) on the real instructions and reads the answer off them.
//!
//! A completion is one representative per varying fact, in mixed radix
//! (the first fact varies fastest). Only the instructions the Kleene pass
//! left undecided are re-run (`Work::run`), each with `run::step`, the
//! same operation the interpreter of record runs; `is known` keeps its
//! Kleene value because it is decided, so it is never re-run.

use super::diagram::Seen;
use super::{Region, LIMIT};
use crate::check::model::Type;
use crate::eval::compile::{Code, Pc};
use crate::eval::outcome::Status;
use crate::eval::why::Bits;
use crate::value::Value;

/// Buffers of the exact pass, reused across cases (part of `Scratch`).
#[derive(Debug, Clone, Default)]
pub(crate) struct Work {
    /// Per slot: the Kleene (or reference) value, then each completion's.
    pub(super) vals: Vec<Option<Value>>,
    /// Per fact: its value in the current completion (read by instructions
    /// that copy a fact; only varying facts are ever read).
    pub(super) fvals: Vec<Option<Value>>,
    /// Per slot: undecided and read by the roots through undecided slots.
    pub(super) live: Bits,
    /// Per slot: a live instruction that reads a varying fact.
    pub(super) dep: Bits,
    /// Per live slot of an ordered type: the one varying fact its value
    /// follows arithmetically (see `space::NONE`, `space::MANY`).
    pub(super) vf: Vec<u32>,
    pub(super) stack: Vec<Pc>,
    /// The live instructions, in evaluation order.
    pub(super) run: Vec<Pc>,
    /// The varying facts, in declaration order.
    pub(super) facts: Vec<u32>,
    /// The type of each varying fact.
    pub(super) ftys: Vec<Type>,
    pub(super) found: Vec<(u32, Type)>,
    /// Threshold candidates `(fact, value)` found by `solve`.
    pub(super) cands: Vec<(u32, Value)>,
    /// The regions of every varying fact, fact after fact.
    pub(super) regions: Vec<Region>,
    /// Per varying fact: its regions, `regions[start..end]`.
    pub(super) spans: Vec<(u32, u32)>,
    /// Comparison sides that no single-fact threshold decides.
    pub(super) pairs: Vec<(Pc, Pc)>,
    pub(super) pending: Vec<(Pc, Pc)>,
    /// The chain of instructions from a comparison side down to a fact.
    pub(super) path: Vec<Pc>,
    pub(super) saved: Vec<(Pc, Option<Value>)>,
    /// The status of every completion, in mixed-radix order.
    pub(super) grid: Vec<Status>,
    /// Per varying fact: some two completions differing only in it differ.
    pub(super) matters: Vec<bool>,
    /// Recommendations that reached the exact pass (since the buffers
    /// were made), for measuring its cost.
    pub(super) reached: u64,
    /// Completions run, likewise.
    pub(super) tried: u64,
    /// Recommendations the decision diagrams settled, likewise.
    pub(super) charted: u64,
    /// Buffers of the walks over decision diagrams.
    pub(super) seen: Seen,
    /// Per live slot: the varying facts (bit `i` for `facts[i]`) its value
    /// depends on, so that a completion re-runs only what its changed
    /// facts reach (at most 64 varying facts; more re-run everything).
    pub(super) masks: Vec<u64>,
    /// The region index of each varying fact in the last completion run.
    pub(super) digits: Vec<u32>,
    /// True when the slots hold the completion `digits` describes, so the
    /// next one may re-run only what changed; anything that reloads the
    /// slots or the space clears it.
    pub(super) warm: bool,
    /// Re-run every live instruction for every completion, as before the
    /// incremental re-runs (the reference of `rerun_tests`).
    pub(super) cold: bool,
    /// The index of the completion `digits` describes.
    pub(super) at: u64,
    /// Completion grids read off a decision diagram (`diagram_grid`),
    /// for the tests and the benchmark.
    pub(super) gridded: u64,
    /// Always run the completions, never read a grid off a diagram (the
    /// reference of `diagram_grid_tests`).
    pub(super) walk_only: bool,
    /// Per varying fact: where its regions' diagram branches start in
    /// `dmap`.
    pub(super) dstart: Vec<u32>,
    pub(super) dmap: Vec<u32>,
    /// Per diagram variable: the case's branch, or the varying fact whose
    /// digit gives it.
    pub(super) vary: Vec<u32>,
    /// Per varying fact a diagram path has not fixed: `(stride, radix,
    /// digit)`, to fill the completions a leaf stands for (`diagram_grid`).
    pub(super) open: Vec<(usize, usize, usize)>,
    /// The live instructions in an evaluation order in which those that
    /// depend on lower varying facts come last (see `rerun`).
    pub(super) order: Vec<Pc>,
    /// Per varying fact `i`: where the instructions depending on facts
    /// `0..=i` only start in `order` (the rest depend on none of them).
    pub(super) cut: Vec<u32>,
}

/// What the exact pass found for one recommendation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Detail {
    /// Every completion gives this status (`Work::facts` are the facts
    /// it is decided regardless of).
    Decided(Status),
    /// Completions differ; `Work::matters` says which facts can change
    /// the answer and `Work::grid` holds every completion's status.
    Differs,
    /// The split is incomplete or too large: the Kleene result stands.
    Approximate,
}

impl Work {
    /// Sizes the buffers for a program with `slots` slots.
    pub fn fit(&mut self, slots: usize) {
        if self.vals.len() != slots {
            self.vals = vec![None; slots];
            self.live = Bits::with_len(slots);
            self.dep = Bits::with_len(slots);
            self.vf = vec![u32::MAX; slots];
            self.masks = vec![0; slots];
        }
        self.warm = false;
    }

    /// The number of completions of the prepared space (saturating).
    pub(super) fn size(&self) -> u64 {
        self.spans.iter().fold(1u64, |n, &(s, e)| {
            n.saturating_mul(u64::from(e.saturating_sub(s)).max(1))
        })
    }

    /// The status every completion agrees on, stopping at the first that
    /// disagrees; `None` when they differ.
    pub(super) fn agreed(&mut self, code: &Code, root: Pc) -> Option<Status> {
        let first = status_of(self.complete(code, 0, root));
        // The completions one fact away from the first come first: a fact
        // that matters usually shows it there, long before the mixed-radix
        // order would reach it.
        let mut stride = 1u64;
        for i in 0..self.facts.len() {
            let radix = self.radix(i) as u64;
            for j in 1..radix {
                if status_of(self.complete(code, j * stride, root)) != first {
                    return None;
                }
            }
            stride = stride.saturating_mul(radix);
        }
        // Then every completion, in a scattered order: when the answer
        // changes only for some combinations of values, a scattered order
        // meets one sooner than the mixed-radix order (multiplying by a
        // prime larger than the product is a permutation of it).
        let n = self.size();
        for i in 1..n {
            let index = ((u128::from(i) * 1_000_000_007) % u128::from(n)) as u64;
            if status_of(self.complete(code, index, root)) != first {
                return None;
            }
        }
        Some(first)
    }

    /// Runs every completion into `grid` and marks the facts that matter.
    pub(super) fn full(&mut self, code: &Code, root: Pc) -> Detail {
        let n = self.size();
        self.grid.clear();
        for i in 0..n {
            let s = status_of(self.complete(code, i, root));
            self.grid.push(s);
        }
        self.finish()
    }

    /// Marks the facts that matter from a full `grid`.
    pub(super) fn finish(&mut self) -> Detail {
        self.matters.clear();
        let mut stride = 1usize;
        for i in 0..self.facts.len() {
            let radix = self.radix(i);
            self.matters.push(varies_along(&self.grid, stride, radix));
            stride *= radix;
        }
        match self.grid.first() {
            Some(&s) if self.grid.iter().all(|&g| g == s) => Detail::Decided(s),
            _ => Detail::Differs,
        }
    }

    /// The number of regions of varying fact `i`.
    pub(super) fn radix(&self, i: usize) -> usize {
        self.spans
            .get(i)
            .map_or(1, |&(s, e)| e.saturating_sub(s).max(1) as usize)
    }

    /// The value every completion agrees on (for a derived value).
    pub(super) fn agreed_value(&mut self, code: &Code, root: Pc) -> Option<Value> {
        let first = self.complete(code, 0, root)?;
        for i in 1..self.size() {
            if self.complete(code, i, root) != Some(first) {
                return None;
            }
        }
        Some(first)
    }

    /// True when the prepared space can be enumerated within the bound.
    pub(super) fn within_limit(&self) -> bool {
        self.size() <= LIMIT
    }

    /// For varying fact `i` and each of its regions, the status of the
    /// completions with the fact in that region: one status when they all
    /// agree, undetermined otherwise (call after [`Work::full`]).
    pub(super) fn per_region(&self, i: usize, out: &mut Vec<Status>) {
        out.clear();
        let radix = self.radix(i);
        let stride: usize = (0..i).map(|j| self.radix(j)).product::<usize>().max(1);
        let block = radix * stride;
        // The grid in blocks of `radix * stride`: region `d` of fact `i`
        // is the `d`-th run of `stride` completions of each block.
        for d in 0..radix {
            let first = self.grid.get(d * stride).copied();
            let agree = first.is_some_and(|first| {
                self.grid.chunks(block).all(|b| {
                    b.get(d * stride..(d + 1) * stride)
                        .is_some_and(|run| run.iter().all(|&s| s == first))
                })
            });
            out.push(match first {
                Some(s) if agree => s,
                _ => Status::Undetermined,
            });
        }
    }
}

/// True when two completions of `grid` differing only in one fact (of
/// `radix` regions, its completions `stride` apart) differ.
fn varies_along(grid: &[Status], stride: usize, radix: usize) -> bool {
    let stride = stride.max(1);
    grid.chunks(radix * stride).any(|block| {
        let (base, rest) = block.split_at(stride.min(block.len()));
        rest.chunks(stride)
            .any(|run| run.iter().zip(base).any(|(a, b)| a != b))
    })
}

/// The status a recommendation's combined condition gives.
pub(super) fn status_of(v: Option<Value>) -> Status {
    match v {
        Some(Value::Bool(true)) => Status::Applies,
        Some(Value::Bool(false)) => Status::NotApplicable,
        _ => Status::Undetermined,
    }
}
