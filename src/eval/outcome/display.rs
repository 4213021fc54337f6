//! Eval stage: values in words and in JSON, in the declared unit of their
//! type (`grammar/SEMANTICS.md`, "Values in JSON").

use crate::check::model::{Detail, Model, Type};
use crate::units::{format_number, format_quantity};
use crate::value::{format_date, Value};
use serde_json::json;

/// A value in words: `dedifferentiated_liposarcoma`, `50.4 Gy`, `unknown`.
pub(crate) fn text(model: &Model, ty: Type, v: Option<Value>) -> String {
    let Some(v) = v else {
        return "unknown".to_string();
    };
    match v {
        Value::Bool(b) => b.to_string(),
        Value::Int(i) => i.to_string(),
        Value::Number(x) => format_number(x),
        Value::Quantity(x) => match ty {
            Type::Quantity { unit, .. } => format_quantity(x, unit),
            _ => format_number(x),
        },
        Value::Date(d) => format_date(d),
        Value::Enum(i) => enum_name(model, ty, i),
        Value::Row(r) => format!("row {}", u32::from(r) + 1),
    }
}

/// A value in words for a statement: like [`text`], but an enum value
/// shows its display label when it has one (`Dedifferentiated liposarcoma`).
pub(crate) fn statement_text(model: &Model, ty: Type, v: Option<Value>) -> String {
    if let (Type::Enum(e), Some(Value::Enum(i))) = (ty, v) {
        let label = model
            .enum_info(e)
            .and_then(|info| info.values.get(i as usize))
            .and_then(|v| v.label.clone());
        if let Some(label) = label {
            return label;
        }
    }
    text(model, ty, v)
}

/// The name of an enum value of type `ty`.
pub(crate) fn enum_name(model: &Model, ty: Type, i: u16) -> String {
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
pub(crate) fn number(x: f64) -> serde_json::Value {
    let r = (x * 1e9).round() / 1e9;
    let r = if r.is_finite() { r } else { x };
    if r.fract() == 0.0 && r.abs() < 9e15 {
        json!(r as i64)
    } else {
        json!(r)
    }
}

/// A quantity in a unit as JSON: `{"value": 1.8, "unit": "Gy"}`.
pub(crate) fn quantity(value_in_unit: f64, unit: &str) -> serde_json::Value {
    json!({"value": number(value_in_unit), "unit": unit})
}

/// A value as JSON.
pub(crate) fn json(model: &Model, ty: Type, v: Option<Value>) -> serde_json::Value {
    let Some(v) = v else {
        return serde_json::Value::Null;
    };
    match v {
        Value::Bool(b) => json!(b),
        Value::Int(i) => json!(i),
        Value::Number(x) => number(x),
        Value::Quantity(x) => match ty {
            Type::Quantity { unit, .. } => quantity(x / unit.factor, unit.symbol),
            _ => number(x),
        },
        Value::Date(d) => json!(format_date(d)),
        Value::Enum(i) => json!(enum_name(model, ty, i)),
        Value::Row(r) => row_json(model, ty, r),
    }
}

/// A table row as `{"column": value, ...}`.
fn row_json(model: &Model, ty: Type, r: u16) -> serde_json::Value {
    let mut map = serde_json::Map::new();
    if let Type::Row(t) = ty {
        if let Some(table) = model.tables.get(t.0 as usize) {
            if let Some(row) = table.rows.get(r as usize) {
                for (col, cell) in table.columns.iter().zip(&row.cells) {
                    map.insert(col.name.clone(), json(model, col.ty, Some(*cell)));
                }
            }
        }
    }
    serde_json::Value::Object(map)
}

/// An amount range as written: `3-6 months`, `10 years`.
pub(crate) fn range(low: f64, high: f64, unit: &str) -> String {
    if low == high {
        format!("{} {unit}", format_number(low))
    } else {
        format!("{}-{} {unit}", format_number(low), format_number(high))
    }
}

/// A detail in words.
pub(crate) fn detail_text(d: &Detail) -> String {
    match d {
        Detail::Dose {
            total_gy,
            unit,
            fractions,
        } => format!(
            "{} in {fractions} fraction{}",
            format_quantity(*total_gy, *unit),
            if *fractions == 1 { "" } else { "s" }
        ),
        Detail::Interval {
            low,
            high,
            unit,
            after,
        } => {
            let base = if low == high {
                format!("{} {}", format_number(*low), unit.symbol)
            } else {
                format!(
                    "{} to {} {}",
                    format_number(*low),
                    format_number(*high),
                    unit.symbol
                )
            };
            match after {
                Some(a) => format!("{base} after {a}"),
                None => base,
            }
        }
        Detail::Quantity(v, unit) => format_quantity(*v, *unit),
        Detail::Text(t) => t.clone(),
    }
}

/// A detail as JSON: text plus its structure.
pub(crate) fn detail_json(d: &Detail) -> serde_json::Value {
    let text = detail_text(d);
    match d {
        Detail::Dose {
            total_gy,
            unit,
            fractions,
        } => {
            let total = total_gy / unit.factor;
            let per = if *fractions == 0 {
                serde_json::Value::Null
            } else {
                quantity(total / f64::from(*fractions), unit.symbol)
            };
            json!({
                "text": text,
                "total": quantity(total, unit.symbol),
                "fractions": fractions,
                "dose_per_fraction": per,
            })
        }
        Detail::Interval {
            low,
            high,
            unit,
            after,
        } => json!({
            "text": text,
            "low": number(*low),
            "high": number(*high),
            "unit": unit.symbol,
            "after": after,
        }),
        Detail::Quantity(v, unit) => json!({
            "text": text,
            "value": number(v / unit.factor),
            "unit": unit.symbol,
        }),
        Detail::Text(t) => json!(t),
    }
}
