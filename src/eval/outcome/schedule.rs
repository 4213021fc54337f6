//! Eval stage: lays out a follow-up schedule as dated visit windows
//! (`grammar/SEMANTICS.md`, "Schedules").
//!
//! Calendar arithmetic is that of the expressions (`value::date`), with the
//! unit as written: months and years move on the calendar (31 January + 1
//! month = end of February), days and weeks count days. Within a phase, a visit's window is the previous visit's
//! earliest date (the phase start for the first visit) plus the interval's
//! low and high bounds; the phase ends when the earliest date would pass
//! its end. A `for C to D` phase lasts C; `until T` ends at start + T.

use crate::case::Case;
use crate::check::model::{PhaseLengthInfo, ScheduleId, TimeRange};
use crate::eval::compile::Pc;
use crate::eval::display;
use crate::eval::outcome::{ScheduleOutcome, Visit};
use crate::eval::{run, Program};
use crate::value::date::shift_in;
use crate::value::{format_date, Value};

/// More visits than this in one schedule means a malformed interval.
const MAX_VISITS: u32 = 1000;

/// A phase in words: `every 3-6 months for 2 years (up to 3 years)`.
fn phase_text(every: TimeRange, length: PhaseLengthInfo) -> String {
    let e = display::range(every.low, every.high, every.unit.symbol);
    match length {
        PhaseLengthInfo::For(r) if r.high > r.low => format!(
            "every {e} for {} (up to {})",
            display::range(r.low, r.low, r.unit.symbol),
            display::range(r.high, r.high, r.unit.symbol)
        ),
        PhaseLengthInfo::For(r) => format!(
            "every {e} for {}",
            display::range(r.low, r.low, r.unit.symbol)
        ),
        PhaseLengthInfo::Until { total, at_least } => format!(
            "every {e} until {}{}",
            if at_least { "at least " } else { "" },
            display::range(total.low, total.low, total.unit.symbol)
        ),
    }
}

/// Lays out schedule `sid`, asked for by recommendation `rec`.
pub(crate) fn layout(
    program: &Program,
    case: &Case,
    vals: &[Option<Value>],
    sid: ScheduleId,
    rec: &str,
) -> Option<ScheduleOutcome> {
    let model = &program.model;
    let info = model.schedules.get(sid.0 as usize)?;
    let conds: &[Option<Pc>] = program
        .code
        .study_cond
        .get(sid.0 as usize)
        .map(Vec::as_slice)
        .unwrap_or(&[]);
    let start = match case.facts.get(info.from.0 as usize).copied().flatten() {
        Some(Value::Date(d)) => Some(d),
        _ => None,
    };
    let phases = info
        .phases
        .iter()
        .map(|p| phase_text(p.every, p.length))
        .collect();
    let mut visits = Vec::new();
    if let Some(start) = start {
        let mut phase_start = start;
        let mut number = 0u32;
        for (p, phase) in info.phases.iter().enumerate() {
            let end = match phase.length {
                PhaseLengthInfo::For(r) => shift_in(phase_start, r.low, r.unit),
                PhaseLengthInfo::Until { total, .. } => shift_in(start, total.low, total.unit),
            };
            let Some(end) = end else { break };
            let mut prev = phase_start;
            while number < MAX_VISITS {
                let (Some(earliest), Some(latest)) = (
                    shift_in(prev, phase.every.low, phase.every.unit),
                    shift_in(prev, phase.every.high, phase.every.unit),
                ) else {
                    break;
                };
                if earliest > end || earliest <= prev {
                    break;
                }
                visits.push(Visit {
                    number: number + 1,
                    phase: p as u32 + 1,
                    earliest: format_date(earliest),
                    latest: format_date(latest),
                    studies: studies(program, vals, sid, conds, number as usize),
                });
                number += 1;
                prev = earliest;
            }
            phase_start = end.max(phase_start);
        }
    }
    Some(ScheduleOutcome {
        name: info.name.clone(),
        recommendation: rec.to_string(),
        title: info.title.clone(),
        start: start.map(format_date),
        phases,
        visits,
    })
}

/// The studies at visit `index` (0-based): those whose condition holds, and
/// those whose condition is unknown marked `(if ...)`.
fn studies(
    program: &Program,
    vals: &[Option<Value>],
    sid: ScheduleId,
    conds: &[Option<Pc>],
    index: usize,
) -> Vec<String> {
    let Some(info) = program.model.schedules.get(sid.0 as usize) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for (i, study) in info.studies.iter().enumerate() {
        let n = study.names.len().max(1);
        let pick = if study.alternating { index % n } else { 0 };
        let Some(name) = study.names.get(pick) else {
            continue;
        };
        match conds.get(i).copied().flatten() {
            None => out.push(name.clone()),
            Some(pc) => match run::truth(vals.get(pc as usize).copied().flatten()) {
                Some(true) => out.push(name.clone()),
                Some(false) => {}
                None => {
                    let text = study
                        .condition
                        .as_ref()
                        .map(|c| program.sources.slice(c.span).to_string())
                        .unwrap_or_default();
                    out.push(format!("{name} (if {text})"));
                }
            },
        }
    }
    out
}
