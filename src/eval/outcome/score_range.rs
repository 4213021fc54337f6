//! Eval stage, outcome: what is known of a score whose value is unknown,
//! the interval of its possible sums (see "Scores and counts" in
//! `grammar/SEMANTICS.md`), for the note, statements, trace and JSON.

use crate::eval::compile::{Code, Op, Pc};
use crate::eval::run::Slots;
use crate::units::format_number;
use crate::value::score;

/// The least and greatest sum of the score in slot `pc` (through
/// definitions) while its value is unknown; `None` when it is known or
/// not a score. Infinite ends are unbounded.
/// (`vals`: the general slots, or a case's slots read in place.)
pub(crate) fn of<V: Slots + ?Sized>(code: &Code, vals: &V, pc: Pc) -> Option<(f64, f64)> {
    if vals.slot(pc).is_some() {
        return None;
    }
    let &Op::Score { start, len, .. } = code.ops.get(code.score_of(pc)? as usize)? else {
        return None;
    };
    let get = |p: Pc| vals.slot(p);
    Some(score::interval(code.args(start, len * 4), get))
}

/// The interval in words: `5 to 9`, `at least 5`, `at most 3`.
pub(crate) fn text((lo, hi): (f64, f64)) -> String {
    match (lo.is_finite(), hi.is_finite()) {
        (true, true) if lo == hi => format_number(lo),
        (true, true) => format!("{} to {}", format_number(lo), format_number(hi)),
        (true, false) => format!("at least {}", format_number(lo)),
        (false, true) => format!("at most {}", format_number(hi)),
        (false, false) => "unknown".to_string(),
    }
}

/// The interval in JSON: `{"min": 5, "max": 9}`, an unbounded end `null`.
pub(crate) fn json((lo, hi): (f64, f64)) -> serde_json::Value {
    let end = |x: f64| {
        if x.is_finite() {
            crate::eval::outcome::display::number(x)
        } else {
            serde_json::Value::Null
        }
    };
    serde_json::json!({ "min": end(lo), "max": end(hi) })
}
