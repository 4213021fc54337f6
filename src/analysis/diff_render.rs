//! Analysis stage, `cairn diff`: the text and JSON reports.

use super::diff::Diff;
use std::fmt::Write;

/// The report as text: the changes with their witnesses, each item that
/// could not be decided as a located error (acknowledged ones with their
/// reasons), then the textual changes.
pub fn render_text(d: &Diff) -> String {
    let mut out = String::new();
    if d.regions.is_empty() && d.undecided.is_empty() {
        out.push_str("no change in behaviour\n");
    } else if d.regions.is_empty() {
        let _ = writeln!(
            out,
            "no change in behaviour found, but {} could not be decided (below)",
            plural(d.undecided.len(), "item")
        );
    } else {
        out.push_str("Changes in behaviour\n");
        for r in &d.regions {
            let partial = if r.exhaustive {
                ""
            } else {
                "; the search was not exhaustive, other changes may exist"
            };
            let _ = writeln!(
                out,
                "  {} `{}` {}: {} -> {} ({} {} run{partial})\n    witness case: {}",
                r.item,
                r.name,
                r.aspect,
                r.before,
                r.after,
                r.cases,
                if r.cases == 1 { "case" } else { "cases" },
                r.witness
            );
            for rule in &r.rules {
                let _ = writeln!(out, "    changed rule: {rule}");
            }
        }
    }
    let open: Vec<_> = d
        .undecided
        .iter()
        .filter(|u| u.acknowledged.is_none())
        .collect();
    for u in &open {
        out.push('\n');
        out.push_str(&u.rendered);
    }
    let acked: Vec<_> = d
        .undecided
        .iter()
        .filter_map(|u| u.acknowledged.as_ref().map(|a| (u, a)))
        .collect();
    if !acked.is_empty() {
        out.push_str("\nAcknowledged as not decided\n");
        for (u, reason) in acked {
            let _ = writeln!(
                out,
                "  {} at {}:{}: {}\n    reason: {reason}",
                u.code, u.file, u.line, u.message
            );
        }
    }
    if !d.undecided.is_empty() {
        let _ = writeln!(
            out,
            "\n{}, {} acknowledged\n",
            plural(open.len(), "error"),
            d.undecided.len() - open.len()
        );
    }
    if d.text.is_empty() {
        out.push_str("no textual changes\n");
    } else {
        out.push_str("Textual changes\n");
        for t in &d.text {
            let _ = writeln!(out, "  {t}");
        }
    }
    out
}

/// The report as JSON: `behaviour_changed`, `regions`, `undecided` (with
/// their codes and locations), `errors` (unacknowledged undecided items),
/// `text`, and the deprecated `sampled` (always false).
pub fn render_json(d: &Diff) -> serde_json::Value {
    serde_json::json!({
        "behaviour_changed": !d.regions.is_empty(),
        "regions": d.regions,
        "undecided": d.undecided,
        "errors": d.error_count(),
        "text": d.text,
        "sampled": d.sampled,
    })
}

fn plural(n: usize, word: &str) -> String {
    format!("{n} {word}{}", if n == 1 { "" } else { "s" })
}
