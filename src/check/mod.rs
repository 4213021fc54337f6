//! Check stage: resolves names, checks types and units, and builds the
//! [`model::Model`] the interpreter runs.

pub mod model;

use crate::diagnostics::Diagnostics;
use crate::source::SourceMap;
use crate::syntax::Parsed;
use model::Model;

/// A guideline that passed the checker: it has no errors, only warnings.
#[derive(Debug)]
pub struct Checked {
    /// The source files.
    pub sources: SourceMap,
    /// The resolved model.
    pub model: Model,
    /// Warnings (unused facts, constant conditions, ...).
    pub warnings: Diagnostics,
}

/// A stage that failed, with everything needed to render its diagnostics.
#[derive(Debug)]
pub struct Failed {
    /// The files the diagnostics point into.
    pub sources: SourceMap,
    /// Errors and warnings.
    pub diagnostics: Diagnostics,
}

/// Checks a parsed guideline.
pub fn check(parsed: Parsed) -> Result<Checked, Failed> {
    Err(Failed {
        sources: parsed.sources,
        diagnostics: parsed.diagnostics,
    })
}
