//! Syntax stage: the typed abstract syntax tree.
//!
//! Every node carries the byte span it came from, so later stages can point
//! diagnostics and traces into the source. Names are not resolved here; the
//! checker does that. Nothing in this module depends on pest.

use crate::source::Span;

/// A name as written, with its span.
#[derive(Debug, Clone, PartialEq)]
pub struct Ident {
    /// The name.
    pub name: String,
    /// Where it was written.
    pub span: Span,
}

/// A string literal with escapes resolved.
#[derive(Debug, Clone, PartialEq)]
pub struct Text {
    /// The string's value.
    pub value: String,
    /// The span of the literal, quotes included.
    pub span: Span,
}

/// A calendar date literal such as `2024-01-23`, kept as written.
#[derive(Debug, Clone, PartialEq)]
pub struct DateLit {
    /// The date in ISO 8601 form (`YYYY-MM-DD`).
    pub text: String,
    /// Where it was written.
    pub span: Span,
}

/// A parsed file: its declarations in source order.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Module {
    /// Top-level declarations, in order.
    pub decls: Vec<Decl>,
    /// What error recovery kept of the declarations that did not parse.
    pub skipped: Skipped,
}

/// The names in text that failed to parse and was skipped by error
/// recovery, so that the checker does not report a follow-on problem (a
/// name "never used", an unknown name, no header) that is only the syntax
/// error seen again.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Skipped {
    /// Every word the skipped text holds outside strings and comments, and
    /// every `{placeholder}` name in its strings.
    pub words: std::collections::BTreeSet<String>,
    /// The names it declares: the word after `fact`, `define`, `table`,
    /// `schedule`, `grading` or `group`.
    pub declared: std::collections::BTreeSet<String>,
    /// True when it holds a `guideline` header.
    pub header: bool,
}

/// A declaration with its doc comment.
#[derive(Debug, Clone, PartialEq)]
pub struct Decl {
    /// Lines of `///` doc comment, without the slashes.
    pub doc: Vec<String>,
    /// The declaration itself.
    pub kind: DeclKind,
    /// The span of the whole declaration, doc comment excluded.
    pub span: Span,
}

/// The kinds of declaration.
#[derive(Debug, Clone, PartialEq)]
pub enum DeclKind {
    /// `guideline id { ... }`
    Header(Header),
    /// `include "file.cairn"`
    Include(Text),
    /// `fact name "description": type`
    Fact(Fact),
    /// `group name "title" { fact ... }`
    Group(Group),
    /// `define name "description": type = expr`
    Define(Define),
    /// `constraint name "description": condition`
    Constraint(Constraint),
    /// `grading name "title" { value "description" ... }`
    Grading(Grading),
    /// `table name "title" { key ...; column ...; row ... }`
    Table(Table),
    /// `schedule name "title" from fact { phases; studies }`
    Schedule(Schedule),
    /// `section id "Heading" when cond { ... }`
    Section(Section),
    /// `references { [1] "..." }`
    References(Vec<Reference>),
    /// `suggest id { ... }` and the other kinds.
    Recommendation(Recommendation),
}

/// The guideline header.
#[derive(Debug, Clone, PartialEq)]
pub struct Header {
    /// The guideline id.
    pub id: Ident,
    /// `key value` fields, in order; the checker validates the keys.
    pub fields: Vec<HeaderField>,
}

/// One `key value` line in the header.
#[derive(Debug, Clone, PartialEq)]
pub struct HeaderField {
    /// The key, e.g. `title`.
    pub key: Ident,
    /// The value.
    pub value: HeaderValue,
    /// The whole field.
    pub span: Span,
}

/// The value of a header field.
#[derive(Debug, Clone, PartialEq)]
pub enum HeaderValue {
    /// One or more strings, optionally `dated` (e.g. `source "..." dated 2024-01-23`).
    Texts(Vec<Text>, Option<DateLit>),
    /// A date, e.g. `last_reviewed 2026-11-28`.
    Date(DateLit),
    /// A bare word, e.g. `status active`.
    Word(Ident),
}

/// A fact declaration.
#[derive(Debug, Clone, PartialEq)]
pub struct Fact {
    /// The fact's name, as used in case files.
    pub name: Ident,
    /// What the fact means.
    pub description: Text,
    /// Its type.
    pub ty: TypeExpr,
    /// `or never` after a `date` type: where it is written.
    pub or_never: Option<Span>,
    /// `absent means VALUE`: what a case that leaves the fact out means.
    pub absent: Option<Absent>,
}

/// `absent means VALUE` on a fact.
#[derive(Debug, Clone, PartialEq)]
pub struct Absent {
    /// The value as written.
    pub value: AbsentValue,
    /// The whole clause.
    pub span: Span,
}

/// The value an `absent means` clause names.
#[derive(Debug, Clone, PartialEq)]
pub enum AbsentValue {
    /// `true` or `false`.
    Bool(bool),
    /// `never` (a `date or never` fact).
    Never,
    /// An enum value's name.
    Name(Ident),
    /// `none`: a list fact left out is the empty list.
    Empty,
}

/// A named group of facts.
#[derive(Debug, Clone, PartialEq)]
pub struct Group {
    /// The group's name.
    pub name: Ident,
    /// Its title.
    pub title: Text,
    /// The facts, each with its doc comment.
    pub facts: Vec<(Vec<String>, Fact, Span)>,
}

/// A type as written.
#[derive(Debug, Clone, PartialEq)]
pub enum TypeExpr {
    /// `bool`
    Bool(Span),
    /// `integer` or `integer 1 to 3`
    Integer {
        /// Inclusive bounds, when given.
        range: Option<(i64, i64)>,
        /// The whole type.
        span: Span,
    },
    /// `number` or `number 0 to 1`
    Number {
        /// Inclusive bounds, when given.
        range: Option<DecimalRange>,
        /// The whole type.
        span: Span,
    },
    /// `quantity Gy`, `quantity kg 0 to 500`, `quantity mg/dL molar mass
    /// 113.12 g/mol`
    Quantity {
        /// The unit as written.
        unit: Ident,
        /// Inclusive bounds in `unit`, when given.
        range: Option<DecimalRange>,
        /// Conversions from units of other dimensions.
        conversions: Vec<UnitConversion>,
        /// The whole type.
        span: Span,
    },
    /// `date`
    Date(Span),
    /// `enum { a "A" code snomed "123", b }`
    Enum {
        /// The values in order.
        values: Vec<EnumValue>,
        /// The whole type.
        span: Span,
    },
    /// `list of enum { a, b }`: a set of the values.
    List {
        /// The values in order.
        values: Vec<EnumValue>,
        /// The whole type.
        span: Span,
    },
}

impl TypeExpr {
    /// The span of the whole type expression.
    pub fn span(&self) -> Span {
        match self {
            TypeExpr::Bool(s) | TypeExpr::Date(s) => *s,
            TypeExpr::Integer { span, .. }
            | TypeExpr::Number { span, .. }
            | TypeExpr::Quantity { span, .. }
            | TypeExpr::Enum { span, .. }
            | TypeExpr::List { span, .. } => *span,
        }
    }
}

/// A decimal written in a source, with its text (kept for `cairn fmt`).
#[derive(Debug, Clone, PartialEq)]
pub struct Decimal {
    /// Its value.
    pub value: f64,
    /// As written (`-0.5`).
    pub text: String,
}

/// `LOW to HIGH` on a `number` or `quantity` type.
#[derive(Debug, Clone, PartialEq)]
pub struct DecimalRange {
    /// Lower bound.
    pub low: Decimal,
    /// Upper bound.
    pub high: Decimal,
    /// The range.
    pub span: Span,
}

/// A conversion declared on a quantity fact.
#[derive(Debug, Clone, PartialEq)]
pub enum UnitConversion {
    /// `molar mass 113.12 g/mol`
    MolarMass {
        /// The molar mass.
        amount: Decimal,
        /// Its unit.
        unit: Ident,
        /// The clause.
        span: Span,
    },
    /// `where 1 mmol/L = 18.016 mg/dL`
    Equivalence {
        /// The left side.
        left: (Decimal, Ident),
        /// The right side.
        right: (Decimal, Ident),
        /// The clause.
        span: Span,
    },
}

impl TypeExpr {
    /// A `number` or `quantity` type as written, in canonical layout
    /// (`quantity mg/dL 0 to 30 molar mass 113.12 g/mol`); `None` for
    /// another type.
    pub fn decimal_text(&self) -> Option<String> {
        let (mut out, range, conversions) = match self {
            TypeExpr::Number { range, .. } => ("number".to_string(), range, &[][..]),
            TypeExpr::Quantity {
                unit,
                range,
                conversions,
                ..
            } => (
                format!("quantity {}", unit.name),
                range,
                conversions.as_slice(),
            ),
            _ => return None,
        };
        if let Some(r) = range {
            out.push_str(&format!(" {} to {}", r.low.text, r.high.text));
        }
        for c in conversions {
            match c {
                UnitConversion::MolarMass { amount, unit, .. } => {
                    out.push_str(&format!(" molar mass {} {}", amount.text, unit.name))
                }
                UnitConversion::Equivalence { left, right, .. } => out.push_str(&format!(
                    " where {} {} = {} {}",
                    left.0.text, left.1.name, right.0.text, right.1.name
                )),
            }
        }
        Some(out)
    }
}

impl UnitConversion {
    /// The units it names.
    pub fn units(&self) -> Vec<&Ident> {
        match self {
            UnitConversion::MolarMass { unit, .. } => vec![unit],
            UnitConversion::Equivalence { left, right, .. } => vec![&left.1, &right.1],
        }
    }

    /// The clause's span.
    pub fn span(&self) -> Span {
        match self {
            UnitConversion::MolarMass { span, .. } | UnitConversion::Equivalence { span, .. } => {
                *span
            }
        }
    }
}

/// One value of an enum.
#[derive(Debug, Clone, PartialEq)]
pub struct EnumValue {
    /// Doc comment lines.
    pub doc: Vec<String>,
    /// The value's name.
    pub name: Ident,
    /// Its display label.
    pub label: Option<Text>,
    /// Code bindings such as `code snomed "..."`.
    pub codes: Vec<Code>,
}

/// A terminology binding.
#[derive(Debug, Clone, PartialEq)]
pub struct Code {
    /// The code system, e.g. `snomed`, `icdo3`.
    pub system: Ident,
    /// The code.
    pub code: Text,
}

/// A named derived value.
#[derive(Debug, Clone, PartialEq)]
pub struct Define {
    /// Its name.
    pub name: Ident,
    /// What it means.
    pub description: Text,
    /// The declared type, when given.
    pub ty: Option<TypeExpr>,
    /// The expression that computes it.
    pub body: Expr,
}

/// A condition on the facts that every case must meet.
#[derive(Debug, Clone, PartialEq)]
pub struct Constraint {
    /// Its name.
    pub name: Ident,
    /// What it requires, in words (shown when a case breaks it).
    pub description: Text,
    /// The condition; a case for which it is false is rejected.
    pub condition: Expr,
}

/// A value that depends on the case: `A when COND otherwise B`, where `B`
/// may itself be chosen the same way. Without branches the value is fixed.
#[derive(Debug, Clone, PartialEq)]
pub struct Choice<T> {
    /// `(condition, value)` pairs, tried in order.
    pub branches: Vec<(Expr, T)>,
    /// The value when no branch condition is true.
    pub otherwise: T,
}

/// A strength as written: words the checker reads in the guideline's
/// grading scheme (`2C`, `class 2a level B-NR`), or `none`.
#[derive(Debug, Clone, PartialEq)]
pub enum StrengthValue {
    /// One or more words, kept as written, and the span of them all.
    Words(Vec<Ident>, Span),
    /// `none`: no strength.
    None(Span),
}

impl StrengthValue {
    /// Where it was written.
    pub fn span(&self) -> Span {
        match self {
            StrengthValue::Words(_, span) => *span,
            StrengthValue::None(s) => *s,
        }
    }

    /// The text as written, words separated by one space (`2C`, `none`).
    pub fn text(&self) -> String {
        match self {
            StrengthValue::Words(w, _) => {
                let words: Vec<&str> = w.iter().map(|w| w.name.as_str()).collect();
                words.join(" ")
            }
            StrengthValue::None(_) => "none".to_string(),
        }
    }
}

/// A grading scheme declared in the guideline:
/// `grading NAME "TITLE" { VALUE "DESCRIPTION" ... }`.
#[derive(Debug, Clone, PartialEq)]
pub struct Grading {
    /// Its name, which the header's `grading` field names.
    pub name: Ident,
    /// Its title.
    pub title: Text,
    /// Its values, highest first.
    pub values: Vec<GradingValue>,
}

/// One value of a declared grading scheme.
#[derive(Debug, Clone, PartialEq)]
pub struct GradingValue {
    /// Doc comment lines.
    pub doc: Vec<String>,
    /// The value as written after `strength`.
    pub name: Ident,
    /// What it means.
    pub description: Option<Text>,
    /// The whole item, doc comment excluded.
    pub span: Span,
}

/// A lookup table keyed by enum values, numbers, quantities or dates.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    /// Its name; the table is a derived value of record type.
    pub name: Ident,
    /// Its title.
    pub title: Text,
    /// The names (facts or definitions of enum type) it is keyed by.
    pub keys: Vec<Ident>,
    /// The columns.
    pub columns: Vec<Column>,
    /// The rows, matched first to last.
    pub rows: Vec<Row>,
    /// Citations for the data.
    pub cites: Vec<Cite>,
}

/// A table column.
#[derive(Debug, Clone, PartialEq)]
pub struct Column {
    /// The column's name, used as `table.column`.
    pub name: Ident,
    /// Its label.
    pub label: Text,
    /// The type of its cells.
    pub ty: TypeExpr,
}

/// A table row: one key pattern per key, one cell per column.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    /// One pattern per key.
    pub keys: Vec<RowKey>,
    /// The cells.
    pub cells: Vec<Literal>,
    /// The whole row.
    pub span: Span,
}

/// A row's pattern for one key.
#[derive(Debug, Clone, PartialEq)]
pub enum RowKey {
    /// `_`: any value, known or not.
    Any(Span),
    /// An enum value.
    Value(Ident),
    /// `0`, `2.5 mg/dL`, `2024-01-01`: exactly this value.
    Exact(Literal),
    /// `2 to 3`, `30 to 59 mL/min`: inclusive at both ends.
    Range {
        /// The lower end (its unit may be left to the upper end's).
        from: Literal,
        /// The upper end.
        to: Literal,
        /// The whole pattern.
        span: Span,
    },
    /// `>= 6`, `< 30 mL/min`.
    Bound {
        /// The comparison (`<`, `<=`, `>`, `>=`).
        op: BinOp,
        /// The bound.
        value: Literal,
        /// The whole pattern.
        span: Span,
    },
}

impl RowKey {
    /// Where the pattern was written.
    pub fn span(&self) -> Span {
        match self {
            RowKey::Any(s) | RowKey::Range { span: s, .. } | RowKey::Bound { span: s, .. } => *s,
            RowKey::Value(i) => i.span,
            RowKey::Exact(l) => l.span(),
        }
    }
}

/// A follow-up schedule.
#[derive(Debug, Clone, PartialEq)]
pub struct Schedule {
    /// Its name.
    pub name: Ident,
    /// Its title.
    pub title: Text,
    /// The date fact or date definition the schedule starts from.
    pub from: Ident,
    /// `as of NAME`: the date fact or definition the next due visit is
    /// reckoned from.
    pub as_of: Option<Ident>,
    /// The phases, in order.
    pub phases: Vec<Phase>,
    /// The studies done at each visit.
    pub studies: Vec<Study>,
}

/// An amount such as `3 to 6 months` or `10 years`.
#[derive(Debug, Clone, PartialEq)]
pub struct AmountRange {
    /// Lower bound (or the only value).
    pub low: f64,
    /// Upper bound; equals `low` when no range was written.
    pub high: f64,
    /// The unit.
    pub unit: Ident,
    /// The whole amount.
    pub span: Span,
}

/// One phase: `every 3 to 6 months for 2 to 3 years`.
#[derive(Debug, Clone, PartialEq)]
pub struct Phase {
    /// The interval between visits.
    pub every: AmountRange,
    /// How long the phase lasts.
    pub length: PhaseLength,
    /// The whole phase.
    pub span: Span,
}

/// How long a phase lasts.
#[derive(Debug, Clone, PartialEq)]
pub enum PhaseLength {
    /// `for 2 to 3 years`: a duration.
    For(AmountRange),
    /// `until at least 10 years`: until a time since the start; `at_least` marks a minimum.
    Until {
        /// The time since the schedule's start.
        total: AmountRange,
        /// True for `until at least`.
        at_least: bool,
    },
    /// `until 2030-01-01`, `until NAME`, `until 65 years after NAME`: until a date.
    UntilDate {
        /// The date, or the date the amount counts from.
        date: UntilAnchor,
        /// `65 years` of `until 65 years after date_of_birth`.
        after: Option<AmountRange>,
        /// True for `until at least`.
        at_least: bool,
    },
}

/// The date a phase ends at, or counts its end from.
#[derive(Debug, Clone, PartialEq)]
pub enum UntilAnchor {
    /// A date literal (`2030-01-01`).
    Date(DateLit),
    /// A date fact or date definition.
    Name(Ident),
}

/// A study done at the visits of a schedule.
#[derive(Debug, Clone, PartialEq)]
pub struct Study {
    /// One study, or several alternating visit by visit.
    pub names: Vec<Text>,
    /// True for `alternating (...)`.
    pub alternating: bool,
    /// The condition under which this study is used.
    pub when: Option<Expr>,
    /// The whole study line.
    pub span: Span,
}

/// A section mirroring a heading of the source document.
#[derive(Debug, Clone, PartialEq)]
pub struct Section {
    /// A stable id.
    pub id: Ident,
    /// The heading as in the document.
    pub title: Text,
    /// A condition every recommendation inside also requires.
    pub when: Option<Expr>,
    /// True when every case reaching the section must get a recommendation from it.
    pub exhaustive: bool,
    /// Nested declarations.
    pub items: Vec<Decl>,
}

/// A numbered reference.
#[derive(Debug, Clone, PartialEq)]
pub struct Reference {
    /// Its number in the document.
    pub number: u32,
    /// The citation text.
    pub text: Text,
    /// The whole entry.
    pub span: Span,
}

/// The direction of a recommendation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RecKind {
    /// `recommend`: do this (usually a strong recommendation).
    Recommend,
    /// `suggest`: do this (usually a weak recommendation).
    Suggest,
    /// `option`: an acceptable option.
    Option,
    /// `consider`: consider this.
    Consider,
    /// `do-not-offer`: do not do this.
    DoNotOffer,
    /// `discourage`: avoid this.
    Discourage,
    /// `refer`: refer the patient.
    Refer,
    /// `inform`: information for the clinician (e.g. prognosis).
    Inform,
}

impl RecKind {
    /// The keyword as written in source and in JSON output.
    pub fn keyword(self) -> &'static str {
        match self {
            RecKind::Recommend => "recommend",
            RecKind::Suggest => "suggest",
            RecKind::Option => "option",
            RecKind::Consider => "consider",
            RecKind::DoNotOffer => "do-not-offer",
            RecKind::Discourage => "discourage",
            RecKind::Refer => "refer",
            RecKind::Inform => "inform",
        }
    }

    /// True for kinds that advise against something.
    pub fn is_negative(self) -> bool {
        matches!(self, RecKind::DoNotOffer | RecKind::Discourage)
    }
}

/// A recommendation.
#[derive(Debug, Clone, PartialEq)]
pub struct Recommendation {
    /// Its direction.
    pub kind: RecKind,
    /// The span of the kind keyword.
    pub kind_span: Span,
    /// Its stable id.
    pub id: Ident,
    /// The fields, in source order.
    pub fields: Vec<RecField>,
}

/// A `cite [...]` item: one reference number or a range such as `21-23`.
#[derive(Debug, Clone, PartialEq)]
pub struct Cite {
    /// First number.
    pub from: u32,
    /// Last number (equal to `from` for a single number).
    pub to: u32,
    /// The item's span.
    pub span: Span,
}

/// A field of a recommendation.
#[derive(Debug, Clone, PartialEq)]
pub enum RecField {
    /// `strength 2C`, or `strength 2C when c otherwise none`; grades are
    /// kept as written and validated by the checker.
    Strength(Choice<StrengthValue>),
    /// `kind option when c otherwise suggest`: the kind for the case; each
    /// value carries the span of its keyword.
    Kind(Choice<(RecKind, Span)>),
    /// `about intervention`: what the recommendation is about.
    About(Ident),
    /// `when expr`
    When(Expr),
    /// `statement "..."`
    Statement(Text),
    /// `rationale "..."`
    Rationale(Text),
    /// `alternative [id] "..."`
    Alternative(Option<Ident>, Text),
    /// `note "..."`
    Note(Text),
    /// `detail name = value, value`
    Detail(Ident, Vec<DetailValue>),
    /// `schedule name`
    Schedule(Ident),
    /// `cite [1, 21-23]`
    Cite(Vec<Cite>),
    /// `see "Document section"`
    See(Text),
    /// `excludes a, b`: mutually exclusive with those recommendations.
    Excludes(Vec<Ident>),
    /// `acknowledge finding [with id] "reason"`: an intended analysis finding.
    Acknowledge {
        /// The kind of finding, e.g. `conflict`, `dead`, `overlap`.
        finding: Ident,
        /// The other recommendation involved, if any.
        with: Option<Ident>,
        /// Why the finding is intended.
        reason: Text,
    },
}

/// A structured detail value.
#[derive(Debug, Clone, PartialEq)]
pub enum DetailValue {
    /// `50 Gy in 25 fractions`
    Dose {
        /// The total dose.
        total: QuantityLit,
        /// The number of fractions.
        fractions: u32,
        /// The whole value.
        span: Span,
    },
    /// `4 to 6 weeks after "completion of RT"`
    Interval {
        /// The range.
        range: AmountRange,
        /// The event it counts from.
        after: Option<Text>,
    },
    /// `5 days`
    Quantity(QuantityLit),
    /// Free text.
    Text(Text),
}

/// A number with a unit, as written.
#[derive(Debug, Clone, PartialEq)]
pub struct QuantityLit {
    /// The number.
    pub value: f64,
    /// The unit as written.
    pub unit: Ident,
    /// The whole literal.
    pub span: Span,
}

/// A literal value.
#[derive(Debug, Clone, PartialEq)]
pub enum Literal {
    /// `true` or `false`
    Bool(bool, Span),
    /// A number without a unit; `is_integer` is true when written without a decimal point.
    Number {
        /// The value.
        value: f64,
        /// True when written without a decimal point.
        is_integer: bool,
        /// Where it was written.
        span: Span,
    },
    /// A number with a unit.
    Quantity(QuantityLit),
    /// A date.
    Date(DateLit),
    /// A string.
    Text(Text),
}

impl Literal {
    /// The literal's span.
    pub fn span(&self) -> Span {
        match self {
            Literal::Bool(_, s) => *s,
            Literal::Number { span, .. } => *span,
            Literal::Quantity(q) => q.span,
            Literal::Date(d) => d.span,
            Literal::Text(t) => t.span,
        }
    }
}

/// Binary operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BinOp {
    /// `and`
    And,
    /// `or`
    Or,
    /// `=`
    Eq,
    /// `!=`
    Ne,
    /// `<`
    Lt,
    /// `<=`
    Le,
    /// `>`
    Gt,
    /// `>=`
    Ge,
    /// `+`
    Add,
    /// `-`
    Sub,
    /// `*`
    Mul,
    /// `/`
    Div,
}

impl BinOp {
    /// The comparison `k op x` written as `x op' k` (constant moved to the
    /// right), or `None` for an operator that is not a comparison.
    pub fn flipped(self) -> Option<BinOp> {
        Some(match self {
            BinOp::Eq | BinOp::Ne => self,
            BinOp::Lt => BinOp::Gt,
            BinOp::Le => BinOp::Ge,
            BinOp::Gt => BinOp::Lt,
            BinOp::Ge => BinOp::Le,
            _ => return None,
        })
    }

    /// True for the six comparison operators.
    pub fn is_comparison(self) -> bool {
        matches!(
            self,
            BinOp::Eq | BinOp::Ne | BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge
        )
    }

    /// The operator as written in canonical form.
    pub fn symbol(self) -> &'static str {
        match self {
            BinOp::And => "and",
            BinOp::Or => "or",
            BinOp::Eq => "=",
            BinOp::Ne => "!=",
            BinOp::Lt => "<",
            BinOp::Le => "<=",
            BinOp::Gt => ">",
            BinOp::Ge => ">=",
            BinOp::Add => "+",
            BinOp::Sub => "-",
            BinOp::Mul => "*",
            BinOp::Div => "/",
        }
    }
}

/// List quantifiers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Quantifier {
    /// `any of [...]`: true when at least one is true.
    Any,
    /// `all of [...]`: true when all are true.
    All,
    /// `none of [...]`: true when all are false.
    None,
}

/// The functions of the language, each with its own written form.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Func {
    /// `min of [...]`
    Min,
    /// `max of [...]`
    Max,
    /// `earliest of [...]` (dates)
    Earliest,
    /// `latest of [...]` (dates)
    Latest,
    /// `years between a and b`: whole calendar years.
    YearsBetween,
    /// `months between a and b`: whole calendar months.
    MonthsBetween,
    /// `days between a and b`
    DaysBetween,
    /// `abs(x)`
    Abs,
    /// `round(x)`, `round(x, digits)`: half away from zero.
    Round,
    /// `floor(x)`, `floor(x, digits)`
    Floor,
    /// `ceil(x)`, `ceil(x, digits)`
    Ceil,
    /// `a ^ b`
    Power,
}

impl Func {
    /// The name as written (`min`, `years`, `round`, `^`).
    pub fn word(self) -> &'static str {
        match self {
            Func::Min => "min",
            Func::Max => "max",
            Func::Earliest => "earliest",
            Func::Latest => "latest",
            Func::YearsBetween => "years",
            Func::MonthsBetween => "months",
            Func::DaysBetween => "days",
            Func::Abs => "abs",
            Func::Round => "round",
            Func::Floor => "floor",
            Func::Ceil => "ceil",
            Func::Power => "^",
        }
    }

    /// The function a written name stands for.
    pub fn from_word(w: &str) -> Option<Func> {
        Some(match w {
            "min" => Func::Min,
            "max" => Func::Max,
            "earliest" => Func::Earliest,
            "latest" => Func::Latest,
            "years" => Func::YearsBetween,
            "months" => Func::MonthsBetween,
            "days" => Func::DaysBetween,
            "abs" => Func::Abs,
            "round" => Func::Round,
            "floor" => Func::Floor,
            "ceil" => Func::Ceil,
            _ => return None,
        })
    }
}

/// The bound of a count: `at least`, `at most`, `exactly`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CountBound {
    /// `at least k of [...]`
    AtLeast,
    /// `at most k of [...]`
    AtMost,
    /// `exactly k of [...]`
    Exactly,
}

impl CountBound {
    /// The words, as written.
    pub fn words(self) -> &'static str {
        match self {
            CountBound::AtLeast => "at least",
            CountBound::AtMost => "at most",
            CountBound::Exactly => "exactly",
        }
    }

    /// The comparison of the count with `k` it stands for.
    pub fn op(self) -> BinOp {
        match self {
            CountBound::AtLeast => BinOp::Ge,
            CountBound::AtMost => BinOp::Le,
            CountBound::Exactly => BinOp::Eq,
        }
    }
}

/// One line of a score: its points, and the condition they count under
/// (always, without one).
#[derive(Debug, Clone, PartialEq)]
pub struct ScoreItem {
    /// The points: a number literal (`2 points`) or an expression
    /// (`points from age_band.points`).
    pub points: Expr,
    /// True for `points from e` (the points are an expression, not a
    /// literal), so the formatter writes it back the same way.
    pub from: bool,
    /// The condition, when given.
    pub when: Option<Expr>,
    /// The item's span.
    pub span: Span,
}

/// An expression.
#[derive(Debug, Clone, PartialEq)]
pub struct Expr {
    /// What kind of expression.
    pub kind: ExprKind,
    /// Its span.
    pub span: Span,
}

/// The kinds of expression.
#[derive(Debug, Clone, PartialEq)]
pub enum ExprKind {
    /// A literal.
    Literal(Literal),
    /// A name: a fact, a definition, or an enum value (resolved by context).
    Name(Ident),
    /// `table.column`
    Field(Ident, Ident),
    /// `not e`
    Not(Box<Expr>),
    /// `-e`
    Neg(Box<Expr>),
    /// `a op b`
    Binary(BinOp, Box<Expr>, Box<Expr>),
    /// `e in {a, b}` (`negated` for `not in`)
    In {
        /// The tested value.
        value: Box<Expr>,
        /// The set.
        set: Vec<Expr>,
        /// True for `not in`.
        negated: bool,
    },
    /// `e is known` (`known = true`) or `e is unknown`.
    IsKnown(Box<Expr>, bool),
    /// `L contains v` (`quantifier` none), `L contains any of {a, b}`,
    /// `all of`, `none of`: on a list fact.
    Contains {
        /// The list.
        list: Box<Expr>,
        /// `any`, `all` or `none` for the `... of {set}` forms.
        quantifier: Option<Quantifier>,
        /// The value, or the set's values.
        values: Vec<Expr>,
    },
    /// `L is empty`, on a list fact.
    IsEmpty(Box<Expr>),
    /// `any of [...]`, `all of [...]`, `none of [...]`
    Quantified(Quantifier, Vec<Expr>),
    /// `a implies b` (`excludes` false), or in a constraint `a excludes b`.
    Implies {
        /// The condition.
        a: Box<Expr>,
        /// What it implies (or excludes).
        b: Box<Expr>,
        /// `excludes`: not both.
        excludes: bool,
    },
    /// `count of [...]` (no bound: the number of true items), or `at least
    /// k of [...]`, `at most k of [...]`, `exactly k of [...]` (a truth).
    Count {
        /// The bound and its `k`, when given.
        bound: Option<(CountBound, Box<Expr>)>,
        /// The items, truths.
        items: Vec<Expr>,
    },
    /// `count of L` (the values present in the list fact `L`), `count of L
    /// in {a, b}`, or bounded: `at least k of L in {a, b, c}`.
    CountList {
        /// The bound and its `k`, when given.
        bound: Option<(CountBound, Box<Expr>)>,
        /// The list.
        list: Box<Expr>,
        /// The values counted (`in {...}`); `None`: every value.
        values: Option<Vec<Expr>>,
    },
    /// `score { 2 points when c ... points from e when c ... }`
    Score(Vec<ScoreItem>),
    /// A function: `min of [...]`, `years between a and b`, `round(x, 1)`,
    /// `a ^ b`, ...
    Call(Func, Vec<Expr>),
    /// `weight in kg`: the amount of a quantity in a unit, a number.
    InUnit(Box<Expr>, Ident),
    /// `formula as mL/min`: a number as a quantity in a unit.
    AsUnit(Box<Expr>, Ident),
    /// `first { when c then v ... otherwise v }`
    First {
        /// `(condition, value)` branches in order.
        branches: Vec<(Expr, Expr)>,
        /// The fallback, when given.
        otherwise: Option<Box<Expr>>,
    },
}
