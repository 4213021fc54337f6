//! Analysis stage: the text and JSON reports of `cairn analyze`.

use super::{Analysis, Finding};
use crate::diagnostics::Diagnostics;
use crate::source::SourceMap;
use serde_json::json;
use std::fmt::Write;

/// The report as text: each unacknowledged finding rendered as a
/// diagnostic with its witness, the acknowledged ones with their reasons,
/// the sensitivity table and a summary line.
pub fn render_text(analysis: &Analysis, sources: &SourceMap, width: usize) -> String {
    let mut out = String::new();
    for f in analysis
        .findings
        .iter()
        .filter(|f| f.acknowledged.is_none())
    {
        let mut d = Diagnostics::new();
        d.push(f.span.file, f.diagnostic());
        out.push_str(&d.render(sources, width));
        if let Some(w) = &f.witness {
            let _ = writeln!(out, "  witness case: {w}");
        }
        out.push('\n');
    }
    let acked: Vec<&Finding> = analysis
        .findings
        .iter()
        .filter(|f| f.acknowledged.is_some())
        .collect();
    if !acked.is_empty() {
        out.push_str("Acknowledged findings\n");
        for f in acked {
            let lc = sources.line_col(f.span);
            let _ = writeln!(
                out,
                "  {} at line {}: {}\n    reason: {}",
                f.kind.code(),
                lc.line,
                f.message,
                f.acknowledged.as_deref().unwrap_or("")
            );
        }
        out.push('\n');
    }
    out.push_str("Sensitivity to missing data (share of complete cases left undetermined when only this fact is unknown)\n");
    for s in &analysis.sensitivity {
        let facts: Vec<String> = s
            .facts
            .iter()
            .take(3)
            .map(|(name, share)| match share * 100.0 {
                p if p < 1.0 => format!("{name} <1%"),
                p => format!("{name} {p:.0}%"),
            })
            .collect();
        let list = if facts.is_empty() {
            "no single missing fact leaves it undetermined".to_string()
        } else {
            facts.join(", ")
        };
        let _ = writeln!(out, "  {}: {list}", s.recommendation);
    }
    out.push('\n');
    let _ = writeln!(out, "{}", summary(analysis));
    out
}

/// `2 errors, 1 warning, 3 acknowledged`.
pub fn summary(analysis: &Analysis) -> String {
    let open: Vec<&Finding> = analysis
        .findings
        .iter()
        .filter(|f| f.acknowledged.is_none())
        .collect();
    let errors = open.iter().filter(|f| f.kind.is_error()).count();
    let warnings = open.len() - errors;
    let acked = analysis.findings.len() - open.len();
    let plural = |n: usize, w: &str| format!("{n} {w}{}", if n == 1 { "" } else { "s" });
    format!(
        "{}, {}, {} acknowledged ({} questions)",
        plural(errors, "error"),
        plural(warnings, "warning"),
        acked,
        analysis.queries
    )
}

/// The report as JSON: findings with their spans and witnesses, the
/// sensitivity table and counts.
pub fn render_json(analysis: &Analysis, sources: &SourceMap) -> serde_json::Value {
    let findings: Vec<serde_json::Value> = analysis
        .findings
        .iter()
        .map(|f| {
            let lc = sources.line_col(f.span);
            let file = sources
                .get(f.span.file)
                .map(|s| s.name.clone())
                .unwrap_or_default();
            json!({
                "kind": f.kind,
                "code": f.kind.code(),
                "severity": if f.kind.is_error() { "error" } else { "warning" },
                "message": f.message,
                "label": f.label,
                "help": f.help,
                "file": file,
                "start": f.span.start,
                "end": f.span.end,
                "line": lc.line,
                "column": lc.column,
                "witness": f.witness,
                "acknowledged": f.acknowledged,
            })
        })
        .collect();
    let sensitivity: Vec<serde_json::Value> = analysis
        .sensitivity
        .iter()
        .map(|s| {
            let facts: Vec<serde_json::Value> = s
                .facts
                .iter()
                .map(|(name, share)| {
                    // Three decimals, written as every JSON number is (`1`, not `1.0`).
                    let share = crate::value::json::number((share * 1000.0).round() / 1000.0);
                    json!({"fact": name, "share": share})
                })
                .collect();
            json!({"recommendation": s.recommendation, "cases": s.cases, "facts": facts})
        })
        .collect();
    json!({
        "findings": findings,
        "sensitivity": sensitivity,
        "errors": analysis.error_count(),
        "queries": analysis.queries,
    })
}
