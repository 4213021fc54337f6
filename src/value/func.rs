//! Value semantics of the functions (`grammar/SEMANTICS.md`,
//! "Functions"): `min of`, `max of`, `earliest of`, `latest of`,
//! `years/months/days between`, `abs`, `round`, `floor`, `ceil` and `^`.
//! Like arithmetic, a function of an unknown argument is unknown, and one
//! whose result is out of range has no value (a runtime diagnostic).

use super::date::{whole_between, NEVER};
use super::ops::{compare, num};
use super::Value;
use crate::syntax::ast::{BinOp, Func};
use crate::units::MAX_MAGNITUDE;

/// `min of`/`earliest of` (the least) or `max of`/`latest of` (the
/// greatest) of known values; unknown when any is. With `integer`, the
/// items are integers and so is the result; otherwise integers among
/// decimals count as decimals.
pub fn extreme(
    func: Func,
    items: impl Iterator<Item = Option<Value>>,
    integer: bool,
) -> Option<Value> {
    let want = match func {
        Func::Min | Func::Earliest => BinOp::Lt,
        _ => BinOp::Gt,
    };
    let mut best: Option<Value> = None;
    for item in items {
        let v = item?;
        best = match best {
            Some(b) if !compare(want, v, b)? => Some(b),
            _ => Some(v),
        };
    }
    match best? {
        Value::Int(i) if !integer => Some(Value::Number(i as f64)),
        v => Some(v),
    }
}

/// Every other function of its known arguments (`args[1]`: the second
/// argument, if the function has one).
pub fn apply(func: Func, args: [Option<Value>; 2], integer: bool) -> Option<Value> {
    let [a, b] = args;
    match func {
        Func::YearsBetween | Func::MonthsBetween | Func::DaysBetween => {
            let (Value::Date(x), Value::Date(y)) = (a?, b?) else {
                return None;
            };
            // No count of days since something never done: unknown.
            if x == NEVER || y == NEVER {
                return None;
            }
            let n = match func {
                Func::YearsBetween => whole_between(x, y, 12)?,
                Func::MonthsBetween => whole_between(x, y, 1)?,
                _ => i64::from(y) - i64::from(x),
            };
            Some(Value::Int(n))
        }
        Func::Abs => match a? {
            Value::Int(i) => i.checked_abs().map(Value::Int),
            Value::Number(x) => Some(Value::Number(x.abs())),
            Value::Quantity(x) => Some(Value::Quantity(x.abs())),
            _ => None,
        },
        Func::Round | Func::Floor | Func::Ceil => {
            let x = a?;
            let digits = match b {
                Some(Value::Int(d)) => i32::try_from(d).ok()?,
                _ => 0,
            };
            if let (Value::Int(_), true) = (x, digits >= 0) {
                return Some(x);
            }
            let x = num(x)?;
            let scale = 10f64.powi(digits);
            let scaled = x * scale;
            let r = match func {
                Func::Round => scaled.round(),
                Func::Floor => scaled.floor(),
                _ => scaled.ceil(),
            } / scale;
            if !r.is_finite() {
                return None;
            }
            if integer {
                // Within i64 exactly: below 2^63 in magnitude.
                (r.abs() < 9.2e18).then_some(Value::Int(r as i64))
            } else {
                Some(Value::Number(r))
            }
        }
        Func::Power => {
            // A quantity's power is the plain power of its canonical
            // amount; the checker scales it into the derived dimension.
            let base = match a? {
                Value::Quantity(x) => x,
                other => num(other)?,
            };
            let r = base.powf(num(b?)?);
            (r.is_finite() && r.abs() <= MAX_MAGNITUDE).then_some(Value::Number(r))
        }
        Func::Min | Func::Max | Func::Earliest | Func::Latest => {
            extreme(func, [a, b].into_iter().flatten().map(Some), integer)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn extremes_and_rounding() {
        let ints = [
            Some(Value::Int(3)),
            Some(Value::Int(1)),
            Some(Value::Int(2)),
        ];
        assert_eq!(
            extreme(Func::Min, ints.into_iter(), true),
            Some(Value::Int(1))
        );
        assert_eq!(
            extreme(Func::Max, ints.into_iter(), true),
            Some(Value::Int(3))
        );
        let some_unknown = [Some(Value::Int(3)), None];
        assert_eq!(extreme(Func::Min, some_unknown.into_iter(), true), None);
        let r =
            |f, x: f64, d: i64, int| apply(f, [Some(Value::Number(x)), Some(Value::Int(d))], int);
        assert_eq!(r(Func::Round, 2.5, 0, true), Some(Value::Int(3)));
        assert_eq!(r(Func::Round, -2.5, 0, true), Some(Value::Int(-3)));
        assert_eq!(
            r(Func::Floor, 26.505938, 1, false),
            Some(Value::Number(26.5))
        );
        assert_eq!(r(Func::Ceil, 26.505938, 0, true), Some(Value::Int(27)));
        let p = apply(
            Func::Power,
            [Some(Value::Number(0.9938)), Some(Value::Int(2))],
            false,
        );
        assert_eq!(p, Some(Value::Number(0.9938f64.powf(2.0))));
        let bad = apply(
            Func::Power,
            [Some(Value::Number(-8.0)), Some(Value::Number(0.5))],
            false,
        );
        assert_eq!(bad, None);
    }
}
