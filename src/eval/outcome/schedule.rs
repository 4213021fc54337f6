//! Eval stage: lays out a follow-up schedule as dated visit windows
//! (`grammar/SEMANTICS.md`, "Schedules"; dates through `value::date`).
//!
//! Calendar arithmetic uses the unit as written: months and years move on
//! the calendar (31 January + 1 month = end of February), days and weeks
//! count days. Every date is counted from the schedule's start date (a
//! phase start is the start plus the lengths of the phases before it), so
//! a month-end start does not drift from visit to visit. With `every A to B`,
//! visit k of a phase opens k·A after the phase start and closes (k−1)·A + B
//! after it, or the day before visit k+1 opens if that is earlier, so
//! windows never overlap; the phase ends when a window would open after
//! its end. A `for C to D` phase lasts C; `until T` ends at start + T.

use crate::case::Case;
use crate::check::model::{PhaseInfo, PhaseLengthInfo, ScheduleId, TimeRange};
use crate::eval::compile::Pc;
use crate::eval::display;
use crate::eval::outcome::{RuntimeDiagnostic, ScheduleOutcome, Visit};
use crate::eval::trace::span_ref;
use crate::eval::{run, Program};
use crate::units::Unit;
use crate::value::date::MAX_DAY;
use crate::value::{add_months, format_date, Value};

/// The most visits laid out for one schedule; a schedule with more is cut
/// here with an `eval::schedule_truncated` diagnostic (README, "Limits and
/// safety").
pub const MAX_VISITS: u32 = 1000;

/// A time from the schedule's start: calendar months (for amounts in
/// whole months or years) plus days.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Offset {
    months: i32,
    days: i32,
}

impl Offset {
    /// An amount in a time unit as an offset.
    fn of(amount: f64, unit: Unit) -> Option<Offset> {
        let months = crate::units::calendar_months(unit).map(|m| amount * m);
        if let Some(m) = months.filter(|m| m.fract() == 0.0 && m.abs() < 1e6) {
            return Some(Offset {
                months: m as i32,
                days: 0,
            });
        }
        let days = (amount * unit.factor).round();
        (days.is_finite() && days.abs() <= 1e7).then_some(Offset {
            months: 0,
            days: days as i32,
        })
    }

    fn plus(self, other: Offset) -> Offset {
        Offset {
            months: self.months.saturating_add(other.months),
            days: self.days.saturating_add(other.days),
        }
    }

    /// The date this offset after `start`; `None` outside the supported
    /// range of dates.
    fn from(self, start: i32) -> Option<i32> {
        let d = add_months(start, self.months)?.checked_add(self.days)?;
        crate::value::date::in_range(d).then_some(d)
    }
}

/// The end date of a phase starting at offset `at`.
fn phase_end(phase: &PhaseInfo, at: Offset, start: i32) -> Option<i32> {
    match phase.length {
        PhaseLengthInfo::For(r) => at.plus(Offset::of(r.low, r.unit)?).from(start),
        PhaseLengthInfo::Until { total, .. } => Offset::of(total.low, total.unit)?.from(start),
    }
}

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

/// Lays out schedule `sid`, asked for by recommendation `rec`; a schedule
/// cut at [`MAX_VISITS`] adds a diagnostic to `diagnostics`.
pub(crate) fn layout(
    program: &Program,
    case: &Case,
    vals: &[Option<Value>],
    sid: ScheduleId,
    rec: &str,
    diagnostics: &mut Vec<RuntimeDiagnostic>,
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
        // A schedule from something never done has no dates to lay out.
        Some(Value::Date(d)) if d != crate::value::date::NEVER => Some(d),
        _ => None,
    };
    let phases = info
        .phases
        .iter()
        .map(|p| phase_text(p.every, p.length))
        .collect();
    let mut visits = Vec::new();
    if let Some(start) = start {
        // The offset of the current phase's start from the schedule's start.
        let mut phase_at = Offset::default();
        let mut number = 0u32;
        'phases: for (p, phase) in info.phases.iter().enumerate() {
            let Some(phase_start) = phase_at.from(start) else {
                break;
            };
            // A phase ending past the last supported date is laid out up to
            // that date, and the schedule stops there, saying so.
            let mut past = false;
            let end = phase_end(phase, phase_at, start).unwrap_or_else(|| {
                past = true;
                MAX_DAY
            });
            // Visit k opens at phase start + k·low.
            let opens = |k: u32| {
                let step = Offset::of(phase.every.low * f64::from(k), phase.every.unit)?;
                phase_at.plus(step).from(start)
            };
            let mut prev = phase_start;
            let mut k = 1u32;
            while let Some(earliest) = opens(k) {
                if earliest > end || earliest <= prev {
                    break;
                }
                if number >= MAX_VISITS {
                    diagnostics.push(truncated(program, &info.name, info.span));
                    break 'phases;
                }
                let high = phase.every.low * f64::from(k - 1) + phase.every.high;
                let latest = Offset::of(high, phase.every.unit)
                    .and_then(|o| phase_at.plus(o).from(start))
                    .unwrap_or_else(|| {
                        past = true;
                        MAX_DAY
                    });
                // The day before the next visit opens, if that is earlier.
                let latest = match opens(k + 1) {
                    Some(next) if next > earliest => latest.min(next - 1),
                    _ => latest,
                };
                visits.push(Visit {
                    number: number + 1,
                    phase: p as u32 + 1,
                    earliest: format_date(earliest),
                    latest: format_date(latest.max(earliest)),
                    studies: studies(program, vals, sid, conds, number as usize),
                });
                number += 1;
                prev = earliest;
                k += 1;
            }
            if past {
                diagnostics.push(past_the_range(program, &info.name, info.span));
                break;
            }
            phase_at = match phase.length {
                PhaseLengthInfo::For(r) => match Offset::of(r.low, r.unit) {
                    Some(o) => phase_at.plus(o),
                    None => break,
                },
                PhaseLengthInfo::Until { total, .. } => match Offset::of(total.low, total.unit) {
                    Some(o) => o,
                    None => break,
                },
            };
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

/// The diagnostic of a schedule cut at [`MAX_VISITS`].
fn truncated(program: &Program, name: &str, span: crate::source::Span) -> RuntimeDiagnostic {
    let at = span_ref(&program.sources, span);
    RuntimeDiagnostic {
        code: "eval::schedule_truncated".into(),
        message: format!("schedule `{name}` truncated at 1,000 visits"),
        location: format!("{}:{}:{}", at.file, at.line, at.column),
    }
}

/// The diagnostic of a schedule that runs past the last supported date.
fn past_the_range(program: &Program, name: &str, span: crate::source::Span) -> RuntimeDiagnostic {
    let at = span_ref(&program.sources, span);
    RuntimeDiagnostic {
        code: "eval::date_out_of_range".into(),
        message: format!(
            "schedule `{name}` runs past 9999-12-31, the last supported date; its visits stop there"
        ),
        location: format!("{}:{}:{}", at.file, at.line, at.column),
    }
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
