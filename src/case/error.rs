//! Case stage: the diagnostics the case loader reports. Each points into the
//! case's JSON text.

use miette::{Diagnostic, LabeledSpan, SourceSpan};
use thiserror::Error;

/// A problem in a case file.
#[derive(Debug, Error, Diagnostic)]
pub enum CaseError {
    /// The file is not valid JSON.
    #[error("malformed JSON: {message}")]
    #[diagnostic(
        code(cairn::case::syntax),
        help("a case file is a JSON object such as {{\"facts\": {{\"grade\": 2}}}}")
    )]
    Syntax {
        /// What the reader expected.
        message: String,
        /// Where it stopped.
        #[label("here")]
        span: SourceSpan,
    },

    /// A JSON value of the wrong shape where the case format wants another.
    #[error("`{key}` must be {expected}, not {found}")]
    #[diagnostic(code(cairn::case::shape))]
    Shape {
        /// The key (or `the case` for the top level).
        key: String,
        /// What it must be.
        expected: String,
        /// What it is.
        found: String,
        /// The value.
        #[label("expected {expected}")]
        span: SourceSpan,
    },

    /// A key the case format does not know.
    #[error("unknown key `{key}` in {place}")]
    #[diagnostic(code(cairn::case::unknown_key), help("{help}"))]
    UnknownKey {
        /// The key.
        key: String,
        /// Where: `the case`, `expect`.
        place: String,
        /// Did you mean, or the allowed keys.
        help: String,
        /// The key.
        #[label("not allowed in {place}")]
        span: SourceSpan,
    },

    /// Facts that contradict a constraint of the guideline.
    #[error("the facts break the constraint `{name}`: {description}")]
    #[diagnostic(code(cairn::case::broken_constraint), help("{help}"))]
    BrokenConstraint {
        /// The constraint.
        name: String,
        /// What it requires.
        description: String,
        /// The condition as written, and what to do.
        help: String,
        /// The facts it reads that the case gives.
        #[label(collection)]
        facts: Vec<LabeledSpan>,
    },

    /// A key written twice in one object.
    #[error("`{key}` is given twice")]
    #[diagnostic(
        code(cairn::case::duplicate_key),
        help("JSON readers disagree about which copy wins; keep one")
    )]
    DuplicateKey {
        /// The key.
        key: String,
        /// The second occurrence.
        #[label("given again here")]
        span: SourceSpan,
        /// The first occurrence.
        #[label("first given here")]
        first: SourceSpan,
    },

    /// A fact the guideline does not declare.
    #[error("undeclared fact `{name}`")]
    #[diagnostic(code(cairn::case::unknown_fact), help("{help}"))]
    UnknownFact {
        /// The name.
        name: String,
        /// Did you mean.
        help: String,
        /// The key.
        #[label("not a fact of guideline `{guideline}`")]
        span: SourceSpan,
        /// The guideline id.
        guideline: String,
    },

    /// A value of the wrong JSON type for the declared type.
    #[error("`{name}` expects {expected}, found {found}")]
    #[diagnostic(code(cairn::case::type_mismatch), help("{help}"))]
    TypeMismatch {
        /// The fact or definition.
        name: String,
        /// The declared type, in words.
        expected: String,
        /// The JSON type found.
        found: String,
        /// An example of a valid value.
        help: String,
        /// The value.
        #[label("expected {expected}")]
        span: SourceSpan,
    },

    /// An enum value outside the enum.
    #[error("`{value}` is not a value of `{name}`")]
    #[diagnostic(code(cairn::case::unknown_enum_value), help("{help}"))]
    UnknownEnumValue {
        /// The fact or definition.
        name: String,
        /// The value given.
        value: String,
        /// Did you mean, or the list of values.
        help: String,
        /// The value.
        #[label("not in the enum")]
        span: SourceSpan,
    },

    /// An integer outside the declared range.
    #[error("`{name}` must be between {range}, found {value}")]
    #[diagnostic(code(cairn::case::integer_range))]
    IntegerRange {
        /// The fact.
        name: String,
        /// The range in words.
        range: String,
        /// The value.
        value: String,
        /// The value.
        #[label("out of range")]
        span: SourceSpan,
    },

    /// A number or quantity outside its fact's declared range.
    #[error("`{name}` must be within {range}, found {value}")]
    #[diagnostic(
        code(cairn::case::out_of_declared_range),
        help("the guideline declares `{name}` from {range}; check the value and its unit")
    )]
    DeclaredRange {
        /// The fact.
        name: String,
        /// The range as declared (`0 to 500 kg`).
        range: String,
        /// The value as written.
        value: String,
        /// The value.
        #[label("out of range")]
        span: SourceSpan,
    },

    /// A number too large to be held exactly (an integer beyond 64 bits, a
    /// quantity beyond the largest magnitude after unit conversion).
    #[error("`{name}` is out of range, found `{value}`")]
    #[diagnostic(code(cairn::case::value_out_of_range), help("{help}"))]
    ValueRange {
        /// The fact.
        name: String,
        /// The value as written.
        value: String,
        /// What the range is.
        help: String,
        /// The value.
        #[label("out of range")]
        span: SourceSpan,
    },

    /// A number with a fraction where an integer is declared.
    #[error("`{name}` expects an integer, found `{value}`")]
    #[diagnostic(code(cairn::case::not_integer))]
    NotInteger {
        /// The fact.
        name: String,
        /// The value as written.
        value: String,
        /// The value.
        #[label("not a whole number")]
        span: SourceSpan,
    },

    /// A quantity written without a unit.
    #[error("`{name}` is a quantity and needs a unit")]
    #[diagnostic(
        code(cairn::case::missing_unit),
        help("write it as \"{example}\" or {{\"value\": {number}, \"unit\": \"{unit}\"}}")
    )]
    MissingUnit {
        /// The fact.
        name: String,
        /// Example with the declared unit.
        example: String,
        /// The number given.
        number: String,
        /// The declared unit.
        unit: String,
        /// The value.
        #[label("no unit")]
        span: SourceSpan,
    },

    /// A unit the language does not know.
    #[error("unknown unit `{unit}`")]
    #[diagnostic(code(cairn::case::unknown_unit), help("{help}"))]
    UnknownUnit {
        /// The unit.
        unit: String,
        /// Did you mean, or units of the dimension.
        help: String,
        /// The value.
        #[label("unknown unit")]
        span: SourceSpan,
    },

    /// A unit of another dimension.
    #[error("`{name}` is a {expected}, but `{unit}` measures {found}")]
    #[diagnostic(
        code(cairn::case::wrong_dimension),
        help("use a unit of {expected}: {units}")
    )]
    WrongDimension {
        /// The fact.
        name: String,
        /// The declared dimension.
        expected: String,
        /// The unit given.
        unit: String,
        /// Its dimension.
        found: String,
        /// The units of the declared dimension.
        units: String,
        /// The value.
        #[label("{found}, not {expected}")]
        span: SourceSpan,
    },

    /// A string that is not a calendar date.
    #[error("`{value}` is not a valid date")]
    #[diagnostic(code(cairn::case::bad_date))]
    BadDate {
        /// The text.
        value: String,
        /// "Did you mean" the ISO form, or how to write a date.
        #[help]
        help: String,
        /// The value.
        #[label("not a date")]
        span: SourceSpan,
    },

    /// An expectation about a recommendation that does not exist.
    #[error("unknown recommendation `{id}` in `expect`")]
    #[diagnostic(code(cairn::case::unknown_rec), help("{help}"))]
    UnknownRec {
        /// The id.
        id: String,
        /// Did you mean.
        help: String,
        /// The key.
        #[label("no such recommendation")]
        span: SourceSpan,
    },

    /// A status that is not one of the three.
    #[error("unknown status `{status}`")]
    #[diagnostic(code(cairn::case::unknown_status), help("{help}"))]
    UnknownStatus {
        /// The text.
        status: String,
        /// Did you mean, or the statuses.
        help: String,
        /// The value.
        #[label("not a status")]
        span: SourceSpan,
    },

    /// An expected strength that is not one of the guideline's scheme.
    #[error("`{text}` is not a strength of the {scheme} grading: {problem}")]
    #[diagnostic(code(cairn::case::bad_strength), help("{help}"))]
    BadStrength {
        /// The text.
        text: String,
        /// The guideline's scheme.
        scheme: String,
        /// Which word is wrong.
        problem: String,
        /// Did you mean, or how the scheme writes a strength.
        help: String,
        /// The value.
        #[label("not in the {scheme} grading")]
        span: SourceSpan,
    },

    /// A next-due expectation naming a schedule that does not exist.
    #[error("unknown schedule `{name}` in `expect.next_due`")]
    #[diagnostic(code(cairn::case::unknown_schedule), help("{help}"))]
    UnknownSchedule {
        /// The name.
        name: String,
        /// Did you mean.
        help: String,
        /// The key.
        #[label("no such schedule")]
        span: SourceSpan,
    },

    /// An expectation about a definition that does not exist.
    #[error("unknown definition `{name}` in `expect.derived`")]
    #[diagnostic(code(cairn::case::unknown_def), help("{help}"))]
    UnknownDef {
        /// The name.
        name: String,
        /// Did you mean.
        help: String,
        /// The key.
        #[label("no such definition")]
        span: SourceSpan,
    },

    /// A missing-fact expectation naming something that is not a fact.
    #[error("unknown fact `{name}` in `expect.missing`")]
    #[diagnostic(code(cairn::case::unknown_missing_fact), help("{help}"))]
    UnknownMissingFact {
        /// The name.
        name: String,
        /// Did you mean.
        help: String,
        /// The value.
        #[label("not a fact")]
        span: SourceSpan,
    },
}

/// The help text for a misspelled name: "did you mean" or a fallback.
pub fn help_for<'a>(
    name: &str,
    candidates: impl IntoIterator<Item = &'a str>,
    fallback: &str,
) -> String {
    crate::diagnostics::suggestion(name, candidates).unwrap_or_else(|| fallback.to_string())
}
