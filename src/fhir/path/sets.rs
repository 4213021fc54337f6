//! FHIRPath stage: collections as sets — `|`, `union`, `distinct`,
//! `isDistinct`, `intersect`, `exclude`, `subsetOf`, `supersetOf` — in
//! linear time. Items are bucketed by a hash that equal items share
//! (numbers by their value to 8 places, dates and times by their precision
//! and UTC parts, strings by their text, objects by their JSON) and
//! compared with FHIRPath `=` only within a bucket. The comparisons count
//! against the evaluation's step limit all the same, so that even items
//! whose hashes collide cannot make an evaluation hang.

use super::compare::{self, DateValue, Prim};
use super::error::PathError;
use super::eval::{same, Evaluator};
use super::item::Item;
use serde_json::Value;
use std::collections::HashMap;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::ops::Range;

/// The hash equal items share.
fn bucket(item: &Item<'_>) -> u64 {
    let mut h = DefaultHasher::new();
    match Prim::of(item) {
        Prim::Bool(b) => (0u8, b).hash(&mut h),
        Prim::Int(_) | Prim::Dec(_) => {
            #[expect(
                clippy::cast_possible_truncation,
                reason = "a hash key; equal numbers agree"
            )]
            let key = (compare::number(item) / 1e-8).round() as i64;
            (1u8, key).hash(&mut h);
        }
        // A string that reads as a date may equal a date: both go by the
        // date's key.
        Prim::Date(s) | Prim::Str(s) | Prim::Text(s) => match DateValue::parse(s) {
            Some(d) => (2u8, d.key()).hash(&mut h),
            None => (3u8, s).hash(&mut h),
        },
        Prim::Time(s) => (4u8, DateValue::parse_time(s).map(|t| t.key())).hash(&mut h),
        Prim::Other(v) => {
            5u8.hash(&mut h);
            hash_json(v, &mut h);
        }
    }
    h.finish()
}

/// Hashes a JSON value by its content (objects' keys are sorted).
fn hash_json(value: &Value, h: &mut DefaultHasher) {
    match value {
        Value::Null => 0u8.hash(h),
        Value::Bool(b) => b.hash(h),
        Value::Number(n) => n.to_string().hash(h),
        Value::String(s) => s.hash(h),
        Value::Array(items) => {
            items.len().hash(h);
            for item in items {
                hash_json(item, h);
            }
        }
        Value::Object(map) => {
            map.len().hash(h);
            for (k, v) in map {
                k.hash(h);
                hash_json(v, h);
            }
        }
    }
}

/// Items without duplicates, in their first order, with their buckets.
struct Set<'a> {
    items: Vec<Item<'a>>,
    buckets: HashMap<u64, Vec<usize>>,
}

impl<'a> Set<'a> {
    fn new() -> Set<'a> {
        Set {
            items: Vec::new(),
            buckets: HashMap::new(),
        }
    }

    /// Whether an item equal to `item` is in the set, and the comparisons made.
    fn find(&self, item: &Item<'_>, hash: u64) -> (bool, usize) {
        let Some(indexes) = self.buckets.get(&hash) else {
            return (false, 0);
        };
        match indexes.iter().position(|&i| same(&self.items[i], item)) {
            Some(k) => (true, k + 1),
            None => (false, indexes.len()),
        }
    }

    /// Adds `item` unless an equal one is there; the comparisons made.
    fn insert(&mut self, item: Item<'a>) -> (bool, usize) {
        let hash = bucket(&item);
        let (found, compared) = self.find(&item, hash);
        if !found {
            self.buckets.entry(hash).or_default().push(self.items.len());
            self.items.push(item);
        }
        (!found, compared)
    }
}

impl<'a> Evaluator<'a, '_> {
    /// The items of `left` then `right`, duplicates removed.
    pub(super) fn union(
        &mut self,
        left: Vec<Item<'a>>,
        right: Vec<Item<'a>>,
        span: &Range<usize>,
    ) -> Result<Vec<Item<'a>>, PathError> {
        self.charge_nodes(&left, span)?;
        self.charge_nodes(&right, span)?;
        let mut set = Set::new();
        for item in left.into_iter().chain(right) {
            let (_, compared) = set.insert(item);
            self.step(compared, span)?;
        }
        Ok(set.items)
    }

    /// True when `items` has no two equal items.
    pub(super) fn is_distinct(
        &mut self,
        items: Vec<Item<'a>>,
        span: &Range<usize>,
    ) -> Result<bool, PathError> {
        let n = items.len();
        Ok(self.union(items, Vec::new(), span)?.len() == n)
    }

    /// For each item of `items`, whether `other` holds an equal one.
    pub(super) fn members(
        &mut self,
        items: &[Item<'a>],
        other: Vec<Item<'a>>,
        span: &Range<usize>,
    ) -> Result<Vec<bool>, PathError> {
        self.charge_nodes(items, span)?;
        self.charge_nodes(&other, span)?;
        let mut set = Set::new();
        for item in other {
            let (_, compared) = set.insert(item);
            self.step(compared, span)?;
        }
        let mut out = Vec::with_capacity(items.len());
        for item in items {
            let (found, compared) = set.find(item, bucket(item));
            self.step(compared, span)?;
            out.push(found);
        }
        Ok(out)
    }
}
