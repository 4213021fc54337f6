//! Eval stage: checks a case's facts against the guideline's constraints.
//!
//! Constraints read facts only, so they are compiled on their own (no
//! definitions, sections or recommendations) and run with the one
//! interpreter, under the same Kleene semantics as every condition. A
//! constraint is broken when it is false; unknown is accepted, since the
//! facts given do not contradict it.

use crate::check::model::{Model, TExpr};
use crate::eval::compile::{Code, Pc};
use crate::eval::run;
use crate::value::Value;

/// A guideline's constraints, compiled once to check many cases.
#[derive(Debug, Clone)]
pub struct Constraints {
    code: Code,
    roots: Vec<Pc>,
}

impl Constraints {
    /// Compiles the constraints of `model`.
    pub fn new(model: &Model) -> Constraints {
        let (code, roots) = conditions(model, model.constraints.iter().map(|c| &c.condition));
        Constraints { code, roots }
    }

    /// The indices (into the model's `constraints`) of those that `facts`
    /// (one slot per fact of the model) break, in declaration order.
    pub fn broken(&self, facts: &[Option<Value>]) -> Vec<usize> {
        if self.roots.is_empty() {
            return Vec::new();
        }
        let code = &self.code;
        let mut vals = run::fresh_slots(code);
        for (slot, fact) in vals.iter_mut().zip(facts.iter().take(code.facts)) {
            *slot = *fact;
        }
        run::run(code, facts, &mut vals, 0, code.main_len);
        let value = |pc: Pc| vals.get(pc as usize).copied().flatten();
        self.roots
            .iter()
            .enumerate()
            .filter(|(_, &pc)| run::truth(value(pc)) == Some(false))
            .map(|(i, _)| i)
            .collect()
    }
}

impl Constraints {
    /// True when `facts` break some constraint: [`Constraints::broken`]
    /// without allocating, its slots kept in `vals` for the next call (a
    /// cohort checks every row).
    pub fn any_broken(&self, facts: &[Option<Value>], vals: &mut Vec<Option<Value>>) -> bool {
        if self.roots.is_empty() {
            return false;
        }
        let code = &self.code;
        if vals.len() != code.ops.len() {
            *vals = run::fresh_slots(code);
        }
        // Only fact slots and computed slots change between calls; the
        // constants stay as `fresh_slots` wrote them.
        for (slot, fact) in vals.iter_mut().zip(facts.iter().take(code.facts)) {
            *slot = *fact;
        }
        run::run(code, facts, vals, 0, code.main_len);
        self.roots
            .iter()
            .any(|&pc| run::truth(vals.get(pc as usize).copied().flatten()) == Some(false))
    }
}

/// The constraints of `model` that `facts` break (see [`Constraints::broken`]).
pub fn broken(model: &Model, facts: &[Option<Value>]) -> Vec<usize> {
    if model.constraints.is_empty() {
        return Vec::new();
    }
    Constraints::new(model).broken(facts)
}

/// Compiles standalone conditions that read facts only (constraints).
fn conditions<'e>(model: &Model, conds: impl Iterator<Item = &'e TExpr>) -> (Code, Vec<Pc>) {
    Code::facts_only(model, conds)
}
