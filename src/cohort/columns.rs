//! Cohort stage: the Arrow columns a guideline's cohort may have
//! ([`input_schema`]) and what one column of a given schema holds
//! ([`resolve`]): which fact, list or `name`, and how its values are read.
//!
//! Types follow the fact declarations: `bool` is boolean; `integer` any
//! integer type (or a float holding integers, as pandas writes an integer
//! column with nulls); `number` any integer or float; a quantity a number in
//! the fact's declared unit, or in the unit the field's metadata (`unit`)
//! or its name (`dose[Gy]`, as in CSV) gives, or text such as `50.4 Gy`;
//! an enum text or a dictionary of text; a date `date32`, `date64` or
//! `YYYY-MM-DD` text; a list a list of text (value names) or text of names
//! separated by `;`. Text of any Arrow layout (utf8, large utf8, utf8 view)
//! is read.

use super::arrow::Error;
use crate::case::error::help_for;
use crate::check::model::{FactId, Model, Type};
use crate::units::{self, Unit};
use arrow_schema::{DataType, Field, Schema};
use std::collections::HashMap;
use std::sync::Arc;

/// The field metadata key that gives a quantity column's unit.
pub const UNIT_KEY: &str = "unit";

/// What a column holds.
#[derive(Debug, Clone)]
pub(crate) enum Target {
    /// The case's name.
    Name,
    /// A fact, by index in the model's facts, read as `kind`.
    Fact { id: usize, kind: Kind },
    /// A list fact, by index in the model's lists.
    List(usize),
}

/// How a fact column's values are read.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Kind {
    Bool,
    /// Integers or floats, for `integer` and `number` facts.
    Number,
    /// Integers or floats in this unit, for a quantity.
    Quantity(Unit),
    /// Text through the codec (enum names, dates, `50.4 Gy`).
    Text,
    /// A dictionary of text (enum names), decoded once per batch.
    Dictionary,
    /// `date32` or `date64`.
    Date,
}

/// The columns a cohort of this guideline may have, typed from its fact
/// declarations, every one nullable (null is unknown); a quantity's unit is
/// in the field's metadata under `unit`. Enums are dictionaries of text;
/// plain text is read too. A `name` column (text) may be added.
pub fn input_schema(model: &Model) -> Schema {
    let mut fields = Vec::new();
    for (i, info) in model.facts.iter().enumerate() {
        if model.slot_of(FactId(i as u32)).is_some() {
            continue;
        }
        let (ty, unit) = match info.ty {
            Type::Bool => (DataType::Boolean, None),
            Type::Int { .. } => (DataType::Int64, None),
            Type::Number => (DataType::Float64, None),
            Type::Quantity { unit, .. } => (DataType::Float64, Some(unit.symbol)),
            Type::Date => (DataType::Date32, None),
            Type::Enum(_) => (
                DataType::Dictionary(Box::new(DataType::Int32), Box::new(DataType::Utf8)),
                None,
            ),
            Type::Row(_) => continue,
        };
        let mut field = Field::new(info.name.as_str(), ty, true);
        if let Some(u) = unit {
            field = field.with_metadata(HashMap::from([(UNIT_KEY.to_string(), u.to_string())]));
        }
        fields.push(field);
    }
    for list in &model.lists {
        let item = Arc::new(Field::new("item", DataType::Utf8, true));
        fields.push(Field::new(list.name.as_str(), DataType::List(item), true));
    }
    Schema::new(fields)
}

/// Resolves one field of a cohort's schema.
pub(crate) fn resolve(model: &Model, field: &Field) -> Result<Target, Error> {
    let written = field.name().trim();
    let (name, header_unit) = match written.strip_suffix(']').and_then(|w| w.split_once('[')) {
        Some((n, u)) => (n.trim(), Some(u.trim())),
        None => (written, None),
    };
    let ty = field.data_type();
    if name == "name" {
        return match ty {
            t if is_text(t) || is_int(t) => Ok(Target::Name),
            _ => Err(type_error(field, "the case's name", "text")),
        };
    }
    if let Some(i) = model.lists.iter().position(|l| l.name == name) {
        let ok = is_text(ty)
            || matches!(ty, DataType::List(item) | DataType::LargeList(item) if is_text(item.data_type()));
        return match ok {
            true => Ok(Target::List(i)),
            false => Err(type_error(field, "a list of value names", "a list of text")),
        };
    }
    let Some(id) = model
        .fact(name)
        .filter(|f| model.slot_of(*f).is_none())
        .map(|f| f.0 as usize)
    else {
        let names = model
            .facts
            .iter()
            .enumerate()
            .filter(|(i, _)| model.slot_of(FactId(*i as u32)).is_none())
            .map(|(_, f)| f.name.as_str())
            .chain(model.lists.iter().map(|l| l.name.as_str()))
            .chain(["name"]);
        return Err(Error::UnknownColumn {
            column: field.name().clone(),
            help: help_for(
                name,
                names,
                "remove the column, or declare the fact in the guideline",
            ),
        });
    };
    let Some(info) = model.facts.get(id) else {
        return Err(Error::UnknownColumn {
            column: field.name().clone(),
            help: String::new(),
        });
    };
    let meta_unit = field.metadata().get(UNIT_KEY).map(String::as_str);
    if header_unit.is_some() && !matches!(info.ty, Type::Quantity { .. }) {
        return Err(Error::ColumnUnit {
            column: field.name().clone(),
            message: "the fact is not a quantity: name the column without a unit".into(),
        });
    }
    let kind = match info.ty {
        Type::Bool if *ty == DataType::Boolean => Kind::Bool,
        Type::Bool => return Err(type_error(field, "a boolean", "boolean")),
        Type::Int { .. } | Type::Number if is_int(ty) || is_float(ty) => Kind::Number,
        Type::Int { .. } => return Err(type_error(field, "an integer", "int64")),
        Type::Number => return Err(type_error(field, "a number", "float64")),
        Type::Quantity { .. } if is_text(ty) => Kind::Text,
        Type::Quantity { unit, dim } if is_int(ty) || is_float(ty) => {
            let symbol = match (header_unit, meta_unit) {
                (Some(h), Some(m)) if h != m => {
                    return Err(Error::ColumnUnit {
                        column: field.name().clone(),
                        message: format!("the name gives the unit `{h}` and the metadata `{m}`"),
                    })
                }
                (Some(u), _) | (None, Some(u)) => u,
                (None, None) => unit.symbol,
            };
            let parsed = units::parse_value_unit(symbol).map_err(|e| Error::ColumnUnit {
                column: field.name().clone(),
                message: format!("cannot read the unit `{symbol}`: {}", e.reason()),
            })?;
            let converts = info
                .domain
                .conversions
                .iter()
                .any(|c| c.other == parsed.dimension);
            if parsed.dimension != dim && !converts {
                return Err(Error::ColumnUnit {
                    column: field.name().clone(),
                    message: format!(
                        "the unit `{symbol}` is not a unit of `{}`, which is in `{}`",
                        info.name, unit.symbol
                    ),
                });
            }
            Kind::Quantity(parsed)
        }
        Type::Quantity { unit, .. } => {
            let what = format!("a quantity in `{}`", unit.symbol);
            return Err(type_error(field, &what, "float64"));
        }
        Type::Date if matches!(ty, DataType::Date32 | DataType::Date64) => Kind::Date,
        Type::Date if is_text(ty) => Kind::Text,
        Type::Date => return Err(type_error(field, "a date", "date32")),
        Type::Enum(_) if is_text(ty) => Kind::Text,
        Type::Enum(_) => match ty {
            DataType::Dictionary(key, value) if is_int(key) && is_text(value) => Kind::Dictionary,
            _ => {
                return Err(type_error(
                    field,
                    "one of its values",
                    "dictionary<int32, utf8>",
                ))
            }
        },
        Type::Row(_) => {
            return Err(type_error(
                field,
                "a table row",
                "nothing: rows are computed",
            ))
        }
    };
    Ok(Target::Fact { id, kind })
}

fn type_error(field: &Field, expected: &str, arrow: &str) -> Error {
    Error::ColumnType {
        column: field.name().clone(),
        found: field.data_type().to_string(),
        expected: expected.to_string(),
        help: format!("give the column as {arrow}"),
    }
}

fn is_text(ty: &DataType) -> bool {
    matches!(
        ty,
        DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View
    )
}

fn is_int(ty: &DataType) -> bool {
    matches!(
        ty,
        DataType::Int8
            | DataType::Int16
            | DataType::Int32
            | DataType::Int64
            | DataType::UInt8
            | DataType::UInt16
            | DataType::UInt32
            | DataType::UInt64
    )
}

fn is_float(ty: &DataType) -> bool {
    matches!(ty, DataType::Float32 | DataType::Float64)
}
