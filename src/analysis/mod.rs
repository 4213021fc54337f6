//! Analysis stage: `cairn analyze` (gaps, conflicts, dead rules and
//! sensitivity to missing data) and `cairn diff` (the semantic difference
//! between two versions).
//!
//! # Method
//!
//! The analysis explores the space of cases by enumeration, but never the
//! raw product of all facts. Each question (does `r` ever apply? do `p`
//! and `n` ever apply together? does this classification ever fall
//! through where it is used?) is asked over its *cone of influence*: the
//! facts its conditions read, directly or through definitions and tables
//! (`cone`). Each of those facts ranges over a finite domain: every
//! boolean and enum value, and for integers, decimals, quantities and dates
//! one value per region of the completion space shared with the exact
//! statuses of `cairn run` (`eval::exact`): the comparisons, inverted
//! through arithmetic on one fact (`q / 1 mg >= 1.5`, `date + 75 years <=
//! 2030-01-01`), split each fact where they can change. A comparison
//! between two facts cannot be split exactly; the question is then still
//! explored (around the values the facts take, for witnesses), but a
//! negative finding is not claimed: the analysis reports that it could not
//! decide (`cairn::analysis::incomplete`, a warning). Unknown is
//! tried only for facts an `is known`/`is unknown` reads: every other
//! operator is monotone in Kleene logic (a definite result stays the same
//! when an unknown fact becomes known), so a question about definite
//! results has a witness with unknowns only if it has one with every fact
//! known. The sensitivity report then makes each fact unknown in turn.
//!
//! Each question is compiled into a small model holding only the
//! definitions it reads and run with the real interpreter (`query`), so the
//! analysis and `cairn run` cannot disagree. A witness is minimised by
//! making facts unknown one at a time while the finding persists, each
//! step answered by the Kleene statuses where they settle it and by the
//! exact pass only where they do not (`partial`: the same answers, without
//! an exact pass per fact). Which branches of a `first` some case takes is
//! read off the value of one shared branch index per case (`taken`), not
//! asked as one question per branch; for a chain comparing one ordered
//! fact with constants, by one scan of that fact's regions (`chain`).
//!
//! We chose this over a BDD or SAT encoding because guideline questions
//! have small cones (a recommendation reads a dozen facts at most, even in
//! a long guideline), because encoding Kleene logic, quantity arithmetic,
//! dates and tables into a solver would duplicate the interpreter's
//! semantics, and because running the interpreter itself makes every
//! witness correct by construction. The cost is the sum over questions of
//! their cone's product, which grows linearly with the number of rules
//! while the whole case space grows exponentially with the number of
//! facts. A cone whose product exceeds `query::LIMIT` cases is searched
//! depth first instead, assigning one fact at a time and pruning every
//! partial case that Kleene logic (the rest unknown) already decides
//! against the question: exact, and small when the conditions are. A
//! search that passes `query::BUDGET` evaluations decides nothing: the
//! analysis reports "could not decide within the budget"
//! (`cairn::analysis::undecided`), an error unless acknowledged with
//! `acknowledge undecided "reason"`, never a clean result.
//! Sensitivity shares are counted over at most 4096 complete cases per
//! recommendation (a pseudo-random sample of larger cones). Measured: the
//! sarcoma guideline in under 0.3 s, 10 and 100 renamed copies of it in
//! about 4.5 s and 40 s (benches/analysis.rs).
//!
//! `cairn diff` asks, for each recommendation and derived value, whether
//! some case's outcome differs between two versions: unchanged when the
//! logic is the same typed expression (`diff_same`), else by an exact
//! depth-first search over both versions' merged regions and unknown
//! (`diff_search`, `diff_space`), with the same budget per item as a
//! question here; never sampled, and "could not decide" is the same
//! error, `cairn::analysis::undecided`.
//!
//! # Severity
//!
//! Gaps, fall-throughs, conflicts, broken exclusions and dead
//! recommendations are errors (`cairn analyze` exits 1); constant
//! conditions, branches never taken, unread definitions and stale
//! acknowledgements are warnings. A question not decided within the
//! budget is an error too. A recommendation acknowledges a finding
//! with `acknowledge <kind> [with <other>] "reason"`, where kind is `gap`
//! (on any recommendation of the exhaustive section), `conflict`,
//! `exclusive`, `dead`, `constant` or `undecided`.

mod chain;
mod checks;
pub(crate) mod cone;
pub mod diff;
mod diff_render;
mod diff_same;
mod diff_search;
mod diff_space;
mod diff_text;
pub mod error;
mod partial;
pub(crate) mod query;
mod render;
mod taken;
pub mod witness_cases;

use crate::case::Case;
use crate::check::model::{FactId, Model, RecId, Type};
use crate::check::Checked;
use crate::diagnostics::Diagnostics;
use crate::source::Span;
use crate::value::Value;
use error::AnalysisError;
use serde::Serialize;
use serde_json::json;

/// The kind of a finding.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// An exhaustive section gives no recommendation for some cases.
    Gap,
    /// A first-match classification falls through where it is used.
    FallThrough,
    /// A positive and a negative recommendation about one intervention both apply.
    Conflict,
    /// Two mutually exclusive recommendations both apply.
    Exclusive,
    /// A recommendation applies in no case.
    Dead,
    /// A condition is always true or always false.
    Constant,
    /// A branch is never taken or a fallback never reached.
    DeadBranch,
    /// A definition nothing reads.
    Unused,
    /// An acknowledgement that matches no finding.
    StaleAcknowledgement,
    /// A question whose cases cannot be split exactly (a warning).
    Incomplete,
    /// A question not decided within the analysis budget (an error).
    Undecided,
}

impl Kind {
    /// True for the kinds that fail `cairn analyze`.
    pub fn is_error(self) -> bool {
        matches!(
            self,
            Kind::Gap
                | Kind::FallThrough
                | Kind::Conflict
                | Kind::Exclusive
                | Kind::Dead
                | Kind::Undecided
        )
    }

    /// The word used in `acknowledge <word>`, for kinds that can be acknowledged.
    pub fn ack_name(self) -> Option<&'static str> {
        Some(match self {
            Kind::Gap => "gap",
            Kind::Conflict => "conflict",
            Kind::Exclusive => "exclusive",
            Kind::Dead => "dead",
            Kind::Constant => "constant",
            Kind::Undecided => "undecided",
            _ => return None,
        })
    }

    /// The stable diagnostic code.
    pub fn code(self) -> &'static str {
        match self {
            Kind::Gap => "cairn::analysis::gap",
            Kind::FallThrough => "cairn::analysis::fall_through",
            Kind::Conflict => "cairn::analysis::conflict",
            Kind::Exclusive => "cairn::analysis::exclusive",
            Kind::Dead => "cairn::analysis::dead",
            Kind::Constant => "cairn::analysis::constant",
            Kind::DeadBranch => "cairn::analysis::dead_branch",
            Kind::Unused => "cairn::analysis::unused",
            Kind::StaleAcknowledgement => "cairn::analysis::stale_acknowledgement",
            Kind::Incomplete => "cairn::analysis::incomplete",
            Kind::Undecided => "cairn::analysis::undecided",
        }
    }
}

/// One finding.
#[derive(Debug, Clone)]
pub struct Finding {
    /// What was found.
    pub kind: Kind,
    /// The message.
    pub message: String,
    /// The responsible rule.
    pub span: Span,
    /// The label at the span.
    pub label: String,
    /// What to do about it.
    pub help: String,
    /// A case file (`{"facts": {...}}`) that reproduces it with `cairn run`.
    pub witness: Option<serde_json::Value>,
    /// The reason given in the source, when acknowledged.
    pub acknowledged: Option<String>,
    /// Recommendations that may acknowledge it, each with the other
    /// recommendation its acknowledgement must name (if any).
    pub(crate) ack: Vec<(RecId, Option<RecId>)>,
}

impl Finding {
    pub(crate) fn new(
        kind: Kind,
        message: String,
        span: Span,
        label: String,
        help: String,
    ) -> Finding {
        Finding {
            kind,
            message,
            span,
            label,
            help,
            witness: None,
            acknowledged: None,
            ack: Vec::new(),
        }
    }

    /// The finding as a miette diagnostic.
    pub fn diagnostic(&self) -> AnalysisError {
        let (message, span, label) = (self.message.clone(), self.span.miette(), self.label.clone());
        let help = self.help.clone();
        match self.kind {
            Kind::Gap => AnalysisError::Gap {
                message,
                span,
                label,
                help,
            },
            Kind::FallThrough => AnalysisError::FallThrough {
                message,
                span,
                label,
                help,
            },
            Kind::Conflict => AnalysisError::Conflict {
                message,
                span,
                label,
                help,
            },
            Kind::Exclusive => AnalysisError::Exclusive {
                message,
                span,
                label,
                help,
            },
            Kind::Dead => AnalysisError::Dead {
                message,
                span,
                label,
                help,
            },
            Kind::Constant => AnalysisError::Constant {
                message,
                span,
                label,
                help,
            },
            Kind::DeadBranch => AnalysisError::DeadBranch {
                message,
                span,
                label,
                help,
            },
            Kind::Unused => AnalysisError::Unused {
                message,
                span,
                label,
                help,
            },
            Kind::StaleAcknowledgement => AnalysisError::Stale {
                message,
                span,
                label,
                help,
            },
            Kind::Incomplete => AnalysisError::Incomplete {
                message,
                span,
                label,
                help,
            },
            Kind::Undecided => AnalysisError::Undecided {
                message,
                span,
                label,
                help,
            },
        }
    }
}

/// The facts whose absence most often leaves a recommendation undetermined.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Sensitivity {
    /// The recommendation id.
    pub recommendation: String,
    /// The number of complete cases (every fact it reads known) in which
    /// it is decided, over which the fractions are counted.
    pub cases: u64,
    /// Facts with the fraction of those cases in which that fact alone
    /// being unknown leaves it undetermined, most sensitive first.
    pub facts: Vec<(String, f64)>,
}

/// The result of analysing a guideline.
#[derive(Debug, Clone)]
pub struct Analysis {
    /// Findings in source order.
    pub findings: Vec<Finding>,
    /// Sensitivity to missing data, per recommendation in document order.
    pub sensitivity: Vec<Sensitivity>,
    /// Number of questions asked.
    pub queries: usize,
}

impl Analysis {
    /// Unacknowledged errors.
    pub fn error_count(&self) -> usize {
        self.findings
            .iter()
            .filter(|f| f.kind.is_error() && f.acknowledged.is_none())
            .count()
    }

    /// The unacknowledged findings as diagnostics, for rendering.
    pub fn diagnostics(&self) -> Diagnostics {
        let mut d = Diagnostics::new();
        for f in self.findings.iter().filter(|f| f.acknowledged.is_none()) {
            d.push(f.span.file, f.diagnostic());
        }
        d
    }
}

/// Analyses a checked guideline.
pub fn analyze(checked: &Checked) -> Analysis {
    analyze_model(&checked.model)
}

/// Analyses a model (see the module doc for the method).
pub fn analyze_model(model: &Model) -> Analysis {
    analyze_with_budget(model, query::BUDGET)
}

/// [`analyze_model`] with another search budget per question (the most
/// evaluations of one depth-first search; the default is 2^20).
pub fn analyze_with_budget(model: &Model, budget: u64) -> Analysis {
    run(model, budget, true)
}

/// [`analyze_model`] with every `first` chain enumerated case by case, never
/// scanned (`chain`): the general path, kept to test the scan against.
#[doc(hidden)]
pub fn analyze_without_chain_scan(model: &Model) -> Analysis {
    run(model, query::BUDGET, false)
}

fn run(model: &Model, budget: u64, chain_scan: bool) -> Analysis {
    let mut cx = checks::Ctx::new(model);
    cx.budget = budget;
    cx.chain_scan = chain_scan;
    cx.gaps();
    cx.first_matches();
    cx.conflicts();
    cx.dead_and_constant();
    cx.unused();
    let sensitivity = cx.sensitivity();
    let mut findings = std::mem::take(&mut cx.findings);
    acknowledge(model, &mut findings);
    findings.sort_by_key(|f| (f.span.file, f.span.start, f.kind.code()));
    Analysis {
        findings,
        sensitivity,
        queries: cx.queries,
    }
}

/// Marks findings acknowledged in the source, and reports acknowledgements
/// that match no finding.
fn acknowledge(model: &Model, findings: &mut Vec<Finding>) {
    let mut used: Vec<Vec<bool>> = model
        .recs
        .iter()
        .map(|r| vec![false; r.acknowledged.len()])
        .collect();
    for f in findings.iter_mut() {
        let Some(word) = f.kind.ack_name() else {
            continue;
        };
        'outer: for &(rec, other) in &f.ack {
            let Some(info) = model.recs.get(rec.0 as usize) else {
                continue;
            };
            for (k, a) in info.acknowledged.iter().enumerate() {
                if a.finding == word && (a.with.is_none() || a.with == other) {
                    f.acknowledged = Some(a.reason.clone());
                    if let Some(flag) = used.get_mut(rec.0 as usize).and_then(|u| u.get_mut(k)) {
                        *flag = true;
                    }
                    break 'outer;
                }
            }
        }
    }
    for (r, info) in model.recs.iter().enumerate() {
        for (k, a) in info.acknowledged.iter().enumerate() {
            if used.get(r).and_then(|u| u.get(k)).copied().unwrap_or(true) {
                continue;
            }
            let with = a
                .with
                .and_then(|w| model.recs.get(w.0 as usize))
                .map(|w| format!(" with `{}`", w.id))
                .unwrap_or_default();
            findings.push(Finding::new(
                Kind::StaleAcknowledgement,
                format!("`{}` acknowledges `{}`{with}, but the analysis finds no such finding", info.id, a.finding),
                a.span,
                "matches no finding".into(),
                "the kinds are gap, conflict, exclusive, dead, constant and undecided; remove the acknowledgement if the finding was fixed".into(),
            ));
        }
    }
}

/// A case as a case file: `{"facts": {...}}` with the known facts in the
/// JSON form of `grammar/SEMANTICS.md`, "Values in JSON" (quantities in
/// the declared unit). An unknown fact whose absence means a value is
/// written `null`: left out, it would take that value. A list fact is
/// written once, as a case gives it (`["a"]`, or `{"includes": [...],
/// "excludes": [...]}` when some of its values are left unknown).
pub fn witness_json(model: &Model, case: &Case) -> serde_json::Value {
    let mut facts = serde_json::Map::new();
    let given = |f: FactId| case.facts.get(f.0 as usize).copied().flatten();
    for list in &model.lists {
        match model.list_json(list, given) {
            Some(v) => {
                facts.insert(list.name.clone(), v);
            }
            None if list.absent_none => {
                facts.insert(list.name.clone(), serde_json::Value::Null);
            }
            None => {}
        }
    }
    for (i, (info, v)) in model.facts.iter().zip(&case.facts).enumerate() {
        if model.slot(FactId(i as u32)).is_some() {
            continue;
        }
        match v {
            Some(v) => {
                facts.insert(info.name.clone(), value_json(model, info.ty, *v));
            }
            None if info.domain.absent.is_some() => {
                facts.insert(info.name.clone(), serde_json::Value::Null);
            }
            None => {}
        }
    }
    json!({ "facts": facts })
}

/// A known fact value in case-file JSON (the value codec's form; a row,
/// which no fact holds, as its index).
pub(crate) fn value_json(model: &Model, ty: Type, v: Value) -> serde_json::Value {
    match v {
        Value::Row(r) => json!(r),
        v => crate::value::json::encode(model, ty, Some(v)),
    }
}

pub use render::{render_json, render_text};
