//! Conformance suite: the analysis. Each recommendation's query (a slice
//! of the model compiled with the real program) is searched over its space
//! and must give the program's status on every case it visits, the test's
//! cases included; and no finding (`dead`, `constant`, `dead_branch`) may
//! be contradicted by a case.

use super::subject::{Loaded, Subject};
use super::views::Observed;
use crate::analysis::cone::Cones;
use crate::analysis::query::{Query, Unknowns};
use crate::analysis::{analyze_model, Kind};
use crate::check::model::{DefBody, DefInfo, FactId, TExpr, TExprKind, Type};
use crate::eval::outcome::Status;
use crate::testing::text::location;
use crate::value::Value;

fn truth(v: Option<Value>) -> Option<bool> {
    crate::value::ops::truth(v)
}

/// The analysis: each recommendation's query, compiled from a slice of the
/// model, must give the program's status on every case of its space (the
/// test's cases included: their values are added to the model as
/// thresholds, so the space holds them); and no finding may contradict a
/// case (`dead`, `constant`, `dead_branch`).
pub(crate) fn analysis(
    subject: &Subject,
    observed: &[(&Loaded, &Observed)],
    budget: usize,
    with_findings: bool,
) -> Vec<String> {
    let model = &subject.checked.model;
    let p = &subject.program;
    let mut failures = Vec::new();
    // Each known value of the cases becomes a comparison `fact = value`:
    // a definition of a copy of the model (where the fact domains come from
    // the whole model) and an extra question of the query (where they come
    // from the question's own expressions), so the space holds the cases.
    let mut thresholds: Vec<(FactId, TExpr)> = Vec::new();
    for (loaded, _) in observed {
        for (f, v) in loaded.case.facts.iter().enumerate() {
            let (Some(v), Some(info)) = (v, model.facts.get(f)) else {
                continue;
            };
            let read = TExpr {
                kind: TExprKind::Fact(FactId(f as u32)),
                ty: info.ty,
                span: info.span,
            };
            let lit = TExpr {
                kind: TExprKind::Const(*v),
                ty: info.ty,
                span: info.span,
            };
            let cmp = TExpr {
                kind: TExprKind::Binary(
                    crate::syntax::ast::BinOp::Eq,
                    Box::new(read),
                    Box::new(lit),
                ),
                ty: Type::Bool,
                span: info.span,
            };
            thresholds.push((FactId(f as u32), cmp));
        }
    }
    let mut widened = model.clone();
    for (f, cmp) in &thresholds {
        widened.defs.push(DefInfo {
            name: format!("threshold {}", f.0),
            description: String::new(),
            doc: Vec::new(),
            ty: Type::Bool,
            body: DefBody::Expr(cmp.clone()),
            span: cmp.span,
            decl_span: cmp.span,
        });
    }
    let cones = Cones::new(&widened);
    let mut scratch = p.scratch();
    for (r, rec) in model.recs.iter().enumerate() {
        let applies = super::probe::applies(model, r);
        let cone = cones.of(&[&applies]).0;
        let mut exprs = vec![applies.clone()];
        exprs.extend(
            thresholds
                .iter()
                .filter(|(f, _)| cone.contains(f))
                .map(|(_, c)| c.clone()),
        );
        let q = Query::new(&widened, &cones, exprs, Unknowns::All);
        let mut found = vec![false; observed.len()];
        let mut visited = 0usize;
        let mut wrong = 0usize;
        q.search(|case, statuses| {
            visited += 1;
            let mine = statuses.first().copied();
            let theirs = p.statuses(case, &mut scratch).get(r).copied();
            if mine != theirs {
                wrong += 1;
            }
            // The first few cases of the space where they disagree.
            if mine != theirs && wrong <= 3 {
                failures.push(format!(
                    "the analysis query for `{}` says {} on {}, the program {}",
                    rec.id,
                    said(mine),
                    crate::analysis::witness_json(model, case),
                    said(theirs)
                ));
            }
            for (k, (loaded, seen)) in observed.iter().enumerate() {
                let same = q.facts.iter().all(|f| {
                    let i = f.0 as usize;
                    close(
                        case.facts.get(i).copied().flatten(),
                        loaded.case.facts.get(i).copied().flatten(),
                    )
                });
                if same && !found[k] {
                    found[k] = true;
                    let general = seen
                        .views
                        .first()
                        .and_then(|(_, v)| v.statuses.get(r).copied().flatten());
                    if mine != general {
                        failures.push(format!(
                            "{}: the analysis query for `{}` says {}, the general slot code {}",
                            loaded.label,
                            rec.id,
                            said(mine),
                            said(general)
                        ));
                    }
                }
            }
            visited >= budget || found.iter().all(|f| *f)
        });
        if wrong > 3 {
            failures.push(format!(
                "the analysis query for `{}` disagrees with the program on {} more cases of its space",
                rec.id,
                wrong - 3
            ));
        }
        if (q.size as usize) <= budget {
            for (k, (loaded, _)) in observed.iter().enumerate() {
                if !found[k] {
                    failures.push(format!(
                        "{}: the analysis space of `{}` does not hold the case",
                        loaded.label, rec.id
                    ));
                }
            }
        }
    }
    if with_findings {
        failures.extend(findings(subject, observed));
    }
    failures
}

/// A status in messages.
fn said(s: Option<Status>) -> &'static str {
    s.map_or("nothing", Status::as_str)
}

/// Two fact values the same up to the tolerance quantities are compared with.
fn close(a: Option<Value>, b: Option<Value>) -> bool {
    match (a, b) {
        (Some(Value::Quantity(x)), Some(Value::Quantity(y))) => crate::units::approx_eq(x, y),
        _ => a == b,
    }
}

/// The analysis's findings, checked against every case.
fn findings(subject: &Subject, observed: &[(&Loaded, &Observed)]) -> Vec<String> {
    let model = &subject.checked.model;
    let probes = &subject.probes;
    let mut failures = Vec::new();
    let result = analyze_model(model);
    for f in &result.findings {
        for (loaded, seen) in observed {
            let value = |n: usize| truth(seen.nodes.get(n).copied().flatten());
            let general = &seen.views[0].1;
            let wrong = match f.kind {
                Kind::Dead => f.ack.iter().any(|(r, _)| {
                    general.statuses.get(r.0 as usize).copied().flatten() == Some(Status::Applies)
                }),
                Kind::Constant => {
                    let claim = f.label == "always true";
                    probes.at(f.span).is_some_and(|n| value(n) == Some(!claim))
                }
                Kind::DeadBranch if f.message.starts_with("this branch") => {
                    probes.at(f.span).is_some_and(|n| {
                        value(n) == Some(true)
                            && probes.nodes[n]
                                .gate
                                .iter()
                                .all(|&g| value(g) == Some(false))
                    })
                }
                Kind::DeadBranch => first_with_otherwise(subject, f.span)
                    .is_some_and(|conds| conds.iter().all(|&c| value(c) == Some(false))),
                _ => false,
            };
            if wrong {
                failures.push(format!(
                    "{}: the analysis finds `{}` ({}) at {}, which this case contradicts",
                    loaded.label,
                    f.message,
                    f.kind.code(),
                    location(&subject.checked.sources, f.span)
                ));
            }
        }
    }
    failures
}

/// The branch conditions of the `first` whose `otherwise` is at `span`.
fn first_with_otherwise(subject: &Subject, span: crate::source::Span) -> Option<Vec<usize>> {
    let nodes = &subject.probes.nodes;
    nodes.iter().find_map(|n| match &n.expr.kind {
        TExprKind::First {
            otherwise: Some(o), ..
        } if o.span == span => Some(
            n.children
                .iter()
                .step_by(2)
                .take(n.children.len() / 2)
                .copied()
                .collect(),
        ),
        _ => None,
    })
}
