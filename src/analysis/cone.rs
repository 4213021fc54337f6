//! Analysis stage: what each rule reads (its cone of influence) and the
//! values worth trying for each fact.
//!
//! The analysis never enumerates all facts together. Each question is
//! asked over the facts its expressions read, directly or through
//! definitions and tables, and each fact ranges over a small domain:
//! every value of a boolean or enum, and for ordered types (integers,
//! numbers, quantities, dates) the thresholds the guideline compares the
//! fact with, one value on each side of each threshold and one value
//! between neighbouring thresholds. Every comparison with a literal is
//! then decided the same way by all values of one region, so one
//! representative per region is enough.

use crate::check::model::{DefBody, DefId, FactId, Model, TExpr, TExprKind, Type};
use crate::syntax::ast::BinOp;
use crate::value::Value;
use std::collections::BTreeSet;

/// Calls `f` on `e` and every expression inside it, parents first.
pub(crate) fn walk<'e>(e: &'e TExpr, f: &mut impl FnMut(&'e TExpr)) {
    e.pre_order().for_each(f);
}

/// Every expression of the model: definition bodies, table keys, section,
/// recommendation and study conditions.
pub(crate) fn all_exprs(model: &Model) -> Vec<&TExpr> {
    let mut out: Vec<&TExpr> = Vec::new();
    for d in &model.defs {
        if let DefBody::Expr(e) = &d.body {
            out.push(e);
        }
    }
    out.extend(model.tables.iter().flat_map(|t| t.keys.iter()));
    out.extend(model.sections.iter().filter_map(|s| s.condition.as_ref()));
    out.extend(model.recs.iter().filter_map(|r| r.condition.as_ref()));
    for s in &model.schedules {
        out.extend(s.studies.iter().filter_map(|st| st.condition.as_ref()));
    }
    out
}

/// The facts and definitions an expression reads directly.
fn direct(e: &TExpr, facts: &mut BTreeSet<FactId>, defs: &mut BTreeSet<DefId>) {
    walk(e, &mut |x| match &x.kind {
        TExprKind::Fact(f) => {
            facts.insert(*f);
        }
        TExprKind::Def(d) | TExprKind::Column { def: d, .. } => {
            defs.insert(*d);
        }
        _ => {}
    });
}

/// Cones of influence and fact domains for a whole model.
#[derive(Debug, Clone)]
pub(crate) struct Cones {
    /// Per definition: every fact it reads, through other definitions too.
    def_facts: Vec<BTreeSet<FactId>>,
    /// Per definition: every definition it reads, transitively.
    def_defs: Vec<BTreeSet<DefId>>,
    /// Per fact: true when some `is known`/`is unknown` reads it, so that
    /// "unknown" is a value the analysis must try.
    pub needs_unknown: Vec<bool>,
    /// Per fact: the literals it is compared with.
    thresholds: Vec<Vec<Value>>,
}

impl Cones {
    /// Computes the cones of every definition and the fact domains.
    pub fn new(model: &Model) -> Cones {
        let n = model.defs.len();
        let mut cones = Cones {
            def_facts: vec![BTreeSet::new(); n],
            def_defs: vec![BTreeSet::new(); n],
            needs_unknown: vec![false; model.facts.len()],
            thresholds: vec![Vec::new(); model.facts.len()],
        };
        // `def_order` puts every definition after what it reads, so one
        // pass in that order closes the sets transitively.
        for &d in &model.def_order {
            let Some(def) = model.defs.get(d.0 as usize) else {
                continue;
            };
            let (mut facts, mut defs) = (BTreeSet::new(), BTreeSet::new());
            match &def.body {
                DefBody::Expr(e) => direct(e, &mut facts, &mut defs),
                DefBody::Table(t) => {
                    for k in model
                        .tables
                        .get(t.0 as usize)
                        .map(|t| &t.keys[..])
                        .unwrap_or(&[])
                    {
                        direct(k, &mut facts, &mut defs);
                    }
                }
            }
            let mut all_defs = defs.clone();
            for r in &defs {
                if let Some(more) = cones.def_facts.get(r.0 as usize) {
                    facts.extend(more.iter().copied());
                }
                if let Some(more) = cones.def_defs.get(r.0 as usize) {
                    all_defs.extend(more.iter().copied());
                }
            }
            if let Some(slot) = cones.def_facts.get_mut(d.0 as usize) {
                *slot = facts;
            }
            if let Some(slot) = cones.def_defs.get_mut(d.0 as usize) {
                *slot = all_defs;
            }
        }
        for e in all_exprs(model) {
            walk(e, &mut |x| cones.note(model, x));
        }
        cones
    }

    /// Records what one expression node says about fact domains.
    fn note(&mut self, model: &Model, x: &TExpr) {
        match &x.kind {
            TExprKind::IsKnown(inner, _) => {
                for f in self.of(&[inner]).0 {
                    if let Some(flag) = self.needs_unknown.get_mut(f.0 as usize) {
                        *flag = true;
                    }
                }
            }
            TExprKind::Binary(op, a, b) if is_comparison(*op) => {
                self.threshold(model, a, b);
                self.threshold(model, b, a);
            }
            TExprKind::In { value, set, .. } => {
                for m in set {
                    self.threshold(model, value, m);
                }
            }
            _ => {}
        }
    }

    /// When `lit` is a literal, records it as a threshold of every fact
    /// `read` depends on whose type it can be compared with.
    fn threshold(&mut self, model: &Model, read: &TExpr, lit: &TExpr) {
        let TExprKind::Const(v) = lit.kind else {
            return;
        };
        for f in self.of(&[read]).0 {
            let Some(info) = model.facts.get(f.0 as usize) else {
                continue;
            };
            let fits = match (info.ty, v, lit.ty) {
                (Type::Int { .. } | Type::Number, Value::Int(_) | Value::Number(_), _) => true,
                (
                    Type::Quantity { dim, .. },
                    Value::Quantity(_),
                    Type::Quantity { dim: d2, .. },
                ) => dim == d2,
                (Type::Date, Value::Date(_), _) => true,
                _ => false,
            };
            if let (true, Some(list)) = (fits, self.thresholds.get_mut(f.0 as usize)) {
                if !list.contains(&v) {
                    list.push(v);
                }
            }
        }
    }

    /// The facts and definitions some expressions read, transitively.
    pub fn of(&self, exprs: &[&TExpr]) -> (BTreeSet<FactId>, BTreeSet<DefId>) {
        let (mut facts, mut defs) = (BTreeSet::new(), BTreeSet::new());
        for e in exprs {
            direct(e, &mut facts, &mut defs);
        }
        let mut all = defs.clone();
        for d in &defs {
            if let Some(more) = self.def_facts.get(d.0 as usize) {
                facts.extend(more.iter().copied());
            }
            if let Some(more) = self.def_defs.get(d.0 as usize) {
                all.extend(more.iter().copied());
            }
        }
        (facts, all)
    }

    /// Every definition a definition reads, transitively.
    pub fn def_reads(&self, d: DefId) -> impl Iterator<Item = DefId> + '_ {
        self.def_defs
            .get(d.0 as usize)
            .into_iter()
            .flatten()
            .copied()
    }

    /// The known values worth trying for a fact (see the module doc).
    pub fn domain(&self, model: &Model, f: FactId) -> Vec<Option<Value>> {
        let Some(info) = model.facts.get(f.0 as usize) else {
            return Vec::new();
        };
        let lits = self
            .thresholds
            .get(f.0 as usize)
            .map(|v| &v[..])
            .unwrap_or(&[]);
        let vals: Vec<Value> = match info.ty {
            Type::Bool => vec![Value::Bool(false), Value::Bool(true)],
            Type::Enum(e) => {
                let n = model.enum_info(e).map(|i| i.values.len()).unwrap_or(0);
                (0..n).map(|i| Value::Enum(i as u16)).collect()
            }
            Type::Int { min, max } => ints(lits, min, max).into_iter().map(Value::Int).collect(),
            Type::Date => {
                let days: Vec<Value> = lits
                    .iter()
                    .filter_map(|v| match v {
                        Value::Date(d) => Some(Value::Int(i64::from(*d))),
                        _ => None,
                    })
                    .collect();
                let mut out: Vec<Value> = ints(&days, None, None)
                    .into_iter()
                    .filter_map(|d| i32::try_from(d).ok().map(Value::Date))
                    .collect();
                if out.is_empty() {
                    // 2024-01-01: any date will do when none is compared.
                    out.push(Value::Date(19723));
                }
                out
            }
            Type::Number => floats(lits).into_iter().map(Value::Number).collect(),
            Type::Quantity { .. } => floats(lits).into_iter().map(Value::Quantity).collect(),
            Type::Row(_) => Vec::new(),
        };
        vals.into_iter().map(Some).collect()
    }
}

/// True for the six comparison operators.
pub(crate) fn is_comparison(op: BinOp) -> bool {
    matches!(
        op,
        BinOp::Eq | BinOp::Ne | BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge
    )
}

/// Integer representatives: each threshold and its neighbours, the range
/// bounds, all clipped to the declared range. A small range is tried whole.
fn ints(lits: &[Value], min: Option<i64>, max: Option<i64>) -> Vec<i64> {
    let lo = min.unwrap_or(i64::MIN / 4);
    let hi = max.unwrap_or(i64::MAX / 4);
    let mut out = BTreeSet::new();
    if let (Some(a), Some(b)) = (min, max) {
        if b.checked_sub(a).is_some_and(|n| n <= 6) {
            return (a..=b).collect();
        }
        out.insert(a);
        out.insert(b);
    }
    for v in lits {
        let ts: Vec<i64> = match v {
            Value::Int(i) => vec![*i],
            Value::Number(x) if x.is_finite() && x.abs() < 1e15 => {
                vec![x.floor() as i64, x.ceil() as i64]
            }
            _ => Vec::new(),
        };
        for t in ts {
            for c in [t.saturating_sub(1), t, t.saturating_add(1)] {
                if (lo..=hi).contains(&c) {
                    out.insert(c);
                }
            }
        }
    }
    if out.is_empty() {
        out.insert(min.or(max).unwrap_or(0));
    }
    out.into_iter().collect()
}

/// Decimal representatives: each threshold, the midpoints between
/// neighbouring thresholds, and one value below and one above them all.
fn floats(lits: &[Value]) -> Vec<f64> {
    let mut ts: Vec<f64> = lits
        .iter()
        .filter_map(|v| match v {
            Value::Int(i) => Some(*i as f64),
            Value::Number(x) | Value::Quantity(x) => Some(*x),
            _ => None,
        })
        .filter(|x| x.is_finite())
        .collect();
    ts.sort_by(f64::total_cmp);
    ts.dedup_by(|a, b| crate::units::approx_eq(*a, *b));
    let (Some(&first), Some(&last)) = (ts.first(), ts.last()) else {
        return vec![1.0];
    };
    let mut out = vec![if first > 0.0 {
        first / 2.0
    } else {
        first - 1.0
    }];
    for w in ts.windows(2) {
        out.push(w[0]);
        out.push((w[0] + w[1]) / 2.0);
    }
    out.push(last);
    out.push(if last > 0.0 { last * 2.0 } else { last + 1.0 });
    out
}
