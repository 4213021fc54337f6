//! The value semantics of record (see `grammar/SEMANTICS.md`): Kleene
//! connectives, equality, ordering, comparison and arithmetic on known
//! values. Every evaluator (the general code, the compact program, the
//! batch lanes, the checker's constant folding) calls these functions
//! rather than restating them. Unknown is `None`; nothing here panics or
//! allocates: a type mismatch the checker should have caught, an
//! overflow or a division by zero yields `None`.

use crate::syntax::ast::BinOp;
use crate::units::approx_eq;
use crate::value::date::NEVER;
use crate::value::Value;

/// The truth value of a slot: `None` when unknown (or not a bool).
#[inline]
pub fn truth(v: Option<Value>) -> Option<bool> {
    match v {
        Some(Value::Bool(b)) => Some(b),
        _ => None,
    }
}

/// Kleene AND.
#[inline]
pub fn and(a: Option<bool>, b: Option<bool>) -> Option<bool> {
    match (a, b) {
        (Some(false), _) | (_, Some(false)) => Some(false),
        (Some(true), Some(true)) => Some(true),
        _ => None,
    }
}

/// Kleene OR.
#[inline]
pub fn or(a: Option<bool>, b: Option<bool>) -> Option<bool> {
    match (a, b) {
        (Some(true), _) | (_, Some(true)) => Some(true),
        (Some(false), Some(false)) => Some(false),
        _ => None,
    }
}

/// Kleene NOT.
#[inline]
pub fn not(a: Option<bool>) -> Option<bool> {
    a.map(|b| !b)
}

/// Strong Kleene set membership (`value in {members}`), as SQL's `IN`:
/// true when the value is known and some known member equals it; false
/// when the value and every member are known and none equals it; unknown
/// otherwise.
#[inline]
pub fn member(
    value: Option<Value>,
    members: impl IntoIterator<Item = Option<Value>>,
) -> Option<bool> {
    let v = value?;
    let mut decided = true;
    for m in members {
        match m.and_then(|m| equal(v, m)) {
            Some(true) => return Some(true),
            Some(false) => {}
            None => decided = false,
        }
    }
    decided.then_some(false)
}

/// A number for numeric comparison and arithmetic (integers widen).
pub(crate) fn num(v: Value) -> Option<f64> {
    match v {
        Value::Int(i) => Some(i as f64),
        Value::Number(x) => Some(x),
        _ => None,
    }
}

/// Equality of two known values (`None` when they cannot be compared).
pub fn equal(a: Value, b: Value) -> Option<bool> {
    Some(match (a, b) {
        (Value::Bool(x), Value::Bool(y)) => x == y,
        (Value::Enum(x), Value::Enum(y)) => x == y,
        (Value::Row(x), Value::Row(y)) => x == y,
        (Value::Date(x), Value::Date(y)) => x == y,
        (Value::Int(x), Value::Int(y)) => x == y,
        (Value::Quantity(x), Value::Quantity(y)) => approx_eq(x, y),
        _ => approx_eq(num(a)?, num(b)?),
    })
}

/// Ordering of two known values: -1, 0 or 1 (`None` when not ordered).
fn order(a: Value, b: Value) -> Option<i8> {
    let (x, y) = match (a, b) {
        (Value::Int(x), Value::Int(y)) => return Some(x.cmp(&y) as i8),
        (Value::Date(x), Value::Date(y)) => return Some(x.cmp(&y) as i8),
        (Value::Quantity(x), Value::Quantity(y)) => (x, y),
        _ => (num(a)?, num(b)?),
    };
    Some(if approx_eq(x, y) {
        0
    } else if x < y {
        -1
    } else {
        1
    })
}

/// A comparison operator on known values, as [`binary`] computes it but
/// without building a value (for the compact program's comparisons).
#[inline(always)]
pub fn compare(op: BinOp, a: Value, b: Value) -> Option<bool> {
    // Integers (grades, counts) first: exact, and the common case.
    if let (Value::Int(x), Value::Int(y)) = (a, b) {
        return Some(match op {
            BinOp::Eq => x == y,
            BinOp::Ne => x != y,
            BinOp::Lt => x < y,
            BinOp::Le => x <= y,
            BinOp::Gt => x > y,
            BinOp::Ge => x >= y,
            _ => return None,
        });
    }
    compare_values(op, a, b)
}

/// [`compare`] for every other pair of values.
fn compare_values(op: BinOp, a: Value, b: Value) -> Option<bool> {
    match op {
        BinOp::Eq => equal(a, b),
        BinOp::Ne => equal(a, b).map(|e| !e),
        BinOp::Lt => order(a, b).map(|o| o < 0),
        BinOp::Le => order(a, b).map(|o| o <= 0),
        BinOp::Gt => order(a, b).map(|o| o > 0),
        BinOp::Ge => order(a, b).map(|o| o >= 0),
        _ => None,
    }
}

/// A comparison or arithmetic operator on known values.
pub fn binary(op: BinOp, a: Value, b: Value) -> Option<Value> {
    let r = match op {
        BinOp::Eq => Value::Bool(equal(a, b)?),
        BinOp::Ne => Value::Bool(!equal(a, b)?),
        BinOp::Lt => Value::Bool(order(a, b)? < 0),
        BinOp::Le => Value::Bool(order(a, b)? <= 0),
        BinOp::Gt => Value::Bool(order(a, b)? > 0),
        BinOp::Ge => Value::Bool(order(a, b)? >= 0),
        BinOp::Add | BinOp::Sub => add_sub(op == BinOp::Sub, a, b)?,
        BinOp::Mul => mul(a, b)?,
        BinOp::Div => div(a, b)?,
        BinOp::And => Value::Bool(and(Some(bool_of(a)?), Some(bool_of(b)?))?),
        BinOp::Or => Value::Bool(or(Some(bool_of(a)?), Some(bool_of(b)?))?),
    };
    finite(r)
}

fn bool_of(v: Value) -> Option<bool> {
    truth(Some(v))
}

/// Rejects infinite, NaN and out-of-range results (see
/// [`crate::units::MAX_MAGNITUDE`]), which would otherwise leak into
/// output as `null` for a known value.
fn finite(v: Value) -> Option<Value> {
    match v {
        Value::Number(x) | Value::Quantity(x) if !crate::units::in_range(x) => None,
        _ => Some(v),
    }
}

/// `date + span` or `date - span` (`minus`), for a date and a time
/// quantity in either order. The span's static unit decides whether it
/// counts calendar months (`calendar`, see [`crate::value::date::shift`]),
/// so the compiler emits this as its own operation rather than as a
/// [`binary`] `+`, which has no unit to go by.
pub fn shift(a: Value, b: Value, minus: bool, calendar: bool) -> Option<Value> {
    let (date, days) = match (a, b) {
        (Value::Date(d), Value::Quantity(q)) => (d, q),
        (Value::Quantity(q), Value::Date(d)) if !minus => (d, q),
        _ => return None,
    };
    let days = if minus { -days } else { days };
    crate::value::date::shift(date, days, calendar).map(Value::Date)
}

fn add_sub(minus: bool, a: Value, b: Value) -> Option<Value> {
    Some(match (a, b) {
        (Value::Int(x), Value::Int(y)) => Value::Int(if minus {
            x.checked_sub(y)?
        } else {
            x.checked_add(y)?
        }),
        (Value::Quantity(x), Value::Quantity(y)) => {
            Value::Quantity(if minus { x - y } else { x + y })
        }
        // The time between dates, unknown with `never` (no span since
        // something never done), as `days between` is.
        (Value::Date(x), Value::Date(y)) if minus => {
            if x == NEVER || y == NEVER {
                return None;
            }
            Value::Quantity(f64::from(x) - f64::from(y))
        }
        // A date plus a time is `shift`, never an addition.
        (Value::Date(_), _) | (_, Value::Date(_)) => return None,
        _ => {
            let (x, y) = (num(a)?, num(b)?);
            Value::Number(if minus { x - y } else { x + y })
        }
    })
}

/// A product. Two quantities multiply to the plain product of their
/// canonical amounts: the checker, which knows the dimensions, scales it
/// into the derived dimension's canonical unit (`grammar/SEMANTICS.md`,
/// "Quantity arithmetic").
fn mul(a: Value, b: Value) -> Option<Value> {
    Some(match (a, b) {
        (Value::Int(x), Value::Int(y)) => Value::Int(x.checked_mul(y)?),
        (Value::Quantity(x), Value::Quantity(y)) => Value::Number(x * y),
        (Value::Quantity(q), n) | (n, Value::Quantity(q)) => Value::Quantity(q * num(n)?),
        _ => Value::Number(num(a)? * num(b)?),
    })
}

/// A quotient; unknown for a zero divisor. As for [`mul`], a quotient with
/// a quantity divisor is the plain ratio of the canonical amounts.
fn div(a: Value, b: Value) -> Option<Value> {
    let (v, d) = match (a, b) {
        (Value::Quantity(x), Value::Quantity(y)) => (Value::Number(x), y),
        (Value::Quantity(x), n) => (Value::Quantity(x), num(n)?),
        (n, Value::Quantity(y)) => (Value::Number(num(n)?), y),
        _ => (Value::Number(num(a)?), num(b)?),
    };
    if d == 0.0 {
        return None;
    }
    Some(match v {
        Value::Quantity(x) => Value::Quantity(x / d),
        Value::Number(x) => Value::Number(x / d),
        other => other,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const U: Option<Value> = None;

    fn int(i: i64) -> Option<Value> {
        Some(Value::Int(i))
    }

    #[test]
    fn member_is_strong_kleene() {
        assert_eq!(member(int(1), [int(1), U]), Some(true));
        assert_eq!(member(int(1), [U, int(1)]), Some(true));
        assert_eq!(member(int(2), [int(1), U]), None);
        assert_eq!(member(int(2), [int(1), int(3)]), Some(false));
        assert_eq!(member(U, [int(1)]), None);
        // Widening and tolerance as for `=`.
        assert_eq!(member(int(2), [Some(Value::Number(2.0))]), Some(true));
    }

    #[test]
    fn connectives_are_strong_kleene() {
        let all = [Some(false), None, Some(true)];
        for a in all {
            assert_eq!(not(not(a)), a);
            for b in all {
                assert_eq!(and(a, b), and(b, a));
                // De Morgan, which strong Kleene logic keeps.
                assert_eq!(not(and(a, b)), or(not(a), not(b)));
            }
        }
        assert_eq!(and(None, Some(false)), Some(false));
        assert_eq!(or(None, Some(true)), Some(true));
    }

    #[test]
    fn dates_shift_only_through_shift() {
        let d = Value::Date(0);
        let year = Value::Quantity(365.2425);
        assert_eq!(shift(d, year, false, true), Some(Value::Date(365)));
        assert_eq!(shift(year, d, false, true), Some(Value::Date(365)));
        assert_eq!(shift(d, year, true, true), Some(Value::Date(-365)));
        // `span - date` is not a date.
        assert_eq!(shift(year, d, true, true), None);
        assert_eq!(binary(BinOp::Add, d, year), None);
        let later = Value::Date(10);
        assert_eq!(binary(BinOp::Sub, later, d), Some(Value::Quantity(10.0)));
    }
}
