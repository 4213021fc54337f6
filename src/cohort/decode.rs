//! Cohort stage: the columns of an Arrow record batch resolved against a
//! guideline's facts once ([`Plan::new`]), then every batch decoded column
//! by column straight into the fact slots of its cases ([`Plan::decode`]).
//!
//! Each column is downcast once per batch; a value goes through the value
//! codec (`case::typed`), with no JSON and no `String` per value (a
//! dictionary column's values are decoded once per batch). A value that
//! does not decode becomes a problem of its row, naming the column; the
//! rest of the row and the other rows still load.

use super::arrays::{numbers, Num, Texts};
use super::arrow::{Error, RowProblem};
use super::columns::{self, Kind, Target};
use crate::case::typed::{self, Problem};
use crate::case::Case;
use crate::check::model::{Model, Type};
use crate::eval::constraints::Constraints;
use crate::eval::Program;
use crate::value::json::{decode_quantity_in, Shape};
use crate::value::{date, Value};
use arrow_array::cast::AsArray;
use arrow_array::{Array, RecordBatch};
use arrow_buffer::ArrowNativeType;
use arrow_schema::Schema;
use std::borrow::Cow;
use std::fmt::Write as _;

/// A date column's day number outside the years 0001 to 9999.
pub const DATE_RANGE: &str = "cairn::cohort::date_range";

/// One resolved column.
#[derive(Debug, Clone)]
struct Column {
    /// Its index in the batch.
    index: usize,
    /// Its name as written.
    name: String,
    target: Target,
}

/// The columns of a cohort's schema, resolved against a guideline.
#[derive(Debug, Clone)]
pub(crate) struct Plan {
    columns: Vec<Column>,
    /// Per fact: some column gives it (so `absent means` does not apply).
    given: Vec<bool>,
    /// The facts no column gives that take their `absent means` value, by
    /// id ascending (as the loader puts them).
    absent: Vec<(u32, Value)>,
    constraints: Constraints,
    /// The index of the `name` column, if any.
    pub(crate) name: Option<usize>,
    schema: Schema,
}

impl Plan {
    /// Resolves `schema` against the guideline of `program`: every column
    /// must name a fact, a list or `name`, once, with a type that can hold
    /// its values.
    pub(crate) fn new(program: &Program, schema: &Schema) -> Result<Plan, Error> {
        let model = program.model();
        let mut columns = Vec::with_capacity(schema.fields().len());
        let mut given = vec![false; model.facts.len()];
        let mut name = None;
        let mut seen: Vec<&str> = Vec::new();
        for (index, field) in schema.fields().iter().enumerate() {
            let target = columns::resolve(model, field)?;
            let key = match &target {
                Target::Name => "name",
                Target::Fact { id, .. } => model.facts.get(*id).map_or("", |f| f.name.as_str()),
                Target::List(i) => model.lists.get(*i).map_or("", |l| l.name.as_str()),
            };
            if seen.contains(&key) {
                return Err(Error::DuplicateColumn {
                    column: field.name().clone(),
                });
            }
            seen.push(key);
            match &target {
                Target::Name => name = Some(index),
                Target::Fact { id, .. } => {
                    if let Some(g) = given.get_mut(*id) {
                        *g = true;
                    }
                }
                Target::List(i) => {
                    for slot in model.lists.get(*i).map_or(&[][..], |l| &l.slots) {
                        if let Some(g) = given.get_mut(slot.0 as usize) {
                            *g = true;
                        }
                    }
                }
            }
            columns.push(Column {
                index,
                name: field.name().clone(),
                target,
            });
        }
        let absent = model.absent_left_out(&given);
        Ok(Plan {
            columns,
            given,
            absent,
            constraints: Constraints::new(model),
            name,
            schema: schema.clone(),
        })
    }

    /// True when `schema` has the columns this plan was resolved for.
    pub(crate) fn fits(&self, schema: &Schema) -> bool {
        self.schema.fields() == schema.fields()
    }

    /// Decodes `batch` into `cases` (one per row, resized) and the problems
    /// of each row (`problems[row]`, cleared first); `slots` are the
    /// constraints' buffer, kept from batch to batch.
    pub(crate) fn decode(
        &self,
        program: &Program,
        batch: &RecordBatch,
        cases: &mut Vec<Case>,
        problems: &mut Vec<Vec<RowProblem>>,
        slots: &mut Vec<Option<Value>>,
    ) {
        let model = program.model();
        let rows = batch.num_rows();
        cases.resize_with(rows, Case::default);
        problems.resize_with(rows, Vec::new);
        for (case, p) in cases.iter_mut().zip(problems.iter_mut()) {
            case.facts.clear();
            case.facts.resize(model.facts.len(), None);
            case.absent.clear();
            p.clear();
        }
        let mut names: Vec<&str> = Vec::new();
        for column in &self.columns {
            let Some(array) = batch.columns().get(column.index) else {
                continue;
            };
            let mut sink = Sink {
                cases: cases.as_mut_slice(),
                problems: problems.as_mut_slice(),
                column: &column.name,
            };
            match &column.target {
                Target::Name => {}
                Target::Fact { id, kind } => fact(model, *id, kind, array.as_ref(), &mut sink),
                Target::List(i) => list(model, *i, array.as_ref(), &mut sink, &mut names),
            }
        }
        for (case, p) in cases.iter_mut().zip(problems.iter_mut()) {
            if p.is_empty() {
                // The `absent means` values of the facts no column gives,
                // then the constraints; only a row that breaks one goes
                // through the loader, for its problems.
                for (fact, value) in &self.absent {
                    if let Some(slot) = case.facts.get_mut(*fact as usize) {
                        *slot = Some(*value);
                    }
                    case.absent.push(*fact);
                }
                if !self.constraints.any_broken(&case.facts, slots) {
                    continue;
                }
                for (fact, _) in &self.absent {
                    if let Some(slot) = case.facts.get_mut(*fact as usize) {
                        *slot = None;
                    }
                }
                case.absent.clear();
                let found = typed::finish(
                    model,
                    program.sources(),
                    &self.constraints,
                    case,
                    &self.given,
                );
                p.extend(found.into_iter().map(|problem| RowProblem {
                    column: None,
                    problem,
                }));
            }
        }
    }
}

/// Where a column's values go.
struct Sink<'a> {
    cases: &'a mut [Case],
    problems: &'a mut [Vec<RowProblem>],
    column: &'a str,
}

impl Sink<'_> {
    fn put(&mut self, row: usize, fact: usize, value: Result<Option<Value>, Problem>) {
        match value {
            Ok(v) => {
                if let Some(slot) = self.cases.get_mut(row).and_then(|c| c.facts.get_mut(fact)) {
                    *slot = v;
                }
            }
            Err(problem) => self.problem(row, problem),
        }
    }

    fn problem(&mut self, row: usize, problem: Problem) {
        if let Some(p) = self.problems.get_mut(row) {
            p.push(RowProblem {
                column: Some(self.column.to_string()),
                problem,
            });
        }
    }
}

/// Decodes one fact column.
fn fact(model: &Model, id: usize, kind: &Kind, array: &dyn Array, sink: &mut Sink) {
    let Some(info) = model.facts.get(id) else {
        return;
    };
    let rows = array.len();
    match kind {
        Kind::Bool => {
            let Some(a) = array.as_boolean_opt() else {
                return;
            };
            if info.ty == Type::Bool {
                // The codec's value of a bool, without a shape per row.
                for row in 0..rows {
                    let value = a.is_valid(row).then(|| Value::Bool(a.value(row)));
                    sink.put(row, id, Ok(value));
                }
                return;
            }
            for row in 0..rows {
                let shape = if a.is_null(row) {
                    Shape::Null
                } else {
                    Shape::Bool(a.value(row))
                };
                sink.put(row, id, typed::decode(model, id, &shape));
            }
        }
        Kind::Number => {
            let mut digits = String::new();
            numbers(array, &mut |row, n| {
                let shape = match n {
                    None => Shape::Null,
                    // An integer within the fact's bounds is the codec's
                    // `Value::Int` as is; any other goes through it.
                    Some(Num::Int(i)) if within(info.ty, i) => {
                        return sink.put(row, id, Ok(Some(Value::Int(i))));
                    }
                    Some(Num::Int(i)) => {
                        // The digits, so every i64 is exact (the codec reads them).
                        digits.clear();
                        let _ = write!(digits, "{i}");
                        Shape::Number(i as f64, Cow::Borrowed(digits.as_str()))
                    }
                    Some(Num::Float(x)) => Shape::Number(x, Cow::Borrowed("")),
                };
                let value = typed::decode(model, id, &shape);
                sink.put(row, id, value);
            });
        }
        Kind::Quantity(unit) => numbers(array, &mut |row, n| {
            let x = match n {
                None => return sink.put(row, id, Ok(None)),
                Some(Num::Int(i)) => i as f64,
                Some(Num::Float(x)) => x,
            };
            let value = decode_quantity_in(info.ty, Some(&info.domain), x, *unit).map_err(|_| {
                let json = format!(
                    "{{\"value\": {}, \"unit\": {}}}",
                    serde_json::json!(x),
                    serde_json::json!(unit.symbol)
                );
                typed::problem(model, id, &json)
            });
            sink.put(row, id, value);
        }),
        Kind::Text => {
            let Some(texts) = Texts::of(array) else {
                return;
            };
            for row in 0..rows {
                // An empty text is unknown, as an empty CSV cell is: readers
                // such as pyarrow's CSV reader give `""`, not null, for one.
                let shape = texts
                    .get(row)
                    .filter(|t| !t.is_empty())
                    .map_or(Shape::Null, Shape::String);
                sink.put(row, id, typed::decode(model, id, &shape));
            }
        }
        Kind::Dictionary => {
            let Some(dict) = array.as_any_dictionary_opt() else {
                return;
            };
            let Some(texts) = Texts::of(dict.values().as_ref()) else {
                return;
            };
            // Each dictionary value decoded once for the whole batch.
            let decoded: Vec<Result<Option<Value>, Problem>> = (0..texts.len())
                .map(|k| {
                    let shape = texts.get(k).map_or(Shape::Null, Shape::String);
                    typed::decode(model, id, &shape)
                })
                .collect();
            if decoded.is_empty() {
                // No values, so every key is null (Arrow cannot normalise
                // the keys of an empty dictionary).
                for row in 0..rows {
                    sink.put(row, id, Ok(None));
                }
                return;
            }
            for (row, key) in dict.normalized_keys().into_iter().enumerate() {
                if array.is_null(row) {
                    sink.put(row, id, Ok(None));
                } else {
                    let value = decoded.get(key).cloned().unwrap_or(Ok(None));
                    sink.put(row, id, value);
                }
            }
        }
        Kind::Date => {
            let days = |row: usize| -> Option<i64> {
                if array.is_null(row) {
                    return None;
                }
                if let Some(a) = array.as_primitive_opt::<arrow_array::types::Date32Type>() {
                    return Some(i64::from(a.value(row)));
                }
                let a = array.as_primitive_opt::<arrow_array::types::Date64Type>()?;
                Some(a.value(row).div_euclid(86_400_000))
            };
            for row in 0..rows {
                let value = match days(row) {
                    None => Ok(None),
                    Some(d) => match i32::try_from(d).ok().filter(|&d| date::in_range(d)) {
                        Some(d) => Ok(Some(Value::Date(d))),
                        None => Err(Problem {
                            code: DATE_RANGE.into(),
                            message: format!(
                                "`{}`: day `{d}` after 1970-01-01 is outside the years 0001 to 9999",
                                info.name
                            ),
                            help: None,
                        }),
                    },
                };
                sink.put(row, id, value);
            }
        }
    }
}

/// True when the integer `i` is a value of `ty`, an `integer` fact within
/// its bounds (the codec's `Value::Int(i)`).
fn within(ty: Type, i: i64) -> bool {
    match ty {
        Type::Int { min, max } => min.is_none_or(|m| i >= m) && max.is_none_or(|m| i <= m),
        _ => false,
    }
}

/// Decodes one list column: a list of value names per row, or a text cell
/// of names separated by `;` (as in CSV; a lone `;` is the empty list).
fn list<'a>(
    model: &Model,
    list: usize,
    array: &'a dyn Array,
    sink: &mut Sink,
    names: &mut Vec<&'a str>,
) {
    let put = |row: usize, names: Option<&[&str]>, sink: &mut Sink| {
        let Some(case) = sink.cases.get_mut(row) else {
            return;
        };
        for problem in typed::list(model, list, names, &mut case.facts) {
            sink.problem(row, problem);
        }
    };
    if let Some(texts) = Texts::of(array) {
        for row in 0..array.len() {
            match texts.get(row).map(str::trim) {
                None | Some("") => put(row, None, sink),
                Some(text) => {
                    names.clear();
                    names.extend(text.split(';').map(str::trim).filter(|s| !s.is_empty()));
                    put(row, Some(names), sink);
                }
            }
        }
        return;
    }
    let (offsets, values): (Vec<usize>, &dyn Array) = if let Some(l) = array.as_list_opt::<i32>() {
        let o = l.value_offsets().iter().map(|o| o.as_usize()).collect();
        (o, l.values().as_ref())
    } else if let Some(l) = array.as_list_opt::<i64>() {
        let o = l.value_offsets().iter().map(|o| o.as_usize()).collect();
        (o, l.values().as_ref())
    } else {
        return;
    };
    let Some(texts) = Texts::of(values) else {
        return;
    };
    for row in 0..array.len() {
        if array.is_null(row) {
            put(row, None, sink);
            continue;
        }
        let (start, end) = (
            offsets.get(row).copied().unwrap_or(0),
            offsets.get(row + 1).copied().unwrap_or(0),
        );
        names.clear();
        names.extend((start..end).filter_map(|i| texts.get(i)));
        put(row, Some(names), sink);
    }
}
