//! Case stage: the parts of loading a case that do not depend on how its
//! values are written, for readers of typed columns (Arrow and Parquet,
//! `cohort::arrow`), which fill the fact slots straight from their arrays.
//!
//! A typed value goes through the one value codec
//! ([`crate::value::json::decode_in`]); only when it fails is the value
//! written out as JSON text and read by the case loader's converter, so a
//! bad cell gets exactly the diagnostic (code, message, help) that the same
//! value in a case file gets. Lists, `absent means` and the constraints
//! run through the case loader itself ([`list`], [`finish`]).

// A `CaseError` is large, but it is built only for a bad value.
#![allow(clippy::result_large_err)]

use super::json::{Json, JsonKind, Key};
use super::{Case, Loader};
use crate::check::model::{Model, Type};
use crate::diagnostics::{Diagnostics, Report};
use crate::eval::constraints::Constraints;
use crate::source::{FileId, SourceMap};
use crate::value::json::{decode_in, Shape};
use crate::value::Value;
use std::borrow::Cow;

/// One problem of a typed row, as its error cell and error line say it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The stable code, e.g. `cairn::case::integer_range`.
    pub code: String,
    /// The message, lowercase, user input in backticks.
    pub message: String,
    /// How to fix it, when the diagnostic says.
    pub help: Option<String>,
}

impl Problem {
    fn of(report: &Report) -> Problem {
        Problem {
            code: report.code(),
            message: report.inner.to_string(),
            help: report.inner.help().map(|h| h.to_string()),
        }
    }
}

/// The one file a typed row's loader reports into (its spans are empty).
const ROW_FILE: FileId = FileId(0);

/// Decodes a value of fact `fact` (an index into the model's facts) read
/// from a typed cell as `shape`; on failure, the problem the case loader
/// reports for the same value in a case file.
pub fn decode(model: &Model, fact: usize, shape: &Shape) -> Result<Option<Value>, Problem> {
    let Some(info) = model.facts.get(fact) else {
        return Ok(None);
    };
    decode_in(model, info.ty, Some(&info.domain), shape)
        .map_err(|_| problem(model, fact, &json_text(shape)))
}

/// The problem of fact `fact` given the JSON value `json` (which the caller
/// found does not decode): the case loader's diagnostic.
pub fn problem(model: &Model, fact: usize, json: &str) -> Problem {
    let fallback = || Problem {
        code: "cairn::case::type_mismatch".into(),
        message: format!("`{json}` is not a value of this fact"),
        help: None,
    };
    let (Some(info), Ok(value)) = (model.facts.get(fact), super::json::parse(json)) else {
        return fallback();
    };
    match super::convert::to_value(model, &info.name, info.ty, Some(&info.domain), &value) {
        Err(e) => {
            let mut d = Diagnostics::new();
            d.push(ROW_FILE, e);
            d.reports.first().map_or_else(fallback, Problem::of)
        }
        Ok(_) => fallback(),
    }
}

/// A shape written as JSON text (only for a value that did not decode).
pub fn json_text(shape: &Shape) -> String {
    match shape {
        Shape::Null => "null".into(),
        Shape::Bool(b) => b.to_string(),
        Shape::Number(n, raw) if raw.is_empty() => serde_json::json!(n).to_string(),
        Shape::Number(_, raw) => raw.to_string(),
        Shape::String(s) => serde_json::json!(s).to_string(),
        Shape::Array => "[]".into(),
        Shape::Object(members) => {
            let inner: Vec<String> = members
                .iter()
                .map(|(k, v)| format!("{}: {}", serde_json::json!(k), json_text(v)))
                .collect();
            format!("{{{}}}", inner.join(", "))
        }
    }
}

/// Fills the slots of list `list` (an index into the model's lists) from
/// the value names of a typed cell: `None` is unknown, `Some(names)` the
/// list holding exactly those values. Problems are unknown value names.
pub fn list(
    model: &Model,
    list: usize,
    names: Option<&[&str]>,
    facts: &mut [Option<Value>],
) -> Vec<Problem> {
    let Some(info) = model.lists.get(list) else {
        return Vec::new();
    };
    let at = |kind| Json {
        kind,
        start: 0,
        end: 0,
    };
    let value = match names {
        None => at(JsonKind::Null),
        Some(names) => at(JsonKind::Array(
            names
                .iter()
                .map(|n| at(JsonKind::String(Cow::Borrowed(n))))
                .collect(),
        )),
    };
    let key = Key {
        name: Cow::Borrowed(info.name.as_str()),
        start: 0,
        end: 0,
    };
    let mut loader = loader(model);
    loader.list(info, &key, &value, facts);
    problems(&loader.diagnostics)
}

/// Finishes a row whose columns are read: the facts not given (`given`,
/// one flag per fact: its column is in the table) take their `absent
/// means` value, then the guideline's constraints are checked (`sources`
/// are the guideline's, which a broken constraint's help quotes).
pub fn finish(
    model: &Model,
    sources: &SourceMap,
    constraints: &Constraints,
    case: &mut Case,
    given: &[bool],
) -> Vec<Problem> {
    let mut loader = loader(model);
    loader.fact_spans = given.iter().map(|&g| g.then(|| (0, 0).into())).collect();
    loader.absent(case);
    let broken = constraints.broken(&case.facts);
    if broken.is_empty() {
        return Vec::new();
    }
    loader.broken_constraints(sources, broken);
    problems(&loader.diagnostics)
}

/// True when a fact's type is read from a list column rather than its own.
pub fn is_slot(model: &Model, fact: usize) -> bool {
    model
        .slot_of(crate::check::model::FactId(fact as u32))
        .is_some()
        && matches!(model.facts.get(fact).map(|f| f.ty), Some(Type::Bool))
}

fn loader(model: &Model) -> Loader<'_> {
    Loader {
        model,
        file: ROW_FILE,
        diagnostics: Diagnostics::new(),
        fact_spans: vec![None; model.facts.len()],
    }
}

fn problems(d: &Diagnostics) -> Vec<Problem> {
    d.reports
        .iter()
        .filter(|r| r.is_error())
        .map(Problem::of)
        .collect()
}
