//! Analysis stage: the questions `cairn analyze` asks of a guideline.
//!
//! Each check builds boolean expressions from the model's own conditions
//! ("the sections and the condition of `r` hold", "both apply", "no branch
//! is true and a reader is in scope") and asks a [`Query`] for a case that
//! makes them true. A found case is minimised into the witness; no case at
//! all (over a complete exploration) proves the negative finding.

use super::cone::{walk, Cones};
use super::query::{Query, Unknowns};
use super::{witness_json, Finding, Kind, Sensitivity};
use crate::check::model::*;
use crate::source::Span;
use crate::syntax::ast::{BinOp, Quantifier, RecKind};
use crate::value::Value;
use std::collections::BTreeSet;

/// The most complete cases the sensitivity of one recommendation is
/// counted over; a larger cone is sampled (the shares are estimates).
const SENSITIVITY_SAMPLE: u64 = 4096;

/// The state of one analysis run.
pub(crate) struct Ctx<'a> {
    pub model: &'a Model,
    pub cones: Cones,
    pub findings: Vec<Finding>,
    /// Number of queries compiled.
    pub queries: usize,
    /// The search budget of each question.
    pub budget: u64,
    /// Whether `first` chains over one fact are scanned (`chain`) rather
    /// than enumerated (false only to compare the two paths in tests).
    pub chain_scan: bool,
}

/// Where a first-match expression is written.
#[derive(Clone, Copy)]
enum Owner {
    Def(DefId),
    Rec(RecId),
    Section(SectionId),
    Other,
}

fn bool_expr(kind: TExprKind, span: Span) -> TExpr {
    TExpr {
        kind,
        ty: Type::Bool,
        span,
    }
}

/// `all of [items]` (true when empty).
pub(crate) fn all(items: Vec<TExpr>, span: Span) -> TExpr {
    if items.is_empty() {
        return bool_expr(TExprKind::Const(Value::Bool(true)), span);
    }
    bool_expr(TExprKind::Quantified(Quantifier::All, items), span)
}

/// `not e`.
pub(crate) fn not(e: TExpr) -> TExpr {
    let span = e.span;
    bool_expr(TExprKind::Not(Box::new(e)), span)
}

impl<'a> Ctx<'a> {
    /// Starts an analysis of `model`.
    pub fn new(model: &'a Model) -> Ctx<'a> {
        Ctx {
            model,
            cones: Cones::new(model),
            findings: Vec::new(),
            queries: 0,
            budget: super::query::BUDGET,
            chain_scan: true,
        }
    }

    fn ask(&mut self, exprs: Vec<TExpr>) -> Query {
        self.queries += 1;
        Query::new(self.model, &self.cones, exprs, Unknowns::Needed).with_budget(self.budget)
    }

    /// The conditions of a section and its ancestors, outermost first.
    fn section_conds(&self, s: Option<SectionId>) -> Vec<TExpr> {
        self.model
            .section_chain(s)
            .iter()
            .filter_map(|s| self.model.sections.get(s.0 as usize))
            .filter_map(|s| s.condition.clone())
            .collect()
    }

    /// "Recommendation `r` applies".
    pub fn applies(&self, r: &RecInfo) -> TExpr {
        let mut items = self.section_conds(r.section);
        items.extend(r.condition.clone());
        all(items, r.span)
    }

    fn rec(&self, r: RecId) -> Option<&'a RecInfo> {
        self.model.recs.get(r.0 as usize)
    }

    fn witness(&self, q: &Query, want: &[usize]) -> Option<serde_json::Value> {
        q.witness(want).map(|c| witness_json(self.model, &c))
    }

    /// Says that a negative finding about `what` could not be decided.
    fn incomplete(&mut self, what: String, span: Span, q: &Query) {
        let f = if q.over_budget() {
            Finding::new(
                Kind::Undecided,
                format!("could not decide whether {what} applies in some case within the budget"),
                span,
                "could not decide".into(),
                undecided_help(q),
            )
        } else {
            Finding::new(
                Kind::Incomplete,
                format!("could not decide whether {what} applies in some case"),
                span,
                "could not decide".into(),
                "its conditions compare facts with each other (or a value computed from several unknown facts), which the analysis cannot split into finitely many cases exactly; no case it tried makes it apply, but that proves nothing, so no dead-rule finding is reported".into(),
            )
        };
        self.findings.push(f);
    }

    /// Recommendations no case makes apply; conditions of recommendations
    /// that are always true.
    pub fn dead_and_constant(&mut self) {
        for (i, r) in self.model.recs.iter().enumerate() {
            let q = self.ask(vec![self.applies(r)]);
            if q.witness(&[0]).is_some() {
                if let Some(c) = &r.condition {
                    self.constant(c.clone(), Some(RecId(i as u32)), "recommendation");
                }
                continue;
            }
            if !q.complete() {
                self.incomplete(format!("`{}`", r.id), r.span, &q);
                if let Some(f) = self
                    .findings
                    .last_mut()
                    .filter(|f| f.kind == Kind::Undecided)
                {
                    f.ack = vec![(RecId(i as u32), None)];
                }
                continue;
            }
            let mut f = Finding::new(
                Kind::Dead,
                format!("recommendation `{}` applies in no case", r.id),
                r.span,
                "never applies".into(),
                "its condition and those of its sections are never all true together; fix the conditions, remove the recommendation, or add `acknowledge dead \"reason\"`".into(),
            );
            f.ack = vec![(RecId(i as u32), None)];
            self.findings.push(f);
        }
        for s in &self.model.sections {
            if let Some(c) = &s.condition {
                self.constant(c.clone(), None, "section");
            }
        }
    }

    /// Reports `cond` when it is never false (or, for a section, never
    /// true) in the cases where its facts are known.
    fn constant(&mut self, cond: TExpr, rec: Option<RecId>, what: &str) {
        let span = cond.span;
        let q = self.ask(vec![cond.clone(), not(cond)]);
        if !q.exact {
            return;
        }
        let can_be_true = q.witness(&[0]).is_some();
        let can_be_false = q.witness(&[1]).is_some();
        // Over budget: the recommendation's own question already said so
        // (a condition that is hard to search is a rule that is too).
        if !q.complete() {
            return;
        }
        let value = match (can_be_true, can_be_false) {
            (true, false) => true,
            (false, true) if rec.is_none() => false,
            _ => return,
        };
        let mut f = Finding::new(
            Kind::Constant,
            format!("this {what} condition is always {value} when its facts are known"),
            span,
            format!("always {value}"),
            if value {
                "no case with these facts known makes it false, so it only delays the decision until they are known; remove it or fix it".into()
            } else {
                "no case makes it true, so nothing in the section can apply".into()
            },
        );
        f.ack = rec.map(|r| vec![(r, None)]).unwrap_or_default();
        self.findings.push(f);
    }

    /// Positive and negative recommendations about the same intervention
    /// that both apply, and `excludes` pairs that both apply.
    pub fn conflicts(&mut self) {
        let recs = &self.model.recs;
        let mut pairs: Vec<(RecId, RecId, Kind)> = Vec::new();
        for (i, p) in recs.iter().enumerate() {
            if !positive(p.kind) {
                continue;
            }
            for (j, n) in recs.iter().enumerate() {
                if n.kind.is_negative() && p.about.is_some() && p.about == n.about {
                    pairs.push((RecId(i as u32), RecId(j as u32), Kind::Conflict));
                }
            }
        }
        let mut seen = BTreeSet::new();
        for (i, r) in recs.iter().enumerate() {
            for &x in &r.excludes {
                let key = (i.min(x.0 as usize), i.max(x.0 as usize));
                if x.0 as usize != i && seen.insert(key) {
                    pairs.push((RecId(i as u32), x, Kind::Exclusive));
                }
            }
        }
        for (a, b, kind) in pairs {
            let (Some(ra), Some(rb)) = (self.rec(a), self.rec(b)) else {
                continue;
            };
            let q = self.ask(vec![self.applies(ra), self.applies(rb)]);
            let Some(w) = self.witness(&q, &[0, 1]) else {
                if q.over_budget() {
                    let what = if kind == Kind::Conflict {
                        "conflict"
                    } else {
                        "exclusive"
                    };
                    let mut f = Finding::new(
                        Kind::Undecided,
                        format!("could not decide within the budget whether `{}` and `{}` both apply in some case", ra.id, rb.id),
                        ra.span,
                        format!("{what} with `{}` undecided", rb.id),
                        undecided_help(&q),
                    );
                    f.ack = vec![(a, Some(b)), (b, Some(a))];
                    self.findings.push(f);
                }
                continue;
            };
            let (message, label, help) = if kind == Kind::Conflict {
                (
                    format!(
                        "`{}` ({}) and `{}` ({}) about `{}` both apply in some cases",
                        ra.id,
                        ra.kind.keyword(),
                        rb.id,
                        rb.kind.keyword(),
                        ra.about.as_deref().unwrap_or("")
                    ),
                    format!("conflicts with `{}`", rb.id),
                    format!("the witness case gets both; make the conditions exclusive, or add `acknowledge conflict with {} \"reason\"`", rb.id),
                )
            } else {
                (
                    format!("`{}` and `{}` are declared mutually exclusive but both apply in some cases", ra.id, rb.id),
                    format!("excludes `{}`", rb.id),
                    format!("the witness case gets both; make the conditions exclusive, or add `acknowledge exclusive with {} \"reason\"`", rb.id),
                )
            };
            let mut f = Finding::new(kind, message, ra.span, label, help);
            f.witness = Some(w);
            f.ack = vec![(a, Some(b)), (b, Some(a))];
            self.findings.push(f);
        }
    }

    /// Exhaustive sections that give no recommendation for some cases.
    pub fn gaps(&mut self) {
        for (i, s) in self.model.sections.iter().enumerate() {
            if !s.exhaustive {
                continue;
            }
            let sid = SectionId(i as u32);
            let members: Vec<RecId> = (0..self.model.recs.len() as u32)
                .map(RecId)
                .filter(|r| {
                    self.rec(*r)
                        .is_some_and(|info| self.model.section_chain(info.section).contains(&sid))
                })
                .collect();
            let mut items = self.section_conds(Some(sid));
            for r in &members {
                if let Some(info) = self.rec(*r) {
                    items.push(not(self.applies(info)));
                }
            }
            let q = self.ask(vec![all(items, s.span)]);
            let Some(w) = self.witness(&q, &[0]) else {
                if q.over_budget() {
                    let mut f = Finding::new(
                        Kind::Undecided,
                        format!("could not decide within the budget whether section `{}` gives a recommendation for every case that reaches it", s.id),
                        s.span,
                        "gaps undecided".into(),
                        undecided_help(&q),
                    );
                    f.ack = members.iter().map(|r| (*r, None)).collect();
                    self.findings.push(f);
                }
                continue;
            };
            let mut f = Finding::new(
                Kind::Gap,
                format!("section `{}` gives no recommendation for some cases that reach it", s.id),
                s.span,
                "exhaustive section".into(),
                "in the witness case the section's conditions hold but none of its recommendations applies; add a recommendation for such cases, or add `acknowledge gap \"reason\"` to one of its recommendations".into(),
            );
            f.witness = Some(w);
            f.ack = members.iter().map(|r| (*r, None)).collect();
            self.findings.push(f);
        }
    }

    /// First-match expressions: branches never taken, fallbacks never
    /// reached, and cases in scope where no branch applies.
    pub fn first_matches(&mut self) {
        let mut found: Vec<(TExpr, Owner)> = Vec::new();
        let model = self.model;
        let mut collect = |e: &TExpr, owner: Owner| {
            walk(e, &mut |x| {
                if matches!(x.kind, TExprKind::First { .. }) {
                    found.push((x.clone(), owner));
                }
            })
        };
        for (i, d) in model.defs.iter().enumerate() {
            if let DefBody::Expr(e) = &d.body {
                collect(e, Owner::Def(DefId(i as u32)));
            }
        }
        for (i, s) in model.sections.iter().enumerate() {
            if let Some(c) = &s.condition {
                collect(c, Owner::Section(SectionId(i as u32)));
            }
        }
        for (i, r) in model.recs.iter().enumerate() {
            if let Some(c) = &r.condition {
                collect(c, Owner::Rec(RecId(i as u32)));
            }
        }
        for s in &model.schedules {
            for c in s.studies.iter().filter_map(|s| s.condition.as_ref()) {
                collect(c, Owner::Other);
            }
        }
        for (e, owner) in found {
            self.first(&e, owner);
        }
    }

    fn first(&mut self, e: &TExpr, owner: Owner) {
        let TExprKind::First {
            branches,
            otherwise,
        } = &e.kind
        else {
            return;
        };
        // Which branch is taken, as one shared index (n when none is):
        // each question then reads it in constant size, so the questions
        // about n branches compile to O(n) code, not O(n^2).
        let n = branches.len();
        let int = |k: usize, span: Span| TExpr {
            kind: TExprKind::Const(Value::Int(k as i64)),
            ty: Type::Int {
                min: None,
                max: None,
            },
            span,
        };
        let index_ty = Type::Int {
            min: Some(0),
            max: Some(n as i64),
        };
        let index = TExpr {
            kind: TExprKind::First {
                branches: branches
                    .iter()
                    .enumerate()
                    .map(|(k, (c, _))| (c.clone(), int(k, c.span)))
                    .collect(),
                otherwise: Some(Box::new(int(n, e.span))),
            },
            ty: index_ty,
            span: e.span,
        };
        let taken = |k: usize, span: Span| {
            let read = TExpr {
                kind: TExprKind::Def(super::query::SHARED),
                ty: index_ty,
                span,
            };
            bool_expr(
                TExprKind::Binary(BinOp::Eq, Box::new(read), Box::new(int(k, span))),
                span,
            )
        };
        let none = taken(n, e.span);
        let in_scope = all(vec![none.clone(), self.scope(owner, e.span)], e.span);
        self.queries += 1;
        let q = Query::shared(
            self.model,
            &self.cones,
            Some((index.clone(), index_ty)),
            vec![in_scope.clone()],
            Unknowns::Needed,
        )
        .with_budget(self.budget);
        // Over `query::LIMIT` cases there is no enumeration to read the
        // index off: one question per branch, searched depth first.
        let conditions: Vec<&TExpr> = branches.iter().map(|(c, _)| c).collect();
        let values = match self.chain_scan {
            true => q.chain_values(&conditions),
            false => None,
        };
        let (taken_k, fall_through, q) = match values.or_else(|| q.shared_values(n + 1)) {
            Some(seen) => {
                let w = if otherwise.is_none() {
                    q.witness(&[0])
                } else {
                    None
                };
                (seen, w, q)
            }
            None => {
                // Branch k is asked as "the index is k and its condition
                // holds": the same cases (the index is k only where the
                // condition holds), but Kleene logic refutes the condition
                // long before the index, so the search prunes early.
                let mut exprs: Vec<TExpr> = branches
                    .iter()
                    .enumerate()
                    .map(|(k, (c, _))| taken(k, c.span))
                    .collect();
                exprs.push(none);
                exprs.push(in_scope);
                exprs.extend(branches.iter().map(|(c, _)| c.clone()));
                let q = Query::shared(
                    self.model,
                    &self.cones,
                    Some((index, index_ty)),
                    exprs,
                    Unknowns::Needed,
                )
                .with_budget(self.budget);
                let mut seen: Vec<bool> =
                    (0..n).map(|k| q.find(&[k, n + 2 + k]).is_some()).collect();
                seen.push(q.find(&[n]).is_some());
                let w = if otherwise.is_none() {
                    q.witness(&[n + 1])
                } else {
                    None
                };
                (seen, w, q)
            }
        };
        let has = |k: usize| taken_k.get(k).copied().unwrap_or(false);
        for (k, (c, _)) in branches.iter().enumerate() {
            if !has(k) && q.complete() {
                self.findings.push(Finding::new(
                    Kind::DeadBranch,
                    "this branch is never taken".into(),
                    c.span,
                    "never true when reached".into(),
                    "no case makes this condition true while every earlier branch is false; remove the branch or fix its condition".into(),
                ));
            }
        }
        match otherwise {
            Some(o) if !has(n) && q.complete() => {
                self.findings.push(Finding::new(
                    Kind::DeadBranch,
                    "`otherwise` is never reached".into(),
                    o.span,
                    "never reached".into(),
                    "in every case one of the branches above applies, so the fallback is never used".into(),
                ));
            }
            None => {
                if let Some(w) = fall_through.map(|c| witness_json(self.model, &c)) {
                    let whose = match owner {
                        Owner::Def(d) => self
                            .model
                            .defs
                            .get(d.0 as usize)
                            .map(|d| format!(" of `{}`", d.name))
                            .unwrap_or_default(),
                        _ => String::new(),
                    };
                    let mut f = Finding::new(
                        Kind::FallThrough,
                        format!("no branch of the classification{whose} applies in some cases where it is used"),
                        e.span,
                        "falls through".into(),
                        "in the witness case every branch is false, so the value is unknown (\"no branch applies\"); add a branch for it or an `otherwise`".into(),
                    );
                    f.witness = Some(w);
                    self.findings.push(f);
                }
            }
            _ => {}
        }
        if q.over_budget() {
            self.findings.push(Finding::new(
                Kind::Undecided,
                "could not decide within the budget whether every branch of this classification is taken and whether it falls through".into(),
                e.span,
                "undecided".into(),
                undecided_help(&q),
            ));
        }
    }

    /// Where a first-match expression's value matters: some reader's
    /// sections hold (true when nothing with sections reads it).
    fn scope(&self, owner: Owner, span: Span) -> TExpr {
        let truth = bool_expr(TExprKind::Const(Value::Bool(true)), span);
        match owner {
            Owner::Def(d) => {
                let mut any = Vec::new();
                for r in &self.model.recs {
                    if !self.rec_reads(r).contains(&d) {
                        continue;
                    }
                    let conds = self.section_conds(r.section);
                    if conds.is_empty() {
                        return truth;
                    }
                    any.push(all(conds, span));
                }
                if any.is_empty() {
                    return truth;
                }
                bool_expr(TExprKind::Quantified(Quantifier::Any, any), span)
            }
            Owner::Rec(r) => all(
                self.section_conds(self.rec(r).and_then(|r| r.section)),
                span,
            ),
            Owner::Section(s) => {
                let parent = self.model.sections.get(s.0 as usize).and_then(|s| s.parent);
                all(self.section_conds(parent), span)
            }
            Owner::Other => truth,
        }
    }

    /// Every definition a recommendation reads: its conditions, its
    /// sections' conditions and its statement's placeholders.
    pub fn rec_reads(&self, r: &RecInfo) -> BTreeSet<DefId> {
        let mut exprs: Vec<TExpr> = self.section_conds(r.section);
        exprs.extend(r.condition.clone());
        let refs: Vec<&TExpr> = exprs.iter().collect();
        let mut defs = self.cones.of(&refs).1;
        for d in placeholders(self.model, &r.statement) {
            defs.insert(d);
            defs.extend(self.cones.def_reads(d));
        }
        defs
    }

    /// Definitions nothing reads, directly or through other definitions.
    pub fn unused(&mut self) {
        let mut roots: Vec<&TExpr> = Vec::new();
        roots.extend(
            self.model
                .sections
                .iter()
                .filter_map(|s| s.condition.as_ref()),
        );
        roots.extend(self.model.recs.iter().filter_map(|r| r.condition.as_ref()));
        for s in &self.model.schedules {
            roots.extend(s.studies.iter().filter_map(|st| st.condition.as_ref()));
        }
        let mut used = self.cones.of(&roots).1;
        for r in &self.model.recs {
            for d in placeholders(self.model, &r.statement) {
                used.insert(d);
                used.extend(self.cones.def_reads(d));
            }
        }
        // A schedule's start, `as of` and phase-end dates.
        for s in &self.model.schedules {
            for r in s.reads() {
                if let DateRef::Def(d) = r {
                    used.insert(d);
                    used.extend(self.cones.def_reads(d));
                }
            }
        }
        for (i, d) in self.model.defs.iter().enumerate() {
            if used.contains(&DefId(i as u32)) {
                continue;
            }
            self.findings.push(Finding::new(
                Kind::Unused,
                format!("definition `{}` is not used by any recommendation", d.name),
                d.span,
                "never read".into(),
                "no recommendation, section, schedule or statement reads it, directly or through other definitions; remove it or use it".into(),
            ));
        }
    }

    /// For each recommendation, the facts whose absence alone most often
    /// leaves it undetermined.
    pub fn sensitivity(&mut self) -> Vec<Sensitivity> {
        let mut out = Vec::new();
        for r in &self.model.recs {
            let q = self.ask(vec![self.applies(r)]);
            let (total, counts) = q.sensitivity(0, SENSITIVITY_SAMPLE);
            let mut facts: Vec<(String, f64)> = q
                .facts
                .iter()
                .zip(&counts)
                .filter(|(_, &c)| c > 0 && total > 0)
                .filter_map(|(f, &c)| {
                    let name = self.model.user_label(*f)?;
                    Some((name, c as f64 / total as f64))
                })
                .collect();
            facts.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
            out.push(Sensitivity {
                recommendation: r.id.clone(),
                cases: total,
                facts,
            });
        }
        out
    }
}

/// What to do about a question not decided within the budget.
fn undecided_help(q: &Query) -> String {
    format!(
        "the {} facts it reads span {} combinations, and the search stopped after {} evaluations without deciding; a finding may hide in the cases not tried. Simplify the conditions (fewer facts per rule), or add `acknowledge undecided \"reason\"`",
        q.facts.len(),
        if q.size == u64::MAX { "more than 2^64".to_string() } else { q.size.to_string() },
        q.budget
    )
}

/// Kinds that advise doing something.
fn positive(kind: RecKind) -> bool {
    matches!(
        kind,
        RecKind::Recommend
            | RecKind::Suggest
            | RecKind::Option
            | RecKind::Consider
            | RecKind::Refer
    )
}

/// The definitions named by `{name}` placeholders of a statement.
pub(crate) fn placeholders(model: &Model, text: &str) -> Vec<DefId> {
    crate::check::placeholder::placeholders(text)
        .filter_map(|p| model.def(p.name))
        .collect()
}
