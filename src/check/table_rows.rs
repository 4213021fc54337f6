//! Check stage: warnings about a table's rows once their patterns are
//! checked: a row no case can reach because one earlier row takes every
//! case it would, ranges of two rows that overlap without one containing
//! the other (`30 to 60`, `60 to 89`: which row is 60's?), and, for a table
//! with one number key, the values no row covers: between two rows, or
//! beyond the last row towards an end the key's type or fact declares
//! (an integer range, or a `number` or `quantity` fact's range: values
//! outside it are no case's, so they are never a gap and a row wholly
//! outside it is unreachable).
//!
//! Patterns on an ordered key are intervals of `f64` (integers and dates
//! exactly); an integer or date bound that excludes its value is moved to
//! the next value in, so `< 3` and `<= 2` are the same interval.

use super::ctx::Checker;
use super::model::*;
use super::warning::CheckWarning;
use crate::syntax::ast;
use crate::value::Value;
use std::cmp::Ordering;

/// One end of an interval: the value and whether it is included.
type End = Option<(f64, bool)>;

/// A pattern as an interval (`None` for `_` and enum values).
#[derive(Debug, Clone, Copy, PartialEq)]
struct Span1 {
    lo: End,
    hi: End,
}

impl<'a> Checker<'a> {
    /// Warns about unreachable rows, overlapping ranges and coverage gaps.
    /// `ranges`: per key, a `number` or `quantity` fact's declared range.
    pub(crate) fn check_reach(
        &mut self,
        t: &ast::Table,
        rows: &[RowInfo],
        keys: &[Option<Type>],
        ranges: &[Option<(f64, f64)>],
    ) {
        let declared: Vec<Option<Span1>> = keys
            .iter()
            .enumerate()
            .map(|(i, k)| k.and_then(|k| declared(k, ranges.get(i).copied().flatten())))
            .collect();
        let discrete: Vec<bool> = keys
            .iter()
            .map(|k| matches!(k, Some(Type::Int { .. } | Type::Date)))
            .collect();
        let spans: Vec<Vec<Option<Span1>>> = rows
            .iter()
            .map(|r| {
                r.keys
                    .iter()
                    .zip(&discrete)
                    .map(|(p, &d)| interval(p, d))
                    .collect()
            })
            .collect();
        for (i, row) in rows.iter().enumerate() {
            let Some(ast_row) = t.rows.get(i) else {
                continue;
            };
            // Empty on its own, or outside a key's declared range.
            let empty = spans[i]
                .iter()
                .zip(&declared)
                .any(|(s, range)| match (s, range) {
                    (Some(s), Some(range)) => is_empty(intersect(*s, *range)),
                    (Some(s), None) => is_empty(*s),
                    (None, _) => false,
                });
            let cover = (0..i)
                .filter(|_| !empty)
                .find(|&j| covers(&rows[j].keys, &spans[j], &row.keys, &spans[i]));
            if empty || cover.is_some() {
                let by = cover.and_then(|j| t.rows.get(j)).map(|r| r.span);
                self.report(
                    ast_row.span,
                    CheckWarning::UnreachableRow {
                        span: ast_row.span.miette(),
                        by: by.map(|s| s.miette()),
                        help: if empty {
                            "no value of the key is in this row's range: write the smaller end first, and stay within the key's declared range".into()
                        } else {
                            "every case this row would match matches the earlier row first; remove it or move it above".into()
                        },
                    },
                );
                continue;
            }
            if let Some(j) =
                (0..i).find(|&j| overlaps(&rows[j].keys, &spans[j], &row.keys, &spans[i]))
            {
                if let Some(earlier) = t.rows.get(j) {
                    self.report(
                        ast_row.span,
                        CheckWarning::OverlappingRows {
                            span: ast_row.span.miette(),
                            earlier: earlier.span.miette(),
                        },
                    );
                }
            }
        }
        if let ([Some(ty)], Some(key)) = (keys, t.keys.first()) {
            if let Some(gap) = gap(*ty, declared.first().copied().flatten(), &spans) {
                self.report(
                    t.name.span,
                    CheckWarning::TableGap {
                        key: key.name.clone(),
                        gap,
                        span: t.name.span.miette(),
                    },
                );
            }
        }
    }
}

/// The interval of an ordered pattern.
fn interval(p: &Pattern, discrete: bool) -> Option<Span1> {
    let Pattern::Range { lo, hi } = p else {
        return None;
    };
    let end = |b: &Option<Bound>, step: f64| {
        b.map(|b| {
            let v = number(b.value);
            if discrete && !b.inclusive {
                (v + step, true)
            } else {
                (v, b.inclusive)
            }
        })
    };
    Some(Span1 {
        lo: end(lo, 1.0),
        hi: end(hi, -1.0),
    })
}

fn number(v: Value) -> f64 {
    match v {
        Value::Int(i) => i as f64,
        Value::Number(x) | Value::Quantity(x) => x,
        Value::Date(d) => f64::from(d),
        Value::Bool(_) | Value::Enum(_) | Value::Row(_) => f64::NAN,
    }
}

/// `x` against `y`, equal within the tolerance comparisons use at run
/// time (so `1.8 L/h` and `30 mL/min` are one bound).
fn order(x: f64, y: f64) -> Ordering {
    if crate::units::approx_eq(x, y) {
        Ordering::Equal
    } else if x < y {
        Ordering::Less
    } else {
        Ordering::Greater
    }
}

fn is_empty(s: Span1) -> bool {
    match (s.lo, s.hi) {
        (Some((l, li)), Some((h, hi))) => match order(l, h) {
            Ordering::Greater => true,
            Ordering::Equal => !(li && hi),
            Ordering::Less => false,
        },
        _ => false,
    }
}

/// True when lower end `a` lets in everything lower end `b` does.
fn lo_le(a: End, b: End) -> bool {
    match (a, b) {
        (None, _) => true,
        (Some(_), None) => false,
        (Some((x, xi)), Some((y, yi))) => match order(x, y) {
            Ordering::Less => true,
            Ordering::Equal => xi || !yi,
            Ordering::Greater => false,
        },
    }
}

/// True when upper end `a` lets in everything upper end `b` does.
fn hi_ge(a: End, b: End) -> bool {
    match (a, b) {
        (None, _) => true,
        (Some(_), None) => false,
        (Some((x, xi)), Some((y, yi))) => match order(x, y) {
            Ordering::Greater => true,
            Ordering::Equal => xi || !yi,
            Ordering::Less => false,
        },
    }
}

fn contains(a: Span1, b: Span1) -> bool {
    lo_le(a.lo, b.lo) && hi_ge(a.hi, b.hi)
}

fn intersect(a: Span1, b: Span1) -> Span1 {
    Span1 {
        lo: if lo_le(a.lo, b.lo) { b.lo } else { a.lo },
        hi: if hi_ge(a.hi, b.hi) { b.hi } else { a.hi },
    }
}

/// True when row `a` (earlier) matches every case row `b` matches.
fn covers(a: &[Pattern], sa: &[Option<Span1>], b: &[Pattern], sb: &[Option<Span1>]) -> bool {
    a.iter()
        .zip(b)
        .zip(sa.iter().zip(sb))
        .all(|((pa, pb), (xa, xb))| match (pa, pb) {
            (Pattern::Any, _) => true,
            (Pattern::Enum(x), Pattern::Enum(y)) => x == y,
            (Pattern::Range { .. }, Pattern::Range { .. }) => {
                matches!((xa, xb), (Some(x), Some(y)) if contains(*x, *y))
            }
            _ => false,
        })
}

/// True when two rows share a case, and on some key their ranges overlap
/// with neither containing the other: an author's slip at a band's edge.
fn overlaps(a: &[Pattern], sa: &[Option<Span1>], b: &[Pattern], sb: &[Option<Span1>]) -> bool {
    let mut partial = false;
    for ((pa, pb), (xa, xb)) in a.iter().zip(b).zip(sa.iter().zip(sb)) {
        match (pa, pb, xa, xb) {
            (Pattern::Enum(x), Pattern::Enum(y), _, _) if x != y => return false,
            (Pattern::Range { .. }, Pattern::Range { .. }, Some(x), Some(y)) => {
                if is_empty(intersect(*x, *y)) {
                    return false;
                }
                partial |= !contains(*x, *y) && !contains(*y, *x);
            }
            _ => {}
        }
    }
    partial
}

/// The values a key of type `ty` may take: an integer type's range, or
/// the declared `range` of a `number` or `quantity` fact (`None`: no end
/// is declared).
fn declared(ty: Type, range: Option<(f64, f64)>) -> Option<Span1> {
    match (ty, range) {
        (
            Type::Int {
                min: None,
                max: None,
            },
            _,
        ) => None,
        (Type::Int { min, max }, _) => Some(Span1 {
            lo: min.map(|m| (m as f64, true)),
            hi: max.map(|m| (m as f64, true)),
        }),
        (Type::Number | Type::Quantity { .. }, Some((lo, hi))) => Some(Span1 {
            lo: Some((lo, true)),
            hi: Some((hi, true)),
        }),
        _ => None,
    }
}

/// For a one-key table: the first values of the key's type no row covers
/// within its declared range (`range`, see [`declared`]), described for a
/// warning (`between 59 and 60`), if any.
fn gap(ty: Type, range: Option<Span1>, spans: &[Vec<Option<Span1>>]) -> Option<String> {
    let discrete = matches!(ty, Type::Int { .. } | Type::Date);
    if !matches!(
        ty,
        Type::Int { .. } | Type::Number | Type::Quantity { .. } | Type::Date
    ) {
        return None;
    }
    let (min, max) = (range.and_then(|r| r.lo), range.and_then(|r| r.hi));
    let mut ivs: Vec<Span1> = Vec::with_capacity(spans.len());
    for row in spans {
        // Only the part of a row within the declared range covers a case.
        let clip = |s: Span1| range.map_or(s, |r| intersect(s, r));
        match row.first() {
            Some(Some(s)) if !is_empty(clip(*s)) => ivs.push(clip(*s)),
            Some(Some(_)) => {}
            // A wildcard row covers every value.
            _ => return None,
        }
    }
    ivs.sort_by(|a, b| {
        if lo_le(a.lo, b.lo) && lo_le(b.lo, a.lo) {
            Ordering::Equal
        } else if lo_le(a.lo, b.lo) {
            Ordering::Less
        } else {
            Ordering::Greater
        }
    });
    let show = |x: f64| match ty {
        Type::Quantity { unit, .. } => crate::units::format_quantity(x, unit),
        Type::Date => crate::value::format_date(x as i32),
        Type::Int { .. } => format!("{}", x as i64),
        _ => crate::units::format_number(x),
    };
    // `reach`: the highest value covered so far (after normalising, every
    // end of a discrete type is inclusive); `None` before the first row.
    // A declared lower end starts the reach just below it (for decimals,
    // up to it with the end itself not yet covered).
    let mut reach: Option<(f64, bool)> = min.map(|(m, _)| {
        if discrete {
            (m - 1.0, true)
        } else {
            (m, false)
        }
    });
    for iv in &ivs {
        let gap = match (reach, iv.lo) {
            (_, None) => None,
            // Values below the first row are reported only against a
            // declared lower end: a score or an eGFR is not negative even
            // where its type does not say so.
            (None, Some(_)) => None,
            (Some((r, _)), Some((l, _))) if discrete && l > r + 1.0 => Some(if l - 1.0 > r + 1.0 {
                format!("{} to {}", show(r + 1.0), show(l - 1.0))
            } else {
                show(r + 1.0)
            }),
            (Some((r, ri)), Some((l, li)))
                if !discrete
                    && match order(l, r) {
                        Ordering::Greater => true,
                        Ordering::Equal => !ri && !li,
                        Ordering::Less => false,
                    } =>
            {
                // A single value left out between two excluded ends.
                Some(if order(l, r) == Ordering::Equal {
                    show(r)
                } else {
                    format!("between {} and {}", show(r), show(l))
                })
            }
            _ => None,
        };
        if gap.is_some() {
            return gap;
        }
        match iv.hi {
            None => return None,
            Some(h) => {
                if reach.is_none_or(|r| !hi_ge(Some(r), Some(h))) {
                    reach = Some(h);
                }
            }
        }
    }
    match (reach, max) {
        (Some((r, _)), Some((m, _))) if r < m => Some(format!("above {}", show(r))),
        _ => None,
    }
}
