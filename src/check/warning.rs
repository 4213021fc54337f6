//! Check stage: the warnings the checker reports.
//!
//! Warnings point at likely mistakes that do not stop a guideline from
//! running: unread facts, constant conditions, missing statements, names
//! hidden by enum values. A guideline with only warnings passes the check.

use miette::{Diagnostic, SourceSpan};
use thiserror::Error;

/// A likely mistake found while checking a guideline.
#[derive(Debug, Error, Diagnostic)]
pub enum CheckWarning {
    /// A fact or definition that nothing reads.
    #[error("{what} `{name}` is never used")]
    #[diagnostic(
        code(cairn::check::unused),
        severity(Warning),
        help("no expression, table, schedule or statement reads it; remove it or use it")
    )]
    Unused {
        /// `fact`, `definition` or `table`.
        what: &'static str,
        /// The name.
        name: String,
        /// The declaration's name.
        #[label("declared here")]
        span: SourceSpan,
    },

    /// A `first` without `otherwise` whose branches compare one enum to
    /// some of its values only: for the others no branch applies, and its
    /// value is unknown with no fact missing.
    #[error("no branch of this `first` applies when `{subject}` is {values}")]
    #[diagnostic(
        code(cairn::check::first_falls_through),
        severity(Warning),
        help("add `otherwise VALUE`, or a branch for {values}; without one the value is unknown for those cases, with no fact to ask for")
    )]
    FirstFallsThrough {
        /// The fact or definition the branches compare.
        subject: String,
        /// The values no branch names, in words.
        values: String,
        /// The `first`.
        #[label("falls through for {values}")]
        span: SourceSpan,
    },

    /// A strength that contradicts its recommendation's kind or its own
    /// level of evidence, by the scheme's definitions.
    #[error("{problem}")]
    #[diagnostic(code(cairn::check::inconsistent_strength), severity(Warning))]
    InconsistentStrength {
        /// What contradicts what.
        problem: String,
        /// The strength.
        #[label("contradicts the scheme's meaning")]
        span: SourceSpan,
        /// The scheme's definition and the fix.
        #[help]
        help: String,
    },

    /// A grading scheme declared but not selected by the header.
    #[error("grading `{name}` is never used")]
    #[diagnostic(
        code(cairn::check::unused_grading),
        severity(Warning),
        help("select it in the header with `grading {name}`, or remove it")
    )]
    UnusedGrading {
        /// The scheme.
        name: String,
        /// Its name.
        #[label("declared here")]
        span: SourceSpan,
    },

    /// A condition whose value does not depend on the case.
    #[error("condition is always {value}")]
    #[diagnostic(code(cairn::check::constant_condition), severity(Warning))]
    ConstantCondition {
        /// `true` or `false`.
        value: bool,
        /// The condition.
        #[label("always {value}")]
        span: SourceSpan,
        /// Why.
        #[help]
        help: Option<String>,
    },

    /// A recommendation without a statement.
    #[error("recommendation `{id}` has no statement")]
    #[diagnostic(
        code(cairn::check::no_statement),
        severity(Warning),
        help("add `statement \"...\"` with the recommendation's wording from the source document")
    )]
    NoStatement {
        /// The id.
        id: String,
        /// The id's span.
        #[label("no `statement` field")]
        span: SourceSpan,
    },

    /// An enum value that hides a fact or definition of the same name.
    #[error("`{name}` is read as a value of `{owner}`, not as the {found} of the same name")]
    #[diagnostic(
        code(cairn::check::enum_shadows),
        severity(Warning),
        help("rename the {found} or the enum value so the expression is unambiguous")
    )]
    EnumShadows {
        /// The name.
        name: String,
        /// The enum's owner.
        owner: String,
        /// `fact` or `definition`.
        found: &'static str,
        /// Where it was used.
        #[label("enum value of `{owner}`")]
        span: SourceSpan,
    },

    /// A table row that no case reaches.
    #[error("this row is never used")]
    #[diagnostic(code(cairn::check::unreachable_row), severity(Warning))]
    UnreachableRow {
        /// The row.
        #[label("unreachable")]
        span: SourceSpan,
        /// The earlier row that takes its cases.
        #[label("this earlier row matches first")]
        by: Option<SourceSpan>,
        /// What to do.
        #[help]
        help: String,
    },

    /// Two rows whose ranges overlap, neither containing the other.
    #[error("this row's range overlaps an earlier row's")]
    #[diagnostic(
        code(cairn::check::overlapping_rows),
        severity(Warning),
        help("the values in both ranges get the earlier row; make the bands meet without overlapping (`30 to 59`, `60 to 89`, or `< 60` after `< 30`)")
    )]
    OverlappingRows {
        /// The later row.
        #[label("overlaps")]
        span: SourceSpan,
        /// The earlier row.
        #[label("earlier row")]
        earlier: SourceSpan,
    },

    /// Values of a one-key table's key that no row covers.
    #[error("no row of the table covers `{key}` {gap}")]
    #[diagnostic(
        code(cairn::check::table_gap),
        severity(Warning),
        help("a case with such a value gets no row, so the lookup is unknown; add a row for it, or `_` last")
    )]
    TableGap {
        /// The key.
        key: String,
        /// The values not covered (`4 to 5`, `between 59 and 60`).
        gap: String,
        /// The table's name.
        #[label("not every value has a row")]
        span: SourceSpan,
    },
}
