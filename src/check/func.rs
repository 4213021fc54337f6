//! Check stage: types the functions (`min of`, `max of`, `earliest of`,
//! `latest of`, `years/months/days between`, `abs`, `round`, `floor`,
//! `ceil`, `^`). Their meaning is in `value::func` and "Functions" in
//! `grammar/SEMANTICS.md`.

use super::ctx::Checker;
use super::model::*;
use super::ops::numeric;
use crate::source::Span;
use crate::syntax::ast::{self, Func};
use crate::value::Value;

/// The most digits `round(x, n)` and its kin keep.
pub const MAX_DIGITS: i64 = 12;

impl Checker<'_> {
    /// Types a function call.
    pub(crate) fn call(&mut self, func: Func, args: &[ast::Expr], span: Span) -> Option<TExpr> {
        let mut typed = Vec::with_capacity(args.len());
        for a in args {
            typed.push(self.expr(a, None));
        }
        let typed: Vec<TExpr> = typed.into_iter().collect::<Option<_>>()?;
        let ty = match func {
            Func::Min | Func::Max | Func::Earliest | Func::Latest => self.extreme(func, &typed)?,
            Func::YearsBetween | Func::MonthsBetween | Func::DaysBetween => {
                for t in &typed {
                    self.want(t, |ty| ty == Type::Date, func, "a date")?;
                }
                int()
            }
            Func::Abs => {
                let t = typed.first()?;
                self.want(
                    t,
                    |ty| numeric(ty) || is_quantity(ty),
                    func,
                    "a number or a quantity",
                )?;
                match t.ty {
                    Type::Int { .. } => int(),
                    other => other,
                }
            }
            Func::Round | Func::Floor | Func::Ceil => {
                let t = typed.first()?;
                self.want(
                    t,
                    numeric,
                    func,
                    "a number (divide a quantity by its unit first, e.g. `round(weight / 1 kg)`)",
                )?;
                let digits = match typed.get(1) {
                    Some(d) => self.digits(d, func)?,
                    None => 0,
                };
                if digits == 0 {
                    int()
                } else {
                    Type::Number
                }
            }
            Func::Power if matches!(typed.first().map(|t| t.ty), Some(Type::Quantity { .. })) => {
                let mut typed = typed.into_iter();
                let (base, exp) = (typed.next()?, typed.next()?);
                return self.quantity_power(base, exp, span);
            }
            Func::Power => {
                for t in &typed {
                    self.want(t, numeric, func, "a number")?;
                }
                Type::Number
            }
        };
        Some(TExpr {
            kind: TExprKind::Call(func, typed),
            ty,
            span,
        })
    }

    /// The type of `min of`/`max of` (numbers, quantities of one
    /// dimension, or dates) and `earliest of`/`latest of` (dates).
    fn extreme(&mut self, func: Func, items: &[TExpr]) -> Option<Type> {
        let first = items.first()?;
        let dates = matches!(func, Func::Earliest | Func::Latest);
        if dates {
            for t in items {
                self.want(
                    t,
                    |ty| ty == Type::Date,
                    func,
                    "a date (use `min of`/`max of` for numbers)",
                )?;
            }
            return Some(Type::Date);
        }
        let mut ty = first.ty;
        for t in items {
            let fits = match (ty, t.ty) {
                (a, b) if numeric(a) && numeric(b) => {
                    if matches!((a, b), (Type::Int { .. }, Type::Int { .. })) {
                        ty = int();
                    } else {
                        ty = Type::Number;
                    }
                    true
                }
                (Type::Quantity { dim: a, .. }, Type::Quantity { dim: b, .. }) => a == b,
                (Type::Date, Type::Date) => true,
                _ => false,
            };
            if !fits {
                let (want, found) = (self.type_name(ty), self.type_name(t.ty));
                self.mismatch(
                    t.span,
                    format!("the items of `{} of` must be alike, but this is {found} and the first is {want}", func.word()),
                    format!("{found}, not {want}"),
                    Some((first.span, format!("this is {want}"))),
                    Some("compare numbers with numbers, quantities of one dimension, dates with dates".into()),
                );
                return None;
            }
        }
        Some(ty)
    }

    /// Reports an argument whose type `ok` rejects.
    fn want(&mut self, t: &TExpr, ok: impl Fn(Type) -> bool, func: Func, what: &str) -> Option<()> {
        if ok(t.ty) {
            return Some(());
        }
        let found = self.type_name(t.ty);
        let name = match func {
            Func::YearsBetween | Func::MonthsBetween | Func::DaysBetween => {
                format!("{} between", func.word())
            }
            Func::Power => "^".to_string(),
            f => f.word().to_string(),
        };
        self.mismatch(
            t.span,
            format!("`{name}` needs {what}, but this is {found}"),
            format!("this is {found}"),
            None,
            None,
        );
        None
    }

    /// The digits of `round(x, n)`: an integer literal from 0 to
    /// [`MAX_DIGITS`].
    fn digits(&mut self, d: &TExpr, func: Func) -> Option<i64> {
        match d.kind {
            TExprKind::Const(Value::Int(n)) if (0..=MAX_DIGITS).contains(&n) => Some(n),
            _ => {
                self.mismatch(
                    d.span,
                    format!(
                        "the digits of `{}` must be a whole number from 0 to {MAX_DIGITS}",
                        func.word()
                    ),
                    "not a digit count".into(),
                    None,
                    Some(format!("e.g. `{}(x, 1)` keeps one decimal", func.word())),
                );
                None
            }
        }
    }
}

fn int() -> Type {
    Type::Int {
        min: None,
        max: None,
    }
}

fn is_quantity(t: Type) -> bool {
    matches!(t, Type::Quantity { .. })
}
