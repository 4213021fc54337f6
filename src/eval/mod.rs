//! Eval stage: runs a checked guideline against a case.
//!
//! [`Program::new`] compiles the model once into flat code (see `compile`)
//! and translates that into a compact per-case program (see `fast`), in
//! which truth values and enum values are bytes. The hot paths are
//! [`Program::statuses`] (one case into a reusable [`Scratch`], without
//! allocating) and [`Program::statuses_batch`] (a cohort, 64 cases side by
//! side). [`Program::evaluate_into`] also makes every slot's value readable;
//! missing facts ([`Program::missing_into`]) and the trace
//! ([`Program::trace_into`]) are read off the filled slots on demand.
//! [`Program::evaluate_with`] builds the full [`outcome::Outcome`] (the
//! JSON contract) into a reused scratch, borrowing the program's strings;
//! [`Program::evaluate`] is the one-off form. `render` turns an outcome
//! into text.

mod compact;
pub mod constraints;
mod exact;
mod explanation;
mod ir;
pub mod outcome;
#[cfg(test)]
mod test_cases;

// Short names for the stage's parts, so that each file names its peers
// by role-free module names (`crate::eval::run`, `crate::eval::fast`).
use compact::{batch, fast, fast_run, lazy};
use explanation::{labels, reason, record, trace, walk, why};
use ir::{compile, probe, run};
use outcome::{build, diagnose, display, grading, schedule};

pub use batch::{BatchScratch, LANES};
pub use exact::{FactSpace, LIMIT as EXACT_LIMIT};
pub use explanation::explain::{explain, ExplainError};
pub use grading::Grading;
pub use outcome::render;
pub(crate) use probe::{roots, ProbeId, Root};
pub use why::Bits;

use crate::case::Case;
use crate::check::model::{DefId, FactId, Model, RecId};
use crate::check::Checked;
use crate::source::SourceMap;
use crate::value::Value;
use compile::{Code, Pc};
use outcome::Status;

/// Evaluation options.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Options {
    /// Record a trace of every definition, section and recommendation.
    pub trace: bool,
}

/// A compiled guideline, ready to evaluate many cases.
#[derive(Debug, Clone)]
pub struct Program {
    model: Model,
    sources: SourceMap,
    code: Code,
    /// Trace steps in output order.
    steps: Vec<StepKind>,
    /// Per recommendation: data that does not depend on the case.
    fixed: Vec<build::FixedRec>,
    /// Per schedule: its phases in words.
    schedule_phases: Vec<Vec<String>>,
    /// Definitions sorted by name (the key order of derived values in JSON).
    def_by_name: Vec<u32>,
    /// Per recommendation and definition: the cone the exact pass runs.
    plan: exact::Plan,
}

/// What a trace step is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum StepKind {
    /// A definition.
    Def(u32),
    /// A section with a condition.
    Section(u32),
    /// A recommendation.
    Rec(u32),
}

/// A trace step as data: what it is about and the slots that decided it
/// (`Scratch::leaves[start..end]`, as `(reader, slot read)`). Texts are made only for an outcome.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RawStep {
    pub(crate) kind: StepKind,
    pub(crate) start: u32,
    pub(crate) end: u32,
}

/// Buffers reused across cases so that evaluation does not allocate.
#[derive(Debug, Clone, Default)]
pub struct Scratch {
    vals: Vec<Option<Value>>,
    /// Bool and enum slots in the compact program's byte encoding.
    bytes: Vec<u8>,
    /// True when `bytes` holds results that `vals` does not yet.
    stale: bool,
    statuses: Vec<Status>,
    missing: Bits,
    visited: Bits,
    leaves: Vec<(Pc, Pc)>,
    steps: Vec<RawStep>,
    /// Buffers of the exact pass.
    exact: exact::Work,
    /// Per recommendation: the exact pass decided what Kleene logic left
    /// undetermined.
    resolved: Bits,
    /// Per recommendation: undetermined as the Kleene approximation.
    approx: Bits,
    /// Per definition: the interval of a score left unknown (outcomes).
    ranges: Vec<Option<(f64, f64)>>,
    /// The exact pass's answers for the fact combinations seen so far.
    memo: exact::Memo,
}

impl Scratch {
    /// The raw trace recorded by the last [`Program::trace_into`].
    pub fn raw_trace(&self) -> &[RawStep] {
        &self.steps
    }

    /// Number of decisive reads recorded by the last trace.
    pub fn trace_leaves(&self) -> usize {
        self.leaves.len()
    }

    /// The statuses of the last run (for tests of a run with no other way
    /// to read them, such as `Program::run_general`; also read by the
    /// fuzz bodies, `testing::fuzz`).
    pub(crate) fn last_statuses(&self) -> &[Status] {
        &self.statuses
    }
}

impl Program {
    /// Compiles a checked guideline.
    pub fn new(checked: &Checked) -> Program {
        Program::from_model(checked.model.clone(), checked.sources.clone())
    }

    /// The program of a slice of a model, which declares no facts, told
    /// which of the whole model's facts may be `never` (`date or never`)
    /// and their declared ranges (`number` and `quantity` facts), so that
    /// its exact pass splits facts into the regions the whole program's
    /// does: `never` alone, nothing outside a range.
    pub(crate) fn with_domains(mut self, model: &Model) -> Program {
        self.plan.never = model.facts.iter().map(|f| f.domain.never).collect();
        self.plan.ranges = model.facts.iter().map(|f| f.domain.range).collect();
        self.plan.renew();
        self
    }

    /// Compiles a model and the sources its spans point into.
    pub fn from_model(model: Model, sources: SourceMap) -> Program {
        let code = Code::compile(&model);
        let steps = step_order(&model, &code);
        let fixed = model
            .recs
            .iter()
            .map(|r| build::FixedRec::new(&model, r))
            .collect();
        let schedule_phases = schedule::phase_texts(&model);
        let plan = exact::Plan::new(&code, &model);
        let def_by_name = build::by_name(&model);
        Program {
            model,
            sources,
            code,
            steps,
            fixed,
            schedule_phases,
            def_by_name,
            plan,
        }
    }

    /// The model this program was compiled from.
    pub fn model(&self) -> &Model {
        &self.model
    }

    /// The guideline's sources, which the model's spans point into.
    pub fn sources(&self) -> &SourceMap {
        &self.sources
    }

    /// Number of instructions of the general code run per case.
    pub fn slots(&self) -> usize {
        self.code.main_len
    }

    /// Number of `first` chains the compact program decides by search
    /// (for the tests of `compact::pick`).
    #[cfg(test)]
    pub(crate) fn picks(&self) -> usize {
        self.code.fast.as_ref().map_or(0, |f| f.picks.len())
    }

    /// Fresh buffers sized for this program.
    pub fn scratch(&self) -> Scratch {
        let vals = run::fresh_slots(&self.code);
        let bytes = match &self.code.fast {
            Some(fast) => fast_run::fresh_bytes(fast, &vals),
            None => Vec::new(),
        };
        let mut exact = exact::Work::default();
        exact.fit(self.code.ops.len());
        Scratch {
            vals,
            bytes,
            stale: false,
            statuses: vec![Status::Undetermined; self.model.recs.len()],
            missing: Bits::with_len(self.model.facts.len()),
            visited: Bits::with_len(self.code.ops.len()),
            leaves: Vec::with_capacity(self.code.ops.len()),
            steps: Vec::with_capacity(self.steps.len()),
            exact,
            resolved: Bits::with_len(self.model.recs.len()),
            approx: Bits::with_len(self.model.recs.len()),
            ranges: Vec::with_capacity(self.model.defs.len()),
            memo: exact::Memo::default(),
        }
    }

    /// Evaluates every definition, section and recommendation of a case into
    /// `scratch`, statuses settled by the exact pass. No allocation once
    /// `scratch` has been sized by [`Program::scratch`].
    pub fn evaluate_into(&self, case: &Case, scratch: &mut Scratch) {
        self.run_case(case, scratch);
        self.sync(scratch);
        self.exact_statuses(scratch, true);
    }

    /// [`Program::evaluate_into`] without copying the compact results into
    /// the general slots: the outcome builder syncs only when a walker
    /// needs them (see `outcome::build`).
    fn evaluate_unsynced(&self, case: &Case, scratch: &mut Scratch) {
        self.run_case(case, scratch);
        self.exact_statuses(scratch, true);
    }

    /// Runs `f` on the case's slots as the walkers see them: read in place
    /// (the compact encoding) while the general slots are not synced.
    fn read_slots<R>(&self, scratch: &Scratch, f: impl FnOnce(&dyn run::Slots) -> R) -> R {
        match (&self.code.fast, scratch.stale) {
            (Some(fast), true) => f(&fast_run::View::new(fast, &scratch.bytes, &scratch.vals)),
            _ => f(&scratch.vals),
        }
    }

    /// Copies what the instructions run on demand read into the general
    /// slots (the rest may stay in the compact encoding).
    fn sync_on_demand(&self, scratch: &mut Scratch) {
        if let (true, Some(fast)) = (scratch.stale, &self.code.fast) {
            lazy::sync_by(
                fast,
                &fast.sync_on_demand,
                &scratch.bytes,
                &mut scratch.vals,
            );
        }
    }

    /// Copies results held only in the compact encoding into the general
    /// slots, which the walkers behind missing facts and traces read.
    fn sync(&self, scratch: &mut Scratch) {
        if let (true, Some(fast)) = (scratch.stale, &self.code.fast) {
            fast_run::sync(fast, &scratch.bytes, &mut scratch.vals);
        }
        scratch.stale = false;
    }

    /// The hot path: runs a case, leaving bool and enum results in the
    /// compact encoding only.
    fn run_case(&self, case: &Case, scratch: &mut Scratch) {
        self.load(case, scratch);
        let code = &self.code;
        let ran = code.fast.as_ref().is_some_and(|fast| {
            fast_run::run_case(
                code,
                fast,
                &case.facts,
                &mut scratch.vals,
                &mut scratch.bytes,
                &mut scratch.statuses,
            )
        });
        scratch.stale = ran;
        if !ran {
            self.run_loaded(case, scratch);
        }
    }

    /// Sizes `scratch` for this program and copies a case's facts in.
    fn load(&self, case: &Case, scratch: &mut Scratch) {
        let width = self.code.fast.as_ref().map_or(0, |f| f.width);
        if scratch.vals.len() != self.code.ops.len() || scratch.bytes.len() != width {
            *scratch = self.scratch();
        }
        let code = &self.code;
        match (
            scratch.vals.get_mut(..code.facts),
            case.facts.get(..code.facts),
        ) {
            (Some(slots), Some(facts)) => slots.copy_from_slice(facts),
            // A case with fewer facts than the model: the rest are unknown.
            _ => {
                for (i, slot) in scratch.vals.iter_mut().take(code.facts).enumerate() {
                    *slot = case.facts.get(i).copied().flatten();
                }
            }
        }
    }

    /// Runs a case on the general instructions: the reference the compact
    /// program (and the conformance suite, `testing::conformance`, and the
    /// fuzz bodies, `testing::fuzz`) is tested against.
    pub(crate) fn run_general(&self, case: &Case, scratch: &mut Scratch) {
        self.load(case, scratch);
        self.run_loaded(case, scratch);
        // The reference settles by the completion walk alone, so that every
        // test comparing a path with it compares the decision diagrams too.
        self.exact_statuses(scratch, false);
    }

    /// Runs a loaded case on the general instructions (for programs too
    /// large for the compact encoding).
    fn run_loaded(&self, case: &Case, scratch: &mut Scratch) {
        let code = &self.code;
        run::run(code, &case.facts, &mut scratch.vals, 0, code.main_len);
        for (status, &root) in scratch.statuses.iter_mut().zip(&code.rec_root) {
            *status = status_of(scratch.vals.get(root as usize).copied().flatten());
        }
        scratch.stale = false;
    }

    /// Evaluates a case and returns the status of every recommendation, in
    /// document order (for bulk runs), settled by the exact pass.
    pub fn statuses<'s>(&self, case: &Case, scratch: &'s mut Scratch) -> &'s [Status] {
        self.run_case(case, scratch);
        self.exact_statuses(scratch, true);
        &scratch.statuses
    }

    /// The statuses of a case under Kleene logic alone, without the exact
    /// pass: a definite status here holds in every completion of the
    /// case's unknown facts read monotonically (the analysis prunes its
    /// search with it).
    pub(crate) fn kleene_statuses<'s>(
        &self,
        case: &Case,
        scratch: &'s mut Scratch,
    ) -> &'s [Status] {
        self.run_case(case, scratch);
        &scratch.statuses
    }

    /// Fresh buffers for [`Program::statuses_batch`].
    pub fn batch_scratch(&self) -> BatchScratch {
        let vals = run::fresh_slots(&self.code);
        match &self.code.fast {
            Some(fast) => BatchScratch::new(fast, &vals, &fast_run::fresh_bytes(fast, &vals)),
            None => BatchScratch::default(),
        }
    }

    /// Evaluates many cases and returns every recommendation's status,
    /// case-major: case `i`'s statuses, in document order, are
    /// `[i * recs .. (i + 1) * recs]`. Cases run [`LANES`] at a time, which
    /// is several times faster per case than [`Program::statuses`] for
    /// cohorts; no allocation once `scratch` has grown to the input's size.
    pub fn statuses_batch<'s>(
        &self,
        cases: &[Case],
        scratch: &'s mut BatchScratch,
    ) -> &'s [Status] {
        let code = &self.code;
        let Some(fast) = &code.fast else {
            // Too large for the compact program: one case at a time.
            let mut one = self.scratch();
            let out = scratch.statuses_mut();
            out.clear();
            for case in cases {
                out.extend_from_slice(self.statuses(case, &mut one));
            }
            return out;
        };
        if !scratch.fits(code.ops.len()) {
            *scratch = self.batch_scratch();
        }
        scratch.statuses_mut().clear();
        for chunk in cases.chunks(LANES) {
            let base = scratch.statuses_mut().len();
            batch::run_batch(code, fast, chunk, scratch);
            self.exact_batch(chunk, base, scratch);
        }
        scratch.statuses_mut()
    }

    /// The value of a definition after [`Program::evaluate_into`].
    pub fn def_value(&self, scratch: &Scratch, def: DefId) -> Option<Value> {
        let root = *self.code.def_root.get(def.0 as usize)?;
        match (&self.code.fast, scratch.stale) {
            (Some(fast), true) => fast_run::value(fast, &scratch.bytes, &scratch.vals, root),
            _ => scratch.vals.get(root as usize).copied().flatten(),
        }
    }

    /// The unknown facts that could decide an undetermined recommendation
    /// (empty for the others), after [`Program::evaluate_into`].
    /// Exactly the facts whose values can change the status (see `exact`);
    /// for an approximate status, the unknown facts Kleene logic reads.
    pub fn missing_into<'s>(&self, scratch: &'s mut Scratch, rec: RecId) -> &'s Bits {
        self.sync(scratch);
        scratch.missing.clear();
        scratch.visited.clear();
        // Only undetermined recommendations miss facts.
        if scratch.statuses.get(rec.0 as usize) == Some(&Status::Undetermined) {
            self.exact_missing(scratch, rec);
        }
        &scratch.missing
    }

    /// The missing facts of a recommendation as ids in declaration order.
    pub fn missing(&self, scratch: &mut Scratch, rec: RecId) -> Vec<FactId> {
        self.missing_into(scratch, rec)
            .iter()
            .map(|i| FactId(i as u32))
            .collect()
    }

    /// Records the trace as data: for every step, the reads that decided it.
    /// Call after [`Program::evaluate_into`] or [`Program::statuses`]; does
    /// not allocate once warm.
    pub fn trace_into(&self, scratch: &mut Scratch) {
        let code = &self.code;
        let Scratch {
            vals,
            bytes,
            stale,
            leaves,
            steps,
            ..
        } = scratch;
        // Results still held only in the compact encoding are read in
        // place rather than synced first (see `record`).
        match &code.fast {
            Some(fast) if *stale => {
                record::record(code, &fast_run::View::new(fast, bytes, vals), leaves, steps);
            }
            _ => record::record(code, vals.as_slice(), leaves, steps),
        }
    }
}

/// The status for a recommendation's combined condition.
fn status_of(v: Option<Value>) -> Status {
    match v {
        Some(Value::Bool(true)) => Status::Applies,
        Some(Value::Bool(false)) => Status::NotApplicable,
        _ => Status::Undetermined,
    }
}

/// Trace order: definitions in evaluation order, then each recommendation
/// in document order, preceded by its sections the first time they occur.
fn step_order(model: &Model, code: &Code) -> Vec<StepKind> {
    let mut steps: Vec<StepKind> = model.def_order.iter().map(|d| StepKind::Def(d.0)).collect();
    let mut seen = vec![false; model.sections.len()];
    for (r, rec) in model.recs.iter().enumerate() {
        for s in model.section_chain(rec.section) {
            let i = s.0 as usize;
            let has_cond = code.section_own.get(i).copied().flatten().is_some();
            if let Some(flag) = seen.get_mut(i) {
                if !*flag && has_cond {
                    steps.push(StepKind::Section(s.0));
                }
                *flag = true;
            }
        }
        steps.push(StepKind::Rec(r as u32));
    }
    steps
}
