//! Cohort stage: the output record batch of a cohort batch, one row per
//! input row: the `name` column passed through when the input has one, a
//! status per recommendation (a dictionary of `applies`, `not_applicable`,
//! `undetermined`; null for a row in error), optionally every derived
//! value (`derived.NAME`, typed as its definition) and every
//! recommendation's missing facts (`missing.ID`, a list of fact names),
//! and `error` (null when the row ran).

use super::arrow::Options;
use super::columns::UNIT_KEY;
use crate::check::model::{Model, Type};
use crate::eval::outcome::Status;
use crate::value::Value;
use arrow_array::builder::{
    BooleanBuilder, Date32Builder, Float64Builder, Int64Builder, ListBuilder, StringBuilder,
    UInt32Builder, UInt8Builder,
};
use arrow_array::types::{UInt32Type, UInt8Type};
use arrow_array::{ArrayRef, DictionaryArray, StringArray};
use arrow_schema::{DataType, Field, Schema};
use std::collections::HashMap;
use std::sync::Arc;

/// The statuses as dictionary values, in the order of their keys.
const STATUSES: [&str; 3] = ["applies", "not_applicable", "undetermined"];

/// The dictionary key of a status.
pub(crate) fn key(status: Status) -> u8 {
    match status {
        Status::Applies => 0,
        Status::NotApplicable => 1,
        Status::Undetermined => 2,
    }
}

/// The output schema for a guideline; `name` is the input's name field.
pub(crate) fn schema(model: &Model, options: Options, name: Option<&Field>) -> Schema {
    let mut fields: Vec<Field> = name.into_iter().cloned().collect();
    let status = DataType::Dictionary(Box::new(DataType::UInt8), Box::new(DataType::Utf8));
    fields.extend(
        model
            .recs
            .iter()
            .map(|r| Field::new(r.id.as_str(), status.clone(), true)),
    );
    if options.derived {
        for d in &model.defs {
            let (ty, unit) = derived_type(d.ty);
            let mut f = Field::new(format!("derived.{}", d.name), ty, true);
            if let Some(u) = unit {
                f = f.with_metadata(HashMap::from([(UNIT_KEY.to_string(), u.to_string())]));
            }
            fields.push(f);
        }
    }
    if options.missing {
        let item = Arc::new(Field::new("item", DataType::Utf8, true));
        fields.extend(model.recs.iter().map(|r| {
            Field::new(
                format!("missing.{}", r.id),
                DataType::List(item.clone()),
                true,
            )
        }));
    }
    fields.push(Field::new("error", DataType::Utf8, true));
    Schema::new(fields)
}

/// The Arrow type of a derived value, and a quantity's unit.
fn derived_type(ty: Type) -> (DataType, Option<&'static str>) {
    match ty {
        Type::Bool => (DataType::Boolean, None),
        Type::Int { .. } => (DataType::Int64, None),
        Type::Number => (DataType::Float64, None),
        Type::Quantity { unit, .. } => (DataType::Float64, Some(unit.symbol)),
        Type::Date => (DataType::Date32, None),
        Type::Enum(_) => (
            DataType::Dictionary(Box::new(DataType::UInt32), Box::new(DataType::Utf8)),
            None,
        ),
        Type::Row(_) => (DataType::Utf8, None),
    }
}

/// A builder for one derived column.
pub(crate) enum Derived {
    Bool(BooleanBuilder),
    Int(Int64Builder),
    Float(Float64Builder, Option<crate::units::Unit>),
    Date(Date32Builder),
    Enum(UInt32Builder, ArrayRef),
    Text(StringBuilder),
}

impl Derived {
    pub(crate) fn new(model: &Model, ty: Type, rows: usize) -> Derived {
        match ty {
            Type::Bool => Derived::Bool(BooleanBuilder::with_capacity(rows)),
            Type::Int { .. } => Derived::Int(Int64Builder::with_capacity(rows)),
            Type::Number => Derived::Float(Float64Builder::with_capacity(rows), None),
            Type::Quantity { unit, .. } => {
                Derived::Float(Float64Builder::with_capacity(rows), Some(unit))
            }
            Type::Date => Derived::Date(Date32Builder::with_capacity(rows)),
            Type::Enum(e) => {
                let names: Vec<&str> = model
                    .enum_info(e)
                    .map(|i| i.values.iter().map(|v| v.name.as_str()).collect())
                    .unwrap_or_default();
                let values: ArrayRef = Arc::new(StringArray::from(names));
                Derived::Enum(UInt32Builder::with_capacity(rows), values)
            }
            Type::Row(_) => Derived::Text(StringBuilder::new()),
        }
    }

    /// Appends one value (`None` unknown, or a row in error).
    pub(crate) fn push(&mut self, model: &Model, ty: Type, v: Option<Value>) {
        match (self, v) {
            (Derived::Bool(b), Some(Value::Bool(x))) => b.append_value(x),
            (Derived::Int(b), Some(Value::Int(x))) => b.append_value(x),
            (Derived::Float(b, None), Some(Value::Number(x) | Value::Quantity(x))) => {
                b.append_value(x)
            }
            (Derived::Float(b, Some(u)), Some(Value::Quantity(x) | Value::Number(x))) => {
                b.append_value(u.from_canonical(x))
            }
            (Derived::Date(b), Some(Value::Date(d))) if crate::value::date::in_range(d) => {
                b.append_value(d)
            }
            (Derived::Enum(b, values), Some(Value::Enum(i))) if (i as usize) < values.len() => {
                b.append_value(i)
            }
            (Derived::Text(b), Some(v)) => {
                b.append_value(crate::value::json::encode(model, ty, Some(v)).to_string())
            }
            (Derived::Bool(b), _) => b.append_null(),
            (Derived::Int(b), _) => b.append_null(),
            (Derived::Float(b, _), _) => b.append_null(),
            (Derived::Date(b), _) => b.append_null(),
            (Derived::Enum(b, _), _) => b.append_null(),
            (Derived::Text(b), None) => b.append_null(),
        }
    }

    pub(crate) fn finish(self) -> ArrayRef {
        match self {
            Derived::Bool(mut b) => Arc::new(b.finish()),
            Derived::Int(mut b) => Arc::new(b.finish()),
            Derived::Float(mut b, _) => Arc::new(b.finish()),
            Derived::Date(mut b) => Arc::new(b.finish()),
            Derived::Enum(mut b, values) => {
                let keys = b.finish();
                match DictionaryArray::<UInt32Type>::try_new(keys.clone(), values) {
                    Ok(d) => Arc::new(d),
                    Err(_) => Arc::new(keys),
                }
            }
            Derived::Text(mut b) => Arc::new(b.finish()),
        }
    }
}

/// The status column of one recommendation from its keys.
pub(crate) fn status_column(mut keys: UInt8Builder) -> ArrayRef {
    let values: ArrayRef = Arc::new(StringArray::from(STATUSES.to_vec()));
    let keys = keys.finish();
    match DictionaryArray::<UInt8Type>::try_new(keys.clone(), values) {
        Ok(d) => Arc::new(d),
        Err(_) => Arc::new(keys),
    }
}

/// A builder of one `missing.ID` column.
pub(crate) fn missing_builder(rows: usize) -> ListBuilder<StringBuilder> {
    ListBuilder::with_capacity(StringBuilder::new(), rows)
}
