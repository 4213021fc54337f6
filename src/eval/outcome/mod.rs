//! Eval stage output: the outcome of running one case, as serde data.
//!
//! This is the public JSON contract of `cairn run --format json` (schema in
//! the README). The types are data only; `build` fills them from evaluated
//! slots, `display` formats values, `render` turns an outcome into text,
//! `report` into an HTML page, and `schedule` lays out follow-up schedules
//! as dated windows.
//!
//! An [`Outcome<'p>`] borrows every text that does not depend on the case
//! (ids, sections, rationale, details) from the program `'p`, so that a
//! full outcome costs a few allocations, not a few per recommendation;
//! statements with placeholders are the per-case strings.
//! [`Outcome::into_owned`] detaches one from its program.

pub(crate) mod build;
mod civil;
mod derived;
pub(crate) mod diagnose;
pub(crate) mod display;
pub(crate) mod grading;
mod note;
mod note_ask;
mod note_facts;
mod note_model;
mod note_text;
mod owned;
pub mod render;
mod render_trace;
pub mod report;
mod report_flowchart;
mod report_timeline;
pub(crate) mod schedule;
pub(crate) mod schedule_dates;
pub(crate) mod score_range;
mod shared;
mod trace_tree;

pub use build::absent_facts;
pub use derived::{Derived, Ranges};
use serde::Serialize;
pub use shared::Shared;
use std::borrow::Cow;
pub use trace_tree::{trace_with, TraceFilter, TraceView, DEFAULT_DEPTH};

/// The status of a recommendation for one case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Its conditions (and its sections') are true.
    Applies,
    /// Some condition is false.
    NotApplicable,
    /// No condition is false, but some are unknown: more facts are needed.
    Undetermined,
}

impl Status {
    /// The status as written in case files and JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Applies => "applies",
            Status::NotApplicable => "not_applicable",
            Status::Undetermined => "undetermined",
        }
    }
}

/// The outcome of one case.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Outcome<'p> {
    /// Which guideline produced it.
    pub guideline: GuidelineRef<'p>,
    /// Every definition's value (`null` when unknown), by name.
    pub derived: Derived<'p>,
    /// For each score whose value is unknown, the interval its sum lies
    /// in (`{"min": 5, "max": 9}`, an unbounded end `null`); omitted from
    /// JSON when there is none.
    #[serde(skip_serializing_if = "Ranges::is_empty")]
    pub ranges: Ranges<'p>,
    /// The facts the case left out that took the value their `absent
    /// means` declares, in declaration order; omitted from JSON when none
    /// did. Echoed so that a reader sees what was assumed.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub absent: Vec<AbsentFact<'p>>,
    /// Every recommendation, in document order.
    pub recommendations: Vec<RecOutcome<'p>>,
    /// Schedules laid out for recommendations that apply.
    pub schedules: Vec<ScheduleOutcome<'p>>,
    /// The trace, when requested (empty otherwise).
    pub trace: Vec<TraceStep>,
    /// Operations that had known operands but no value (a division by
    /// zero, an overflow); omitted from JSON when there are none.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub diagnostics: Vec<RuntimeDiagnostic>,
}

/// A fact the case left out, taken as its declared `absent means` value.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct AbsentFact<'p> {
    /// The fact's name.
    pub fact: Cow<'p, str>,
    /// The value it took, in the case file's JSON form (`false`,
    /// `"never"`, an enum value's name).
    pub value: serde_json::Value,
}

/// A runtime diagnostic: an operation of the guideline whose operands are
/// known but whose result is not (its value is unknown).
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct RuntimeDiagnostic {
    /// A stable code: `eval::division_by_zero` or `eval::overflow`.
    pub code: String,
    /// The message, quoting the operation's source.
    pub message: String,
    /// Where the operation is, as `file:line:column`.
    pub location: String,
}

/// Guideline id and version.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct GuidelineRef<'p> {
    /// The guideline id.
    pub id: Cow<'p, str>,
    /// Its version.
    pub version: Cow<'p, str>,
}

/// One recommendation's outcome.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct RecOutcome<'p> {
    /// Stable id.
    pub id: Cow<'p, str>,
    /// `recommend`, `suggest`, ...: the kind for this case, which a `kind`
    /// field may make depend on the case.
    pub kind: Cow<'p, str>,
    /// `applies`, `not_applicable` or `undetermined`.
    pub status: Status,
    /// The strength for this case, if any, in the guideline's grading
    /// scheme: in JSON a GRADE strength is a string (`"2C"`), any other an
    /// object naming its scheme (`{"scheme": "acc_aha", "class": "2a",
    /// "level": "B-NR"}`); as text, the scheme's own words.
    pub strength: Option<crate::strength::Strength>,
    /// When the kind or strength depends on the case and could not be
    /// decided: the unknown facts that would decide it (left out when empty).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub grading_missing: Vec<String>,
    /// The statement, with `{name}` placeholders filled in (borrowed
    /// when it has none).
    pub statement: Cow<'p, str>,
    /// The id of the innermost section.
    pub section: Option<Cow<'p, str>>,
    /// The section headings from outermost to innermost.
    pub section_path: Cow<'p, [String]>,
    /// For `undetermined`: the unknown facts that could decide it.
    pub missing: Shared<String>,
    /// True when the status is the Kleene approximation: the exact pass
    /// could not split the completions soundly or hit its bound.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub approximate: bool,
    /// Unknown facts the rule reads whose values do not change its status.
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    pub regardless_of: Shared<String>,
    /// For `undetermined`: what each value of a missing fact leads to.
    #[serde(skip_serializing_if = "<[LeadsTo]>::is_empty")]
    pub leads_to: Shared<LeadsTo>,
    /// Alternatives.
    pub alternatives: Cow<'p, [AlternativeOutcome]>,
    /// Rationale texts.
    pub rationale: Cow<'p, [String]>,
    /// Notes.
    pub notes: Cow<'p, [String]>,
    /// Structured details: name to list of rendered values.
    pub details: Cow<'p, serde_json::Map<String, serde_json::Value>>,
    /// Reference numbers cited.
    pub citations: Cow<'p, [u32]>,
    /// Document sections referred to.
    pub see: Cow<'p, [String]>,
    /// For `undetermined`: the runtime diagnostics that keep it from being
    /// decided (omitted from JSON when there are none).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub diagnostics: Vec<RuntimeDiagnostic>,
    /// For `undetermined` with no missing fact: what happened instead ("no
    /// branch of `x` applies to this case", "division by zero in `a / b`");
    /// omitted from JSON otherwise.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// What the values of one missing fact lead to.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct LeadsTo {
    /// The fact.
    pub fact: String,
    /// Its values, grouped by the status they give.
    pub outcomes: Vec<LeadOutcome>,
}

/// Some values of a fact and the status they give the recommendation
/// (with the other facts still unknown).
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct LeadOutcome {
    /// The values in words: `1 to 2`, `R0, R1`, `< 5 cm`.
    pub values: String,
    /// The status they give.
    pub status: Status,
}

/// An alternative to a recommendation.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct AlternativeOutcome {
    /// The recommendation it points to, if any.
    pub id: Option<String>,
    /// The text.
    pub text: String,
}

/// A schedule laid out as dated windows.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct ScheduleOutcome<'p> {
    /// The schedule's name.
    pub name: Cow<'p, str>,
    /// The recommendation that asked for it.
    pub recommendation: Cow<'p, str>,
    /// Title.
    pub title: Cow<'p, str>,
    /// The start date (ISO), or `null` when the start fact is unknown.
    pub start: Option<String>,
    /// The phases in words (`every 3-6 months for 2-3 years`).
    pub phases: Cow<'p, [String]>,
    /// Visits as dated windows (empty when the start is unknown).
    pub visits: Vec<Visit<'p>>,
    /// The first visit whose window is not yet past on the `as of` date;
    /// `null` without `as of`, when a date it needs is unknown, or when
    /// every visit is past.
    pub next_due: Option<NextDue>,
    /// The unknown facts the schedule needs to lay out its visits and its
    /// next due visit (start, phase ends, `as of`), by name, sorted.
    pub needs: Vec<String>,
}

/// The next visit due: its number and window.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct NextDue {
    /// The visit's 1-based number.
    pub number: u32,
    /// Earliest date (ISO).
    pub earliest: String,
    /// Latest date (ISO).
    pub latest: String,
}

/// One follow-up visit.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Visit<'p> {
    /// 1-based visit number.
    pub number: u32,
    /// 1-based phase number.
    pub phase: u32,
    /// Earliest date (ISO).
    pub earliest: String,
    /// Latest date (ISO).
    pub latest: String,
    /// Studies at this visit (borrowed from the guideline unless a
    /// condition left unknown adds `(if …)`).
    pub studies: Vec<Cow<'p, str>>,
}

/// One step of the trace: a definition, section or recommendation
/// evaluated. The steps form a graph: each names the steps that decided it
/// in `depends_on` (the definitions its deciding reads stand for, the
/// section it sits in), so a tool can draw it (JSON Schema in
/// `grammar/trace.schema.json`).
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct TraceStep {
    /// A stable id, unique in the trace: the kind and the name
    /// (`definition:resectability`, `section:r2_resection`,
    /// `recommendation:preoperative_rt`).
    pub id: String,
    /// `definition`, `section` or `recommendation`.
    pub kind: String,
    /// Its name or id.
    pub name: String,
    /// The result, typed: a definition's value in the contract's JSON (as
    /// in `derived`: `true`, `50`, `{"value": 48, "unit": "%"}`, an enum
    /// value's name, `null` when unknown); a section's or recommendation's
    /// status (`"applies"`, `"not_applicable"`, `"undetermined"`).
    pub result: serde_json::Value,
    /// False only for a definition whose value is unknown (`result` is
    /// then `null`): a status is always known.
    pub known: bool,
    /// The result in words (`true`, `48 %`, `unknown`, `not_applicable`).
    pub text: String,
    /// Why, in one short sentence.
    pub reason: String,
    /// The source span of the declaration or condition.
    pub span: SpanRef,
    /// The values that decided it, each at the span that read it.
    pub labels: Vec<TraceLabel>,
    /// The ids of the steps that decided it, in the order they are read.
    pub depends_on: Vec<String>,
}

/// A labelled span in a trace step.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct TraceLabel {
    /// The text, e.g. `grade = 2` or `unknown: grade not given`.
    pub text: String,
    /// Where.
    pub span: SpanRef,
    /// The id of the step the read stands for, when it reads a definition
    /// (omitted for a fact).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub step: Option<String>,
}

/// A span in JSON output: file, byte offsets, line and column.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct SpanRef {
    /// The file name.
    pub file: String,
    /// Byte offset of the start.
    pub start: usize,
    /// Byte offset one past the end.
    pub end: usize,
    /// One-based line.
    pub line: usize,
    /// One-based column (characters).
    pub column: usize,
}
