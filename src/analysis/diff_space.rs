//! Analysis stage, `cairn diff`: the values tried for each fact of either
//! version (one representative per region of each version's completion
//! space, merged by fact name), and whether those regions split a group
//! of compared items exactly, so that "no change" is proved.

use super::diff::Item;
use super::query::any_value;
use crate::check::model::{DefId, FactId, Model, RecId, Type};
use crate::eval::{FactSpace, Program};
use crate::value::Value;

/// A fact of either version: its id in each and the values tried.
pub(super) struct Merged {
    pub name: String,
    pub old: Option<usize>,
    pub new: Option<usize>,
    pub values: Vec<(Option<Value>, Option<Value>)>,
}

/// The space of every recommendation and definition of a program.
pub(super) fn whole_space(p: &Program) -> FactSpace {
    let m = p.model();
    let recs: Vec<RecId> = (0..m.recs.len() as u32).map(RecId).collect();
    let defs: Vec<DefId> = (0..m.defs.len() as u32).map(DefId).collect();
    p.fact_space(&recs, &defs)
}

/// True when the regions of both versions split the items' cases exactly.
pub(super) fn exact(op: &Program, np: &Program, items: &[Item]) -> bool {
    let (mut orecs, mut odefs, mut nrecs, mut ndefs) = (vec![], vec![], vec![], vec![]);
    for item in items {
        match item {
            Item::Rec(o, n, _) => {
                orecs.extend(o.map(|r| RecId(r as u32)));
                nrecs.extend(n.map(|r| RecId(r as u32)));
            }
            Item::Def(o, n, _) => {
                odefs.push(DefId(*o as u32));
                ndefs.push(DefId(*n as u32));
            }
        }
    }
    op.fact_space(&orecs, &odefs).complete && np.fact_space(&nrecs, &ndefs).complete
}

/// The values tried for fact `i` of a model: its regions, or any value.
fn domain(m: &Model, space: &FactSpace, i: usize) -> Vec<Option<Value>> {
    let d: Vec<Option<Value>> = space
        .domains
        .get(i)
        .map(|d| d.iter().copied().map(Some).collect())
        .unwrap_or_default();
    if d.is_empty() {
        return any_value(m, FactId(i as u32))
            .into_iter()
            .map(Some)
            .collect();
    }
    d
}

/// Facts of both versions by name, with merged domains. A fact whose type
/// differs between the versions is left unknown (a textual change says so).
pub(super) fn merge_facts(om: &Model, nm: &Model, os: &FactSpace, ns: &FactSpace) -> Vec<Merged> {
    let mut out = Vec::new();
    for (i, f) in om.facts.iter().enumerate() {
        let j = nm.fact(&f.name).map(|j| j.0 as usize);
        let od = domain(om, os, i);
        let values: Vec<(Option<Value>, Option<Value>)> = match j.and_then(|j| nm.facts.get(j)) {
            None => od.into_iter().map(|v| (v, None)).collect(),
            Some(g) => match (f.ty, g.ty) {
                (Type::Enum(a), Type::Enum(b)) => {
                    let an: Vec<String> = enum_names(om, a);
                    let bn: Vec<String> = enum_names(nm, b);
                    let mut all = an.clone();
                    all.extend(bn.iter().filter(|n| !an.contains(n)).cloned());
                    all.iter()
                        .map(|n| {
                            let pos = |l: &[String]| {
                                l.iter().position(|x| x == n).map(|p| Value::Enum(p as u32))
                            };
                            (pos(&an), pos(&bn))
                        })
                        .collect()
                }
                (a, b) if same_kind(a, b) => {
                    let mut vals: Vec<Option<Value>> = od;
                    for v in domain(nm, ns, j.unwrap_or(0)) {
                        if !vals.contains(&v) {
                            vals.push(v);
                        }
                    }
                    vals.into_iter().map(|v| (v, v)).collect()
                }
                _ => Vec::new(),
            },
        };
        out.push(Merged {
            name: f.name.clone(),
            old: Some(i),
            new: j,
            values,
        });
    }
    for (j, g) in nm.facts.iter().enumerate() {
        if om.fact(&g.name).is_none() {
            let values = domain(nm, ns, j).into_iter().map(|v| (None, v)).collect();
            out.push(Merged {
                name: g.name.clone(),
                old: None,
                new: Some(j),
                values,
            });
        }
    }
    out
}

fn enum_names(m: &Model, e: crate::check::model::EnumId) -> Vec<String> {
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
