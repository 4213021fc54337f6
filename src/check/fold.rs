//! Check stage: finds conditions whose value does not depend on the case.
//!
//! A condition is constant when it folds to true or false from literals
//! alone (with the Kleene connectives and set membership of `value::ops`,
//! an operand that reads the case being unknown, so `x or true` is true
//! whatever `x` is, and so is `1 in {x, 1}`), or
//! when it compares an integer of declared range with a literal that the
//! range decides (`grade > 5` for `integer 1 to 3` is never true).

use super::ctx::Checker;
use super::model::*;
use super::warning::CheckWarning;
use crate::syntax::ast::{BinOp, Quantifier};
use crate::value::{ops, Value};
use std::cmp::Ordering;

/// The result of folding: the constant value and, when a declared range
/// decided it, the name of the fact or definition and its range.
struct Folded {
    value: bool,
    because: Option<String>,
}

impl<'a> Checker<'a> {
    /// Warns when a `when` condition is constant.
    pub(crate) fn constant_condition(&mut self, cond: &TExpr) {
        if let Some(f) = self.fold(cond) {
            let help = match f.because {
                Some(why) => Some(why),
                None => {
                    Some("the condition reads no fact, so it is the same for every patient".into())
                }
            };
            self.report(
                cond.span,
                CheckWarning::ConstantCondition {
                    value: f.value,
                    span: cond.span.miette(),
                    help,
                },
            );
        }
    }

    fn fold(&self, e: &TExpr) -> Option<Folded> {
        match &e.kind {
            TExprKind::Const(Value::Bool(b)) => Some(Folded {
                value: *b,
                because: None,
            }),
            TExprKind::Not(inner) => {
                let f = self.fold(inner)?;
                Some(Folded {
                    value: ops::not(Some(f.value))?,
                    ..f
                })
            }
            TExprKind::Binary(op @ (BinOp::And | BinOp::Or), a, b) => {
                self.fold_junction(*op == BinOp::And, [a.as_ref(), b.as_ref()].into_iter())
            }
            TExprKind::Quantified(q, items) => match q {
                Quantifier::All => self.fold_junction(true, items.iter()),
                Quantifier::Any => self.fold_junction(false, items.iter()),
                Quantifier::None => {
                    let f = self.fold_junction(false, items.iter())?;
                    Some(Folded {
                        value: ops::not(Some(f.value))?,
                        ..f
                    })
                }
            },
            TExprKind::In {
                value,
                set,
                negated,
            } => {
                // Members that are not literals depend on the case: unknown
                // here, so a literal member equal to a literal value still
                // decides it.
                let lit = |x: &TExpr| match x.kind {
                    TExprKind::Const(v) => Some(v),
                    _ => None,
                };
                let found = ops::member(lit(value), set.iter().map(lit))?;
                Some(Folded {
                    value: found != *negated,
                    because: None,
                })
            }
            TExprKind::Binary(op, a, b) => self.fold_compare(*op, a, b),
            // A literal is always known.
            TExprKind::IsKnown(inner, known) if matches!(inner.kind, TExprKind::Const(_)) => {
                Some(Folded {
                    value: *known,
                    because: None,
                })
            }
            _ => None,
        }
    }

    /// Folds `and` (when `all`) or `or` over `items` with the Kleene
    /// connectives, an item that depends on the case being unknown: one
    /// deciding constant decides it, otherwise every item must be constant.
    fn fold_junction<'e>(
        &self,
        all: bool,
        items: impl Iterator<Item = &'e TExpr>,
    ) -> Option<Folded> {
        let mut acc = Some(all);
        let mut because = None;
        for item in items {
            let f = self.fold(item);
            let v = f.as_ref().map(|f| f.value);
            acc = if all {
                ops::and(acc, v)
            } else {
                ops::or(acc, v)
            };
            match f {
                // This item alone decided it.
                Some(f) if acc == Some(!all) => return Some(f),
                Some(f) => because = because.or(f.because),
                None => {}
            }
        }
        Some(Folded {
            value: acc?,
            because,
        })
    }

    fn fold_compare(&self, op: BinOp, a: &TExpr, b: &TExpr) -> Option<Folded> {
        if let (TExprKind::Const(x), TExprKind::Const(y)) = (&a.kind, &b.kind) {
            return Some(Folded {
                value: ops::compare(op, *x, *y)?,
                because: None,
            });
        }
        // One side is an integer with a declared range, the other a literal.
        let (read, lit, flipped) = match (&a.kind, &b.kind) {
            (_, TExprKind::Const(Value::Int(v))) => (a, *v, false),
            (TExprKind::Const(Value::Int(v)), _) => (b, *v, true),
            _ => return None,
        };
        let Type::Int {
            min: Some(lo),
            max: Some(hi),
        } = read.ty
        else {
            return None;
        };
        let name = match read.kind {
            TExprKind::Fact(f) => self.model.facts.get(f.0 as usize)?.name.clone(),
            TExprKind::Def(d) => self.model.defs.get(d.0 as usize)?.name.clone(),
            _ => return None,
        };
        // The comparison of the read value with the literal at both ends of the range.
        let at = |x: i64| {
            let ord = if flipped { lit.cmp(&x) } else { x.cmp(&lit) };
            holds(op, ord)
        };
        if matches!(op, BinOp::Eq | BinOp::Ne) {
            // Equality with a literal outside the range is reported as an error elsewhere.
            return None;
        }
        let (low, high) = (at(lo)?, at(hi)?);
        (low == high).then(|| Folded {
            value: low,
            because: Some(format!(
                "`{name}` is declared as integer {lo} to {hi}, so this is {low} whenever `{name}` is known"
            )),
        })
    }
}

fn holds(op: BinOp, ord: Ordering) -> Option<bool> {
    Some(match op {
        BinOp::Eq => ord == Ordering::Equal,
        BinOp::Ne => ord != Ordering::Equal,
        BinOp::Lt => ord == Ordering::Less,
        BinOp::Le => ord != Ordering::Greater,
        BinOp::Gt => ord == Ordering::Greater,
        BinOp::Ge => ord != Ordering::Less,
        _ => return None,
    })
}
