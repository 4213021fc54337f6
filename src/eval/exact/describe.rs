//! Eval stage, exact pass: what each value of a missing fact leads to, in
//! words (`grade`: `1 to 2` -> applies, `3` -> not applicable).
//!
//! For a fact that can change the answer, each region's outcome is the
//! exact status the recommendation would have with the fact in that region
//! and the other facts still unknown: one status when every completion
//! agrees, `undetermined` when the others still decide. Neighbouring
//! regions of an ordered fact with the same outcome are merged into one
//! range; enum and truth values with the same outcome are listed together.

use super::{Bound, Region, Work};
use crate::check::model::{FactId, Model, Type};
use crate::eval::outcome::{LeadOutcome, LeadsTo, Status};
use crate::units::{format_number, format_quantity};
use crate::value::{format_date, Value};

/// The outcome of each value of every fact that matters (after
/// [`Work::full`]); facts none of whose values decides alone are left out.
pub(crate) fn leads_to(model: &Model, work: &Work) -> Vec<LeadsTo> {
    let mut out: Vec<LeadsTo> = Vec::new();
    let mut per = Vec::new();
    for (i, &f) in work.facts.iter().enumerate() {
        if !work.matters.get(i).copied().unwrap_or(false) {
            continue;
        }
        work.per_region(i, &mut per);
        if per.iter().all(|&s| s == Status::Undetermined) {
            continue;
        }
        let Some(info) = model.facts.get(f as usize) else {
            continue;
        };
        let (s, e) = work.spans.get(i).copied().unwrap_or((0, 0));
        let regions = work.regions.get(s as usize..e as usize).unwrap_or(&[]);
        // A list's slot reads as the list: `meds`, `contains a`; the
        // list's memberships are one entry.
        let slot = FactId(f);
        let name = model.user_name(slot).unwrap_or(&info.name);
        let mut more = outcomes(model, (slot, info.ty), regions, &per);
        match out.iter_mut().find(|l| l.fact == name) {
            Some(lead) => lead.outcomes.append(&mut more),
            None => out.push(LeadsTo {
                fact: name.to_string(),
                outcomes: more,
            }),
        }
    }
    out
}

/// Merges regions with the same outcome and describes them.
fn outcomes(
    model: &Model,
    (fact, ty): (FactId, Type),
    regions: &[Region],
    per: &[Status],
) -> Vec<LeadOutcome> {
    let mut out: Vec<LeadOutcome> = Vec::new();
    if matches!(ty, Type::Bool | Type::Enum(_)) {
        // Values with the same outcome, listed in one text (`R0, R1`).
        for (r, &s) in regions.iter().zip(per) {
            let words = match r.rep {
                Value::Bool(b) => model.slot_words(fact, b),
                _ => None,
            };
            let text = words.unwrap_or_else(|| value(model, ty, r.rep));
            match out.iter_mut().find(|g| g.status == s) {
                Some(g) => {
                    g.values.push_str(", ");
                    g.values.push_str(&text);
                }
                None => out.push(LeadOutcome {
                    values: text,
                    status: s,
                }),
            }
        }
        return out;
    }
    let mut k = 0;
    while let (Some(first), Some(&status)) = (regions.get(k), per.get(k)) {
        let mut last = first;
        while per.get(k + 1) == Some(&status) {
            k += 1;
            last = regions.get(k).unwrap_or(last);
        }
        out.push(LeadOutcome {
            values: range(model, ty, first.lo, last.hi),
            status,
        });
        k += 1;
    }
    out
}

/// A range of values of an ordered type in words.
fn range(model: &Model, ty: Type, lo: Bound, hi: Bound) -> String {
    let v = |x: Value| value(model, ty, x);
    let discrete = matches!(ty, Type::Int { .. } | Type::Date);
    match (lo, hi) {
        (Bound::Open, Bound::Open) => "any value".to_string(),
        (Bound::Incl(a), Bound::Incl(b)) if a == b => v(a),
        (Bound::Incl(a), Bound::Incl(b)) => format!("{} to {}", v(a), v(b)),
        // A date range open below reads best as "before" its first
        // excluded day.
        (Bound::Open, Bound::Incl(Value::Date(d))) if discrete => {
            format!("< {}", format_date(d.saturating_add(1)))
        }
        (Bound::Open, Bound::Incl(b)) => format!("<= {}", v(b)),
        (Bound::Open, Bound::Excl(b)) => format!("< {}", v(b)),
        (Bound::Incl(a), Bound::Open) => format!(">= {}", v(a)),
        (Bound::Excl(a), Bound::Open) => format!("> {}", v(a)),
        (Bound::Excl(a), Bound::Excl(b)) => format!("> {} and < {}", v(a), v(b)),
        (Bound::Incl(a), Bound::Excl(b)) => format!(">= {} and < {}", v(a), v(b)),
        (Bound::Excl(a), Bound::Incl(b)) => format!("> {} and <= {}", v(a), v(b)),
    }
}

/// One value in words: enum names, quantities in the fact's unit, ISO dates.
pub(crate) fn value(model: &Model, ty: Type, v: Value) -> String {
    match (v, ty) {
        (Value::Bool(b), _) => b.to_string(),
        (Value::Int(i), _) => i.to_string(),
        (Value::Number(x), _) => format_number(x),
        (Value::Quantity(x), Type::Quantity { unit, .. }) => format_quantity(x, unit),
        (Value::Quantity(x), _) => format_number(x),
        (Value::Date(d), _) => format_date(d),
        (Value::Enum(e), Type::Enum(id)) => model
            .enum_info(id)
            .and_then(|info| info.values.get(e as usize))
            .map(|x| x.name.clone())
            .unwrap_or_else(|| e.to_string()),
        (Value::Enum(e) | Value::Row(e), _) => e.to_string(),
    }
}
