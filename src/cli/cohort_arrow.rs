//! Command line: `cairn cohort --format parquet|arrow -o FILE`, the
//! synthetic cohort (the same cases as in CSV, from the same generator)
//! written as typed columns in the schema `cohort::arrow::input_schema`
//! gives, batch by batch, atomically.

use super::batch_arrow::{Layout, Output};
use super::cohort_gen::{next_case, rng};
use super::output::IO;
use super::InputFormat;
use arrow_array::builder::{
    BooleanBuilder, Date32Builder, Float64Builder, Int64Builder, ListBuilder, StringBuilder,
    StringDictionaryBuilder,
};
use arrow_array::types::Int32Type;
use arrow_array::{ArrayRef, RecordBatch};
use cairn::case::Case;
use cairn::check::model::{FactId, Model, Type};
use cairn::eval::constraints::Constraints;
use cairn::value::Value;
use std::path::Path;
use std::sync::Arc;

/// Rows per batch written.
const ROWS: usize = 65_536;

/// One column being built.
enum Column {
    Bool(BooleanBuilder),
    Int(Int64Builder),
    Float(Float64Builder, Option<cairn::units::Unit>),
    Date(Date32Builder),
    Enum(StringDictionaryBuilder<Int32Type>, Vec<String>),
    List(ListBuilder<StringBuilder>, usize),
}

/// Writes `n` cases to `path`; exit code.
pub fn write(model: &Model, seeds: &[Case], n: usize, format: InputFormat, path: &Path) -> u8 {
    let layout = match (format, Layout::of(path)) {
        (InputFormat::Parquet, _) => Layout::Parquet,
        (_, Some(Layout::IpcStream)) => Layout::IpcStream,
        _ => Layout::IpcFile,
    };
    let schema = Arc::new(cairn::cohort::arrow::input_schema(
        &cairn::Program::from_model(model.clone(), cairn::source::SourceMap::new()),
    ));
    let mut out = match Output::create(path, layout, &schema) {
        Ok(o) => o,
        Err(e) => {
            super::output::error(format_args!("cannot write `{}`: {e}", path.display()));
            return IO;
        }
    };
    let constraints = Constraints::new(model);
    let mut rng = rng();
    let mut left = n;
    while left > 0 {
        let rows = left.min(ROWS);
        left -= rows;
        let mut columns = builders(model);
        for _ in 0..rows {
            let case = next_case(model, seeds, &constraints, &mut rng);
            for (column, fact) in &mut columns {
                push(column, model, *fact, &case);
            }
        }
        let arrays: Vec<ArrayRef> = columns.into_iter().map(|(c, _)| finish(c)).collect();
        let batch = RecordBatch::try_new(schema.clone(), arrays).map_err(|e| e.to_string());
        if let Err(e) = batch.and_then(|b| out.write(&b)) {
            super::output::error(format_args!("cannot write `{}`: {e}", path.display()));
            return IO;
        }
    }
    match out.finish() {
        Ok(()) => 0,
        Err(e) => {
            super::output::error(format_args!("{e}"));
            IO
        }
    }
}

/// A builder per column of the input schema, in its order: each fact's
/// (slot facts aside), then each list's (with the list's index).
fn builders(model: &Model) -> Vec<(Column, usize)> {
    let mut out = Vec::new();
    for (f, info) in model.facts.iter().enumerate() {
        if model.slot_of(FactId(f as u32)).is_some() {
            continue;
        }
        let column = match info.ty {
            Type::Bool => Column::Bool(BooleanBuilder::new()),
            Type::Int { .. } => Column::Int(Int64Builder::new()),
            Type::Number => Column::Float(Float64Builder::new(), None),
            Type::Quantity { unit, .. } => Column::Float(Float64Builder::new(), Some(unit)),
            Type::Date => Column::Date(Date32Builder::new()),
            Type::Enum(e) => Column::Enum(
                StringDictionaryBuilder::new(),
                model
                    .enum_info(e)
                    .map(|i| i.values.iter().map(|v| v.name.clone()).collect())
                    .unwrap_or_default(),
            ),
            Type::Row(_) => continue,
        };
        out.push((column, f));
    }
    for l in 0..model.lists.len() {
        out.push((Column::List(ListBuilder::new(StringBuilder::new()), l), l));
    }
    out
}

fn push(column: &mut Column, model: &Model, fact: usize, case: &Case) {
    let v = case.facts.get(fact).copied().flatten();
    match (column, v) {
        (Column::Bool(b), Some(Value::Bool(x))) => b.append_value(x),
        (Column::Int(b), Some(Value::Int(x))) => b.append_value(x),
        (Column::Float(b, None), Some(Value::Number(x))) => b.append_value(x),
        (Column::Float(b, Some(u)), Some(Value::Quantity(x))) => {
            b.append_value(u.from_canonical(x))
        }
        (Column::Date(b), Some(Value::Date(d))) => b.append_value(d),
        (Column::Enum(b, names), Some(Value::Enum(i))) => match names.get(i as usize) {
            Some(name) => {
                let _ = b.append(name);
            }
            None => b.append_null(),
        },
        (Column::List(b, l), _) => {
            let Some(info) = model.lists.get(*l) else {
                return b.append(false);
            };
            let names = model.enum_info(info.values).map(|e| &e.values);
            let mut inside = Vec::new();
            for (i, slot) in info.slots.iter().enumerate() {
                match case.facts.get(slot.0 as usize).copied().flatten() {
                    Some(Value::Bool(true)) => inside.extend(names.and_then(|n| n.get(i))),
                    Some(_) => {}
                    // Some membership unknown: the list is unknown.
                    None => return b.append(false),
                }
            }
            for v in inside {
                b.values().append_value(&v.name);
            }
            b.append(true);
        }
        (Column::Bool(b), _) => b.append_null(),
        (Column::Int(b), _) => b.append_null(),
        (Column::Float(b, _), _) => b.append_null(),
        (Column::Date(b), _) => b.append_null(),
        (Column::Enum(b, _), _) => b.append_null(),
    }
}

fn finish(column: Column) -> ArrayRef {
    match column {
        Column::Bool(mut b) => Arc::new(b.finish()),
        Column::Int(mut b) => Arc::new(b.finish()),
        Column::Float(mut b, _) => Arc::new(b.finish()),
        Column::Date(mut b) => Arc::new(b.finish()),
        Column::Enum(mut b, _) => Arc::new(b.finish()),
        Column::List(mut b, _) => Arc::new(b.finish()),
    }
}
