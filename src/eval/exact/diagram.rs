//! Eval stage, exact pass: decision diagrams, compiled once per program,
//! that give a recommendation's exact status without running completions.
//!
//! The completion walk (`pass`) runs the cone's undecided instructions
//! once per completion of every case. But when every comparison of a
//! recommendation's cone compares one fact with a constant, its regions
//! (see `space`) do not depend on the case, and neither does the status of
//! each complete assignment of regions: `Program::new` can compute that
//! function once, as a reduced ordered multi-valued decision diagram over
//! the facts' regions (`diagram_build`, which evaluates every node with
//! `run::step`, the implementation of record). Per case, the exact status
//! is then whether the diagram is constant on the sub-space the case's
//! known facts select: a walk over the nodes reachable with each known
//! fact's branch fixed, stopping at the second status it meets.
//!
//! `is known` asks about the case as given, not about a completion, so
//! each `is known` instruction is a variable of its own that the case
//! always fixes (to its Kleene value). The diagram answers only where the
//! completion walk would have answered exactly, so statuses are the same
//! as the walk's; elsewhere (a split that depends on the case, a diagram
//! over its size bound, a space over [`super::LIMIT`] completions, a
//! decimal value within rounding of a threshold) the walk decides.

use super::{Bound, Region, LIMIT};
use crate::check::model::Type;
use crate::eval::compile::Pc;
use crate::eval::outcome::Status;
use crate::syntax::ast::BinOp;
use crate::value::ops::compare;
use crate::value::Value;

/// `Node::var` of a terminal node.
pub(super) const TERM: u32 = u32::MAX;

/// The diagrams of a program's recommendations, sharing their nodes.
#[derive(Debug, Clone, Default)]
pub(crate) struct Diagrams {
    /// Every node; ids are indices. Children are built before parents.
    pub(super) nodes: Vec<Node>,
    /// The children of the inner nodes: node `n` has
    /// `kids[n.at..n.at + radix]`, one per branch of its variable.
    pub(super) kids: Vec<u32>,
    /// The values of the terminal nodes (a terminal `n` has `terms[n.at]`).
    pub(super) terms: Vec<Option<Value>>,
    /// The variables, in diagram order (fact `f` is variable `f`; `is
    /// known` instructions follow).
    pub(super) vars: Vec<Var>,
    /// The regions of every fact variable (`Var::start`, `Var::radix`).
    pub(super) regions: Vec<Region>,
    /// Per recommendation: its diagram, when one was built.
    pub(super) recs: Vec<Option<RecDiagram>>,
    /// The recommendations' diagrams in the form a case walks: an inner
    /// node at `i` is its variable, its number of branches, then one
    /// reference per branch (a position here, or a [`LEAF`] with the
    /// status).
    pub(super) flat: Vec<u32>,
}

/// One node: a terminal value, or a test of one variable.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Node {
    /// The variable tested ([`TERM`] for a terminal).
    pub var: u32,
    /// Where its children start in `kids`, or its value in `terms`.
    pub at: u32,
}

/// One variable of the diagrams.
#[derive(Debug, Clone, Copy)]
pub(super) struct Var {
    /// What it stands for.
    pub kind: VarKind,
    /// Its number of branches.
    pub radix: u32,
    /// For a fact: where its regions start in `Diagrams::regions`.
    pub start: u32,
}

/// What a variable stands for.
#[derive(Debug, Clone, Copy)]
pub(super) enum VarKind {
    /// A fact: branch `i` is its region `i` (a truth value's branches are
    /// false and true, an enum's its values in order).
    Fact {
        /// The fact.
        fact: u32,
        /// Its type.
        ty: Type,
    },
    /// An `is known` instruction: branch 0 is false, branch 1 true.
    Known {
        /// Its slot.
        slot: Pc,
        /// The fact it asks about directly, if any (then a case's facts
        /// give its value, as in a batch).
        fact: Option<u32>,
        /// `is known` (true) or `is unknown` (false).
        known: bool,
    },
}

/// One recommendation's diagram.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct RecDiagram {
    /// Its status node in `Diagrams::flat`.
    pub root: u32,
    /// The facts of its own split, their number of regions there, and
    /// whether a case's split has as many (truth values and enums), for
    /// the bound the completion walk keeps ([`LIMIT`]).
    pub facts: Vec<(u32, u32, bool)>,
    /// The product of all those numbers is within [`LIMIT`], so no case
    /// can exceed it.
    pub small: bool,
    /// Every `is known` it tests asks about a fact directly.
    pub lanes: bool,
}

/// A reference in `Diagrams::flat` to a terminal: this bit and the status
/// code ([`code`]).
pub(super) const LEAF: u32 = 1 << 31;

/// The code of a status in a [`LEAF`] reference.
pub(super) fn code(s: Status) -> u32 {
    match s {
        Status::Applies => 0,
        Status::NotApplicable => 1,
        Status::Undetermined => 2,
    }
}

const STATUSES: [Status; 4] = [
    Status::Applies,
    Status::NotApplicable,
    Status::Undetermined,
    Status::Undetermined,
];

/// A variable the case leaves free (in `Seen::branches`).
pub(super) const FREE: u32 = u32::MAX;
/// A variable whose branch the case's value does not give.
const NONE: u32 = u32::MAX - 1;

/// Buffers of the walks over decision diagrams (part of `Work`).
#[derive(Debug, Clone, Default)]
pub(crate) struct Seen {
    /// Per position in `flat`: the walk that last reached it.
    stamps: Vec<u32>,
    walk: u32,
    stack: Vec<u32>,
    /// Per variable: the case it was last looked at in (high half) and
    /// its branch in that case (low half).
    branches: Vec<u64>,
    case: u32,
}

impl Seen {
    /// Starts a new case over `d`: every variable's branch is to be
    /// found again.
    pub(super) fn next_case(&mut self, d: &Diagrams) {
        if self.stamps.len() != d.flat.len() || self.branches.len() != d.vars.len() {
            self.stamps = vec![0; d.flat.len()];
            self.branches = vec![0; d.vars.len()];
            // A walk expands each node at most twice (once followed in
            // place, once pushed), so it never outgrows this.
            self.stack = Vec::with_capacity(2 * d.flat.len() + 1);
            self.walk = 0;
            self.case = 0;
        }
        self.case = self.case.wrapping_add(1);
        if self.case == 0 {
            self.branches.fill(0);
            self.case = 1;
        }
    }

    fn start(&mut self) {
        self.walk = self.walk.wrapping_add(1);
        if self.walk == 0 {
            self.stamps.fill(0);
            self.walk = 1;
        }
        self.stack.clear();
    }

    /// Pushes a reference unless the walk has reached it before.
    #[inline]
    fn push(&mut self, at: u32) {
        if at & LEAF == 0 {
            match self.stamps.get_mut(at as usize) {
                Some(s) if *s != self.walk => *s = self.walk,
                _ => return,
            }
        }
        self.stack.push(at);
    }
}

/// Why a diagram gives no status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum NoStatus {
    /// The case's unknown facts give over [`LIMIT`] regions in the
    /// recommendation's own split: whether the walk's space (its live
    /// facts only) is within the bound must be found first.
    Bound,
    /// The completion walk must decide.
    Walk,
}

impl Diagrams {
    /// The number of recommendations with a diagram.
    #[cfg(test)]
    pub fn built(&self) -> usize {
        self.recs.iter().flatten().count()
    }

    /// The facts of `r`'s own split and their numbers of regions.
    pub(super) fn rec_facts(&self, r: usize) -> &[(u32, u32, bool)] {
        match self.recs.get(r) {
            Some(Some(rec)) => &rec.facts,
            _ => &[],
        }
    }

    /// The exact status of recommendation `r` for a case with these facts
    /// whose `is known` instructions have the values `known` gives (after
    /// [`Seen::next_case`]). With `bounded`, a case whose unknown facts
    /// could give the walk over [`LIMIT`] completions is left to the caller.
    pub(super) fn status(
        &self,
        r: usize,
        facts: &[Option<Value>],
        known: impl Fn(Pc) -> Option<bool>,
        seen: &mut Seen,
        bounded: bool,
    ) -> Result<Status, NoStatus> {
        let rec = self
            .recs
            .get(r)
            .and_then(Option::as_ref)
            .ok_or(NoStatus::Walk)?;
        if bounded && !rec.small {
            let mut size = 1u64;
            for &(f, n, _) in &rec.facts {
                if facts.get(f as usize).copied().flatten().is_none() {
                    size = size.saturating_mul(u64::from(n));
                }
            }
            if size > LIMIT {
                return Err(NoStatus::Bound);
            }
        }
        seen.start();
        seen.push(rec.root);
        let flat = self.flat.as_slice();
        let mut first = None;
        while let Some(mut at) = seen.stack.pop() {
            // Fixed branches are followed in place; only free ones branch.
            loop {
                if at & LEAF != 0 {
                    let s = at & 3;
                    match first {
                        None => first = Some(s),
                        Some(f) if f != s => return Ok(Status::Undetermined),
                        Some(_) => {}
                    }
                    break;
                }
                let i = at as usize;
                let (Some(&var), Some(&radix)) = (flat.get(i), flat.get(i + 1)) else {
                    return Err(NoStatus::Walk);
                };
                let b = self.branch_cached(var, facts, &known, seen);
                if b < radix {
                    at = *flat.get(i + 2 + b as usize).ok_or(NoStatus::Walk)?;
                    continue;
                }
                if b != FREE {
                    return Err(NoStatus::Walk);
                }
                let kids = flat
                    .get(i + 2..i + 2 + radix as usize)
                    .ok_or(NoStatus::Walk)?;
                for &k in kids {
                    seen.push(k);
                }
                break;
            }
        }
        let s = first.ok_or(NoStatus::Walk)?;
        Ok(*STATUSES.get(s as usize).unwrap_or(&Status::Undetermined))
    }

    /// The exact status of `r` from a case's facts alone (for a batch);
    /// `None` when an `is known` of it needs the case's Kleene values.
    pub(super) fn status_of_facts(
        &self,
        r: usize,
        facts: &[Option<Value>],
        seen: &mut Seen,
    ) -> Option<Status> {
        if !self.recs.get(r)?.as_ref()?.lanes {
            return None;
        }
        self.status(r, facts, |_| None, seen, true).ok()
    }

    /// [`Diagrams::branch`], found once per case.
    #[inline]
    fn branch_cached(
        &self,
        var: u32,
        facts: &[Option<Value>],
        known: &impl Fn(Pc) -> Option<bool>,
        seen: &mut Seen,
    ) -> u32 {
        let case = seen.case;
        let Some(slot) = seen.branches.get_mut(var as usize) else {
            return NONE;
        };
        if (*slot >> 32) as u32 == case {
            return *slot as u32;
        }
        let b = match self.vars.get(var as usize) {
            Some(v) => self.branch(v, facts, known),
            None => NONE,
        };
        *slot = (u64::from(case) << 32) | u64::from(b);
        b
    }

    /// The branch a case takes at variable `var`: [`FREE`] for an unknown
    /// fact, [`NONE`] when its value lies in no region, or within rounding
    /// of a decimal threshold.
    pub(super) fn branch(
        &self,
        var: &Var,
        facts: &[Option<Value>],
        known: &impl Fn(Pc) -> Option<bool>,
    ) -> u32 {
        match var.kind {
            VarKind::Known {
                slot,
                fact,
                known: k,
            } => {
                let b = match fact {
                    Some(f) => Some(facts.get(f as usize).copied().flatten().is_some() == k),
                    None => known(slot),
                };
                b.map_or(NONE, u32::from)
            }
            VarKind::Fact { fact, ty } => {
                let Some(v) = facts.get(fact as usize).copied().flatten() else {
                    return FREE;
                };
                let i = match (v, ty) {
                    (Value::Bool(b), _) => u32::from(b),
                    (Value::Enum(e), Type::Enum(_)) => e,
                    _ => self.region_of(var, v).unwrap_or(NONE),
                };
                if i < var.radix {
                    i
                } else {
                    NONE
                }
            }
        }
    }

    /// The region of an ordered fact's variable that holds `v`.
    pub(super) fn region_of(&self, var: &Var, v: Value) -> Option<u32> {
        let regions = self
            .regions
            .get(var.start as usize..(var.start + var.radix) as usize)?;
        let mut found = None;
        for (i, r) in regions.iter().enumerate() {
            if near(v, r.lo) || near(v, r.hi) {
                return None;
            }
            if found.is_none() && above(v, r.lo) && below(v, r.hi) {
                found = Some(i as u32);
            }
        }
        found
    }
}

/// `v` lies on the inner side of a region's lower end.
fn above(v: Value, lo: Bound) -> bool {
    match lo {
        Bound::Open => true,
        Bound::Incl(a) => compare(BinOp::Ge, v, a) == Some(true),
        Bound::Excl(a) => compare(BinOp::Gt, v, a) == Some(true),
    }
}

/// `v` lies on the inner side of a region's upper end.
fn below(v: Value, hi: Bound) -> bool {
    match hi {
        Bound::Open => true,
        Bound::Incl(b) => compare(BinOp::Le, v, b) == Some(true),
        Bound::Excl(b) => compare(BinOp::Lt, v, b) == Some(true),
    }
}

/// A decimal within rounding of a region's end, but not equal to it: the
/// comparisons of a chain (`q / 2 cm >= 1.5`, whose threshold `3 cm` is
/// itself rounded) may then decide it otherwise than the region's value.
fn near(v: Value, b: Bound) -> bool {
    let (Bound::Incl(t) | Bound::Excl(t)) = b else {
        return false;
    };
    match (v, t) {
        (Value::Number(x) | Value::Quantity(x), Value::Number(y) | Value::Quantity(y)) => {
            x != y && (x - y).abs() <= 1e-6 * x.abs().max(y.abs()).max(1.0)
        }
        _ => false,
    }
}
