//! Case stage: the fact declarations as a form description, so that a user
//! interface (the playground's case form) can ask for every fact a case
//! may give without reading the guideline's source.
//!
//! It says what the JSON Schema of [`super::schema`] says, as plain data
//! instead of validation keywords: the fact groups with their titles, each
//! fact's label, doc comment, type, enum values with their labels, unit,
//! range and what its absence means, in declaration order. The values a
//! form offers are written in the case file's JSON form, so that what the
//! user picks goes into a case file unchanged. Unknown is never listed as
//! a value: every fact may be unknown (`null`).

use crate::check::model::{EnumId, FactId, FactInfo, ListInfo, Model, Type};
use serde::Serialize;

/// The form of a guideline's case files.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Form<'m> {
    /// The guideline's id.
    pub guideline: &'m str,
    /// Its title.
    pub title: &'m str,
    /// Its version.
    pub version: &'m str,
    /// The fact groups in declaration order; facts outside every group
    /// come last, in a group whose `id` is `null`.
    pub groups: Vec<FormGroup<'m>>,
}

/// A group of facts.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct FormGroup<'m> {
    /// The group's name in the source, `null` for facts outside any group.
    pub id: Option<&'m str>,
    /// Its title (`Other facts` for facts outside any group).
    pub title: &'m str,
    /// Its facts, in declaration order.
    pub facts: Vec<FormFact<'m>>,
}

/// One fact a case may give.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct FormFact<'m> {
    /// Its name, the key in a case file's `facts`.
    pub name: &'m str,
    /// Its label.
    pub label: &'m str,
    /// Its doc comment, one line per item.
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    pub doc: &'m [String],
    /// What kind of value it takes, and in which form.
    #[serde(flatten)]
    pub kind: FormKind<'m>,
    /// The value a case that leaves it out gives it (`absent means`), in
    /// the case file's JSON form; `null` when left out means unknown.
    pub absent: serde_json::Value,
}

/// The kind of value a fact takes.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum FormKind<'m> {
    /// `true` or `false`.
    Bool,
    /// An integer, within the declared bounds.
    Integer {
        /// The lowest value allowed.
        min: Option<i64>,
        /// The highest value allowed.
        max: Option<i64>,
    },
    /// A decimal number, within the declared range.
    Number {
        /// The lowest value allowed.
        min: Option<serde_json::Value>,
        /// The highest value allowed.
        max: Option<serde_json::Value>,
    },
    /// A quantity, written `"12 UNIT"` in a case file.
    Quantity {
        /// The unit values are shown in (any unit of its dimension is
        /// accepted).
        unit: &'m str,
        /// The declared range as written (`0 to 50 cm`).
        range: Option<&'m str>,
    },
    /// A date, `YYYY-MM-DD`.
    Date {
        /// `date or never`: the value `"never"` is accepted too.
        never: bool,
    },
    /// One value of an enum.
    Enum {
        /// Its values in order.
        values: Vec<FormValue<'m>>,
    },
    /// A set of an enum's values (a list fact), written as an array.
    List {
        /// Its values in order.
        values: Vec<FormValue<'m>>,
    },
}

/// An enum value.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct FormValue<'m> {
    /// Its name, as a case file writes it.
    pub name: &'m str,
    /// Its label, or its name when it has none.
    pub label: &'m str,
}

/// The title of the group of facts declared outside every group.
pub const OTHER_FACTS: &str = "Other facts";

/// The form of the case files of the guideline `model`.
pub fn form(model: &Model) -> Form<'_> {
    // Facts and lists in declaration order (their names' spans), without
    // the bool slots the checker lowers each list value to.
    let mut entries: Vec<(crate::source::Span, FormFact, Option<&str>)> = Vec::new();
    for list in &model.lists {
        entries.push((list.span, list_fact(model, list), None));
    }
    for (i, fact) in model.facts.iter().enumerate() {
        if model.slot(FactId(i as u32)).is_none() {
            entries.push((fact.span, fact_entry(model, fact), fact.group.as_deref()));
        }
    }
    entries.sort_by_key(|(span, _, _)| (span.file.0, span.start));
    let mut groups: Vec<FormGroup> = Vec::new();
    let mut other = Vec::new();
    for (_, fact, group) in entries {
        let Some(id) = group else {
            other.push(fact);
            continue;
        };
        match groups.iter_mut().find(|g| g.id == Some(id)) {
            Some(g) => g.facts.push(fact),
            None => groups.push(FormGroup {
                id: Some(id),
                title: group_title(model, id),
                facts: vec![fact],
            }),
        }
    }
    if !other.is_empty() {
        groups.push(FormGroup {
            id: None,
            title: OTHER_FACTS,
            facts: other,
        });
    }
    Form {
        guideline: &model.meta.id,
        title: &model.meta.title,
        version: &model.meta.version,
        groups,
    }
}

/// A group's declared title, or its name when it has none.
fn group_title<'m>(model: &'m Model, id: &'m str) -> &'m str {
    model
        .group_titles
        .iter()
        .find(|(name, _)| name == id)
        .map_or(id, |(_, title)| title.as_str())
}

fn fact_entry<'m>(model: &'m Model, fact: &'m FactInfo) -> FormFact<'m> {
    let kind = match fact.ty {
        Type::Bool => FormKind::Bool,
        Type::Int { min, max } => FormKind::Integer { min, max },
        Type::Number => FormKind::Number {
            min: fact.domain.range.map(|r| crate::value::json::number(r.0)),
            max: fact.domain.range.map(|r| crate::value::json::number(r.1)),
        },
        Type::Quantity { unit, .. } => FormKind::Quantity {
            unit: unit.symbol,
            range: fact.domain.written.as_deref(),
        },
        Type::Date => FormKind::Date {
            never: fact.domain.never,
        },
        Type::Enum(id) => FormKind::Enum {
            values: values(model, id),
        },
        // No fact holds a row (the checker refuses one); offer no value.
        Type::Row(_) => FormKind::Enum { values: Vec::new() },
    };
    FormFact {
        name: &fact.name,
        label: &fact.description,
        doc: &fact.doc,
        kind,
        absent: crate::value::json::encode(model, fact.ty, fact.domain.absent),
    }
}

fn list_fact<'m>(model: &'m Model, list: &'m ListInfo) -> FormFact<'m> {
    FormFact {
        name: &list.name,
        label: &list.description,
        doc: &[],
        kind: FormKind::List {
            values: values(model, list.values),
        },
        absent: match list.absent_none {
            true => serde_json::Value::Array(Vec::new()),
            false => serde_json::Value::Null,
        },
    }
}

fn values(model: &Model, id: EnumId) -> Vec<FormValue<'_>> {
    model.enum_info(id).map_or_else(Vec::new, |info| {
        info.values
            .iter()
            .map(|v| FormValue {
                name: &v.name,
                label: v.label.as_deref().unwrap_or(&v.name),
            })
            .collect()
    })
}
