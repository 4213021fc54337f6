//! FHIR stage, synthesis: writing a value at a binding's FHIRPath, the
//! inverse of reading it, for the paths that have one.
//!
//! Only dotted element names invert (`valueQuantity`,
//! `verificationStatus.coding.code`, `birthDate`): a function, an index or
//! an operator (`value.ofType(Quantity)`, `component.where(…)`) says what to
//! read, not what to write, and is refused. FHIR R4's JSON shape is not in
//! the path, so two small tables stand in for the specification: the
//! elements that repeat (JSON arrays) and the choice elements (`value`,
//! `effective`, … written with a type suffix). They cover the elements
//! bindings use; a path through another element writes a single object,
//! which the FHIR JSON Schema check of `fhir/test.sh` would flag.

use serde_json::{Map, Value};

/// Elements that repeat (`0..*`) in the resources bindings read: written
/// as arrays. `coding` above all; the rest from the R4 resource pages of
/// Observation, Condition, Procedure, MedicationRequest, ServiceRequest,
/// DiagnosticReport, AllergyIntolerance, Immunization and Patient.
const ARRAYS: &[&str] = &[
    "coding",
    "category",
    "bodySite",
    "identifier",
    "reasonCode",
    "reasonReference",
    "interpretation",
    "note",
    "performer",
    "component",
    "extension",
    "name",
    "telecom",
    "address",
    "basedOn",
    "partOf",
    "complication",
    "followUp",
    "usedCode",
    "focalDevice",
    "evidence",
    "stage",
    "dosageInstruction",
    "result",
    "conclusionCode",
    "reaction",
    "manifestation",
    "protocolApplied",
    "communication",
    "orderDetail",
    "referenceRange",
    "hasMember",
    "derivedFrom",
];

/// Choice elements (`value[x]`, …): a path may name them without their type
/// suffix, and FHIR JSON writes them with one.
const CHOICES: &[&str] = &[
    "value",
    "effective",
    "onset",
    "abatement",
    "performed",
    "occurrence",
    "deceased",
    "multipleBirth",
    "medication",
    "asNeeded",
    "reported",
    "timing",
    "born",
    "age",
];

/// What kind of value is written, which picks a choice element's suffix.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A boolean (`valueBoolean`).
    Boolean,
    /// An integer (`valueInteger`).
    Integer,
    /// A Quantity (`valueQuantity`).
    Quantity,
    /// A date or dateTime (`valueDateTime`, `effectiveDateTime`).
    DateTime,
    /// A CodeableConcept (`valueCodeableConcept`).
    CodeableConcept,
    /// A string or code (`valueString`).
    String,
}

impl Kind {
    fn suffix(self) -> &'static str {
        match self {
            Kind::Boolean => "Boolean",
            Kind::Integer => "Integer",
            Kind::Quantity => "Quantity",
            Kind::DateTime => "DateTime",
            Kind::CodeableConcept => "CodeableConcept",
            Kind::String => "String",
        }
    }
}

/// The element names of an invertible path, or `None`.
pub fn steps(path: &str) -> Option<Vec<&str>> {
    let steps: Vec<&str> = path.split('.').map(str::trim).collect();
    let simple = |s: &&str| {
        let mut chars = s.chars();
        chars.next().is_some_and(|c| c.is_ascii_alphabetic())
            && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
    };
    steps.iter().all(simple).then_some(steps)
}

/// The kind a typed element name says (`valueQuantity` → Quantity), when
/// its suffix is one.
pub fn kind_of(name: &str) -> Option<Kind> {
    let typed = [
        ("Boolean", Kind::Boolean),
        ("Integer", Kind::Integer),
        ("Quantity", Kind::Quantity),
        ("DateTime", Kind::DateTime),
        ("CodeableConcept", Kind::CodeableConcept),
        ("String", Kind::String),
    ];
    CHOICES.iter().find_map(|c| {
        let suffix = name.strip_prefix(c)?;
        typed.iter().find(|(s, _)| *s == suffix).map(|(_, k)| *k)
    })
}

/// True when `name` is a choice element without its suffix.
pub fn is_choice(name: &str) -> bool {
    CHOICES.contains(&name)
}

/// Writes `value` at `steps` under `object`, creating the elements on the
/// way (arrays of one object for repeating ones). The last step takes the
/// kind's suffix when it is a bare choice element. An element already
/// there is extended, not replaced, so two filters on
/// `verificationStatus.coding.code` and `.system` share one coding. Gives
/// false when a step is already a primitive (nothing is written then).
pub fn write(object: &mut Map<String, Value>, steps: &[&str], value: Value, kind: Kind) -> bool {
    let Some((last, init)) = steps.split_last() else {
        return false;
    };
    let mut here = object;
    for step in init {
        let name = element(step, kind);
        match child(here, &name) {
            Some(next) => here = next,
            None => return false,
        }
    }
    let value = if ARRAYS.contains(last) && !value.is_array() {
        Value::Array(vec![value])
    } else {
        value
    };
    here.insert(element(last, kind), value);
    true
}

/// The JSON name of a step: a bare choice element takes the kind's suffix.
fn element(step: &str, kind: Kind) -> String {
    if is_choice(step) {
        format!("{step}{}", kind.suffix())
    } else {
        step.to_string()
    }
}

/// The object at `name` in `here` (the first item of an array element),
/// made when missing; `None` when a primitive is there.
fn child<'a>(here: &'a mut Map<String, Value>, name: &str) -> Option<&'a mut Map<String, Value>> {
    let array = ARRAYS.contains(&name);
    let slot = here.entry(name.to_string()).or_insert_with(|| {
        if array {
            Value::Array(vec![Value::Object(Map::new())])
        } else {
            Value::Object(Map::new())
        }
    });
    match slot {
        Value::Array(items) => items.first_mut()?.as_object_mut(),
        other => other.as_object_mut(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn writes_nested_arrays_and_choices() {
        let mut m = Map::new();
        let mut put = |p: &str, v: Value, k: Kind| assert!(write(&mut m, &steps(p).unwrap(), v, k));
        put(
            "verificationStatus.coding.code",
            json!("confirmed"),
            Kind::String,
        );
        put(
            "verificationStatus.coding.system",
            json!("urn:x"),
            Kind::String,
        );
        put("value", json!(true), Kind::Boolean);
        put("category", json!({"text": "x"}), Kind::CodeableConcept);
        assert_eq!(
            Value::Object(m),
            json!({
                "verificationStatus": {"coding": [{"code": "confirmed", "system": "urn:x"}]},
                "valueBoolean": true,
                "category": [{"text": "x"}],
            })
        );
        assert!(steps("value.ofType(Quantity)").is_none());
        assert_eq!(kind_of("valueQuantity"), Some(Kind::Quantity));
        assert_eq!(kind_of("birthDate"), None);
    }
}
