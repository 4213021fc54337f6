//! Python bindings: the guideline's model as JSON for introspection
//! (`Guideline.facts`, `.definitions`, `.recommendations`, `.meta`).
//!
//! Facts are shown as a case gives them: a list fact is one entry (`type`
//! `list`, its values), never its lowered per-value slots.

use cairn::check::model::{EnumId, FactId, Model, Type};
use cairn::value::json::encode;
use serde_json::{json, Map, Value as J};

/// Everything a caller can ask of the guideline's shape.
pub fn describe(model: &Model) -> J {
    let meta = &model.meta;
    json!({
        "meta": {
            "id": meta.id,
            "title": meta.title,
            "version": meta.version,
            "status": meta.status,
            "source": meta.source,
            "source_date": meta.source_date,
            "last_reviewed": meta.last_reviewed,
        },
        "facts": facts(model),
        "definitions": model.defs.iter().map(|d| {
            let mut j = Map::new();
            j.insert("name".into(), d.name.clone().into());
            j.insert("description".into(), d.description.clone().into());
            typed(model, d.ty, &mut j);
            J::Object(j)
        }).collect::<Vec<_>>(),
        "recommendations": model.recs.iter().map(|r| json!({
            "id": r.id,
            "kind": r.kind.keyword(),
            "strength": r.strength.as_ref().map(ToString::to_string),
            "section": r.section
                .and_then(|s| model.sections.get(s.0 as usize))
                .map(|s| s.id.clone()),
            "about": r.about,
            "statement": r.statement,
        })).collect::<Vec<_>>(),
    })
}

/// The facts a case gives, in declaration order; a list where its first
/// value's slot was declared.
fn facts(model: &Model) -> Vec<J> {
    let mut out = Vec::new();
    for (i, fact) in model.facts.iter().enumerate() {
        let id = FactId(i as u32);
        if let Some(slot) = model.slot(id) {
            if slot.list.slots.first() == Some(&id) {
                out.push(json!({
                    "name": slot.list.name,
                    "description": slot.list.description,
                    "type": "list",
                    "values": values(model, slot.list.values),
                    "absent": slot.list.absent_none.then(|| json!([])),
                }));
            }
            continue;
        }
        let mut j = Map::new();
        j.insert("name".into(), fact.name.clone().into());
        j.insert("description".into(), fact.description.clone().into());
        j.insert("group".into(), fact.group.clone().into());
        typed(model, fact.ty, &mut j);
        let domain = &fact.domain;
        if let Some(written) = &domain.written {
            j.insert("range".into(), written.clone().into());
        }
        if domain.never {
            j.insert("never".into(), true.into());
        }
        if let Some(v) = domain.absent {
            j.insert("absent".into(), encode(model, fact.ty, Some(v)));
        }
        out.push(J::Object(j));
    }
    out
}

/// The type's name and, by type, its unit, bounds or values.
fn typed(model: &Model, ty: Type, j: &mut Map<String, J>) {
    let name = match ty {
        Type::Bool => "bool",
        Type::Int { min, max } => {
            j.insert("min".into(), min.into());
            j.insert("max".into(), max.into());
            "integer"
        }
        Type::Number => "number",
        Type::Quantity { unit, .. } => {
            j.insert("unit".into(), unit.symbol.into());
            "quantity"
        }
        Type::Date => "date",
        Type::Enum(e) => {
            j.insert("values".into(), values(model, e).into());
            "enum"
        }
        Type::Row(_) => "row",
    };
    j.insert("type".into(), name.into());
}

fn values(model: &Model, e: EnumId) -> Vec<J> {
    model
        .enums
        .get(e.0 as usize)
        .map(|info| {
            info.values
                .iter()
                .map(|v| {
                    let codes: Vec<J> = v
                        .codes
                        .iter()
                        .map(|(system, code)| json!({"system": system, "code": code}))
                        .collect();
                    json!({"name": v.name, "label": v.label, "codes": codes})
                })
                .collect()
        })
        .unwrap_or_default()
}
