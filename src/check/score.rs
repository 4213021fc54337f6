//! Check stage: types scores and counts (`score { ... }`, `count of`,
//! `at least k of`, `at most k of`, `exactly k of`).
//!
//! Both become one [`TExprKind::Score`]: `(condition, points)` pairs whose
//! sum is the value. A count's points are 1, and a bounded count is the
//! comparison of that count with `k`, so the evaluator decides it the way
//! it decides any comparison of a score: on the interval of the points
//! certainly counted and the points still possible (see "Scores and
//! counts" in `grammar/SEMANTICS.md`).

use super::ctx::Checker;
use super::error::CheckError;
use super::model::*;
use super::ops::numeric;
use crate::source::Span;
use crate::syntax::ast::{self, CountBound};
use crate::value::Value;

impl Checker<'_> {
    /// Types `count of [...]` (an integer from 0 to the number of items)
    /// or a bounded count (a bool).
    pub(crate) fn count(
        &mut self,
        bound: Option<&(CountBound, Box<ast::Expr>)>,
        items: &[ast::Expr],
        span: Span,
    ) -> Option<TExpr> {
        let mut truths = Vec::with_capacity(items.len());
        let mut ok = true;
        let what = match bound {
            Some((b, _)) => format!("an item of `{} k of`", b.words()),
            None => "an item of `count of`".to_string(),
        };
        for item in items {
            match self.expr(item, Some(Type::Bool)) {
                Some(t) if self.want_bool(&t, &what).is_some() => truths.push(t),
                _ => ok = false,
            }
        }
        let counted = self.counted(bound, truths, span);
        if ok {
            counted
        } else {
            None
        }
    }

    /// The count of `truths` (each a bool) or, with a bound, its
    /// comparison with `k`: one [`TExprKind::Score`] of 1-point items, for
    /// `count of [...]` and `count of L in {...}` alike.
    pub(crate) fn counted(
        &mut self,
        bound: Option<&(CountBound, Box<ast::Expr>)>,
        truths: Vec<TExpr>,
        span: Span,
    ) -> Option<TExpr> {
        let n = i64::try_from(truths.len()).unwrap_or(i64::MAX);
        let pairs: Vec<(TExpr, TExpr)> = truths
            .into_iter()
            .map(|t| {
                let one = TExpr {
                    kind: TExprKind::Const(Value::Int(1)),
                    ty: int(Some(1), Some(1)),
                    span: t.span,
                };
                (t, one)
            })
            .collect();
        let k = match bound {
            Some((_, k)) => {
                let k = self.expr(k, None)?;
                if !matches!(k.ty, Type::Int { .. }) {
                    let found = self.type_name(k.ty);
                    self.mismatch(
                        k.span,
                        format!("the number of a count must be an integer, but this is {found}"),
                        format!("{found}, not integer"),
                        None,
                        Some("write a whole number, e.g. `at least 2 of [...]`".into()),
                    );
                    return None;
                }
                if let (Some((b, _)), TExprKind::Const(Value::Int(v))) = (bound, &k.kind) {
                    if !(0..=n).contains(v) {
                        self.report(
                            k.span,
                            CheckError::CountBeyond {
                                bound: b.words(),
                                k: *v,
                                n,
                                help: format!(
                                    "the count runs from 0 to {n}; write a number in that range, or count more items"
                                ),
                                span: k.span.miette(),
                            },
                        );
                        return None;
                    }
                }
                Some(k)
            }
            None => None,
        };
        let count = TExpr {
            kind: TExprKind::Score(pairs),
            ty: int(Some(0), Some(n)),
            span,
        };
        Some(match (bound, k) {
            (Some((b, _)), Some(k)) => TExpr {
                kind: TExprKind::Binary(b.op(), Box::new(count), Box::new(k)),
                ty: Type::Bool,
                span,
            },
            _ => count,
        })
    }

    /// Types `score { ... }`: an integer when every item's points are
    /// integers (with the range of sums the items allow), else a number.
    pub(crate) fn score(&mut self, items: &[ast::ScoreItem], span: Span) -> Option<TExpr> {
        let mut pairs = Vec::with_capacity(items.len());
        let mut ok = true;
        let mut integer = true;
        let (mut lo, mut hi) = (Some(0i64), Some(0i64));
        for item in items {
            let points = self.expr(&item.points, None);
            let when = match &item.when {
                Some(c) => self.expr(c, Some(Type::Bool)).and_then(|t| {
                    self.want_bool(&t, "the condition of a score's item")
                        .map(|_| t)
                }),
                None => Some(TExpr {
                    kind: TExprKind::Const(Value::Bool(true)),
                    ty: Type::Bool,
                    span: item.span,
                }),
            };
            let Some(points) = points else {
                ok = false;
                continue;
            };
            if !numeric(points.ty) {
                let found = self.type_name(points.ty);
                self.mismatch(
                    points.span,
                    format!("the points of a score must be a number, but this is {found}"),
                    format!("{found}, not a number"),
                    None,
                    Some(
                        "points are whole or decimal numbers, e.g. `2 points when age >= 75 years`"
                            .into(),
                    ),
                );
                ok = false;
                continue;
            }
            let Some(when) = when else {
                ok = false;
                continue;
            };
            match points.ty {
                Type::Int { min, max } => {
                    let (a, b) = match points.kind {
                        TExprKind::Const(Value::Int(v)) => (Some(v), Some(v)),
                        _ => (min, max),
                    };
                    // An item that may not count adds 0 at least and at most.
                    let conditional = !matches!(when.kind, TExprKind::Const(Value::Bool(true)));
                    let (a, b) = if conditional {
                        (a.map(|a| a.min(0)), b.map(|b| b.max(0)))
                    } else {
                        (a, b)
                    };
                    lo = lo.zip(a).and_then(|(x, y)| x.checked_add(y));
                    hi = hi.zip(b).and_then(|(x, y)| x.checked_add(y));
                }
                _ => integer = false,
            }
            pairs.push((when, points));
        }
        if !ok {
            return None;
        }
        let ty = if integer { int(lo, hi) } else { Type::Number };
        Some(TExpr {
            kind: TExprKind::Score(pairs),
            ty,
            span,
        })
    }
}

fn int(min: Option<i64>, max: Option<i64>) -> Type {
    Type::Int { min, max }
}
