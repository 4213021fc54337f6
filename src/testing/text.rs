//! Testing stage: the text form of a test report (one line per case, diffs
//! with traces for failures, and coverage).

use super::compare::{show, Difference};
use super::coverage::Coverage;
use super::runner::TestReport;
use crate::eval::outcome::Outcome;
use crate::source::{SourceMap, Span};
use std::fmt::Write;

/// The expectations of a failing case that differ, expected against got;
/// for a recommendation now undetermined, the facts it is missing. The
/// full trace is left to `cairn explain` (see [`hint`]): a failing golden
/// case reads in a few lines.
pub fn diff(differences: &[Difference], outcome: &Outcome) -> String {
    let mut out = String::new();
    for d in differences {
        let what = match d.kind {
            "status" => format!("status of `{}`", d.name),
            "derived" => format!("derived `{}`", d.name),
            "strength" => format!("strength of `{}`", d.name),
            "next_due" => format!("next due visit of schedule `{}`", d.name),
            _ => format!("missing facts of `{}`", d.name),
        };
        let _ = writeln!(out, "{what}");
        let _ = writeln!(out, "  - expected: {}", show(&d.expected));
        let _ = writeln!(out, "  + actual:   {}", show(&d.actual));
        if d.kind == "status" && d.actual == "undetermined" {
            let missing = outcome
                .recommendations
                .iter()
                .find(|r| r.id == d.name)
                .map(|r| r.missing.join(", "))
                .unwrap_or_default();
            let _ = writeln!(out, "    missing: {missing}");
        }
    }
    out
}

/// The command that shows the full trace of the first recommendation that
/// differs (or the whole run when only derived values or schedules do).
pub fn hint(differences: &[Difference], guideline: &str, case: &str) -> String {
    match differences.iter().find_map(Difference::rec) {
        Some(id) => format!("full trace: cairn explain {guideline} --case {case} {id}\n"),
        None if differences.is_empty() => String::new(),
        None => format!("full trace: cairn run {guideline} --case {case} --trace\n"),
    }
}

fn indent(text: &str, prefix: &str) -> String {
    text.lines()
        .map(|l| {
            if l.is_empty() {
                "\n".to_string()
            } else {
                format!("{prefix}{l}\n")
            }
        })
        .collect()
}

/// The whole report as text.
pub fn render(report: &TestReport, show_coverage: bool) -> String {
    let mut out = String::new();
    for e in &report.io_errors {
        let _ = writeln!(out, "error: {e}");
    }
    for case in &report.cases {
        let verdict = if case.ok { "ok  " } else { "FAIL" };
        let name = if case.name == case.file {
            case.file.clone()
        } else {
            format!("{} ({})", case.name, case.file)
        };
        let _ = writeln!(out, "{verdict} {name}");
        if !case.ok {
            out.push_str(&indent(&case.detail, "    "));
        }
    }
    if show_coverage {
        for c in &report.coverage {
            out.push_str(&coverage(c, report.min_coverage));
        }
    }
    let _ = writeln!(
        out,
        "\n{} cases: {} passed, {} failed",
        report.cases.len(),
        report.passed,
        report.failed
    );
    if report.filtered_out > 0 {
        let _ = writeln!(out, "{} filtered out", report.filtered_out);
    }
    if report.cases.is_empty() {
        let _ = writeln!(out, "no case with an `expect` block was found");
    }
    out
}

/// A coverage section: the percentage and everything not reached.
pub fn coverage(c: &Coverage, min: Option<f64>) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "\ncoverage of {} ({} cases)", c.guideline, c.cases);
    let _ = writeln!(
        out,
        "  condition branches: {:.1}% ({} of {} true/false outcomes reached, {} branches)",
        c.percent,
        c.reached,
        c.total,
        c.branches.len()
    );
    if let Some(min) = min {
        let verdict = if c.percent + 1e-9 >= min {
            "met"
        } else {
            "NOT met"
        };
        let _ = writeln!(out, "  minimum {min}%: {verdict}");
    }
    let recs: Vec<String> = c
        .recommendations
        .iter()
        .filter(|r| !r.reached.yes || !r.reached.no)
        .map(|r| {
            let mut never = Vec::new();
            if !r.reached.yes {
                never.push("applies");
            }
            if !r.reached.no {
                never.push("not_applicable");
            }
            format!("    {} never {}", r.id, never.join(" nor "))
        })
        .collect();
    let applying = c.recommendations.len() - recs.len();
    let _ = writeln!(
        out,
        "  recommendations both applying and not applying: {applying} of {}",
        c.recommendations.len()
    );
    for r in recs {
        let _ = writeln!(out, "{r}");
    }
    let never_undetermined: Vec<&str> = c
        .recommendations
        .iter()
        .filter(|r| !r.reached.unknown)
        .map(|r| r.id.as_str())
        .collect();
    if !never_undetermined.is_empty() {
        let _ = writeln!(
            out,
            "  never undetermined: {}",
            never_undetermined.join(", ")
        );
    }
    let defs: Vec<String> = c
        .definitions
        .iter()
        .filter(|d| !d.never.is_empty())
        .map(|d| format!("    {} never {}", d.name, d.never.join(", ")))
        .collect();
    if !defs.is_empty() {
        let _ = writeln!(out, "  definition values no case produces:");
        for d in defs {
            let _ = writeln!(out, "{d}");
        }
    }
    let strengths: Vec<String> = c
        .strengths
        .iter()
        .filter(|s| !s.never.is_empty())
        .map(|s| format!("    {} never {}", s.id, s.never.join(", ")))
        .collect();
    if !strengths.is_empty() {
        let _ = writeln!(out, "  strengths no applying case produces:");
        for s in strengths {
            let _ = writeln!(out, "{s}");
        }
    }
    let branches: Vec<String> = c
        .branches
        .iter()
        .filter(|b| !b.reached.yes || !b.reached.no)
        .map(|b| {
            format!(
                "    {} {} ({}): never {}  {}",
                b.owner,
                b.role,
                b.location,
                b.reached.unreached().join(" nor "),
                b.text
            )
        })
        .collect();
    if !branches.is_empty() {
        let _ = writeln!(out, "  condition branches not driven both ways:");
        for b in branches {
            let _ = writeln!(out, "{b}");
        }
    }
    out
}

/// A source excerpt on one line, shortened to 80 characters.
pub(crate) fn one_line(text: &str) -> String {
    let joined = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if joined.chars().count() > 80 {
        let cut: String = joined.chars().take(77).collect();
        format!("{cut}...")
    } else {
        joined
    }
}

/// `file:line:column` of a span's start.
pub(crate) fn location(sources: &SourceMap, span: Span) -> String {
    let lc = sources.line_col(span);
    let file = sources
        .get(span.file)
        .map(|f| f.name.as_str())
        .unwrap_or("?");
    format!("{file}:{}:{}", lc.line, lc.column)
}
