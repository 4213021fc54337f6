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
//!
//! Every value is read off the slots of the compiled program after it ran
//! the case (see `eval::ir::probe`), so coverage and `cairn run` cannot
//! disagree about what a condition was.

use super::strengths::{self, StrengthCoverage};
use super::text::{location, one_line};
use crate::case::Case;
use crate::check::model::{DefId, Model, TExpr, TExprKind, Type};
use crate::eval::outcome::{Outcome, Status};
use crate::eval::{roots, ProbeId, Program, Root, Scratch};
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
    /// Strengths that depend on the case (not counted in `percent`).
    pub strengths: Vec<StrengthCoverage>,
    /// (branch, true) and (branch, false) outcomes reached.
    pub reached: usize,
    /// Twice the number of branches.
    pub total: usize,
    /// `reached / total` in percent (100 when there are no branches),
    /// written as every JSON number is (`100`, not `100.0`).
    #[serde(serialize_with = "crate::value::json::serialize_number")]
    pub percent: f64,
}

/// A branch to measure: its condition and the conditions that must all be
/// false for it to be reached (earlier `first` branches).
struct Probe {
    cond: ProbeId,
    gate: Vec<ProbeId>,
}

/// The root expression the branches being collected belong to.
#[derive(Clone, Copy)]
struct Within<'m, 'o> {
    root: Root,
    expr: &'m TExpr,
    owner: &'o str,
}

/// Collects coverage over many cases of one guideline.
pub struct Collector<'m> {
    program: &'m Program,
    model: &'m Model,
    probes: Vec<Probe>,
    coverage: Coverage,
    def_seen: Vec<BTreeSet<String>>,
    strengths: Vec<(usize, StrengthCoverage)>,
    scratch: Scratch,
}

impl<'m> Collector<'m> {
    /// Finds every branch of the guideline `program` was compiled from;
    /// `sources` gives their text.
    pub fn new(guideline: &str, program: &'m Program, sources: &SourceMap) -> Collector<'m> {
        let model = program.model();
        let mut c = Collector {
            program,
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
                strengths: Vec::new(),
                reached: 0,
                total: 0,
                percent: 100.0,
            },
            def_seen: vec![BTreeSet::new(); model.defs.len()],
            strengths: strengths::collect(model),
            scratch: program.scratch(),
        };
        for (root, expr) in roots(model) {
            let owner = match root {
                Root::Section(s) => format!("section {}", model.sections[s.0 as usize].id),
                Root::Def(d) => format!("definition {}", model.defs[d.0 as usize].name),
                Root::Rec(r) => format!("recommendation {}", model.recs[r.0 as usize].id),
                Root::Study(s, i) => {
                    let schedule = &model.schedules[s.0 as usize];
                    let names = schedule.studies[i].names.join("/");
                    format!("schedule {} study {names}", schedule.name)
                }
            };
            let at = Within {
                root,
                expr,
                owner: &owner,
            };
            match root {
                // A yes/no definition is itself a condition.
                Root::Def(d) if model.defs[d.0 as usize].ty != Type::Bool => {
                    c.firsts(sources, at, expr)
                }
                Root::Def(_) => c.condition(sources, at, "value", expr, &[]),
                _ => c.condition(sources, at, "when", expr, &[]),
            }
        }
        c
    }

    /// The probe of a node of the current root.
    #[expect(
        clippy::expect_used,
        reason = "every branch is a node of the root it is collected from"
    )]
    fn probe(&self, at: Within<'m, '_>, node: &'m TExpr) -> ProbeId {
        self.program
            .probe(at.root, at.expr, node)
            .expect("a branch is a node of its root expression")
    }

    fn branch(
        &mut self,
        sources: &SourceMap,
        at: Within<'m, '_>,
        role: &str,
        cond: &'m TExpr,
        gate: &[ProbeId],
    ) {
        self.coverage.branches.push(BranchCoverage {
            owner: at.owner.to_string(),
            role: role.to_string(),
            text: one_line(sources.slice(cond.span)),
            location: location(sources, cond.span),
            reached: Reached::default(),
        });
        let probe = Probe {
            cond: self.probe(at, cond),
            gate: gate.to_vec(),
        };
        self.probes.push(probe);
    }

    /// A condition and its top-level operands, then any `first` inside.
    fn condition(
        &mut self,
        sources: &SourceMap,
        at: Within<'m, '_>,
        role: &str,
        cond: &'m TExpr,
        gate: &[ProbeId],
    ) {
        self.branch(sources, at, role, cond, gate);
        let operands = operands(cond);
        if operands.len() > 1 {
            for (i, op) in operands.into_iter().enumerate() {
                self.branch(sources, at, &format!("{role}, operand {}", i + 1), op, gate);
            }
        }
        self.firsts(sources, at, cond);
    }

    /// Every `first` expression inside `e`, each branch gated by the earlier ones.
    fn firsts(&mut self, sources: &SourceMap, at: Within<'m, '_>, e: &'m TExpr) {
        let TExprKind::First {
            branches,
            otherwise,
        } = &e.kind
        else {
            for child in e.children() {
                self.firsts(sources, at, child);
            }
            return;
        };
        let mut gate: Vec<ProbeId> = Vec::new();
        for (i, (cond, value)) in branches.iter().enumerate() {
            let role = format!("first branch {}", i + 1);
            self.condition(sources, at, &role, cond, &gate);
            gate.push(self.probe(at, cond));
            self.firsts(sources, at, value);
        }
        if let Some(o) = otherwise {
            self.firsts(sources, at, o);
        }
    }

    /// Records one case and the interpreter's outcome for it. The
    /// conditions' values are those the program computes for the case.
    pub fn record(&mut self, case: &Case, outcome: &Outcome) {
        self.coverage.cases += 1;
        let program = self.program;
        program.evaluate_probes_into(case, &mut self.scratch);
        let scratch = &mut self.scratch;
        // Values as `cairn run` settles them (exact under unknown facts).
        let mut truth = |p: ProbeId| match program.probe_value_exact(scratch, p) {
            Some(Value::Bool(b)) => Some(b),
            _ => None,
        };
        for (probe, branch) in self.probes.iter().zip(self.coverage.branches.iter_mut()) {
            if probe.gate.iter().all(|&g| truth(g) == Some(false)) {
                branch.reached.record(truth(probe.cond));
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
        strengths::record(&mut self.strengths, &outcome.recommendations);
        for (i, (def, seen)) in self.model.defs.iter().zip(&mut self.def_seen).enumerate() {
            let value = program.def_value_exact(&mut self.scratch, DefId(i as u32));
            seen.insert(value_name(self.model, def.ty, value));
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
        self.coverage.strengths = strengths::finish(std::mem::take(&mut self.strengths));
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
    // Operands the checker generated (a list's `is empty` or `contains any
    // of` becomes a quantifier over one slot per value, each carrying the
    // whole expression's span) are not the author's: the condition is one
    // branch, not one per hidden slot.
    if out.iter().any(|o| o.span == e.span) {
        out.clear();
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
