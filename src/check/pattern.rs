//! Check stage: the checked form of a table row's pattern for one key, and
//! what it means for a key value (`grammar/SEMANTICS.md`, "Tables").

use crate::syntax::ast::BinOp;
use crate::value::ops::compare;
use crate::value::Value;

/// A row's pattern for one key.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Pattern {
    /// `_`: matches every value, known or not.
    Any,
    /// An enum value, as an index into the key's enum.
    Enum(u32),
    /// The values between two bounds of the key's type (canonical units,
    /// dates as day numbers); an open end is `None`. An exact value `0` is
    /// the range from `0` to `0`, both included.
    Range {
        /// The lower bound.
        lo: Option<Bound>,
        /// The upper bound.
        hi: Option<Bound>,
    },
}

/// One end of a range pattern.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Bound {
    /// The value at the end, in the key's type.
    pub value: Value,
    /// True when the value itself is in the range.
    pub inclusive: bool,
}

impl Pattern {
    /// True for the wildcard `_`.
    pub fn is_any(&self) -> bool {
        matches!(self, Pattern::Any)
    }

    /// The values at the range's ends (none for `_` and enum values):
    /// the thresholds a lookup compares the key with.
    pub fn bounds(&self) -> impl Iterator<Item = Value> {
        let (lo, hi) = match self {
            Pattern::Range { lo, hi } => (*lo, *hi),
            _ => (None, None),
        };
        lo.into_iter().chain(hi).map(|b| b.value)
    }

    /// Whether the key value `v` matches: unknown (`None`) when the key is
    /// unknown and the pattern is not `_`. A value of another kind (which
    /// the checker rules out) does not match.
    pub fn matches(&self, v: Option<Value>) -> Option<bool> {
        match (self, v) {
            (Pattern::Any, _) => Some(true),
            (_, None) => None,
            (Pattern::Enum(p), Some(Value::Enum(e))) => Some(e == *p),
            (Pattern::Enum(_), Some(_)) => Some(false),
            (Pattern::Range { lo, hi }, Some(v)) => {
                let above = lo.is_none_or(|b| {
                    let op = if b.inclusive { BinOp::Ge } else { BinOp::Gt };
                    compare(op, v, b.value).unwrap_or(false)
                });
                let below = hi.is_none_or(|b| {
                    let op = if b.inclusive { BinOp::Le } else { BinOp::Lt };
                    compare(op, v, b.value).unwrap_or(false)
                });
                Some(above && below)
            }
        }
    }
}
