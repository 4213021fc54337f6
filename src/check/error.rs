//! Check stage: the diagnostics the checker reports.
//!
//! Every variant has a stable code `cairn::check::<name>`. Errors make the
//! check fail; the variants marked `severity(Warning)` do not.

use miette::{Diagnostic, SourceSpan};
use thiserror::Error;

/// A problem found while checking a guideline.
#[derive(Debug, Error, Diagnostic)]
pub enum CheckError {
    /// A name that is not declared anywhere.
    #[error("unknown {what} `{name}`")]
    #[diagnostic(code(cairn::check::unknown_name))]
    UnknownName {
        /// What kind of name was expected, e.g. `fact or definition`.
        what: &'static str,
        /// The name as written.
        name: String,
        /// Where it was used.
        #[label("not declared")]
        span: SourceSpan,
        /// "Did you mean" or other advice.
        #[help]
        help: Option<String>,
    },

    /// A name that exists but names the wrong kind of thing.
    #[error("`{name}` is a {found}, not {expected}")]
    #[diagnostic(code(cairn::check::wrong_kind))]
    WrongKind {
        /// The name.
        name: String,
        /// What it names.
        found: &'static str,
        /// What was needed here.
        expected: &'static str,
        /// Where it was used.
        #[label("expected {expected}")]
        span: SourceSpan,
        /// Where it is declared, when in the same file.
        #[label("declared here as a {found}")]
        declared: Option<SourceSpan>,
    },

    /// A value that is not one of its enum's values.
    #[error("`{value}` is not a value of `{owner}`")]
    #[diagnostic(code(cairn::check::unknown_enum_value))]
    UnknownEnumValue {
        /// The value as written.
        value: String,
        /// The fact, definition or column whose enum was expected.
        owner: String,
        /// Where it was used.
        #[label("not in the enum")]
        span: SourceSpan,
        /// "Did you mean", or the list of values.
        #[help]
        help: Option<String>,
    },

    /// A unit the language does not know.
    #[error("unknown unit `{unit}`")]
    #[diagnostic(code(cairn::check::unknown_unit))]
    UnknownUnit {
        /// The unit as written.
        unit: String,
        /// Why it was refused (`not a known unit`, a limit).
        reason: String,
        /// Where it was written.
        #[label("{reason}")]
        span: SourceSpan,
        /// "Did you mean" advice.
        #[help]
        help: Option<String>,
    },

    /// `table.column` with a column the table does not have.
    #[error("table `{table}` has no column `{column}`")]
    #[diagnostic(code(cairn::check::unknown_column))]
    UnknownColumn {
        /// The table.
        table: String,
        /// The column as written.
        column: String,
        /// Where it was used.
        #[label("no such column")]
        span: SourceSpan,
        /// "Did you mean", or the list of columns.
        #[help]
        help: Option<String>,
    },

    /// A name or number declared twice.
    #[error("duplicate {what} `{name}`")]
    #[diagnostic(code(cairn::check::duplicate))]
    Duplicate {
        /// What kind of declaration.
        what: &'static str,
        /// The name.
        name: String,
        /// The second declaration.
        #[label("declared again here")]
        span: SourceSpan,
        /// The first declaration, when in the same file.
        #[label("first declared here")]
        first: Option<SourceSpan>,
        /// Where the first one is, when in another file.
        #[help]
        help: Option<String>,
    },

    /// A field that may appear once appears twice.
    #[error("field `{field}` is given twice")]
    #[diagnostic(
        code(cairn::check::duplicate_field),
        help("keep one `{field}`; only one is allowed here")
    )]
    DuplicateField {
        /// The field.
        field: &'static str,
        /// The second one.
        #[label("given again here")]
        span: SourceSpan,
        /// The first one.
        #[label("first given here")]
        first: Option<SourceSpan>,
    },

    /// Operands or values of the wrong type.
    #[error("{message}")]
    #[diagnostic(code(cairn::check::type_mismatch))]
    TypeMismatch {
        /// What is wrong, in words.
        message: String,
        /// The offending expression.
        #[label("{label}")]
        span: SourceSpan,
        /// The label text.
        label: String,
        /// A second, related expression.
        #[label("{other_label}")]
        other: Option<SourceSpan>,
        /// The second label's text.
        other_label: String,
        /// Advice.
        #[help]
        help: Option<String>,
    },

    /// Quantities of different dimensions, or a quantity in the wrong unit.
    #[error("{message}")]
    #[diagnostic(code(cairn::check::unit_mismatch))]
    UnitMismatch {
        /// What is wrong, in words.
        message: String,
        /// The offending expression.
        #[label("{label}")]
        span: SourceSpan,
        /// The label text.
        label: String,
        /// A second, related expression.
        #[label("{other_label}")]
        other: Option<SourceSpan>,
        /// The second label's text.
        other_label: String,
        /// Advice.
        #[help]
        help: Option<String>,
    },

    /// Definitions that depend on themselves.
    #[error("definition `{name}` depends on itself: {path}")]
    #[diagnostic(
        code(cairn::check::cycle),
        help("a definition cannot read itself, directly or through other definitions; break the cycle")
    )]
    Cycle {
        /// The first definition of the cycle.
        name: String,
        /// The cycle, e.g. `a -> b -> a`.
        path: String,
        /// The first definition's name.
        #[label("this definition is part of a cycle")]
        span: SourceSpan,
        /// Where the cycle closes, when in the same file.
        #[label("reads `{name}` here")]
        back: Option<SourceSpan>,
    },

    /// A citation of numbers the references do not list.
    #[error("{what} {numbers} not in `references`")]
    #[diagnostic(
        code(cairn::check::unknown_reference),
        help("add the missing entries to the `references` block, or correct the citation")
    )]
    UnknownReference {
        /// `reference` or `references`.
        what: &'static str,
        /// The missing numbers with the verb, e.g. `[22], [23] are`.
        numbers: String,
        /// The citation item.
        #[label("cited here")]
        span: SourceSpan,
    },

    /// A citation range written backwards.
    #[error("citation range `{from}-{to}` runs backwards")]
    #[diagnostic(
        code(cairn::check::cite_range),
        help("write the smaller number first: `{to}-{from}`")
    )]
    CiteRange {
        /// First number.
        from: u32,
        /// Last number.
        to: u32,
        /// The item.
        #[label("first number is larger than the last")]
        span: SourceSpan,
    },

    /// A strength that is not a GRADE grade.
    #[error("`{text}` is not a GRADE strength")]
    #[diagnostic(
        code(cairn::check::bad_grade),
        help(
            "GRADE strengths are a digit and a letter: 1 (strong) or 2 (weak) recommendation, \
             then A (high), B (moderate) or C (low or very low) quality evidence, e.g. `1A`, `2C`"
        )
    )]
    BadGrade {
        /// The strength as written.
        text: String,
        /// Where it was written.
        #[label("expected 1A, 1B, 1C, 2A, 2B or 2C")]
        span: SourceSpan,
    },

    /// A strength that is not one of the guideline's grading scheme.
    #[error("{message}")]
    #[diagnostic(code(cairn::check::bad_strength))]
    BadStrength {
        /// What is wrong, quoting the words at fault.
        message: String,
        /// The scheme's name.
        scheme: String,
        /// Where it was written.
        #[label("not in the {scheme} grading")]
        span: SourceSpan,
        /// "Did you mean", or how the scheme writes a strength.
        #[help]
        help: Option<String>,
    },

    /// A declared grading scheme with more values than [`super::grading::MAX_GRADING_VALUES`].
    #[error("grading `{name}` declares {count} values, more than the limit of {limit}")]
    #[diagnostic(
        code(cairn::check::grading_too_large),
        help("a grading scheme is a short ordered list; keep long code lists in an enum fact")
    )]
    GradingTooLarge {
        /// The scheme.
        name: String,
        /// How many values it declares.
        count: usize,
        /// The limit.
        limit: usize,
        /// The first value past the limit.
        #[label("value {} of {count}", limit + 1)]
        span: SourceSpan,
    },

    /// A `kind` branch that advises in another direction than the declared kind.
    #[error("`{kind}` does not advise in the direction of the declared kind `{declared}`")]
    #[diagnostic(
        code(cairn::check::kind_direction),
        help(
            "a `kind` field may change how a recommendation is put for a case, not its \
             direction: for (`recommend`, `suggest`, `option`, `consider`), against \
             (`do-not-offer`, `discourage`), `refer` or `inform`; write a separate \
             recommendation for the other direction"
        )
    )]
    KindDirection {
        /// The branch's kind.
        kind: &'static str,
        /// The kind before the recommendation's id.
        declared: &'static str,
        /// The branch's kind keyword.
        #[label("another direction")]
        span: SourceSpan,
        /// The declared kind.
        #[label("declared here")]
        head: SourceSpan,
    },

    /// A `kind` field without a branch, or whose kinds never include the declared one.
    #[error("{problem}")]
    #[diagnostic(
        code(cairn::check::kind_choice),
        help(
            "write `kind OTHER when CONDITION otherwise {declared}`: the kind before the \
             id is the declared one, and the field says when another applies"
        )
    )]
    KindChoice {
        /// What is wrong.
        problem: String,
        /// The kind before the recommendation's id.
        declared: &'static str,
        /// The field.
        #[label("here")]
        span: SourceSpan,
    },

    /// A constraint that reads a definition.
    #[error("constraint `{constraint}` reads the definition `{name}`")]
    #[diagnostic(
        code(cairn::check::constraint_reads_definition),
        help(
            "constraints are checked when a case is loaded, before anything is derived, so \
             they read facts only: write the definition's expression over the facts instead"
        )
    )]
    ConstraintReadsDefinition {
        /// The constraint.
        constraint: String,
        /// The definition or table read.
        name: String,
        /// Where it is read.
        #[label("a definition")]
        span: SourceSpan,
    },

    /// A range whose lower bound is above its upper bound.
    #[error("range `{low} to {high}` is empty")]
    #[diagnostic(
        code(cairn::check::bad_range),
        help("write the lower bound first: `{high} to {low}`")
    )]
    BadRange {
        /// Lower bound as written.
        low: String,
        /// Upper bound as written.
        high: String,
        /// The range.
        #[label("lower bound is above upper bound")]
        span: SourceSpan,
    },

    /// A range or conversion on the type of a definition or a column.
    #[error("only a fact can declare a range or a unit conversion")]
    #[diagnostic(
        code(cairn::check::domain_outside_fact),
        help("a range or conversion says what a case may give; declare it on the fact")
    )]
    DomainOutsideFact {
        /// The range or conversion.
        #[label("on a value that no case gives")]
        span: SourceSpan,
    },

    /// `or never` on a fact that is not a date.
    #[error("only a `date` fact can be `or never`")]
    #[diagnostic(
        code(cairn::check::never_not_date),
        help("write `date or never` for a date a case may give as \"never\" (never done)")
    )]
    NeverNotDate {
        /// The `or never`.
        #[label("the fact's type is not `date`")]
        span: SourceSpan,
    },

    /// An `absent means` value that is not a value of the fact's type.
    #[error("`absent means {value}` does not fit the fact `{fact}`: {reason}")]
    #[diagnostic(code(cairn::check::bad_absent))]
    BadAbsent {
        /// The value as written.
        value: String,
        /// The fact.
        fact: String,
        /// Why, and what would fit.
        reason: String,
        /// The clause.
        #[label("not a value of this fact")]
        span: SourceSpan,
    },

    /// A `molar mass` or `where` conversion that cannot apply.
    #[error("this unit conversion cannot apply: {reason}")]
    #[diagnostic(code(cairn::check::bad_conversion))]
    BadConversion {
        /// Why.
        reason: String,
        /// The clause.
        #[label("not a conversion of this fact")]
        span: SourceSpan,
    },

    /// An integer literal outside the declared range of what it is compared with or stored in.
    #[error("`{value}` is outside the range of `{name}` ({min} to {max})")]
    #[diagnostic(code(cairn::check::out_of_range))]
    OutOfRange {
        /// The literal.
        value: i64,
        /// The fact, definition or column.
        name: String,
        /// Lower bound.
        min: String,
        /// Upper bound.
        max: String,
        /// The literal.
        #[label("{label}")]
        span: SourceSpan,
        /// The label text.
        label: &'static str,
        /// Advice.
        #[help]
        help: Option<String>,
    },

    /// A schedule that reads a date (`from`, `as of`, `until`) from a name
    /// that is not a date fact or definition.
    #[error("schedule `{schedule}` needs a date fact or definition, but `{name}` is {found}")]
    #[diagnostic(
        code(cairn::check::schedule_start),
        help("name a date fact such as `fact resection_date \"Date of surgery\": date`, or a definition of type date such as `define due \"Due\": date = latest of [a, b]`")
    )]
    ScheduleStart {
        /// The schedule.
        schedule: String,
        /// The name after `from`.
        name: String,
        /// What it is.
        found: String,
        /// The name.
        #[label("not a date")]
        span: SourceSpan,
    },

    /// A unit of the wrong dimension where a specific kind of unit is needed.
    #[error("`{unit}` is a unit of {found}, but {expected} is needed here")]
    #[diagnostic(code(cairn::check::wrong_unit))]
    WrongUnit {
        /// The unit.
        unit: String,
        /// Its dimension.
        found: String,
        /// The dimension needed.
        expected: String,
        /// Where it was written.
        #[label("expected a unit of {expected}")]
        span: SourceSpan,
        /// Advice.
        #[help]
        help: Option<String>,
    },

    /// A `{name}` placeholder in a statement that names no fact or definition.
    #[error("placeholder `{{{name}}}` names no fact or definition")]
    #[diagnostic(code(cairn::check::unknown_placeholder))]
    UnknownPlaceholder {
        /// The name inside the braces.
        name: String,
        /// The placeholder.
        #[label("not a fact or definition")]
        span: SourceSpan,
        /// "Did you mean" advice.
        #[help]
        help: Option<String>,
    },

    /// A `{name:.N}` format on a value that is not a number, or with more
    /// decimals than a statement can show.
    #[error("placeholder `{{{name}}}` cannot be shown with {digits} decimals")]
    #[diagnostic(
        code(cairn::check::placeholder_format),
        help("a `:.N` format (N from 0 to 12) applies to numbers and quantities only")
    )]
    PlaceholderFormat {
        /// The name inside the braces.
        name: String,
        /// The decimals asked for.
        digits: u8,
        /// The placeholder.
        #[label("{why}")]
        span: SourceSpan,
        /// Why it cannot.
        why: String,
    },

    /// A placeholder's `: unit` format that does not fit its value.
    #[error("placeholder `{name}` cannot be shown in `{unit}`")]
    #[diagnostic(code(cairn::check::placeholder_unit))]
    PlaceholderUnit {
        /// The name inside the braces.
        name: String,
        /// The unit asked for.
        unit: String,
        /// The placeholder.
        #[label("{why}")]
        span: SourceSpan,
        /// Why it cannot.
        why: String,
        /// A unit that would fit.
        #[help]
        help: Option<String>,
    },

    /// A header key the language does not know.
    #[error("unknown header field `{key}`")]
    #[diagnostic(code(cairn::check::header_key))]
    HeaderKey {
        /// The key.
        key: String,
        /// Where it was written.
        #[label("not a header field")]
        span: SourceSpan,
        /// "Did you mean", or the list of fields.
        #[help]
        help: Option<String>,
    },

    /// A required header field that is missing.
    #[error("the header has no `{field}`")]
    #[diagnostic(
        code(cairn::check::header_missing),
        help("add `{field} {example}` to the header")
    )]
    HeaderMissing {
        /// The field.
        field: &'static str,
        /// An example value.
        example: &'static str,
        /// The header's id.
        #[label("this header")]
        span: SourceSpan,
    },

    /// A header field with a value of the wrong shape.
    #[error("header field `{key}` needs {expected}")]
    #[diagnostic(code(cairn::check::header_value))]
    HeaderValue {
        /// The key.
        key: String,
        /// What it needs, in words.
        expected: &'static str,
        /// The field.
        #[label("{expected} expected")]
        span: SourceSpan,
        /// Advice.
        #[help]
        help: Option<String>,
    },

    /// A date that is not a calendar date.
    #[error("`{text}` is not a valid date")]
    #[diagnostic(
        code(cairn::check::bad_date),
        help("dates are written YYYY-MM-DD and must exist on the calendar")
    )]
    BadDate {
        /// The date as written.
        text: String,
        /// Where it was written.
        #[label("no such date")]
        span: SourceSpan,
    },

    /// No `guideline` header in the main file.
    #[error("the guideline has no header")]
    #[diagnostic(
        code(cairn::check::missing_header),
        help("start the main file with `guideline my_id {{ title \"...\" version \"1.0\" status draft }}`")
    )]
    MissingHeader {
        /// The start of the file.
        #[label("expected `guideline ... {{ ... }}` in this file")]
        span: SourceSpan,
    },

    /// A table key of a type rows cannot match (bool, a table row).
    #[error(
        "table key `{name}` must be an enum, integer, number, quantity or date, but it is {found}"
    )]
    #[diagnostic(
        code(cairn::check::table_key),
        help("rows match a key by enum value, or by value, range or bound (`2 to 3`, `>= 6`); for a bool, key the table by an enum or use `first`")
    )]
    TableKey {
        /// The key.
        name: String,
        /// What it is.
        found: String,
        /// The key.
        #[label("not a type rows can match")]
        span: SourceSpan,
    },

    /// A table row with the wrong number of keys or cells.
    #[error("row has {found}, but the table has {expected}")]
    #[diagnostic(code(cairn::check::row_arity))]
    RowArity {
        /// How many the row has, e.g. `1 key`.
        found: String,
        /// How many the table needs, e.g. `2 keys`.
        expected: String,
        /// The row.
        #[label("expected {expected}")]
        span: SourceSpan,
    },

    /// A branch value whose type cannot be inferred.
    #[error("cannot tell which enum `{name}` belongs to")]
    #[diagnostic(
        code(cairn::check::cannot_infer),
        help("declare the definition's type, e.g. `define x \"...\": enum {{ a, b }} = first {{ ... }}`")
    )]
    CannotInfer {
        /// The bare name.
        name: String,
        /// Where it was written.
        #[label("enum value without a declared enum type")]
        span: SourceSpan,
    },

    /// An expression nested deeper than the checker accepts.
    #[error("expression nested too deeply (more than {limit} levels)")]
    #[diagnostic(
        code(cairn::check::too_deep),
        help("split the expression into named `define`s, or use `any of [...]`/`all of [...]` for long lists")
    )]
    TooDeep {
        /// The nesting limit.
        limit: usize,
        /// The expression that passes the limit.
        #[label("nesting passes the limit here")]
        span: SourceSpan,
    },

    /// A list fact where a single value is wanted.
    #[error("the list fact `{name}` is not a single value")]
    #[diagnostic(
        code(cairn::check::list_as_value),
        help("test its members: `{name} contains v`, `{name} contains any of {{a, b}}`, `{name} is empty`, or count them: `count of {name}`")
    )]
    ListAsValue {
        /// The list fact.
        name: String,
        /// Where it is used.
        #[label("a list, used as a value")]
        span: SourceSpan,
    },

    /// `at least k of`, `at most k of`, `exactly k of` with a `k` the count
    /// can never reach (or below 0).
    #[error("`{bound} {k} of` counts {n} item(s), so {k} is out of reach")]
    #[diagnostic(code(cairn::check::count_beyond), help("{help}"))]
    CountBeyond {
        /// `at least`, `at most` or `exactly`.
        bound: &'static str,
        /// The number written.
        k: i64,
        /// The number of items counted.
        n: i64,
        /// The range to write in.
        help: String,
        /// The number.
        #[label("not between 0 and {n}")]
        span: SourceSpan,
    },

    /// A value written twice in the set of `count of L in {...}`.
    #[error("the value `{value}` of `{list}` is counted twice")]
    #[diagnostic(
        code(cairn::check::repeated_value),
        help("write each value once: a list contains a value or not")
    )]
    RepeatedValue {
        /// The value.
        value: String,
        /// The list fact.
        list: String,
        /// The second mention.
        #[label("again here")]
        span: SourceSpan,
        /// The first mention.
        #[label("first here")]
        first: SourceSpan,
    },

    /// `contains` or `is empty` on something that is not a list fact.
    #[error("`{what}` needs a list fact, not {found}")]
    #[diagnostic(code(cairn::check::not_a_list), help("{help}"))]
    NotAList {
        /// `contains` or `is empty`.
        what: &'static str,
        /// What was found instead.
        found: String,
        /// Did you mean, or how to declare a list.
        help: String,
        /// The expression.
        #[label("not a list fact")]
        span: SourceSpan,
    },

    /// An `include` inside a section, which is never read.
    #[error("`include` must be at the top level of a file")]
    #[diagnostic(
        code(cairn::check::nested_include),
        help("move the `include` out of the section; included names are global anyway")
    )]
    NestedInclude {
        /// The included path.
        #[label("inside a section")]
        span: SourceSpan,
    },
}
