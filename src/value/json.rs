//! Values: the one codec between typed values and the JSON of the contract.
//!
//! Case files, outcomes, batch rows and analysis witnesses all write a
//! value the same way: `null` for unknown, booleans and numbers as such
//! (rounded to nine decimals, integral values without a fraction), a
//! quantity as `{"value": 1.8, "unit": "Gy"}` in its declared unit, a date
//! as `"YYYY-MM-DD"`, an enum value by name, a table row as its cells
//! `{"column": value, ...}`. Case files may also write a quantity as
//! `"50.4 Gy"` in any unit of its dimension. [`encode`] and [`decode`] are
//! that mapping; [`same`] compares two contract values as the test runner
//! does (numbers to a relative tolerance).
//!
//! The decoder reads a [`Shape`], so the case loader's span-recording reader
//! and plain `serde_json` values share it; the loader turns a
//! [`DecodeError`] into a diagnostic pointing at the value.

use crate::check::model::{Domain, Model, Type};
use crate::units::{self, Dimension};
use crate::value::{format_date, parse_date, Value};
use serde::Serialize;
use serde_json::{json, Value as J};
use std::borrow::Cow;

/// A value of type `ty` as contract JSON (`None`, unknown, is `null`).
pub fn encode(model: &Model, ty: Type, v: Option<Value>) -> J {
    let Some(v) = v else {
        return J::Null;
    };
    match v {
        Value::Bool(b) => json!(b),
        Value::Int(i) => json!(i),
        Value::Number(x) => number(x),
        Value::Quantity(x) => match ty {
            Type::Quantity { unit, .. } => quantity(unit.from_canonical(x), unit.symbol),
            _ => number(x),
        },
        Value::Date(d) => json!(format_date(d)),
        Value::Enum(i) => json!(enum_name(model, ty, i)),
        Value::Row(r) => row(model, ty, r),
    }
}

/// The name of value `i` of an enum type (`#i` when `ty` has no such value).
pub fn enum_name(model: &Model, ty: Type, i: u32) -> String {
    match ty {
        Type::Enum(e) => model
            .enum_info(e)
            .and_then(|info| info.values.get(i as usize))
            .map(|v| v.name.clone())
            .unwrap_or_else(|| format!("#{i}")),
        _ => format!("#{i}"),
    }
}

/// A float rounded to nine decimals, as a JSON number (integral values
/// print without a fraction: `50`, not `50.0`).
pub fn number(x: f64) -> J {
    match rounded(x) {
        Ok(i) => json!(i),
        Err(r) => json!(r),
    }
}

/// A float rounded to nine decimals: an integer when integral (`Ok`),
/// else the rounded float (`Err`), as [`number`] and [`Encoded`] write it.
fn rounded(x: f64) -> Result<i64, f64> {
    let r = (x * 1e9).round() / 1e9;
    let r = if r.is_finite() { r } else { x };
    if r.fract() == 0.0 && r.abs() < 9e15 {
        Ok(r as i64)
    } else {
        Err(r)
    }
}

/// A value of type `ty` written straight to a serializer, byte for byte as
/// [`encode`] would write it (object keys in the sorted order of a
/// `serde_json::Map`), without building the JSON tree: the outcome's
/// derived values and batch rows serialize through it.
#[derive(Debug, Clone, Copy)]
pub struct Encoded<'a> {
    /// The model that names enum values and table columns.
    pub model: &'a Model,
    /// The declared type.
    pub ty: Type,
    /// The value (`None`, unknown, is `null`).
    pub value: Option<Value>,
}

/// A float as [`number`] writes it.
struct Num(f64);

/// `#[serde(serialize_with)]` for an `f64` field of a JSON output, so every
/// JSON number of every command is written one way, as [`number`] writes it
/// (`100`, not `100.0`).
pub fn serialize_number<S: serde::Serializer>(x: &f64, s: S) -> Result<S::Ok, S::Error> {
    Num(*x).serialize(s)
}

impl Serialize for Num {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match rounded(self.0) {
            Ok(i) => s.serialize_i64(i),
            // `json!` of a non-finite float is `null`, as serde_json writes it.
            Err(r) => s.serialize_f64(r),
        }
    }
}

impl Serialize for Encoded<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let Some(v) = self.value else {
            return s.serialize_unit();
        };
        match v {
            Value::Bool(b) => s.serialize_bool(b),
            Value::Int(i) => s.serialize_i64(i),
            Value::Number(x) => Num(x).serialize(s),
            Value::Quantity(x) => match self.ty {
                Type::Quantity { unit, .. } => {
                    // Keys sorted, as in the map `quantity` builds.
                    let mut m = s.serialize_map(Some(2))?;
                    m.serialize_entry("unit", unit.symbol)?;
                    m.serialize_entry("value", &Num(unit.from_canonical(x)))?;
                    m.end()
                }
                _ => Num(x).serialize(s),
            },
            Value::Date(d) => s.serialize_str(&format_date(d)),
            Value::Enum(i) => match self.ty {
                Type::Enum(e) => match self
                    .model
                    .enum_info(e)
                    .and_then(|n| n.values.get(i as usize))
                {
                    Some(info) => s.serialize_str(&info.name),
                    None => s.serialize_str(&format!("#{i}")),
                },
                _ => s.serialize_str(&format!("#{i}")),
            },
            // Rows are rare and their columns need sorting: through the tree.
            Value::Row(_) => encode(self.model, self.ty, self.value).serialize(s),
        }
    }
}

/// A quantity in a unit as JSON: `{"value": 1.8, "unit": "Gy"}`.
pub fn quantity(value_in_unit: f64, unit: &str) -> J {
    json!({"value": number(value_in_unit), "unit": unit})
}

/// A table row as `{"column": value, ...}`.
fn row(model: &Model, ty: Type, r: u32) -> J {
    let mut map = serde_json::Map::new();
    let table = match ty {
        Type::Row(t) => model.tables.get(t.0 as usize),
        _ => None,
    };
    if let Some((table, row)) = table.and_then(|t| t.rows.get(r as usize).map(|row| (t, row))) {
        for (col, cell) in table.columns.iter().zip(&row.cells) {
            map.insert(col.name.clone(), encode(model, col.ty, Some(*cell)));
        }
    }
    J::Object(map)
}

/// Contract JSON equality, with numbers compared to a relative tolerance so
/// that a quantity converted between units still matches.
pub fn same(a: &J, b: &J) -> bool {
    match (a, b) {
        (J::Number(x), J::Number(y)) => match (x.as_f64(), y.as_f64()) {
            (Some(x), Some(y)) => units::approx_eq(x, y) || (x - y).abs() < 1e-6,
            _ => x == y,
        },
        (J::Array(x), J::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(x, y)| same(x, y))
        }
        (J::Object(x), J::Object(y)) => {
            x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| same(v, w)))
        }
        _ => a == b,
    }
}

/// A JSON value as the decoder reads it.
#[derive(Debug, Clone, PartialEq)]
pub enum Shape<'a> {
    /// `null`.
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// A number and its text as written (for messages).
    Number(f64, Cow<'a, str>),
    /// A string.
    String(&'a str),
    /// An array (never a value of any type).
    Array,
    /// An object's members, in order.
    Object(Vec<(&'a str, Shape<'a>)>),
}

impl<'a> Shape<'a> {
    /// The shape of a plain JSON value.
    pub fn of(json: &'a J) -> Shape<'a> {
        match json {
            J::Null => Shape::Null,
            J::Bool(b) => Shape::Bool(*b),
            J::Number(n) => Shape::Number(n.as_f64().unwrap_or(f64::NAN), n.to_string().into()),
            J::String(s) => Shape::String(s),
            J::Array(_) => Shape::Array,
            J::Object(m) => {
                Shape::Object(m.iter().map(|(k, v)| (k.as_str(), Shape::of(v))).collect())
            }
        }
    }
}

/// Why a JSON value is not a value of the declared type.
#[derive(Debug, Clone, PartialEq)]
pub enum DecodeError {
    /// Its JSON type does not fit the declared type.
    Mismatch,
    /// A number with a fraction (or beyond `i64`) where an integer is declared.
    NotInteger,
    /// An integer outside the declared bounds.
    OutOfRange,
    /// An integer beyond `i64`, or written as a float beyond 2^53, where
    /// it would no longer be exact.
    IntegerTooLarge,
    /// A quantity or decimal beyond [`units::MAX_MAGNITUDE`] (in canonical
    /// units, after conversion).
    QuantityRange,
    /// A string that is not a `YYYY-MM-DD` date.
    BadDate,
    /// A string naming no value of the enum.
    UnknownEnumValue,
    /// A quantity without its unit; the number as written.
    MissingUnit(String),
    /// A unit symbol Cairn does not know.
    UnknownUnit(String),
    /// A unit refused for a limit (too long, too deep, logarithmic, ...):
    /// the unit and why.
    UnitRefused(String, String),
    /// A unit of another dimension than the declared one.
    WrongDimension {
        /// The unit as written.
        unit: String,
        /// Its dimension.
        found: Dimension,
    },
}

/// The value of type `ty` that `json` writes (`Ok(None)` for `null`).
/// Quantities come out in canonical units. A table row is never decoded:
/// rows are computed, not given.
pub fn decode(model: &Model, ty: Type, json: &Shape) -> Result<Option<Value>, DecodeError> {
    decode_in(model, ty, None, json)
}

/// [`decode`] for a fact with a declared [`Domain`]: a number or quantity
/// outside its range is [`DecodeError::OutOfRange`], and a quantity may be
/// given in a dimension its conversions accept.
pub fn decode_in(
    model: &Model,
    ty: Type,
    domain: Option<&Domain>,
    json: &Shape,
) -> Result<Option<Value>, DecodeError> {
    let value = decode_value(model, ty, domain, json)?;
    if let (Some(Value::Number(x) | Value::Quantity(x)), Some(d)) = (value, domain) {
        if d.range.is_some_and(|(lo, hi)| !(lo..=hi).contains(&x)) {
            return Err(DecodeError::OutOfRange);
        }
    }
    Ok(value)
}

fn decode_value(
    model: &Model,
    ty: Type,
    domain: Option<&Domain>,
    json: &Shape,
) -> Result<Option<Value>, DecodeError> {
    let value = match (ty, json) {
        (_, Shape::Null) => return Ok(None),
        (Type::Bool, Shape::Bool(b)) => Value::Bool(*b),
        (Type::Int { min, max }, Shape::Number(n, raw)) => {
            // 2^53: from here on a float no longer holds every integer (2^53 + 1
            // reads as 2^53).
            const EXACT: f64 = 9_007_199_254_740_992.0;
            // Read the digits themselves when they are an integer, so every
            // i64 is exact; a number written otherwise (`2.0`, `1e3`) is
            // taken only where its float is exact.
            let i = match raw.parse::<i64>() {
                Ok(i) => i,
                Err(_) if !n.is_finite() || n.abs() >= EXACT => {
                    return Err(DecodeError::IntegerTooLarge)
                }
                Err(_) if n.fract() != 0.0 => return Err(DecodeError::NotInteger),
                Err(_) => *n as i64,
            };
            if min.is_some_and(|m| i < m) || max.is_some_and(|m| i > m) {
                return Err(DecodeError::OutOfRange);
            }
            Value::Int(i)
        }
        (Type::Number, Shape::Number(n, _)) if units::in_range(*n) => Value::Number(*n),
        (Type::Number, Shape::Number(..)) => return Err(DecodeError::QuantityRange),
        (Type::Quantity { dim, .. }, _) => Value::Quantity(canonical(dim, domain, json)?),
        // `never` for a `date or never` fact, or for an expected derived
        // date (no domain), which may follow one.
        (Type::Date, Shape::String("never")) if domain.is_none_or(|d| d.never) => {
            Value::Date(crate::value::date::NEVER)
        }
        (Type::Date, Shape::String(s)) => Value::Date(parse_date(s).ok_or(DecodeError::BadDate)?),
        (Type::Enum(id), Shape::String(s)) => {
            let values = model
                .enum_info(id)
                .map(|e| e.values.as_slice())
                .unwrap_or(&[]);
            let i = values
                .iter()
                .position(|v| v.name == *s)
                .ok_or(DecodeError::UnknownEnumValue)?;
            Value::Enum(u32::try_from(i).map_err(|_| DecodeError::UnknownEnumValue)?)
        }
        _ => return Err(DecodeError::Mismatch),
    };
    Ok(Some(value))
}

/// A quantity of dimension `dim` in canonical units, from `"50.4 Gy"` or
/// `{"value": 50.4, "unit": "Gy"}`.
fn canonical(dim: Dimension, domain: Option<&Domain>, json: &Shape) -> Result<f64, DecodeError> {
    let (number, symbol): (f64, Cow<str>) = match json {
        Shape::Number(_, raw) => return Err(DecodeError::MissingUnit(raw.to_string())),
        Shape::String(s) => {
            let s = s.trim();
            let (num, unit) = s.split_at(number_prefix(s));
            match num.parse::<f64>() {
                Ok(n) if n.is_finite() && unit.trim().is_empty() => {
                    return Err(DecodeError::MissingUnit(num.to_string()))
                }
                Ok(n) if n.is_finite() => (n, unit.trim().into()),
                // `"1e400 g"`: a number, but too large for any quantity.
                Ok(_) => return Err(DecodeError::QuantityRange),
                _ => return Err(DecodeError::Mismatch),
            }
        }
        Shape::Object(members) => {
            let (mut number, mut unit) = (None, None);
            for (key, value) in members {
                match (*key, value) {
                    ("value", Shape::Number(n, _)) => number = Some(*n),
                    ("unit", Shape::String(u)) => unit = Some(*u),
                    _ => return Err(DecodeError::Mismatch),
                }
            }
            match (number, unit) {
                (Some(n), Some(u)) => (n, u.into()),
                (Some(n), None) => return Err(DecodeError::MissingUnit(units::format_number(n))),
                _ => return Err(DecodeError::Mismatch),
            }
        }
        _ => return Err(DecodeError::Mismatch),
    };
    let unit = units::parse_value_unit(&symbol).map_err(|e| match e {
        units::UnitError::Unknown | units::UnitError::Syntax => {
            DecodeError::UnknownUnit(symbol.to_string())
        }
        other => DecodeError::UnitRefused(symbol.to_string(), other.reason()),
    })?;
    in_unit(dim, domain, number, unit, &symbol)
}

/// The length of the number that starts `s` (`"5.2e3 g"`: `5.2e3`); an
/// exponent counts only with its digits, so `"5 eq"` keeps its unit.
fn number_prefix(s: &str) -> usize {
    let bytes = s.as_bytes();
    let mantissa = |b: u8| b.is_ascii_digit() || b == b'.' || b == b'-' || b == b'+';
    let mut i = bytes
        .iter()
        .position(|b| !mantissa(*b))
        .unwrap_or(bytes.len());
    if matches!(bytes.get(i), Some(b'e' | b'E')) && i > 0 {
        let mut j = i + 1;
        if matches!(bytes.get(j), Some(b'-' | b'+')) {
            j += 1;
        }
        if bytes.get(j).is_some_and(u8::is_ascii_digit) {
            while bytes.get(j).is_some_and(u8::is_ascii_digit) {
                j += 1;
            }
            i = j;
        }
    }
    i
}

/// A quantity given as `number` in `unit`, a unit its reader resolved once
/// for many values (a typed column, `cohort::arrow`): exactly what
/// [`decode_in`] gives for `{"value": number, "unit": symbol}`.
pub fn decode_quantity_in(
    ty: Type,
    domain: Option<&Domain>,
    number: f64,
    unit: units::Unit,
) -> Result<Option<Value>, DecodeError> {
    let Type::Quantity { dim, .. } = ty else {
        return Err(DecodeError::Mismatch);
    };
    if !number.is_finite() {
        return Err(DecodeError::Mismatch);
    }
    let x = in_unit(dim, domain, number, unit, unit.symbol)?;
    if domain.is_some_and(|d| d.range.is_some_and(|(lo, hi)| !(lo..=hi).contains(&x))) {
        return Err(DecodeError::OutOfRange);
    }
    Ok(Some(Value::Quantity(x)))
}

/// `number` in `unit` in the canonical unit of `dim`, through a conversion
/// the domain declares when the dimensions differ.
fn in_unit(
    dim: Dimension,
    domain: Option<&Domain>,
    number: f64,
    unit: units::Unit,
    symbol: &str,
) -> Result<f64, DecodeError> {
    let value = units::to_canonical(number, unit).ok_or(DecodeError::QuantityRange)?;
    if unit.dimension == dim {
        return Ok(value);
    }
    // A dimension the fact declares a conversion from (a molar mass).
    let conversion = domain
        .into_iter()
        .flat_map(|d| &d.conversions)
        .find(|c| c.other == unit.dimension);
    match conversion {
        Some(c) => {
            let x = value * c.factor;
            units::in_range(x)
                .then_some(x)
                .ok_or(DecodeError::QuantityRange)
        }
        None => Err(DecodeError::WrongDimension {
            unit: symbol.to_string(),
            found: unit.dimension,
        }),
    }
}

#[cfg(test)]
#[path = "json_tests.rs"]
mod tests;
