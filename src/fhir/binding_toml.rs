//! FHIR stage (bindings): the binding file as written, read by `toml` with
//! the span of every key and value kept, so the check can point into the
//! file. Unknown keys are errors (a misspelt `filter` must not be ignored).

use super::binding_error::BindingError;
use serde::Deserialize;
use std::collections::BTreeMap;
use toml::Spanned;

/// The longest binding file read, in bytes: far more than a binding of
/// hundreds of facts needs, small enough that reading one stays cheap.
pub const MAX_BINDING_BYTES: usize = 1 << 20;

/// A spanned string, as most binding values are.
pub type Text = Spanned<String>;

/// The whole file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawBinding {
    /// `[binding]`: what the file binds.
    pub binding: Spanned<RawHeader>,
    /// `[systems]`: name → URI.
    #[serde(default)]
    pub systems: BTreeMap<Text, Text>,
    /// `[valuesets]`: name → file, relative to the binding.
    #[serde(default)]
    pub valuesets: BTreeMap<Text, Text>,
    /// `[unbound]`: fact → reason.
    #[serde(default)]
    pub unbound: BTreeMap<Text, Text>,
    /// `[fact.NAME]`: how each bound fact is read.
    #[serde(default)]
    pub fact: BTreeMap<Text, Spanned<RawFact>>,
}

/// `[binding]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawHeader {
    /// The guideline file, relative to the binding (informative).
    pub guideline: Option<Text>,
    /// The data source, e.g. `FHIR R4`.
    pub source: Text,
    /// The binding's own version.
    pub version: Option<Text>,
}

/// `[fact.NAME]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawFact {
    /// What absence means, with its reason.
    pub closed_world: Option<Spanned<RawClosedWorld>>,
    /// The shapes; at least one.
    #[serde(default)]
    pub shape: Vec<Spanned<RawShape>>,
}

/// `closed_world = { value = …, reason = "…" }`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawClosedWorld {
    /// The value absence means.
    pub value: Spanned<toml::Value>,
    /// Why.
    pub reason: Text,
}

/// `[[fact.NAME.shape]]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawShape {
    /// `"as_of"`: the fact is the extraction's as-of date.
    pub from: Option<Text>,
    /// The resource type read.
    pub resource: Option<Text>,
    /// Codings `SYSTEM|code` matched against `code_path`.
    pub code: Option<Spanned<Vec<Text>>>,
    /// A declared valueset matched against `code_path`.
    pub valueset: Option<Text>,
    /// Where the codes are (FHIRPath, default `code`).
    pub code_path: Option<Text>,
    /// Equality filters: FHIRPath → literal.
    #[serde(default)]
    pub filter: BTreeMap<Text, Spanned<toml::Value>>,
    /// A FHIRPath boolean every matching resource must satisfy.
    #[serde(rename = "where")]
    pub where_: Option<Text>,
    /// The value a matching resource asserts.
    pub present: Option<Spanned<toml::Value>>,
    /// The FHIRPath the value is read by.
    pub value: Option<Text>,
    /// Codings (or plain codes) → fact value.
    #[serde(default)]
    pub map: BTreeMap<Text, Spanned<toml::Value>>,
    /// Expected UCUM unit(s) of a quantity.
    pub unit: Option<Spanned<toml::Value>>,
    /// How candidates combine.
    pub pick: Option<Text>,
    /// The FHIRPath of the resource's date.
    pub date: Option<Text>,
}

/// The units of `unit = "Gy"` or `unit = ["mg/L", "ug/L"]` (`None`: not
/// strings), each with the span of the whole value: a serde untagged enum
/// cannot keep spans, so the value is read as a TOML value.
pub fn units(v: &Spanned<toml::Value>) -> Option<Vec<Text>> {
    let at = v.span();
    let one = |x: &toml::Value| x.as_str().map(|s| Spanned::new(at.clone(), s.to_string()));
    match v.get_ref() {
        toml::Value::Array(items) => items.iter().map(one).collect(),
        other => one(other).map(|u| vec![u]),
    }
}

/// A miette span of a TOML span.
pub fn span(range: std::ops::Range<usize>) -> miette::SourceSpan {
    (range.start, range.end.saturating_sub(range.start)).into()
}

/// Reads the TOML text, or the one syntax (or shape) error it has.
// A `BindingError` is large, but it is built once, on the failure path, so
// boxing it would buy nothing (as the case loader's `CaseError`).
#[allow(clippy::result_large_err)]
pub fn read(text: &str) -> Result<RawBinding, BindingError> {
    if text.len() > MAX_BINDING_BYTES {
        return Err(BindingError::Limit {
            what: format!("{} bytes", text.len()),
            help: format!("a binding file is at most {MAX_BINDING_BYTES} bytes"),
            span: (0, 0).into(),
        });
    }
    toml::from_str(text).map_err(|e| {
        let range = e.span().unwrap_or(0..0);
        let message = lowercase_first(e.message().trim());
        BindingError::Syntax {
            message,
            span: span(range),
        }
    })
}

/// `s` with its first letter lowercase (diagnostic messages are).
fn lowercase_first(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(c) => c.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// A TOML value written back for a message (`true`, `"R0"`, `3`).
pub fn written(v: &toml::Value) -> String {
    match v {
        toml::Value::String(s) => s.clone(),
        toml::Value::Integer(i) => i.to_string(),
        toml::Value::Float(x) => x.to_string(),
        toml::Value::Boolean(b) => b.to_string(),
        toml::Value::Datetime(d) => d.to_string(),
        toml::Value::Array(_) => "an array".into(),
        toml::Value::Table(_) => "a table".into(),
    }
}
