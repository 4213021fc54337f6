//! Eval stage, compiler: scores. A comparison of a score (or of a
//! definition whose value is one) with another value becomes one
//! [`Op::ScoreCmp`], decided on the score's interval while some of its
//! items are unknown; the bounds of each item's points are found here,
//! once, from the instructions that compute them.

use super::compile::{Code, Op, Pc};
use crate::check::model::Type;
use crate::syntax::ast::BinOp;
use crate::value::Value;

/// How far [`Code::bounds`] follows definitions and `first` values; past
/// it the points count as unbounded (sound, only less decisive).
const BOUNDS_DEPTH: u32 = 32;

impl Code {
    /// `a op b` as a comparison of a score, when either side is one
    /// (the score goes on the left, the operator turned round to match).
    pub(super) fn score_compare(&self, op: BinOp, a: Pc, b: Pc) -> Option<Op> {
        if !op.is_comparison() {
            return None;
        }
        // `side` is the slot the source names (a definition's, if any), so
        // the comparison reads the same slot; `score` the score it copies.
        let (side, score, k, op) = match (self.score_of(a), self.score_of(b)) {
            (Some(s), _) => (a, s, b, op),
            (None, Some(s)) => (b, s, a, flip(op)),
            (None, None) => return None,
        };
        let Some(&Op::Score { start, len, .. }) = self.ops.get(score as usize) else {
            return None;
        };
        Some(Op::ScoreCmp {
            op,
            score: side,
            k,
            start,
            len,
        })
    }

    /// The slot of the score `pc` holds, through definitions.
    pub(crate) fn score_of(&self, mut pc: Pc) -> Option<Pc> {
        for _ in 0..BOUNDS_DEPTH {
            match self.ops.get(pc as usize)? {
                Op::Score { .. } => return Some(pc),
                Op::Def { root, .. } => pc = *root,
                _ => return None,
            }
        }
        None
    }

    /// The least and greatest value slot `pc` can take (infinite when
    /// nothing bounds it): constants, declared integer ranges, the values
    /// of a `first` and the cells of a table column.
    pub(super) fn bounds(&self, pc: Pc) -> (f64, f64) {
        self.bounds_at(pc, BOUNDS_DEPTH)
    }

    fn bounds_at(&self, pc: Pc, depth: u32) -> (f64, f64) {
        const ALL: (f64, f64) = (f64::NEG_INFINITY, f64::INFINITY);
        let of_type = || match self.types.get(pc as usize) {
            Some(Type::Int { min, max }) => (
                min.map_or(f64::NEG_INFINITY, |m| m as f64),
                max.map_or(f64::INFINITY, |m| m as f64),
            ),
            _ => ALL,
        };
        if depth == 0 {
            return of_type();
        }
        let hull = |acc: Option<(f64, f64)>, (a, b): (f64, f64)| match acc {
            Some((lo, hi)) => Some((lo.min(a), hi.max(b))),
            None => Some((a, b)),
        };
        let found = match self.ops.get(pc as usize) {
            Some(Op::Const(v)) => number(*v).map(|x| (x, x)),
            Some(&Op::Def { root, .. }) => Some(self.bounds_at(root, depth - 1)),
            Some(&Op::First {
                start,
                branches,
                otherwise,
            }) => self
                .args(start, branches * 2)
                .chunks_exact(2)
                .filter_map(|p| p.get(1).copied())
                .chain(otherwise)
                .map(|v| self.bounds_at(v, depth - 1))
                .fold(None, hull),
            Some(&Op::Column { table, column, .. }) => {
                self.tables.get(table as usize).and_then(|t| {
                    t.cells
                        .iter()
                        .skip(usize::from(column))
                        .step_by(t.columns.max(1))
                        .map(|&c| number(c).map_or(ALL, |x| (x, x)))
                        .fold(None, hull)
                })
            }
            _ => None,
        };
        let (a, b) = found.unwrap_or(ALL);
        // A declared range narrows whatever the instructions allow.
        let (c, d) = of_type();
        (a.max(c), b.min(d))
    }
}

/// The operator of `b op a` for `a op b`.
fn flip(op: BinOp) -> BinOp {
    match op {
        BinOp::Lt => BinOp::Gt,
        BinOp::Le => BinOp::Ge,
        BinOp::Gt => BinOp::Lt,
        BinOp::Ge => BinOp::Le,
        other => other,
    }
}

fn number(v: Value) -> Option<f64> {
    match v {
        Value::Int(i) => Some(i as f64),
        Value::Number(x) => Some(x),
        _ => None,
    }
}
