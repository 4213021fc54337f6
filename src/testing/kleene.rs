//! Testing stage: a small tree-walking evaluator of the model's typed
//! expressions, used only to measure condition coverage.
//!
//! The interpreter (`crate::eval`) compiles the model into flat code built for
//! speed and does not expose the value of every sub-condition. Coverage needs
//! exactly those values, so this module re-evaluates the model's `TExpr`s
//! directly, following the shared semantics (Kleene logic, first-match
//! `first`, first-matching table row). The test runner's pass/fail verdicts
//! always come from the interpreter; this evaluator only colours coverage.

use crate::check::model::{DefBody, DefId, Model, TExpr, TExprKind, Type};
use crate::syntax::ast::{BinOp, Quantifier};
use crate::units;
use crate::value::Value;

/// The value of every definition for one case, computed on demand.
pub struct Env<'a> {
    /// The model.
    pub model: &'a Model,
    /// The case's facts.
    pub facts: &'a [Option<Value>],
    /// Definition values, filled in `def_order`.
    pub defs: Vec<Option<Value>>,
}

impl<'a> Env<'a> {
    /// Evaluates every definition of `model` for `facts`.
    pub fn new(model: &'a Model, facts: &'a [Option<Value>]) -> Env<'a> {
        let mut env = Env {
            model,
            facts,
            defs: vec![None; model.defs.len()],
        };
        for &id in &model.def_order {
            let value = env.def(id);
            if let Some(slot) = env.defs.get_mut(id.0 as usize) {
                *slot = value;
            }
        }
        env
    }

    fn def(&self, id: DefId) -> Option<Value> {
        let info = self.model.defs.get(id.0 as usize)?;
        match &info.body {
            DefBody::Expr(e) => self.eval(e),
            DefBody::Table(t) => {
                let table = self.model.tables.get(t.0 as usize)?;
                let keys: Vec<Option<Value>> = table.keys.iter().map(|k| self.eval(k)).collect();
                for (i, row) in table.rows.iter().enumerate() {
                    let mut matched = true;
                    for (pattern, key) in row.keys.iter().zip(&keys) {
                        match (pattern, key) {
                            (None, _) => {}
                            (Some(_), None) => return None,
                            (Some(p), Some(Value::Enum(v))) if p == v => {}
                            _ => {
                                matched = false;
                                break;
                            }
                        }
                    }
                    if matched {
                        return Some(Value::Row(i as u16));
                    }
                }
                None
            }
        }
    }

    /// The truth value of a condition: `None` when unknown (or not a bool).
    pub fn truth(&self, e: &TExpr) -> Option<bool> {
        match self.eval(e) {
            Some(Value::Bool(b)) => Some(b),
            _ => None,
        }
    }

    /// Evaluates an expression; `None` is unknown.
    pub fn eval(&self, e: &TExpr) -> Option<Value> {
        match &e.kind {
            TExprKind::Const(v) => Some(*v),
            TExprKind::Fact(f) => self.facts.get(f.0 as usize).copied().flatten(),
            TExprKind::Def(d) => self.defs.get(d.0 as usize).copied().flatten(),
            TExprKind::Column { def, table, column } => {
                let Some(Value::Row(r)) = self.defs.get(def.0 as usize).copied().flatten() else {
                    return None;
                };
                let row = self
                    .model
                    .tables
                    .get(table.0 as usize)?
                    .rows
                    .get(r as usize)?;
                row.cells.get(*column as usize).copied()
            }
            TExprKind::Not(inner) => self.truth(inner).map(|b| Value::Bool(!b)),
            TExprKind::Neg(inner) => match self.eval(inner)? {
                Value::Int(i) => i.checked_neg().map(Value::Int),
                Value::Number(n) => Some(Value::Number(-n)),
                Value::Quantity(q) => Some(Value::Quantity(-q)),
                _ => None,
            },
            TExprKind::Binary(BinOp::And, a, b) => and([self.truth(a), self.truth(b)]),
            TExprKind::Binary(BinOp::Or, a, b) => or([self.truth(a), self.truth(b)]),
            TExprKind::Binary(op, a, b) => binary(*op, self.eval(a)?, self.eval(b)?, e.ty),
            TExprKind::In {
                value,
                set,
                negated,
            } => {
                let v = self.eval(value)?;
                let mut unknown = false;
                for member in set {
                    match self.eval(member) {
                        Some(m) if equal(v, m) => return Some(Value::Bool(!negated)),
                        Some(_) => {}
                        None => unknown = true,
                    }
                }
                (!unknown).then_some(Value::Bool(*negated))
            }
            TExprKind::IsKnown(inner, known) => {
                Some(Value::Bool(self.eval(inner).is_some() == *known))
            }
            TExprKind::Quantified(q, items) => {
                let truths = items.iter().map(|i| self.truth(i));
                match q {
                    Quantifier::Any => or(truths),
                    Quantifier::All => and(truths),
                    Quantifier::None => match or(truths) {
                        Some(Value::Bool(b)) => Some(Value::Bool(!b)),
                        _ => None,
                    },
                }
            }
            TExprKind::First {
                branches,
                otherwise,
            } => {
                for (cond, value) in branches {
                    match self.truth(cond) {
                        Some(true) => return self.eval(value),
                        Some(false) => {}
                        None => return None,
                    }
                }
                otherwise.as_ref().and_then(|o| self.eval(o))
            }
        }
    }
}

/// Kleene AND: false wins, then unknown.
pub fn and(items: impl IntoIterator<Item = Option<bool>>) -> Option<Value> {
    let mut unknown = false;
    for item in items {
        match item {
            Some(false) => return Some(Value::Bool(false)),
            Some(true) => {}
            None => unknown = true,
        }
    }
    (!unknown).then_some(Value::Bool(true))
}

/// Kleene OR: true wins, then unknown.
pub fn or(items: impl IntoIterator<Item = Option<bool>>) -> Option<Value> {
    let mut unknown = false;
    for item in items {
        match item {
            Some(true) => return Some(Value::Bool(true)),
            Some(false) => {}
            None => unknown = true,
        }
    }
    (!unknown).then_some(Value::Bool(false))
}

fn num(v: Value) -> Option<f64> {
    match v {
        Value::Int(i) => Some(i as f64),
        Value::Number(n) | Value::Quantity(n) => Some(n),
        Value::Date(d) => Some(f64::from(d)),
        _ => None,
    }
}

fn equal(a: Value, b: Value) -> bool {
    match (a, b) {
        (Value::Bool(x), Value::Bool(y)) => x == y,
        (Value::Enum(x), Value::Enum(y)) | (Value::Row(x), Value::Row(y)) => x == y,
        (Value::Int(x), Value::Int(y)) => x == y,
        (Value::Date(x), Value::Date(y)) => x == y,
        _ => match (num(a), num(b)) {
            (Some(x), Some(y)) => units::approx_eq(x, y),
            _ => false,
        },
    }
}

fn binary(op: BinOp, a: Value, b: Value, ty: Type) -> Option<Value> {
    let cmp =
        |ord: fn(f64, f64) -> bool| -> Option<Value> { Some(Value::Bool(ord(num(a)?, num(b)?))) };
    match op {
        BinOp::Eq => Some(Value::Bool(equal(a, b))),
        BinOp::Ne => Some(Value::Bool(!equal(a, b))),
        BinOp::Lt => cmp(|x, y| x < y && !units::approx_eq(x, y)),
        BinOp::Le => cmp(|x, y| x <= y || units::approx_eq(x, y)),
        BinOp::Gt => cmp(|x, y| x > y && !units::approx_eq(x, y)),
        BinOp::Ge => cmp(|x, y| x >= y || units::approx_eq(x, y)),
        BinOp::And | BinOp::Or => None,
        BinOp::Add | BinOp::Sub | BinOp::Mul | BinOp::Div => arith(op, a, b, ty),
    }
}

fn arith(op: BinOp, a: Value, b: Value, ty: Type) -> Option<Value> {
    if let (Value::Int(x), Value::Int(y), Type::Int { .. }) = (a, b, ty) {
        return match op {
            BinOp::Add => x.checked_add(y),
            BinOp::Sub => x.checked_sub(y),
            _ => x.checked_mul(y),
        }
        .map(Value::Int);
    }
    let (x, y) = (num(a)?, num(b)?);
    let r = match op {
        BinOp::Add => x + y,
        BinOp::Sub => x - y,
        BinOp::Mul => x * y,
        _ if y == 0.0 => return None,
        _ => x / y,
    };
    if !r.is_finite() {
        return None;
    }
    Some(match ty {
        Type::Int { .. } => Value::Int(r as i64),
        Type::Quantity { .. } => Value::Quantity(r),
        Type::Date => Value::Date(r.round() as i32),
        _ => Value::Number(r),
    })
}
