//! Check stage: quantity arithmetic with derived dimensions, integer powers
//! of quantities, and the two unit conversions `weight in kg` (a
//! quantity's amount in a unit, a number) and `formula as mL/min` (a number
//! made a quantity).
//!
//! All the dimension bookkeeping happens here. A product or quotient of
//! quantities evaluates to the plain product of the canonical amounts
//! (`value::ops`), and this stage multiplies it by the constant of
//! [`crate::units::derive`] that lands it in the derived dimension's
//! canonical unit, so every evaluator sees ordinary arithmetic on
//! constants and agrees by construction (`grammar/SEMANTICS.md`, "Quantity
//! arithmetic").

use super::ctx::Checker;
use super::model::*;
use super::ops::numeric;
use crate::source::Span;
use crate::syntax::ast::{self, BinOp};
use crate::units::derive::{self, DeriveError, Derived};
use crate::units::{Dimension, Unit};
use crate::value::Value;

/// The largest exponent of a quantity's power (`height ^ 2`); beyond it
/// no clinical formula goes, and exponents of a dimension stay small.
pub const MAX_QUANTITY_EXPONENT: i64 = 4;

fn node(kind: TExprKind, ty: Type, span: Span) -> TExpr {
    TExpr { kind, ty, span }
}

fn constant(v: Value, ty: Type, span: Span) -> TExpr {
    node(TExprKind::Const(v), ty, span)
}

fn binary(op: BinOp, a: TExpr, b: TExpr, ty: Type, span: Span) -> TExpr {
    node(TExprKind::Binary(op, Box::new(a), Box::new(b)), ty, span)
}

/// True when `op` on these types makes a derived dimension: a product of
/// quantities, a quotient of quantities of different dimensions, or a
/// number divided by a quantity.
pub(crate) fn is_derived(op: BinOp, a: Type, b: Type) -> bool {
    match (op, a, b) {
        (BinOp::Mul, Type::Quantity { .. }, Type::Quantity { .. }) => true,
        (BinOp::Div, Type::Quantity { dim: x, .. }, Type::Quantity { dim: y, .. }) => x != y,
        (BinOp::Div, n, Type::Quantity { .. }) => numeric(n),
        _ => false,
    }
}

impl Checker<'_> {
    /// `l op r` for [`is_derived`] operands: the plain product or quotient,
    /// scaled into the derived dimension.
    pub(crate) fn derived(&mut self, op: BinOp, l: TExpr, r: TExpr, span: Span) -> Option<TExpr> {
        let (a, b) = (l.ty, r.ty);
        let found = match (a, b) {
            (Type::Quantity { dim: x, .. }, Type::Quantity { dim: y, .. }) => {
                derive::combine(x, y, if op == BinOp::Mul { 1 } else { -1 })
            }
            (_, Type::Quantity { dim, .. }) => derive::inverse(dim),
            _ => return None,
        };
        let d = match found {
            Ok(d) => d,
            Err(why) => {
                let (lt, rt) = (self.type_name(a), self.type_name(b));
                self.derive_error(
                    why,
                    r.span,
                    format!("cannot apply `{}` to {lt} and {rt}", op.symbol()),
                    format!("this is {rt}"),
                    Some((l.span, format!("this is {lt}"))),
                );
                return None;
            }
        };
        let plain = binary(op, l, r, Type::Number, span);
        self.scale(plain, d, span)
    }

    /// `q ^ n` on a quantity: `n` must be an integer literal, since the
    /// result's dimension depends on it.
    pub(crate) fn quantity_power(&mut self, base: TExpr, exp: TExpr, span: Span) -> Option<TExpr> {
        let Type::Quantity { dim, .. } = base.ty else {
            return None;
        };
        let n = match exp.kind {
            TExprKind::Const(Value::Int(n)) if n != 0 && n.abs() <= MAX_QUANTITY_EXPONENT => n,
            _ => {
                let found = self.type_name(exp.ty);
                self.unit_mismatch(
                    exp.span,
                    format!(
                        "the exponent of a quantity must be a whole number from -{m} to {m} written in the formula, but this is {found}",
                        m = MAX_QUANTITY_EXPONENT
                    ),
                    "not a fixed whole-number exponent".into(),
                    Some((base.span, format!("this is a {}", dim.name()))),
                    Some(format!(
                        "a power changes a quantity's dimension, which must be known before the case; \
                         for a real power read the amount as a number first, e.g. `(x in {}) ^ 0.5`",
                        dim.canonical()
                    )),
                );
                return None;
            }
        };
        let d = match derive::power(dim, n as i32) {
            Ok(d) => d,
            Err(why) => {
                let found = self.type_name(base.ty);
                self.derive_error(
                    why,
                    base.span,
                    format!("cannot raise {found} to a power"),
                    format!("this is {found}"),
                    None,
                );
                return None;
            }
        };
        let plain = node(
            TExprKind::Call(ast::Func::Power, vec![base, exp]),
            Type::Number,
            span,
        );
        self.scale(plain, d, span)
    }

    /// The plain result `e` (a number) times the derived factor, typed as
    /// the derived quantity (or a number when the dimensions cancel).
    fn scale(&mut self, e: TExpr, d: Derived, span: Span) -> Option<TExpr> {
        if d.is_number() {
            if d.factor == 1.0 {
                return Some(e);
            }
            let k = constant(Value::Number(d.factor), Type::Number, span);
            return Some(binary(BinOp::Mul, e, k, Type::Number, span));
        }
        let unit = match derive::canonical_unit(d.dimension) {
            Ok(u) => u,
            Err(why) => {
                self.derive_error(
                    DeriveError::Unit(why),
                    span,
                    format!("the result has {}, which has no unit", d.dimension.name()),
                    "here".into(),
                    None,
                );
                return None;
            }
        };
        let ty = Type::Quantity {
            dim: d.dimension,
            unit,
        };
        let k = constant(Value::Quantity(d.factor), ty, span);
        Some(binary(BinOp::Mul, e, k, ty, span))
    }

    fn derive_error(
        &mut self,
        why: DeriveError,
        span: Span,
        message: String,
        label: String,
        other: Option<(Span, String)>,
    ) {
        self.unit_mismatch(span, message, label, other, Some(why.reason()));
    }

    /// `value in unit`: the amount of a quantity in `unit`, a number. A
    /// plain number (a ratio whose dimensions cancelled) may be read in a
    /// dimensionless unit (`(dose / weight) in mg/kg`). A fact that
    /// declares a conversion (a molar mass) may be read in the other
    /// dimension (`creatinine in umol/L`).
    pub(crate) fn in_unit(
        &mut self,
        value: &ast::Expr,
        unit: &ast::Ident,
        span: Span,
    ) -> Option<TExpr> {
        let t = self.expr(value, None);
        let u = self.unit(unit)?;
        let t = t?;
        let number = Type::Number;
        let dim = match t.ty {
            Type::Quantity { dim, .. } => dim,
            ty if numeric(ty) && u.dimension == Dimension::Percent => {
                // A ratio is 100 %; the unit's factor is to percent.
                let k = constant(Value::Number(u.factor / 100.0), number, unit.span);
                return Some(binary(BinOp::Div, t, k, number, span));
            }
            ty => {
                let found = self.type_name(ty);
                let help = if numeric(ty) {
                    format!(
                        "a number becomes a quantity with `as`, e.g. `(...) as {}`",
                        unit.name
                    )
                } else {
                    "`in` with a unit reads the amount of a quantity".into()
                };
                self.unit_mismatch(
                    t.span,
                    format!("`in {}` needs a quantity, but this is {found}", unit.name),
                    format!("this is {found}"),
                    None,
                    Some(help),
                );
                return None;
            }
        };
        let via = if dim == u.dimension {
            Some(1.0)
        } else {
            self.fact_conversion(&t, u.dimension)
        };
        let Some(via) = via else {
            self.wrong_dimension(dim, u, unit, t.span);
            return None;
        };
        let mut read = t;
        if u.offset != 0.0 {
            let k = constant(Value::Quantity(u.offset), read.ty, unit.span);
            let ty = read.ty;
            read = binary(BinOp::Sub, read, k, ty, span);
        }
        let k = constant(Value::Quantity(u.factor * via), read.ty, unit.span);
        Some(binary(BinOp::Div, read, k, number, span))
    }

    /// The factor a fact read `t` declares to dimension `other` (a molar
    /// mass): canonical amounts in `other` times it are the fact's.
    fn fact_conversion(&self, t: &TExpr, other: Dimension) -> Option<f64> {
        let TExprKind::Fact(f) = t.kind else {
            return None;
        };
        let info = self.model.facts.get(f.0 as usize)?;
        let c = info.domain.conversions.iter().find(|c| c.other == other)?;
        Some(c.factor)
    }

    /// `value as unit`: a number as a quantity of `unit`.
    pub(crate) fn as_unit(
        &mut self,
        value: &ast::Expr,
        unit: &ast::Ident,
        span: Span,
    ) -> Option<TExpr> {
        let t = self.expr(value, Some(Type::Number));
        let u = self.unit(unit)?;
        let t = t?;
        if !numeric(t.ty) {
            let found = self.type_name(t.ty);
            let help = match t.ty {
                Type::Quantity { dim, .. } if dim == u.dimension => format!(
                    "this is already a {}, in any unit; read its amount as a number with `x in {}`",
                    dim.name(),
                    unit.name
                ),
                Type::Quantity { dim, .. } => format!(
                    "this is already a quantity; read its amount as a number with `in` first, \
                     e.g. `x in {}`",
                    dim.canonical()
                ),
                _ => "`as` makes a quantity from a number".into(),
            };
            self.unit_mismatch(
                t.span,
                format!("`as {}` needs a number, but this is {found}", unit.name),
                format!("this is {found}"),
                None,
                Some(help),
            );
            return None;
        }
        let ty = Type::Quantity {
            dim: u.dimension,
            unit: u,
        };
        let k = constant(Value::Quantity(u.factor), ty, unit.span);
        let mut made = binary(BinOp::Mul, t, k, ty, span);
        if u.offset != 0.0 {
            let zero = constant(Value::Quantity(u.offset), ty, unit.span);
            made = binary(BinOp::Add, made, zero, ty, span);
        }
        Some(made)
    }

    /// Reports `unit` where a quantity of `dim` was read.
    fn wrong_dimension(&mut self, dim: Dimension, u: Unit, unit: &ast::Ident, at: Span) {
        let units = crate::units::same_dimension(Some(dim));
        let help = crate::diagnostics::suggestion(&unit.name, units.iter().map(String::as_str))
            .unwrap_or_else(|| {
                let some: Vec<String> = units.iter().take(3).map(|s| format!("`{s}`")).collect();
                format!(
                    "a {} is read in units such as {}",
                    dim.name(),
                    some.join(", ")
                )
            });
        self.unit_mismatch(
            unit.span,
            format!(
                "cannot read a {} in `{}`, a unit of {}",
                dim.name(),
                unit.name,
                u.dimension.name()
            ),
            format!("a unit of {}", u.dimension.name()),
            Some((at, format!("this is a {}", dim.name()))),
            Some(help),
        );
    }
}
