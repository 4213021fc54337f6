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
//! its end. A `for C to D` phase lasts C; `until T` ends at start + T;
//! `until DATE` (a literal, or a date read from the case, plus an amount
//! for `until 65 years after date_of_birth`) ends at that date, and the next
//! phase counts from it. The next due visit is the first whose window has
//! not closed on the `as of` date.

use super::civil::{add_months, iso_date as format_date};
use super::schedule_dates::Dates;
use crate::check::model::{
    DateAnchor, DateRef, Model, PhaseInfo, PhaseLengthInfo, ScheduleId, TimeRange,
};
use crate::eval::compile::Pc;
use crate::eval::display;
use crate::eval::outcome::{NextDue, RuntimeDiagnostic, ScheduleOutcome, Visit};
use crate::eval::trace::span_ref;
use crate::eval::{run, Program};
use crate::units::Unit;
use crate::value::date::MAX_DAY;
use crate::value::Value;
use std::borrow::Cow;
use std::collections::BTreeSet;

/// Every schedule's phases in words, which do not depend on the case
/// (made once per program).
pub(crate) fn phase_texts(model: &Model) -> Vec<Vec<String>> {
    model
        .schedules
        .iter()
        .map(|info| {
            info.phases
                .iter()
                .map(|p| phase_text(model, p.every, p.length))
                .collect()
        })
        .collect()
}

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

/// Where a phase starts: `at` after the date `base` (the schedule's start,
/// or the date the phase before it ended at).
#[derive(Debug, Clone, Copy)]
struct PhaseStart {
    base: i32,
    at: Offset,
}

impl PhaseStart {
    /// The date `offset` after the phase's start.
    fn plus(self, offset: Offset) -> Option<i32> {
        self.at.plus(offset).from(self.base)
    }
}

/// The end date of a phase and where the next phase starts; `Err` when the
/// end's date is unknown, `Ok((None, _))` past the supported dates.
fn phase_end(
    phase: &PhaseInfo,
    here: PhaseStart,
    start: i32,
    dates: &Dates,
) -> Result<(Option<i32>, Option<PhaseStart>), ()> {
    Ok(match phase.length {
        PhaseLengthInfo::For(r) => {
            let next = Offset::of(r.low, r.unit).map(|o| PhaseStart {
                base: here.base,
                at: here.at.plus(o),
            });
            (next.and_then(|n| n.at.from(n.base)), next)
        }
        PhaseLengthInfo::Until { total, .. } => {
            let next = Offset::of(total.low, total.unit).map(|at| PhaseStart { base: start, at });
            (next.and_then(|n| n.at.from(n.base)), next)
        }
        PhaseLengthInfo::UntilDate { date, after, .. } => {
            let anchor = dates.anchor(date).ok_or(())?;
            let end = match after {
                Some(a) => Offset::of(a.low, a.unit).and_then(|o| o.from(anchor)),
                None => Some(anchor),
            };
            let phase_start = here.at.from(here.base);
            // An end already past at the phase's start: the phase is empty,
            // and the next one starts where it would have.
            let next = match (end, phase_start) {
                (Some(e), Some(s)) if e < s => Some(here),
                (Some(e), _) => Some(PhaseStart {
                    base: e,
                    at: Offset::default(),
                }),
                (None, _) => None,
            };
            (end, next)
        }
    })
}

/// The date a phase's `until NAME` reads, if any.
fn end_read(phase: &PhaseInfo) -> Option<DateRef> {
    match phase.length {
        PhaseLengthInfo::UntilDate {
            date: DateAnchor::Read(r),
            ..
        } => Some(r),
        _ => None,
    }
}

/// A phase in words: `every 3-6 months for 2 years (up to 3 years)`.
fn phase_text(model: &Model, every: TimeRange, length: PhaseLengthInfo) -> String {
    let e = display::range(every.low, every.high, every.unit.symbol);
    let amount = |r: TimeRange| display::range(r.low, r.low, r.unit.symbol);
    match length {
        PhaseLengthInfo::For(r) if r.high > r.low => format!(
            "every {e} for {} (up to {})",
            amount(r),
            display::range(r.high, r.high, r.unit.symbol)
        ),
        PhaseLengthInfo::For(r) => format!("every {e} for {}", amount(r)),
        PhaseLengthInfo::Until { total, at_least } => format!(
            "every {e} until {}{}",
            if at_least { "at least " } else { "" },
            amount(total)
        ),
        PhaseLengthInfo::UntilDate {
            date,
            after,
            at_least,
        } => {
            let date = match date {
                DateAnchor::Literal(d) => format_date(d),
                DateAnchor::Read(DateRef::Fact(f)) => model
                    .facts
                    .get(f.0 as usize)
                    .map(|f| f.name.clone())
                    .unwrap_or_default(),
                DateAnchor::Read(DateRef::Def(d)) => model
                    .defs
                    .get(d.0 as usize)
                    .map(|d| d.name.clone())
                    .unwrap_or_default(),
            };
            let after = after.map(|a| format!("{} after ", amount(a)));
            format!(
                "every {e} until {}{}{date}",
                if at_least { "at least " } else { "" },
                after.unwrap_or_default()
            )
        }
    }
}

/// Lays out schedule `sid`, asked for by recommendation `rec`, with the
/// case's dates; a schedule cut at [`MAX_VISITS`] adds a diagnostic to
/// `diagnostics`.
pub(crate) fn layout<'p>(
    program: &'p Program,
    dates: &Dates,
    vals: &[Option<Value>],
    (sid, rec): (ScheduleId, &'p str),
    diagnostics: &mut Vec<RuntimeDiagnostic>,
) -> Option<ScheduleOutcome<'p>> {
    let model = &program.model;
    let info = model.schedules.get(sid.0 as usize)?;
    let conds: &[Option<Pc>] = program
        .code
        .study_cond
        .get(sid.0 as usize)
        .map(Vec::as_slice)
        .unwrap_or(&[]);
    let mut needs = BTreeSet::new();
    let from = info.from.and_then(|f| dates.read(f));
    // A schedule from something never done has no dates to lay out.
    let start = from.filter(|&d| d != crate::value::date::NEVER);
    if let (None, Some(f)) = (from, info.from) {
        dates.needs(f, &mut needs);
    }
    // Every phase end the case does not give, even past an unknown start,
    // so that one round of questions completes the schedule.
    for r in info.phases.iter().filter_map(end_read) {
        if dates.read(r).is_none() {
            dates.needs(r, &mut needs);
        }
    }
    let phases = program.schedule_phases.get(sid.0 as usize)?;
    let mut visits = Vec::new();
    if let Some(start) = start {
        let mut here = PhaseStart {
            base: start,
            at: Offset::default(),
        };
        let mut number = 0u32;
        'phases: for (p, phase) in info.phases.iter().enumerate() {
            let Some(phase_start) = here.at.from(here.base) else {
                break;
            };
            // A phase ending at a date the case does not give: the visits
            // stop before it (its facts are in `needs`).
            let Ok((end, next)) = phase_end(phase, here, start, dates) else {
                break;
            };
            // A phase ending past the last supported date is laid out up to
            // that date, and the schedule stops there, saying so.
            let mut past = end.is_none();
            let end = end.unwrap_or(MAX_DAY);
            // Visit k opens at phase start + k·low.
            let opens = |k: u32| {
                let step = Offset::of(phase.every.low * f64::from(k), phase.every.unit)?;
                here.plus(step)
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
                    .and_then(|o| here.plus(o))
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
            match next {
                Some(n) => here = n,
                None => break,
            }
        }
    }
    let as_of = info.as_of.and_then(|a| dates.read(a));
    if let (None, Some(a)) = (as_of, info.as_of) {
        dates.needs(a, &mut needs);
    }
    let next_due = match (start, as_of) {
        (Some(_), Some(day)) => next_due(&visits, &format_date(day)),
        _ => None,
    };
    Some(ScheduleOutcome {
        name: Cow::Borrowed(&info.name),
        recommendation: Cow::Borrowed(rec),
        title: Cow::Borrowed(&info.title),
        start: start.map(format_date),
        phases: Cow::Borrowed(phases),
        visits,
        next_due,
        needs: needs.into_iter().collect(),
    })
}

/// The first visit whose window has not closed before `day` (ISO dates
/// compare as text).
fn next_due(visits: &[Visit], day: &str) -> Option<NextDue> {
    visits
        .iter()
        .find(|v| v.latest.as_str() >= day)
        .map(|v| NextDue {
            number: v.number,
            earliest: v.earliest.clone(),
            latest: v.latest.clone(),
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
fn studies<'p>(
    program: &'p Program,
    vals: &[Option<Value>],
    sid: ScheduleId,
    conds: &[Option<Pc>],
    index: usize,
) -> Vec<Cow<'p, str>> {
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
            None => out.push(Cow::Borrowed(name.as_str())),
            Some(pc) => match run::truth(vals.get(pc as usize).copied().flatten()) {
                Some(true) => out.push(Cow::Borrowed(name.as_str())),
                Some(false) => {}
                None => {
                    let text = study
                        .condition
                        .as_ref()
                        .map(|c| program.sources.slice(c.span).to_string())
                        .unwrap_or_default();
                    out.push(Cow::Owned(format!("{name} (if {text})")));
                }
            },
        }
    }
    out
}
