//! Check stage: types operators, `in` sets and `first` classifications.
//!
//! The rules follow the shared semantics: quantities combine only within
//! one dimension, dates shift by time quantities, enums support `=`, `!=`
//! and `in` only, and `and`/`or` need bools.

use super::ctx::Checker;
use super::error::CheckError;
use super::model::*;
use crate::source::Span;
use crate::syntax::ast::{self, BinOp, ExprKind};
use crate::units::Dimension;
use crate::value::Value;

/// The broad kind of a type, for compatibility rules.
pub(crate) fn numeric(t: Type) -> bool {
    matches!(t, Type::Int { .. } | Type::Number)
}

impl<'a> Checker<'a> {
    /// True when `e` is a bare name that is not declared, so it may be an
    /// enum value resolved by the other operand.
    pub(crate) fn undeclared_name(&self, e: &ast::Expr) -> bool {
        matches!(&e.kind, ExprKind::Name(id) if !self.names.contains_key(&id.name))
    }

    /// `a implies b` is `not a or b`; `a excludes b` is `not (a and b)`.
    /// Out of line, so the recursion of `expr` keeps a small frame.
    #[inline(never)]
    pub(crate) fn implies(
        &mut self,
        a: &ast::Expr,
        b: &ast::Expr,
        excludes: bool,
        span: Span,
    ) -> Option<TExpr> {
        let word = if excludes { "`excludes`" } else { "`implies`" };
        let ta = self.expr(a, Some(Type::Bool));
        let tb = self.expr(b, Some(Type::Bool));
        let ta = ta.and_then(|t| self.want_bool(&t, word).map(|_| t));
        let tb = tb.and_then(|t| self.want_bool(&t, word).map(|_| t));
        let (ta, tb) = (ta?, tb?);
        let kind = if excludes {
            let both = TExpr {
                kind: TExprKind::Binary(BinOp::And, Box::new(ta), Box::new(tb)),
                ty: Type::Bool,
                span,
            };
            TExprKind::Not(Box::new(both))
        } else {
            let span_a = ta.span;
            let not_a = TExpr {
                kind: TExprKind::Not(Box::new(ta)),
                ty: Type::Bool,
                span: span_a,
            };
            TExprKind::Binary(BinOp::Or, Box::new(not_a), Box::new(tb))
        };
        Some(TExpr {
            kind,
            ty: Type::Bool,
            span,
        })
    }

    pub(crate) fn binary(
        &mut self,
        op: BinOp,
        lhs: &ast::Expr,
        rhs: &ast::Expr,
        span: Span,
    ) -> Option<TExpr> {
        if matches!(op, BinOp::And | BinOp::Or) {
            let l = self.expr(lhs, Some(Type::Bool));
            let r = self.expr(rhs, Some(Type::Bool));
            let what = format!("`{}`", op.symbol());
            let l = l.and_then(|l| self.want_bool(&l, &what).map(|_| l));
            let r = r.and_then(|r| self.want_bool(&r, &what).map(|_| r));
            let (l, r) = (l?, r?);
            return Some(TExpr {
                kind: TExprKind::Binary(op, Box::new(l), Box::new(r)),
                ty: Type::Bool,
                span,
            });
        }
        // Type the side that is not a bare unknown name first, so the other
        // side can resolve as a value of its enum.
        // When that side has an error, a bare unknown name on the other side
        // is probably a value of its enum: stay quiet about it.
        let (l, r) = if self.undeclared_name(lhs) && !self.undeclared_name(rhs) {
            let r = self.expr(rhs, None);
            let l = match &r {
                Some(r) => self.expr(lhs, Some(r.ty)),
                None => None,
            };
            (l, r)
        } else {
            let l = self.expr(lhs, None);
            let r = match &l {
                None if self.undeclared_name(rhs) => None,
                _ => self.expr(rhs, l.as_ref().map(|l| l.ty)),
            };
            (l, r)
        };
        let (mut l, mut r) = (l?, r?);
        if matches!(
            op,
            BinOp::Eq | BinOp::Ne | BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge
        ) {
            self.convert_literal(&l, &mut r);
            self.convert_literal(&r, &mut l);
        }
        if super::quantity::is_derived(op, l.ty, r.ty) {
            return self.derived(op, l, r, span);
        }
        let ty = match op {
            BinOp::Eq | BinOp::Ne => {
                self.comparable(&l, &r, op, true)?;
                self.range_literal(&l, &r);
                self.range_literal(&r, &l);
                Type::Bool
            }
            BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge => {
                self.comparable(&l, &r, op, false)?;
                Type::Bool
            }
            _ => self.arithmetic(op, &l, &r)?,
        };
        Some(TExpr {
            kind: TExprKind::Binary(op, Box::new(l), Box::new(r)),
            ty,
            span,
        })
    }

    /// A quantity literal compared with a fact that declares a conversion
    /// from the literal's dimension (`creatinine >= 133 umol/L` for a
    /// creatinine in mg/dL with a molar mass) becomes the same amount in the
    /// fact's dimension, as a case's value would.
    fn convert_literal(&self, read: &TExpr, lit: &mut TExpr) {
        let (TExprKind::Fact(f), Type::Quantity { dim, .. }) = (&read.kind, read.ty) else {
            return;
        };
        let (TExprKind::Const(Value::Quantity(x)), Type::Quantity { dim: other, .. }) =
            (&lit.kind, lit.ty)
        else {
            return;
        };
        if other == dim {
            return;
        }
        let Some(info) = self.model.facts.get(f.0 as usize) else {
            return;
        };
        let found = info.domain.conversions.iter().find(|c| c.other == other);
        if let Some(c) = found {
            let converted = x * c.factor;
            if crate::units::in_range(converted) {
                lit.kind = TExprKind::Const(Value::Quantity(converted));
                lit.ty = read.ty;
            }
        }
    }

    /// Checks that `l op r` compares compatible types.
    fn comparable(&mut self, l: &TExpr, r: &TExpr, op: BinOp, equality: bool) -> Option<()> {
        let sym = op.symbol();
        match (l.ty, r.ty) {
            (a, b) if numeric(a) && numeric(b) => return Some(()),
            (Type::Quantity { dim: a, .. }, Type::Quantity { dim: b, .. }) => {
                if a == b {
                    return Some(());
                }
                self.unit_mismatch(
                    r.span,
                    format!("cannot compare {} with {}", a.name(), b.name()),
                    format!("this is a {}", b.name()),
                    Some((l.span, format!("this is a {}", a.name()))),
                    Some("quantities compare only within one dimension".into()),
                );
                return None;
            }
            (Type::Quantity { dim, .. }, b) | (b, Type::Quantity { dim, .. }) if numeric(b) => {
                let (q, n) = if matches!(l.ty, Type::Quantity { .. }) {
                    (l, r)
                } else {
                    (r, l)
                };
                let help = match &n.kind {
                    TExprKind::Const(Value::Int(v)) => {
                        Some(format!("write the unit, e.g. `{v} {}`", dim.canonical()))
                    }
                    TExprKind::Const(Value::Number(v)) => {
                        Some(format!("write the unit, e.g. `{v} {}`", dim.canonical()))
                    }
                    _ => Some(format!(
                        "a {} needs a unit such as `{}`",
                        dim.name(),
                        dim.canonical()
                    )),
                };
                self.unit_mismatch(
                    n.span,
                    format!(
                        "cannot compare a {} with a number without a unit",
                        dim.name()
                    ),
                    "no unit".into(),
                    Some((q.span, format!("this is a {}", dim.name()))),
                    help,
                );
                return None;
            }
            (Type::Date, Type::Date) => return Some(()),
            (Type::Bool, Type::Bool) | (Type::Enum(_), Type::Enum(_)) if !equality => {
                let found = self.type_name(l.ty);
                self.mismatch(
                    l.span.to(r.span),
                    format!("`{sym}` does not apply to {found}"),
                    format!("{found} has no order"),
                    None,
                    Some("enums and bools support `=`, `!=` and `in` only".into()),
                );
                return None;
            }
            (Type::Bool, Type::Bool) => return Some(()),
            (Type::Enum(a), Type::Enum(b)) if a == b => return Some(()),
            _ => {}
        }
        let (lt, rt) = (self.type_name(l.ty), self.type_name(r.ty));
        let help = match (l.ty, r.ty) {
            (Type::Enum(e), _) | (_, Type::Enum(e)) => {
                let owner = self.enum_owner(e);
                let example = self
                    .model
                    .enum_info(e)
                    .and_then(|i| i.values.first())
                    .map(|v| v.name.clone())
                    .unwrap_or_default();
                Some(format!(
                    "compare an enum with one of its values by name, e.g. `{owner} = {example}`"
                ))
            }
            _ => None,
        };
        self.mismatch(
            r.span,
            format!("cannot compare {lt} with {rt}"),
            format!("this is {rt}"),
            Some((l.span, format!("this is {lt}"))),
            help,
        );
        None
    }

    /// Reports an integer literal compared for equality with an integer of a
    /// declared range that does not include it.
    fn range_literal(&mut self, read: &TExpr, lit: &TExpr) {
        let (
            Type::Int {
                min: Some(lo),
                max: Some(hi),
            },
            TExprKind::Const(Value::Int(v)),
        ) = (read.ty, &lit.kind)
        else {
            return;
        };
        if (lo..=hi).contains(v) {
            return;
        }
        let name = match read.kind {
            TExprKind::Fact(f) => self.model.facts.get(f.0 as usize).map(|f| f.name.clone()),
            TExprKind::Def(d) => self.model.defs.get(d.0 as usize).map(|d| d.name.clone()),
            _ => None,
        };
        let Some(name) = name else { return };
        self.report(
            lit.span,
            CheckError::OutOfRange {
                value: *v,
                name,
                min: lo.to_string(),
                max: hi.to_string(),
                span: lit.span.miette(),
                label: "can never match",
                help: Some(
                    "this comparison is constant; correct the number or the declared range".into(),
                ),
            },
        );
    }

    fn arithmetic(&mut self, op: BinOp, l: &TExpr, r: &TExpr) -> Option<Type> {
        use BinOp::*;
        let int = Type::Int {
            min: None,
            max: None,
        };
        let result = match (op, l.ty, r.ty) {
            (Add | Sub | Mul, Type::Int { .. }, Type::Int { .. }) => Some(int),
            (Div, Type::Int { .. }, Type::Int { .. }) => Some(Type::Number),
            (Add | Sub | Mul | Div, a, b) if numeric(a) && numeric(b) => Some(Type::Number),
            (Add | Sub, q @ Type::Quantity { dim: a, .. }, Type::Quantity { dim: b, .. })
                if a == b =>
            {
                Some(q)
            }
            (Mul | Div, q @ Type::Quantity { .. }, b) if numeric(b) => Some(q),
            (Mul, a, q @ Type::Quantity { .. }) if numeric(a) => Some(q),
            (Div, Type::Quantity { dim: a, .. }, Type::Quantity { dim: b, .. }) if a == b => {
                Some(Type::Number)
            }
            (Sub, Type::Date, Type::Date) => {
                crate::units::lookup("days").map(|unit| Type::Quantity {
                    dim: Dimension::Time,
                    unit,
                })
            }
            (
                Add | Sub,
                Type::Date,
                Type::Quantity {
                    dim: Dimension::Time,
                    ..
                },
            ) => Some(Type::Date),
            (
                Add,
                Type::Quantity {
                    dim: Dimension::Time,
                    ..
                },
                Type::Date,
            ) => Some(Type::Date),
            _ => None,
        };
        if result.is_some() {
            return result;
        }
        let (lt, rt) = (self.type_name(l.ty), self.type_name(r.ty));
        let sym = op.symbol();
        let message = format!("cannot apply `{sym}` to {lt} and {rt}");
        let other = Some((l.span, format!("this is {lt}")));
        let label = format!("this is {rt}");
        match (l.ty, r.ty) {
            (Type::Quantity { dim: a, .. }, Type::Quantity { dim: b, .. }) if a != b => self
                .unit_mismatch(
                    r.span,
                    message,
                    label,
                    other,
                    Some(format!("`{sym}` needs quantities of one dimension")),
                ),
            (Type::Quantity { dim, .. }, b) | (b, Type::Quantity { dim, .. }) if numeric(b) => self
                .unit_mismatch(
                    r.span.to(l.span),
                    message,
                    label,
                    other,
                    Some(format!(
                        "a {} needs a unit such as `{}`",
                        dim.name(),
                        dim.canonical()
                    )),
                ),
            (Type::Date, _) | (_, Type::Date) => self.unit_mismatch(
                r.span,
                message,
                label,
                other,
                Some(
                    "dates shift by time quantities (`d + 6 months`), and `date - date` gives days"
                        .into(),
                ),
            ),
            _ => self.mismatch(
                r.span,
                message,
                label,
                other,
                Some("arithmetic applies to integers, numbers, quantities and dates".into()),
            ),
        }
        None
    }

    pub(crate) fn in_set(
        &mut self,
        value: &ast::Expr,
        set: &[ast::Expr],
        negated: bool,
        span: Span,
    ) -> Option<TExpr> {
        let v = self.expr(value, None);
        let expected = v.as_ref().map(|v| v.ty);
        let mut items = Vec::with_capacity(set.len());
        let mut ok = true;
        for item in set {
            if v.is_none() && self.undeclared_name(item) {
                continue;
            }
            match (self.expr(item, expected), &v) {
                (Some(t), Some(v)) => {
                    if self.comparable(v, &t, BinOp::Eq, true).is_some() {
                        self.range_literal(v, &t);
                        items.push(t);
                    } else {
                        ok = false;
                    }
                }
                _ => ok = false,
            }
        }
        let v = v?;
        if !ok {
            return None;
        }
        Some(TExpr {
            kind: TExprKind::In {
                value: Box::new(v),
                set: items,
                negated,
            },
            ty: Type::Bool,
            span,
        })
    }
}
