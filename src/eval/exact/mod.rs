//! Eval stage: exact statuses under unknown facts (see `grammar/SEMANTICS.md`,
//! "Statuses under unknown facts").
//!
//! Kleene logic leaves some answers unknown that every completion of the
//! facts decides: `(sex = male and score >= 2) or (sex = female and
//! score >= 3)` with `score = 4` is true whatever `sex` is. After the Kleene pass,
//! each recommendation still undetermined (and each unknown derived value
//! an outcome reports) is settled over the *completions* of its missing
//! facts: the unknown facts its undecided part still reads get values, and
//! the real compiled code (`run::step`, the implementation of record) is run
//! on each completion. When every completion gives the same status, that is
//! the status; when they differ it stays undetermined, and the grid of
//! completions says which facts can change the answer and what each of
//! their values leads to.
//!
//! A completion space is finite because every fact of an ordered type
//! (integer, number, quantity, date) is split into *regions* at the
//! thresholds the cone compares it with (`space`, `solve`): within one
//! region every comparison of the cone is decided the same way, so one
//! representative per region stands for all its values. The split is
//! *complete* only when every comparison can be inverted into thresholds
//! on one fact (a comparison between two unknown facts cannot); an
//! incomplete split, or a product of regions larger than [`LIMIT`], keeps
//! the Kleene result and flags it `approximate` - never a silent guess.
//!
//! `is known` and `is unknown` ask about the case as given, so the exact
//! pass keeps their Kleene values (a completion says what a fact's true
//! value may be, not that it was recorded). Every other operation is
//! monotone under Kleene logic, so a slot the Kleene pass decided keeps its
//! value in every completion and only the undecided slots are re-run.
//!
//! Most recommendations never run completions: where the split does not
//! depend on the case, `diagram` settles the status from a decision
//! diagram compiled at `Program::new`, giving the walk's answer without
//! its work; the walk stays the reference, and decides the rest.
//!
//! The same space serves `cairn analyze` and `cairn diff` (through
//! [`crate::eval::Program::fact_space`]), so the analysis proves its
//! negative findings over the whole space or says it could not decide.

mod cone;
mod describe;
mod diagram;
mod diagram_build;
mod diagram_grid;
#[cfg(test)]
mod diagram_grid_tests;
#[cfg(test)]
mod diagram_tests;
mod memo;
#[cfg(test)]
mod memo_tests;
mod pass;
mod program;
mod regions;
mod rerun;
#[cfg(test)]
mod rerun_tests;
mod solve;
mod space;

pub(crate) use cone::Plan;
pub(crate) use describe::leads_to;
pub(crate) use memo::Memo;
pub(crate) use pass::{Detail, Work};
pub use space::FactSpace;

use crate::value::Value;

/// The most completions the exact pass tries for one recommendation or
/// derived value; a larger product of regions keeps the Kleene result,
/// flagged approximate. The work per case is therefore at most `LIMIT`
/// completions per recommendation, each running only the undecided
/// instructions of that recommendation's cone.
pub const LIMIT: u64 = 4096;

/// One end of a region of values.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Bound {
    /// No bound on this side.
    Open,
    /// The value belongs to the region.
    Incl(Value),
    /// The region stops just short of the value.
    Excl(Value),
}

/// Values of one fact that decide every comparison of a cone the same way.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Region {
    /// The value tried for the whole region.
    pub rep: Value,
    /// The lower end.
    pub lo: Bound,
    /// The upper end.
    pub hi: Bound,
}

impl Region {
    /// A region of one value.
    pub fn point(v: Value) -> Region {
        Region {
            rep: v,
            lo: Bound::Incl(v),
            hi: Bound::Incl(v),
        }
    }
}
