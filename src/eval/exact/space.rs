//! Eval stage, exact pass: the completion space of some roots - which
//! facts vary, and the regions each is split into.
//!
//! Starting from reference values (the Kleene values of a case, or for the
//! analysis every fact and every `is known` unknown), the facts that vary
//! are the unknown facts the roots read through undecided slots. Each
//! comparison of an ordered value among those slots is looked at once:
//! when one side follows one varying fact arithmetically and the other is
//! decided, `solve` turns it into thresholds on that fact; sides that
//! follow no varying fact are piecewise constant and need nothing; any
//! other comparison (two varying facts, or a side whose other operands
//! are themselves undecided) makes the split incomplete.

use super::cone::{fact_of, ordered, pairs, Adjacency, Cone, Plan};
use super::Work;
use crate::check::model::Type;
use crate::eval::compile::{Code, Op, Pc};
use crate::eval::run::{self, Slots};
use crate::value::Value;

/// No varying fact (in [`Work::vf`]).
pub(super) const NONE: u32 = u32::MAX;
/// Several varying facts, or one read twice.
pub(super) const MANY: u32 = u32::MAX - 1;

/// The dates a completion ranges over: day numbers within this distance
/// of 1970-01-01 (years 53 to 3886), enough for any clinical date.
pub(super) const DATE_SPAN: i64 = 700_000;
/// The integers a completion ranges over when no range is declared.
pub(super) const INT_SPAN: i64 = 1 << 40;

/// The facts of a space and the values tried for each, for the analysis.
#[derive(Debug, Clone, Default)]
pub struct FactSpace {
    /// Per fact of the model: one representative per region (empty for
    /// facts the roots do not compare).
    pub domains: Vec<Vec<Value>>,
    /// True when every comparison is decided the same way by all values of
    /// one region, so that trying the representatives tries every case.
    pub complete: bool,
}

/// The decided value of the other side of a comparison.
enum Side {
    Known(Value),
    /// Unknown in every completion (it reads no varying fact).
    Never,
    /// Its value depends on the completion.
    Varies,
}

impl Work {
    /// Reference values from a case's Kleene values.
    pub(super) fn load<S: Slots + ?Sized>(&mut self, cone: &Cone, kleene: &S) {
        self.warm = false;
        for &pc in &cone.slots {
            if let Some(slot) = self.vals.get_mut(pc as usize) {
                *slot = kleene.slot(pc);
            }
        }
    }

    /// Reference values for the analysis: every fact unknown, and `is
    /// known` undecided too, since the cases it asks about give facts.
    pub(super) fn load_blank(&mut self, code: &Code, cone: &Cone) {
        self.warm = false;
        for &pc in &cone.slots {
            let v = match code.ops.get(pc as usize) {
                Some(Op::Const(v)) => Some(*v),
                Some(Op::IsKnown(..) | Op::Fact(_)) | None => None,
                Some(op) => run::step(code, &[], self.vals.as_slice(), op),
            };
            if let Some(slot) = self.vals.get_mut(pc as usize) {
                *slot = v;
            }
        }
    }

    /// Prepares the space of `roots` over reference values already loaded:
    /// the varying facts, the instructions to re-run and the regions.
    /// Returns false when the split is incomplete. With `guess`, an
    /// incomplete split still gets regions around the values its
    /// comparisons between facts take (for the analysis' witnesses).
    pub(super) fn prepare(
        &mut self,
        code: &Code,
        cone: &Cone,
        roots: &[Pc],
        plan: &Plan,
        guess: bool,
    ) -> bool {
        self.walk(&plan.adj, roots, None::<&[Option<Value>]>);
        self.walked(code, cone, plan, guess)
    }

    /// [`Work::prepare`] over a case's Kleene values, loading only the
    /// slots the walk looks at (the pass never reads any other).
    pub(super) fn prepare_from<S: Slots + ?Sized>(
        &mut self,
        code: &Code,
        cone: &Cone,
        roots: &[Pc],
        plan: &Plan,
        kleene: &S,
    ) -> bool {
        self.walk(&plan.adj, roots, Some(kleene));
        self.walked(code, cone, plan, false)
    }

    /// The rest of [`Work::prepare`] once the live slots are marked.
    fn walked(&mut self, code: &Code, cone: &Cone, plan: &Plan, guess: bool) -> bool {
        let adj = &plan.adj;
        self.run.clear();
        self.facts.clear();
        self.found.clear();
        for &pc in &cone.slots {
            if !self.live.contains(pc as usize) {
                continue;
            }
            if let Some(f) = fact_of(code, pc) {
                self.found.push((f, ty(code, pc)));
                if self.fvals.len() <= f as usize {
                    self.fvals.resize(f as usize + 1, None);
                }
            }
            if (pc as usize) >= code.facts {
                self.run.push(pc);
            }
        }
        self.found.sort_unstable_by_key(|x| x.0);
        self.found.dedup_by_key(|x| x.0);
        self.ftys.clear();
        for &(f, t) in &self.found {
            self.facts.push(f);
            self.ftys.push(t);
        }
        self.forward(code, adj);
        self.fill_masks(code, adj);
        self.cands.clear();
        self.pending.clear();
        let mut complete = true;
        self.pairs.clear();
        for &a in &cone.atoms {
            if self.live.contains(a as usize) {
                let list = &mut self.pairs;
                pairs(code, a, |x, y| list.push((x, y)));
            }
        }
        for k in 0..self.pairs.len() {
            let Some(&(x, y)) = self.pairs.get(k) else {
                continue;
            };
            if !self.pair(code, x, y) {
                complete = false;
                self.pending.push((x, y));
            }
        }
        for &a in &cone.atoms {
            if self.live.contains(a as usize) && !self.lookup_bounds(code, a) {
                complete = false;
            }
        }
        self.build_regions(plan);
        if !complete && guess {
            self.guess(code, cone, plan);
        }
        // The regions may have changed since the last completion.
        self.warm = false;
        complete
    }

    /// Thresholds for one comparison; false when it cannot be split.
    fn pair(&mut self, code: &Code, x: Pc, y: Pc) -> bool {
        match (self.vf_of(code, x), self.vf_of(code, y)) {
            (NONE, NONE) => true,
            (f, NONE) if f != MANY => self.against(code, x, f, y),
            (NONE, f) if f != MANY => self.against(code, y, f, x),
            _ => false,
        }
    }

    /// Thresholds for a lookup's range patterns: a row's pattern `2 to 3`
    /// on a key is the comparisons `key >= 2` and `key <= 3`, so each
    /// bound is a threshold of the fact the key follows. False when a key
    /// cannot be split (it follows several varying facts).
    fn lookup_bounds(&mut self, code: &Code, pc: Pc) -> bool {
        let Some(&Op::Lookup { table, start, len }) = code.ops.get(pc as usize) else {
            return true;
        };
        let Some(t) = code.tables.get(table as usize) else {
            return true;
        };
        let width = t.keys.max(1);
        for (i, &key) in code.args(start, len).iter().enumerate() {
            let f = match self.vf_of(code, key) {
                NONE => continue,
                MANY => return false,
                f => f,
            };
            for row in t.patterns.chunks_exact(width) {
                for c in row.get(i).into_iter().flat_map(|p| p.bounds()) {
                    if self.thresholds(code, key, f, c).is_err() {
                        return false;
                    }
                }
            }
        }
        true
    }

    /// Guesses for a lookup's range patterns on keys that follow several
    /// varying facts, which [`Work::lookup_bounds`] cannot split.
    fn lookup_guesses(&mut self, code: &Code, pc: Pc) {
        let Some(&Op::Lookup { table, start, len }) = code.ops.get(pc as usize) else {
            return;
        };
        let Some(t) = code.tables.get(table as usize) else {
            return;
        };
        let width = t.keys.max(1);
        for (i, &key) in code.args(start, len).iter().enumerate() {
            if self.vf_of(code, key) != MANY {
                continue;
            }
            for row in t.patterns.chunks_exact(width) {
                for c in row.get(i).into_iter().flat_map(|p| p.bounds()) {
                    self.guesses(code, key, c);
                }
            }
        }
    }

    /// Thresholds of `side` (following fact `f`) against the other side.
    fn against(&mut self, code: &Code, side: Pc, f: u32, other: Pc) -> bool {
        match self.side(other) {
            Side::Known(c) => self.thresholds(code, side, f, c).is_ok(),
            Side::Never => true,
            Side::Varies => false,
        }
    }

    fn side(&self, pc: Pc) -> Side {
        if !self.live.contains(pc as usize) {
            return match self.vals.get(pc as usize).copied().flatten() {
                Some(v) => Side::Known(v),
                None => Side::Never,
            };
        }
        if self.dep.contains(pc as usize) {
            Side::Varies
        } else {
            Side::Never
        }
    }

    /// Marks the undecided slots the roots read through undecided slots.
    /// With `src`, each slot is loaded from it as the walk meets it.
    pub(super) fn walk<S: Slots + ?Sized>(
        &mut self,
        adj: &Adjacency,
        roots: &[Pc],
        src: Option<&S>,
    ) {
        self.warm = false;
        self.live.clear();
        self.stack.clear();
        for &r in roots {
            if let (Some(src), Some(slot)) = (src, self.vals.get_mut(r as usize)) {
                *slot = src.slot(r);
            }
            self.visit(r);
        }
        while let Some(pc) = self.stack.pop() {
            let (live, stack, vals) = (&mut self.live, &mut self.stack, &mut self.vals);
            for &c in adj.of(pc) {
                if let (Some(src), Some(slot)) = (src, vals.get_mut(c as usize)) {
                    *slot = src.slot(c);
                }
                let unknown = vals.get(c as usize).is_some_and(|v| v.is_none());
                if unknown && !live.contains(c as usize) {
                    live.insert(c as usize);
                    stack.push(c);
                }
            }
        }
    }

    fn visit(&mut self, pc: Pc) {
        let unknown = self.vals.get(pc as usize).is_some_and(|v| v.is_none());
        if unknown && !self.live.contains(pc as usize) {
            self.live.insert(pc as usize);
            self.stack.push(pc);
        }
    }

    /// One pass in evaluation order: which live instructions read a
    /// varying fact, and which varying fact each ordered value follows.
    fn forward(&mut self, code: &Code, adj: &Adjacency) {
        self.dep.clear();
        for k in 0..self.run.len() {
            let Some(&pc) = self.run.get(k) else { continue };
            // An instruction copying a fact reads it only if it is live.
            let mut dep = fact_of(code, pc).is_some();
            for &c in adj.of(pc) {
                dep |= self.live.contains(c as usize)
                    && (fact_of(code, c).is_some() || self.dep.contains(c as usize));
            }
            if dep {
                self.dep.insert(pc as usize);
            }
            let vf = if ordered(ty(code, pc)) {
                self.follows(code, adj, pc)
            } else {
                NONE
            };
            if let Some(slot) = self.vf.get_mut(pc as usize) {
                *slot = vf;
            }
        }
    }

    /// The varying fact an ordered instruction follows by value.
    fn follows(&self, code: &Code, adj: &Adjacency, pc: Pc) -> u32 {
        match code.ops.get(pc as usize) {
            Some(&Op::Def { root, .. }) => self.vf_of(code, root),
            Some(&Op::Neg(a)) => self.vf_of(code, a),
            Some(&Op::Fact(f)) => f,
            Some(Op::Column { .. } | Op::Lookup { .. }) | None => NONE,
            Some(&Op::First {
                start,
                branches,
                otherwise,
            }) => {
                let values = code
                    .args(start, branches * 2)
                    .chunks_exact(2)
                    .filter_map(|p| p.get(1).copied())
                    .chain(otherwise);
                values.fold(NONE, |acc, v| match (acc, self.vf_of(code, v)) {
                    (a, NONE) => a,
                    (NONE, b) => b,
                    (a, b) if a == b => a,
                    _ => MANY,
                })
            }
            Some(_) => {
                let mut acc = NONE;
                for &c in adj.of(pc) {
                    acc = match (acc, self.vf_of(code, c)) {
                        (a, NONE) => a,
                        (NONE, b) => b,
                        _ => MANY,
                    }
                }
                acc
            }
        }
    }

    /// The varying fact slot `pc` follows by value ([`NONE`] when decided).
    pub(super) fn vf_of(&self, code: &Code, pc: Pc) -> u32 {
        if !self.live.contains(pc as usize) {
            return NONE;
        }
        if let Some(f) = fact_of(code, pc) {
            return if ordered(ty(code, pc)) { f } else { NONE };
        }
        self.vf.get(pc as usize).copied().unwrap_or(MANY)
    }

    /// For an incomplete split: one completion at the first regions, and
    /// thresholds from each comparison between facts at those values.
    fn guess(&mut self, code: &Code, cone: &Cone, plan: &Plan) {
        let root = self.run.last().copied().unwrap_or(0);
        self.complete(code, 0, root);
        // A lookup keyed by a value of several facts (a clearance from
        // age, weight and creatinine): its row bounds are comparisons too.
        for &a in &cone.atoms {
            if self.live.contains(a as usize) {
                self.lookup_guesses(code, a);
            }
        }
        for k in 0..self.pending.len() {
            let Some(&(x, y)) = self.pending.get(k) else {
                continue;
            };
            if let Some(c) = self.vals.get(y as usize).copied().flatten() {
                self.guesses(code, x, c);
            }
            if let Some(c) = self.vals.get(x as usize).copied().flatten() {
                self.guesses(code, y, c);
            }
        }
        self.build_regions(plan);
    }
}

fn ty(code: &Code, pc: Pc) -> Type {
    code.types.get(pc as usize).copied().unwrap_or(Type::Bool)
}
