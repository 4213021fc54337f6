//! FHIRPath stage: one item of a result collection — a node of the resource
//! (borrowed, with its FHIR type when a choice suffix or `resourceType` says
//! it) or a value the expression computed.

use super::types;
use serde_json::Value;

/// One item of a FHIRPath collection: a node of the resource (with its FHIR
/// type when a choice suffix told it, e.g. `Quantity` for `valueQuantity`),
/// or a computed primitive.
#[derive(Debug, Clone, PartialEq)]
pub enum Item<'a> {
    /// A node of the resource.
    Node {
        /// The JSON value (never an array: arrays flatten into items).
        value: &'a Value,
        /// Its FHIR type when known: from a choice element's suffix
        /// (`dateTime` for `effectiveDateTime`) or a resource's `resourceType`.
        fhir_type: Option<&'static str>,
    },
    /// A computed Boolean.
    Bool(bool),
    /// A computed Integer.
    Integer(i64),
    /// A computed Decimal.
    Decimal(f64),
    /// A computed String.
    String(String),
    /// A Date literal's text without its `@` (`2024-01-01`, `2024-01`).
    Date(String),
    /// A DateTime literal's text without its `@` (`2024-01-01T10:00:00Z`).
    DateTime(String),
    /// A Time literal's text without its `@T` (`10:30`).
    Time(String),
}

impl<'a> Item<'a> {
    /// A node of the resource, typed by `choice`, or, for a resource, by its
    /// `resourceType`; a JSON Boolean is a FHIR `boolean` (R4 has no other
    /// type written as one).
    pub fn node(value: &'a Value, choice: Option<&'static str>) -> Item<'a> {
        let fhir_type = choice.or_else(|| match value {
            Value::Bool(_) => Some("boolean"),
            _ => value
                .get("resourceType")
                .and_then(Value::as_str)
                .and_then(types::resource_type),
        });
        Item::Node { value, fhir_type }
    }

    /// The item as JSON: a node as it is in the resource, a computed value
    /// as its JSON form, dates and times as strings.
    pub fn to_json(&self) -> Value {
        match self {
            Item::Node { value, .. } => (*value).clone(),
            Item::Bool(b) => Value::Bool(*b),
            Item::Integer(i) => Value::from(*i),
            Item::Decimal(d) => serde_json::Number::from_f64(*d).map_or(Value::Null, Value::Number),
            Item::String(s) | Item::Date(s) | Item::DateTime(s) | Item::Time(s) => {
                Value::String(s.clone())
            }
        }
    }

    /// The text of a string item (a string node or a computed string).
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Item::Node { value, .. } => value.as_str(),
            Item::String(s) => Some(s),
            _ => None,
        }
    }

    /// The value of a Boolean item (a boolean node or a computed Boolean).
    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Item::Node { value, .. } => value.as_bool(),
            Item::Bool(b) => Some(*b),
            _ => None,
        }
    }

    /// The JSON node, when the item is one.
    pub fn as_node(&self) -> Option<&'a Value> {
        match self {
            Item::Node { value, .. } => Some(value),
            _ => None,
        }
    }

    /// The FHIR type of a node when known, or the System type of a computed
    /// value (`Boolean`, `Integer`, `Decimal`, `String`, `Date`, `DateTime`,
    /// `Time`).
    pub fn fhir_type(&self) -> Option<&'static str> {
        match self {
            Item::Node { fhir_type, .. } => *fhir_type,
            Item::Bool(_) => Some("Boolean"),
            Item::Integer(_) => Some("Integer"),
            Item::Decimal(_) => Some("Decimal"),
            Item::String(_) => Some("String"),
            Item::Date(_) => Some("Date"),
            Item::DateTime(_) => Some("DateTime"),
            Item::Time(_) => Some("Time"),
        }
    }

    /// True for a computed value (System type), false for a resource node.
    pub fn is_computed(&self) -> bool {
        !matches!(self, Item::Node { .. })
    }
}
