//! Eval stage: values in words, in the declared unit of their type, and
//! details in JSON (values themselves go through `value::json`; see
//! `grammar/SEMANTICS.md`, "Values in JSON").

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
        Value::Row(r) => format!("row {}", u64::from(r) + 1),
    }
}

/// A value in words for a statement: like [`text`], but an enum value
/// shows its display label when it has one (`Dedifferentiated liposarcoma`).
/// Appends to `out`; the common values (enums, booleans, integers,
/// unknown) without a temporary string.
pub(crate) fn push_statement_text(out: &mut String, model: &Model, ty: Type, v: Option<Value>) {
    use std::fmt::Write as _;
    match (ty, v) {
        (Type::Enum(e), Some(Value::Enum(i))) => {
            let info = model
                .enum_info(e)
                .and_then(|info| info.values.get(i as usize));
            match info {
                Some(value) => out.push_str(value.label.as_deref().unwrap_or(&value.name)),
                None => out.push_str(&text(model, ty, v)),
            }
        }
        (_, None) => out.push_str("unknown"),
        (_, Some(Value::Bool(b))) => out.push_str(if b { "true" } else { "false" }),
        (_, Some(Value::Int(i))) => {
            let _ = write!(out, "{i}");
        }
        _ => out.push_str(&text(model, ty, v)),
    }
}

/// A value for a statement with the decimals of a `:.N` format, when it
/// has one and the value is a number (half away from zero), appended to
/// `out`.
pub(crate) fn push_statement_value(
    out: &mut String,
    model: &Model,
    ty: Type,
    v: Option<Value>,
    digits: Option<u8>,
) {
    use std::fmt::Write as _;
    let Some(d) = digits.map(usize::from) else {
        return push_statement_text(out, model, ty, v);
    };
    let mut fixed = |x: f64| {
        let scale = 10f64.powi(d as i32);
        let _ = write!(out, "{:.*}", d, (x * scale).round() / scale);
    };
    match (v, ty) {
        (Some(Value::Int(i)), _) => fixed(i as f64),
        (Some(Value::Number(x)), _) => fixed(x),
        (Some(Value::Quantity(x)), Type::Quantity { unit, .. }) => {
            fixed(unit.from_canonical(x));
            if unit.symbol == "%" {
                out.push_str(" %");
            } else {
                out.push(' ');
                out.push_str(unit.symbol);
            }
        }
        _ => push_statement_text(out, model, ty, v),
    }
}

pub(crate) use crate::value::json::{encode as json, enum_name, number, quantity};

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
            let total = unit.from_canonical(*total_gy);
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
            "value": number(unit.from_canonical(*v)),
            "unit": unit.symbol,
        }),
        Detail::Text(t) => json!(t),
    }
}
