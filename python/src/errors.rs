//! Python bindings: diagnostics raised as Python exceptions.
//!
//! The exception classes live in Python (`cairn/_errors.py`), where they
//! are easy to subclass, document and catch; this module builds them with
//! the rendered text (miette's, without colour, as the command line prints
//! it) and the diagnostics' JSON list, which the Python side turns into
//! `cairn.Diagnostic` objects with their code, message, line and column.

use cairn::check::Failed;
use cairn::diagnostics::Diagnostics;
use cairn::source::{FileId, SourceMap};
use pyo3::exceptions::PyRuntimeError;
use pyo3::prelude::*;

/// The guideline has errors.
pub const GUIDELINE: &str = "GuidelineError";
/// The case does not load (bad JSON, unknown fact, broken constraint…).
pub const CASE: &str = "CaseError";
/// A cohort's columns do not fit the guideline.
pub const COHORT: &str = "CohortError";
/// `explain` was asked about a recommendation the guideline lacks.
pub const UNKNOWN_RECOMMENDATION: &str = "UnknownRecommendation";

/// The exception `class` for a failed stage.
pub fn failed(py: Python<'_>, class: &str, failed: &Failed) -> PyErr {
    raise(py, class, &failed.diagnostics, &failed.sources)
}

/// The exception `class` for one diagnostic that points into no file.
pub fn one<D>(py: Python<'_>, class: &str, diagnostic: D) -> PyErr
where
    D: miette::Diagnostic + Send + Sync + 'static,
{
    let mut diagnostics = Diagnostics::new();
    diagnostics.push(FileId(0), diagnostic);
    raise(py, class, &diagnostics, &SourceMap::new())
}

/// A failure that is a bug of the bindings, not of the input.
pub fn internal(error: &dyn std::fmt::Display) -> PyErr {
    PyRuntimeError::new_err(format!(
        "internal error in cairn (please report it): {error}"
    ))
}

fn raise(py: Python<'_>, class: &str, diagnostics: &Diagnostics, sources: &SourceMap) -> PyErr {
    let rendered = diagnostics.render(sources, super::WIDTH);
    let json = serde_json::to_string(&diagnostics.to_json(sources)).unwrap_or_else(|_| "[]".into());
    let made = py
        .import("cairn._errors")
        .and_then(|m| m.getattr(class))
        .and_then(|c| c.call1((rendered, json)));
    match made {
        Ok(exception) => PyErr::from_value(exception),
        Err(e) => e,
    }
}
