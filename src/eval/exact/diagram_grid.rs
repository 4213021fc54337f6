//! Eval stage, exact pass: the statuses of every completion of a prepared
//! space read off the recommendation's decision diagram, instead of
//! re-running its live instructions once per completion.
//!
//! An explanation (missing facts, `regardless_of`, `leads_to`) needs the
//! status of each completion of the walk's space (`Work::full`), and a
//! completion costs hundreds of instructions where a path through a
//! diagram costs a few per variable. The diagram gives the same status:
//! each region of the walk's split lies inside one region of the
//! diagram's finer split (both split at the same single-fact thresholds,
//! the walk at those of the live part of the cone only), in which every
//! comparison of the cone is decided alike; the other facts take the
//! case's branches and `is known` its Kleene values, as in the walk. Where
//! that reasoning does not hold the walk runs as before: a cone with an
//! operation that can fail (a failure depends on the exact value, not on
//! the region), a representative within rounding of a threshold, a
//! variable the case leaves free that the walk does not vary.
//! `diagram_grid_tests` compares both over random cases.

use super::diagram::{Diagrams, VarKind, FREE, LEAF};
use super::Work;
use crate::check::model::Type;
use crate::eval::compile::Pc;
use crate::eval::outcome::Status;
use crate::value::Value;

/// Marks a variable whose branch is a varying fact's digit (`Work::vary`).
const VARY: u32 = 1 << 31;
/// A variable no path has met yet in this grid (`Work::vary`).
const UNSEEN: u32 = FREE - 2;
/// A varying fact no node on the current path has tested (`Work::fill`).
const UNSET: u32 = u32::MAX;
/// The longest path followed; a deeper diagram is left to the walk.
const MAX_DEPTH: usize = 1024;

impl Work {
    /// Fills `grid` with the status of every completion of the prepared
    /// space of recommendation `r` from its diagram; false (the grid left
    /// unspecified) when the diagram cannot stand for the walk here.
    pub(super) fn grid_by_diagram(
        &mut self,
        d: &Diagrams,
        r: usize,
        facts: &[Option<Value>],
        known: impl Fn(Pc) -> Option<bool>,
    ) -> bool {
        let Some(Some(rec)) = d.recs.get(r) else {
            return false;
        };
        // Per varying fact and region of the walk: the diagram's branch.
        self.dmap.clear();
        self.dstart.clear();
        for (j, &f) in self.facts.iter().enumerate() {
            let Some(var) = d.vars.get(f as usize) else {
                return false;
            };
            let VarKind::Fact { fact, ty } = var.kind else {
                return false;
            };
            let (Some(&(s, e)), true) = (self.spans.get(j), fact == f) else {
                return false;
            };
            self.dstart.push(self.dmap.len() as u32);
            for region in self.regions.get(s as usize..e as usize).unwrap_or(&[]) {
                // As `Diagrams::branch` finds a case's branch.
                let b = match (region.rep, ty) {
                    (Value::Bool(b), _) => Some(u32::from(b)),
                    (Value::Enum(e), Type::Enum(_)) => Some(e),
                    (v, _) => d.region_of(var, v),
                };
                match b {
                    Some(b) if b < var.radix => self.dmap.push(b),
                    _ => return false,
                }
            }
        }
        // Per variable: the case's branch, or which digit gives it, found
        // when a path first meets it (a program has many more variables
        // than one diagram tests).
        self.vary.clear();
        self.vary.resize(d.vars.len(), UNSEEN);
        let Ok(n) = usize::try_from(self.size()) else {
            return false;
        };
        self.grid.clear();
        self.grid.resize(n, Status::Undetermined);
        self.digits.clear();
        self.digits.resize(self.facts.len(), UNSET);
        // The walk's digits are stale now; its next completion starts over.
        self.warm = false;
        let filled = self.fill(d, rec.root, facts, &known, 0);
        self.digits.iter_mut().for_each(|x| *x = 0);
        filled
    }

    /// Follows the diagram from `at` with the digits fixed so far
    /// (`digits`, [`UNSET`] where no node on the path tested the fact):
    /// at a node of a varying fact not fixed yet, once per digit; at a
    /// leaf, its status fills every completion that agrees with the fixed
    /// digits. Each completion lies on one path, so each is filled once,
    /// and a path costs one visit instead of one per completion it holds.
    /// False at a variable the case leaves free or whose branch no region
    /// gives, and past [`MAX_DEPTH`] nodes (the walk runs instead).
    fn fill(
        &mut self,
        d: &Diagrams,
        at: u32,
        facts: &[Option<Value>],
        known: &impl Fn(Pc) -> Option<bool>,
        depth: usize,
    ) -> bool {
        if at & LEAF != 0 {
            let status = match at & 3 {
                0 => Status::Applies,
                1 => Status::NotApplicable,
                _ => Status::Undetermined,
            };
            return self.fill_leaf(status);
        }
        let i = at as usize;
        let (Some(&var), Some(&radix), true) =
            (d.flat.get(i), d.flat.get(i + 1), depth < MAX_DEPTH)
        else {
            return false;
        };
        let Some(mut b) = self.vary.get(var as usize).copied() else {
            return false;
        };
        if b == UNSEEN {
            let Some(found) = self.variable(d, var, facts, known) else {
                return false;
            };
            b = found;
        }
        if b & VARY == 0 {
            return self.child(d, (i, radix, b), facts, known, depth);
        }
        // A free or unplaced case fact (see `Diagrams::branch`).
        if b >= FREE - 1 {
            return false;
        }
        let j = (b & !VARY) as usize;
        let (Some(&start), Some(&fixed)) = (self.dstart.get(j), self.digits.get(j)) else {
            return false;
        };
        let branch = |w: &Work, digit: u32| w.dmap.get((start + digit) as usize).copied();
        if fixed != UNSET {
            return branch(self, fixed)
                .is_some_and(|b| self.child(d, (i, radix, b), facts, known, depth));
        }
        for digit in 0..self.radix(j) as u32 {
            let Some(b) = branch(self, digit) else {
                return false;
            };
            if let Some(x) = self.digits.get_mut(j) {
                *x = digit;
            }
            if !self.child(d, (i, radix, b), facts, known, depth) {
                return false;
            }
        }
        if let Some(x) = self.digits.get_mut(j) {
            *x = UNSET;
        }
        true
    }

    /// Goes on from node `i` (of `radix` branches) along branch `b`.
    fn child(
        &mut self,
        d: &Diagrams,
        (i, radix, b): (usize, u32, u32),
        facts: &[Option<Value>],
        known: &impl Fn(Pc) -> Option<bool>,
        depth: usize,
    ) -> bool {
        match d.flat.get(i + 2 + b as usize) {
            Some(&next) if b < radix => self.fill(d, next, facts, known, depth + 1),
            _ => false,
        }
    }

    /// Sets every completion whose fixed digits are `digits`' to `status`
    /// (grid index: the digits in mixed radix, the first fact fastest).
    fn fill_leaf(&mut self, status: Status) -> bool {
        self.open.clear();
        let (mut base, mut stride) = (0usize, 1usize);
        for (j, &digit) in self.digits.iter().enumerate() {
            let radix = self.radix(j);
            match digit {
                UNSET => self.open.push((stride, radix, 0)),
                digit => base += digit as usize * stride,
            }
            stride = stride.saturating_mul(radix);
        }
        let mut at = base;
        loop {
            match self.grid.get_mut(at) {
                Some(cell) => *cell = status,
                None => return false,
            }
            // The next open completion, the first open fact fastest.
            let mut carried = true;
            for (stride, radix, digit) in self.open.iter_mut() {
                *digit += 1;
                at += *stride;
                if *digit < *radix {
                    carried = false;
                    break;
                }
                *digit = 0;
                at -= *stride * *radix;
            }
            if carried {
                return true;
            }
        }
    }

    /// Finds what gives variable `var`'s branch: a varying fact's digit,
    /// else the case.
    fn variable(
        &mut self,
        d: &Diagrams,
        var: u32,
        facts: &[Option<Value>],
        known: &impl Fn(Pc) -> Option<bool>,
    ) -> Option<u32> {
        let info = d.vars.get(var as usize)?;
        let j = match info.kind {
            VarKind::Fact { fact, .. } => self.facts.iter().position(|&f| f == fact),
            VarKind::Known { .. } => None,
        };
        let b = match j {
            Some(j) => VARY | j as u32,
            None => d.branch(info, facts, known),
        };
        *self.vary.get_mut(var as usize)? = b;
        Some(b)
    }
}
