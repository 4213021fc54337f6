//! Eval stage, outcome: the follow-up section of the HTML report (`report`):
//! each schedule of the outcome ([`ScheduleOutcome`]) as a timeline drawn
//! in inline SVG (a bar per visit window, coloured by phase, the next due
//! visit marked, years along the axis), then its visits as a table.
//!
//! Coordinates are written with one decimal, so the drawing is the same
//! byte for byte on every machine.

use super::report::escape;
use super::{ScheduleOutcome, Visit};
use crate::value::date::parse_date;
use crate::value::format_date;
use std::fmt::Write;

/// The drawing's width in SVG units (about an A4 text column at 96 dpi).
const WIDTH: f64 = 720.0;
/// Room left and right of the axis.
const MARGIN: f64 = 24.0;
/// The drawing's height.
const HEIGHT: f64 = 76.0;
/// The axis' height.
const AXIS: f64 = 52.0;
/// The least room between two visit numbers written above their bars.
const LABEL_ROOM: f64 = 16.0;
/// The most year ticks along the axis.
const MAX_TICKS: i32 = 12;

/// The follow-up section: every schedule with its timeline and visits;
/// nothing when there is no schedule.
pub(crate) fn section(out: &mut String, schedules: &[ScheduleOutcome]) {
    if schedules.is_empty() {
        return;
    }
    let _ = writeln!(
        out,
        "<section id=\"follow-up\" class=\"page\">\n<h2>Follow-up</h2>"
    );
    for (i, s) in schedules.iter().enumerate() {
        schedule(out, i, s);
    }
    out.push_str("</section>\n");
}

/// One schedule: title, phases in words, timeline, next due, visits, and
/// the facts it still needs.
fn schedule(out: &mut String, index: usize, s: &ScheduleOutcome) {
    let _ = writeln!(
        out,
        "<div class=\"schedule\" id=\"schedule-{index}\">\n<h3>{} <code>(for [{}])</code></h3>",
        escape(&s.title),
        escape(&s.recommendation)
    );
    let _ = writeln!(out, "<p>{}</p>", escape(&s.phases.join("; then ")));
    match &s.start {
        None => {
            let _ = writeln!(
                out,
                "<p class=\"none\">start date unknown: no dates laid out</p>"
            );
        }
        Some(start) => {
            let _ = writeln!(out, "<p>From {}.</p>", escape(start));
            timeline(out, index, s, start);
        }
    }
    if let Some(n) = &s.next_due {
        let _ = writeln!(
            out,
            "<p class=\"next-due\">Next due: visit {}, {} to {}.</p>",
            n.number,
            escape(&n.earliest),
            escape(&n.latest)
        );
    }
    if s.start.is_some() && !s.visits.is_empty() {
        visits(out, s);
    }
    if !s.needs.is_empty() {
        let names: Vec<String> = s
            .needs
            .iter()
            .map(|n| format!("<code>{}</code>", escape(n)))
            .collect();
        let _ = writeln!(out, "<p>Needs: {}.</p>", names.join(", "));
    }
    out.push_str("</div>\n");
}

/// The days a visit window covers, first and last.
fn window(v: &Visit) -> Option<(i32, i32)> {
    Some((parse_date(&v.earliest)?, parse_date(&v.latest)?))
}

/// The year of a day number.
fn year_of(day: i32) -> i32 {
    format_date(day)
        .get(..4)
        .and_then(|y| y.parse().ok())
        .unwrap_or(1970)
}

/// The timeline of a schedule from `start`: nothing when no visit has
/// readable dates.
fn timeline(out: &mut String, index: usize, s: &ScheduleOutcome, start: &str) {
    let windows: Vec<(&Visit, (i32, i32))> = s
        .visits
        .iter()
        .filter_map(|v| window(v).map(|w| (v, w)))
        .collect();
    let Some(last) = windows.iter().map(|(_, (_, b))| *b).max() else {
        return;
    };
    let start_day = parse_date(start);
    let first = windows.iter().map(|(_, (a, _))| *a).min().unwrap_or(last);
    let lo = start_day.map_or(first, |d| d.min(first));
    // One day past the last window, so that a one-day window has a width.
    let hi = last.saturating_add(1).max(lo.saturating_add(1));
    let span = f64::from(hi - lo);
    let x = |day: i32| MARGIN + f64::from(day - lo) / span * (WIDTH - 2.0 * MARGIN);
    let id = format!("timeline-{index}");
    let _ = writeln!(
        out,
        "<svg class=\"timeline\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {WIDTH} {HEIGHT}\" \
         width=\"{WIDTH}\" height=\"{HEIGHT}\" role=\"img\" aria-labelledby=\"{id}\">"
    );
    let _ = writeln!(
        out,
        "<title id=\"{id}\">Timeline of {}: {} visit(s) from {}</title>",
        escape(&s.title),
        s.visits.len(),
        escape(start)
    );
    ticks(out, lo, hi, &x);
    let _ = writeln!(
        out,
        "<line class=\"axis\" x1=\"{MARGIN:.1}\" y1=\"{AXIS:.1}\" x2=\"{:.1}\" y2=\"{AXIS:.1}\" />",
        WIDTH - MARGIN
    );
    if let Some(d) = start_day {
        let _ = writeln!(
            out,
            "<circle class=\"start\" cx=\"{:.1}\" cy=\"{AXIS:.1}\" r=\"3\"><title>start {}</title></circle>",
            x(d),
            escape(start)
        );
    }
    let due = s.next_due.as_ref().map(|n| n.number);
    let mut labelled = f64::NEG_INFINITY;
    for (v, (a, b)) in &windows {
        let (x0, x1) = (x(*a), x(b.saturating_add(1)));
        let w = (x1 - x0).max(2.0);
        let is_due = due == Some(v.number);
        let class = match is_due {
            true => "visit due".to_string(),
            false => format!("visit phase-{}", (v.phase.saturating_sub(1)) % 4 + 1),
        };
        let _ = writeln!(
            out,
            "<rect class=\"{class}\" x=\"{x0:.1}\" y=\"{:.1}\" width=\"{w:.1}\" height=\"14\">\
             <title>visit {}: {} to {}</title></rect>",
            AXIS - 18.0,
            v.number,
            escape(&v.earliest),
            escape(&v.latest)
        );
        // Numbers where there is room, and always the next due visit's.
        if is_due || x0 - labelled >= LABEL_ROOM {
            let class = if is_due { " class=\"due\"" } else { "" };
            let text = match is_due {
                true => format!("{} next due", v.number),
                false => v.number.to_string(),
            };
            // Near the right end, the text ends at the bar instead.
            let (at, anchor) = match x0 > WIDTH - 4.0 * LABEL_ROOM {
                true => (x0 + w, "end"),
                false => (x0, "start"),
            };
            let _ = writeln!(
                out,
                "<text{class} x=\"{at:.1}\" y=\"{:.1}\" text-anchor=\"{anchor}\">{text}</text>",
                AXIS - 22.0
            );
            labelled = if is_due { x0 + 3.0 * LABEL_ROOM } else { x0 };
        }
    }
    out.push_str("</svg>\n");
}

/// Year ticks between `lo` and `hi`, every 1, 2, 5, 10, … years so that
/// there are at most [`MAX_TICKS`].
fn ticks(out: &mut String, lo: i32, hi: i32, x: &impl Fn(i32) -> f64) {
    let (first, last) = (year_of(lo), year_of(hi));
    let years = last - first + 1;
    let step = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000]
        .into_iter()
        .find(|s| years / s <= MAX_TICKS)
        .unwrap_or(10_000);
    let mut year = first + (step - first.rem_euclid(step)) % step;
    while year <= last {
        let Some(day) = parse_date(&format!("{year:04}-01-01")) else {
            break;
        };
        if day >= lo && day <= hi {
            let at = x(day);
            let _ = writeln!(
                out,
                "<line class=\"tick\" x1=\"{at:.1}\" y1=\"{:.1}\" x2=\"{at:.1}\" y2=\"{:.1}\" />\
                 <text x=\"{at:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{year}</text>",
                AXIS - 26.0,
                AXIS + 4.0,
                AXIS + 16.0
            );
        }
        year += step;
    }
}

/// The visits as a table: number, phase, window, studies.
fn visits(out: &mut String, s: &ScheduleOutcome) {
    let due = s.next_due.as_ref().map(|n| n.number);
    out.push_str(
        "<table class=\"visits\">\n<thead><tr><th>Visit</th><th>Phase</th><th>From</th>\
         <th>To</th><th>Studies</th></tr></thead>\n<tbody>\n",
    );
    for v in &s.visits {
        let class = if due == Some(v.number) {
            " class=\"due\""
        } else {
            ""
        };
        let _ = writeln!(
            out,
            "<tr{class}><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            v.number,
            v.phase,
            escape(&v.earliest),
            escape(&v.latest),
            escape(&v.studies.join(", "))
        );
    }
    out.push_str("</tbody>\n</table>\n");
}
