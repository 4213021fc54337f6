//! Eval stage, exact pass: inverting a comparison into thresholds on the
//! one varying fact one side follows (`q / 1 mg >= 1.5`, `a * 2 + 1 > 7`,
//! `date_of_birth + 75 years <= assessment_date` with the date known).
//!
//! The side is a chain of instructions from the comparison down to the
//! fact, each with one operand on the chain and the others decided: `+`,
//! `-`, `*`, `/`, negation, definition copies, and any operation with a
//! date result (calendar shifts); a `first` contributes the thresholds of
//! each of its values. Every such link is monotone in its chain operand
//! (a division by the fact itself on each side of zero), which is what
//! makes a comparison change at most at the points found here.
//!
//! Decimal facts are inverted exactly, link by link, with the value
//! semantics of record (`value::ops::binary`). Integer and date facts are
//! found by bisection on the chain itself, evaluated with `run::step`, so
//! a calendar shift (which no subtraction inverts exactly: 31 January + 1
//! month is 29 February) is handled by the same code as its evaluation;
//! the days around each point found are added so that every region stays
//! uniform. Candidates are region starts: a threshold and its successor.

use super::cone::{fact_of, ordered};
use super::space::{DATE_SPAN, INT_SPAN};
use super::Work;
use crate::check::model::Type;
use crate::eval::compile::{Code, Op, Pc};
use crate::eval::run;
use crate::syntax::ast::BinOp;
use crate::value::ops::{binary, compare};
use crate::value::Value;

/// The chain cannot be inverted: the split is incomplete.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Incomplete;

type Solved = Result<(), Incomplete>;

/// How deep a chain may be.
const DEPTH: u32 = 64;

/// Days around a date found by bisection that are tried one by one.
const DATE_WINDOW: i64 = 4;

impl Work {
    /// Candidates for fact `x` from `side ? c`, where `side` follows `x`
    /// and every other operand of the chain is decided.
    pub(super) fn thresholds(&mut self, code: &Code, side: Pc, x: u32, c: Value) -> Solved {
        self.path.clear();
        self.descend(code, side, Some(x), c, 0)
    }

    /// Candidates for every fact `side` reads arithmetically, with the other
    /// facts at their current values (a guess for incomplete splits).
    pub(super) fn guesses(&mut self, code: &Code, side: Pc, c: Value) {
        self.path.clear();
        let _ = self.descend(code, side, None, c, 0);
    }

    /// True when operand `pc` is on a chain towards `x` (any varying fact
    /// when guessing).
    fn on_chain(&self, code: &Code, pc: Pc, x: Option<u32>) -> bool {
        match x {
            Some(x) => self.vf_of(code, pc) == x,
            None => {
                self.live.contains(pc as usize)
                    && (fact_of(code, pc).is_some() || self.dep.contains(pc as usize))
            }
        }
    }

    /// Whether an operand off the chain can be read as decided. Exactly:
    /// decided (`Ok(true)`), or unknown in every completion so that the
    /// chain is too (`Ok(false)`); guessing: whatever value it has now.
    fn off_chain(&self, pc: Pc, strict: bool) -> Result<bool, Incomplete> {
        let known = self.vals.get(pc as usize).copied().flatten().is_some();
        if !strict || !self.live.contains(pc as usize) {
            return Ok(known);
        }
        if self.dep.contains(pc as usize) {
            Err(Incomplete)
        } else {
            Ok(false)
        }
    }

    fn descend(&mut self, code: &Code, pc: Pc, x: Option<u32>, c: Value, depth: u32) -> Solved {
        let strict = x.is_some();
        let fail = if strict { Err(Incomplete) } else { Ok(()) };
        if depth > DEPTH {
            return fail;
        }
        let Some(&op) = code.ops.get(pc as usize) else {
            return fail;
        };
        match op {
            Op::Fact(f) => self.leaf(code, pc, f, c, strict),
            Op::Def { root: f, .. } | Op::Neg(f) => {
                self.path.push(pc);
                let r = self.descend(code, f, x, c, depth + 1);
                self.path.pop();
                r
            }
            Op::First {
                start,
                branches,
                otherwise,
            } => {
                // Below a link, a `first` would have to be evaluated with
                // its conditions; only decimal chains pass through it.
                let decimal = x.is_some_and(|f| is_decimal(ty(code, f)));
                if !self.path.is_empty() && !decimal {
                    return fail;
                }
                let pairs = code.args(start, branches * 2);
                let values = (0..branches as usize)
                    .filter_map(|i| pairs.get(2 * i + 1).copied())
                    .chain(otherwise);
                for v in values {
                    if self.on_chain(code, v, x) {
                        self.descend(code, v, x, c, depth + 1)?;
                    }
                }
                Ok(())
            }
            Op::Binary(BinOp::Add | BinOp::Sub | BinOp::Mul | BinOp::Div, a, b) => {
                for (o, other) in [(a, b), (b, a)] {
                    if !self.on_chain(code, o, x) {
                        continue;
                    }
                    if !self.off_chain(other, strict)? {
                        continue;
                    }
                    self.path.push(pc);
                    let r = self.descend(code, o, x, c, depth + 1);
                    self.path.pop();
                    r?;
                }
                Ok(())
            }
            // A calendar shift or any other operation with a date result,
            // monotone in its date, and the functions monotone in each
            // argument (`years between`, `min of`, `round`, ...): the
            // bisection at the fact finds where the comparison flips.
            _ if ty(code, pc) == Type::Date || monotone(&op) => {
                let mut chain = None;
                let mut others_known = true;
                let mut bad = false;
                crate::eval::exact::cone::reads(code, pc, |o| {
                    if self.on_chain(code, o, x) {
                        bad |= chain.replace(o).is_some();
                    } else {
                        match self.off_chain(o, strict) {
                            Ok(k) => others_known &= k,
                            Err(_) => bad = true,
                        }
                    }
                });
                if bad && !strict {
                    // Guessing: several varying operands (`years between
                    // dob and visit`) are each tried with the others held.
                    return self.descend_each(code, pc, c, depth);
                }
                match chain {
                    Some(o) if !bad && others_known => {
                        self.path.push(pc);
                        let r = self.descend(code, o, x, c, depth + 1);
                        self.path.pop();
                        r
                    }
                    _ if bad => fail,
                    _ => Ok(()),
                }
            }
            _ => fail,
        }
    }

    /// Guessing below an operation reading several varying operands: each
    /// in turn, with the others at their current values (one completion),
    /// so that a case in which the comparison flips is proposed. Only a
    /// guess: every witness is re-run, and the split stays incomplete.
    fn descend_each(&mut self, code: &Code, pc: Pc, c: Value, depth: u32) -> Solved {
        let mut operands = Vec::new();
        let mut others_known = true;
        crate::eval::exact::cone::reads(code, pc, |o| {
            if self.on_chain(code, o, None) {
                operands.push(o);
            } else {
                others_known &= self.off_chain(o, false).unwrap_or(false);
            }
        });
        if !others_known {
            return Ok(());
        }
        let known = |w: &Self, o: Pc| w.vals.get(o as usize).copied().flatten().is_some();
        for (i, &o) in operands.iter().enumerate() {
            let held = operands
                .iter()
                .enumerate()
                .all(|(j, &p)| j == i || known(self, p));
            if !held {
                continue;
            }
            // The values found for `o` make the comparison flip only with
            // the others where they are now: keep those values as regions.
            for (j, &p) in operands.iter().enumerate() {
                if j != i {
                    self.hold(code, p);
                }
            }
            self.path.push(pc);
            let _ = self.descend(code, o, None, c, depth + 1);
            self.path.pop();
        }
        Ok(())
    }

    /// Candidates at their current values for the varying facts operand
    /// `pc` reads, so that the current completion stays a region start.
    fn hold(&mut self, code: &Code, pc: Pc) {
        let mut stack = vec![(pc, 0u32)];
        while let Some((at, depth)) = stack.pop() {
            if depth > DEPTH || !self.on_chain(code, at, None) {
                continue;
            }
            if let Some(f) = fact_of(code, at) {
                let v = self.fvals.get(f as usize).copied().flatten();
                if let Some(v) = v.filter(|_| ordered(ty(code, at))) {
                    self.cands.push((f, v));
                }
                continue;
            }
            crate::eval::exact::cone::reads(code, at, |o| stack.push((o, depth + 1)));
        }
    }

    /// The chain in `path` reaches slot `at`, which holds fact `x`: solve
    /// `chain(x) ? c`.
    fn leaf(&mut self, code: &Code, at: Pc, x: u32, c: Value, strict: bool) -> Solved {
        let r = match ty(code, at) {
            Type::Number | Type::Quantity { .. } => self.invert(code, 0, at, x, c),
            Type::Int { .. } | Type::Date => self.bisect(code, at, x, c, strict),
            _ => Ok(()),
        };
        if strict {
            r
        } else {
            Ok(())
        }
    }

    /// Inverts the links `path[i..]` for target `t` (decimal facts).
    fn invert(&mut self, code: &Code, i: usize, at: Pc, x: u32, t: Value) -> Solved {
        let Some(&link) = self.path.get(i) else {
            return match t {
                Value::Number(v) | Value::Quantity(v) => {
                    self.cands.push((x, Value::Quantity(v)));
                    Ok(())
                }
                Value::Int(v) => {
                    self.cands.push((x, Value::Quantity(v as f64)));
                    Ok(())
                }
                _ => Err(Incomplete),
            };
        };
        let child = self.path.get(i + 1).copied().unwrap_or(at);
        let value = |pc: Pc| self.vals.get(pc as usize).copied().flatten();
        let next = match code.ops.get(link as usize) {
            Some(Op::Def { .. }) => Some(t),
            Some(Op::Neg(_)) => binary(BinOp::Sub, zero(t), t),
            Some(&Op::Binary(op, a, b)) => {
                let left = child == a;
                let Some(k) = value(if left { b } else { a }) else {
                    return Ok(());
                };
                match (op, left) {
                    (BinOp::Add, _) => binary(BinOp::Sub, t, k),
                    (BinOp::Sub, true) => binary(BinOp::Add, t, k),
                    (BinOp::Sub, false) => binary(BinOp::Sub, k, t),
                    (BinOp::Mul, _) if is_zero(k) => return Ok(()),
                    (BinOp::Mul, _) => binary(BinOp::Div, t, k),
                    (BinOp::Div, true) if is_zero(k) => return Ok(()),
                    (BinOp::Div, true) => binary(BinOp::Mul, t, k),
                    (BinOp::Div, false) => {
                        // `k / chain`: also where the divisor is zero.
                        let z = zero_of(ty(code, child)).ok_or(Incomplete)?;
                        self.invert(code, i + 1, at, x, z)?;
                        if is_zero(t) {
                            return Ok(());
                        }
                        binary(BinOp::Div, k, t)
                    }
                    _ => None,
                }
            }
            _ => None,
        };
        match next {
            Some(t) => self.invert(code, i + 1, at, x, t),
            None => Err(Incomplete),
        }
    }

    /// Finds by bisection where `chain(x) >= c` and `chain(x) > c` change
    /// (integer and date facts).
    fn bisect(&mut self, code: &Code, at: Pc, x: u32, c: Value, strict: bool) -> Solved {
        let (lo, hi) = match ty(code, at) {
            Type::Int { min, max } => (min.unwrap_or(-INT_SPAN), max.unwrap_or(INT_SPAN)),
            _ => (-DATE_SPAN, DATE_SPAN),
        };
        let date = ty(code, at) == Type::Date;
        // A division by the fact itself: each side of zero separately.
        let pole = !self.path.is_empty()
            && self.path.last().is_some_and(|&l| {
                matches!(code.ops.get(l as usize), Some(&Op::Binary(BinOp::Div, _, d)) if d == at)
            });
        let deep_pole = self.path.iter().enumerate().any(|(i, &l)| {
            let child = self.path.get(i + 1).copied().unwrap_or(at);
            matches!(code.ops.get(l as usize), Some(&Op::Binary(BinOp::Div, _, d)) if d == child)
        }) && !pole;
        if deep_pole && strict {
            return Err(Incomplete);
        }
        self.saved.clear();
        self.saved
            .push((at, self.vals.get(at as usize).copied().flatten()));
        for k in 0..self.path.len() {
            if let Some(&l) = self.path.get(k) {
                self.saved
                    .push((l, self.vals.get(l as usize).copied().flatten()));
            }
        }
        let mut result = Ok(());
        let parts: [(i64, i64); 2] = if pole {
            for v in [0, 1] {
                if (lo..=hi).contains(&v) {
                    self.cands.push((x, Value::Int(v)));
                }
            }
            [(lo, hi.min(-1)), (lo.max(1), hi)]
        } else {
            [(lo, hi), (1, 0)]
        };
        'outer: for (l, h) in parts {
            if l > h {
                continue;
            }
            for pred in [BinOp::Ge, BinOp::Gt] {
                match self.flip(code, at, c, pred, l, h, date) {
                    Ok(Some(v)) => {
                        let w = if date { DATE_WINDOW } else { 1 };
                        for d in v - w..=v + w {
                            if (lo..=hi).contains(&d) {
                                self.cands.push((x, Value::Int(d)));
                            }
                        }
                    }
                    Ok(None) => {}
                    Err(e) => {
                        result = Err(e);
                        break 'outer;
                    }
                }
            }
        }
        for k in 0..self.saved.len() {
            if let Some(&(pc, v)) = self.saved.get(k) {
                if let Some(slot) = self.vals.get_mut(pc as usize) {
                    *slot = v;
                }
            }
        }
        result
    }

    /// The first value in `l..=h` where `pred(chain(v), c)` takes the value
    /// it has at `h`, when it differs at `l`.
    #[allow(clippy::too_many_arguments)]
    fn flip(
        &mut self,
        code: &Code,
        x: Pc,
        c: Value,
        pred: BinOp,
        l: i64,
        h: i64,
        date: bool,
    ) -> Result<Option<i64>, Incomplete> {
        let mut test = |v: i64| -> Result<bool, Incomplete> {
            let y = self.chain(code, x, v, date).ok_or(Incomplete)?;
            compare(pred, y, c).ok_or(Incomplete)
        };
        let (at_l, at_h) = (test(l)?, test(h)?);
        if at_l == at_h {
            return Ok(None);
        }
        let (mut a, mut b) = (l, h);
        while b - a > 1 {
            let m = a + (b - a) / 2;
            if test(m)? == at_l {
                a = m;
            } else {
                b = m;
            }
        }
        Ok(Some(b))
    }

    /// The value of the chain's top with fact `x` at `v`.
    fn chain(&mut self, code: &Code, at: Pc, v: i64, date: bool) -> Option<Value> {
        let value = if date {
            Value::Date(i32::try_from(v).ok()?)
        } else {
            Value::Int(v)
        };
        *self.vals.get_mut(at as usize)? = Some(value);
        for k in (0..self.path.len()).rev() {
            let link = *self.path.get(k)?;
            let op = code.ops.get(link as usize)?;
            let r = run::step(code, &self.fvals, self.vals.as_slice(), op);
            *self.vals.get_mut(link as usize)? = r;
        }
        let top = self.path.first().copied().unwrap_or(at);
        self.vals.get(top as usize).copied().flatten()
    }
}

fn ty(code: &Code, pc: Pc) -> Type {
    code.types.get(pc as usize).copied().unwrap_or(Type::Bool)
}

fn is_decimal(t: Type) -> bool {
    matches!(t, Type::Number | Type::Quantity { .. })
}

fn is_zero(v: Value) -> bool {
    matches!(v, Value::Int(0)) || matches!(v, Value::Number(x) | Value::Quantity(x) if x == 0.0)
}

/// Zero of the kind of `v` (for negation).
fn zero(v: Value) -> Value {
    match v {
        Value::Quantity(_) => Value::Quantity(0.0),
        Value::Int(_) => Value::Int(0),
        _ => Value::Number(0.0),
    }
}

fn zero_of(t: Type) -> Option<Value> {
    match t {
        Type::Int { .. } => Some(Value::Int(0)),
        Type::Number => Some(Value::Number(0.0)),
        Type::Quantity { .. } => Some(Value::Quantity(0.0)),
        _ => None,
    }
}

/// True for the functions monotone in each argument, which the bisection
/// of an integer or date fact below them can split (see `descend`).
fn monotone(op: &Op) -> bool {
    use crate::syntax::ast::Func;
    matches!(
        op,
        Op::Call {
            func: Func::Min
                | Func::Max
                | Func::Earliest
                | Func::Latest
                | Func::YearsBetween
                | Func::MonthsBetween
                | Func::DaysBetween
                | Func::Round
                | Func::Floor
                | Func::Ceil,
            ..
        }
    )
}
