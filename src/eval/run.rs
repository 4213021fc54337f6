//! Eval stage: the interpreter loop and the value semantics.
//!
//! Unknown is `None`. Connectives follow Kleene's strong three-valued logic;
//! every comparison, arithmetic operation and set test with an unknown
//! operand is unknown. Nothing here allocates or panics: a type mismatch the
//! checker should have caught, an overflow or a division by zero yields
//! unknown.

use super::compile::{Code, Op, Pc};
use crate::syntax::ast::{BinOp, Quantifier};
use crate::units::approx_eq;
use crate::value::Value;

/// Runs the instructions `exec[from..to]`, writing each result into its
/// slot. `vals` holds one slot per instruction, constants already filled.
pub(crate) fn run(
    code: &Code,
    facts: &[Option<Value>],
    vals: &mut [Option<Value>],
    from: usize,
    to: usize,
) {
    if vals.len() < code.ops.len() {
        return;
    }
    for &pc in code.exec.get(from..to).unwrap_or(&[]) {
        let pc = pc as usize;
        // Every `exec` entry indexes `ops`, and `vals` is at least as long.
        vals[pc] = step(code, facts, vals, &code.ops[pc]);
    }
}

/// Slots for a program: constants filled in, everything else unknown.
pub(crate) fn fresh_slots(code: &Code) -> Vec<Option<Value>> {
    code.ops
        .iter()
        .map(|op| match op {
            Op::Const(v) => Some(*v),
            _ => None,
        })
        .collect()
}

/// Read access to slot values. The general operations read through it so
/// that the compact per-case program (see `fast`) can let them read its
/// own encoding of bool and enum slots without copying them back first.
pub(crate) trait Slots {
    /// The value of slot `pc` (`None` when unknown or out of range).
    fn slot(&self, pc: Pc) -> Option<Value>;
}

impl Slots for [Option<Value>] {
    #[inline]
    fn slot(&self, pc: Pc) -> Option<Value> {
        self.get(pc as usize).copied().flatten()
    }
}

#[inline]
fn get<S: Slots + ?Sized>(vals: &S, pc: Pc) -> Option<Value> {
    vals.slot(pc)
}

/// The truth value of a slot: `None` when unknown (or not a bool).
#[inline]
pub(crate) fn truth(v: Option<Value>) -> Option<bool> {
    match v {
        Some(Value::Bool(b)) => Some(b),
        _ => None,
    }
}

#[inline(always)]
pub(crate) fn step<S: Slots + ?Sized>(
    code: &Code,
    facts: &[Option<Value>],
    vals: &S,
    op: &Op,
) -> Option<Value> {
    match *op {
        Op::Const(v) => Some(v),
        Op::Fact(f) => facts.get(f as usize).copied().flatten(),
        Op::Def { root, .. } => get(vals, root),
        Op::Column {
            root,
            table,
            column,
            ..
        } => match get(vals, root) {
            Some(Value::Row(r)) => code.tables.get(table as usize).and_then(|t| {
                t.cells
                    .get(r as usize * t.columns + column as usize)
                    .copied()
            }),
            _ => None,
        },
        Op::Not(a) => truth(get(vals, a)).map(|b| Value::Bool(!b)),
        Op::Neg(a) => match get(vals, a)? {
            Value::Int(i) => i.checked_neg().map(Value::Int),
            Value::Number(x) => Some(Value::Number(-x)),
            Value::Quantity(x) => Some(Value::Quantity(-x)),
            _ => None,
        },
        Op::And(a, b) => and(truth(get(vals, a)), truth(get(vals, b))).map(Value::Bool),
        Op::Or(a, b) => or(truth(get(vals, a)), truth(get(vals, b))).map(Value::Bool),
        Op::Eq(a, b, negated) => match (get(vals, a)?, get(vals, b)?) {
            (Value::Enum(x), Value::Enum(y)) => Some(Value::Bool((x == y) != negated)),
            (x, y) => equal(x, y).map(|e| Value::Bool(e != negated)),
        },
        Op::Binary(op, a, b) => binary(op, get(vals, a)?, get(vals, b)?),
        Op::In {
            value,
            start,
            len,
            negated,
        } => {
            let v = get(vals, value)?;
            let mut found = false;
            for &m in code.args(start, len) {
                found |= equal(v, get(vals, m)?)?;
            }
            Some(Value::Bool(found != negated))
        }
        Op::IsKnown(a, known) => Some(Value::Bool(get(vals, a).is_some() == known)),
        Op::Quant(q, start, len) => {
            let items = code.args(start, len).iter().map(|&p| truth(get(vals, p)));
            let r = match q {
                Quantifier::Any => items.fold(Some(false), or),
                Quantifier::All => items.fold(Some(true), and),
                Quantifier::None => items.fold(Some(false), or).map(|b| !b),
            };
            r.map(Value::Bool)
        }
        Op::First {
            start,
            branches,
            otherwise,
        } => {
            for pair in code.args(start, branches * 2).chunks_exact(2) {
                if truth(get(vals, pair[0]))? {
                    return get(vals, pair[1]);
                }
            }
            otherwise.and_then(|o| get(vals, o))
        }
        Op::Lookup { table, start, len } => {
            let t = code.tables.get(table as usize)?;
            let keys = code.args(start, len);
            lookup(t.patterns.chunks_exact(t.keys.max(1)), keys, vals).map(Value::Row)
        }
    }
}

/// First-row matching. A row matches when every key matches (Kleene AND):
/// a definite mismatch skips the row, an unknown key stops the lookup.
fn lookup<'a, S: Slots + ?Sized>(
    rows: impl Iterator<Item = &'a [Option<u16>]>,
    keys: &[Pc],
    vals: &S,
) -> Option<u16> {
    for (r, row) in rows.enumerate() {
        match row_matches(row, keys, vals) {
            Some(true) => return u16::try_from(r).ok(),
            Some(false) => {}
            None => return None,
        }
    }
    None
}

/// Whether one row matches the key values (`None`: it depends on an unknown key).
pub(crate) fn row_matches<S: Slots + ?Sized>(
    row: &[Option<u16>],
    keys: &[Pc],
    vals: &S,
) -> Option<bool> {
    let mut m = Some(true);
    for (pattern, &key) in row.iter().zip(keys) {
        let Some(p) = pattern else { continue };
        let hit = match get(vals, key) {
            Some(Value::Enum(e)) => Some(e == *p),
            Some(_) => Some(false),
            None => None,
        };
        m = and(m, hit);
    }
    m
}

/// Kleene AND.
#[inline]
pub(crate) fn and(a: Option<bool>, b: Option<bool>) -> Option<bool> {
    match (a, b) {
        (Some(false), _) | (_, Some(false)) => Some(false),
        (Some(true), Some(true)) => Some(true),
        _ => None,
    }
}

/// Kleene OR.
#[inline]
pub(crate) fn or(a: Option<bool>, b: Option<bool>) -> Option<bool> {
    match (a, b) {
        (Some(true), _) | (_, Some(true)) => Some(true),
        (Some(false), Some(false)) => Some(false),
        _ => None,
    }
}

/// A number for numeric comparison and arithmetic (integers widen).
fn num(v: Value) -> Option<f64> {
    match v {
        Value::Int(i) => Some(i as f64),
        Value::Number(x) => Some(x),
        _ => None,
    }
}

/// Equality of two known values (`None` when they cannot be compared).
pub(crate) fn equal(a: Value, b: Value) -> Option<bool> {
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
pub(crate) fn compare(op: BinOp, a: Value, b: Value) -> Option<bool> {
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
pub(crate) fn binary(op: BinOp, a: Value, b: Value) -> Option<Value> {
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

/// Rejects infinite and NaN results, which would otherwise leak into output.
fn finite(v: Value) -> Option<Value> {
    match v {
        Value::Number(x) | Value::Quantity(x) if !x.is_finite() => None,
        _ => Some(v),
    }
}

/// Adds whole days (a time quantity in days, rounded) to a date.
fn shift(date: i32, days: f64, minus: bool) -> Option<Value> {
    let d = days.round();
    if !d.is_finite() || d.abs() > 1e7 {
        return None;
    }
    let d = d as i32;
    let r = if minus {
        date.checked_sub(d)
    } else {
        date.checked_add(d)
    };
    r.map(Value::Date)
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
        (Value::Date(x), Value::Date(y)) if minus => Value::Quantity(f64::from(x) - f64::from(y)),
        (Value::Date(d), Value::Quantity(q)) => return shift(d, q, minus),
        (Value::Quantity(q), Value::Date(d)) if !minus => return shift(d, q, false),
        _ => {
            let (x, y) = (num(a)?, num(b)?);
            Value::Number(if minus { x - y } else { x + y })
        }
    })
}

fn mul(a: Value, b: Value) -> Option<Value> {
    Some(match (a, b) {
        (Value::Int(x), Value::Int(y)) => Value::Int(x.checked_mul(y)?),
        (Value::Quantity(q), n) | (n, Value::Quantity(q)) => Value::Quantity(q * num(n)?),
        _ => Value::Number(num(a)? * num(b)?),
    })
}

fn div(a: Value, b: Value) -> Option<Value> {
    let (v, d) = match (a, b) {
        (Value::Quantity(x), Value::Quantity(y)) => (Value::Number(x), y),
        (Value::Quantity(x), n) => (Value::Quantity(x), num(n)?),
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
