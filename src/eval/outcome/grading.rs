//! Eval stage: a recommendation's kind and strength for one case.
//!
//! A `strength … when … otherwise …` or `kind … when … otherwise …` field
//! is read like a `first`: the first branch whose condition is true gives
//! the value, a false one passes to the next, and an unknown one leaves the
//! choice undecided (a later branch might be wrong for this patient). An
//! undecided kind is the declared kind and an undecided strength is none;
//! the facts that would decide them are listed, as for a `first`, from the
//! condition that was unknown.

use crate::case::Case;
use crate::check::model::{Choice, FactId, RecId, Strength};
use crate::eval::compile::Pc;
use crate::eval::{run, why, Program, Scratch};
use crate::syntax::ast::RecKind;
use crate::value::Value;

/// A recommendation's kind and strength for one case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Grading {
    /// The kind for this case (the declared kind when undecided).
    pub kind: RecKind,
    /// The strength for this case, in the guideline's scheme (`None` when
    /// ungraded or undecided).
    pub strength: Option<Strength>,
    /// The unknown facts that would decide a kind or strength that depends
    /// on the case and could not be decided; empty otherwise.
    pub missing: Vec<FactId>,
}

/// The value a choice takes, or the slot of the first unknown condition.
fn pick<T: Clone>(choice: &Choice<T>, conds: &[Pc], vals: &[Option<Value>]) -> Result<T, Pc> {
    for ((_, value), &pc) in choice.branches.iter().zip(conds) {
        match run::truth(vals.get(pc as usize).copied().flatten()) {
            Some(true) => return Ok(value.clone()),
            Some(false) => {}
            None => return Err(pc),
        }
    }
    Ok(choice.otherwise.clone())
}

/// Reads a recommendation's grading off slots in which the on-demand
/// conditions have run.
/// (After the conditions run on demand; an unknown one syncs the slots
/// to find the facts behind it, in the scratch's buffers.)
pub(crate) fn read(program: &Program, scratch: &mut Scratch, rec: RecId) -> Grading {
    let vals = scratch.vals.as_slice();
    let info = program.model.recs.get(rec.0 as usize);
    let conds = program.code.rec_choice.get(rec.0 as usize);
    let (Some(info), Some((strength_conds, kind_conds))) = (info, conds) else {
        return Grading {
            kind: RecKind::Inform,
            strength: None,
            missing: Vec::new(),
        };
    };
    let mut unknown = Vec::new();
    let strength = match &info.varies.strength {
        None => info.strength.clone(),
        Some(c) => pick(c, strength_conds, vals).unwrap_or_else(|pc| {
            unknown.push(pc);
            None
        }),
    };
    let kind = match &info.varies.kind {
        None => info.kind,
        Some(c) => pick(c, kind_conds, vals).unwrap_or_else(|pc| {
            unknown.push(pc);
            info.kind
        }),
    };
    let mut missing = Vec::new();
    if !unknown.is_empty() {
        let code = &program.code;
        program.sync(scratch);
        let Scratch {
            vals,
            missing: bits,
            visited,
            ..
        } = scratch;
        bits.clear();
        visited.clear();
        for pc in unknown {
            why::missing(code, vals, pc, bits, visited);
        }
        missing = bits.iter().map(|f| FactId(f as u32)).collect();
    }
    Grading {
        kind,
        strength,
        missing,
    }
}

impl Program {
    /// Runs the conditions evaluated only on demand (schedule studies, and
    /// strengths and kinds that depend on the case) into slots filled by
    /// [`Program::evaluate_into`].
    pub(crate) fn run_on_demand(&self, case: &Case, scratch: &mut Scratch) {
        self.sync_on_demand(scratch);
        let code = &self.code;
        if code.exec.len() > code.main_len {
            run::run(
                code,
                &case.facts,
                &mut scratch.vals,
                code.main_len,
                code.exec.len(),
            );
        }
    }

    /// Evaluates a case and returns a recommendation's kind and strength
    /// for it (they may depend on the case, see `strength … when`).
    pub fn grading(&self, case: &Case, scratch: &mut Scratch, rec: RecId) -> Grading {
        self.evaluate_into(case, scratch);
        self.run_on_demand(case, scratch);
        read(self, scratch, rec)
    }
}
