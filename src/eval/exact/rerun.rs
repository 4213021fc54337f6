//! Eval stage, exact pass: runs one completion of a prepared space,
//! re-running only the live instructions its changed facts reach.
//!
//! Completions are mostly visited in mixed-radix order (the first varying
//! fact fastest), so from one to the next usually only the first fact
//! changes. Each live instruction carries the set of varying facts its
//! value depends on ([`Work::masks`]); an instruction none of whose facts
//! changed already holds the value `run::step` would give it, since its
//! inputs are those of the last completion, so skipping it changes
//! nothing. The instructions are kept in an evaluation order in which
//! those depending on lower facts come last ([`Work::order`]): a reader's
//! facts include its operands', so its lowest fact is at most theirs, and
//! the instructions a change of facts `0..=i` reaches are a suffix.

use super::cone::{fact_of, Adjacency};
use super::Work;
use crate::eval::compile::{Code, Pc};
use crate::eval::run;
use crate::value::Value;

/// The most varying facts tracked one bit each; a space with more
/// re-runs every live instruction per completion.
const TRACKED: usize = 64;

impl Work {
    /// Sets the facts to completion `index` and re-runs the live
    /// instructions it changes; returns the value of `root`.
    pub(super) fn complete(&mut self, code: &Code, index: u64, root: Pc) -> Option<Value> {
        self.tried += 1;
        let warm = self.warm && !self.cold && self.digits.len() == self.facts.len();
        let changed = if warm && Some(index) == self.at.checked_add(1) {
            self.next_digits(code)
        } else {
            self.set_digits(code, index, warm)
        };
        self.at = index;
        if warm {
            self.rerun_changed(code, changed);
        } else {
            self.rerun(code);
            self.warm = self.facts.len() <= TRACKED;
        }
        self.vals.get(root as usize).copied().flatten()
    }

    /// The value of varying fact `i` in its region `d`.
    fn fact_value(&self, i: usize, d: u32) -> Option<Value> {
        let (s, _) = self.spans.get(i).copied()?;
        self.regions.get((s + d) as usize).map(|r| r.rep)
    }

    /// Sets the digits of completion `index` (one per varying fact, the
    /// first fastest) and the facts whose digit changed (every fact unless
    /// `warm`); returns the changed facts as bits.
    fn set_digits(&mut self, code: &Code, index: u64, warm: bool) -> u64 {
        if !warm {
            self.digits.clear();
            self.digits.resize(self.facts.len(), u32::MAX);
        }
        let mut rest = index;
        let mut changed = 0u64;
        for i in 0..self.facts.len() {
            let n = self.radix(i) as u64;
            let d = (rest % n) as u32;
            rest /= n;
            if self.digits.get(i) == Some(&d) {
                continue;
            }
            if let Some(slot) = self.digits.get_mut(i) {
                *slot = d;
            }
            changed |= 1u64.checked_shl(i as u32).unwrap_or(0);
            let v = self.fact_value(i, d);
            if let Some(&f) = self.facts.get(i) {
                self.set_fact(code, f, v);
            }
        }
        changed
    }

    /// Moves the digits to the next completion (adding one with carry);
    /// returns the changed facts as bits.
    fn next_digits(&mut self, code: &Code) -> u64 {
        let mut changed = 0u64;
        for i in 0..self.facts.len() {
            let n = self.radix(i) as u32;
            let d = self.digits.get(i).map_or(0, |d| d + 1);
            let d = if d < n { d } else { 0 };
            if let Some(slot) = self.digits.get_mut(i) {
                *slot = d;
            }
            changed |= 1u64.checked_shl(i as u32).unwrap_or(0);
            let v = self.fact_value(i, d);
            if let Some(&f) = self.facts.get(i) {
                self.set_fact(code, f, v);
            }
            if d != 0 {
                break;
            }
        }
        changed
    }

    /// Gives fact `f` a value, in its slot (if it has one) and for the
    /// instructions that copy it.
    pub(super) fn set_fact(&mut self, code: &Code, f: u32, v: Option<Value>) {
        if (f as usize) < code.facts {
            if let Some(slot) = self.vals.get_mut(f as usize) {
                *slot = v;
            }
        }
        if let Some(slot) = self.fvals.get_mut(f as usize) {
            *slot = v;
        }
    }

    /// Re-runs every live instruction in order on the current fact values.
    pub(super) fn rerun(&mut self, code: &Code) {
        for &pc in &self.run {
            let Some(op) = code.ops.get(pc as usize) else {
                continue;
            };
            let v = run::step(code, &self.fvals, self.vals.as_slice(), op);
            if let Some(slot) = self.vals.get_mut(pc as usize) {
                *slot = v;
            }
        }
    }

    /// Re-runs the live instructions that depend on a fact of `changed`:
    /// they all lie in the suffix of `order` of the highest changed fact.
    fn rerun_changed(&mut self, code: &Code, changed: u64) {
        let Some(top) = 63u32.checked_sub(changed.leading_zeros()) else {
            return;
        };
        let from = self.cut.get(top as usize).copied().unwrap_or(0) as usize;
        for &pc in self.order.get(from..).unwrap_or(&[]) {
            if self.masks.get(pc as usize).is_none_or(|m| m & changed == 0) {
                continue;
            }
            let Some(op) = code.ops.get(pc as usize) else {
                continue;
            };
            let v = run::step(code, &self.fvals, self.vals.as_slice(), op);
            if let Some(slot) = self.vals.get_mut(pc as usize) {
                *slot = v;
            }
        }
    }

    /// Computes [`Work::masks`], [`Work::order`] and [`Work::cut`] for the
    /// live instructions (after `run` and `facts` are set).
    pub(super) fn fill_masks(&mut self, code: &Code, adj: &Adjacency) {
        self.warm = false;
        if self.facts.len() > TRACKED {
            return;
        }
        let facts = &self.facts;
        let bit = |f: Option<u32>| match f.map(|f| facts.binary_search(&f)) {
            Some(Ok(i)) => 1u64 << i,
            _ => 0,
        };
        // Lowest fact of each instruction (64: none), counted for the sort.
        let mut count = [0u32; TRACKED + 1];
        for &pc in &self.run {
            let mut m = bit(fact_of(code, pc));
            for &c in adj.of(pc) {
                if !self.live.contains(c as usize) {
                    continue;
                }
                m |= if (c as usize) < code.facts {
                    bit(fact_of(code, c))
                } else {
                    self.masks.get(c as usize).copied().unwrap_or(u64::MAX)
                };
            }
            if let Some(slot) = self.masks.get_mut(pc as usize) {
                *slot = m;
            }
            if let Some(n) = count.get_mut(m.trailing_zeros() as usize) {
                *n += 1;
            }
        }
        // A stable counting sort by lowest fact, highest first: start of
        // each lowest fact's run of instructions.
        let mut start = [0u32; TRACKED + 1];
        let mut at = 0u32;
        for low in (0..=TRACKED).rev() {
            if let (Some(s), Some(n)) = (start.get_mut(low), count.get(low)) {
                *s = at;
                at += n;
            }
        }
        self.cut.clear();
        self.cut
            .extend((0..self.facts.len()).map(|i| start.get(i).copied().unwrap_or(0)));
        self.order.clear();
        self.order.resize(self.run.len(), 0);
        for &pc in &self.run {
            let low = self
                .masks
                .get(pc as usize)
                .map_or(TRACKED, |m| m.trailing_zeros() as usize);
            if let Some(s) = start.get_mut(low) {
                if let Some(slot) = self.order.get_mut(*s as usize) {
                    *slot = pc;
                }
                *s += 1;
            }
        }
    }
}
