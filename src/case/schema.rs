//! Case stage: a JSON Schema (draft 2020-12) of a guideline's case files
//! (`cairn schema GUIDELINE`), so an editor can validate and complete them.
//!
//! The schema says what the case loader accepts, as far as JSON Schema can:
//! every fact with its type (or `null`, unknown), enum values with their
//! labels (`title`) and codes (`description`), integer and number ranges,
//! quantities as `"50.4 Gy"` or `{"value": 50.4, "unit": "Gy"}` (the unit
//! and the range of a quantity, which depend on UCUM conversions, are in
//! the description: the loader checks them), dates, `never`, lists; the
//! `expect` block by recommendation, definition and schedule names; and
//! `name`, `description`, `guideline`. Unknown keys are rejected, as the
//! loader rejects them.

use crate::check::model::{FactInfo, ListInfo, Model, Type};
use serde_json::{json, Map, Value};

/// The schema of the case files of the guideline `model`.
pub fn schema(model: &Model) -> Value {
    let mut facts = Map::new();
    for list in &model.lists {
        facts.insert(list.name.clone(), list_schema(model, list));
    }
    for (i, fact) in model.facts.iter().enumerate() {
        if model.slot(crate::check::model::FactId(i as u32)).is_some() {
            continue;
        }
        facts.insert(fact.name.clone(), fact_schema(model, fact));
    }
    json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": format!("Case file of {} ({})", model.meta.title, model.meta.id),
        "description": format!(
            "A patient case for the guideline `{}` version {}: its facts, and what `cairn test` expects.",
            model.meta.id, model.meta.version
        ),
        "type": "object",
        "additionalProperties": false,
        "properties": {
            "name": { "type": "string", "description": "A display name for the case." },
            "description": { "type": "string", "description": "What the case tests." },
            "guideline": {
                "type": "string",
                "description": "The guideline file, relative to the case file's folder (`../guideline.cairn`)."
            },
            "facts": {
                "type": "object",
                "description": "The case's facts; a left-out or null fact is unknown.",
                "additionalProperties": false,
                "properties": facts,
            },
            "expect": expect_schema(model),
            "extraction": extraction_schema(),
        },
    })
}

/// The `"extraction"` block of a case extracted from FHIR resources
/// (`cairn fhir extract`); evaluation ignores it.
fn extraction_schema() -> serde_json::Value {
    let strings = json!({ "type": "array", "items": { "type": "string" } });
    json!({
        "type": "object",
        "description": "Where the facts came from, when the case was extracted from FHIR resources (ignored by evaluation).",
        "additionalProperties": false,
        "properties": {
            "provenance": { "type": "object", "additionalProperties": strings },
            "closed_world": { "type": "object", "additionalProperties": { "type": "string" } },
            "warnings": {
                "type": "array",
                "items": {
                    "type": "object",
                    "additionalProperties": false,
                    "properties": {
                        "code": { "type": "string" },
                        "message": { "type": "string" },
                        "resources": strings,
                    },
                },
            },
            "subject": { "type": "string" },
            "as_of": { "type": "string" },
        },
    })
}

/// A fact's description: its label, group and what its absence means.
fn described(model: &Model, fact: &FactInfo, what: &str) -> String {
    let mut text = fact.description.clone();
    if let Some(group) = &fact.group {
        text.push_str(&format!(" (group `{group}`)"));
    }
    text.push_str(&format!(". {what}"));
    if let Some(v) = fact.domain.absent {
        let shown = crate::value::json::encode(model, fact.ty, Some(v));
        text.push_str(&format!(" Left out, it is {shown}; null is unknown."));
    } else {
        text.push_str(" Null or left out: unknown.");
    }
    text
}

fn fact_schema(model: &Model, fact: &FactInfo) -> Value {
    let unknown = json!({ "type": "null" });
    match fact.ty {
        Type::Bool => json!({
            "type": ["boolean", "null"],
            "description": described(model, fact, "Yes or no."),
        }),
        Type::Int { min, max } => {
            let mut s = json!({
                "type": ["integer", "null"],
                "description": described(model, fact, "An integer."),
            });
            if let Some(m) = min {
                s["minimum"] = json!(m);
            }
            if let Some(m) = max {
                s["maximum"] = json!(m);
            }
            s
        }
        Type::Number => {
            let mut s = json!({
                "type": ["number", "null"],
                "description": described(model, fact, "A number."),
            });
            if let Some((lo, hi)) = fact.domain.range {
                s["minimum"] = crate::value::json::number(lo);
                s["maximum"] = crate::value::json::number(hi);
            }
            s
        }
        Type::Quantity { unit, .. } => {
            let mut what = format!(
                "A quantity in `{}` or any unit of its dimension, as \"12 {}\" or {{\"value\": 12, \"unit\": \"{}\"}}.",
                unit.symbol, unit.symbol, unit.symbol
            );
            if let Some(range) = &fact.domain.written {
                what.push_str(&format!(" Range: {range}."));
            }
            if !fact.domain.conversions.is_empty() {
                what.push_str(
                    " It may also be given in a unit of a dimension it declares a conversion from.",
                );
            }
            json!({
                "description": described(model, fact, &what),
                "examples": [format!("1 {}", unit.symbol)],
                "anyOf": [
                    {
                        "type": "string",
                        "pattern": "^\\s*[-+]?[0-9]+(\\.[0-9]+)?\\s*[^\\s0-9.].*$",
                    },
                    {
                        "type": "object",
                        "additionalProperties": false,
                        "required": ["value", "unit"],
                        "properties": {
                            "value": { "type": "number" },
                            "unit": { "type": "string", "examples": [unit.symbol] },
                        },
                    },
                    unknown,
                ],
            })
        }
        Type::Date => {
            let mut options = vec![json!({
                "type": "string",
                "format": "date",
                "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$",
            })];
            let mut what = "A date, YYYY-MM-DD.".to_string();
            if fact.domain.never {
                options.push(json!({ "const": "never", "description": "It never happened." }));
                what.push_str(" Or \"never\".");
            }
            options.push(unknown.clone());
            json!({ "description": described(model, fact, &what), "anyOf": options })
        }
        Type::Enum(id) => {
            let mut options = enum_values(model, id);
            options.push(unknown.clone());
            json!({ "description": described(model, fact, "One of its values."), "anyOf": options })
        }
        // No fact holds a row; accept nothing rather than guess.
        Type::Row(_) => json!(false),
    }
}

/// One `{"const", "title", "description"}` per value of an enum.
fn enum_values(model: &Model, id: crate::check::model::EnumId) -> Vec<Value> {
    let Some(info) = model.enum_info(id) else {
        return Vec::new();
    };
    info.values
        .iter()
        .map(|v| {
            let mut s = json!({ "const": v.name });
            if let Some(label) = &v.label {
                s["title"] = json!(label);
            }
            let codes: Vec<String> = v
                .codes
                .iter()
                .map(|(sys, c)| format!("{sys} {c}"))
                .collect();
            let description = match (&v.label, codes.is_empty()) {
                (Some(l), true) => l.clone(),
                (Some(l), false) => format!("{l} ({})", codes.join(", ")),
                (None, false) => codes.join(", "),
                (None, true) => v.name.clone(),
            };
            s["description"] = json!(description);
            s
        })
        .collect()
}

fn list_schema(model: &Model, list: &ListInfo) -> Value {
    let items = json!({ "anyOf": enum_values(model, list.values) });
    let absent = if list.absent_none {
        " Left out, it is empty; null is unknown."
    } else {
        " Null or left out: unknown."
    };
    json!({
        "description": format!(
            "{}. The values it contains (every other one is absent), or {{\"includes\": [...], \"excludes\": [...]}} when some are not known.{absent}",
            list.description
        ),
        "anyOf": [
            { "type": "array", "uniqueItems": true, "items": items },
            {
                "type": "object",
                "additionalProperties": false,
                "properties": {
                    "includes": { "type": "array", "items": items },
                    "excludes": { "type": "array", "items": items },
                },
            },
            { "type": "null" },
        ],
    })
}

fn expect_schema(model: &Model) -> Value {
    let statuses = json!({ "enum": ["applies", "not_applicable", "undetermined"] });
    let mut fact_names: Vec<Value> = model.lists.iter().map(|l| json!(l.name)).collect();
    for (i, f) in model.facts.iter().enumerate() {
        if model.slot(crate::check::model::FactId(i as u32)).is_none() {
            fact_names.push(json!(f.name));
        }
    }
    let missing_item = json!({ "type": "array", "items": { "enum": fact_names } });
    let strength = json!({ "type": ["string", "object", "null"] });
    let (mut recs, mut missing, mut strengths) = (Map::new(), Map::new(), Map::new());
    for r in &model.recs {
        let mut s = statuses.clone();
        s["description"] = json!(r.statement);
        recs.insert(r.id.clone(), s);
        missing.insert(r.id.clone(), missing_item.clone());
        strengths.insert(r.id.clone(), strength.clone());
    }
    let mut derived = Map::new();
    for d in &model.defs {
        derived.insert(d.name.clone(), json!({ "description": d.description }));
    }
    let mut next_due = Map::new();
    for s in &model.schedules {
        next_due.insert(
            s.name.clone(),
            json!({
                "description": s.title,
                "anyOf": [
                    { "type": "string", "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2} to [0-9]{4}-[0-9]{2}-[0-9]{2}$" },
                    { "type": "null" },
                ],
            }),
        );
    }
    let object = |description: &str, properties: Map<String, Value>| {
        json!({
            "type": "object",
            "description": description,
            "additionalProperties": false,
            "properties": properties,
        })
    };
    json!({
        "type": "object",
        "description": "What `cairn test` expects the guideline to give for this case.",
        "additionalProperties": false,
        "properties": {
            "recommendations": object("Status per recommendation.", recs),
            "derived": object("Value per definition, in `cairn run --format json`'s form.", derived),
            "missing": object("The exact set of missing facts per recommendation.", missing),
            "strengths": object("Strength per recommendation, as written in the guideline (\"2C\") or in JSON form; null for none.", strengths),
            "next_due": object("Next due window per schedule, \"EARLIEST to LATEST\", or null.", next_due),
        },
    })
}
