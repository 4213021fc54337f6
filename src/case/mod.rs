//! Case stage: loads a case file (JSON) and validates its facts against a
//! checked guideline's declarations.

use crate::value::Value;

/// A validated case: one slot per fact of the model, `None` when unknown.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Case {
    /// A name for output (the file name or the case's `name`).
    pub name: String,
    /// Fact values indexed by [`crate::check::model::FactId`].
    pub facts: Vec<Option<Value>>,
}
