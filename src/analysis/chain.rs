//! Analysis stage: which branches of a `first` chain over one ordered fact
//! some case takes, by one scan of the fact's regions.
//!
//! [`Query::shared_values`] reads the branch index off every case of the
//! product: about n cases (one per region of the fact) each evaluating the
//! whole chain of n comparisons, O(n^2). For the common shape (every
//! branch compares the same fact with a constant, `n < 18`, `stage = iii`,
//! `d >= 2020-01-01`) the set of regions where branch k holds is an
//! interval of the sorted region values (two for `!=`), found by binary
//! search; painting those intervals in branch order, each region skipped
//! once it is painted (a "next unpainted" pointer with path halving), gives
//! every region its first branch in O(n log n) overall.
//!
//! The scan answers exactly what [`Query::shared_values`] answers: a known
//! value of the only fact of the cone decides every condition, so the
//! Kleene value is the exact one, and the comparisons use the integer
//! order the evaluator uses for integers, dates and enum values (`never`
//! included: it is the smallest day). Unknown, when tried, is left to the
//! interpreter (one case). Anything else (another fact in the cone, a
//! constraint on the fact, decimals and quantities, which compare
//! approximately, any other condition) returns `None` and the caller takes
//! the general path.

use super::query::{Query, LIMIT};
use crate::check::model::{TExpr, TExprKind};
use crate::syntax::ast::BinOp;
use crate::value::Value;

/// The key by which the chain's comparisons order a value, and whether
/// only `=` and `!=` apply to it.
fn key(v: Value) -> Option<(i64, bool)> {
    match v {
        Value::Int(x) => Some((x, false)),
        Value::Date(d) => Some((i64::from(d), false)),
        Value::Enum(e) => Some((i64::from(e), true)),
        Value::Bool(b) => Some((i64::from(b), true)),
        _ => None,
    }
}

/// A branch condition `fact op constant` (either side), as the operator
/// with the fact on the left, the fact and the constant's key.
fn comparison(c: &TExpr) -> Option<(BinOp, crate::check::model::FactId, i64)> {
    let TExprKind::Binary(op, a, b) = &c.kind else {
        return None;
    };
    let (op, f, v) = match (&a.kind, &b.kind) {
        (TExprKind::Fact(f), TExprKind::Const(v)) => (*op, *f, *v),
        (TExprKind::Const(v), TExprKind::Fact(f)) => (op.flipped()?, *f, *v),
        _ => return None,
    };
    let (k, eq_only) = key(v)?;
    let ordered = matches!(op, BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge);
    if !(matches!(op, BinOp::Eq | BinOp::Ne) || ordered && !eq_only) {
        return None;
    }
    Some((op, f, k))
}

/// The first unpainted position at or after `i` (`next[i] == i` when `i`
/// is unpainted; `next.len() - 1` is a sentinel), halving the path.
fn find(next: &mut [usize], mut i: usize) -> usize {
    while let Some(&n) = next.get(i) {
        if n == i {
            return i;
        }
        let nn = next.get(n).copied().unwrap_or(n);
        if let Some(s) = next.get_mut(i) {
            *s = nn;
        }
        i = nn;
    }
    i
}

impl Query {
    /// [`Query::shared_values`] for a question whose shared expression is
    /// the branch index of `conditions` (values `0..n`, `n` when none
    /// holds), by one scan of the regions (see the module doc); `None`
    /// when the chain is not of that shape.
    pub fn chain_values(&self, conditions: &[&TExpr]) -> Option<Vec<bool>> {
        let n = conditions.len();
        self.shared?;
        if self.size > LIMIT || self.facts.len() != 1 || self.constraints() {
            return None;
        }
        let fact = *self.facts.first()?;
        let branches: Vec<(BinOp, i64)> = conditions
            .iter()
            .map(|c| {
                comparison(c)
                    .filter(|&(_, f, _)| f == fact)
                    .map(|(o, _, k)| (o, k))
            })
            .collect::<Option<_>>()?;
        let domain = self.domains.first()?;
        let mut keys: Vec<i64> = Vec::with_capacity(domain.len());
        let mut unknown = false;
        for v in domain {
            match v {
                Some(v) => keys.push(key(*v)?.0),
                None => unknown = true,
            }
        }
        keys.sort_unstable();
        keys.dedup();
        let m = keys.len();
        let mut seen = vec![false; n + 1];
        let mut next: Vec<usize> = (0..=m).collect();
        let mut left = m;
        for (k, &(op, c)) in branches.iter().enumerate() {
            if left == 0 {
                break;
            }
            let lt = keys.partition_point(|&x| x < c);
            let le = keys.partition_point(|&x| x <= c);
            let spans: [(usize, usize); 2] = match op {
                BinOp::Eq => [(lt, le), (0, 0)],
                BinOp::Ne => [(0, lt), (le, m)],
                BinOp::Lt => [(0, lt), (0, 0)],
                BinOp::Le => [(0, le), (0, 0)],
                BinOp::Gt => [(le, m), (0, 0)],
                _ => [(lt, m), (0, 0)],
            };
            for (from, to) in spans {
                let mut i = find(&mut next, from);
                while i < to {
                    if let Some(s) = seen.get_mut(k) {
                        *s = true;
                    }
                    left -= 1;
                    if let Some(s) = next.get_mut(i) {
                        *s = i + 1;
                    }
                    i = find(&mut next, i + 1);
                }
            }
        }
        if left > 0 {
            if let Some(s) = seen.get_mut(n) {
                *s = true;
            }
        }
        if unknown {
            self.unknown_value(&mut seen);
        }
        Some(seen)
    }

    /// Marks the index value the case with the chain's fact unknown gives
    /// in every completion, if any (the interpreter's exact pass).
    fn unknown_value(&self, seen: &mut [bool]) {
        let case = self.blank();
        let mut scratch = self.scratch();
        if self.statuses(&case, &mut scratch).is_none() {
            return;
        }
        let Some(def) = self.shared else {
            return;
        };
        if let Some(Value::Int(k)) = self.program.def_value_exact(&mut scratch, def) {
            if let Some(s) = usize::try_from(k).ok().and_then(|k| seen.get_mut(k)) {
                *s = true;
            }
        }
    }
}
