//! FHIR stage (extraction): which resources a shape matches (type, codes
//! or valueset, filters, `where`) and the candidate values each gives,
//! converted by the fact's type through the case codec.

use super::binding::{Binding, Coding, Expr, Literal, Read, ResourceShape};
use super::extract_warning::{ExtractIssue, ExtractWarning};
use crate::check::model::{FactInfo, Model, Type};
use crate::fhir::path::Item;
use crate::value::json::{decode_in, encode, DecodeError, Shape};
use crate::value::Value;
use serde_json::Value as J;

/// One value a resource gives for a fact.
#[derive(Debug, Clone)]
pub struct Candidate {
    /// The value.
    pub value: Value,
    /// The value in case-file JSON form (the fact's display unit).
    pub json: J,
    /// `ResourceType/id`.
    pub resource: String,
    /// The resource's date (days since 1970), when it has one.
    pub date: Option<i32>,
}

/// What one resource is called in provenance: `Type/id`, or `Type/#N` (its
/// position in the input) when it has no id.
pub fn reference(resource: &J, index: usize) -> String {
    let ty = resource
        .get("resourceType")
        .and_then(J::as_str)
        .unwrap_or("Resource");
    match resource.get("id").and_then(J::as_str) {
        Some(id) => format!("{ty}/{id}"),
        None => format!("{ty}/#{index}"),
    }
}

/// The context of reading one fact.
pub struct Reader<'a> {
    /// The guideline's model.
    pub model: &'a Model,
    /// The binding.
    pub binding: &'a Binding,
    /// The fact being read.
    pub fact: &'a FactInfo,
    /// Where warnings go.
    pub warnings: &'a mut Vec<ExtractWarning>,
}

impl Reader<'_> {
    fn path_failed(&mut self, resource: &str, path: &Expr, reason: String) {
        let w = ExtractIssue::PathFailed {
            fact: self.fact.name.clone(),
            resource: resource.to_string(),
            path: path.text.clone(),
            reason,
        };
        self.warnings.push(w.with(vec![resource.to_string()]));
    }

    /// Evaluates `path`, or warns and gives `None`.
    fn eval<'r>(&mut self, path: &Expr, resource: &'r J, name: &str) -> Option<Vec<Item<'r>>> {
        match path.path.evaluate(resource) {
            Ok(items) => Some(items),
            Err(e) => {
                self.path_failed(name, path, e.to_string());
                None
            }
        }
    }

    /// The resource's date (`YYYY-MM-DD`): the first of the shape's date
    /// paths that gives one. A path that fails is warned about, not taken
    /// for "no date".
    pub fn date(&mut self, shape: &ResourceShape, resource: &J, name: &str) -> Option<J> {
        for p in &shape.date {
            let items = self.eval(p, resource, name)?;
            if let Some(d) = items.iter().find_map(|it| date(&it.to_json())) {
                return Some(d);
            }
        }
        None
    }

    /// True when `resource` is one `shape` reads (`None`: a path failed).
    pub fn matches(&mut self, shape: &ResourceShape, resource: &J, name: &str) -> Option<bool> {
        if resource.get("resourceType").and_then(J::as_str) != Some(shape.resource.as_str()) {
            return Some(false);
        }
        if !shape.codes.is_empty() || shape.valueset.is_some() {
            let items = self.eval(&shape.code_path, resource, name)?;
            let found: Vec<Coding> = items.iter().flat_map(codings).collect();
            let set = shape
                .valueset
                .as_deref()
                .and_then(|v| self.binding.valueset(v));
            let hit = found.iter().any(|c| {
                shape.codes.contains(c)
                    || set.is_some_and(|s| {
                        c.system
                            .as_ref()
                            .is_some_and(|sys| s.codings.contains(&(sys.clone(), c.code.clone())))
                    })
            });
            if !hit {
                return Some(false);
            }
        }
        for f in &shape.filters {
            let items = self.eval(&f.path, resource, name)?;
            if !items.iter().any(|i| literal_eq(&f.value, i)) {
                return Some(false);
            }
        }
        if let Some(w) = &shape.where_ {
            // FHIRPath's singleton evaluation: true, or one non-boolean item.
            match w.path.evaluate_bool(resource) {
                Ok(Some(true)) => {}
                Ok(_) => return Some(false),
                Err(e) => {
                    self.path_failed(name, w, e.to_string());
                    return None;
                }
            }
        }
        Some(true)
    }

    /// The candidate values a matching resource gives.
    pub fn candidates(
        &mut self,
        shape: &ResourceShape,
        resource: &J,
        name: &str,
        date: Option<i32>,
    ) -> Vec<Candidate> {
        let raw: Vec<J> = match &shape.read {
            Read::Present(v) => vec![v.clone()],
            Read::Value { path, map } => {
                let Some(items) = self.eval(path, resource, name) else {
                    return Vec::new();
                };
                items
                    .iter()
                    .filter_map(|i| self.convert(i, map, name))
                    .collect()
            }
        };
        raw.into_iter()
            .filter_map(|j| self.decode(j, name))
            .map(|(value, json)| Candidate {
                value,
                json,
                resource: name.to_string(),
                date,
            })
            .collect()
    }

    /// Decodes a case-form value through the case codec (range, unit
    /// dimension, enum name), or warns.
    fn decode(&mut self, j: J, name: &str) -> Option<(Value, J)> {
        let f = self.fact;
        match decode_in(self.model, f.ty, Some(&f.domain), &Shape::of(&j)) {
            Ok(Some(v)) => Some((v, encode(self.model, f.ty, Some(v)))),
            Ok(None) => None,
            Err(e) => {
                self.bad_value(name, &j, reason(&e));
                None
            }
        }
    }

    fn bad_value(&mut self, name: &str, j: &J, reason: String) {
        let shown = match j {
            J::String(s) => s.clone(),
            other => other.to_string(),
        };
        let w = ExtractIssue::BadValue {
            fact: self.fact.name.clone(),
            resource: name.to_string(),
            value: shown.chars().take(80).collect(),
            reason,
        };
        self.warnings.push(w.with(vec![name.to_string()]));
    }

    /// One item of a value path as a case-form value of the fact's type.
    fn convert(&mut self, item: &Item, map: &[(Coding, J)], name: &str) -> Option<J> {
        let codes = codings(item);
        if !codes.is_empty() && (!map.is_empty() || matches!(self.fact.ty, Type::Enum(_))) {
            if let Some((_, v)) = map.iter().find(|(c, _)| codes.contains(c)) {
                return Some(v.clone());
            }
            if let Some(v) = self.enum_code(&codes) {
                return Some(v);
            }
            let w = ExtractIssue::UnmappedCode {
                fact: self.fact.name.clone(),
                resource: name.to_string(),
                code: codes
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join(", "),
            };
            self.warnings.push(w.with(vec![name.to_string()]));
            return None;
        }
        let json = item.to_json();
        let out = match self.fact.ty {
            Type::Quantity { .. } => quantity(&json),
            Type::Date => date(&json),
            _ => Some(json.clone()),
        };
        if out.is_none() {
            self.bad_value(name, &json, "not of the fact's type".into());
        }
        out
    }

    /// The enum value whose own `code SYSTEM "x"` binding is among `codes`.
    fn enum_code(&self, codes: &[Coding]) -> Option<J> {
        let Type::Enum(e) = self.fact.ty else {
            return None;
        };
        let info = self.model.enum_info(e)?;
        info.values.iter().find_map(|v| {
            let hit = v.codes.iter().any(|(sys, code)| {
                let uri = self.binding.system_uri(sys).map(str::to_string);
                codes.iter().any(|c| c.system == uri && c.code == *code)
            });
            hit.then(|| J::String(v.name.clone()))
        })
    }
}

/// The codings of an item: a CodeableConcept's, a Coding, or a plain code.
pub fn codings(item: &Item) -> Vec<Coding> {
    let one = |c: &J| {
        Some(Coding {
            system: c.get("system").and_then(J::as_str).map(str::to_string),
            code: c.get("code").and_then(J::as_str)?.to_string(),
        })
    };
    match item {
        Item::Node { value, .. } => match value {
            J::String(s) => vec![Coding {
                system: None,
                code: s.clone(),
            }],
            J::Object(o) => match o.get("coding") {
                Some(J::Array(cs)) => cs.iter().filter_map(one).collect(),
                _ => one(value).into_iter().collect(),
            },
            _ => Vec::new(),
        },
        Item::String(s) => vec![Coding {
            system: None,
            code: s.clone(),
        }],
        _ => Vec::new(),
    }
}

/// True when an item equals a filter's literal (a string also matches a
/// code, a Coding's or CodeableConcept's).
fn literal_eq(lit: &Literal, item: &Item) -> bool {
    match lit {
        Literal::String(s) => {
            item.as_str() == Some(s) || codings(item).iter().any(|c| c.code == *s)
        }
        Literal::Bool(b) => item.as_bool() == Some(*b),
        Literal::Integer(i) => item.to_json().as_i64() == Some(*i),
    }
}

/// A FHIR Quantity as a case-form `"VALUE UNIT"`: the UCUM `code` when the
/// system is UCUM, else the `unit` text.
fn quantity(q: &J) -> Option<J> {
    let value = q.get("value")?.as_f64()?;
    let ucum = q.get("system").and_then(J::as_str) == Some("http://unitsofmeasure.org");
    let unit = if ucum {
        q.get("code")
    } else {
        q.get("unit").or(q.get("code"))
    };
    let unit = unit.and_then(J::as_str)?;
    Some(J::String(format!(
        "{} {unit}",
        crate::units::format_number(value)
    )))
}

/// A FHIR date, dateTime, instant or Period (its start) as a day
/// `"YYYY-MM-DD"`; a partial date (`2024-05`) is not a day.
pub fn date(d: &J) -> Option<J> {
    let text = match d {
        J::String(s) => s.as_str(),
        J::Object(o) => o.get("start").and_then(J::as_str)?,
        _ => return None,
    };
    let day = text.get(..10)?;
    crate::value::parse_date(day)?;
    Some(J::String(day.to_string()))
}

/// Why the codec refused a value, in words.
fn reason(e: &DecodeError) -> String {
    match e {
        DecodeError::Mismatch => "the wrong type".into(),
        DecodeError::NotInteger => "not an integer".into(),
        DecodeError::OutOfRange | DecodeError::QuantityRange => "out of the fact's range".into(),
        DecodeError::IntegerTooLarge => "too large".into(),
        DecodeError::BadDate => "not a date".into(),
        DecodeError::UnknownEnumValue => "not a value of the enum".into(),
        DecodeError::MissingUnit(_) => "no unit".into(),
        DecodeError::UnknownUnit(u) => format!("unit `{u}` is not UCUM"),
        DecodeError::UnitRefused(u, why) => format!("unit `{u}`: {why}"),
        DecodeError::WrongDimension { unit, found } => {
            format!("unit `{unit}` measures {}", found.name())
        }
    }
}
