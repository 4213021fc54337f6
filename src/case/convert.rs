//! Case stage: reads a JSON value of a case file as a runtime [`Value`] of
//! a declared type. The mapping itself is the value codec
//! ([`crate::value::json`]); this module turns the codec's reasons into
//! diagnostics pointing at the value.

// A `CaseError` is large, but it is built only on the failure path, once
// per bad value, so boxing it would buy nothing.
#![allow(clippy::result_large_err)]

use super::error::{help_for, CaseError};
use super::json::{Json, JsonKind};
use crate::check::model::{Domain, Model, Type};
use crate::units;
use crate::value::json::{decode_in, DecodeError, Shape};
use crate::value::Value;

/// The codec's view of a spanned value.
fn shape<'a>(json: &'a Json) -> Shape<'a> {
    match &json.kind {
        JsonKind::Null => Shape::Null,
        JsonKind::Bool(b) => Shape::Bool(*b),
        JsonKind::Number(n, raw) => Shape::Number(*n, (*raw).into()),
        JsonKind::String(s) => Shape::String(s),
        JsonKind::Array(_) => Shape::Array,
        JsonKind::Object(members) => Shape::Object(
            members
                .iter()
                .map(|(k, v)| (k.name.as_ref(), shape(v)))
                .collect(),
        ),
    }
}

/// Converts `json` to a value of type `ty` for the fact or definition `name`,
/// within the fact's `domain` (range and conversions) when it has one.
/// `null` is unknown (`Ok(None)`).
pub fn to_value(
    model: &Model,
    name: &str,
    ty: Type,
    domain: Option<&Domain>,
    json: &Json,
) -> Result<Option<Value>, CaseError> {
    let why = match decode_in(model, ty, domain, &shape(json)) {
        Ok(v) => return Ok(v),
        Err(why) => why,
    };
    let raw = match &json.kind {
        JsonKind::Number(_, raw) => raw.to_string(),
        JsonKind::String(s) => s.to_string(),
        _ => String::new(),
    };
    let span = json.span();
    Err(match why {
        DecodeError::Mismatch => {
            let (expected, help) = expected(model, ty);
            CaseError::TypeMismatch {
                name: name.to_string(),
                expected,
                found: json.type_name().to_string(),
                help,
                span,
            }
        }
        DecodeError::NotInteger => CaseError::NotInteger {
            name: name.to_string(),
            value: raw,
            span,
        },
        DecodeError::OutOfRange if matches!(ty, Type::Number | Type::Quantity { .. }) => {
            CaseError::DeclaredRange {
                name: name.to_string(),
                range: domain.and_then(|d| d.written.clone()).unwrap_or_default(),
                value: if raw.is_empty() {
                    plain(json).to_string()
                } else {
                    raw
                },
                span,
            }
        }
        DecodeError::OutOfRange => {
            let range = match ty {
                Type::Int {
                    min: Some(a),
                    max: Some(b),
                } => format!("{a} and {b}"),
                Type::Int {
                    min: Some(a),
                    max: None,
                } => format!("{a} and any larger number"),
                Type::Int {
                    min: None,
                    max: Some(b),
                } => format!("any number and {b}"),
                _ => String::new(),
            };
            CaseError::IntegerRange {
                name: name.to_string(),
                range,
                value: raw,
                span,
            }
        }
        DecodeError::IntegerTooLarge => CaseError::ValueRange {
            name: name.to_string(),
            value: raw,
            help: "integers are 64-bit, from -9223372036854775808 to 9223372036854775807, \
                   written as digits"
                .into(),
            span,
        },
        DecodeError::QuantityRange => CaseError::ValueRange {
            name: name.to_string(),
            value: if raw.is_empty() {
                plain(json).to_string()
            } else {
                raw
            },
            help: format!(
                "numbers and quantities are limited to {:e} in magnitude (in the unit `{}`)",
                units::MAX_MAGNITUDE,
                declared_dim(ty).map_or("".into(), |d| d.canonical())
            ),
            span,
        },
        DecodeError::BadDate => CaseError::BadDate {
            help: if raw == "never" {
                format!(
                    "`{name}` is declared `date`, not `date or never`: give the date, or `null` \
                     when it is unknown"
                )
            } else {
                crate::value::date::suggest(&raw)
            },
            value: raw,
            span,
        },
        DecodeError::UnknownEnumValue => {
            let values = match ty {
                Type::Enum(id) => model.enum_info(id).map(|e| e.values.as_slice()),
                _ => None,
            };
            let all: Vec<&str> = values
                .unwrap_or(&[])
                .iter()
                .map(|v| v.name.as_str())
                .collect();
            CaseError::UnknownEnumValue {
                name: name.to_string(),
                help: help_for(
                    &raw,
                    all.iter().copied(),
                    &format!("the values are {}", list(&all)),
                ),
                value: raw,
                span,
            }
        }
        DecodeError::MissingUnit(number) => {
            let unit = declared_unit(ty);
            CaseError::MissingUnit {
                name: name.to_string(),
                example: format!("{number} {unit}"),
                number,
                unit: unit.to_string(),
                span,
            }
        }
        DecodeError::UnknownUnit(unit) => {
            // Only units the fact accepts: its dimension's and those its
            // conversions relate it to (`"50 gy"` on a dose is `Gy`, not `g`).
            let accepted = accepted_units(ty, domain);
            let dim = declared_dim(ty);
            CaseError::UnknownUnit {
                help: help_for(
                    &unit,
                    accepted.iter().map(String::as_str),
                    &format!(
                        "units of {}: {}",
                        dim.map(|d| d.name()).unwrap_or_default(),
                        unit_list(&accepted)
                    ),
                ),
                unit,
                span,
            }
        }
        DecodeError::UnitRefused(unit, reason) => CaseError::UnknownUnit {
            help: format!("`{unit}` is refused: {reason}"),
            unit,
            span,
        },
        DecodeError::WrongDimension { unit, found } => {
            let dim = declared_dim(ty);
            CaseError::WrongDimension {
                name: name.to_string(),
                expected: dim.map(|d| d.name()).unwrap_or_default().to_string(),
                unit,
                found: found.name().to_string(),
                units: unit_list(&accepted_units(ty, domain)),
                span,
            }
        }
    })
}

/// What a value of type `ty` must be, and how to write one.
fn expected(model: &Model, ty: Type) -> (String, String) {
    let (expected, help) = match ty {
        Type::Bool => (
            "a boolean".into(),
            "write `true`, `false` or `null` (unknown)".into(),
        ),
        Type::Int { .. } => (
            "an integer".into(),
            "write a whole number such as `2`, or `null` (unknown)".into(),
        ),
        Type::Number => (
            "a number".into(),
            "write a number such as `0.5`, or `null` (unknown)".into(),
        ),
        Type::Quantity { unit, .. } => (
            format!("a quantity in {}", unit.symbol),
            format!(
                "write it as \"50 {0}\" or {{\"value\": 50, \"unit\": \"{0}\"}}",
                unit.symbol
            ),
        ),
        Type::Date => (
            "a date".into(),
            "write dates as \"YYYY-MM-DD\", e.g. \"2024-01-23\"".into(),
        ),
        Type::Enum(id) => {
            let first = model
                .enum_info(id)
                .and_then(|e| e.values.first())
                .map(|v| v.name.clone())
                .unwrap_or_default();
            (
                "an enum value".into(),
                format!("write a value name as a string, e.g. \"{first}\""),
            )
        }
        // A table row cannot be supplied as a fact; expectations about rows
        // are compared as JSON and never reach this function.
        Type::Row(_) => (
            "a table row".into(),
            "table rows are computed, not given".into(),
        ),
    };
    (expected, help)
}

fn declared_unit(ty: Type) -> &'static str {
    match ty {
        Type::Quantity { unit, .. } => unit.symbol,
        _ => "",
    }
}

fn declared_dim(ty: Type) -> Option<units::Dimension> {
    match ty {
        Type::Quantity { dim, .. } => Some(dim),
        _ => None,
    }
}

/// The first units of a list, for a help line (any UCUM unit of the
/// dimension is accepted, so the list is examples).
fn unit_list(units: &[String]) -> String {
    const SHOWN: usize = 10;
    match units.get(SHOWN..) {
        Some(rest) if !rest.is_empty() => {
            format!("{}, ...", list(&units[..SHOWN]).replacen(" and ", ", ", 1))
        }
        _ => list(units),
    }
}

/// The units a quantity fact accepts, its declared unit first, then its
/// dimension's and those of its conversions; none for another type.
fn accepted_units(ty: Type, domain: Option<&Domain>) -> Vec<String> {
    let Type::Quantity { dim, unit } = ty else {
        return Vec::new();
    };
    // The first few of each dimension, then the rest, so that the units of
    // a conversion show in a shortened list.
    const FIRST: usize = 4;
    let mut out = vec![unit.symbol.to_string()];
    let others = domain
        .into_iter()
        .flat_map(|d| &d.conversions)
        .map(|c| c.other);
    let lists: Vec<Vec<String>> = std::iter::once(dim)
        .chain(others)
        .map(|d| units::same_dimension(Some(d)))
        .collect();
    let heads = lists.iter().flat_map(|l| l.iter().take(FIRST));
    let tails = lists.iter().flat_map(|l| l.iter().skip(FIRST));
    for s in heads.chain(tails) {
        if !out.contains(s) {
            out.push(s.clone());
        }
    }
    out
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
pub fn list<S: AsRef<str>>(items: &[S]) -> String {
    let quoted: Vec<String> = items.iter().map(|s| format!("`{}`", s.as_ref())).collect();
    match quoted.split_last() {
        None => "none".to_string(),
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} and {last}", rest.join(", ")),
    }
}
