//! Check stage: resolves and types expressions into [`TExpr`].
//!
//! Names resolve in the global namespace, except that a name that is a value
//! of the enum the context expects (`histology = leiomyosarcoma`) resolves to
//! that value. Literals become constants in canonical units. A subexpression
//! with an error yields `None`, so its parents stay quiet about it and only
//! the first cause is reported.

use super::ctx::Checker;
use super::error::CheckError;
use super::model::*;
use crate::source::Span;
use crate::syntax::ast::{self, ExprKind, Literal};
use crate::value::Value;

/// The deepest expression nesting the checker types. Long chains such as
/// `a and b and c ...` nest one level per operator; the limit keeps the
/// checker (and the interpreter after it) well inside the stack.
pub const MAX_EXPR_DEPTH: usize = 128;

impl<'a> Checker<'a> {
    /// Types `e`; `expected` is the type the context wants, used to resolve
    /// enum values and to read integer literals as numbers. It is a hint:
    /// the caller still checks the result's type.
    pub(crate) fn expr(&mut self, e: &ast::Expr, expected: Option<Type>) -> Option<TExpr> {
        if self.depth >= MAX_EXPR_DEPTH {
            if !self.deep_reported {
                self.deep_reported = true;
                self.report(
                    e.span,
                    CheckError::TooDeep {
                        limit: MAX_EXPR_DEPTH,
                        span: e.span.miette(),
                    },
                );
            }
            return None;
        }
        if self.depth == 0 {
            self.deep_reported = false;
        }
        self.depth += 1;
        let typed = self.expr_inner(e, expected);
        self.depth -= 1;
        typed
    }

    fn expr_inner(&mut self, e: &ast::Expr, expected: Option<Type>) -> Option<TExpr> {
        let span = e.span;
        let (kind, ty) = match &e.kind {
            ExprKind::Literal(lit) => return self.literal(lit, expected),
            ExprKind::Name(id) => return self.name(id, expected),
            ExprKind::Field(table, column) => return self.field(table, column),
            ExprKind::Not(inner) => {
                let t = self.expr(inner, Some(Type::Bool))?;
                self.want_bool(&t, "`not`")?;
                (TExprKind::Not(Box::new(t)), Type::Bool)
            }
            ExprKind::Neg(inner) => {
                let t = self.expr(inner, expected)?;
                // A negative literal is a constant, so range checks and folding see it.
                let folded = match t.kind {
                    TExprKind::Const(Value::Int(v)) => v.checked_neg().map(Value::Int),
                    TExprKind::Const(Value::Number(v)) => Some(Value::Number(-v)),
                    TExprKind::Const(Value::Quantity(v)) => Some(Value::Quantity(-v)),
                    _ => None,
                };
                if let Some(v) = folded {
                    return Some(TExpr {
                        kind: TExprKind::Const(v),
                        ty: t.ty,
                        span,
                    });
                }
                match t.ty {
                    Type::Int { .. } => (
                        TExprKind::Neg(Box::new(t)),
                        Type::Int {
                            min: None,
                            max: None,
                        },
                    ),
                    Type::Number | Type::Quantity { .. } => {
                        let ty = t.ty;
                        (TExprKind::Neg(Box::new(t)), ty)
                    }
                    other => {
                        let found = self.type_name(other);
                        self.mismatch(
                            t.span,
                            format!("cannot negate a value of type {found}"),
                            format!("this is {found}"),
                            None,
                            Some("`-` applies to integers, numbers and quantities".into()),
                        );
                        return None;
                    }
                }
            }
            ExprKind::Binary(op, lhs, rhs) => return self.binary(*op, lhs, rhs, span),
            ExprKind::Implies { a, b, excludes } => return self.implies(a, b, *excludes, span),
            ExprKind::In {
                value,
                set,
                negated,
            } => return self.in_set(value, set, *negated, span),
            ExprKind::Contains {
                list,
                quantifier,
                values,
            } => return self.contains(list, *quantifier, values, span),
            ExprKind::IsEmpty(list) => return self.is_empty(list, span),
            ExprKind::IsKnown(inner, known) if self.is_list(inner) => {
                return self.list_known(inner, *known, span)
            }
            ExprKind::IsKnown(inner, known) => {
                let t = self.expr(inner, None)?;
                (TExprKind::IsKnown(Box::new(t), *known), Type::Bool)
            }
            ExprKind::Quantified(q, items) => {
                let mut out = Vec::with_capacity(items.len());
                let mut ok = true;
                for item in items {
                    match self.expr(item, Some(Type::Bool)) {
                        Some(t)
                            if self
                                .want_bool(&t, "a list of `any of`/`all of`/`none of`")
                                .is_some() =>
                        {
                            out.push(t)
                        }
                        _ => ok = false,
                    }
                }
                if !ok {
                    return None;
                }
                (TExprKind::Quantified(*q, out), Type::Bool)
            }
            ExprKind::First {
                branches,
                otherwise,
            } => return self.first(branches, otherwise.as_deref(), expected, span),
            ExprKind::Count { bound, items } => return self.count(bound.as_ref(), items, span),
            ExprKind::CountList {
                bound,
                list,
                values,
            } => return self.count_list(bound.as_ref(), list, values.as_deref(), span),
            ExprKind::Score(items) => return self.score(items, span),
            ExprKind::Call(func, args) => return self.call(*func, args, span),
            ExprKind::InUnit(value, unit) => return self.in_unit(value, unit, span),
            ExprKind::AsUnit(value, unit) => return self.as_unit(value, unit, span),
        };
        Some(TExpr { kind, ty, span })
    }

    /// Reports a non-bool where `what` needs a bool.
    pub(crate) fn want_bool(&mut self, t: &TExpr, what: &str) -> Option<()> {
        if t.ty == Type::Bool {
            return Some(());
        }
        let found = self.type_name(t.ty);
        self.mismatch(
            t.span,
            format!("{what} needs a bool, but this is {found}"),
            format!("{found}, not bool"),
            None,
            Some(
                "compare it to get a bool, e.g. `grade >= 2` or `histology = leiomyosarcoma`"
                    .into(),
            ),
        );
        None
    }

    /// Reports a type mismatch.
    pub(crate) fn mismatch(
        &mut self,
        span: Span,
        message: String,
        label: String,
        other: Option<(Span, String)>,
        help: Option<String>,
    ) {
        self.report_mismatch(false, span, message, label, other, help);
    }

    /// Reports a unit mismatch.
    pub(crate) fn unit_mismatch(
        &mut self,
        span: Span,
        message: String,
        label: String,
        other: Option<(Span, String)>,
        help: Option<String>,
    ) {
        self.report_mismatch(true, span, message, label, other, help);
    }

    /// Type and unit mismatches carry the same labels and differ only in
    /// their code, so one function builds both.
    fn report_mismatch(
        &mut self,
        units: bool,
        span: Span,
        message: String,
        label: String,
        other: Option<(Span, String)>,
        help: Option<String>,
    ) {
        let (other, other_label) = split_other(span, other);
        let span_m = span.miette();
        let error = if units {
            CheckError::UnitMismatch {
                message,
                span: span_m,
                label,
                other,
                other_label,
                help,
            }
        } else {
            CheckError::TypeMismatch {
                message,
                span: span_m,
                label,
                other,
                other_label,
                help,
            }
        };
        self.report(span, error);
    }

    fn literal(&mut self, lit: &Literal, expected: Option<Type>) -> Option<TExpr> {
        let span = lit.span();
        let (value, ty) = match lit {
            Literal::Bool(b, _) => (Value::Bool(*b), Type::Bool),
            Literal::Number {
                value,
                is_integer: true,
                ..
            } if expected != Some(Type::Number) => (
                Value::Int(self.int_literal(*value, span)?),
                Type::Int {
                    min: None,
                    max: None,
                },
            ),
            Literal::Number { value, .. } => (Value::Number(*value), Type::Number),
            Literal::Quantity(q) => {
                let unit = self.unit(&q.unit)?;
                (
                    Value::Quantity(self.quantity_literal(q.value, unit, q.span)?),
                    Type::Quantity {
                        dim: unit.dimension,
                        unit,
                    },
                )
            }
            Literal::Date(d) => (Value::Date(self.date(d)?), Type::Date),
            Literal::Text(_) => {
                self.mismatch(
                    span,
                    "text cannot be used in an expression".into(),
                    "a string".into(),
                    None,
                    Some("strings are for descriptions and statements; enum values are written without quotes".into()),
                );
                return None;
            }
        };
        Some(TExpr {
            kind: TExprKind::Const(value),
            ty,
            span,
        })
    }

    /// Parses a date literal, reporting an impossible date.
    pub(crate) fn date(&mut self, d: &ast::DateLit) -> Option<i32> {
        let days = crate::value::parse_date(&d.text);
        if days.is_none() {
            self.report(
                d.span,
                CheckError::BadDate {
                    text: d.text.clone(),
                    span: d.span.miette(),
                },
            );
        }
        days
    }
}

fn split_other(span: Span, other: Option<(Span, String)>) -> (Option<miette::SourceSpan>, String) {
    match other {
        Some((s, l)) if s.file == span.file => (Some(s.miette()), l),
        _ => (None, String::new()),
    }
}
