//! Eval stage, outcome: the clinician note's text (`cairn run`), written
//! from its data (`note_model`); the follow-up schedules come from the
//! outcome through [`super::render::schedules`], as in every text note.

use super::note::DISCLAIMER;
use super::note_model::{AskNext, Note, WhyNotLine};
use super::Outcome;
use std::fmt::Write;

/// The note as text, in its order: provenance and facts given, what
/// applies, derived values, follow-up, what to ask next, why not,
/// references, disclaimer.
pub(crate) fn write(note: &Note, outcome: &Outcome) -> String {
    let mut out = String::new();
    provenance(&mut out, note);
    let _ = writeln!(out, "\nWhat applies");
    for group in &note.applies {
        let _ = writeln!(out, "\n  {}", group.path);
        for rec in &group.recs {
            let strength = rec
                .strength
                .as_ref()
                .map(|s| format!(" ({s})"))
                .unwrap_or_default();
            let _ = writeln!(
                out,
                "  * {}{strength} [{}]: {}",
                rec.kind_words, rec.id, rec.statement
            );
            for (label, text) in &rec.lines {
                let _ = writeln!(out, "      {label}: {text}");
            }
        }
    }
    if note.applies.is_empty() {
        let _ = writeln!(out, "  nothing applies with the facts given");
    }
    if !note.derived.is_empty() {
        let _ = writeln!(out, "\nDerived values used above");
        for l in &note.derived {
            let _ = writeln!(out, "  {l}");
        }
    }
    super::render::schedules(&mut out, outcome);
    if let Some(ask) = &note.ask {
        ask_next(&mut out, ask);
    }
    why_not(&mut out, &note.why_not);
    if !note.references.is_empty() {
        let _ = writeln!(out, "\nReferences");
        for (n, text) in &note.references {
            let _ = writeln!(out, "  [{n}] {text}");
        }
    }
    let _ = writeln!(out, "\n{DISCLAIMER}");
    out
}

/// The guideline, the case, warnings and the facts given.
fn provenance(out: &mut String, note: &Note) {
    let _ = writeln!(out, "{}", note.title);
    let _ = writeln!(out, "Guideline: {}", note.guideline);
    if let Some(source) = &note.source {
        let _ = writeln!(out, "Source: {source}");
    }
    if let Some(d) = &note.last_reviewed {
        let _ = writeln!(out, "Last reviewed: {d}");
    }
    let _ = writeln!(out, "Case: {}", note.case);
    let _ = writeln!(out, "Produced: {}", note.produced);
    for w in &note.warnings {
        let _ = writeln!(out, "Warning: {w}");
    }
    let _ = writeln!(out, "\nFacts given");
    if note.facts.is_empty() {
        let _ = writeln!(out, "  none");
    }
    for group in &note.facts {
        // Facts outside any group are listed at the groups' level.
        let indent = match &group.title {
            Some(title) => {
                let _ = writeln!(out, "  {title}");
                "    "
            }
            None => "  ",
        };
        for text in &group.lines {
            let _ = writeln!(out, "{indent}{text}");
        }
    }
    if !note.assumed.is_empty() {
        let _ = writeln!(out, "  Not given, taken as the guideline declares");
        for n in &note.assumed {
            let _ = writeln!(out, "    {n}");
        }
    }
}

/// `What to ask next: …`, the ranked facts under their groups, then the
/// recommendations no fact decides.
pub(crate) fn ask_next(out: &mut String, ask: &AskNext) {
    let _ = writeln!(
        out,
        "\nWhat to ask next: {} fact(s) would decide {} undetermined recommendation(s)",
        ask.facts, ask.undetermined
    );
    for group in &ask.groups {
        let _ = writeln!(out, "\n  {}", group.title);
        for a in &group.asks {
            let best = a
                .strongest
                .as_ref()
                .map(|(kind, id)| format!("; strongest: {kind} [{id}]"))
                .unwrap_or_default();
            let _ = writeln!(
                out,
                "    {}. {} (`{}`): decides {} recommendation(s){best}",
                a.rank, a.label, a.fact, a.decides
            );
            for (values, ids) in &a.leads {
                let ids: Vec<String> = ids.iter().map(|id| format!("[{id}]")).collect();
                let _ = writeln!(out, "         {values} -> applies: {}", ids.join(", "));
            }
        }
    }
    if !ask.stuck.is_empty() {
        let _ = writeln!(out, "\n  Not decided by any fact");
        for (id, why) in &ask.stuck {
            let _ = writeln!(out, "    [{id}]: {why}");
        }
    }
}

/// One line per recommendation or section that does not apply.
fn why_not(out: &mut String, lines: &[WhyNotLine]) {
    if lines.is_empty() {
        return;
    }
    let _ = writeln!(out, "\nWhy not");
    for line in lines {
        match line {
            WhyNotLine::Rec { id, because } => {
                let _ = writeln!(out, "  * [{id}] {because}");
            }
            WhyNotLine::Section { title, reads, ids } => {
                let ids: Vec<String> = ids.iter().map(|id| format!("[{id}]")).collect();
                let _ = writeln!(
                    out,
                    "  * {title}: does not apply ({reads}); not reached: {}",
                    ids.join(", ")
                );
            }
        }
    }
}
