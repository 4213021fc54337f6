//! Case stage: a case from one row of a cohort table (a CSV line), decoded
//! straight into the fact slots.
//!
//! The header is resolved against the model once ([`Columns::new`]): each
//! column names a fact (optionally with its unit, `dose[Gy]`), a list fact,
//! or `name`. A row's cells then become the same spanned values the JSON
//! reader gives and go through the one value codec ([`super::convert`]),
//! the list reader, `absent means` and the constraints of the guideline, so
//! a row loads to exactly the [`Case`] that [`super::load`] gives for the
//! equivalent JSON. Cell syntax (see the README, "Cohorts"):
//! - an empty cell is unknown (`null`); a column left out of the header
//!   takes the fact's `absent means` value, as a key left out does;
//! - booleans `true`/`false`, numbers as in JSON, dates `YYYY-MM-DD`, enum
//!   values by name;
//! - a quantity as `50.4 Gy`, or a bare number in the header's unit;
//! - a list fact as its value names separated by `;` (`a;b`); a cell of
//!   one `;` alone is the empty list.
//!
//! Spans are byte offsets in the row's text; a [`SourceMap`] holding the
//! row is built only when the row has an error.

// A `CaseError` is large, but it is built only for a bad cell (see
// `convert`).
#![allow(clippy::result_large_err)]

use super::error::{help_for, CaseError};
use super::json::{Json, JsonKind, Key};
use super::{Case, Loader};
use crate::check::model::{FactInfo, Model, Type};
use crate::check::{Checked, Failed};
use crate::diagnostics::Diagnostics;
use crate::eval::constraints::Constraints;
use crate::source::{FileId, SourceMap};
use crate::value::json::{decode_in, Shape};
use crate::value::Value;
use std::borrow::Cow;

/// One cell of a row: its text (unquoted) and its byte range in the row.
#[derive(Debug, Clone, PartialEq)]
pub struct Cell<'t> {
    /// The cell's text, quotes removed.
    pub text: Cow<'t, str>,
    /// Byte offset of its first byte in the row.
    pub start: usize,
    /// Byte offset one past its last byte.
    pub end: usize,
}

/// What a column holds.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Target {
    /// The case's name (for output).
    Name,
    /// A fact, by id, with the unit written in the header, if any.
    Fact { id: usize, unit: Option<String> },
    /// A list fact, by index in the model's lists.
    List(usize),
}

/// The header of a cohort table, resolved against a guideline's model,
/// with the guideline's constraints compiled once for every row.
#[derive(Debug, Clone)]
pub struct Columns {
    pub(super) targets: Vec<Target>,
    pub(super) constraints: Constraints,
    /// The column names as written, for error rows.
    names: Vec<String>,
    /// The quick path's view of the header (`row_quick`).
    pub(super) quick: super::row_quick::Header,
}

/// The file id of the one file a row's diagnostics point into.
const ROW_FILE: FileId = FileId(0);

impl Columns {
    /// Resolves the header `cells` of `text` (the header line of the file
    /// `file_name`): an unknown column (with a did-you-mean) or a column
    /// given twice is an error pointing at it.
    pub fn new(
        model: &Model,
        file_name: &str,
        text: &str,
        cells: &[Cell],
    ) -> Result<Columns, Failed> {
        let mut diagnostics = Diagnostics::new();
        let mut targets = Vec::with_capacity(cells.len());
        let mut seen: Vec<(&str, miette::SourceSpan)> = Vec::new();
        for cell in cells {
            let span: miette::SourceSpan = (cell.start, cell.end - cell.start).into();
            let written = cell.text.trim();
            let (name, unit) = match written.strip_suffix(']').and_then(|w| w.split_once('[')) {
                Some((n, u)) => (n.trim(), Some(u.trim().to_string())),
                None => (written, None),
            };
            if let Some((_, first)) = seen.iter().find(|(n, _)| *n == name) {
                diagnostics.push(
                    ROW_FILE,
                    CaseError::DuplicateKey {
                        key: name.to_string(),
                        span,
                        first: *first,
                    },
                );
                continue;
            }
            seen.push((name, span));
            let target = if name == "name" {
                Target::Name
            } else if let Some(i) = model.lists.iter().position(|l| l.name == name) {
                Target::List(i)
            } else if let Some(id) = model.fact(name) {
                let quantity = model
                    .facts
                    .get(id.0 as usize)
                    .is_some_and(|f| matches!(f.ty, Type::Quantity { .. }));
                if unit.is_some() && !quantity {
                    diagnostics.push(
                        ROW_FILE,
                        CaseError::Shape {
                            key: name.to_string(),
                            expected: "a column without a unit (the fact is not a quantity)".into(),
                            found: "a unit in the header".into(),
                            span,
                        },
                    );
                    continue;
                }
                Target::Fact {
                    id: id.0 as usize,
                    unit,
                }
            } else {
                let names = model
                    .facts
                    .iter()
                    .map(|f| f.name.as_str())
                    .chain(model.lists.iter().map(|l| l.name.as_str()))
                    .chain(["name"]);
                diagnostics.push(
                    ROW_FILE,
                    CaseError::UnknownFact {
                        name: name.to_string(),
                        help: help_for(
                            name,
                            names,
                            "remove the column, or declare the fact in the guideline",
                        ),
                        span,
                        guideline: model.meta.id.clone(),
                    },
                );
                continue;
            };
            targets.push(target);
        }
        if diagnostics.has_errors() {
            let mut sources = SourceMap::new();
            sources.add(file_name, text);
            return Err(Failed {
                sources,
                diagnostics,
            });
        }
        let names = cells.iter().map(|c| c.text.trim().to_string()).collect();
        let quick = super::row_quick::Header::new(model, &targets);
        Ok(Columns {
            targets,
            constraints: Constraints::new(model),
            names,
            quick,
        })
    }

    /// The number of columns.
    pub fn len(&self) -> usize {
        self.targets.len()
    }

    /// True when the header has no columns.
    pub fn is_empty(&self) -> bool {
        self.targets.is_empty()
    }

    /// The name of column `i` as written in the header.
    pub fn name(&self, i: usize) -> Option<&str> {
        self.names.get(i).map(String::as_str)
    }
}

/// A row loaded as a case: the case, and the name its `name` column gives.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    /// The validated case.
    pub case: Case,
    /// The `name` cell, when the table has that column and it is not empty.
    pub name: Option<String>,
}

/// Loads one row (`text`, split into `cells`, one per column) as a case.
/// `name` names the row in diagnostics (`cohort.csv:12`); it is called only
/// when the row has an error. The case's name is its `name` cell, if any. The number of
/// cells must match the header; the caller reports a row that does not.
pub fn load(
    checked: &Checked,
    columns: &Columns,
    name: impl FnOnce() -> String,
    text: &str,
    cells: &[Cell],
) -> Result<Row, Failed> {
    let model = &checked.model;
    let mut loader = Loader {
        model,
        file: ROW_FILE,
        diagnostics: Diagnostics::new(),
        fact_spans: vec![None; model.facts.len()],
    };
    let mut case = Case {
        name: String::new(),
        facts: vec![None; model.facts.len()],
        absent: Vec::new(),
    };
    let mut row_name = None;
    for (target, cell) in columns.targets.iter().zip(cells) {
        let text = cell.text.trim();
        let (start, end) = (cell.start, cell.end);
        match target {
            Target::Name => row_name = (!text.is_empty()).then(|| text.to_string()),
            Target::Fact { id, unit } => {
                let Some(info) = model.facts.get(*id) else {
                    continue;
                };
                match cell_value(model, info, unit.as_deref(), text, start, end) {
                    Ok(v) => {
                        if let Some(slot) = case.facts.get_mut(*id) {
                            *slot = v;
                        }
                        if let Some(span) = loader.fact_spans.get_mut(*id) {
                            *span = Some((start, end - start).into());
                        }
                    }
                    Err(e) => loader.push(e),
                }
            }
            Target::List(i) => {
                let Some(list) = model.lists.get(*i) else {
                    continue;
                };
                let key = Key {
                    name: Cow::Borrowed(list.name.as_str()),
                    start,
                    end,
                };
                let value = list_value(text, start, end);
                loader.list(list, &key, &value, &mut case.facts);
            }
        }
    }
    if !loader.diagnostics.has_errors() {
        loader.absent(&mut case);
        let broken = columns.constraints.broken(&case.facts);
        loader.broken_constraints(&checked.sources, broken);
    }
    if loader.diagnostics.has_errors() {
        let mut sources = SourceMap::new();
        sources.add(name(), text);
        return Err(Failed {
            sources,
            diagnostics: loader.diagnostics,
        });
    }
    case.name = row_name.clone().unwrap_or_default();
    Ok(Row {
        case,
        name: row_name,
    })
}

/// The value of a fact's cell (`text`, trimmed, at `start..end` of its
/// row) in the header's `unit`: the codec straight from the cell; the
/// diagnostic of a bad cell is built by the loader's path only when it
/// fails.
pub(super) fn cell_value(
    model: &Model,
    info: &FactInfo,
    unit: Option<&str>,
    text: &str,
    start: usize,
    end: usize,
) -> Result<Option<Value>, CaseError> {
    let value = fact_value(info.ty, unit, text, start, end);
    let decoded = flat_shape(&value)
        .and_then(|shape| decode_in(model, info.ty, Some(&info.domain), &shape).ok())
        .map(Ok);
    decoded.unwrap_or_else(|| {
        super::convert::to_value(model, &info.name, info.ty, Some(&info.domain), &value)
    })
}

/// The spanned value a fact's cell stands for, as the JSON reader would
/// give it: `null`, a boolean, a number (or a quantity in the header's
/// unit), or else the text as a string for the codec to read.
fn fact_value<'t>(
    ty: Type,
    unit: Option<&'t str>,
    text: &'t str,
    start: usize,
    end: usize,
) -> Json<'t> {
    let at = |kind| Json { kind, start, end };
    if text.is_empty() {
        return at(JsonKind::Null);
    }
    match ty {
        Type::Bool if text == "true" => at(JsonKind::Bool(true)),
        Type::Bool if text == "false" => at(JsonKind::Bool(false)),
        Type::Int { .. } | Type::Number | Type::Quantity { .. } => {
            // The one JSON number grammar; anything else (`50 Gy`) is a
            // string for the codec.
            let number = match super::json::parse(text) {
                Ok(Json {
                    kind: JsonKind::Number(n, _),
                    ..
                }) => Some(n),
                _ => None,
            };
            match (number, unit) {
                (Some(n), Some(u)) if matches!(ty, Type::Quantity { .. }) => {
                    let key = |name| Key {
                        name: Cow::Borrowed(name),
                        start,
                        end,
                    };
                    at(JsonKind::Object(vec![
                        (key("value"), at(JsonKind::Number(n, text))),
                        (key("unit"), at(JsonKind::String(Cow::Borrowed(u)))),
                    ]))
                }
                (Some(n), _) => at(JsonKind::Number(n, text)),
                (None, _) => at(JsonKind::String(Cow::Borrowed(text))),
            }
        }
        _ => at(JsonKind::String(Cow::Borrowed(text))),
    }
}

/// The codec's view of a cell's value, for the kinds a cell gives without
/// members (a quantity in the header's unit goes the loader's way).
fn flat_shape<'j>(json: &'j Json) -> Option<Shape<'j>> {
    Some(match &json.kind {
        JsonKind::Null => Shape::Null,
        JsonKind::Bool(b) => Shape::Bool(*b),
        JsonKind::Number(n, raw) => Shape::Number(*n, Cow::Borrowed(raw)),
        JsonKind::String(s) => Shape::String(s),
        _ => return None,
    })
}

/// The spanned value of a list cell: `null` when empty, else the array of
/// the names between `;` (a lone `;` is the empty list).
fn list_value(text: &str, start: usize, end: usize) -> Json<'_> {
    let at = |kind| Json { kind, start, end };
    if text.is_empty() {
        return at(JsonKind::Null);
    }
    let items = text
        .split(';')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| at(JsonKind::String(Cow::Borrowed(s))))
        .collect();
    at(JsonKind::Array(items))
}
