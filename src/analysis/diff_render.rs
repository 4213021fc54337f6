//! Analysis stage, `cairn diff`: the text and JSON reports, and the
//! located diagnostic of an item that could not be decided.

use super::diff::{Diff, Item, Undecided};
use super::error::AnalysisError;
use crate::check::Checked;
use crate::diagnostics::Diagnostics;
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

/// The undecided verdict of an item, located at its declaration in the
/// new version (the old one's when removed), with the reason a
/// recommendation's `acknowledge undecided` gives.
pub(super) fn not_decided(
    old: &Checked,
    new: &Checked,
    item: &Item,
    over: bool,
    evaluations: u64,
    facts: usize,
) -> Undecided {
    let (kind, name) = (item.kind(), item.name());
    let at = |c: &Checked| -> Option<(crate::source::Span, Option<String>)> {
        let m = &c.model;
        match item {
            Item::Rec(..) => m.rec(name).and_then(|r| m.recs.get(r.0 as usize)).map(|r| {
                let ack = r
                    .acknowledged
                    .iter()
                    .find(|a| a.finding == "undecided")
                    .map(|a| a.reason.clone());
                (r.span, ack)
            }),
            Item::Def(..) => m
                .def(name)
                .and_then(|d| m.defs.get(d.0 as usize))
                .map(|d| (d.span, None)),
        }
    };
    let (source, (span, acknowledged)) = match (at(new), at(old)) {
        (Some(x), _) => (new, x),
        (None, Some(x)) => (old, x),
        (None, None) => (new, (crate::source::Span::default(), None)),
    };
    let (reason, message, help) = if over {
        (
            "budget",
            format!("could not decide within the budget whether the behaviour of {kind} `{name}` changed"),
            format!("the search over the {facts} facts it reads stopped after {evaluations} evaluations of both versions without finding a change; a change may hide in the cases not tried. Simplify its conditions, or acknowledge it: `acknowledge undecided \"reason\"` on the recommendation, or `cairn diff --acknowledge-undecided \"reason\"`"),
        )
    } else {
        (
            "split",
            format!("could not decide whether the behaviour of {kind} `{name}` changed"),
            "its logic changed and compares facts with each other (or is a number that follows a fact), which no split of their values decides exactly; no case tried shows a change. Acknowledge it with `acknowledge undecided \"reason\"` on the recommendation, or `cairn diff --acknowledge-undecided \"reason\"`".to_string(),
        )
    };
    let lc = source.sources.line_col(span);
    let file = source
        .sources
        .get(span.file)
        .map(|f| f.name.clone())
        .unwrap_or_default();
    let mut d = Diagnostics::new();
    d.push(
        span.file,
        AnalysisError::Undecided {
            message: message.clone(),
            span: span.miette(),
            label: "not decided".into(),
            help: help.clone(),
        },
    );
    Undecided {
        item: kind,
        name: name.to_string(),
        reason,
        code: "cairn::analysis::undecided",
        message,
        help,
        file,
        line: lc.line,
        column: lc.column,
        evaluations,
        acknowledged,
        rendered: d.render(&source.sources, 100),
    }
}
