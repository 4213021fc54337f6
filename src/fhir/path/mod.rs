//! FHIRPath stage: a documented subset of FHIRPath (N1, as FHIR R4 uses it)
//! over plain `serde_json` resources, without the FHIR model: the paths a
//! binding file uses to find and read a patient's data (`docs/fhirpath.md`
//! lists what is in the subset and what is an error).
//!
//! [`Path::parse`] checks an expression once ([`lexer`], [`parser`]: every
//! function, type and variable is known, nesting and length are bounded);
//! [`Path::evaluate`] runs it against a resource ([`eval`], with
//! [`functions`] and [`compare`]), in a bounded number of steps.
//!
//! ```
//! use cairn::fhir::path::Path;
//!
//! let obs = serde_json::json!({
//!     "resourceType": "Observation",
//!     "status": "final",
//!     "valueQuantity": {"value": 7.2, "unit": "mmol/L"}
//! });
//! let path = Path::parse("Observation.where(status = 'final').value.ofType(Quantity).value")
//!     .expect("valid");
//! let items = path.evaluate(&obs).expect("evaluates");
//! assert_eq!(items[0].to_json(), serde_json::json!(7.2));
//! ```

pub mod ast;
mod calls;
pub mod compare;
pub mod error;
pub mod eval;
pub mod functions;
mod invocation;
pub mod item;
pub mod lexer;
mod operators;
pub mod parser;
mod sets;
mod strings;
pub mod types;

pub use error::PathError;
pub use item::Item;

/// The longest expression accepted, in bytes (far above any binding's, low
/// enough that its tokens stay a few megabytes).
pub const MAX_LENGTH: usize = 256 * 1024;
/// The deepest nesting accepted: parentheses, function arguments, indexes,
/// right operands and signs inside one another. Parsing and evaluating
/// recurse once per level (a few kilobytes of stack each in a debug build),
/// so this bound keeps both well inside a 2 MiB thread stack.
pub const MAX_NESTING: usize = 64;
/// The tallest syntax tree accepted, chains included (`a.b.c…`, `x | y |
/// z…` are evaluated in a loop, but cloning and dropping a tree recurse
/// through it).
pub const MAX_DEPTH: usize = 512;
/// The most evaluation steps one evaluation may take (one per expression
/// node and item visited), so nested `where`s over a large resource end.
pub const MAX_STEPS: u64 = 5_000_000;

/// A parsed FHIRPath expression (the documented subset).
#[derive(Clone)]
pub struct Path {
    text: String,
    expr: parser::Expr,
}

impl Path {
    /// Parses `text`; errors carry the byte offset within `text`.
    pub fn parse(text: &str) -> Result<Path, PathError> {
        if text.len() > MAX_LENGTH {
            return Err(PathError::TooLong {
                length: text.len(),
                limit: MAX_LENGTH,
                span: (0..text.len()).into(),
            });
        }
        let tokens = lexer::lex(text)?;
        let expr = parser::parse(text, &tokens)?;
        Ok(Path {
            text: text.to_string(),
            expr,
        })
    }

    /// Evaluates against one resource (serde_json), FHIR R4 JSON conventions:
    /// choice types (`value` finds `valueQuantity`, `valueBoolean`, …), arrays
    /// flatten. `%resource`, `%context` and the initial `$this` are the
    /// resource. Errors are FHIRPath's run-time errors (several items where
    /// one is taken, operands of the wrong type, a type test on an element
    /// only the model could type) and the step limit: never an empty result
    /// in their place, since empty means "absent".
    pub fn evaluate<'a>(
        &self,
        resource: &'a serde_json::Value,
    ) -> Result<Vec<Item<'a>>, PathError> {
        eval::evaluate(&self.text, &self.expr, resource)
    }

    /// Evaluates and requires a single boolean or nothing, as a binding's
    /// `where` does: `Some(true)`, `Some(false)`, or `None` when the result
    /// is empty. A single non-boolean item is `true` (FHIRPath's singleton
    /// evaluation of collections).
    pub fn evaluate_bool(&self, resource: &serde_json::Value) -> Result<Option<bool>, PathError> {
        let items = self.evaluate(resource)?;
        eval::to_bool(&items, "the expression", &self.expr.span)
    }

    /// The source text.
    pub fn as_str(&self) -> &str {
        &self.text
    }
}

/// Only the text: the tree's derived `Debug` would recurse through it.
impl std::fmt::Debug for Path {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("Path").field(&self.text).finish()
    }
}

impl std::fmt::Display for Path {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.text)
    }
}

/// The JSON array of a result collection, as `cairn fhir path` prints it
/// (dates as strings, without their `@`).
pub fn to_json(items: &[Item<'_>]) -> serde_json::Value {
    serde_json::Value::Array(items.iter().map(Item::to_json).collect())
}
