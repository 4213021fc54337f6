//! Runtime values, shared by the checker (constants), the case loader and
//! the interpreter.
//!
//! A value is small and `Copy`: quantities are already in canonical units,
//! dates are day numbers, enum values are indices into their enum. Unknown
//! is not a value; it is represented as `None` in an `Option<Value>`, so the
//! type system keeps "unknown" and "false" apart.

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
    Enum(u16),
    /// The index of the matching row of a table.
    Row(u16),
}

/// Days since 1970-01-01 for an ISO date `YYYY-MM-DD`, or `None` when it is
/// not a real calendar date.
pub fn parse_date(text: &str) -> Option<i32> {
    let date: jiff::civil::Date = text.parse().ok()?;
    let epoch = jiff::civil::date(1970, 1, 1);
    Some(date.since(epoch).ok()?.get_days())
}

/// The ISO form `YYYY-MM-DD` of a day number.
pub fn format_date(days: i32) -> String {
    let epoch = jiff::civil::date(1970, 1, 1);
    match epoch.checked_add(jiff::Span::new().days(i64::from(days))) {
        Ok(d) => d.to_string(),
        Err(_) => format!("day {days}"),
    }
}

/// Adds calendar months to a day number (clamping to the month's end, so
/// 31 January + 1 month is 28 or 29 February).
pub fn add_months(days: i32, months: i32) -> Option<i32> {
    let epoch = jiff::civil::date(1970, 1, 1);
    let date = epoch
        .checked_add(jiff::Span::new().days(i64::from(days)))
        .ok()?;
    let moved = date.checked_add(jiff::Span::new().months(months)).ok()?;
    Some(moved.since(epoch).ok()?.get_days())
}
