//! Eval stage: the clinician note, the default text of `cairn run`, built
//! as data (`note_model`) that `note_text` prints and `report` writes as HTML.
//!
//! It reads an [`Outcome`] and, for what the outcome does not carry (the
//! deciding facts of "why not", the definitions what applies uses), the
//! evaluated slots (`note_facts`). Its parts, in order: provenance, what
//! applies, derived values that an applying recommendation uses, follow-up,
//! what to ask next and why not (`note_ask`), the references cited, and a
//! disclaimer. The informaticist's full detail is [`super::render::note`].

use super::note_ask;
use super::note_facts;
use super::note_model::{Applied, AppliesGroup, FactGroup, Note};
use crate::case::CaseFile;
use crate::check::model::{Model, Type};
use crate::eval::outcome::{display, Outcome, RecOutcome, Status};
use crate::eval::{Program, Scratch};
use crate::strength::Strength;
use std::collections::BTreeSet;

/// What the clinician note needs besides the outcome.
#[derive(Debug, Clone, Copy)]
pub struct NoteInput<'a> {
    /// The case, with its name.
    pub case: &'a CaseFile,
    /// When the note is produced, as printed (`2026-12-03 11:00 UTC`).
    pub produced: &'a str,
}

/// The disclaimer closing every note.
pub const DISCLAIMER: &str =
    "Decision support, not a substitute for clinical judgement: check the facts and the source before acting.";

/// The kind of a recommendation in the words a clinician reads.
pub(crate) fn kind_words(kind: &str) -> &str {
    match kind {
        "recommend" => "Recommended",
        "suggest" => "Suggested",
        "option" => "An option",
        "consider" => "Consider",
        "do-not-offer" => "Do not offer",
        "discourage" => "Discouraged",
        "refer" => "Refer",
        "inform" => "For information",
        other => other,
    }
}

/// A strength in words: GRADE spelled out ("weak recommendation,
/// low-quality evidence, 2C"), a declared scheme's value with its
/// description, any other scheme in its own words.
pub(crate) fn strength_words(s: &Strength) -> String {
    match s {
        Strength::Grade(g) => {
            let level = if g.level == 1 { "strong" } else { "weak" };
            let quality = match g.quality {
                'A' => "high",
                'B' => "moderate",
                _ => "low",
            };
            format!("{level} recommendation, {quality}-quality evidence, {s}")
        }
        Strength::Custom(scheme, i) => {
            let desc = scheme
                .values
                .get(*i as usize)
                .and_then(|v| v.description.as_ref());
            match desc {
                Some(d) => format!("{}: {s} ({d})", scheme.title),
                None => format!("{}: {s}", scheme.title),
            }
        }
        other => other.to_string(),
    }
}

/// A reference's short form: first author (`et al.` when there are more)
/// and year, from the reference text (`Salerno et al. 2021`).
pub fn short_reference(text: &str) -> String {
    let authors = text.split(". ").next().unwrap_or(text);
    let first = authors.split(',').next().unwrap_or(authors).trim();
    // "Salerno KE": drop the initials.
    let mut words: Vec<&str> = first
        .split_whitespace()
        .take_while(|w| !w.contains("://"))
        .collect();
    // A person's name ends in initials; an institution's or a title does not.
    let person = words.len() > 1
        && words
            .last()
            .is_some_and(|w| w.len() <= 3 && w.chars().all(|c| c.is_ascii_uppercase() || c == '-'));
    if person {
        words.pop();
    }
    let mut name: String = words.join(" ");
    if name.chars().count() > 40 {
        name = name.chars().take(37).collect::<String>() + "...";
    }
    let more = person && (authors.contains(',') || authors.contains("et al"));
    let year = text
        .split(|c: char| !c.is_ascii_digit())
        .find(|w| w.len() == 4 && (w.starts_with("19") || w.starts_with("20")));
    match (more, year) {
        (true, Some(y)) => format!("{name} et al. {y}"),
        (true, None) => format!("{name} et al."),
        (false, Some(y)) => format!("{name} {y}"),
        (false, None) => name,
    }
}

/// `Salerno et al. 2021 [9]; Heslin et al. 1997 [10]`.
fn citations(model: &Model, list: &[u32]) -> String {
    let items: Vec<String> = list
        .iter()
        .map(|n| match model.references.get(n) {
            Some(text) => format!("{} [{n}]", short_reference(text)),
            None => format!("[{n}]"),
        })
        .collect();
    items.join("; ")
}

/// Provenance: the guideline, its source and review, the case and the
/// facts it gives, and when the note was produced.
fn provenance(note: &mut Note, outcome: &Outcome, model: &Model, input: &NoteInput) {
    let meta = &model.meta;
    note.title = if meta.title.is_empty() {
        outcome.guideline.id.to_string()
    } else {
        meta.title.clone()
    };
    let status = if meta.status.is_empty() {
        String::new()
    } else {
        format!(", status {}", meta.status)
    };
    note.guideline = format!(
        "{} version {}{status}",
        outcome.guideline.id, outcome.guideline.version
    );
    if !meta.source.is_empty() {
        let dated = meta
            .source_date
            .as_ref()
            .map(|d| format!(" (dated {d})"))
            .unwrap_or_default();
        note.source = Some(format!("{}{dated}", meta.source));
    }
    note.last_reviewed = meta.last_reviewed.as_ref().map(ToString::to_string);
    note.case = input.case.name.clone();
    note.produced = input.produced.to_string();
    note.warnings = outcome
        .diagnostics
        .iter()
        .map(|d| format!("{} ({}) [{}]", d.message, d.location, d.code))
        .collect();
    facts_given(note, outcome, model, input);
}

/// The facts the case gives, under their groups, then those taken as
/// their declared absent value.
fn facts_given(note: &mut Note, outcome: &Outcome, model: &Model, input: &NoteInput) {
    let case = &input.case.case;
    let mut lines: Vec<(Option<&str>, String)> = Vec::new();
    for (i, f) in model.facts.iter().enumerate() {
        let v = case.facts.get(i).copied().flatten();
        if v.is_none() || case.absent.contains(&(i as u32)) {
            continue;
        }
        let text = match model.slot_of(crate::check::model::FactId(i as u32)) {
            Some((list, value)) => {
                let has = v == Some(crate::value::Value::Bool(true));
                let verb = if has { "includes" } else { "does not include" };
                format!("{}: {verb} {value}", list.description)
            }
            None => match v {
                Some(crate::value::Value::Bool(b)) => {
                    format!("{}: {}", f.description, if b { "yes" } else { "no" })
                }
                _ => {
                    let mut t = format!("{}: ", f.description);
                    display::push_statement_text(&mut t, model, f.ty, v);
                    t
                }
            },
        };
        lines.push((f.group.as_deref(), text));
    }
    let mut groups: Vec<Option<&str>> = Vec::new();
    for (g, _) in &lines {
        if !groups.contains(g) {
            groups.push(*g);
        }
    }
    note.facts = groups
        .into_iter()
        .map(|g| FactGroup {
            title: g.map(|g| group_title(model, g).to_string()),
            lines: lines
                .iter()
                .filter(|(lg, _)| *lg == g)
                .map(|(_, t)| t.clone())
                .collect(),
        })
        .collect();
    note.assumed = outcome
        .absent
        .iter()
        .map(|a| {
            let label = model.user_description(&a.fact).unwrap_or(&a.fact);
            let value = match &a.value {
                serde_json::Value::String(s) => s.replace('_', " "),
                serde_json::Value::Array(v) if v.is_empty() => "none".to_string(),
                other => other.to_string(),
            };
            format!("{label}: {value}")
        })
        .collect();
}

/// A group's title (its name when the guideline gives none).
pub(crate) fn group_title<'m>(model: &'m Model, name: &'m str) -> &'m str {
    model
        .group_titles
        .iter()
        .find(|(n, _)| n == name)
        .map_or(name, |(_, t)| t.as_str())
}

/// One recommendation that applies.
fn applied(rec: &RecOutcome, statement: &str, model: &Model) -> Applied {
    let kind = kind_words(&rec.kind);
    // A NICE strength is its wording, already said by the kind.
    let strength = rec
        .strength
        .as_ref()
        .map(strength_words)
        .filter(|s| !s.eq_ignore_ascii_case(kind));
    let mut lines: Vec<(String, String)> = Vec::new();
    let mut line = |label: &str, text: String| lines.push((label.to_string(), text));
    if !rec.grading_missing.is_empty() {
        let facts = note_ask::fact_labels(model, &rec.grading_missing);
        line("strength not yet decided", format!("depends on {facts}"));
    }
    for (name, values) in rec.details.iter() {
        let texts: Vec<String> = match values {
            serde_json::Value::Array(items) => items.iter().map(detail_text).collect(),
            other => vec![detail_text(other)],
        };
        line(&name.replace('_', " "), texts.join("; "));
    }
    for alt in rec.alternatives.iter() {
        let see = alt
            .id
            .as_ref()
            .map(|id| format!(" [{id}]"))
            .unwrap_or_default();
        line("alternative", format!("{}{see}", alt.text));
    }
    for note in rec.notes.iter() {
        line("note", note.clone());
    }
    for see in rec.see.iter() {
        line("see", see.clone());
    }
    if !rec.citations.is_empty() {
        line("references", citations(model, &rec.citations));
    }
    Applied {
        id: rec.id.to_string(),
        kind: rec.kind.to_string(),
        kind_words: kind.to_string(),
        strength,
        statement: statement.to_string(),
        lines,
    }
}

/// A detail value of the JSON contract in words.
fn detail_text(v: &serde_json::Value) -> String {
    match v.get("text").unwrap_or(v) {
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// The derived values a recommendation that applies uses (in a condition
/// or a placeholder), known and not mere yes/no state.
fn derived(program: &Program, scratch: &mut Scratch, applying: &[usize]) -> Vec<String> {
    let model = &program.model;
    let defs = note_facts::used_defs(program, scratch, applying);
    let mut lines = Vec::new();
    for d in defs {
        let Some(info) = model.defs.get(d as usize) else {
            continue;
        };
        let v = program
            .code
            .def_root
            .get(d as usize)
            .and_then(|&pc| scratch.vals.get(pc as usize).copied().flatten());
        if v.is_none() || matches!(info.ty, Type::Bool | Type::Row(_)) {
            continue;
        }
        let mut text = format!("{}: ", info.description);
        display::push_statement_text(&mut text, model, info.ty, v);
        lines.push(text);
    }
    lines
}

/// The clinician note of one case as data (see the module documentation).
/// `scratch` holds the evaluation that produced `outcome`.
pub(crate) fn build(
    outcome: &Outcome,
    program: &Program,
    scratch: &mut Scratch,
    input: &NoteInput,
) -> Note {
    let model = &program.model;
    let mut note = Note::default();
    provenance(&mut note, outcome, model, input);
    let mut applying = Vec::new();
    let mut cited = BTreeSet::new();
    for (r, rec) in outcome.recommendations.iter().enumerate() {
        if rec.status != Status::Applies {
            continue;
        }
        let same = note
            .applies
            .last()
            .is_some_and(|g| g.section_path == *rec.section_path);
        if !same {
            let path = match rec.section_path.is_empty() {
                true => "(no section)".to_string(),
                false => rec.section_path.join(" > "),
            };
            note.applies.push(AppliesGroup {
                path,
                section_path: rec.section_path.to_vec(),
                recs: Vec::new(),
            });
        }
        let plain = note_facts::plain_statement(program, scratch, &input.case.case, outcome, r);
        let one = applied(rec, plain.as_deref().unwrap_or(&rec.statement), model);
        if let Some(group) = note.applies.last_mut() {
            group.recs.push(one);
        }
        cited.extend(rec.citations.iter().copied());
        applying.push(r);
    }
    note.derived = derived(program, scratch, &applying);
    note.ask = note_ask::ask_next(outcome, model);
    let why = note_facts::why_not(program, scratch);
    note.why_not = note_ask::why_not(outcome, program, &why);
    note.references = cited
        .into_iter()
        .map(|n| {
            let text = model
                .references
                .get(&n)
                .map_or("(not in the guideline)", String::as_str);
            (n, text.to_string())
        })
        .collect();
    note
}

/// The clinician note of one case as text, the default of `cairn run`.
/// `scratch` holds the evaluation that produced `outcome`.
pub fn clinician(
    outcome: &Outcome,
    program: &Program,
    scratch: &mut Scratch,
    input: &NoteInput,
) -> String {
    let note = build(outcome, program, scratch, input);
    super::note_text::write(&note, outcome)
}
