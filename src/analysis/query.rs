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

/// The most cases one query tries by enumerating its product; a larger
/// product is searched depth first instead ([`Query::witness`]).
pub(crate) const LIMIT: u64 = 1 << 18;

/// The most evaluations one depth-first search makes: the analysis budget
/// of one question (README, "Limits and safety"). A search that runs out
/// decides nothing, and the analysis says so as an error.
pub(crate) const BUDGET: u64 = 1 << 20;

/// A compiled question and the facts it ranges over.
pub(crate) struct Query {
    pub(super) program: Program,
    /// The facts read, in declaration order.
    pub facts: Vec<FactId>,
    /// The values tried for each of `facts`.
    pub(super) domains: Vec<Vec<Option<Value>>>,
    /// For each of `facts`: some `is known`/`is unknown` reads it, so its
    /// being unknown is not just "some value" (see `partial`).
    pub(super) known_read: Vec<bool>,
    /// The number of cases in the product of the domains (saturating).
    pub size: u64,
    /// True when trying one value per region tries every case: every
    /// comparison the question makes is split exactly.
    pub exact: bool,
    /// Number of facts in the whole model (the length of a case).
    width: usize,
    /// Number of question expressions; the synthetic recommendations after
    /// them are the guideline's constraints that read the facts tried.
    pub(super) asked: usize,
    /// Set when a depth-first search ran out of [`BUDGET`]: a question it
    /// found no witness for is not decided.
    over_budget: std::cell::Cell<bool>,
    /// The most evaluations of one depth-first search ([`BUDGET`] unless
    /// set with [`Query::with_budget`]).
    pub budget: u64,
    /// The definition of the slice holding the shared expression of
    /// [`Query::shared`], if any.
    pub(super) shared: Option<DefId>,
    /// Number of the guideline's constraints evaluated with the question.
    constraints: usize,
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

/// The definition id by which the expressions of [`Query::shared`] read
/// their shared sub-expression.
pub(crate) const SHARED: DefId = DefId(u32::MAX);

impl Query {
    /// Compiles the question "which of `exprs` are true".
    pub fn new(model: &Model, cones: &Cones, exprs: Vec<TExpr>, unknowns: Unknowns) -> Query {
        Query::shared(model, cones, None, exprs, unknowns)
    }

    /// [`Query::new`] where `exprs` may read `shared` (of type `ty`) as the
    /// definition [`SHARED`]: compiled once, however many expressions
    /// read it, so that questions about each of n branches stay linear.
    pub fn shared(
        model: &Model,
        cones: &Cones,
        shared: Option<(TExpr, Type)>,
        mut exprs: Vec<TExpr>,
        unknowns: Unknowns,
    ) -> Query {
        let mut refs: Vec<&TExpr> = exprs.iter().collect();
        refs.extend(shared.as_ref().map(|(e, _)| e));
        let (facts, mut defs) = cones.of(&refs);
        defs.remove(&SHARED);
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
        let constraints = exprs.len() - asked;
        let (slice, shared) = slice(model, &defs, shared, exprs);
        let program = Program::from_model(slice, SourceMap::new()).with_domains(model);
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
                // The slice has no fact declarations: `never`, a value a
                // case may give a `date or never` fact, is added here.
                let never = Some(Value::Date(crate::value::date::NEVER));
                let may_be_never = model
                    .facts
                    .get(f.0 as usize)
                    .is_some_and(|i| i.domain.never);
                if may_be_never && !d.contains(&never) {
                    d.insert(0, never);
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
        let known_read = facts
            .iter()
            .map(|f| {
                cones
                    .needs_unknown
                    .get(f.0 as usize)
                    .copied()
                    .unwrap_or(true)
            })
            .collect();
        let size = domains
            .iter()
            .fold(1u64, |acc, d| acc.saturating_mul(d.len() as u64));
        Query {
            program,
            facts,
            domains,
            known_read,
            size,
            exact: space.complete,
            width: model.facts.len(),
            asked,
            over_budget: std::cell::Cell::new(false),
            budget: BUDGET,
            shared,
            constraints,
        }
    }

    /// The query with another search budget.
    pub fn with_budget(mut self, budget: u64) -> Query {
        self.budget = budget;
        self
    }

    /// The statuses of the question's expressions for `case`, or `None`
    /// when the case breaks a constraint of the guideline.
    pub(super) fn statuses<'s>(
        &self,
        case: &Case,
        scratch: &'s mut Scratch,
    ) -> Option<&'s [Status]> {
        let all = self.program.statuses(case, scratch);
        let (asked, constraints) = all.split_at(self.asked.min(all.len()));
        let broken = constraints.contains(&Status::NotApplicable);
        (!broken).then_some(asked)
    }

    /// True when the searches so far tried every case (or pruned it as
    /// unable to answer) and the product covers every case (see
    /// [`Query::exact`]). Ask after [`Query::witness`]: a search that runs
    /// out of budget makes the query incomplete.
    pub fn complete(&self) -> bool {
        self.exact && !self.over_budget.get()
    }

    /// True when some constraint of the guideline is evaluated with the
    /// question (a case may then be no witness).
    pub fn constraints(&self) -> bool {
        self.constraints > 0
    }

    /// True when a search ran out of [`BUDGET`].
    pub fn over_budget(&self) -> bool {
        self.over_budget.get()
    }

    /// A case with every fact unknown.
    pub fn blank(&self) -> Case {
        Case {
            name: String::new(),
            facts: vec![None; self.width],
            absent: Vec::new(),
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

    /// The first case where every expression listed in `want` is true: by
    /// enumeration when the product is at most [`LIMIT`], else depth
    /// first; minimised ([`Query::minimize`]).
    pub fn witness(&self, want: &[usize]) -> Option<Case> {
        self.find(want).map(|c| self.minimize(c, want))
    }

    /// [`Query::witness`] before minimising (enough to know that one
    /// exists).
    pub fn find(&self, want: &[usize]) -> Option<Case> {
        let holds = |s: &[Status]| want.iter().all(|&i| s.get(i) == Some(&Status::Applies));
        if self.size <= LIMIT {
            self.search(|_, s| holds(s))
        } else {
            self.depth_first(want)
        }
    }

    /// A case where every expression of `want` applies, found by assigning
    /// the facts one at a time and pruning every partial case in which,
    /// under Kleene logic with the rest unknown, an expression of `want` or
    /// a constraint is already false: every operator but `is known` is
    /// monotone, so no completion of such a case can answer. The facts
    /// whose domain holds unknown (those an `is known` reads) are assigned
    /// first, and pruning starts once they are. Exact over the domains;
    /// sets [`Query::over_budget`] when it stops after its budget of
    /// evaluations.
    fn depth_first(&self, want: &[usize]) -> Option<Case> {
        let mut order: Vec<usize> = (0..self.facts.len()).collect();
        order.sort_by_key(|&i| {
            let d = self.domains.get(i).map_or(&[][..], Vec::as_slice);
            (!d.contains(&None), d.len())
        });
        let prune_from = order
            .iter()
            .take_while(|&&i| self.domains.get(i).is_some_and(|d| d.contains(&None)))
            .count();
        let mut search = Dfs {
            query: self,
            want,
            order,
            prune_from,
            case: self.blank(),
            scratch: self.scratch(),
            evaluations: 0,
        };
        let found = search.descend(0);
        if search.evaluations > self.budget {
            self.over_budget.set(true);
        }
        found.then_some(search.case)
    }
}

/// The state of one depth-first search ([`Query::depth_first`]).
struct Dfs<'q> {
    query: &'q Query,
    want: &'q [usize],
    /// Indices into `query.facts`, in the order they are assigned.
    order: Vec<usize>,
    /// How many of `order` must be assigned before pruning is sound.
    prune_from: usize,
    case: Case,
    scratch: Scratch,
    evaluations: u64,
}

impl Dfs<'_> {
    /// Assigns the facts from `depth` on; true when `case` is a witness.
    fn descend(&mut self, depth: usize) -> bool {
        let q = self.query;
        let Some(&i) = self.order.get(depth) else {
            return self.answers();
        };
        let (Some(f), Some(domain)) = (q.facts.get(i), q.domains.get(i)) else {
            return false;
        };
        let slot = f.0 as usize;
        for v in domain {
            if self.evaluations > q.budget {
                break;
            }
            if let Some(s) = self.case.facts.get_mut(slot) {
                *s = *v;
            }
            if depth + 1 >= self.prune_from && depth + 1 < self.order.len() {
                self.evaluations += 1;
                let s = q.program.kleene_statuses(&self.case, &mut self.scratch);
                let (asked, constraints) = s.split_at(q.asked.min(s.len()));
                let dead = self
                    .want
                    .iter()
                    .any(|&w| asked.get(w) == Some(&Status::NotApplicable))
                    || constraints.contains(&Status::NotApplicable);
                if dead {
                    continue;
                }
                let settled = self
                    .want
                    .iter()
                    .all(|&w| asked.get(w) == Some(&Status::Applies));
                // Already a witness with the rest unknown: confirm it with
                // the exact statuses the enumeration uses.
                if settled && self.answers() {
                    return true;
                }
            }
            if self.descend(depth + 1) {
                return true;
            }
        }
        if let Some(s) = self.case.facts.get_mut(slot) {
            *s = None;
        }
        false
    }

    /// True when the current case meets the constraints and every
    /// expression of `want` applies.
    fn answers(&mut self) -> bool {
        self.evaluations += 1;
        let want = self.want;
        self.query
            .statuses(&self.case, &mut self.scratch)
            .is_some_and(|s| want.iter().all(|&w| s.get(w) == Some(&Status::Applies)))
    }
}

/// A value of a fact that no comparison reads (any will do).
pub(crate) fn any_value(model: &Model, f: FactId) -> Option<Value> {
    let info = model.facts.get(f.0 as usize)?;
    // 1, or the nearest value of the declared range.
    let x = info
        .domain
        .range
        .map_or(1.0, |(lo, hi)| 1.0_f64.clamp(lo, hi.max(lo)));
    Some(match info.ty {
        Type::Bool => Value::Bool(false),
        Type::Enum(_) => Value::Enum(0),
        Type::Int { min, max } => Value::Int(min.or(max).unwrap_or(0)),
        Type::Number => Value::Number(x),
        Type::Quantity { .. } => Value::Quantity(x),
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
/// synthetic recommendation per expression, with the id of the definition
/// holding `shared`. Fact ids stay those of the whole model, so cases keep
/// their layout.
fn slice(
    model: &Model,
    defs: &std::collections::BTreeSet<DefId>,
    shared: Option<(TExpr, Type)>,
    exprs: Vec<TExpr>,
) -> (Model, Option<DefId>) {
    let order: Vec<DefId> = model
        .def_order
        .iter()
        .copied()
        .filter(|d| defs.contains(d))
        .collect();
    let mut def_map: BTreeMap<DefId, DefId> = order
        .iter()
        .enumerate()
        .map(|(i, &d)| (d, DefId(i as u32)))
        .collect();
    if shared.is_some() {
        def_map.insert(SHARED, DefId(order.len() as u32));
    }
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
    let shared_id = def_map.get(&SHARED).copied();
    if let Some((e, ty)) = shared {
        out.defs.push(DefInfo {
            name: String::new(),
            description: String::new(),
            doc: Vec::new(),
            ty,
            span: e.span,
            decl_span: e.span,
            body: DefBody::Expr(remap(&e)),
        });
    }
    out.def_order = (0..out.defs.len() as u32).map(DefId).collect();
    for (i, e) in exprs.into_iter().enumerate() {
        let e = remap(&e);
        out.recs.push(synthetic(i, e));
    }
    (out, shared_id)
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
        TExprKind::Quantified(_, items) | TExprKind::Call(_, items) => {
            items.iter_mut().for_each(|i| rewrite(i, defs, tables))
        }
        TExprKind::Score(items) => {
            for (c, p) in items {
                rewrite(c, defs, tables);
                rewrite(p, defs, tables);
            }
        }
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
