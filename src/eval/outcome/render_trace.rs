//! Eval stage: renders trace steps as text, each step's source with its
//! value labels drawn through miette's graphical handler (no colour, fixed
//! width, so output is stable for snapshots). The summary and the tree of
//! `cairn run --trace` are laid out in `trace_tree`.

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
pub(crate) fn message(step: &TraceStep, outcome: &Outcome) -> String {
    match step.kind.as_str() {
        "definition" => format!(
            "definition `{}` = {} ({})",
            step.name, step.text, step.reason
        ),
        "section" => {
            let result = match step.text.as_str() {
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

/// The handler every trace rendering uses: no colour, no links, `width`.
pub(crate) fn handler(width: usize) -> GraphicalReportHandler {
    GraphicalReportHandler::new_themed(GraphicalTheme::unicode_nocolor())
        .with_width(width)
        .with_links(false)
}

/// Renders one step: its source span with the labels of the values that
/// decided it, or only its message when it has no labels (a rule without a
/// condition, a step an enclosing section decided), since its span would
/// then show source that decided nothing.
pub(crate) fn step(
    out: &mut String,
    step: &TraceStep,
    outcome: &Outcome,
    checked: &Checked,
    handler: &GraphicalReportHandler,
) {
    let file = checked
        .sources
        .find(&step.span.file)
        .and_then(|f| checked.sources.get(f));
    let labels: Vec<LabeledSpan> = step
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
    let Some(file) = file.filter(|_| !labels.is_empty()) else {
        let _ = writeln!(out, "  ☞ {}", message(step, outcome));
        return;
    };
    let report = StepReport {
        message: message(step, outcome),
        labels,
        source: NamedSource::new(file.name.clone(), file.text.to_string()),
    };
    if handler.render_report(out, &report).is_err() {
        let _ = writeln!(out, "  ☞ {}", report.message);
    }
}

/// Renders trace steps of `outcome` with their source spans and labels,
/// in the order given.
pub fn steps(steps: &[TraceStep], outcome: &Outcome, checked: &Checked, width: usize) -> String {
    let handler = handler(width);
    let mut out = String::new();
    for s in steps {
        step(&mut out, s, outcome, checked, &handler);
    }
    out
}

/// Renders the trace of an outcome as `cairn run --trace` does by default:
/// the decision path, then the tree of the steps that decided each
/// recommendation that applies (see [`super::trace_with`]).
pub fn trace(outcome: &Outcome, checked: &Checked, width: usize) -> String {
    let view = super::TraceView::default();
    super::trace_with(outcome, checked, &view, width).unwrap_or_default()
}
