//! Check stage output: the resolved, typed model of a guideline.
//!
//! The checker turns the AST of all files into this model. Every name is
//! resolved to an index (a slot): facts to [`FactId`], definitions to
//! [`DefId`], enum values to their position. Expressions carry their type.
//! The interpreter evaluates this model directly, so evaluation does no
//! string lookups. Spans stay attached for traces and diagnostics.

pub use super::pattern::{Bound, Pattern};
use crate::source::Span;
pub use crate::strength::{Scheme, Strength};
use crate::syntax::ast::{BinOp, Func, Quantifier, RecKind};
use crate::units::{Dimension, Unit};
use crate::value::Value;
use std::collections::BTreeMap;

/// Index of a fact in [`Model::facts`]; also its slot in a case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FactId(pub u32);

/// Index of a definition in [`Model::defs`]; also its slot in an evaluation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct DefId(pub u32);

/// Index of an enum in [`Model::enums`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct EnumId(pub u32);

/// Index of a table in [`Model::tables`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TableId(pub u32);

/// Index of a recommendation in [`Model::recs`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RecId(pub u32);

/// Index of a section in [`Model::sections`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SectionId(pub u32);

/// Index of a schedule in [`Model::schedules`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ScheduleId(pub u32);

/// A checked guideline.
#[derive(Debug, Clone, Default)]
pub struct Model {
    /// Header metadata.
    pub meta: Meta,
    /// The grading scheme of every strength (GRADE unless the header says).
    pub grading: Scheme,
    /// Facts in declaration order.
    pub facts: Vec<FactInfo>,
    /// Enums (inline enum types of facts, definitions and table columns).
    pub enums: Vec<EnumInfo>,
    /// Definitions (including tables, whose body is a lookup).
    pub defs: Vec<DefInfo>,
    /// Definitions in an order where each comes after everything it reads.
    pub def_order: Vec<DefId>,
    /// Lookup tables.
    pub tables: Vec<TableInfo>,
    /// Sections in document order; a section's parent comes before it.
    pub sections: Vec<SectionInfo>,
    /// Recommendations in document order.
    pub recs: Vec<RecInfo>,
    /// Follow-up schedules.
    pub schedules: Vec<ScheduleInfo>,
    /// The numbered bibliography.
    pub references: BTreeMap<u32, String>,
    /// The fact groups' titles by group name, in declaration order (the
    /// clinician note lists facts under them).
    pub group_titles: Vec<(String, String)>,
    /// Conditions every case must meet, checked when a case is loaded.
    pub constraints: Vec<ConstraintInfo>,
    /// The list-valued facts; each value of a list is a bool slot in
    /// [`Model::facts`] (see [`ListInfo`]).
    pub lists: Vec<ListInfo>,
}

/// A condition on the facts that every case must meet (`constraint`).
#[derive(Debug, Clone)]
pub struct ConstraintInfo {
    /// Its name.
    pub name: String,
    /// What it requires, in words.
    pub description: String,
    /// Doc comment.
    pub doc: Vec<String>,
    /// The condition; it reads facts only. A case for which it is false is
    /// rejected; unknown is accepted.
    pub condition: TExpr,
    /// The facts it reads, in declaration order.
    pub facts: Vec<FactId>,
    /// The span of its name.
    pub span: Span,
    /// The span of the whole declaration.
    pub decl_span: Span,
}

/// A value chosen per case: the first branch whose condition is true, else
/// `otherwise`. A branch whose condition is unknown leaves it undecided.
#[derive(Debug, Clone)]
pub struct Choice<T> {
    /// `(condition, value)` pairs, in order.
    pub branches: Vec<(TExpr, T)>,
    /// The value when every condition is false.
    pub otherwise: T,
}

impl<T> Choice<T> {
    /// Every value the choice can take, in source order.
    pub fn values(&self) -> impl Iterator<Item = &T> {
        self.branches
            .iter()
            .map(|(_, v)| v)
            .chain(std::iter::once(&self.otherwise))
    }
}

/// The parts of a recommendation that may depend on the case.
#[derive(Debug, Clone, Default)]
pub struct Varies {
    /// `strength 2C when c otherwise none`: the strength per case.
    pub strength: Option<Choice<Option<Strength>>>,
    /// `kind option when c otherwise suggest`: the kind per case.
    pub kind: Option<Choice<RecKind>>,
}

impl Varies {
    /// True when neither the strength nor the kind depends on the case.
    pub fn is_fixed(&self) -> bool {
        self.strength.is_none() && self.kind.is_none()
    }
}

/// Header metadata.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Meta {
    /// The guideline id.
    pub id: String,
    /// Title.
    pub title: String,
    /// Version string.
    pub version: String,
    /// `draft`, `active` or `retired`.
    pub status: String,
    /// The source document.
    pub source: String,
    /// The source document's date (ISO).
    pub source_date: Option<String>,
    /// Authors.
    pub authors: Vec<String>,
    /// Reviewers.
    pub reviewers: Vec<String>,
    /// Last-reviewed date (ISO).
    pub last_reviewed: Option<String>,
}

/// A type.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Type {
    /// `bool`
    Bool,
    /// `integer`, with inclusive bounds when declared.
    Int {
        /// Lower bound.
        min: Option<i64>,
        /// Upper bound.
        max: Option<i64>,
    },
    /// A dimensionless decimal.
    Number,
    /// A quantity of a dimension, shown in `unit`.
    Quantity {
        /// The dimension.
        dim: Dimension,
        /// The unit values are displayed in.
        unit: Unit,
    },
    /// `date`
    Date,
    /// An enum.
    Enum(EnumId),
    /// A row of a table (the value of a table definition).
    Row(TableId),
}

/// A fact a case supplies.
#[derive(Debug, Clone)]
pub struct FactInfo {
    /// Its name, as in case files.
    pub name: String,
    /// What it means.
    pub description: String,
    /// Doc comment.
    pub doc: Vec<String>,
    /// Its type.
    pub ty: Type,
    /// The group it was declared in, if any.
    pub group: Option<String>,
    /// The span of its name.
    pub span: Span,
    /// For a number or quantity: its declared range and conversions.
    pub domain: Domain,
}

/// The values a fact may take beyond its type (a `number` or `quantity`
/// fact's range, a date fact's `never`), the dimensions besides its own a
/// case may give it in (`molar mass`, `where`), and what its absence means.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Domain {
    /// Inclusive bounds, in the canonical unit of the fact's dimension.
    pub range: Option<(f64, f64)>,
    /// The range as written (`0 to 500 kg`), for messages.
    pub written: Option<String>,
    /// Conversions from other dimensions.
    pub conversions: Vec<crate::units::Conversion>,
    /// A `date or never` fact: a case may give it as `"never"`
    /// ([`crate::value::date::NEVER`]).
    pub never: bool,
    /// `absent means VALUE`: the value a case that leaves the fact out
    /// gives it (an explicit `null` stays unknown).
    pub absent: Option<crate::value::Value>,
}

/// A list-valued fact (`list of enum { ... }`): a set of the enum's values.
/// The checker lowers it to one bool fact per value ("contains v?"), so
/// every evaluator reads lists as bools; a case gives the list itself.
#[derive(Debug, Clone)]
pub struct ListInfo {
    /// Its name, as in case files.
    pub name: String,
    /// What it means.
    pub description: String,
    /// Its values' enum.
    pub values: EnumId,
    /// The slot fact of each value, in the enum's order.
    pub slots: Vec<FactId>,
    /// `absent means none`: left out, the list is empty.
    pub absent_none: bool,
    /// The span of its name.
    pub span: Span,
}

/// An enum: its values in order.
#[derive(Debug, Clone)]
pub struct EnumInfo {
    /// The name of the fact or definition that declared it.
    pub owner: String,
    /// The values; a value's index is its runtime representation.
    pub values: Vec<EnumValueInfo>,
}

/// One enum value.
#[derive(Debug, Clone)]
pub struct EnumValueInfo {
    /// Its name.
    pub name: String,
    /// Display label.
    pub label: Option<String>,
    /// Code bindings `(system, code)`.
    pub codes: Vec<(String, String)>,
    /// Where it was declared.
    pub span: Span,
}

/// A definition.
#[derive(Debug, Clone)]
pub struct DefInfo {
    /// Its name.
    pub name: String,
    /// What it means.
    pub description: String,
    /// Doc comment.
    pub doc: Vec<String>,
    /// Its type.
    pub ty: Type,
    /// How it is computed.
    pub body: DefBody,
    /// The span of its name.
    pub span: Span,
    /// The span of the whole declaration.
    pub decl_span: Span,
}

/// How a definition is computed.
#[derive(Debug, Clone)]
pub enum DefBody {
    /// An expression.
    Expr(TExpr),
    /// A table lookup; the value is the matching row.
    Table(TableId),
}

/// A lookup table.
#[derive(Debug, Clone)]
pub struct TableInfo {
    /// The definition that holds the table's value.
    pub def: DefId,
    /// Title.
    pub title: String,
    /// The key expressions (enum, number, quantity or date typed).
    pub keys: Vec<TExpr>,
    /// Columns.
    pub columns: Vec<ColumnInfo>,
    /// Rows, matched first to last.
    pub rows: Vec<RowInfo>,
    /// Citations.
    pub cites: Vec<u32>,
}

/// A table column.
#[derive(Debug, Clone)]
pub struct ColumnInfo {
    /// Its name.
    pub name: String,
    /// Its label.
    pub label: String,
    /// Its type.
    pub ty: Type,
}

/// A table row.
#[derive(Debug, Clone)]
pub struct RowInfo {
    /// One pattern per key.
    pub keys: Vec<Pattern>,
    /// One cell per column.
    pub cells: Vec<Value>,
    /// The row's span.
    pub span: Span,
}

/// A section of the document.
#[derive(Debug, Clone)]
pub struct SectionInfo {
    /// Stable id.
    pub id: String,
    /// Heading.
    pub title: String,
    /// Enclosing section.
    pub parent: Option<SectionId>,
    /// The section's own condition (the parent's is not folded in).
    pub condition: Option<TExpr>,
    /// True when every case reaching the section must get a recommendation from it.
    pub exhaustive: bool,
    /// The span of the section's heading line.
    pub span: Span,
}

/// A GRADE strength such as `2C`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Grade {
    /// 1 (strong) or 2 (weak).
    pub level: u8,
    /// Evidence quality: `A`, `B` or `C`.
    pub quality: char,
}

impl std::fmt::Display for Grade {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}{}", self.level, self.quality)
    }
}

/// A recommendation.
#[derive(Debug, Clone)]
pub struct RecInfo {
    /// Stable id.
    pub id: String,
    /// Direction: the declared kind (the keyword before the id). With a
    /// `kind` field, the kind for a case may differ, in the same direction.
    pub kind: RecKind,
    /// Strength in the guideline's grading scheme, when the source gives
    /// one for every case; `None` when it gives none or when it depends on
    /// the case (see `varies`).
    pub strength: Option<Strength>,
    /// Strength and kind chosen per case, when they depend on it.
    pub varies: Varies,
    /// The intervention it is about (for conflict analysis).
    pub about: Option<String>,
    /// Its own condition; `None` means always (within its sections).
    pub condition: Option<TExpr>,
    /// The innermost enclosing section; its conditions also apply.
    pub section: Option<SectionId>,
    /// The statement text; `{name}` placeholders are interpolated at output.
    pub statement: String,
    /// Rationale texts.
    pub rationale: Vec<String>,
    /// Alternatives: an optional recommendation id and a text.
    pub alternatives: Vec<(Option<RecId>, String)>,
    /// Notes.
    pub notes: Vec<String>,
    /// Structured details, in source order.
    pub details: Vec<(String, Vec<Detail>)>,
    /// A schedule to lay out when the recommendation applies.
    pub schedule: Option<ScheduleId>,
    /// Reference numbers cited (ranges expanded), in source order.
    pub cites: Vec<u32>,
    /// Document sections referred to.
    pub see: Vec<String>,
    /// Recommendations this one is mutually exclusive with (`excludes`).
    pub excludes: Vec<RecId>,
    /// Analysis findings acknowledged as intended.
    pub acknowledged: Vec<Acknowledgement>,
    /// Doc comment.
    pub doc: Vec<String>,
    /// The span of the id.
    pub span: Span,
    /// The span of the whole recommendation.
    pub decl_span: Span,
}

/// An analysis finding acknowledged in the source as intended.
#[derive(Debug, Clone, PartialEq)]
pub struct Acknowledgement {
    /// The finding kind, e.g. `conflict`, `exclusive`, `dead`.
    pub finding: String,
    /// The other recommendation involved, if any.
    pub with: Option<RecId>,
    /// Why it is intended.
    pub reason: String,
    /// Where it was written.
    pub span: Span,
}

/// A structured detail value, normalised.
#[derive(Debug, Clone, PartialEq)]
pub enum Detail {
    /// A dose regimen: total dose (canonical Gy) in a number of fractions.
    Dose {
        /// Total dose in Gy.
        total_gy: f64,
        /// The unit it was written in.
        unit: Unit,
        /// Number of fractions.
        fractions: u32,
    },
    /// An interval such as `4 to 6 weeks after "completion of RT"`.
    Interval {
        /// Lower bound, in `unit`.
        low: f64,
        /// Upper bound, in `unit`.
        high: f64,
        /// The unit as written.
        unit: Unit,
        /// The event it counts from.
        after: Option<String>,
    },
    /// A quantity (canonical value, display unit).
    Quantity(f64, Unit),
    /// Free text.
    Text(String),
}

/// A follow-up schedule.
#[derive(Debug, Clone)]
pub struct ScheduleInfo {
    /// Name.
    pub name: String,
    /// Title.
    pub title: String,
    /// The date fact or definition it starts from (`None` only in a model
    /// with errors).
    pub from: Option<DateRef>,
    /// `as of`: the date the next due visit is reckoned from.
    pub as_of: Option<DateRef>,
    /// Phases in order.
    pub phases: Vec<PhaseInfo>,
    /// Studies at each visit.
    pub studies: Vec<StudyInfo>,
    /// Span of the declaration.
    pub span: Span,
}

/// An amount range in a time unit, kept in the unit as written so that
/// months and years lay out on the calendar exactly.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TimeRange {
    /// Lower bound.
    pub low: f64,
    /// Upper bound.
    pub high: f64,
    /// The unit (a [`Dimension::Time`] unit).
    pub unit: Unit,
}

/// A schedule phase.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PhaseInfo {
    /// Interval between visits.
    pub every: TimeRange,
    /// Duration (`for`) or end measured from the schedule's start (`until`).
    pub length: PhaseLengthInfo,
}

/// How long a phase lasts.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum PhaseLengthInfo {
    /// A duration.
    For(TimeRange),
    /// Until a time since the schedule's start; `at_least` marks a minimum.
    Until {
        /// Time since start.
        total: TimeRange,
        /// True for `until at least`.
        at_least: bool,
    },
    /// Until a date (`until 2030-01-01`), or a time after one (`until 65
    /// years after date_of_birth`, an age).
    UntilDate {
        /// The date, or the date `after` counts from.
        date: DateAnchor,
        /// The time after `date`.
        after: Option<TimeRange>,
        /// True for `until at least`.
        at_least: bool,
    },
}

impl ScheduleInfo {
    /// Every date the schedule reads from the case: its start, its `as of`
    /// date and the dates its phases end at.
    pub fn reads(&self) -> Vec<DateRef> {
        let ends = self.phases.iter().filter_map(|p| match p.length {
            PhaseLengthInfo::UntilDate {
                date: DateAnchor::Read(r),
                ..
            } => Some(r),
            _ => None,
        });
        self.from
            .into_iter()
            .chain(self.as_of)
            .chain(ends)
            .collect()
    }
}

/// A date a schedule reads from the case: a date fact or a date definition.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateRef {
    /// A date fact.
    Fact(FactId),
    /// A definition of type date.
    Def(DefId),
}

/// The date a phase ends at, or counts its end from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateAnchor {
    /// A date literal (days since 1970-01-01).
    Literal(i32),
    /// A date read from the case.
    Read(DateRef),
}

/// A study done at visits.
#[derive(Debug, Clone)]
pub struct StudyInfo {
    /// One study, or several that alternate visit by visit.
    pub names: Vec<String>,
    /// True when the names alternate.
    pub alternating: bool,
    /// When the study is used.
    pub condition: Option<TExpr>,
}

/// A typed, resolved expression.
#[derive(Debug, Clone)]
pub struct TExpr {
    /// What it computes.
    pub kind: TExprKind,
    /// Its type.
    pub ty: Type,
    /// Its source span.
    pub span: Span,
}

/// The kinds of typed expression.
#[derive(Debug, Clone)]
pub enum TExprKind {
    /// A constant (literals, enum values).
    Const(Value),
    /// Read a fact's slot.
    Fact(FactId),
    /// Read a definition's slot.
    Def(DefId),
    /// A column of the row a table definition matched.
    Column {
        /// The table's definition.
        def: DefId,
        /// The table.
        table: TableId,
        /// The column index.
        column: u16,
    },
    /// Kleene negation.
    Not(Box<TExpr>),
    /// Arithmetic negation.
    Neg(Box<TExpr>),
    /// A binary operation. Arithmetic on quantities is already unit-checked;
    /// the operands are in canonical units.
    Binary(BinOp, Box<TExpr>, Box<TExpr>),
    /// Set membership.
    In {
        /// The tested value.
        value: Box<TExpr>,
        /// The members.
        set: Vec<TExpr>,
        /// True for `not in`.
        negated: bool,
    },
    /// `is known` (true) / `is unknown` (false).
    IsKnown(Box<TExpr>, bool),
    /// `any of`, `all of`, `none of`.
    Quantified(Quantifier, Vec<TExpr>),
    /// A score or a count: the sum of the points of every item whose
    /// condition holds, as `(condition, points)` pairs (a count's points
    /// are 1; an item without a condition has the constant `true`).
    /// `at least k of [...]` and its kin are comparisons of a count.
    Score(Vec<(TExpr, TExpr)>),
    /// A function of its arguments (`min of`, `years between`, `round`,
    /// `^`, ...); the types are checked (see `check::func`).
    Call(Func, Vec<TExpr>),
    /// First-match classification.
    First {
        /// `(condition, value)` branches.
        branches: Vec<(TExpr, TExpr)>,
        /// Fallback; without one, no matching branch yields unknown.
        otherwise: Option<Box<TExpr>>,
    },
}

impl Model {
    /// Finds a list fact by name.
    pub fn list(&self, name: &str) -> Option<&ListInfo> {
        self.lists.iter().find(|l| l.name == name)
    }

    /// The list fact and value a slot fact stands for, if it is one.
    pub fn slot_of(&self, fact: FactId) -> Option<(&ListInfo, &str)> {
        self.lists.iter().find_map(|l| {
            let i = l.slots.iter().position(|s| *s == fact)?;
            let e = self.enums.get(l.values.0 as usize)?;
            Some((l, e.values.get(i)?.name.as_str()))
        })
    }

    /// The facts not in `given` (indexed by fact) that take their `absent
    /// means` value, with it: what a reader of columns fills in for the
    /// facts its header leaves out, once per header.
    pub fn absent_left_out(&self, given: &[bool]) -> Vec<(u32, crate::value::Value)> {
        self.facts
            .iter()
            .enumerate()
            .filter(|(i, _)| !given.get(*i).copied().unwrap_or(false))
            .filter_map(|(i, f)| Some((i as u32, f.domain.absent?)))
            .collect()
    }

    /// The fact named `name`.
    pub fn fact(&self, name: &str) -> Option<FactId> {
        self.facts
            .iter()
            .position(|f| f.name == name)
            .map(|i| FactId(i as u32))
    }

    /// Finds a definition by name.
    pub fn def(&self, name: &str) -> Option<DefId> {
        self.defs
            .iter()
            .position(|d| d.name == name)
            .map(|i| DefId(i as u32))
    }

    /// Finds a recommendation by id.
    pub fn rec(&self, id: &str) -> Option<RecId> {
        self.recs
            .iter()
            .position(|r| r.id == id)
            .map(|i| RecId(i as u32))
    }

    /// The enum behind an enum type.
    pub fn enum_info(&self, id: EnumId) -> Option<&EnumInfo> {
        self.enums.get(id.0 as usize)
    }

    /// The chain of sections from outermost to `section`.
    pub fn section_chain(&self, section: Option<SectionId>) -> Vec<SectionId> {
        let mut chain = Vec::new();
        let mut cur = section;
        while let Some(id) = cur {
            chain.push(id);
            cur = self.sections.get(id.0 as usize).and_then(|s| s.parent);
        }
        chain.reverse();
        chain
    }

    /// The conditions a recommendation's status depends on: those of its
    /// sections, outermost first, then its own.
    pub fn rec_conditions(&self, r: &RecInfo) -> Vec<TExpr> {
        let mut out: Vec<TExpr> = self
            .section_chain(r.section)
            .iter()
            .filter_map(|s| self.sections.get(s.0 as usize))
            .filter_map(|s| s.condition.clone())
            .collect();
        out.extend(r.condition.clone());
        out
    }
}
