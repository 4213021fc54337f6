//! Analysis stage, `cairn diff`: the values tried for each fact an item
//! reads in either version, and whether they decide every comparison of
//! both versions, so that "no change" is proved.
//!
//! Facts are matched by name. Each version splits a fact into regions at
//! the thresholds its own cone compares it with (`Program::fact_space`),
//! with one representative per region; the two splits differ when a
//! threshold moved, and the values tried must hit every cell of their
//! common refinement. For integers and dates a region's representative is
//! its first value (the lowest region's is its last), so the union of
//! both versions' representatives hits every cell. For decimals and
//! quantities every threshold is a representative of its own point
//! region, so the union plus the midpoint of each pair of neighbours
//! hits every open interval between two thresholds of either version.
//! Values outside a declared range of either version are left out.
//! Enum values are matched by name; a value only one version declares is
//! unknown in the other.

use super::diff::Item;
use super::query::any_value;
use crate::check::model::{DefId, EnumId, FactId, Model, RecId, Type};
use crate::eval::{FactSpace, Program};
use crate::value::Value;

/// A fact of either version: its index in each.
pub(super) struct Merged {
    pub name: String,
    pub old: Option<usize>,
    pub new: Option<usize>,
}

/// The values one fact takes in the search: a known value in each version
/// (`None` where a version does not declare the fact or the enum value).
pub(super) type Pair = (Option<Value>, Option<Value>);

/// The facts of both versions, by name: the old version's in order, then
/// those only the new one declares.
pub(super) fn merge_facts(om: &Model, nm: &Model) -> Vec<Merged> {
    let mut out: Vec<Merged> = om
        .facts
        .iter()
        .enumerate()
        .map(|(i, f)| Merged {
            name: f.name.clone(),
            old: Some(i),
            new: nm.fact(&f.name).map(|j| j.0 as usize),
        })
        .collect();
    out.extend(
        nm.facts
            .iter()
            .enumerate()
            .filter(|(_, g)| om.fact(&g.name).is_none())
            .map(|(j, g)| Merged {
                name: g.name.clone(),
                old: None,
                new: Some(j),
            }),
    );
    out
}

/// The space of one item: the known values tried for each fact of its
/// cone (unknown is added by the search), and whether they decide every
/// comparison of both versions the same way within each cell.
pub(super) struct ItemSpace {
    pub domains: Vec<Vec<Pair>>,
    pub complete: bool,
}

/// The space of `item` over the merged facts `cone`.
pub(super) fn item_space(
    op: &Program,
    np: &Program,
    merged: &[Merged],
    cone: &[usize],
    item: &Item,
) -> ItemSpace {
    let space = |p: &Program, rec: Option<usize>, def: Option<usize>| {
        let recs: Vec<RecId> = rec.map(|r| RecId(r as u32)).into_iter().collect();
        let defs: Vec<DefId> = def.map(|d| DefId(d as u32)).into_iter().collect();
        p.fact_space(&recs, &defs)
    };
    let (os, ns) = match item {
        Item::Rec(o, n, _) => (space(op, *o, None), space(np, *n, None)),
        Item::Def(o, n, _) => (space(op, None, Some(*o)), space(np, None, Some(*n))),
    };
    let (om, nm) = (op.model(), np.model());
    let mut complete = os.complete && ns.complete;
    let mut domains = Vec::with_capacity(cone.len());
    for m in cone.iter().filter_map(|&k| merged.get(k)) {
        let (d, same_type) = domain(om, nm, &os, &ns, m);
        // A fact whose type changed is only ever unknown: nothing is proved.
        complete &= same_type;
        domains.push(d);
    }
    ItemSpace { domains, complete }
}

/// The values tried for one merged fact, and false when its type differs
/// between the versions (it is then left unknown).
fn domain(om: &Model, nm: &Model, os: &FactSpace, ns: &FactSpace, m: &Merged) -> (Vec<Pair>, bool) {
    let old = m.old.and_then(|i| om.facts.get(i).map(|f| (i, f.ty)));
    let new = m.new.and_then(|j| nm.facts.get(j).map(|f| (j, f.ty)));
    match (old, new) {
        (Some((i, _)), None) => (
            reps(om, os, i)
                .into_iter()
                .map(|v| (Some(v), None))
                .collect(),
            true,
        ),
        (None, Some((j, _))) => (
            reps(nm, ns, j)
                .into_iter()
                .map(|v| (None, Some(v)))
                .collect(),
            true,
        ),
        (Some((_, Type::Enum(a))), Some((_, Type::Enum(b)))) => (enums(om, a, nm, b), true),
        (Some((i, a)), Some((j, b))) if same_kind(a, b) => {
            let mut vals = reps(om, os, i);
            vals.extend(reps(nm, ns, j));
            let ranges = [om.facts.get(i), nm.facts.get(j)].map(|f| f.and_then(|f| f.domain.range));
            let vals = refine(a, vals)
                .into_iter()
                .filter(|v| ranges.iter().flatten().all(|r| in_range(*v, *r)));
            (vals.map(|v| (Some(v), Some(v))).collect(), true)
        }
        _ => (Vec::new(), false),
    }
}

/// Whether a decimal or quantity value is within a declared range (other
/// values have none): a case outside either version's range is rejected by
/// that version's loader, so the diff compares none.
fn in_range(v: Value, (lo, hi): (f64, f64)) -> bool {
    match v {
        Value::Number(x) | Value::Quantity(x) => (lo..=hi).contains(&x),
        _ => true,
    }
}

/// One version's representatives for fact `i`, or any value when its cone
/// compares the fact with nothing.
fn reps(m: &Model, space: &FactSpace, i: usize) -> Vec<Value> {
    match space.domains.get(i) {
        Some(d) if !d.is_empty() => d.clone(),
        _ => any_value(m, FactId(i as u32)).into_iter().collect(),
    }
}

/// The union of both versions' representatives, sorted and without
/// duplicates; for decimals and quantities with the midpoint of each pair
/// of neighbours (see the module doc).
fn refine(ty: Type, mut vals: Vec<Value>) -> Vec<Value> {
    let key = |v: &Value| match v {
        Value::Int(i) => *i as f64,
        Value::Date(d) => f64::from(*d),
        Value::Number(x) | Value::Quantity(x) => *x,
        Value::Bool(b) => f64::from(u8::from(*b)),
        Value::Enum(e) | Value::Row(e) => f64::from(*e),
    };
    vals.sort_by(|a, b| key(a).total_cmp(&key(b)));
    vals.dedup();
    let mk: fn(f64) -> Value = match ty {
        Type::Number => Value::Number,
        Type::Quantity { .. } => Value::Quantity,
        _ => return vals,
    };
    let mut out = Vec::with_capacity(vals.len() * 2);
    for pair in vals.windows(2) {
        if let [a, b] = pair {
            out.push(*a);
            out.push(mk((key(a) + key(b)) / 2.0));
        }
    }
    out.extend(vals.last().copied());
    out.dedup();
    out
}

/// The values of an enum fact in both versions, matched by name.
fn enums(om: &Model, a: EnumId, nm: &Model, b: EnumId) -> Vec<Pair> {
    let (an, bn) = (enum_names(om, a), enum_names(nm, b));
    let mut all = an.clone();
    all.extend(bn.iter().filter(|n| !an.contains(n)).cloned());
    let pos =
        |l: &[String], n: &String| l.iter().position(|x| x == n).map(|p| Value::Enum(p as u32));
    all.iter().map(|n| (pos(&an, n), pos(&bn, n))).collect()
}

fn enum_names(m: &Model, e: EnumId) -> Vec<String> {
    m.enum_info(e)
        .map(|i| i.values.iter().map(|v| v.name.clone()).collect())
        .unwrap_or_default()
}

fn same_kind(a: Type, b: Type) -> bool {
    match (a, b) {
        (Type::Quantity { dim: x, .. }, Type::Quantity { dim: y, .. }) => x == y,
        (Type::Int { .. }, Type::Int { .. }) => true,
        _ => std::mem::discriminant(&a) == std::mem::discriminant(&b),
    }
}
