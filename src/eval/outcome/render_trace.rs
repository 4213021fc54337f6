//! Eval stage: renders an outcome's trace as text, every step's source with
//! its value labels drawn through miette's graphical handler (no colour,
//! fixed width, so output is stable for snapshots).

use crate::check::Checked;
use crate::eval::outcome::{Outcome, Status, TraceStep};
use miette::{
    Diagnostic, GraphicalReportHandler, GraphicalTheme, LabeledSpan, NamedSource, Severity,
};
use std::fmt::{self, Write};

/// One trace step as a miette diagnostic of severity advice.
struct StepReport {
    message: String,
    labels: Vec<LabeledSpan>,
    source: NamedSource<String>,
}

impl fmt::Debug for StepReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl fmt::Display for StepReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for StepReport {}

impl Diagnostic for StepReport {
    fn severity(&self) -> Option<Severity> {
        Some(Severity::Advice)
    }
    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        Some(Box::new(self.labels.iter().cloned()))
    }
    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        Some(&self.source)
    }
}

/// The one-line message of a step; a recommendation that applies shows its
/// strength for the case in the scheme's words (`(Class 2a, LOE B-NR)`).
fn message(step: &TraceStep, outcome: &Outcome) -> String {
    match step.kind.as_str() {
        "definition" => format!(
            "definition `{}` = {} ({})",
            step.name, step.result, step.reason
        ),
        "section" => {
            let result = match step.result.as_str() {
                "applies" => "applies",
                "not_applicable" => "does not apply",
                _ => "is undetermined",
            };
            format!("section `{}` {result}: {}", step.name, step.reason)
        }
        _ => {
            let strength = outcome
                .recommendations
                .iter()
                .find(|r| r.id == step.name && r.status == Status::Applies)
                .and_then(|r| r.strength.as_ref())
                .map(|s| format!(" ({s})"))
                .unwrap_or_default();
            format!(
                "recommendation `{}`{strength} {}",
                step.name,
                step.reason.replacen("not_applicable", "not applicable", 1)
            )
        }
    }
}

/// Renders trace steps of `outcome` with their source spans and labels.
pub fn steps(steps: &[TraceStep], outcome: &Outcome, checked: &Checked, width: usize) -> String {
    let handler = GraphicalReportHandler::new_themed(GraphicalTheme::unicode_nocolor())
        .with_width(width)
        .with_links(false);
    let mut out = String::new();
    for step in steps {
        let Some(file) = checked
            .sources
            .find(&step.span.file)
            .and_then(|f| checked.sources.get(f))
        else {
            let _ = writeln!(out, "{}", message(step, outcome));
            continue;
        };
        let mut labels: Vec<LabeledSpan> = step
            .labels
            .iter()
            .filter(|l| l.span.file == step.span.file)
            .map(|l| {
                LabeledSpan::new(
                    Some(l.text.clone()),
                    l.span.start,
                    l.span.end - l.span.start,
                )
            })
            .collect();
        if labels.is_empty() {
            labels.push(LabeledSpan::new(
                Some(step.result.replace('_', " ")),
                step.span.start,
                step.span.end - step.span.start,
            ));
        }
        let report = StepReport {
            message: message(step, outcome),
            labels,
            source: NamedSource::new(file.name.clone(), file.text.to_string()),
        };
        if handler.render_report(&mut out, &report).is_err() {
            let _ = writeln!(out, "{}", report.message);
        }
    }
    out
}

/// Renders the whole trace of an outcome.
pub fn trace(outcome: &Outcome, checked: &Checked, width: usize) -> String {
    steps(&outcome.trace, outcome, checked, width)
}
