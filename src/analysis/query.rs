//! Analysis stage: one question over a slice of the guideline.
//!
//! A question is a list of boolean expressions over the model's facts and
//! definitions ("this recommendation applies", "both apply", "no branch is
//! true"). [`Query::new`] copies only the definitions and tables those
//! expressions read into a small model, with the expressions as the
//! conditions of synthetic recommendations, and compiles it with the real
//! interpreter ([`Program`]), so the analysis evaluates exactly what
//! `cairn run` evaluates. Cases range over the product of the domains of
//! the facts read: one representative per region of the completion space
//! of the compiled question (`Program::fact_space`, shared with the exact
//! pass of `cairn run`); when that product exceeds [`LIMIT`], an evenly
//! spaced sample of it is tried instead and the query says so, and when the
//! split into regions is not exact (a comparison between two facts) the
//! query says that too, so that no negative finding is claimed.

use super::cone::Cones;
use crate::case::Case;
use crate::check::model::*;
use crate::eval::outcome::Status;
use crate::eval::{Program, Scratch};
use crate::source::SourceMap;
use crate::syntax::ast::RecKind;
use crate::value::Value;
use std::collections::BTreeMap;

/// The most cases one query tries.
pub(crate) const LIMIT: u64 = 1 << 18;

/// A compiled question and the facts it ranges over.
pub(crate) struct Query {
    program: Program,
    /// The facts read, in declaration order.
    pub facts: Vec<FactId>,
    /// The values tried for each of `facts`.
    domains: Vec<Vec<Option<Value>>>,
    /// The number of cases in the product of the domains (saturating).
    pub size: u64,
    /// True when trying one value per region tries every case: every
    /// comparison the question makes is split exactly.
    pub exact: bool,
    /// Number of facts in the whole model (the length of a case).
    width: usize,
    /// Number of question expressions; the synthetic recommendations after
    /// them are the guideline's constraints that read the facts tried.
    asked: usize,
}

/// Whether "unknown" is tried for every fact or only where `is known` reads it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Unknowns {
    /// Only for facts read by `is known` / `is unknown` (enough for
    /// questions about definite results: Kleene logic is monotone).
    Needed,
    /// For every fact.
    All,
}

impl Query {
    /// Compiles the question "which of `exprs` are true".
    pub fn new(model: &Model, cones: &Cones, mut exprs: Vec<TExpr>, unknowns: Unknowns) -> Query {
        let refs: Vec<&TExpr> = exprs.iter().collect();
        let (facts, defs) = cones.of(&refs);
        let facts: Vec<FactId> = facts.into_iter().collect();
        let n = exprs.len();
        // Cases that break a constraint cannot be loaded, so they are no
        // witnesses: the constraints that read a fact tried are evaluated
        // with the question and such cases skipped (facts outside the cone
        // stay unknown, which a constraint accepts unless decided).
        let asked = n;
        exprs.extend(
            model
                .constraints
                .iter()
                .filter(|c| c.facts.iter().any(|f| facts.contains(f)))
                .map(|c| c.condition.clone()),
        );
        let slice = slice(model, &defs, exprs);
        let program = Program::from_model(slice, SourceMap::new());
        let recs: Vec<RecId> = (0..n as u32).map(RecId).collect();
        let space = program.fact_space(&recs, &[]);
        let domains: Vec<Vec<Option<Value>>> = facts
            .iter()
            .map(|&f| {
                let mut d: Vec<Option<Value>> = space
                    .domains
                    .get(f.0 as usize)
                    .map(|d| d.iter().copied().map(Some).collect())
                    .unwrap_or_default();
                if d.is_empty() {
                    d.extend(any_value(model, f).map(Some));
                }
                let unknown = unknowns == Unknowns::All
                    || cones
                        .needs_unknown
                        .get(f.0 as usize)
                        .copied()
                        .unwrap_or(false);
                if unknown || d.is_empty() {
                    d.push(None);
                }
                d
            })
            .collect();
        let size = domains
            .iter()
            .fold(1u64, |acc, d| acc.saturating_mul(d.len() as u64));
        Query {
            program,
            facts,
            domains,
            size,
            exact: space.complete,
            width: model.facts.len(),
            asked,
        }
    }

    /// The statuses of the question's expressions for `case`, or `None`
    /// when the case breaks a constraint of the guideline.
    fn statuses<'s>(&self, case: &Case, scratch: &'s mut Scratch) -> Option<&'s [Status]> {
        let all = self.program.statuses(case, scratch);
        let (asked, constraints) = all.split_at(self.asked.min(all.len()));
        let broken = constraints.contains(&Status::NotApplicable);
        (!broken).then_some(asked)
    }

    /// True when every case of the product is tried and the product covers
    /// every case (see [`Query::exact`]).
    pub fn complete(&self) -> bool {
        self.size <= LIMIT && self.exact
    }

    /// True when the product was sampled.
    pub fn sampled(&self) -> bool {
        self.size > LIMIT
    }

    /// A case with every fact unknown.
    pub fn blank(&self) -> Case {
        Case {
            name: String::new(),
            facts: vec![None; self.width],
        }
    }

    /// Fresh evaluation buffers.
    pub fn scratch(&self) -> Scratch {
        self.program.scratch()
    }

    /// Calls `visit` on every case of the product (or the sample), until it
    /// returns true; returns the case it stopped at.
    pub fn search(&self, mut visit: impl FnMut(&Case, &[Status]) -> bool) -> Option<Case> {
        let mut case = self.blank();
        let mut scratch = self.scratch();
        let n = self.size.min(LIMIT);
        for i in 0..n {
            self.decode(spread(i, self.size, n), &mut case);
            let Some(statuses) = self.statuses(&case, &mut scratch) else {
                continue;
            };
            if visit(&case, statuses) {
                return Some(case);
            }
        }
        None
    }

    /// Sets the facts of `case` to the `index`-th combination of the domains.
    pub fn decode(&self, mut index: u64, case: &mut Case) {
        for (f, d) in self.facts.iter().zip(&self.domains) {
            let n = d.len().max(1) as u64;
            let v = d.get((index % n) as usize).copied().flatten();
            index /= n;
            if let Some(slot) = case.facts.get_mut(f.0 as usize) {
                *slot = v;
            }
        }
    }

    /// The first case where every expression listed in `want` is true.
    pub fn witness(&self, want: &[usize]) -> Option<Case> {
        let holds = |s: &[Status]| want.iter().all(|&i| s.get(i) == Some(&Status::Applies));
        let found = self.search(|_, s| holds(s))?;
        Some(self.minimize(found, |s| holds(s)))
    }

    /// For each fact, in how many complete cases (of the product, or a
    /// sample of it) making that fact alone unknown turns expression `i`
    /// from decided to undetermined; with the number of decided cases.
    pub fn sensitivity(&self, i: usize, budget: u64) -> (u64, Vec<u64>) {
        let mut counts = vec![0u64; self.facts.len()];
        let mut total = 0u64;
        let mut case = self.blank();
        let mut scratch = self.scratch();
        let n = self.size.min(budget.max(1));
        for k in 0..n {
            self.decode(spread(k, self.size, n), &mut case);
            let base = self
                .statuses(&case, &mut scratch)
                .and_then(|s| s.get(i).copied());
            if matches!(base, None | Some(Status::Undetermined)) {
                continue;
            }
            total += 1;
            for (j, f) in self.facts.iter().enumerate() {
                let slot = f.0 as usize;
                let Some(old) = case.facts.get(slot).copied().flatten() else {
                    continue;
                };
                if let Some(s) = case.facts.get_mut(slot) {
                    *s = None;
                }
                let now = self
                    .statuses(&case, &mut scratch)
                    .and_then(|s| s.get(i).copied());
                if now == Some(Status::Undetermined) {
                    if let Some(c) = counts.get_mut(j) {
                        *c += 1;
                    }
                }
                if let Some(s) = case.facts.get_mut(slot) {
                    *s = Some(old);
                }
            }
        }
        (total, counts)
    }

    /// Makes facts unknown one at a time, last first, as long as `holds`
    /// stays true: the result needs every fact it still gives.
    pub fn minimize(&self, mut case: Case, holds: impl Fn(&[Status]) -> bool) -> Case {
        let mut scratch = self.scratch();
        for f in self.facts.iter().rev() {
            let i = f.0 as usize;
            let Some(old) = case.facts.get(i).copied().flatten() else {
                continue;
            };
            if let Some(slot) = case.facts.get_mut(i) {
                *slot = None;
            }
            if !self.statuses(&case, &mut scratch).is_some_and(&holds) {
                if let Some(slot) = case.facts.get_mut(i) {
                    *slot = Some(old);
                }
            }
        }
        case
    }
}

/// A value of a fact that no comparison reads (any will do).
pub(crate) fn any_value(model: &Model, f: FactId) -> Option<Value> {
    Some(match model.facts.get(f.0 as usize)?.ty {
        Type::Bool => Value::Bool(false),
        Type::Enum(_) => Value::Enum(0),
        Type::Int { min, max } => Value::Int(min.or(max).unwrap_or(0)),
        Type::Number => Value::Number(1.0),
        Type::Quantity { .. } => Value::Quantity(1.0),
        // 2024-01-01.
        Type::Date => Value::Date(19_723),
        Type::Row(_) => return None,
    })
}

/// The `i`-th of `n` cases tried out of `size`: all of them in order when
/// `n == size`, otherwise a pseudo-random permutation of the product
/// (multiplying by a prime larger than any domain is a bijection modulo
/// `size`), so a sample does not keep any fact fixed the way an even
/// stride over a mixed-radix index would.
pub(crate) fn spread(i: u64, size: u64, n: u64) -> u64 {
    if n >= size || size == 0 {
        return i;
    }
    ((u128::from(i) * 1_000_000_007u128) % u128::from(size)) as u64
}

/// A small model holding only the definitions and tables in `defs` and one
/// synthetic recommendation per expression. Fact ids stay those of the
/// whole model, so cases keep their layout.
fn slice(model: &Model, defs: &std::collections::BTreeSet<DefId>, exprs: Vec<TExpr>) -> Model {
    let order: Vec<DefId> = model
        .def_order
        .iter()
        .copied()
        .filter(|d| defs.contains(d))
        .collect();
    let def_map: BTreeMap<DefId, DefId> = order
        .iter()
        .enumerate()
        .map(|(i, &d)| (d, DefId(i as u32)))
        .collect();
    let mut table_map: BTreeMap<TableId, TableId> = BTreeMap::new();
    for d in &order {
        if let Some(DefBody::Table(t)) = model.defs.get(d.0 as usize).map(|d| &d.body) {
            let next = TableId(table_map.len() as u32);
            table_map.insert(*t, next);
        }
    }
    let remap = |e: &TExpr| {
        let mut e = e.clone();
        rewrite(&mut e, &def_map, &table_map);
        e
    };
    // The enums stay, so that enum facts keep their values (and the exact
    // pass of the slice its regions).
    let mut out = Model {
        enums: model.enums.clone(),
        ..Model::default()
    };
    for d in &order {
        let Some(def) = model.defs.get(d.0 as usize) else {
            continue;
        };
        let body = match &def.body {
            DefBody::Expr(e) => DefBody::Expr(remap(e)),
            DefBody::Table(t) => DefBody::Table(table_map.get(t).copied().unwrap_or(TableId(0))),
        };
        out.defs.push(DefInfo {
            name: String::new(),
            description: String::new(),
            doc: Vec::new(),
            ty: def.ty,
            body,
            span: def.span,
            decl_span: def.decl_span,
        });
    }
    for old in table_map.keys() {
        let Some(t) = model.tables.get(old.0 as usize) else {
            continue;
        };
        out.tables.push(TableInfo {
            def: def_map.get(&t.def).copied().unwrap_or(DefId(0)),
            title: String::new(),
            keys: t.keys.iter().map(remap).collect(),
            columns: t.columns.clone(),
            rows: t.rows.clone(),
            cites: Vec::new(),
        });
    }
    out.def_order = (0..order.len() as u32).map(DefId).collect();
    for (i, e) in exprs.into_iter().enumerate() {
        let e = remap(&e);
        out.recs.push(synthetic(i, e));
    }
    out
}

/// Points the definition and table references of an expression at the slice.
fn rewrite(e: &mut TExpr, defs: &BTreeMap<DefId, DefId>, tables: &BTreeMap<TableId, TableId>) {
    match &mut e.kind {
        TExprKind::Def(d) => *d = defs.get(d).copied().unwrap_or(*d),
        TExprKind::Column { def, table, .. } => {
            *def = defs.get(def).copied().unwrap_or(*def);
            *table = tables.get(table).copied().unwrap_or(*table);
        }
        TExprKind::Const(_) | TExprKind::Fact(_) => {}
        TExprKind::Not(a) | TExprKind::Neg(a) | TExprKind::IsKnown(a, _) => {
            rewrite(a, defs, tables)
        }
        TExprKind::Binary(_, a, b) => {
            rewrite(a, defs, tables);
            rewrite(b, defs, tables);
        }
        TExprKind::In { value, set, .. } => {
            rewrite(value, defs, tables);
            set.iter_mut().for_each(|m| rewrite(m, defs, tables));
        }
        TExprKind::Quantified(_, items) => items.iter_mut().for_each(|i| rewrite(i, defs, tables)),
        TExprKind::First {
            branches,
            otherwise,
        } => {
            for (c, v) in branches {
                rewrite(c, defs, tables);
                rewrite(v, defs, tables);
            }
            if let Some(o) = otherwise {
                rewrite(o, defs, tables);
            }
        }
    }
}

/// A recommendation whose status is the truth of `cond`.
fn synthetic(i: usize, cond: TExpr) -> RecInfo {
    RecInfo {
        id: format!("q{i}"),
        kind: RecKind::Inform,
        strength: None,
        varies: Default::default(),
        about: None,
        span: cond.span,
        decl_span: cond.span,
        condition: Some(cond),
        section: None,
        statement: String::new(),
        rationale: Vec::new(),
        alternatives: Vec::new(),
        notes: Vec::new(),
        details: Vec::new(),
        schedule: None,
        cites: Vec::new(),
        see: Vec::new(),
        excludes: Vec::new(),
        acknowledged: Vec::new(),
        doc: Vec::new(),
    }
}
