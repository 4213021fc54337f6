//! Check stage: types `first { when c then v ... otherwise w }`.
//!
//! Every condition must be a bool (and is checked for being constant);
//! every value must have the result type: the type the context expects
//! (a declared definition type), or else the first value's type (for
//! integers, the hull of every branch's range). A bare
//! enum value as the first value, with no declared type, cannot say which
//! enum it belongs to and is reported once. A `first` without `otherwise`
//! whose branches only compare one enum to values warns when they leave
//! some value out (the one fall-through the checker can see).

use super::ctx::Checker;
use super::error::CheckError;
use super::model::*;
use super::ops::numeric;
use crate::source::Span;
use crate::syntax::ast::{self, ExprKind};

impl<'a> Checker<'a> {
    /// Types a `first` classification.
    pub(crate) fn first(
        &mut self,
        branches: &[(ast::Expr, ast::Expr)],
        otherwise: Option<&ast::Expr>,
        expected: Option<Type>,
        span: Span,
    ) -> Option<TExpr> {
        // The result type: the declared type when the context gives one
        // (bools excepted: they are a hint from a condition), else the first value's.
        let mut result: Option<(Type, Option<Span>)> =
            expected.filter(|t| *t != Type::Bool).map(|t| (t, None));
        let mut ok = true;
        let mut stuck = false;
        let mut out = Vec::with_capacity(branches.len());
        for (cond, value) in branches {
            let c = self.expr(cond, Some(Type::Bool));
            let c = c.and_then(|c| self.want_bool(&c, "a `when` condition").map(|_| c));
            if let Some(c) = &c {
                self.constant_condition(c);
            }
            let v = self.branch_value(value, &mut result, &mut stuck);
            match (c, v) {
                (Some(c), Some(v)) => out.push((c, v)),
                _ => ok = false,
            }
        }
        let other = match otherwise {
            Some(e) => match self.branch_value(e, &mut result, &mut stuck) {
                Some(t) => Some(Box::new(t)),
                None => {
                    ok = false;
                    None
                }
            },
            None => None,
        };
        let (ty, _) = result?;
        if !ok {
            return None;
        }
        if other.is_none() {
            self.falls_through(&out, span);
        }
        Some(TExpr {
            kind: TExprKind::First {
                branches: out,
                otherwise: other,
            },
            ty,
            span,
        })
    }

    /// Types one branch value of `first` against the result type so far.
    fn branch_value(
        &mut self,
        value: &ast::Expr,
        result: &mut Option<(Type, Option<Span>)>,
        stuck: &mut bool,
    ) -> Option<TExpr> {
        if result.is_none() && *stuck {
            // The type could not be inferred from an earlier value; that was reported once.
            return None;
        }
        if result.is_none() && self.undeclared_name(value) {
            if let ExprKind::Name(id) = &value.kind {
                if self.value_owners.contains_key(&id.name) {
                    self.report(
                        id.span,
                        CheckError::CannotInfer {
                            name: id.name.clone(),
                            span: id.span.miette(),
                        },
                    );
                    *stuck = true;
                    return None;
                }
            }
        }
        let t = self.expr(value, result.map(|r| r.0))?;
        match *result {
            None => {
                *result = Some((t.ty, Some(t.span)));
                Some(t)
            }
            Some((want, at)) => {
                // An inferred integer type covers every branch's range, so
                // `then n otherwise n - 1` may hold one less than `n`.
                if let (Some(at), Type::Int { min, max }, Type::Int { min: lo, max: hi }) =
                    (at, want, t.ty)
                {
                    let hull = Type::Int {
                        min: min.zip(lo).map(|(a, b)| a.min(b)),
                        max: max.zip(hi).map(|(a, b)| a.max(b)),
                    };
                    *result = Some((hull, Some(at)));
                    return Some(t);
                }
                if super::defs::assignable(t.ty, want)
                    || (numeric(t.ty) && numeric(want) && want == Type::Number)
                {
                    return Some(t);
                }
                let (found, want_name) = (self.type_name(t.ty), self.type_name(want));
                let both_quantities =
                    matches!((t.ty, want), (Type::Quantity { .. }, Type::Quantity { .. }));
                let report = if both_quantities {
                    Self::unit_mismatch
                } else {
                    Self::mismatch
                };
                let message = match at {
                    Some(_) => format!("branch values must all have one type, but this is {found}"),
                    None => format!("branch value is {found}, but {want_name} is expected here"),
                };
                report(
                    self,
                    t.span,
                    message,
                    format!("this is {found}"),
                    at.map(|at| (at, format!("this sets the type to {want_name}"))),
                    Some(
                        "every `then` and `otherwise` value of a `first` must have the same type"
                            .into(),
                    ),
                );
                None
            }
        }
    }
}

impl Checker<'_> {
    /// Warns when every branch compares the same enum fact or definition
    /// to constants (`x = v`, `x in {v, w}`, joined by `or`) and some of its
    /// values are named by none: for them the `first` falls through.
    fn falls_through(&mut self, branches: &[(TExpr, TExpr)], span: Span) {
        let mut subject: Option<(&TExprKind, EnumId)> = None;
        let mut covered = Vec::new();
        for (cond, _) in branches {
            if !enum_values(cond, &mut subject, &mut covered) {
                return;
            }
        }
        let Some((kind, en)) = subject else {
            return;
        };
        let Some(info) = self.model.enum_info(en) else {
            return;
        };
        let left: Vec<String> = (0..info.values.len() as u32)
            .filter(|i| !covered.contains(i))
            .filter_map(|i| info.values.get(i as usize).map(|v| format!("`{}`", v.name)))
            .collect();
        if left.is_empty() {
            return;
        }
        let name = match kind {
            TExprKind::Fact(f) => self.model.facts.get(f.0 as usize).map(|f| f.name.clone()),
            TExprKind::Def(d) => self.model.defs.get(d.0 as usize).map(|d| d.name.clone()),
            _ => None,
        };
        let values = match left.len() {
            1 => left.join(""),
            n => format!("{} or {}", left[..n - 1].join(", "), left[n - 1]),
        };
        self.report(
            span,
            crate::check::warning::CheckWarning::FirstFallsThrough {
                subject: name.unwrap_or_default(),
                values,
                span: span.miette(),
            },
        );
    }
}

/// Adds the enum values `cond` compares its subject to into `covered`;
/// false when `cond` is no such comparison, or of another subject.
fn enum_values<'t>(
    cond: &'t TExpr,
    subject: &mut Option<(&'t TExprKind, EnumId)>,
    covered: &mut Vec<u32>,
) -> bool {
    let mut same = |s: &'t TExpr| -> bool {
        let Type::Enum(en) = s.ty else {
            return false;
        };
        match (&s.kind, *subject) {
            (TExprKind::Fact(a), Some((TExprKind::Fact(b), _))) => a == b,
            (TExprKind::Def(a), Some((TExprKind::Def(b), _))) => a == b,
            (TExprKind::Fact(_) | TExprKind::Def(_), None) => {
                *subject = Some((&s.kind, en));
                true
            }
            _ => false,
        }
    };
    match &cond.kind {
        TExprKind::Binary(ast::BinOp::Or, a, b) => {
            enum_values(a, subject, covered) && enum_values(b, subject, covered)
        }
        TExprKind::Binary(ast::BinOp::Eq, s, v) => match v.kind {
            TExprKind::Const(crate::value::Value::Enum(i)) if same(s) => {
                covered.push(i);
                true
            }
            _ => false,
        },
        TExprKind::In {
            value,
            set,
            negated: false,
        } if same(value) => set.iter().all(|m| match m.kind {
            TExprKind::Const(crate::value::Value::Enum(i)) => {
                covered.push(i);
                true
            }
            _ => false,
        }),
        _ => false,
    }
}
