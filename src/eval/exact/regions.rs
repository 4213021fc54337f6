//! Eval stage, exact pass: splitting each varying fact into regions at
//! the candidates `solve` found. A boolean or enum fact has one region per
//! value; an integer or date fact one per run of values between candidate
//! starts (within its declared range); a decimal or quantity fact each
//! threshold alone and the open intervals around them. A `date or never`
//! fact has `never` as a region of its own, before all of them.

use super::cone::Plan;
use super::{Bound, Region, Work};
use crate::check::model::Type;
use crate::units::approx_eq;
use crate::value::date::NEVER;
use crate::value::Value;

impl Work {
    /// Splits every varying fact at its candidates.
    pub(super) fn build_regions(&mut self, plan: &Plan) {
        let enums = plan.enums.as_slice();
        // Unstable: a stable sort allocates.
        self.cands
            .sort_unstable_by(|a, b| a.0.cmp(&b.0).then(num(a.1).total_cmp(&num(b.1))));
        self.regions.clear();
        self.spans.clear();
        let mut at = 0usize;
        for k in 0..self.facts.len() {
            let (Some(&f), Some(&t)) = (self.facts.get(k), self.ftys.get(k)) else {
                continue;
            };
            while self.cands.get(at).is_some_and(|c| c.0 < f) {
                at += 1;
            }
            let mut end = at;
            while self.cands.get(end).is_some_and(|c| c.0 == f) {
                end += 1;
            }
            let start = self.regions.len() as u32;
            let (cands, regions) = (&self.cands[at..end], &mut self.regions);
            let n = match t {
                Type::Enum(e) => enums.get(e.0 as usize).copied().unwrap_or(0),
                _ => 0,
            };
            let never = plan.never.get(f as usize).copied().unwrap_or(false);
            let range = plan.ranges.get(f as usize).copied().flatten();
            split(t, n, never, range, cands, regions);
            self.spans.push((start, self.regions.len() as u32));
            at = end;
        }
    }
}

/// A candidate as a number, for sorting (dates and integers are exact).
pub(super) fn num(v: Value) -> f64 {
    match v {
        Value::Int(i) => i as f64,
        Value::Date(d) => f64::from(d),
        Value::Number(x) | Value::Quantity(x) => x,
        Value::Bool(b) => f64::from(u8::from(b)),
        Value::Enum(e) | Value::Row(e) => f64::from(e),
    }
}

/// The regions of one fact of type `ty`, given its sorted candidates.
/// `values` is the number of values of an enum type; `never`, that a date
/// fact may be `never` (a region of its own: it behaves like no date, as
/// `days between` is unknown for it); `range`, a number or quantity fact's
/// declared range, outside which no region reaches (a case cannot give
/// such a value, so no witness or split may use one).
pub(super) fn split(
    ty: Type,
    values: u32,
    never: bool,
    range: Option<(f64, f64)>,
    cands: &[(u32, Value)],
    out: &mut Vec<Region>,
) {
    if never && ty == Type::Date {
        out.push(Region::point(Value::Date(NEVER)));
    }
    match ty {
        Type::Bool => out.extend([false, true].map(|b| Region::point(Value::Bool(b)))),
        Type::Enum(_) => out.extend((0..values).map(|i| Region::point(Value::Enum(i)))),
        Type::Int { min, max } => discrete(cands, min, max, Value::Int, 0, out),
        Type::Date => discrete(
            cands,
            None,
            None,
            |d| Value::Date(d as i32),
            19_723, // 2024-01-01: any date will do when none is compared.
            out,
        ),
        Type::Number => continuous(cands, range, Value::Number, out),
        Type::Quantity { .. } => continuous(cands, range, Value::Quantity, out),
        Type::Row(_) => {}
    }
}

/// Integer-like regions: each candidate starts a region that runs to the
/// next one (candidates come in threshold-and-successor pairs). Candidates
/// are sorted; nothing is allocated.
fn discrete(
    cands: &[(u32, Value)],
    min: Option<i64>,
    max: Option<i64>,
    mk: impl Fn(i64) -> Value,
    default: i64,
    out: &mut Vec<Region>,
) {
    let inside = |s: &i64| min.is_none_or(|m| *s > m) && max.is_none_or(|m| *s <= m);
    let mut starts = cands
        .iter()
        .map(|c| num(c.1).floor() as i64)
        .filter(inside)
        .peekable();
    let bound = |b: Option<i64>| b.map_or(Bound::Open, |v| Bound::Incl(mk(v)));
    let first_hi = starts.peek().map(|&s| s - 1);
    let rep = min
        .or(first_hi)
        .unwrap_or_else(|| max.map_or(default, |m| default.min(m)));
    out.push(Region {
        rep: mk(rep),
        lo: bound(min),
        hi: first_hi.map_or(bound(max), |h| Bound::Incl(mk(h))),
    });
    while let Some(s) = starts.next() {
        while starts.peek() == Some(&s) {
            starts.next();
        }
        let hi = starts
            .peek()
            .map_or(bound(max), |&n| Bound::Incl(mk(n - 1)));
        out.push(Region {
            rep: mk(s),
            lo: Bound::Incl(mk(s)),
            hi,
        });
    }
}

/// Decimal regions: each threshold alone, the open intervals between
/// neighbouring thresholds, and below and above them all - or, for a fact
/// with a declared range, only the parts within it (its ends included, as
/// the case loader accepts them). Candidates are sorted; nothing is
/// allocated.
fn continuous(
    cands: &[(u32, Value)],
    range: Option<(f64, f64)>,
    mk: impl Fn(f64) -> Value,
    out: &mut Vec<Region>,
) {
    let ts = cands.iter().map(|c| num(c.1)).filter(|x| x.is_finite());
    match range {
        Some((lo, hi)) if lo <= hi => within(ts, lo, hi, mk, out),
        _ => unbounded(ts, mk, out),
    }
}

/// [`continuous`] without a declared range.
fn unbounded(ts: impl Iterator<Item = f64>, mk: impl Fn(f64) -> Value, out: &mut Vec<Region>) {
    let mut ts = ts.peekable();
    let Some(&first) = ts.peek() else {
        out.push(Region {
            rep: mk(1.0),
            lo: Bound::Open,
            hi: Bound::Open,
        });
        return;
    };
    let below = if first > 0.0 {
        first / 2.0
    } else {
        first - 1.0
    };
    out.push(Region {
        rep: mk(below),
        lo: Bound::Open,
        hi: Bound::Excl(mk(first)),
    });
    while let Some(t) = ts.next() {
        while ts.peek().is_some_and(|&n| approx_eq(n, t)) {
            ts.next();
        }
        out.push(Region::point(mk(t)));
        let (rep, hi) = match ts.peek() {
            Some(&n) => ((t + n) / 2.0, Bound::Excl(mk(n))),
            None => (if t > 0.0 { t * 2.0 } else { t + 1.0 }, Bound::Open),
        };
        out.push(Region {
            rep: mk(rep),
            lo: Bound::Excl(mk(t)),
            hi,
        });
    }
}

/// [`continuous`] within the declared range `lo..=hi`: thresholds outside
/// it split nothing, and one at an end (within rounding) is that end.
fn within(
    ts: impl Iterator<Item = f64>,
    lo: f64,
    hi: f64,
    mk: impl Fn(f64) -> Value,
    out: &mut Vec<Region>,
) {
    // The values below `at` are covered; `open`: `at` itself is too.
    let (mut at, mut open) = (lo, false);
    let snap = |t: f64| {
        if approx_eq(t, lo) {
            lo
        } else if approx_eq(t, hi) {
            hi
        } else {
            t
        }
    };
    // The lower bound of the region after `at`: open once `at` was a point.
    let from = |at: f64, open: bool| {
        if open {
            Bound::Excl(mk(at))
        } else {
            Bound::Incl(mk(at))
        }
    };
    for t in ts.map(snap).filter(|t| (lo..=hi).contains(t)) {
        if t < at || (open && approx_eq(t, at)) {
            continue; // a repeat
        }
        if t > at {
            out.push(Region {
                rep: mk((at + t) / 2.0),
                lo: from(at, open),
                hi: Bound::Excl(mk(t)),
            });
        }
        out.push(Region::point(mk(t)));
        (at, open) = (t, true);
    }
    if !open || at < hi {
        out.push(Region {
            rep: mk((at + hi) / 2.0),
            lo: from(at, open),
            hi: Bound::Incl(mk(hi)),
        });
    }
}
