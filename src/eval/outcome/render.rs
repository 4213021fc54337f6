//! Eval stage: renders outcomes as text. Data and rendering are separate:
//! everything here reads an [`Outcome`] and the checked guideline only.
//!
//! [`clinician`] (in `note`) is the clinician note, the default of `cairn
//! run`; [`note`] is the informaticist's note, every detail of the outcome
//! (`--audience informaticist`); [`trace`] (in `render_trace`) draws every
//! trace step's source with its value labels.

use crate::check::model::{Choice, DefBody};
use crate::check::Checked;
use crate::eval::outcome::{Outcome, RecOutcome, Status};
use std::fmt::Write;

/// A value of the JSON contract in words.
fn json_text(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::Null => "unknown".to_string(),
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Object(m) => match (m.get("value"), m.get("unit")) {
            (Some(v), Some(serde_json::Value::String(u))) if u == "%" => format!("{v} %"),
            (Some(v), Some(serde_json::Value::String(u))) => format!("{v} {u}"),
            _ => m
                .iter()
                .map(|(k, v)| format!("{k}: {}", json_text(v)))
                .collect::<Vec<_>>()
                .join(", "),
        },
        other => other.to_string(),
    }
}

/// `[25, 27]`.
fn cites(list: &[u32]) -> String {
    let items: Vec<String> = list.iter().map(u32::to_string).collect();
    format!("[{}]", items.join(", "))
}

/// A recommendation's per-case strength and kind as written
/// (`strength 2C when … otherwise none; kind …`).
fn grading_rule(checked: &Checked, id: &str) -> String {
    let model = &checked.model;
    let Some(info) = model.rec(id).and_then(|r| model.recs.get(r.0 as usize)) else {
        return String::new();
    };
    fn chain<T>(
        checked: &Checked,
        field: &str,
        c: &Choice<T>,
        word: impl Fn(&T) -> String,
    ) -> String {
        let mut s = field.to_string();
        for (cond, value) in &c.branches {
            let cond = checked.sources.slice(cond.span);
            s.push_str(&format!(" {} when {cond} otherwise", word(value)));
        }
        s.push_str(&format!(" {}", word(&c.otherwise)));
        s
    }
    let mut parts = Vec::new();
    if let Some(c) = &info.varies.strength {
        parts.push(chain(checked, "strength", c, |g| {
            g.as_ref().map_or("none".to_string(), |g| g.source())
        }));
    }
    if let Some(c) = &info.varies.kind {
        parts.push(chain(checked, "kind", c, |k| k.keyword().to_string()));
    }
    parts.join("; ")
}

/// One recommendation that applies, with its details.
fn applied(out: &mut String, rec: &RecOutcome, checked: &Checked) {
    let strength = rec
        .strength
        .as_ref()
        .map(|s| format!(" ({s})"))
        .unwrap_or_default();
    let _ = writeln!(
        out,
        "  * {}{strength} [{}]: {}",
        rec.kind.to_uppercase(),
        rec.id,
        rec.statement
    );
    if !rec.grading_missing.is_empty() {
        let rule = grading_rule(checked, &rec.id);
        let _ = writeln!(
            out,
            "      grading: undecided until {} known ({rule})",
            match rec.grading_missing.len() {
                1 => format!("{} is", rec.grading_missing.join("")),
                _ => format!("{} are", rec.grading_missing.join(", ")),
            }
        );
    }
    for (name, values) in rec.details.iter() {
        let texts: Vec<String> = match values {
            serde_json::Value::Array(items) => items
                .iter()
                .map(|i| match i.get("text") {
                    Some(t) => json_text(t),
                    None => json_text(i),
                })
                .collect(),
            other => vec![json_text(other)],
        };
        let _ = writeln!(
            out,
            "      {}: {}",
            name.replace('_', " "),
            texts.join("; ")
        );
    }
    for alt in rec.alternatives.iter() {
        match &alt.id {
            Some(id) => {
                let _ = writeln!(out, "      alternative: {} (see {id})", alt.text);
            }
            None => {
                let _ = writeln!(out, "      alternative: {}", alt.text);
            }
        }
    }
    for note in rec.notes.iter() {
        let _ = writeln!(out, "      note: {note}");
    }
    if !rec.regardless_of.is_empty() {
        let _ = writeln!(out, "      {}", whatever("applies", &rec.regardless_of));
    }
    if !rec.citations.is_empty() {
        let _ = writeln!(out, "      citations: {}", cites(&rec.citations));
    }
}

/// The facts the case left out that took their declared absent value,
/// so that a reader sees what was assumed rather than given.
fn absent(out: &mut String, outcome: &Outcome) {
    if outcome.absent.is_empty() {
        return;
    }
    let _ = writeln!(out, "\nNot given, taken as declared");
    for a in &outcome.absent {
        // A list left out is the empty list (`absent means none`).
        let (v, means) = match &a.value {
            serde_json::Value::Array(items) if items.is_empty() => ("[]".into(), "none".into()),
            v => (json_text(v), json_text(v)),
        };
        let _ = writeln!(out, "  {}: {v} (absent: declared to mean {means})", a.fact);
    }
}

/// The informaticist's note: what applies (by section), every derived
/// value, what to ask for per recommendation, and follow-up schedules as
/// dated windows.
pub fn note(outcome: &Outcome, checked: &Checked) -> String {
    let model = &checked.model;
    let mut out = String::new();
    let title = if model.meta.title.is_empty() {
        &*outcome.guideline.id
    } else {
        model.meta.title.as_str()
    };
    let _ = writeln!(out, "{title} (version {})", outcome.guideline.version);
    if !model.meta.source.is_empty() {
        let _ = writeln!(out, "Source: {}", model.meta.source);
    }
    for d in &outcome.diagnostics {
        let _ = writeln!(out, "Warning: {} ({}) [{}]", d.message, d.location, d.code);
    }
    let _ = writeln!(out, "\nWhat applies");
    let mut last: Option<&[String]> = None;
    let mut any = false;
    for rec in outcome
        .recommendations
        .iter()
        .filter(|r| r.status == Status::Applies)
    {
        if last != Some(&*rec.section_path) {
            let path = if rec.section_path.is_empty() {
                "(no section)".to_string()
            } else {
                rec.section_path.join(" > ")
            };
            let _ = writeln!(out, "\n  {path}");
            last = Some(&*rec.section_path);
        }
        applied(&mut out, rec, checked);
        any = true;
    }
    if !any {
        let _ = writeln!(out, "  nothing applies with the facts given");
    }
    derived(&mut out, outcome, checked);
    absent(&mut out, outcome);
    let undetermined: Vec<&RecOutcome> = outcome
        .recommendations
        .iter()
        .filter(|r| r.status == Status::Undetermined)
        .collect();
    if !undetermined.is_empty() {
        let _ = writeln!(out, "\nUndetermined — ask for:");
        for rec in undetermined {
            let _ = writeln!(out, "  * [{}] {}", rec.id, rec.statement);
            for d in &rec.diagnostics {
                let _ = writeln!(
                    out,
                    "      cannot be decided: {} ({})",
                    d.message, d.location
                );
            }
            if rec.missing.is_empty() && rec.diagnostics.is_empty() {
                let _ = writeln!(out, "      (no missing fact decides it; see the trace)");
            }
            for fact in &rec.missing {
                let desc = model.user_description(fact).unwrap_or("");
                let _ = writeln!(out, "      - {fact}: {desc}");
            }
            exact_lines(&mut out, rec);
        }
    }
    let not_applicable = outcome
        .recommendations
        .iter()
        .filter(|r| r.status == Status::NotApplicable)
        .count();
    let _ = writeln!(out, "\nNot applicable: {not_applicable} recommendation(s).");
    schedules(&mut out, outcome);
    out
}

/// The follow-up schedules of recommendations that apply, as dated windows.
pub(crate) fn schedules(out: &mut String, outcome: &Outcome) {
    for s in &outcome.schedules {
        let _ = writeln!(out, "\nFollow-up: {} (for [{}])", s.title, s.recommendation);
        let _ = writeln!(out, "  {}", s.phases.join("; then "));
        match &s.start {
            None => {
                let _ = writeln!(out, "  start date unknown: no dates laid out");
            }
            Some(start) => {
                let _ = writeln!(out, "  from {start}:");
                for v in &s.visits {
                    let _ = writeln!(
                        out,
                        "  {:>3}. {} to {}  {}",
                        v.number,
                        v.earliest,
                        v.latest,
                        v.studies.join(", ")
                    );
                }
            }
        }
        if let Some(n) = &s.next_due {
            let _ = writeln!(out, "  next due: {} to {}", n.earliest, n.latest);
        }
        if !s.needs.is_empty() {
            let names: Vec<String> = s.needs.iter().map(|n| format!("`{n}`")).collect();
            let _ = writeln!(out, "  needs: {}", names.join(", "));
        }
    }
}

/// `applies whatever a and b are`.
pub(crate) fn whatever(status: &str, facts: &[String]) -> String {
    let names: Vec<String> = facts.iter().map(|f| format!("`{f}`")).collect();
    let (list, verb) = match names.split_last() {
        Some((last, [])) => (last.clone(), "is"),
        Some((last, rest)) => (format!("{} and {last}", rest.join(", ")), "are"),
        None => (String::new(), "is"),
    };
    format!("{status} whatever {list} {verb}")
}

/// `grade: 1 to 2 -> applies; 3 -> not applicable`.
pub(crate) fn leads_line(lead: &crate::eval::outcome::LeadsTo) -> String {
    let parts: Vec<String> = lead
        .outcomes
        .iter()
        .map(|o| format!("{} -> {}", o.values, o.status.as_str().replace('_', " ")))
        .collect();
    format!("{}: {}", lead.fact, parts.join("; "))
}

/// What the exact pass adds under an undetermined recommendation.
fn exact_lines(out: &mut String, rec: &RecOutcome) {
    for lead in &rec.leads_to {
        let _ = writeln!(out, "      {}", leads_line(lead));
    }
    if rec.approximate {
        let _ = writeln!(
            out,
            "      (approximate: the completions of its facts could not be tried exactly; this is the three-valued result)"
        );
    }
}

/// The derived values; table rows with their title, citations and the
/// caveat that they are population data.
fn derived(out: &mut String, outcome: &Outcome, checked: &Checked) {
    let model = &checked.model;
    if outcome.derived.is_empty() {
        return;
    }
    let _ = writeln!(out, "\nDerived values");
    // Declaration order, whatever order the JSON map keeps.
    for d in &model.defs {
        let name = &d.name;
        let Some(value) = outcome.derived.get(name) else {
            continue;
        };
        let def = Some(d);
        let table = def.and_then(|d| match d.body {
            DefBody::Table(t) => model.tables.get(t.0 as usize),
            DefBody::Expr(_) => None,
        });
        match (table, value) {
            (Some(t), serde_json::Value::Object(row)) => {
                let _ = writeln!(out, "  {name} ({}):", t.title);
                for col in &t.columns {
                    let v = row.get(&col.name).map(json_text).unwrap_or_default();
                    let _ = writeln!(out, "      {}: {v}", col.label);
                }
                let source = if t.cites.is_empty() {
                    String::new()
                } else {
                    format!(" {}", cites(&t.cites))
                };
                let _ = writeln!(
                    out,
                    "      population data from published series{source}; not a prediction for this patient"
                );
            }
            (Some(t), _) => {
                let _ = writeln!(out, "  {name} ({}): no row for these facts", t.title);
            }
            _ => {
                let desc = def.map(|d| d.description.as_str()).unwrap_or("");
                let range = match outcome.ranges.get(name) {
                    Some((lo, hi)) => {
                        // The ends as the JSON of the contract rounds them.
                        let end = |x: f64| match x.is_finite() {
                            true => crate::eval::outcome::display::number(x)
                                .as_f64()
                                .unwrap_or(x),
                            false => x,
                        };
                        let text = crate::eval::outcome::score_range::text((end(lo), end(hi)));
                        format!(", {text}")
                    }
                    None => String::new(),
                };
                let _ = writeln!(out, "  {name} = {}{range}  ({desc})", json_text(value));
            }
        }
    }
}

/// The clinician note's "what to ask next" list on its own (for a page
/// that shows it beside the note): every fact missing from an undetermined
/// recommendation, once, ranked; empty when nothing is undetermined.
pub fn ask_next(outcome: &Outcome, model: &crate::check::model::Model) -> String {
    let mut out = String::new();
    if let Some(ask) = super::note_ask::ask_next(outcome, model) {
        super::note_text::ask_next(&mut out, &ask);
    }
    out
}

pub use super::note::{clinician, short_reference, NoteInput, DISCLAIMER};
pub use super::render_trace::{steps, trace};
