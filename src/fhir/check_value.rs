//! FHIR stage (binding check): fact values written in a binding (`present`,
//! `map`, `closed_world`), checked against the fact's type through the case
//! codec, and what FHIR type a value path reads.

use crate::check::model::{FactInfo, Model, Type};
use crate::value::json::{decode_in, DecodeError, Shape};

/// A TOML value as case-file JSON (`None`: tables and arrays, never a value).
pub fn toml_to_json(v: &toml::Value) -> Option<serde_json::Value> {
    Some(match v {
        toml::Value::String(s) => serde_json::Value::String(s.clone()),
        toml::Value::Integer(i) => serde_json::Value::from(*i),
        toml::Value::Float(x) => serde_json::Number::from_f64(*x)?.into(),
        toml::Value::Boolean(b) => serde_json::Value::Bool(*b),
        toml::Value::Datetime(d) => serde_json::Value::String(d.to_string()),
        toml::Value::Array(_) | toml::Value::Table(_) => return None,
    })
}

/// `v` as a value of `fact`, in case-file JSON form; the error is help text.
pub fn fact_value(
    model: &Model,
    fact: &FactInfo,
    v: &toml::Value,
) -> Result<serde_json::Value, String> {
    let json = toml_to_json(v).ok_or_else(|| expected_help(model, fact))?;
    match decode_in(model, fact.ty, Some(&fact.domain), &Shape::of(&json)) {
        Ok(Some(_)) => Ok(json),
        Ok(None) => Err(expected_help(model, fact)),
        Err(DecodeError::UnknownEnumValue) => {
            let names = enum_names(model, fact);
            let written = json.as_str().unwrap_or_default();
            Err(
                crate::diagnostics::suggestion(written, names.iter().map(String::as_str))
                    .unwrap_or_else(|| expected_help(model, fact)),
            )
        }
        Err(_) => Err(expected_help(model, fact)),
    }
}

/// The names of an enum fact's values (empty for other types).
pub fn enum_names(model: &Model, fact: &FactInfo) -> Vec<String> {
    match fact.ty {
        Type::Enum(e) => model
            .enum_info(e)
            .map(|info| info.values.iter().map(|v| v.name.clone()).collect())
            .unwrap_or_default(),
        _ => Vec::new(),
    }
}

/// "one of `a`, `b`" or the like, for a value of the wrong type.
fn expected_help(model: &Model, fact: &FactInfo) -> String {
    match fact.ty {
        Type::Enum(_) => format!(
            "one of {}",
            crate::case::convert::list(&enum_names(model, fact))
        ),
        Type::Bool => "`true` or `false`".into(),
        Type::Date if fact.domain.never => "a date `\"YYYY-MM-DD\"` or `\"never\"`".into(),
        Type::Date => "a date `\"YYYY-MM-DD\"`".into(),
        Type::Quantity { unit, .. } => format!("a quantity such as `\"1 {}\"`", unit.symbol),
        Type::Int { .. } => "an integer within the fact's range".into(),
        Type::Number => "a number within the fact's range".into(),
        Type::Row(_) => "no value (a table row)".into(),
    }
}

/// The fact's type in words, for messages.
pub fn type_words(model: &Model, fact: &FactInfo) -> String {
    match fact.ty {
        Type::Bool => "bool".into(),
        Type::Int { min, max } => match (min, max) {
            (Some(a), Some(b)) => format!("integer {a} to {b}"),
            _ => "integer".into(),
        },
        Type::Number => "number".into(),
        Type::Quantity { unit, .. } => format!("quantity {}", unit.symbol),
        Type::Date if fact.domain.never => "date or never".into(),
        Type::Date => "date".into(),
        Type::Enum(_) => format!("enum {{{}}}", enum_names(model, fact).join(", ")),
        Type::Row(_) => "table row".into(),
    }
}

/// The kind of FHIR value a path's last step reads, when its name tells:
/// a choice suffix (`valueQuantity`) or a well-known element
/// (`birthDate`). `None` when the name says nothing (`value`, an
/// extension), so nothing is checked.
pub fn path_reads(text: &str) -> Option<Reads> {
    let last = text
        .rsplit('.')
        .find(|s| !s.contains('(') && !s.trim().is_empty())?
        .trim();
    const SUFFIXES: &[(&str, Reads)] = &[
        ("Quantity", Reads::Quantity),
        ("Boolean", Reads::Bool),
        ("Integer", Reads::Integer),
        ("Decimal", Reads::Decimal),
        ("CodeableConcept", Reads::Code),
        ("Coding", Reads::Code),
        ("String", Reads::Text),
        ("DateTime", Reads::Date),
        ("Date", Reads::Date),
        ("Period", Reads::Date),
        ("Instant", Reads::Date),
    ];
    const ELEMENTS: &[(&str, Reads)] = &[
        ("birthDate", Reads::Date),
        ("recordedDate", Reads::Date),
        ("authoredOn", Reads::Date),
        ("issued", Reads::Date),
        ("effective", Reads::Date),
        ("onset", Reads::Date),
        ("performed", Reads::Date),
        ("occurrence", Reads::Date),
        ("gender", Reads::Code),
        ("status", Reads::Code),
        ("code", Reads::Code),
        ("bodySite", Reads::Code),
        ("category", Reads::Code),
        ("interpretation", Reads::Code),
        ("clinicalStatus", Reads::Code),
        ("verificationStatus", Reads::Code),
        ("stage", Reads::Code),
    ];
    if let Some((_, r)) = ELEMENTS.iter().find(|(n, _)| *n == last) {
        return Some(*r);
    }
    let prefixes = [
        "value",
        "effective",
        "onset",
        "performed",
        "occurrence",
        "deceased",
        "abatement",
    ];
    let rest = prefixes.iter().find_map(|p| last.strip_prefix(p))?;
    SUFFIXES.iter().find(|(s, _)| *s == rest).map(|(_, r)| *r)
}

/// What a value path reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reads {
    /// A Quantity.
    Quantity,
    /// A boolean.
    Bool,
    /// An integer.
    Integer,
    /// A decimal.
    Decimal,
    /// A code, Coding or CodeableConcept.
    Code,
    /// A string.
    Text,
    /// A date, dateTime, instant or Period.
    Date,
}

impl Reads {
    /// In words.
    pub fn words(self) -> &'static str {
        match self {
            Reads::Quantity => "a Quantity",
            Reads::Bool => "a boolean",
            Reads::Integer => "an integer",
            Reads::Decimal => "a decimal",
            Reads::Code => "a code",
            Reads::Text => "a string",
            Reads::Date => "a date",
        }
    }

    /// True when a value of this kind can give a fact of type `ty`
    /// (`mapped`: the shape has a `map`, so codes and strings can give
    /// anything).
    pub fn fits(self, ty: Type, mapped: bool) -> bool {
        if mapped && matches!(self, Reads::Code | Reads::Text) {
            return true;
        }
        match ty {
            Type::Bool => self == Reads::Bool,
            Type::Int { .. } => self == Reads::Integer,
            Type::Number => matches!(self, Reads::Integer | Reads::Decimal),
            Type::Quantity { .. } => self == Reads::Quantity,
            Type::Date => self == Reads::Date,
            Type::Enum(_) => self == Reads::Code,
            Type::Row(_) => false,
        }
    }
}
