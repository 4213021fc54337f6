//! Serve stage: the one "data needed" card, listing the facts the record
//! lacks that would decide the undetermined recommendations.
//!
//! This is what other CDS services leave out: a fact absent from the
//! record is unknown, never false, so a recommendation that depends on it
//! is undetermined, and the clinician is told which fact (by its label)
//! would decide which recommendations, and whether the record can hold it
//! at all (a fact the binding leaves unbound is named with its reason).

use super::cards::{self, CardContext, IssuedCard};
use crate::eval::outcome::{Outcome, Status};
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// One missing fact and the recommendations it would decide.
#[derive(Debug, Clone, PartialEq)]
pub struct Needed {
    /// The fact's name.
    pub fact: String,
    /// Its label (the fact's description).
    pub label: String,
    /// The recommendations it would decide, by id, in document order.
    pub decides: Vec<String>,
    /// Why the binding does not read it, when it is unbound.
    pub unbound: Option<String>,
}

/// The missing facts of the undetermined recommendations, in the order
/// the guideline declares them.
pub fn needed(
    ctx: &CardContext<'_>,
    outcome: &Outcome<'_>,
    unbound: &BTreeMap<String, String>,
) -> Vec<Needed> {
    let mut by_fact: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    for r in &outcome.recommendations {
        if r.status != Status::Undetermined {
            continue;
        }
        for fact in &r.missing {
            let recs = by_fact.entry(fact.as_str()).or_default();
            if !recs.contains(&r.id.to_string()) {
                recs.push(r.id.to_string());
            }
        }
    }
    let position = |name: &str| {
        ctx.model
            .facts
            .iter()
            .position(|f| f.name == name)
            .unwrap_or(usize::MAX)
    };
    let mut out: Vec<Needed> = by_fact
        .into_iter()
        .map(|(fact, decides)| Needed {
            fact: fact.to_string(),
            label: ctx
                .model
                .fact(fact)
                .and_then(|id| ctx.model.facts.get(id.0 as usize))
                .map_or_else(|| fact.to_string(), |f| f.description.clone()),
            decides,
            unbound: unbound.get(fact).cloned(),
        })
        .collect();
    out.sort_by_key(|n| position(&n.fact));
    out
}

/// The data-needed card, or `None` when no undetermined recommendation
/// waits on a fact.
pub fn card(
    ctx: &CardContext<'_>,
    outcome: &Outcome<'_>,
    unbound: &BTreeMap<String, String>,
) -> Option<IssuedCard> {
    let needed = needed(ctx, outcome, unbound);
    if needed.is_empty() {
        return None;
    }
    let undetermined = outcome
        .recommendations
        .iter()
        .filter(|r| r.status == Status::Undetermined && !r.missing.is_empty())
        .count();
    let plural = |n: usize, one: &str, many: &str| {
        if n == 1 {
            format!("{n} {one}")
        } else {
            format!("{n} {many}")
        }
    };
    let summary = cards::summary(
        "Data needed",
        &format!(
            "{} would decide {}",
            plural(needed.len(), "missing fact", "missing facts"),
            plural(undetermined, "more recommendation", "more recommendations")
        ),
    );
    let statements: BTreeMap<&str, &str> = outcome
        .recommendations
        .iter()
        .map(|r| (&*r.id, &*r.statement))
        .collect();
    let mut md = format!(
        "These facts are not in the record ({}), so the recommendations below are \
         **undetermined**: Cairn never takes a missing fact as false.\n\n",
        ctx.data_source
    );
    for n in &needed {
        let _ = write!(md, "- **{}** (`{}`) decides ", n.label, n.fact);
        let decides: Vec<String> = n
            .decides
            .iter()
            .map(|id| {
                let statement = statements.get(id.as_str()).copied().unwrap_or("");
                format!("`{id}` ({})", short(statement))
            })
            .collect();
        md.push_str(&decides.join(", "));
        if let Some(reason) = &n.unbound {
            let _ = write!(md, " — not read from {}: {}", ctx.data_source, reason);
        }
        md.push('\n');
    }
    let _ = write!(md, "\n*{}*", cards::source_line(ctx.model));
    let uuid = uuid::Uuid::new_v4().to_string();
    let facts: Vec<Value> = needed
        .iter()
        .map(|n| json!({"fact": n.fact, "label": n.label, "decides": n.decides}))
        .collect();
    let json = json!({
        "uuid": uuid,
        "summary": summary,
        "indicator": "info",
        "detail": md,
        "source": cards::source(ctx, "data-needed"),
        "links": cards::links(ctx),
        "extension": {"cairn-data-needed": facts},
    });
    Some(IssuedCard {
        uuid,
        recommendation: None,
        json,
    })
}

/// A statement cut to about 60 characters, for the list.
fn short(statement: &str) -> String {
    let words = statement.split_whitespace().collect::<Vec<_>>().join(" ");
    if words.chars().count() <= 60 {
        return words;
    }
    let cut: String = words.chars().take(59).collect();
    let end = cut.rfind(' ').unwrap_or(cut.len());
    format!("{}…", cut[..end].trim_end_matches([',', ';', ':', '.']))
}
