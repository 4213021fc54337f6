//! FHIR stage (extraction): what extraction warns about. Each kind has a
//! stable code (listed by `cairn codes`); an [`ExtractWarning`] is its
//! plain form in the case file's `"extraction"` block.

use miette::Diagnostic;
use serde::Serialize;
use thiserror::Error;

/// One warning of an extraction, in the case file's JSON form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ExtractWarning {
    /// The stable code, e.g. `cairn::extract::conflict`.
    pub code: String,
    /// What happened, lowercase.
    pub message: String,
    /// The resources involved (`Condition/123`).
    pub resources: Vec<String>,
}

/// The kinds of extraction warning.
#[derive(Debug, Error, Diagnostic)]
pub enum ExtractIssue {
    /// Two resources give different values under `pick = "agree"` (or at
    /// the same date under `latest`/`earliest`): the fact is unknown.
    #[error("fact `{fact}` is left unknown: {first} gives `{a}` and {second} gives `{b}`")]
    #[diagnostic(code(cairn::extract::conflict), severity(Warning))]
    Conflict {
        /// The fact.
        fact: String,
        /// The first resource.
        first: String,
        /// Its value.
        a: String,
        /// The second resource.
        second: String,
        /// Its value.
        b: String,
    },

    /// A code no `map` entry and no enum code binding translates.
    #[error(
        "{resource} has code `{code}` for fact `{fact}`, which maps to no value; it is ignored"
    )]
    #[diagnostic(code(cairn::extract::unmapped_code), severity(Warning))]
    UnmappedCode {
        /// The fact.
        fact: String,
        /// The resource.
        resource: String,
        /// The coding (`system|code`).
        code: String,
    },

    /// A value that is not a value of the fact (wrong unit dimension, out
    /// of range, an imprecise date, the wrong FHIR type).
    #[error("{resource} gives `{value}` for fact `{fact}`, which is not a value of it ({reason}); it is ignored")]
    #[diagnostic(code(cairn::extract::bad_value), severity(Warning))]
    BadValue {
        /// The fact.
        fact: String,
        /// The resource.
        resource: String,
        /// The value as found.
        value: String,
        /// Why.
        reason: String,
    },

    /// A FHIRPath of the binding failed on a resource (several items where
    /// one is needed, the step limit, ...): the resource is skipped.
    #[error("the path `{path}` fails on {resource} ({reason}); the resource is skipped for fact `{fact}`")]
    #[diagnostic(code(cairn::extract::path_failed), severity(Warning))]
    PathFailed {
        /// The fact.
        fact: String,
        /// The resource.
        resource: String,
        /// The path.
        path: String,
        /// The error.
        reason: String,
    },

    /// Under `latest`/`earliest`, resources without a date cannot be
    /// ordered: they are left out (unless none has a date; then they must
    /// agree).
    #[error(
        "{count} resource(s) for fact `{fact}` have no date and cannot be ordered by `{pick}`"
    )]
    #[diagnostic(code(cairn::extract::undated), severity(Warning))]
    Undated {
        /// The fact.
        fact: String,
        /// How many.
        count: usize,
        /// The pick rule.
        pick: String,
    },

    /// Resources dated after the as-of date are not read.
    #[error("{count} resource(s) for fact `{fact}` are dated after the as-of date {as_of} and are ignored")]
    #[diagnostic(code(cairn::extract::after_as_of), severity(Warning))]
    AfterAsOf {
        /// The fact.
        fact: String,
        /// How many.
        count: usize,
        /// The as-of date.
        as_of: String,
    },

    /// A `from = "as_of"` fact without an as-of date.
    #[error("fact `{fact}` is the as-of date, and none was given; it is left unknown")]
    #[diagnostic(code(cairn::extract::no_as_of), severity(Warning))]
    NoAsOf {
        /// The fact.
        fact: String,
    },

    /// The resources are about more than one patient.
    #[error("the resources are about {count} patients; extraction is for one")]
    #[diagnostic(code(cairn::extract::several_patients), severity(Warning))]
    SeveralPatients {
        /// How many subjects.
        count: usize,
    },
}

impl ExtractIssue {
    /// The plain form, with the resources involved.
    pub fn with(self, resources: Vec<String>) -> ExtractWarning {
        ExtractWarning {
            code: self.code().map(|c| c.to_string()).unwrap_or_default(),
            message: self.to_string(),
            resources,
        }
    }
}
