//! Testing stage: compares a case's expectations with the interpreter's
//! outcome and describes every difference.

use crate::case::Expect;
use crate::eval::outcome::Outcome;
use serde::Serialize;

/// One expectation the outcome does not meet.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Difference {
    /// `status`, `strength`, `derived`, `missing` or `next_due`.
    pub kind: &'static str,
    /// The recommendation id or definition name.
    pub name: String,
    /// What the case expects.
    pub expected: serde_json::Value,
    /// What the interpreter produced.
    pub actual: serde_json::Value,
}

impl Difference {
    /// The recommendation whose trace explains the difference, if any.
    pub fn rec(&self) -> Option<&str> {
        (!matches!(self.kind, "derived" | "next_due")).then_some(self.name.as_str())
    }
}

/// Every difference between `expect` and `outcome`, in the order
/// recommendations, strengths, derived values, missing facts, next due
/// visits.
pub fn differences(expect: &Expect, outcome: &Outcome) -> Vec<Difference> {
    let mut out = Vec::new();
    for (id, status) in &expect.recommendations {
        let actual = outcome.recommendations.iter().find(|r| &r.id == id);
        let actual_status = actual.map(|r| r.status);
        if actual_status != Some(*status) {
            out.push(Difference {
                kind: "status",
                name: id.clone(),
                expected: status.as_str().into(),
                actual: actual_status
                    .map(|s| s.as_str().into())
                    .unwrap_or(serde_json::Value::Null),
            });
        }
    }
    for (id, expected) in &expect.strengths {
        let actual = outcome
            .recommendations
            .iter()
            .find(|r| &r.id == id)
            .and_then(|r| r.strength.as_ref())
            .map_or(serde_json::Value::Null, |s| s.json());
        if !same(expected, &actual) {
            out.push(Difference {
                kind: "strength",
                name: id.clone(),
                expected: expected.clone(),
                actual,
            });
        }
    }
    for (name, expected) in &expect.derived {
        let actual = outcome
            .derived
            .get(name)
            .cloned()
            .unwrap_or(serde_json::Value::Null);
        if !same(expected, &actual) {
            out.push(Difference {
                kind: "derived",
                name: name.clone(),
                expected: expected.clone(),
                actual,
            });
        }
    }
    for (id, names) in &expect.missing {
        let mut expected = names.clone();
        expected.sort();
        expected.dedup();
        let mut actual: Vec<String> = outcome
            .recommendations
            .iter()
            .find(|r| &r.id == id)
            .map(|r| r.missing.to_vec())
            .unwrap_or_default();
        actual.sort();
        if expected != actual {
            out.push(Difference {
                kind: "missing",
                name: id.clone(),
                expected: expected.into(),
                actual: actual.into(),
            });
        }
    }
    for (name, expected) in &expect.next_due {
        // A schedule laid out for several recommendations is the same for each.
        let actual = outcome
            .schedules
            .iter()
            .find(|s| &s.name == name)
            .and_then(|s| s.next_due.as_ref())
            .map(|n| (n.earliest.clone(), n.latest.clone()));
        if *expected != actual {
            let text = |w: &Option<(String, String)>| match w {
                Some((a, b)) => serde_json::Value::String(format!("{a} to {b}")),
                None => serde_json::Value::Null,
            };
            out.push(Difference {
                kind: "next_due",
                name: name.clone(),
                expected: text(expected),
                actual: text(&actual),
            });
        }
    }
    out
}

/// JSON equality with numbers compared to a relative tolerance, so that a
/// quantity converted between units still matches (the value codec's).
pub use crate::value::json::same;

/// A readable one-line form of a JSON value for diffs.
pub fn show(value: &serde_json::Value) -> String {
    match value {
        serde_json::Value::Null => "unknown".to_string(),
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Array(items) if items.iter().all(|i| i.is_string()) => {
            let names: Vec<String> = items.iter().map(show).collect();
            format!("[{}]", names.join(", "))
        }
        serde_json::Value::Object(m)
            if m.len() == 2 && m.contains_key("value") && m.contains_key("unit") =>
        {
            format!(
                "{} {}",
                m.get("value").map(|v| v.to_string()).unwrap_or_default(),
                m.get("unit").map(show).unwrap_or_default()
            )
        }
        other => other.to_string(),
    }
}
