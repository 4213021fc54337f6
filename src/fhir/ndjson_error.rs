//! FHIR stage, input: the errors of reading a Bulk Data export (`ndjson`):
//! the folder's ([`NdjsonError`], nothing is read) and a line's
//! ([`LineError`], that line is skipped and the rest still run).

use miette::Diagnostic;
use thiserror::Error;

/// An export that cannot be read at all.
#[derive(Debug, Error, Diagnostic)]
pub enum NdjsonError {
    /// The folder or a file cannot be read.
    #[error("cannot read `{path}`: {message}")]
    #[diagnostic(code(cairn::fhir::ndjson_io))]
    Io {
        /// The folder or file.
        path: String,
        /// The system's message.
        message: String,
    },
    /// No `Patient.ndjson`: the subjects are unknown.
    #[error("`{dir}` has no `Patient.ndjson`")]
    #[diagnostic(
        code(cairn::fhir::ndjson_no_patients),
        help("a FHIR Bulk Data export has one `Type.ndjson` file per resource type; `Patient.ndjson` names the patients the other files refer to")
    )]
    NoPatients {
        /// The folder.
        dir: String,
    },
    /// More files than [`super::ndjson::MAX_FILES`].
    #[error(
        "the export has {count} NDJSON files, more than {}",
        super::ndjson::MAX_FILES
    )]
    #[diagnostic(code(cairn::fhir::ndjson_files_limit))]
    TooManyFiles {
        /// How many.
        count: usize,
    },
    /// A line that parsed in the first pass does not parse in the second.
    #[error("`{path}` changed while it was read: {message}")]
    #[diagnostic(
        code(cairn::fhir::ndjson_changed),
        help("do not write to an export while `cairn batch` reads it")
    )]
    Changed {
        /// `file:line`.
        path: String,
        /// The parser's message.
        message: String,
    },
}

/// A line of an export that was skipped.
#[derive(Debug, Clone, PartialEq, Error, Diagnostic)]
#[error("{file}:{line}: {problem}")]
#[diagnostic(code(cairn::fhir::ndjson_line))]
pub struct LineError {
    /// The file's name (`Condition.ndjson`).
    pub file: String,
    /// The 1-based line number.
    pub line: u32,
    /// What is wrong.
    pub problem: LineProblem,
}

/// What is wrong with a line.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum LineProblem {
    /// Not a JSON document.
    #[error("not JSON: {0}")]
    NotJson(String),
    /// Longer than [`super::ndjson::MAX_LINE`].
    #[error("the line is longer than {} bytes", super::ndjson::MAX_LINE)]
    TooLong,
    /// No `resourceType`.
    #[error("the resource has no `resourceType`")]
    NoResourceType,
    /// A resource other than a Patient in `Patient.ndjson`.
    #[error("`Patient.ndjson` holds a `{0}`")]
    NotAPatient(String),
    /// A Patient without an id.
    #[error("the Patient has no `id`")]
    NoId,
    /// Two Patients with one id.
    #[error("a second Patient with the id `{0}`")]
    DuplicatePatient(String),
    /// Neither `subject` nor `patient` refers to a Patient.
    #[error("the `{0}` has no `subject` or `patient` reference: whose it is is unknown")]
    NoSubject(String),
    /// A subject reference that is not `Patient/…`.
    #[error("the reference `{0}` is not to a Patient (`Patient/ID`)")]
    NotPatientReference(String),
    /// A subject not in `Patient.ndjson`.
    #[error("`Patient/{0}` is not in `Patient.ndjson`")]
    UnknownPatient(String),
}
