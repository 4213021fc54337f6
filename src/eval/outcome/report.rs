//! Eval stage, outcome: the HTML report of one case (`cairn report`), one
//! self-contained page (the style inline, no script, no resource fetched)
//! that prints on A4: the clinician note written from its data
//! (`note_model`, the same the text note prints), the follow-up schedules
//! as timelines (`report_timeline`), the flowcharts the caller passes
//! (`report_flowchart`), what to ask next, why not and the references.
//!
//! Every text is escaped (with the flowcharts' escape): guideline strings
//! and case values are user input.
//! The page is also well-formed XML (void elements closed, the style free
//! of `<` and `&`), so that a test can parse it strictly.

use super::note::{self, NoteInput, DISCLAIMER};
use super::note_model::{Applied, AskNext, Note, WhyNotLine};
use super::report_flowchart;
use super::report_timeline;
use super::Outcome;
use crate::eval::{Program, Scratch};
use std::fmt::Write;

pub use super::report_flowchart::{sections_on_path, Flowchart};
/// Escapes text for HTML and XML alike (the one escape, shared with the
/// flowcharts' SVG).
pub(crate) use crate::graph::escape;

/// The report's style sheet, inlined in every report.
const CSS: &str = include_str!("report.css");

/// The colour family of a kind: to do, not to do, refer, for information.
fn tone(kind: &str) -> &'static str {
    match kind {
        "recommend" | "suggest" | "option" | "consider" => "do",
        "do-not-offer" | "discourage" => "dont",
        "refer" => "refer",
        _ => "inform",
    }
}

/// The HTML report of one case. `scratch` holds the evaluation that
/// produced `outcome`; `flowcharts` are shown in their order (none: no
/// flowchart section).
pub fn html(
    outcome: &Outcome,
    program: &Program,
    scratch: &mut Scratch,
    input: &NoteInput,
    flowcharts: &[Flowchart],
) -> String {
    let note = note::build(outcome, program, scratch, input);
    let mut out = String::with_capacity(64 * 1024);
    let _ = writeln!(out, "<!DOCTYPE html>");
    let _ = writeln!(out, "<html lang=\"en\">\n<head>");
    let _ = writeln!(out, "<meta charset=\"utf-8\" />");
    let _ = writeln!(
        out,
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\" />"
    );
    let _ = writeln!(
        out,
        "<title>{} \u{2014} {}</title>",
        escape(&note.title),
        escape(&note.case)
    );
    let _ = writeln!(out, "<style>\n{CSS}</style>\n</head>\n<body>");
    header(&mut out, &note);
    facts(&mut out, &note);
    applies(&mut out, &note);
    if !note.derived.is_empty() {
        let _ = writeln!(
            out,
            "<section id=\"derived\">\n<h2>Derived values used above</h2>"
        );
        list(&mut out, "", &note.derived);
        let _ = writeln!(out, "</section>");
    }
    report_timeline::section(&mut out, &outcome.schedules);
    report_flowchart::section(&mut out, flowcharts);
    if let Some(ask) = &note.ask {
        ask_next(&mut out, ask);
    }
    why_not(&mut out, &note.why_not);
    references(&mut out, &note);
    let _ = writeln!(
        out,
        "<footer>\n<p class=\"disclaimer\">{}</p>\n</footer>\n</body>\n</html>",
        escape(DISCLAIMER)
    );
    out
}

/// `<ul>` of plain lines (with a class when `class` is not empty).
fn list(out: &mut String, class: &str, lines: &[String]) {
    match class.is_empty() {
        true => out.push_str("<ul>\n"),
        false => {
            let _ = writeln!(out, "<ul class=\"{class}\">");
        }
    }
    for l in lines {
        let _ = writeln!(out, "<li>{}</li>", escape(l));
    }
    out.push_str("</ul>\n");
}

/// The title, the guideline, the case, when it was produced, warnings.
fn header(out: &mut String, note: &Note) {
    let _ = writeln!(
        out,
        "<header>\n<h1>{}</h1>\n<dl class=\"meta\">",
        escape(&note.title)
    );
    let mut row = |term: &str, value: &str| {
        let _ = writeln!(out, "<dt>{term}</dt><dd>{}</dd>", escape(value));
    };
    row("Guideline", &note.guideline);
    if let Some(source) = &note.source {
        row("Source", source);
    }
    if let Some(d) = &note.last_reviewed {
        row("Last reviewed", d);
    }
    row("Case", &note.case);
    row("Produced", &note.produced);
    out.push_str("</dl>\n");
    if !note.warnings.is_empty() {
        let warnings: Vec<String> = note
            .warnings
            .iter()
            .map(|w| format!("Warning: {w}"))
            .collect();
        list(out, "warnings", &warnings);
    }
    out.push_str("</header>\n");
}

/// The facts the case gives, under their groups, then those assumed.
fn facts(out: &mut String, note: &Note) {
    let _ = writeln!(out, "<section id=\"facts\">\n<h2>Facts given</h2>");
    if note.facts.is_empty() {
        let _ = writeln!(out, "<p class=\"none\">none</p>");
    }
    for group in &note.facts {
        if let Some(title) = &group.title {
            let _ = writeln!(out, "<h3>{}</h3>", escape(title));
        }
        list(out, "", &group.lines);
    }
    if !note.assumed.is_empty() {
        let _ = writeln!(out, "<h3>Not given, taken as the guideline declares</h3>");
        list(out, "", &note.assumed);
    }
    out.push_str("</section>\n");
}

/// What applies, under the section paths.
fn applies(out: &mut String, note: &Note) {
    let _ = writeln!(
        out,
        "<section id=\"applies\" class=\"page\">\n<h2>What applies</h2>"
    );
    if note.applies.is_empty() {
        let _ = writeln!(
            out,
            "<p class=\"none\">nothing applies with the facts given</p>"
        );
    }
    for group in &note.applies {
        let _ = writeln!(out, "<h3>{}</h3>", escape(&group.path));
        for rec in &group.recs {
            applied(out, rec);
        }
    }
    out.push_str("</section>\n");
}

/// One recommendation that applies: its kind, strength, id, statement and
/// the lines that follow it.
fn applied(out: &mut String, rec: &Applied) {
    let id = escape(&rec.id);
    let _ = writeln!(
        out,
        "<article class=\"rec tone-{}\" id=\"rec-{id}\">",
        tone(&rec.kind)
    );
    let strength = rec
        .strength
        .as_ref()
        .map(|s| format!(" <span class=\"strength\">({})</span>", escape(s)))
        .unwrap_or_default();
    let _ = writeln!(
        out,
        "<p class=\"rec-head\"><span class=\"kind\">{}</span>{strength} <code>[{id}]</code></p>",
        escape(&rec.kind_words)
    );
    let _ = writeln!(out, "<p class=\"statement\">{}</p>", escape(&rec.statement));
    if !rec.lines.is_empty() {
        out.push_str("<dl class=\"rec-lines\">\n");
        for (label, text) in &rec.lines {
            let _ = writeln!(out, "<dt>{}</dt><dd>{}</dd>", escape(label), escape(text));
        }
        out.push_str("</dl>\n");
    }
    out.push_str("</article>\n");
}

/// What to ask next: the ranked facts under their groups.
fn ask_next(out: &mut String, ask: &AskNext) {
    let _ = writeln!(
        out,
        "<section id=\"ask-next\" class=\"page\">\n<h2>What to ask next</h2>"
    );
    let _ = writeln!(
        out,
        "<p>{} fact(s) would decide {} undetermined recommendation(s).</p>",
        ask.facts, ask.undetermined
    );
    for group in &ask.groups {
        let _ = writeln!(
            out,
            "<h3>{}</h3>\n<ol class=\"asks\">",
            escape(&group.title)
        );
        for a in &group.asks {
            let best = a
                .strongest
                .as_ref()
                .map(|(kind, id)| {
                    format!(
                        "; strongest: {} <code>[{}]</code>",
                        escape(kind),
                        escape(id)
                    )
                })
                .unwrap_or_default();
            let _ = write!(
                out,
                "<li value=\"{}\"><strong>{}</strong> <code>{}</code>: decides {} recommendation(s){best}",
                a.rank,
                escape(&a.label),
                escape(&a.fact),
                a.decides
            );
            if !a.leads.is_empty() {
                out.push_str("\n<ul>\n");
                for (values, ids) in &a.leads {
                    let _ = writeln!(
                        out,
                        "<li>{} \u{2192} applies: <code>{}</code></li>",
                        escape(values),
                        escape(&bracketed(ids))
                    );
                }
                out.push_str("</ul>\n");
            }
            out.push_str("</li>\n");
        }
        out.push_str("</ol>\n");
    }
    if !ask.stuck.is_empty() {
        let _ = writeln!(out, "<h3>Not decided by any fact</h3>\n<ul>");
        for (id, why) in &ask.stuck {
            let _ = writeln!(
                out,
                "<li><code>[{}]</code>: {}</li>",
                escape(id),
                escape(why)
            );
        }
        out.push_str("</ul>\n");
    }
    out.push_str("</section>\n");
}

/// `[a], [b]`.
fn bracketed(ids: &[String]) -> String {
    let ids: Vec<String> = ids.iter().map(|id| format!("[{id}]")).collect();
    ids.join(", ")
}

/// Why not: one item per recommendation or section that does not apply.
fn why_not(out: &mut String, lines: &[WhyNotLine]) {
    if lines.is_empty() {
        return;
    }
    let _ = writeln!(
        out,
        "<section id=\"why-not\" class=\"page\">\n<h2>Why not</h2>\n<ul class=\"why-not\">"
    );
    for line in lines {
        match line {
            WhyNotLine::Rec { id, because } => {
                let _ = writeln!(
                    out,
                    "<li><code>[{}]</code> {}</li>",
                    escape(id),
                    escape(because)
                );
            }
            WhyNotLine::Section { title, reads, ids } => {
                let _ = writeln!(
                    out,
                    "<li><strong>{}</strong>: does not apply ({}); not reached: <code>{}</code></li>",
                    escape(title),
                    escape(reads),
                    escape(&bracketed(ids))
                );
            }
        }
    }
    out.push_str("</ul>\n</section>\n");
}

/// The references cited by what applies.
fn references(out: &mut String, note: &Note) {
    if note.references.is_empty() {
        return;
    }
    let _ = writeln!(
        out,
        "<section id=\"references\" class=\"page\">\n<h2>References</h2>\n<ul class=\"refs\">"
    );
    for (n, text) in &note.references {
        let _ = writeln!(out, "<li id=\"ref-{n}\">[{n}] {}</li>", escape(text));
    }
    out.push_str("</ul>\n</section>\n");
}
