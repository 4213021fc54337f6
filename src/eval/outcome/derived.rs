//! Eval stage, outcome: the derived values and score intervals of an
//! outcome, kept as slot values rather than as a JSON map.
//!
//! Building a `serde_json::Map` of every definition costs two allocations
//! or more per definition and case; [`Derived`] keeps one vector of values
//! and writes them straight to the serializer (in the map's sorted key
//! order, so the bytes are those of the map). The map is built only when
//! someone reads it by name ([`Derived::get`], indexing, iteration), once.

use crate::check::model::Model;
use crate::value::json::{encode, Encoded};
use crate::value::Value;
use serde::ser::{Serialize, SerializeMap, Serializer};
use serde_json::{Map, Value as J};
use std::borrow::{Borrow, Cow};
use std::hash::Hash;
use std::sync::OnceLock;

/// Every definition's value of one case, by name.
#[derive(Clone)]
pub struct Derived<'p> {
    /// The values in declaration order, with the model that names and
    /// types them and the definitions sorted by name; `None` once detached
    /// from the program ([`Derived::into_owned`]), when `map` holds all.
    slots: Option<Slots<'p>>,
    /// The JSON map, built on first read by name.
    map: OnceLock<Map<String, J>>,
}

#[derive(Clone)]
struct Slots<'p> {
    model: &'p Model,
    by_name: &'p [u32],
    values: Vec<Option<Value>>,
}

impl<'p> Derived<'p> {
    /// The values of `model`'s definitions (declaration order); `by_name`
    /// lists their indices sorted by name.
    pub(crate) fn new(model: &'p Model, by_name: &'p [u32], values: Vec<Option<Value>>) -> Self {
        Derived {
            slots: Some(Slots {
                model,
                by_name,
                values,
            }),
            map: OnceLock::new(),
        }
    }

    /// The values as the JSON map of the contract (name to value).
    pub fn map(&self) -> &Map<String, J> {
        self.map.get_or_init(|| {
            let mut map = Map::new();
            if let Some(s) = &self.slots {
                for (def, v) in s.model.defs.iter().zip(&s.values) {
                    map.insert(def.name.clone(), encode(s.model, def.ty, *v));
                }
            }
            map
        })
    }

    /// A definition's value in JSON (`null` when unknown).
    pub fn get<Q>(&self, name: &Q) -> Option<&J>
    where
        String: Borrow<Q>,
        Q: ?Sized + Ord + Eq + Hash,
    {
        self.map().get(name)
    }

    /// Number of definitions.
    pub fn len(&self) -> usize {
        match &self.slots {
            Some(s) => s.values.len(),
            None => self.map().len(),
        }
    }

    /// True when the guideline defines nothing.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Name and value of every definition, sorted by name.
    pub fn iter(&self) -> serde_json::map::Iter<'_> {
        self.map().iter()
    }

    /// The same values, no longer borrowing the program.
    pub fn into_owned(self) -> Derived<'static> {
        let map = match self.map.into_inner() {
            Some(map) => map,
            None => Derived {
                slots: self.slots,
                map: OnceLock::new(),
            }
            .map()
            .clone(),
        };
        Derived {
            slots: None,
            map: OnceLock::from(map),
        }
    }
}

impl Serialize for Derived<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let Some(slots) = &self.slots else {
            return self.map().serialize(s);
        };
        let mut m = s.serialize_map(Some(slots.by_name.len()))?;
        for &d in slots.by_name {
            let (Some(def), Some(v)) = (
                slots.model.defs.get(d as usize),
                slots.values.get(d as usize),
            ) else {
                continue;
            };
            let value = Encoded {
                model: slots.model,
                ty: def.ty,
                value: *v,
            };
            m.serialize_entry(&def.name, &value)?;
        }
        m.end()
    }
}

impl PartialEq for Derived<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.map() == other.map()
    }
}

impl std::fmt::Debug for Derived<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.map().fmt(f)
    }
}

impl<Q> std::ops::Index<&Q> for Derived<'_>
where
    String: Borrow<Q>,
    Q: ?Sized + Ord + Eq + Hash,
{
    type Output = J;

    /// The value of a definition; `null` for a name the guideline does
    /// not define (as indexing a `serde_json::Value` answers, not panics).
    fn index(&self, name: &Q) -> &J {
        static NULL: J = J::Null;
        self.map().get(name).unwrap_or(&NULL)
    }
}

impl<'a> IntoIterator for &'a Derived<'_> {
    type Item = (&'a String, &'a J);
    type IntoIter = serde_json::map::Iter<'a>;

    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

/// For each score whose value is unknown, the interval its sum lies in,
/// sorted by name (empty for most cases, so it allocates nothing).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Ranges<'p>(pub Vec<(Cow<'p, str>, (f64, f64))>);

impl Ranges<'_> {
    /// True when every score is known.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The interval of an unknown score: least and greatest sum, infinite
    /// when unbounded.
    pub fn get(&self, name: &str) -> Option<(f64, f64)> {
        self.0.iter().find(|(n, _)| n == name).map(|(_, r)| *r)
    }

    /// The same intervals, no longer borrowing the program.
    pub fn into_owned(self) -> Ranges<'static> {
        Ranges(
            self.0
                .into_iter()
                .map(|(n, r)| (Cow::Owned(n.into_owned()), r))
                .collect(),
        )
    }
}

impl Serialize for Ranges<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(self.0.len()))?;
        for (name, r) in &self.0 {
            m.serialize_entry(name, &super::score_range::json(*r))?;
        }
        m.end()
    }
}
