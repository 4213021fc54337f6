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
            out.push_str(itoa::Buffer::new().format(i));
        }
        (_, Some(Value::Number(x))) => push_number(out, x),
        (Type::Quantity { unit, .. }, Some(Value::Quantity(x))) => {
            push_number(out, unit.from_canonical(x));
            out.push(' ');
            out.push_str(unit.symbol);
        }
        (_, Some(Value::Quantity(x))) => push_number(out, x),
        _ => out.push_str(&text(model, ty, v)),
    }
}

/// Appends a number as [`format_number`] writes it (`50`, `50.4`), without
/// its temporary string: the common values of a statement's placeholders.
pub(crate) fn push_number(out: &mut String, x: f64) {
    use std::fmt::Write as _;
    if x.fract() == 0.0 && x.abs() < 1e15 {
        out.push_str(itoa::Buffer::new().format(x as i64));
        return;
    }
    let from = out.len();
    let _ = write!(out, "{x:.6}");
    // Trailing zeros, then a trailing point, as `format_number` trims them.
    let kept = out
        .get(from..)
        .map(|s| s.trim_end_matches('0').trim_end_matches('.').len())
        .unwrap_or(0);
    out.truncate(from + kept);
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

#[cfg(test)]
mod tests {
    use super::push_number;
    use crate::units::format_number;

    #[test]
    fn a_pushed_number_reads_as_format_number_writes_it() {
        let mut state = 0x9e37_79b9_7f4a_7c15u64;
        let mut values = vec![
            0.0,
            -0.0,
            1.0,
            -1.0,
            0.5,
            50.4,
            1e15,
            1e16,
            -1e15,
            1e-7,
            0.1 + 0.2,
            1.0 / 3.0,
            2.5e-6,
            999_999.999_999_9,
            f64::NAN,
            f64::INFINITY,
            f64::NEG_INFINITY,
        ];
        for _ in 0..2000 {
            state ^= state >> 12;
            state ^= state << 25;
            state ^= state >> 27;
            let r = state.wrapping_mul(0x2545_f491_4f6c_dd1d);
            let scale = [1.0, 10.0, 1000.0, 1e6, 1e-3][(r % 5) as usize];
            values.push((r >> 11) as f64 / (1u64 << 40) as f64 * scale - scale / 2.0);
            values.push(((r >> 20) % 100_000) as f64 / 10.0);
        }
        for x in values {
            let mut out = String::from("dose ");
            push_number(&mut out, x);
            assert_eq!(out, format!("dose {}", format_number(x)), "{x:?}");
        }
    }
}
