//! FHIR stage, data requirements: one binding shape as a FHIR R4
//! `DataRequirement`, shared by the data requirements Library and the
//! GuidanceResponse's missing facts.
//!
//! The mapping: the shape's resource type is `type`; its codes (or its
//! valueset, pre-expanded, with the valueset's URL when the file gives one)
//! a `codeFilter` on its code path; every equality filter with a string
//! literal another `codeFilter` (a boolean or integer filter has no
//! DataRequirement form and is in the `where` extension with the free
//! `where`); the value path is `mustSupport`; the date path a `dateFilter`
//! (up to the as-of date when there is one). Cairn's fact extension names
//! the fact each requirement is for.

use super::binding::{Binding, Literal, Read, ResourceShape};
use super::guidance_ids::{EXT_FACT, EXT_UNBOUND};
use serde_json::{json, Map, Value};

/// The extension holding the parts of a shape a DataRequirement cannot
/// say: its free `where` and its non-string filters (`valueString`,
/// FHIRPath).
pub const EXT_WHERE: &str = "urn:cairn:fhir:extension:where";

/// The requirement of one shape of `fact`; `as_of` bounds its date filter.
pub fn shape_requirement(
    binding: &Binding,
    fact: &str,
    shape: &ResourceShape,
    as_of: Option<&str>,
) -> Value {
    let mut r = Map::new();
    let mut ext = vec![json!({ "url": EXT_FACT, "valueString": fact })];
    let mut conditions: Vec<String> = Vec::new();
    r.insert("type".into(), json!(shape.resource));
    if let Read::Value { path, .. } = &shape.read {
        r.insert("mustSupport".into(), json!([path.text]));
    }
    let mut filters = Vec::new();
    let mut codes: Vec<Value> = shape
        .codes
        .iter()
        .map(|c| match &c.system {
            Some(s) => json!({ "system": s, "code": c.code }),
            None => json!({ "code": c.code }),
        })
        .collect();
    let mut set_url = None;
    if let Some(vs) = shape.valueset.as_deref().and_then(|n| binding.valueset(n)) {
        codes.extend(
            vs.codings
                .iter()
                .map(|(s, c)| json!({ "system": s, "code": c })),
        );
        set_url = vs.url.clone();
    }
    if !codes.is_empty() || set_url.is_some() {
        let mut f = json!({ "path": shape.code_path.text });
        if let Some(u) = set_url {
            f["valueSet"] = json!(u);
        }
        if !codes.is_empty() {
            f["code"] = Value::Array(codes);
        }
        filters.push(f);
    }
    for f in &shape.filters {
        match &f.value {
            Literal::String(s) => {
                filters.push(json!({ "path": f.path.text, "code": [{ "code": s }] }))
            }
            Literal::Bool(b) => conditions.push(format!("{} = {b}", f.path.text)),
            Literal::Integer(i) => conditions.push(format!("{} = {i}", f.path.text)),
        }
    }
    if let Some(w) = &shape.where_ {
        conditions.push(w.text.clone());
    }
    if !conditions.is_empty() {
        ext.push(json!({ "url": EXT_WHERE, "valueString": conditions.join(" and ") }));
    }
    if !filters.is_empty() {
        r.insert("codeFilter".into(), Value::Array(filters));
    }
    if let Some(d) = shape.date.first() {
        let mut f = json!({ "path": d.text });
        if let Some(a) = as_of {
            f["valuePeriod"] = json!({ "end": a });
        }
        r.insert("dateFilter".into(), json!([f]));
    }
    r.insert("extension".into(), Value::Array(ext));
    Value::Object(r)
}

/// A requirement that names the fact only (no binding, the as-of date, or
/// a fact the binding leaves unbound, with its reason).
pub fn fact_requirement(fact: &str, unbound: Option<&str>) -> Value {
    let mut ext = vec![json!({ "url": EXT_FACT, "valueString": fact })];
    if let Some(reason) = unbound {
        ext.push(json!({ "url": EXT_UNBOUND, "valueString": reason }));
    }
    json!({ "extension": ext, "type": "Any" })
}

/// The requirements of one fact: one per resource shape, or one naming the
/// fact when the binding does not read it from a resource.
pub fn fact_requirements(binding: Option<&Binding>, fact: &str, as_of: Option<&str>) -> Vec<Value> {
    let Some(b) = binding else {
        return vec![fact_requirement(fact, None)];
    };
    let Some(fb) = b.fact(fact) else {
        return vec![fact_requirement(
            fact,
            b.unbound().get(fact).map(String::as_str),
        )];
    };
    let out: Vec<Value> = fb
        .shapes
        .iter()
        .filter_map(|s| match s {
            super::binding::Shape::Resource(r) => Some(shape_requirement(b, fact, r, as_of)),
            super::binding::Shape::AsOf => None,
        })
        .collect();
    if out.is_empty() {
        vec![fact_requirement(fact, None)]
    } else {
        out
    }
}
