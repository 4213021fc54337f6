//! Testing stage: a golden case written from a case and the outcome it
//! gave, so that what a tool shows becomes a test (the playground's
//! "export case"): the facts as given, and an `expect` block with the
//! status of every recommendation, which `cairn test` then checks.

use crate::check::model::Model;
use crate::eval::outcome::Outcome;
use serde::ser::{Serialize, SerializeMap, Serializer};
use serde_json::{Map, Value};

/// What goes into a golden case besides the outcome.
#[derive(Debug, Clone, Copy)]
pub struct GoldenInput<'a> {
    /// A display name (`name`), if any.
    pub name: Option<&'a str>,
    /// What the case tests (`description`), if any.
    pub description: Option<&'a str>,
    /// The guideline file relative to the case's folder (`guideline`).
    pub guideline: Option<&'a str>,
    /// The case's facts in the case file's JSON form (a loaded case's,
    /// so every key names a fact of `model`).
    pub facts: &'a Map<String, Value>,
}

/// The golden case as pretty JSON text: `name`, `description`,
/// `guideline` when given, the facts in the guideline's declaration order
/// (keys that name no fact last, as given), and `expect.recommendations`
/// with every recommendation's status in document order.
pub fn golden_case(
    model: &Model,
    input: &GoldenInput,
    outcome: &Outcome,
) -> Result<String, serde_json::Error> {
    let mut order: Vec<&str> = crate::case::form::form(model)
        .groups
        .iter()
        .flat_map(|g| g.facts.iter().map(|f| f.name))
        .filter(|name| input.facts.contains_key(*name))
        .collect();
    for name in input.facts.keys() {
        if !order.contains(&name.as_str()) {
            order.push(name);
        }
    }
    let case = Golden {
        input,
        order,
        outcome,
    };
    let mut text = serde_json::to_string_pretty(&case)?;
    text.push('\n');
    Ok(text)
}

struct Golden<'a> {
    input: &'a GoldenInput<'a>,
    order: Vec<&'a str>,
    outcome: &'a Outcome<'a>,
}

impl Serialize for Golden<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(None)?;
        let keys = [
            ("name", self.input.name),
            ("description", self.input.description),
            ("guideline", self.input.guideline),
        ];
        for (key, value) in keys {
            if let Some(value) = value {
                map.serialize_entry(key, value)?;
            }
        }
        map.serialize_entry("facts", &Facts(self))?;
        map.serialize_entry("expect", &Expect(self.outcome))?;
        map.end()
    }
}

struct Facts<'a>(&'a Golden<'a>);

impl Serialize for Facts<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let facts = self.0.input.facts;
        s.collect_map(
            self.0
                .order
                .iter()
                .filter_map(|name| facts.get(*name).map(|v| (name, v))),
        )
    }
}

struct Expect<'a>(&'a Outcome<'a>);

impl Serialize for Expect<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let statuses = Statuses(self.0);
        let mut map = s.serialize_map(Some(1))?;
        map.serialize_entry("recommendations", &statuses)?;
        map.end()
    }
}

struct Statuses<'a>(&'a Outcome<'a>);

impl Serialize for Statuses<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_map(
            self.0
                .recommendations
                .iter()
                .map(|r| (&*r.id, r.status.as_str())),
        )
    }
}
