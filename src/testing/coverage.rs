//! Testing stage: coverage of a guideline's logic by a set of cases.
//!
//! A *condition branch* is a section's or recommendation's `when`, the body
//! of a yes/no (`bool`) definition, each branch condition of a `first`, each
//! study condition, and each operand of a top-level `and`/`or`/`any of`/
//! `all of`/`none of` of those conditions.
//! For every branch the cases drive it to true, false or unknown. A `first`
//! branch counts only for cases that reach it (every earlier branch false).
//!
//! The percentage is the share of (branch, true) and (branch, false)
//! outcomes reached: `reached / (2 × branches)`. Unknown outcomes are
//! reported but not counted, since a guideline need not be able to reach
//! unknown everywhere. Recommendations (applies / not applicable /
//! undetermined) and definitions (the values they took) are reported
//! alongside.

use super::kleene::Env;
use super::text::{location, one_line};
use crate::check::model::{DefBody, Model, TExpr, TExprKind, Type};
use crate::eval::outcome::{Outcome, Status};
use crate::source::SourceMap;
use crate::syntax::ast::{BinOp, Quantifier};
use crate::value::Value;
use serde::Serialize;
use std::collections::BTreeSet;

/// Which outcomes a branch, recommendation or definition reached.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Reached {
    /// Driven to true (for recommendations: applies).
    #[serde(rename = "true")]
    pub yes: bool,
    /// Driven to false (for recommendations: not applicable).
    #[serde(rename = "false")]
    pub no: bool,
    /// Driven to unknown (for recommendations: undetermined).
    pub unknown: bool,
}

impl Reached {
    fn record(&mut self, value: Option<bool>) {
        match value {
            Some(true) => self.yes = true,
            Some(false) => self.no = true,
            None => self.unknown = true,
        }
    }

    /// Names of the outcomes not reached, for reports.
    pub fn unreached(&self) -> Vec<&'static str> {
        let mut out = Vec::new();
        if !self.yes {
            out.push("true");
        }
        if !self.no {
            out.push("false");
        }
        out
    }
}

/// One condition branch.
#[derive(Debug, Clone, Serialize)]
pub struct BranchCoverage {
    /// What it belongs to, e.g. `recommendation preoperative_rt`.
    pub owner: String,
    /// What it is: `when`, `first branch 2`, `operand 1`, `study`.
    pub role: String,
    /// The condition's source text.
    pub text: String,
    /// `file:line:column` of the condition.
    pub location: String,
    /// The outcomes reached.
    pub reached: Reached,
}

/// A recommendation's statuses across the cases.
#[derive(Debug, Clone, Serialize)]
pub struct RecCoverage {
    /// The id.
    pub id: String,
    /// applies = true, not_applicable = false, undetermined = unknown.
    pub reached: Reached,
}

/// A definition's values across the cases.
#[derive(Debug, Clone, Serialize)]
pub struct DefCoverage {
    /// The name.
    pub name: String,
    /// Values it took (`true`, enum value names, `known`, `unknown`).
    pub seen: BTreeSet<String>,
    /// Values it never took (for bool and enum definitions; `known` for others).
    pub never: Vec<String>,
}

/// Coverage of one guideline.
#[derive(Debug, Clone, Serialize)]
pub struct Coverage {
    /// The guideline file.
    pub guideline: String,
    /// Number of cases measured.
    pub cases: usize,
    /// Condition branches.
    pub branches: Vec<BranchCoverage>,
    /// Recommendations.
    pub recommendations: Vec<RecCoverage>,
    /// Definitions.
    pub definitions: Vec<DefCoverage>,
    /// (branch, true) and (branch, false) outcomes reached.
    pub reached: usize,
    /// Twice the number of branches.
    pub total: usize,
    /// `reached / total` in percent (100 when there are no branches).
    pub percent: f64,
}

/// A branch to measure: its condition and the conditions that must all be
/// false for it to be reached (earlier `first` branches).
struct Probe<'m> {
    cond: &'m TExpr,
    gate: Vec<&'m TExpr>,
}

/// Collects coverage over many cases of one guideline.
pub struct Collector<'m> {
    model: &'m Model,
    probes: Vec<Probe<'m>>,
    coverage: Coverage,
    def_seen: Vec<BTreeSet<String>>,
}

impl<'m> Collector<'m> {
    /// Finds every branch of `model`; `sources` gives their text.
    pub fn new(guideline: &str, model: &'m Model, sources: &SourceMap) -> Collector<'m> {
        let mut c = Collector {
            model,
            probes: Vec::new(),
            coverage: Coverage {
                guideline: guideline.to_string(),
                cases: 0,
                branches: Vec::new(),
                recommendations: model
                    .recs
                    .iter()
                    .map(|r| RecCoverage {
                        id: r.id.clone(),
                        reached: Reached::default(),
                    })
                    .collect(),
                definitions: Vec::new(),
                reached: 0,
                total: 0,
                percent: 100.0,
            },
            def_seen: vec![BTreeSet::new(); model.defs.len()],
        };
        for section in &model.sections {
            if let Some(cond) = &section.condition {
                c.condition(
                    sources,
                    &format!("section {}", section.id),
                    "when",
                    cond,
                    &[],
                );
            }
        }
        for def in &model.defs {
            let owner = format!("definition {}", def.name);
            match (&def.body, def.ty) {
                // A yes/no definition is itself a condition.
                (DefBody::Expr(e), Type::Bool) => c.condition(sources, &owner, "value", e, &[]),
                (DefBody::Expr(e), _) => c.firsts(sources, &owner, e),
                (DefBody::Table(_), _) => {}
            }
        }
        for rec in &model.recs {
            if let Some(cond) = &rec.condition {
                c.condition(
                    sources,
                    &format!("recommendation {}", rec.id),
                    "when",
                    cond,
                    &[],
                );
            }
        }
        for schedule in &model.schedules {
            for study in &schedule.studies {
                if let Some(cond) = &study.condition {
                    let owner =
                        format!("schedule {} study {}", schedule.name, study.names.join("/"));
                    c.condition(sources, &owner, "when", cond, &[]);
                }
            }
        }
        c
    }

    fn branch(
        &mut self,
        sources: &SourceMap,
        owner: &str,
        role: &str,
        cond: &'m TExpr,
        gate: &[&'m TExpr],
    ) {
        self.coverage.branches.push(BranchCoverage {
            owner: owner.to_string(),
            role: role.to_string(),
            text: one_line(sources.slice(cond.span)),
            location: location(sources, cond.span),
            reached: Reached::default(),
        });
        self.probes.push(Probe {
            cond,
            gate: gate.to_vec(),
        });
    }

    /// A condition and its top-level operands, then any `first` inside.
    fn condition(
        &mut self,
        sources: &SourceMap,
        owner: &str,
        role: &str,
        cond: &'m TExpr,
        gate: &[&'m TExpr],
    ) {
        self.branch(sources, owner, role, cond, gate);
        let operands = operands(cond);
        if operands.len() > 1 {
            for (i, op) in operands.into_iter().enumerate() {
                self.branch(
                    sources,
                    owner,
                    &format!("{role}, operand {}", i + 1),
                    op,
                    gate,
                );
            }
        }
        self.firsts(sources, owner, cond);
    }

    /// Every `first` expression inside `e`, each branch gated by the earlier ones.
    fn firsts(&mut self, sources: &SourceMap, owner: &str, e: &'m TExpr) {
        match &e.kind {
            TExprKind::First {
                branches,
                otherwise,
            } => {
                let mut gate: Vec<&'m TExpr> = Vec::new();
                for (i, (cond, value)) in branches.iter().enumerate() {
                    self.condition(
                        sources,
                        owner,
                        &format!("first branch {}", i + 1),
                        cond,
                        &gate,
                    );
                    gate.push(cond);
                    self.firsts(sources, owner, value);
                }
                if let Some(o) = otherwise {
                    self.firsts(sources, owner, o);
                }
            }
            TExprKind::Not(a) | TExprKind::Neg(a) | TExprKind::IsKnown(a, _) => {
                self.firsts(sources, owner, a)
            }
            TExprKind::Binary(_, a, b) => {
                self.firsts(sources, owner, a);
                self.firsts(sources, owner, b);
            }
            TExprKind::In { value, set, .. } => {
                self.firsts(sources, owner, value);
                for m in set {
                    self.firsts(sources, owner, m);
                }
            }
            TExprKind::Quantified(_, items) => {
                for i in items {
                    self.firsts(sources, owner, i);
                }
            }
            TExprKind::Const(_)
            | TExprKind::Fact(_)
            | TExprKind::Def(_)
            | TExprKind::Column { .. } => {}
        }
    }

    /// Records one case: its facts and the interpreter's outcome.
    pub fn record(&mut self, facts: &[Option<Value>], outcome: &Outcome) {
        self.coverage.cases += 1;
        let env = Env::new(self.model, facts);
        for (probe, branch) in self.probes.iter().zip(self.coverage.branches.iter_mut()) {
            if probe.gate.iter().all(|g| env.truth(g) == Some(false)) {
                branch.reached.record(env.truth(probe.cond));
            }
        }
        for (rec, cov) in outcome
            .recommendations
            .iter()
            .zip(self.coverage.recommendations.iter_mut())
        {
            cov.reached.record(match rec.status {
                Status::Applies => Some(true),
                Status::NotApplicable => Some(false),
                Status::Undetermined => None,
            });
        }
        for ((def, seen), value) in self
            .model
            .defs
            .iter()
            .zip(self.def_seen.iter_mut())
            .zip(&env.defs)
        {
            seen.insert(value_name(self.model, def.ty, *value));
        }
    }

    /// The coverage measured so far.
    pub fn finish(mut self) -> Coverage {
        for (def, seen) in self.model.defs.iter().zip(self.def_seen) {
            let possible: Vec<String> = match def.ty {
                Type::Bool => vec!["true".into(), "false".into()],
                Type::Enum(id) => self
                    .model
                    .enum_info(id)
                    .map(|e| e.values.iter().map(|v| v.name.clone()).collect())
                    .unwrap_or_default(),
                _ => vec!["known".into()],
            };
            let never = possible.into_iter().filter(|p| !seen.contains(p)).collect();
            self.coverage.definitions.push(DefCoverage {
                name: def.name.clone(),
                seen,
                never,
            });
        }
        let c = &mut self.coverage;
        c.total = c.branches.len() * 2;
        c.reached = c
            .branches
            .iter()
            .map(|b| usize::from(b.reached.yes) + usize::from(b.reached.no))
            .sum();
        c.percent = if c.total == 0 {
            100.0
        } else {
            100.0 * c.reached as f64 / c.total as f64
        };
        self.coverage
    }
}

/// The operands of a top-level and/or chain (nested chains of the same
/// operator are flattened) or quantifier.
fn operands(e: &TExpr) -> Vec<&TExpr> {
    fn flatten<'a>(e: &'a TExpr, op: BinOp, out: &mut Vec<&'a TExpr>) {
        match &e.kind {
            TExprKind::Binary(o, a, b) if *o == op => {
                flatten(a, op, out);
                flatten(b, op, out);
            }
            _ => out.push(e),
        }
    }
    let mut out = Vec::new();
    match &e.kind {
        TExprKind::Binary(op @ (BinOp::And | BinOp::Or), _, _) => flatten(e, *op, &mut out),
        TExprKind::Quantified(Quantifier::Any | Quantifier::All | Quantifier::None, items) => {
            out.extend(items)
        }
        TExprKind::Not(inner) => return operands(inner),
        _ => {}
    }
    out
}

fn value_name(model: &Model, ty: Type, value: Option<Value>) -> String {
    match (ty, value) {
        (_, None) => "unknown".into(),
        (_, Some(Value::Bool(b))) => b.to_string(),
        (Type::Enum(id), Some(Value::Enum(i))) => model
            .enum_info(id)
            .and_then(|e| e.values.get(i as usize))
            .map(|v| v.name.clone())
            .unwrap_or_else(|| "known".into()),
        _ => "known".into(),
    }
}
