//! Eval stage: the interpreter loop and the value semantics.
//!
//! Unknown is `None`. Connectives and set membership follow Kleene's
//! strong three-valued logic (`grammar/SEMANTICS.md`); every comparison and
//! arithmetic operation with an unknown operand is unknown. The value
//! semantics itself is `value::ops`. Nothing here allocates or panics: a
//! type mismatch the checker should have caught, an overflow or a division
//! by zero yields unknown (the outcome reports the last two as diagnostics).

use crate::check::model::Pattern;
use crate::eval::compile::{Code, Op, Pc};
use crate::syntax::ast::Func;
use crate::syntax::ast::Quantifier;
use crate::value::ops::{and, equal, member, not, shift};
use crate::value::Value;
use crate::value::{func, score};

pub(crate) use crate::value::ops::{binary, compare, or, truth};

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

impl Slots for Vec<Option<Value>> {
    #[inline]
    fn slot(&self, pc: Pc) -> Option<Value> {
        self.as_slice().slot(pc)
    }
}

#[inline]
fn get<S: Slots + ?Sized>(vals: &S, pc: Pc) -> Option<Value> {
    vals.slot(pc)
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
        Op::Not(a) => not(truth(get(vals, a))).map(Value::Bool),
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
        Op::Shift {
            a,
            b,
            minus,
            calendar,
        } => shift(get(vals, a)?, get(vals, b)?, minus, calendar),
        Op::In {
            value,
            start,
            len,
            negated,
        } => {
            let members = code.args(start, len).iter().map(|&m| get(vals, m));
            let found = member(get(vals, value), members);
            found.map(|f| Value::Bool(f != negated))
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
        Op::Call {
            func,
            start,
            len,
            integer,
        } => {
            let mut args = [None; 2];
            let list = code.args(start, len);
            match func {
                Func::Min | Func::Max | Func::Earliest | Func::Latest => {
                    func::extreme(func, list.iter().map(|&p| get(vals, p)), integer)
                }
                _ => {
                    for (slot, &p) in args.iter_mut().zip(list) {
                        *slot = Some(get(vals, p)?);
                    }
                    func::apply(func, args, integer)
                }
            }
        }
        Op::Score {
            start,
            len,
            integer,
        } => score::sum(code.args(start, len * 4), integer, |p| get(vals, p)),
        Op::ScoreCmp {
            op,
            score,
            k,
            start,
            len,
        } => {
            let k = get(vals, k)?;
            match get(vals, score) {
                Some(s) => compare(op, s, k).map(Value::Bool),
                None => {
                    let (lo, hi) = score::interval(code.args(start, len * 4), |p| get(vals, p));
                    score::decide(op, lo, hi, k).map(Value::Bool)
                }
            }
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
    rows: impl Iterator<Item = &'a [Pattern]>,
    keys: &[Pc],
    vals: &S,
) -> Option<u32> {
    for (r, row) in rows.enumerate() {
        match row_matches(row, keys, vals) {
            Some(true) => return u32::try_from(r).ok(),
            Some(false) => {}
            None => return None,
        }
    }
    None
}

/// Whether one row matches the key values (`None`: it depends on an unknown key).
pub(crate) fn row_matches<S: Slots + ?Sized>(
    row: &[Pattern],
    keys: &[Pc],
    vals: &S,
) -> Option<bool> {
    let mut m = Some(true);
    for (pattern, &key) in row.iter().zip(keys) {
        if !pattern.is_any() {
            m = and(m, pattern.matches(get(vals, key)));
        }
    }
    m
}
