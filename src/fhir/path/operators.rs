//! FHIRPath stage: the binary operators on evaluated operands — Boolean
//! logic with empty as unknown, equality and equivalence of collections,
//! ordering, membership, union and arithmetic.

use super::ast::{BinOp, Expr};
use super::compare::{self, Prim};
use super::error::PathError;
use super::eval::{mismatch, same, single, to_bool, Evaluator};
use super::item::Item;
use std::cmp::Ordering;
use std::ops::Range;

impl<'a> Evaluator<'a, '_> {
    /// `left op right`; `operands` are the operand expressions, for errors.
    pub(super) fn binary(
        &mut self,
        op: BinOp,
        left: Vec<Item<'a>>,
        right: Vec<Item<'a>>,
        operands: (&Expr, &Expr),
        span: &Range<usize>,
    ) -> Result<Vec<Item<'a>>, PathError> {
        let sym = op.symbol();
        let (lhs, rhs) = operands;
        let boolean = |b: Option<bool>| b.map(Item::Bool).into_iter().collect::<Vec<_>>();
        Ok(match op {
            BinOp::And | BinOp::Or | BinOp::Xor | BinOp::Implies => {
                let a = to_bool(&left, sym, &lhs.span)?;
                let b = to_bool(&right, sym, &rhs.span)?;
                boolean(logic(op, a, b))
            }
            BinOp::Eq | BinOp::Ne => {
                self.charge_nodes(&left, span)?;
                self.charge_nodes(&right, span)?;
                if left.is_empty() || right.is_empty() {
                    return Ok(Vec::new());
                }
                let eq = if left.len() == right.len() {
                    left.iter()
                        .zip(&right)
                        .map(|(a, b)| compare::equal(a, b))
                        .try_fold(true, |all, e| e.map(|e| all && e))
                } else {
                    Some(false)
                };
                boolean(eq.map(|e| e == (op == BinOp::Eq)))
            }
            BinOp::Equiv | BinOp::NotEquiv => {
                // Order does not matter: every pair may be compared.
                self.step(left.len().saturating_mul(right.len()), span)?;
                self.charge_nodes(&left, span)?;
                self.charge_nodes(&right, span)?;
                let eq = left.len() == right.len()
                    && left
                        .iter()
                        .all(|a| right.iter().any(|b| compare::equivalent(a, b)));
                vec![Item::Bool(eq == (op == BinOp::Equiv))]
            }
            BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge => {
                let (Some(a), Some(b)) = (
                    single(&left, sym, &lhs.span)?,
                    single(&right, sym, &rhs.span)?,
                ) else {
                    return Ok(Vec::new());
                };
                let ordering = compare::order(a, b)
                    .map_err(|(x, y)| mismatch(sym, &format!("{x} and {y}"), span))?;
                boolean(ordering.map(|o| match op {
                    BinOp::Lt => o == Ordering::Less,
                    BinOp::Le => o != Ordering::Greater,
                    BinOp::Gt => o == Ordering::Greater,
                    _ => o != Ordering::Less,
                }))
            }
            BinOp::In | BinOp::Contains => {
                let (element, collection, at) = if op == BinOp::In {
                    (&left, &right, &lhs.span)
                } else {
                    (&right, &left, &rhs.span)
                };
                self.charge_nodes(element, span)?;
                self.charge_nodes(collection, span)?;
                match single(element, sym, at)? {
                    None => Vec::new(),
                    Some(e) => vec![Item::Bool(collection.iter().any(|c| same(e, c)))],
                }
            }
            BinOp::Union => self.union(left, right, span)?,
            BinOp::Concat => {
                let text = |items: &[Item<'_>], at: &Range<usize>| -> Result<String, PathError> {
                    match single(items, sym, at)? {
                        None => Ok(String::new()),
                        Some(i) => i
                            .as_str()
                            .map(str::to_string)
                            .ok_or_else(|| mismatch(sym, Prim::of(i).describe(), at)),
                    }
                };
                vec![Item::String(
                    text(&left, &lhs.span)? + &text(&right, &rhs.span)?,
                )]
            }
            BinOp::Add | BinOp::Sub | BinOp::Mul | BinOp::Div | BinOp::IntDiv | BinOp::Mod => {
                let (Some(a), Some(b)) = (
                    single(&left, sym, &lhs.span)?,
                    single(&right, sym, &rhs.span)?,
                ) else {
                    return Ok(Vec::new());
                };
                arithmetic(op, a, b, span)?.into_iter().collect()
            }
        })
    }
}

/// FHIRPath's three-valued `and`, `or`, `xor`, `implies` (`None` is empty).
fn logic(op: BinOp, a: Option<bool>, b: Option<bool>) -> Option<bool> {
    match op {
        BinOp::And => match (a, b) {
            (Some(false), _) | (_, Some(false)) => Some(false),
            (Some(true), Some(true)) => Some(true),
            _ => None,
        },
        BinOp::Or => match (a, b) {
            (Some(true), _) | (_, Some(true)) => Some(true),
            (Some(false), Some(false)) => Some(false),
            _ => None,
        },
        BinOp::Xor => Some(a? != b?),
        _ => match (a, b) {
            (Some(false), _) | (_, Some(true)) => Some(true),
            (Some(true), b) => b,
            (None, _) => None,
        },
    }
}

/// `+ - * / div mod` on two single items: numbers (Integer stays Integer
/// except under `/`), `+` on strings; division by zero is empty.
fn arithmetic<'a>(
    op: BinOp,
    a: &Item<'a>,
    b: &Item<'a>,
    span: &Range<usize>,
) -> Result<Option<Item<'a>>, PathError> {
    let sym = op.symbol();
    let (pa, pb) = (Prim::of(a), Prim::of(b));
    let overflow = || mismatch(sym, "integers whose result overflows", span);
    Ok(match (pa, pb) {
        (Prim::Str(x) | Prim::Text(x), Prim::Str(y) | Prim::Text(y)) if op == BinOp::Add => {
            Some(Item::String(format!("{x}{y}")))
        }
        (Prim::Int(x), Prim::Int(y)) => match op {
            BinOp::Add => Some(Item::Integer(x.checked_add(y).ok_or_else(overflow)?)),
            BinOp::Sub => Some(Item::Integer(x.checked_sub(y).ok_or_else(overflow)?)),
            BinOp::Mul => Some(Item::Integer(x.checked_mul(y).ok_or_else(overflow)?)),
            BinOp::IntDiv => x.checked_div(y).map(Item::Integer),
            BinOp::Mod => x.checked_rem(y).map(Item::Integer),
            _ => decimal(op, compare::number(a), compare::number(b)),
        },
        (Prim::Int(_) | Prim::Dec(_), Prim::Int(_) | Prim::Dec(_)) => {
            decimal(op, compare::number(a), compare::number(b))
        }
        _ => {
            let found = format!("{} and {}", pa.describe(), pb.describe());
            return Err(mismatch(sym, &found, span));
        }
    })
}

fn decimal(op: BinOp, x: f64, y: f64) -> Option<Item<'static>> {
    let value = match op {
        BinOp::Add => x + y,
        BinOp::Sub => x - y,
        BinOp::Mul => x * y,
        _ if y == 0.0 => return None,
        BinOp::Div => x / y,
        BinOp::IntDiv => {
            #[expect(
                clippy::cast_possible_truncation,
                reason = "`div` truncates to an integer"
            )]
            let q = (x / y).trunc() as i64;
            return Some(Item::Integer(q));
        }
        _ => x % y,
    };
    Some(Item::Decimal(value))
}
