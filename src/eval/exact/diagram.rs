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
    /// The node of its status.
    pub root: u32,
    /// The facts of its own split and their number of regions there, for
    /// the bound the completion walk keeps ([`LIMIT`]).
    pub facts: Vec<(u32, u32)>,
    /// Every `is known` it tests asks about a fact directly.
    pub lanes: bool,
}

/// Buffers of a walk over a diagram (part of `Work`).
#[derive(Debug, Clone, Default)]
pub(crate) struct Seen {
    /// Per node: the walk that last reached it.
    stamps: Vec<u32>,
    walk: u32,
    stack: Vec<u32>,
}

impl Seen {
    fn start(&mut self, nodes: usize) {
        if self.stamps.len() != nodes {
            self.stamps = vec![0; nodes];
            self.walk = 0;
        }
        self.walk = self.walk.wrapping_add(1);
        if self.walk == 0 {
            self.stamps.fill(0);
            self.walk = 1;
        }
        self.stack.clear();
    }

    fn push(&mut self, id: u32) {
        if let Some(s) = self.stamps.get_mut(id as usize) {
            if *s != self.walk {
                *s = self.walk;
                self.stack.push(id);
            }
        }
    }
}

/// Where a case puts one variable.
enum Branch {
    /// In this branch.
    Fixed(u32),
    /// Anywhere: the fact is unknown.
    Free,
}

impl Diagrams {
    /// The number of recommendations with a diagram.
    #[cfg(test)]
    pub fn built(&self) -> usize {
        self.recs.iter().flatten().count()
    }

    /// The exact status of recommendation `r` for a case with these facts
    /// whose `is known` instructions have the values `known` gives; `None`
    /// when the diagram cannot say (the completion walk must decide).
    pub(super) fn status(
        &self,
        r: usize,
        facts: &[Option<Value>],
        known: impl Fn(Pc) -> Option<bool>,
        seen: &mut Seen,
    ) -> Option<Status> {
        let rec = self.recs.get(r)?.as_ref()?;
        // The completion walk flags a space over its bound approximate; so
        // does the diagram, to give the same statuses (see `RecDiagram`).
        let mut size = 1u64;
        for &(f, n) in &rec.facts {
            if facts.get(f as usize).copied().flatten().is_none() {
                size = size.saturating_mul(u64::from(n));
            }
        }
        if size > LIMIT {
            return None;
        }
        seen.start(self.nodes.len());
        seen.push(rec.root);
        let mut first = None;
        while let Some(id) = seen.stack.pop() {
            let node = *self.nodes.get(id as usize)?;
            if node.var == TERM {
                let s = status_of(self.terms.get(node.at as usize).copied().flatten());
                match first {
                    None => first = Some(s),
                    Some(f) if f != s => return Some(Status::Undetermined),
                    Some(_) => {}
                }
                continue;
            }
            let var = self.vars.get(node.var as usize)?;
            let kids = self
                .kids
                .get(node.at as usize..(node.at + var.radix) as usize)?;
            match self.branch(var, facts, &known)? {
                Branch::Fixed(i) => seen.push(*kids.get(i as usize)?),
                Branch::Free => {
                    for &k in kids {
                        seen.push(k);
                    }
                }
            }
        }
        first
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
        self.status(r, facts, |_| None, seen)
    }

    /// The branch a case takes at variable `var`; `None` when its value
    /// lies in no region, or within rounding of a decimal threshold.
    fn branch(
        &self,
        var: &Var,
        facts: &[Option<Value>],
        known: &impl Fn(Pc) -> Option<bool>,
    ) -> Option<Branch> {
        match var.kind {
            VarKind::Known {
                slot,
                fact,
                known: k,
            } => {
                let b = match fact {
                    Some(f) => facts.get(f as usize).copied().flatten().is_some() == k,
                    None => known(slot)?,
                };
                Some(Branch::Fixed(u32::from(b)))
            }
            VarKind::Fact { fact, ty } => {
                let Some(v) = facts.get(fact as usize).copied().flatten() else {
                    return Some(Branch::Free);
                };
                let i = match (v, ty) {
                    (Value::Bool(b), _) => u32::from(b),
                    (Value::Enum(e), Type::Enum(_)) => u32::from(e),
                    _ => self.region_of(var, v)?,
                };
                (i < var.radix).then_some(Branch::Fixed(i))
            }
        }
    }

    /// The region of an ordered fact's variable that holds `v`.
    fn region_of(&self, var: &Var, v: Value) -> Option<u32> {
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

/// The status a recommendation's combined condition gives.
fn status_of(v: Option<Value>) -> Status {
    match v {
        Some(Value::Bool(true)) => Status::Applies,
        Some(Value::Bool(false)) => Status::NotApplicable,
        _ => Status::Undetermined,
    }
}
