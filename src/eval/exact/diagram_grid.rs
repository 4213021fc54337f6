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
        let n = self.size();
        self.grid.clear();
        self.digits.clear();
        self.digits.resize(self.facts.len(), 0);
        // The walk's digits are stale now; its next completion starts over.
        self.warm = false;
        for _ in 0..n {
            let Some(s) = self.path(d, rec.root, facts, &known) else {
                return false;
            };
            self.grid.push(s);
            // The next completion in mixed radix, the first fact fastest.
            for (i, digit) in self.digits.iter_mut().enumerate() {
                *digit += 1;
                let radix = self
                    .spans
                    .get(i)
                    .map_or(1, |&(s, e)| e.saturating_sub(s).max(1));
                if *digit < radix {
                    break;
                }
                *digit = 0;
            }
        }
        true
    }

    /// The status at the end of the path the current digits take from
    /// `at`; `None` at a variable the case leaves free or whose branch no
    /// region gives.
    fn path(
        &mut self,
        d: &Diagrams,
        mut at: u32,
        facts: &[Option<Value>],
        known: &impl Fn(Pc) -> Option<bool>,
    ) -> Option<Status> {
        let flat = d.flat.as_slice();
        loop {
            if at & LEAF != 0 {
                return Some(match at & 3 {
                    0 => Status::Applies,
                    1 => Status::NotApplicable,
                    _ => Status::Undetermined,
                });
            }
            let i = at as usize;
            let (&var, &radix) = (flat.get(i)?, flat.get(i + 1)?);
            let mut b = *self.vary.get(var as usize)?;
            if b == UNSEEN {
                b = self.variable(d, var, facts, known)?;
            }
            if b & VARY != 0 {
                // A free or unplaced case fact (see `Diagrams::branch`).
                if b >= FREE - 1 {
                    return None;
                }
                let j = (b & !VARY) as usize;
                let start = *self.dstart.get(j)?;
                b = *self.dmap.get((start + *self.digits.get(j)?) as usize)?;
            }
            if b >= radix {
                return None;
            }
            at = *flat.get(i + 2 + b as usize)?;
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
