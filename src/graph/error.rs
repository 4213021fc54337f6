//! Graph stage: the errors of drawing a guideline as a flowchart.
//!
//! Every variant has a stable code `cairn::graph::<kind>`.

use miette::Diagnostic;
use thiserror::Error;

/// Why a flowchart could not be drawn.
#[derive(Debug, Error, Diagnostic)]
pub enum Error {
    /// `--section` names no section of the guideline.
    #[error("no section `{id}` in the guideline")]
    #[diagnostic(code(cairn::graph::unknown_section))]
    UnknownSection {
        /// The id asked for.
        id: String,
        /// A did-you-mean hint, or the list of top-level sections.
        #[help]
        help: Option<String>,
    },
    /// The outcome to colour the path with was produced by another
    /// guideline (or another version of it): its recommendations are not
    /// this guideline's.
    #[error("the outcome is not of this guideline: it has no recommendation `{id}`")]
    #[diagnostic(
        code(cairn::graph::outcome_mismatch),
        help("evaluate the case with the guideline that is drawn")
    )]
    OutcomeMismatch {
        /// The first recommendation of the guideline the outcome lacks.
        id: String,
    },
}
