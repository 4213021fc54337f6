//! Case stage: converts a JSON value into a runtime [`Value`] of a declared
//! type, and a [`Value`] back into the JSON form of the outcome contract.

// A `CaseError` is large, but it is built only on the failure path, once
// per bad value, so boxing it would buy nothing.
#![allow(clippy::result_large_err)]

use super::error::{help_for, CaseError};
use super::json::{Json, JsonKind};
use crate::check::model::{Model, Type};
use crate::units::{self, Unit};
use crate::value::{self, Value};

/// Converts `json` to a value of type `ty` for the fact or definition `name`.
/// `null` is unknown (`Ok(None)`).
pub fn to_value(
    model: &Model,
    name: &str,
    ty: Type,
    json: &Json,
) -> Result<Option<Value>, CaseError> {
    if json.kind == JsonKind::Null {
        return Ok(None);
    }
    let mismatch = |expected: &str, help: String| CaseError::TypeMismatch {
        name: name.to_string(),
        expected: expected.to_string(),
        found: json.type_name().to_string(),
        help,
        span: json.span(),
    };
    match (ty, &json.kind) {
        (Type::Bool, JsonKind::Bool(b)) => Ok(Some(Value::Bool(*b))),
        (Type::Bool, _) => Err(mismatch(
            "a boolean",
            "write `true`, `false` or `null` (unknown)".into(),
        )),
        (Type::Int { min, max }, JsonKind::Number(n, raw)) => {
            integer(name, *n, raw, min, max, json)
        }
        (Type::Int { .. }, _) => Err(mismatch(
            "an integer",
            "write a whole number such as `2`, or `null` (unknown)".into(),
        )),
        (Type::Number, JsonKind::Number(n, _)) => Ok(Some(Value::Number(*n))),
        (Type::Number, _) => Err(mismatch(
            "a number",
            "write a number such as `0.5`, or `null` (unknown)".into(),
        )),
        (Type::Quantity { dim, unit }, _) => quantity(name, dim, unit, json),
        (Type::Date, JsonKind::String(s)) => match value::parse_date(s) {
            Some(d) => Ok(Some(Value::Date(d))),
            None => Err(CaseError::BadDate {
                value: s.to_string(),
                span: json.span(),
            }),
        },
        (Type::Date, _) => Err(mismatch(
            "a date",
            "write dates as \"YYYY-MM-DD\", e.g. \"2024-01-23\"".into(),
        )),
        (Type::Enum(id), JsonKind::String(s)) => {
            let values = model
                .enum_info(id)
                .map(|e| e.values.as_slice())
                .unwrap_or(&[]);
            match values.iter().position(|v| v.name == *s) {
                Some(i) => Ok(Some(Value::Enum(i as u16))),
                None => {
                    let all: Vec<&str> = values.iter().map(|v| v.name.as_str()).collect();
                    Err(CaseError::UnknownEnumValue {
                        name: name.to_string(),
                        value: s.to_string(),
                        help: help_for(
                            s,
                            all.iter().copied(),
                            &format!("the values are {}", list(&all)),
                        ),
                        span: json.span(),
                    })
                }
            }
        }
        (Type::Enum(id), _) => {
            let first = model
                .enum_info(id)
                .and_then(|e| e.values.first())
                .map(|v| v.name.clone())
                .unwrap_or_default();
            Err(mismatch(
                "an enum value",
                format!("write a value name as a string, e.g. \"{first}\""),
            ))
        }
        // A table row cannot be supplied as a fact; expectations about rows
        // are compared as JSON and never reach this function.
        (Type::Row(_), _) => Err(mismatch(
            "a table row",
            "table rows are computed, not given".into(),
        )),
    }
}

fn integer(
    name: &str,
    n: f64,
    raw: &str,
    min: Option<i64>,
    max: Option<i64>,
    json: &Json,
) -> Result<Option<Value>, CaseError> {
    // 2^63 as f64; anything at or beyond cannot be an i64.
    const LIMIT: f64 = 9_223_372_036_854_775_808.0;
    if n.fract() != 0.0 || n.abs() >= LIMIT {
        return Err(CaseError::NotInteger {
            name: name.to_string(),
            value: raw.to_string(),
            span: json.span(),
        });
    }
    let i = n as i64;
    let below = min.is_some_and(|m| i < m);
    let above = max.is_some_and(|m| i > m);
    if below || above {
        let range = match (min, max) {
            (Some(a), Some(b)) => format!("{a} and {b}"),
            (Some(a), None) => format!("{a} and any larger number"),
            (None, Some(b)) => format!("any number and {b}"),
            (None, None) => String::new(),
        };
        return Err(CaseError::IntegerRange {
            name: name.to_string(),
            range,
            value: raw.to_string(),
            span: json.span(),
        });
    }
    Ok(Some(Value::Int(i)))
}

/// Accepts `"50.4 Gy"` and `{"value": 50.4, "unit": "Gy"}`.
fn quantity(
    name: &str,
    dim: units::Dimension,
    declared: Unit,
    json: &Json,
) -> Result<Option<Value>, CaseError> {
    let missing = |number: String| CaseError::MissingUnit {
        name: name.to_string(),
        example: format!("{number} {}", declared.symbol),
        number,
        unit: declared.symbol.to_string(),
        span: json.span(),
    };
    let mismatch = || CaseError::TypeMismatch {
        name: name.to_string(),
        expected: format!("a quantity in {}", declared.symbol),
        found: json.type_name().to_string(),
        help: format!(
            "write it as \"50 {0}\" or {{\"value\": 50, \"unit\": \"{0}\"}}",
            declared.symbol
        ),
        span: json.span(),
    };
    let (number, symbol) = match &json.kind {
        JsonKind::Number(_, raw) => return Err(missing(raw.to_string())),
        JsonKind::String(s) => {
            let s = s.trim();
            let split = s
                .find(|c: char| !(c.is_ascii_digit() || c == '.' || c == '-' || c == '+'))
                .unwrap_or(s.len());
            let (num, unit) = s.split_at(split);
            match num.parse::<f64>() {
                Ok(n) if n.is_finite() => {
                    if unit.trim().is_empty() {
                        return Err(missing(num.to_string()));
                    }
                    (n, unit.trim().to_string())
                }
                _ => return Err(mismatch()),
            }
        }
        JsonKind::Object(members) => {
            let mut number = None;
            let mut unit = None;
            for (key, value) in members {
                match (key.name.as_ref(), &value.kind) {
                    ("value", JsonKind::Number(n, _)) => number = Some(*n),
                    ("unit", JsonKind::String(u)) => unit = Some(u.to_string()),
                    _ => return Err(mismatch()),
                }
            }
            match (number, unit) {
                (Some(n), Some(u)) => (n, u),
                (Some(n), None) => return Err(missing(units::format_number(n))),
                _ => return Err(mismatch()),
            }
        }
        _ => return Err(mismatch()),
    };
    let same_dim: Vec<&str> = units::UNITS
        .iter()
        .filter(|u| u.dimension == dim)
        .map(|u| u.symbol)
        .collect();
    let Some(unit) = units::lookup(&symbol) else {
        return Err(CaseError::UnknownUnit {
            help: help_for(
                &symbol,
                units::symbols(),
                &format!("units of {}: {}", dim.name(), list(&same_dim)),
            ),
            unit: symbol,
            span: json.span(),
        });
    };
    if unit.dimension != dim {
        return Err(CaseError::WrongDimension {
            name: name.to_string(),
            expected: dim.name().to_string(),
            unit: symbol,
            found: unit.dimension.name().to_string(),
            units: list(&same_dim),
            span: json.span(),
        });
    }
    Ok(Some(Value::Quantity(number * unit.factor)))
}

/// The JSON form of a value of type `ty`, as the outcome contract writes it
/// (quantities in the declared unit, enums by name, dates in ISO form).
pub fn to_json(model: &Model, ty: Type, value: Option<Value>) -> serde_json::Value {
    use serde_json::Value as J;
    let Some(value) = value else { return J::Null };
    match (ty, value) {
        (_, Value::Bool(b)) => J::Bool(b),
        (_, Value::Int(i)) => J::from(i),
        (_, Value::Number(n)) => J::from(n),
        (Type::Quantity { unit, .. }, Value::Quantity(q)) => {
            serde_json::json!({"value": q / unit.factor, "unit": unit.symbol})
        }
        (_, Value::Quantity(q)) => J::from(q),
        (_, Value::Date(d)) => J::String(value::format_date(d)),
        (Type::Enum(id), Value::Enum(i)) => model
            .enum_info(id)
            .and_then(|e| e.values.get(i as usize))
            .map(|v| J::String(v.name.clone()))
            .unwrap_or(J::Null),
        (_, Value::Enum(i)) => J::from(i),
        (Type::Row(t), Value::Row(r)) => {
            // A row is written as its cells, `{"column": value, ...}`.
            let mut cells = serde_json::Map::new();
            let table = model.tables.get(t.0 as usize);
            if let Some((table, row)) =
                table.and_then(|t| t.rows.get(r as usize).map(|row| (t, row)))
            {
                for (column, cell) in table.columns.iter().zip(&row.cells) {
                    cells.insert(column.name.clone(), to_json(model, column.ty, Some(*cell)));
                }
            }
            J::Object(cells)
        }
        (_, Value::Row(i)) => J::from(i),
    }
}

/// A plain JSON copy of a spanned value.
pub fn plain(json: &Json) -> serde_json::Value {
    use serde_json::Value as J;
    match &json.kind {
        JsonKind::Null => J::Null,
        JsonKind::Bool(b) => J::Bool(*b),
        JsonKind::Number(n, _) => J::from(*n),
        JsonKind::String(s) => J::String(s.to_string()),
        JsonKind::Array(items) => J::Array(items.iter().map(plain).collect()),
        JsonKind::Object(members) => J::Object(
            members
                .iter()
                .map(|(k, v)| (k.name.to_string(), plain(v)))
                .collect(),
        ),
    }
}

/// `a`, `b` and `c` in backticks.
pub fn list(items: &[&str]) -> String {
    let quoted: Vec<String> = items.iter().map(|s| format!("`{s}`")).collect();
    match quoted.split_last() {
        None => "none".to_string(),
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} and {last}", rest.join(", ")),
    }
}
