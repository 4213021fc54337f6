//! Eval stage: the two lists of the clinician note that look past what
//! applies: what to ask next (one ranked list of missing facts, each once)
//! and why not (one plain line per recommendation that does not apply).

use super::note::{group_title, kind_words};
use super::note_facts::{Read, WhyNot};
use crate::check::model::{Model, Type};
use crate::eval::outcome::{display, Outcome, RecOutcome, Status};
use crate::eval::Program;
use crate::strength::Strength;
use crate::value::Value;
use std::collections::BTreeMap;
use std::fmt::Write;

/// Facts by their labels: `Histologic subtype and FNCLCC grade`.
pub(crate) fn fact_labels(model: &Model, facts: &[String]) -> String {
    let labels: Vec<&str> = facts
        .iter()
        .map(|f| model.user_description(f).unwrap_or(f))
        .collect();
    match labels.split_last() {
        Some((last, [])) => (*last).to_string(),
        Some((last, rest)) => format!("{} and {last}", rest.join(", ")),
        None => String::new(),
    }
}

/// How strong a recommendation is, strongest lowest: direction words
/// first (`recommend` and `do-not-offer` before `suggest`), then the
/// GRADE level when there is one.
fn weight(rec: &RecOutcome) -> (u8, u8) {
    let kind = match &*rec.kind {
        "recommend" | "do-not-offer" => 0,
        "suggest" | "discourage" => 1,
        "refer" => 2,
        "option" | "consider" => 3,
        _ => 4,
    };
    let level = match &rec.strength {
        Some(Strength::Grade(g)) => g.level,
        Some(_) => 1,
        None => 3,
    };
    (kind, level)
}

/// The group a fact (or a list) was declared in.
fn group_of<'m>(model: &'m Model, fact: &str) -> Option<&'m str> {
    let id = match model.list(fact) {
        Some(list) => list.slots.first().copied(),
        None => model.fact(fact),
    }?;
    model.facts.get(id.0 as usize)?.group.as_deref()
}

/// One missing fact and the undetermined recommendations it could decide.
struct Ask<'o> {
    fact: &'o str,
    recs: Vec<&'o RecOutcome<'o>>,
}

/// What to ask next: every fact missing from an undetermined
/// recommendation, once, ranked by how many it could decide and then by
/// the strongest of them, listed under the guideline's fact groups.
pub(crate) fn ask_next(out: &mut String, outcome: &Outcome, model: &Model) {
    let undetermined: Vec<&RecOutcome> = outcome
        .recommendations
        .iter()
        .filter(|r| r.status == Status::Undetermined)
        .collect();
    if undetermined.is_empty() {
        return;
    }
    let mut asks: Vec<Ask> = Vec::new();
    for rec in &undetermined {
        for fact in &rec.missing {
            match asks.iter_mut().find(|a| a.fact == fact) {
                Some(a) => a.recs.push(rec),
                None => asks.push(Ask {
                    fact,
                    recs: vec![rec],
                }),
            }
        }
    }
    // Stable: ties keep the order facts were first met in (document order).
    asks.sort_by_key(|a| {
        let best = a.recs.iter().map(|r| weight(r)).min();
        (std::cmp::Reverse(a.recs.len()), best)
    });
    let _ = writeln!(
        out,
        "\nWhat to ask next: {} fact(s) would decide {} undetermined recommendation(s)",
        asks.len(),
        undetermined.len()
    );
    let mut groups: Vec<Option<&str>> = Vec::new();
    for a in &asks {
        let g = group_of(model, a.fact);
        if !groups.contains(&g) {
            groups.push(g);
        }
    }
    for g in groups {
        let title = g.map_or("Other facts", |g| group_title(model, g));
        let _ = writeln!(out, "\n  {title}");
        for (rank, a) in asks.iter().enumerate() {
            if group_of(model, a.fact) == g {
                ask_line(out, model, rank + 1, a);
            }
        }
    }
    let stuck: Vec<&&RecOutcome> = undetermined
        .iter()
        .filter(|r| r.missing.is_empty())
        .collect();
    if !stuck.is_empty() {
        let _ = writeln!(out, "\n  Not decided by any fact");
        for rec in stuck {
            let why = match rec.diagnostics.first() {
                Some(d) => d.message.clone(),
                None => "no missing fact decides it (see --audience informaticist)".to_string(),
            };
            let _ = writeln!(out, "    [{}]: {why}", rec.id);
        }
    }
}

/// `3. Histologic subtype — decides 4; strongest: Recommended [x]`, then
/// the answers known to make a recommendation apply.
fn ask_line(out: &mut String, model: &Model, rank: usize, a: &Ask) {
    let label = model.user_description(a.fact).unwrap_or(a.fact);
    let strongest = a.recs.iter().min_by_key(|r| weight(r));
    let best = strongest
        .map(|r| format!("; strongest: {} [{}]", kind_words(&r.kind), r.id))
        .unwrap_or_default();
    let _ = writeln!(
        out,
        "    {rank}. {label} (`{}`): decides {} recommendation(s){best}",
        a.fact,
        a.recs.len()
    );
    // Answers that make a recommendation apply, as the exact pass found.
    let mut leads: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for rec in &a.recs {
        let lead = rec.leads_to.iter().find(|l| l.fact == a.fact);
        for o in lead.iter().flat_map(|l| &l.outcomes) {
            if o.status == Status::Applies {
                leads.entry(&o.values).or_default().push(&rec.id);
            }
        }
    }
    for (values, ids) in leads {
        let ids: Vec<String> = ids.iter().map(|id| format!("[{id}]")).collect();
        let _ = writeln!(out, "         {values} -> applies: {}", ids.join(", "));
    }
}

/// What a condition read, in words: `Resectability category is
/// Unresectable disease`, `Distant metastases on staging imaging: yes`.
fn read_words(model: &Model, read: &Read) -> String {
    let (label, ty, v) = match *read {
        Read::Fact(f, v) => {
            if let Some((list, value)) = model.slot_of(f) {
                let verb = match v {
                    Some(Value::Bool(true)) => "includes",
                    _ => "does not include",
                };
                return format!("{} {verb} {value}", list.description);
            }
            match model.facts.get(f.0 as usize) {
                Some(info) => (info.description.as_str(), info.ty, v),
                None => return String::new(),
            }
        }
        Read::Def(d, v) => match model.defs.get(d as usize) {
            Some(info) => (info.description.as_str(), info.ty, v),
            None => return String::new(),
        },
    };
    match (ty, v) {
        (_, None) => format!("{label} is not known"),
        (Type::Bool, Some(Value::Bool(b))) => format!("{label}: {}", if b { "yes" } else { "no" }),
        _ => {
            let mut text = format!("{label} is ");
            display::push_statement_text(&mut text, model, ty, v);
            text
        }
    }
}

fn reads_words(model: &Model, reads: &[Read]) -> String {
    let words: Vec<String> = reads.iter().map(|r| read_words(model, r)).collect();
    words.join("; ")
}

/// Why not: first the recommendations whose sections were reached and
/// whose own condition is false, one line each, then the sections that do
/// not apply, one line each with the recommendations they hold.
pub(crate) fn why_not(out: &mut String, outcome: &Outcome, program: &Program, why: &[WhyNot]) {
    let model = &program.model;
    if why.is_empty() {
        return;
    }
    let _ = writeln!(out, "\nWhy not");
    let id = |r: usize| outcome.recommendations.get(r).map_or("", |x| &x.id);
    for w in why.iter().filter(|w| w.section.is_none()) {
        let because = match w.reads.is_empty() {
            true => "not applicable whatever the facts still unknown are".to_string(),
            false => format!("not applicable: {}", reads_words(model, &w.reads)),
        };
        let _ = writeln!(out, "  * [{}] {because}", id(w.rec));
    }
    let mut sections: Vec<(crate::check::model::SectionId, Vec<&WhyNot>)> = Vec::new();
    for w in why {
        let Some(s) = w.section else { continue };
        match sections.iter_mut().find(|(x, _)| *x == s) {
            Some((_, list)) => list.push(w),
            None => sections.push((s, vec![w])),
        }
    }
    for (s, list) in sections {
        let title = model
            .sections
            .get(s.0 as usize)
            .map_or("", |x| x.title.as_str());
        let reads = list
            .first()
            .map(|w| reads_words(model, &w.reads))
            .unwrap_or_default();
        let ids: Vec<String> = list.iter().map(|w| format!("[{}]", id(w.rec))).collect();
        let _ = writeln!(
            out,
            "  * {title}: does not apply ({reads}); not reached: {}",
            ids.join(", ")
        );
    }
}
