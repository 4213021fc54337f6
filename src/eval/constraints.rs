//! Eval stage: checks a case's facts against the guideline's constraints.
//!
//! Constraints read facts only, so they are compiled on their own (no
//! definitions, sections or recommendations) and run with the one
//! interpreter, under the same Kleene semantics as every condition. A
//! constraint is broken when it is false; unknown is accepted, since the
//! facts given do not contradict it.

use crate::check::model::Model;
use crate::eval::compile::Code;
use crate::eval::run;
use crate::value::Value;

/// The indices (into `model.constraints`) of the constraints that `facts`
/// (one slot per fact of the model) break, in declaration order.
pub fn broken(model: &Model, facts: &[Option<Value>]) -> Vec<usize> {
    if model.constraints.is_empty() {
        return Vec::new();
    }
    let (code, roots) = Code::conditions(model, model.constraints.iter().map(|c| &c.condition));
    let mut vals = run::fresh_slots(&code);
    for (slot, fact) in vals.iter_mut().zip(facts.iter().take(code.facts)) {
        *slot = *fact;
    }
    run::run(&code, facts, &mut vals, 0, code.main_len);
    roots
        .iter()
        .enumerate()
        .filter(|(_, &pc)| run::truth(vals.get(pc as usize).copied().flatten()) == Some(false))
        .map(|(i, _)| i)
        .collect()
}
