//! Runtime values, shared by the checker (constants), the case loader and
//! the interpreter.
//!
//! A value is small and `Copy`: quantities are already in canonical units,
//! dates are day numbers, enum values are indices into their enum. Unknown
//! is not a value; it is represented as `None` in an `Option<Value>`, so the
//! type system keeps "unknown" and "false" apart.

pub mod date;
pub mod func;
pub mod json;
pub mod ops;
pub mod score;

pub use date::{add_months, format_date, parse_date};

use serde::Serialize;

/// A known value.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(tag = "type", content = "value", rename_all = "snake_case")]
pub enum Value {
    /// A boolean.
    Bool(bool),
    /// An integer.
    Int(i64),
    /// A dimensionless decimal (e.g. the ratio of two doses).
    Number(f64),
    /// A quantity in its dimension's canonical unit (see [`crate::units`]).
    Quantity(f64),
    /// A date as days since 1970-01-01.
    Date(i32),
    /// An enum value as an index into its enum's values.
    Enum(u32),
    /// The index of the matching row of a table.
    Row(u32),
}
