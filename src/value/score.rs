//! Value semantics of scores and counts (`grammar/SEMANTICS.md`, "Scores
//! and counts"): the sum of the points whose condition holds, and the
//! interval it lies in while some conditions or points are unknown.
//!
//! The items come as `(condition, points, low, high)` quadruples of
//! values read through `get`; `low` and `high` bound the points (`±inf`
//! when nothing bounds them).

use super::ops::{binary, compare, num, truth};
use super::Value;
use crate::syntax::ast::BinOp;

/// The sum of the points of the items whose condition holds: unknown when
/// an item that may count has unknown points, or when a condition is
/// unknown and its points are not 0 (its interval is then the value's
/// only knowledge), or when the sum overflows.
pub fn sum(items: &[u32], integer: bool, get: impl Fn(u32) -> Option<Value>) -> Option<Value> {
    let mut total = if integer {
        Value::Int(0)
    } else {
        Value::Number(0.0)
    };
    for item in items.chunks_exact(4) {
        let [c, p, _, _] = item else { continue };
        let points = get(*p);
        match truth(get(*c)) {
            Some(false) => {}
            Some(true) => total = binary(BinOp::Add, total, points?)?,
            None if points.and_then(num) == Some(0.0) => {}
            None => return None,
        }
    }
    Some(total)
}

/// The least and the greatest sum the items allow: an item whose
/// condition holds adds its points (or their bounds when unknown), one
/// whose condition is unknown adds between the least of 0 and its points
/// and the greatest of 0 and its points.
pub fn interval(items: &[u32], get: impl Fn(u32) -> Option<Value>) -> (f64, f64) {
    let (mut lo, mut hi) = (0.0f64, 0.0f64);
    for item in items.chunks_exact(4) {
        let [c, p, l, h] = item else { continue };
        let (a, b) = match get(*p).and_then(num) {
            Some(x) => (x, x),
            None => (
                get(*l).and_then(num).unwrap_or(f64::NEG_INFINITY),
                get(*h).and_then(num).unwrap_or(f64::INFINITY),
            ),
        };
        match truth(get(*c)) {
            Some(false) => {}
            Some(true) => {
                lo += a;
                hi += b;
            }
            None => {
                lo += a.min(0.0);
                hi += b.max(0.0);
            }
        }
    }
    (lo, hi)
}

/// `s op k` for a sum `s` known only to lie in `[lo, hi]`: decided when
/// every value of the interval gives the same answer.
pub fn decide(op: BinOp, lo: f64, hi: f64, k: Value) -> Option<bool> {
    if lo == hi && lo.is_finite() {
        return compare(op, Value::Number(lo), k);
    }
    let k = num(k)?;
    let (all, none) = match op {
        BinOp::Ge => (lo >= k, hi < k),
        BinOp::Gt => (lo > k, hi <= k),
        BinOp::Le => (hi <= k, lo > k),
        BinOp::Lt => (hi < k, lo >= k),
        BinOp::Eq => (false, k < lo || k > hi),
        BinOp::Ne => (k < lo || k > hi, false),
        _ => return None,
    };
    if all {
        Some(true)
    } else if none {
        Some(false)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vals(v: &[Option<Value>]) -> impl Fn(u32) -> Option<Value> + '_ {
        move |p| v.get(p as usize).copied().flatten()
    }

    const T: Option<Value> = Some(Value::Bool(true));
    const F: Option<Value> = Some(Value::Bool(false));
    const U: Option<Value> = None;

    #[test]
    fn an_unknown_item_leaves_the_sum_unknown_but_bounded() {
        // 2 points counted, 1 point unknown, 3 points not counted.
        let v = [
            T,
            Some(Value::Int(2)),
            U,
            Some(Value::Int(1)),
            F,
            Some(Value::Int(3)),
            Some(Value::Number(0.0)),
        ];
        let items = [0, 1, 6, 6, 2, 3, 6, 6, 4, 5, 6, 6];
        assert_eq!(sum(&items, true, vals(&v)), None);
        assert_eq!(interval(&items, vals(&v)), (2.0, 3.0));
        assert_eq!(decide(BinOp::Ge, 2.0, 3.0, Value::Int(2)), Some(true));
        assert_eq!(decide(BinOp::Ge, 2.0, 3.0, Value::Int(3)), None);
        assert_eq!(decide(BinOp::Ge, 2.0, 3.0, Value::Int(4)), Some(false));
        assert_eq!(decide(BinOp::Eq, 2.0, 3.0, Value::Int(5)), Some(false));
        assert_eq!(decide(BinOp::Ne, 2.0, 3.0, Value::Int(5)), Some(true));
    }

    #[test]
    fn known_items_sum_exactly() {
        let v = [T, Some(Value::Int(2)), F, U, Some(Value::Number(0.0))];
        // The second item's points are unknown, but it does not count.
        let items = [0, 1, 4, 4, 2, 3, 4, 4];
        assert_eq!(sum(&items, true, vals(&v)), Some(Value::Int(2)));
    }
}
