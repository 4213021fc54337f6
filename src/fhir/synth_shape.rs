//! FHIR stage, synthesis: one resource from one shape of a binding, the
//! resource that shape would read back as a given value of its fact.
//!
//! The resource has the shape's type, the first of its codes (or the first
//! coding of its valueset, in sorted order) at its code path, every
//! equality filter set, and the value: nothing more for `present`, else
//! the value written at the value path (a coding from the shape's `map` or
//! the enum's own code bindings, a UCUM Quantity, a date, a boolean or an
//! integer). A `where` is free FHIRPath and does not invert: such a shape
//! is passed over, as is one whose paths are not plain element names.

use super::binding::{Binding, Coding, Literal, Read, ResourceShape};
use super::synth_path::{is_choice, kind_of, steps, write, Kind};
use crate::check::model::{FactInfo, Model, Type};
use serde_json::{json, Map, Value};

/// What writing a shape needs besides the shape.
pub(super) struct Ctx<'a> {
    pub model: &'a Model,
    pub binding: &'a Binding,
    pub fact: &'a FactInfo,
    /// The date to give a resource that a `latest`/`earliest` pick orders
    /// by date (the case's as-of date, or its latest date).
    pub date: Option<&'a str>,
    /// Whether the fact's pick orders by date.
    pub dated: bool,
}

/// The UCUM system URI.
const UCUM: &str = "http://unitsofmeasure.org";

/// Elements whose type is CodeableConcept, where a filter's code is
/// written as `{"coding": [{"code": …}]}` rather than a bare string.
const CODEABLE: &[&str] = &[
    "code",
    "clinicalStatus",
    "verificationStatus",
    "category",
    "bodySite",
    "severity",
    "interpretation",
    "method",
    "reasonCode",
    "type",
    "statusReason",
    "outcome",
    "maritalStatus",
];

/// True when a path ends on a CodeableConcept element (`clinicalStatus`,
/// not the `code` of `clinicalStatus.coding.code`).
fn codeable(steps: &[&str]) -> bool {
    match steps {
        [.., before, last] => CODEABLE.contains(last) && *before != "coding",
        [last] => CODEABLE.contains(last),
        [] => false,
    }
}

/// The resource's elements (all but `resourceType`, `id` and the subject)
/// for `value` of the fact, or why this shape cannot give it.
pub(super) fn produce(
    ctx: &Ctx<'_>,
    shape: &ResourceShape,
    value: &Value,
) -> Result<Map<String, Value>, String> {
    if let Some(w) = &shape.where_ {
        return Err(format!("its `where = \"{}\"` cannot be inverted", w.text));
    }
    let mut out = Map::new();
    defaults(&shape.resource, &mut out);
    for f in &shape.filters {
        let s = steps(&f.path.text)
            .ok_or_else(|| format!("its filter path `{}` cannot be inverted", f.path.text))?;
        let (v, kind) = match &f.value {
            Literal::String(text) if codeable(&s) => (
                json!({ "coding": [{ "code": text }] }),
                Kind::CodeableConcept,
            ),
            Literal::String(text) => (json!(text), Kind::String),
            Literal::Bool(b) => (json!(b), Kind::Boolean),
            Literal::Integer(i) => (json!(i), Kind::Integer),
        };
        if !write(&mut out, &s, v, kind) {
            return Err(format!(
                "its filter path `{}` goes through a primitive",
                f.path.text
            ));
        }
    }
    if let Some(coding) = shape_coding(ctx.binding, shape) {
        let s = steps(&shape.code_path.text).ok_or_else(|| {
            format!(
                "its code path `{}` cannot be inverted",
                shape.code_path.text
            )
        })?;
        let element = if s.last() == Some(&"coding") {
            coding
        } else {
            json!({ "coding": [coding] })
        };
        if !write(&mut out, &s, element, Kind::CodeableConcept) {
            return Err(format!(
                "its code path `{}` goes through a primitive",
                shape.code_path.text
            ));
        }
    }
    match &shape.read {
        Read::Present(v) if v == value => {}
        Read::Present(v) => return Err(format!("it gives `{}`", shown(v))),
        Read::Value { path, map } => {
            let s = steps(&path.text)
                .ok_or_else(|| format!("its value path `{}` cannot be inverted", path.text))?;
            let last = s.last().copied().unwrap_or_default();
            let (element, kind) = element(ctx, last, map, value, &shape.units)?;
            // A value at the code path joins the shape's own coding.
            if path.text == shape.code_path.text {
                merge_codings(&mut out, last, element);
            } else if !write(&mut out, &s, element, kind) {
                return Err(format!(
                    "its value path `{}` goes through a primitive",
                    path.text
                ));
            }
        }
    }
    if ctx.dated {
        if let (Some(d), Some(p)) = (ctx.date, shape.date.first()) {
            if let Some(s) = steps(&p.text) {
                let already = out
                    .keys()
                    .any(|k| s.first().is_some_and(|f| k.starts_with(f)));
                let v = if s.last() == Some(&"period") {
                    json!({ "start": d })
                } else {
                    json!(d)
                };
                if !already {
                    write(&mut out, &s, v, Kind::DateTime);
                }
            }
        }
    }
    Ok(out)
}

/// The elements FHIR R4 requires of the common resource types (`status`,
/// `intent`), set first so a filter may override them.
fn defaults(resource: &str, out: &mut Map<String, Value>) {
    let (status, intent) = match resource {
        "Observation" | "DiagnosticReport" => ("final", None),
        "Procedure" | "Immunization" => ("completed", None),
        "MedicationRequest" | "ServiceRequest" | "DeviceRequest" => ("active", Some("order")),
        "MedicationStatement" | "CarePlan" => ("active", Some("plan")),
        _ => return,
    };
    out.insert("status".into(), json!(status));
    if let Some(i) = intent {
        if resource != "MedicationStatement" {
            out.insert("intent".into(), json!(i));
        }
    }
}

/// The coding a shape's code test wants: its first code, else the first
/// coding of its valueset.
fn shape_coding(binding: &Binding, shape: &ResourceShape) -> Option<Value> {
    if let Some(c) = shape.codes.first() {
        return Some(coding_json(c));
    }
    let set = binding.valueset(shape.valueset.as_deref()?)?;
    let (system, code) = set.codings.iter().next()?;
    Some(json!({ "system": system, "code": code }))
}

fn coding_json(c: &Coding) -> Value {
    match &c.system {
        Some(s) => json!({ "system": s, "code": c.code }),
        None => json!({ "code": c.code }),
    }
}

/// Adds a value's codings to the CodeableConcept already at `name`.
fn merge_codings(out: &mut Map<String, Value>, name: &str, element: Value) {
    let extra: Vec<Value> = element["coding"].as_array().cloned().unwrap_or_default();
    match out
        .get_mut(name)
        .and_then(|cc| cc.get_mut("coding"))
        .and_then(Value::as_array_mut)
    {
        Some(codings) => codings.extend(extra),
        None => {
            out.insert(name.to_string(), element);
        }
    }
}

/// The FHIR element for `value` at an element named `last`, and its kind.
fn element(
    ctx: &Ctx<'_>,
    last: &str,
    map: &[(Coding, Value)],
    value: &Value,
    units: &[String],
) -> Result<(Value, Kind), String> {
    let typed = kind_of(last);
    let reverse = map.iter().find(|(_, v)| v == value).map(|(c, _)| c.clone());
    let coded = |c: &Coding| -> (Value, Kind) {
        match (&c.system, last) {
            (None, _) => (json!(c.code), Kind::String),
            (Some(_), "coding") => (coding_json(c), Kind::CodeableConcept),
            _ => (json!({ "coding": [coding_json(c)] }), Kind::CodeableConcept),
        }
    };
    match ctx.fact.ty {
        Type::Enum(e) => {
            let name = value
                .as_str()
                .ok_or("the value is not an enum value's name")?;
            let own = ctx.model.enum_info(e).and_then(|info| {
                let v = info.values.iter().find(|v| v.name == name)?;
                v.codes.iter().find_map(|(sys, code)| {
                    Some(Coding {
                        system: Some(ctx.binding.system_uri(sys)?.to_string()),
                        code: code.clone(),
                    })
                })
            });
            let c = reverse
                .or(own)
                .ok_or_else(|| format!("neither its `map` nor the enum's codes give `{name}`"))?;
            Ok(coded(&c))
        }
        Type::Bool => {
            let b = value.as_bool().ok_or("the value is not a boolean")?;
            match (typed, reverse) {
                (Some(Kind::CodeableConcept), Some(c)) => Ok(coded(&c)),
                (Some(Kind::CodeableConcept), None) => {
                    Err(format!("its `map` has no code for `{b}`"))
                }
                (None, Some(c)) if !is_choice(last) => Ok(coded(&c)),
                _ => Ok((json!(b), Kind::Boolean)),
            }
        }
        Type::Int { .. } => Ok((value.clone(), Kind::Integer)),
        Type::Number => Ok(match typed {
            Some(Kind::Quantity) => (json!({ "value": value }), Kind::Quantity),
            _ if is_choice(last) => (json!({ "value": value }), Kind::Quantity),
            _ => (value.clone(), Kind::Integer),
        }),
        Type::Quantity { .. } => quantity(value, units).map(|q| (q, Kind::Quantity)),
        Type::Date => {
            let d = value.as_str().ok_or("the value is not a date")?;
            if crate::value::parse_date(d).is_none() {
                return Err(format!("`{d}` is not a date it can write (`never` needs a `present = \"never\"` shape)"));
            }
            Ok(if last == "period" {
                (json!({ "start": d }), Kind::DateTime)
            } else {
                (json!(d), Kind::DateTime)
            })
        }
        Type::Row(_) => Err("a table row is not a fact's value".into()),
    }
}

/// A case quantity (`"60 kg"` or `{"value": 60, "unit": "kg"}`) as a UCUM
/// Quantity: in the unit the case wrote (extraction converts it), unless
/// the shape expects others, then in the first of those.
fn quantity(value: &Value, units: &[String]) -> Result<Value, String> {
    let (amount, unit) = match value {
        Value::String(s) => {
            let (a, u) = s
                .trim()
                .split_once(' ')
                .ok_or_else(|| format!("`{s}` has no unit"))?;
            let a: f64 = a.parse().map_err(|_| format!("`{s}` is not a quantity"))?;
            (a, u.trim().to_string())
        }
        Value::Object(o) => (
            o.get("value")
                .and_then(Value::as_f64)
                .ok_or("the quantity has no value")?,
            o.get("unit")
                .and_then(Value::as_str)
                .ok_or("the quantity has no unit")?
                .to_string(),
        ),
        _ => return Err("the value is not a quantity".into()),
    };
    let (amount, unit) = match units.first() {
        Some(want) if !units.contains(&unit) => {
            let from =
                crate::units::parse(&unit).map_err(|e| format!("unit `{unit}`: {}", e.reason()))?;
            let to =
                crate::units::parse(want).map_err(|e| format!("unit `{want}`: {}", e.reason()))?;
            if from.dimension != to.dimension {
                return Err(format!(
                    "`{unit}` does not convert to the shape's unit `{want}`"
                ));
            }
            (to.from_canonical(from.canonical_of(amount)), want.clone())
        }
        _ => (amount, unit),
    };
    Ok(json!({ "value": amount, "unit": unit, "system": UCUM, "code": unit }))
}

/// A value in words for a message.
pub(super) fn shown(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}
