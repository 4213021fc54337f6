//! Eval stage: the two lists of the clinician note that look past what
//! applies: what to ask next (one ranked list of missing facts, each once)
//! and why not (one plain line per recommendation that does not apply), as
//! the note's data (`note_model`).

use super::note::{group_title, kind_words};
use super::note_facts::{Read, WhyNot};
use super::note_model::{AskGroup, AskLine, AskNext, WhyNotLine};
use crate::check::model::{Model, Type};
use crate::eval::outcome::{display, Outcome, RecOutcome, Status};
use crate::eval::Program;
use crate::strength::Strength;
use crate::value::Value;
use std::collections::BTreeMap;

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
/// the strongest of them, listed under the guideline's fact groups; `None`
/// when nothing is undetermined.
pub(crate) fn ask_next(outcome: &Outcome, model: &Model) -> Option<AskNext> {
    let undetermined: Vec<&RecOutcome> = outcome
        .recommendations
        .iter()
        .filter(|r| r.status == Status::Undetermined)
        .collect();
    if undetermined.is_empty() {
        return None;
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
    let mut groups: Vec<Option<&str>> = Vec::new();
    for a in &asks {
        let g = group_of(model, a.fact);
        if !groups.contains(&g) {
            groups.push(g);
        }
    }
    let groups = groups
        .into_iter()
        .map(|g| AskGroup {
            title: g
                .map_or("Other facts", |g| group_title(model, g))
                .to_string(),
            asks: asks
                .iter()
                .enumerate()
                .filter(|(_, a)| group_of(model, a.fact) == g)
                .map(|(rank, a)| ask_line(model, rank + 1, a))
                .collect(),
        })
        .collect();
    let stuck = undetermined
        .iter()
        .filter(|r| r.missing.is_empty())
        .map(|rec| {
            let why = match rec.diagnostics.first() {
                Some(d) => d.message.clone(),
                None => "no missing fact decides it (see --audience informaticist)".to_string(),
            };
            (rec.id.to_string(), why)
        })
        .collect();
    Some(AskNext {
        facts: asks.len(),
        undetermined: undetermined.len(),
        groups,
        stuck,
    })
}

/// One ranked fact: its label, how many it decides, the strongest of
/// them, then the answers known to make a recommendation apply.
fn ask_line(model: &Model, rank: usize, a: &Ask) -> AskLine {
    let label = model.user_description(a.fact).unwrap_or(a.fact);
    let strongest = a
        .recs
        .iter()
        .min_by_key(|r| weight(r))
        .map(|r| (kind_words(&r.kind).to_string(), r.id.to_string()));
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
    AskLine {
        rank,
        label: label.to_string(),
        fact: a.fact.to_string(),
        decides: a.recs.len(),
        strongest,
        leads: leads
            .into_iter()
            .map(|(v, ids)| (v.to_string(), ids.into_iter().map(str::to_string).collect()))
            .collect(),
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
pub(crate) fn why_not(outcome: &Outcome, program: &Program, why: &[WhyNot]) -> Vec<WhyNotLine> {
    let model = &program.model;
    let id = |r: usize| {
        outcome
            .recommendations
            .get(r)
            .map_or(String::new(), |x| x.id.to_string())
    };
    let mut lines = Vec::new();
    for w in why.iter().filter(|w| w.section.is_none()) {
        let because = match w.reads.is_empty() {
            true => "not applicable whatever the facts still unknown are".to_string(),
            false => format!("not applicable: {}", reads_words(model, &w.reads)),
        };
        lines.push(WhyNotLine::Rec {
            id: id(w.rec),
            because,
        });
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
        lines.push(WhyNotLine::Section {
            title: title.to_string(),
            reads,
            ids: list.iter().map(|w| id(w.rec)).collect(),
        });
    }
    lines
}
