//! Serve stage: `cairn serve --report LOG`, the feedback log summarised
//! per recommendation (accepted, overridden by reason).

use super::error::ServeError;
use super::feedback::Record;
use serde::Serialize;
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// The summary of one recommendation's feedback.
#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct Tally {
    /// The guideline (`id version`).
    pub guideline: String,
    /// The recommendation (`data-needed`, or `(unknown card)` for cards
    /// the server no longer remembered).
    pub recommendation: String,
    /// Cards accepted.
    pub accepted: u64,
    /// Cards overridden.
    pub overridden: u64,
    /// Overrides by reason code (`(none)` when no reason was given).
    pub reasons: BTreeMap<String, u64>,
}

/// Reads a feedback log's text into per-recommendation tallies, sorted by
/// guideline and recommendation.
pub fn summarise(path: &str, text: &str) -> Result<Vec<Tally>, ServeError> {
    let mut tallies: BTreeMap<(String, String), Tally> = BTreeMap::new();
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let record: Record = serde_json::from_str(line).map_err(|e| ServeError::FeedbackLog {
            path: path.to_string(),
            line: i + 1,
            message: e.to_string(),
        })?;
        let rec = record
            .recommendation
            .clone()
            .unwrap_or_else(|| "(unknown card)".to_string());
        let tally = tallies
            .entry((record.guideline.clone(), rec.clone()))
            .or_insert_with(|| Tally {
                guideline: record.guideline.clone(),
                recommendation: rec,
                ..Tally::default()
            });
        match record.outcome.as_str() {
            "accepted" => tally.accepted += 1,
            "overridden" => {
                tally.overridden += 1;
                let reason = record
                    .override_reason
                    .clone()
                    .unwrap_or_else(|| "(none)".to_string());
                *tally.reasons.entry(reason).or_default() += 1;
            }
            other => {
                return Err(ServeError::FeedbackLog {
                    path: path.to_string(),
                    line: i + 1,
                    message: format!("unknown outcome `{other}`"),
                })
            }
        }
    }
    Ok(tallies.into_values().collect())
}

/// The tallies as a text table.
pub fn render(tallies: &[Tally]) -> String {
    if tallies.is_empty() {
        return "no feedback recorded\n".to_string();
    }
    let width = tallies
        .iter()
        .map(|t| t.recommendation.chars().count())
        .max()
        .unwrap_or(0)
        .max("recommendation".len());
    let mut out = String::new();
    let mut guideline = "";
    for t in tallies {
        if t.guideline != guideline {
            guideline = &t.guideline;
            let _ = writeln!(out, "{guideline}");
            let _ = writeln!(
                out,
                "  {:width$}  accepted  overridden  reasons",
                "recommendation"
            );
        }
        let reasons: Vec<String> = t.reasons.iter().map(|(r, n)| format!("{r} {n}")).collect();
        let _ = writeln!(
            out,
            "  {:width$}  {:>8}  {:>10}  {}",
            t.recommendation,
            t.accepted,
            t.overridden,
            reasons.join(", ")
        )
        .map(|()| ());
    }
    out.lines()
        .map(str::trim_end)
        .collect::<Vec<_>>()
        .join("\n")
        + "\n"
}
