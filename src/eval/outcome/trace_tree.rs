//! Eval stage: the trace of `cairn run --trace` as an explanation. First
//! the decision path, one line per recommendation that applies: the values
//! that decided its sections (outermost first) and its own condition,
//! then what it recommends. Then the tree of the steps that decided the
//! recommendations asked for, in dependency order (a step, then the steps
//! it depends on), each drawn with its source span, down to a depth limit.
//! A step already drawn is referred to, not drawn again.

use crate::check::Checked;
use crate::diagnostics::suggestion;
use crate::eval::outcome::render_trace;
use crate::eval::outcome::{Outcome, Status, TraceStep};
use crate::eval::ExplainError;
use std::collections::{HashMap, HashSet};
use std::fmt::Write;

/// The tree's depth by default: a recommendation, its section and the
/// definitions it reads, and what those read; enough for a screen or two.
pub const DEFAULT_DEPTH: usize = 2;

/// Which recommendations the tree starts from.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum TraceFilter {
    /// Those that apply (the default).
    #[default]
    Applies,
    /// Those left undetermined.
    Undetermined,
    /// Those that do not apply.
    NotApplicable,
    /// The step of this definition, section or recommendation.
    Step(String),
}

/// How much of the trace to render.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TraceView {
    /// Where the tree starts.
    pub only: TraceFilter,
    /// How deep the tree goes below its roots (0: the roots alone).
    pub depth: usize,
    /// Every step in evaluation order instead of the tree (the summary
    /// stays first).
    pub full: bool,
}

impl Default for TraceView {
    fn default() -> TraceView {
        TraceView {
            only: TraceFilter::Applies,
            depth: DEFAULT_DEPTH,
            full: false,
        }
    }
}

/// The trace's steps by id.
fn index<'a>(outcome: &'a Outcome) -> HashMap<&'a str, &'a TraceStep> {
    outcome.trace.iter().map(|s| (s.id.as_str(), s)).collect()
}

/// The deciding values of a step for the decision path: its labels, with a
/// definition that holds replaced by the values that decided it (its name
/// and `true` say less than the facts behind it; a false one stays, as its
/// name says what was ruled out in fewer words). Each value once per line.
fn values(
    step: &TraceStep,
    by_id: &HashMap<&str, &TraceStep>,
    seen: &mut HashSet<String>,
) -> Vec<String> {
    let mut out = Vec::new();
    for l in &step.labels {
        let def = l.step.as_deref().and_then(|id| by_id.get(id));
        match def {
            Some(d)
                if d.result == serde_json::Value::Bool(true)
                    && !d.labels.is_empty()
                    && seen.insert(d.id.clone()) =>
            {
                out.extend(values(d, by_id, seen));
            }
            _ => {
                if seen.insert(l.text.clone()) {
                    out.push(l.text.clone());
                }
            }
        }
    }
    out
}

/// The sections a step sits in, outermost first, following its edges.
fn sections<'a>(step: &'a TraceStep, by_id: &HashMap<&str, &'a TraceStep>) -> Vec<&'a TraceStep> {
    let mut chain = Vec::new();
    let mut cur = step;
    while let Some(s) = cur
        .depends_on
        .iter()
        .filter_map(|id| by_id.get(id.as_str()))
        .find(|s| s.kind == "section" && !chain.iter().any(|c: &&TraceStep| c.id == s.id))
    {
        chain.push(*s);
        cur = s;
    }
    chain.reverse();
    chain
}

/// The decision path: a line per recommendation that applies, then a line
/// for those undetermined (with the facts they need) and a count of those
/// that do not apply.
fn summary(out: &mut String, outcome: &Outcome, width: usize) {
    let by_id = index(outcome);
    let _ = writeln!(out, "Decision path");
    let mut any = false;
    for rec in &outcome.recommendations {
        if rec.status != Status::Applies {
            continue;
        }
        let Some(step) = by_id.get(format!("recommendation:{}", rec.id).as_str()) else {
            continue;
        };
        any = true;
        let mut seen = HashSet::new();
        let mut parts: Vec<String> = sections(step, &by_id)
            .into_iter()
            .chain([*step])
            .map(|s| values(s, &by_id, &mut seen).join(", "))
            .filter(|p| !p.is_empty())
            .collect();
        let strength = rec
            .strength
            .as_ref()
            .map(|s| format!(" ({s})"))
            .unwrap_or_default();
        parts.push(format!("{}: {}{strength}", rec.id, rec.kind));
        wrap(out, &parts.join(" → "), width);
    }
    if !any {
        let _ = writeln!(out, "  no recommendation applies");
    }
    let undetermined: Vec<&str> = outcome
        .recommendations
        .iter()
        .filter(|r| r.status == Status::Undetermined)
        .map(|r| r.id.as_ref())
        .collect();
    if !undetermined.is_empty() {
        let mut needs: Vec<&str> = Vec::new();
        for r in &outcome.recommendations {
            for m in &r.missing {
                if !needs.contains(&m.as_str()) {
                    needs.push(m);
                }
            }
        }
        let mut line = format!("undetermined: {}", undetermined.join(", "));
        if !needs.is_empty() {
            line = format!("{line}; needs {}", needs.join(", "));
        }
        wrap(out, &line, width);
    }
    let not = outcome
        .recommendations
        .iter()
        .filter(|r| r.status == Status::NotApplicable)
        .count();
    if not > 0 {
        let _ = writeln!(
            out,
            "  not applicable: {not} (`--only not_applicable` shows why)"
        );
    }
}

/// Writes `text` indented by two spaces, broken to fit `width` after a
/// comma or semicolon or before an arrow (never inside `name = value`),
/// its continuation lines indented by four.
fn wrap(out: &mut String, text: &str, width: usize) {
    let mut pieces: Vec<String> = Vec::new();
    let mut cur = String::new();
    for word in text.split(' ') {
        if !cur.is_empty() && (cur.ends_with(',') || cur.ends_with(';') || word == "→") {
            pieces.push(std::mem::take(&mut cur));
        }
        if !cur.is_empty() {
            cur.push(' ');
        }
        cur.push_str(word);
    }
    pieces.push(cur);
    let mut line = String::from(" ");
    for piece in pieces {
        if line.len() + 1 + piece.len() > width && !line.trim().is_empty() {
            let _ = writeln!(out, "{line}");
            line = String::from("   ");
        }
        line.push(' ');
        line.push_str(&piece);
    }
    let _ = writeln!(out, "{line}");
}

/// The roots of the tree for a filter, in document order.
fn roots<'a>(outcome: &'a Outcome, only: &TraceFilter) -> Vec<&'a TraceStep> {
    let status = match only {
        TraceFilter::Applies => "applies",
        TraceFilter::Undetermined => "undetermined",
        TraceFilter::NotApplicable => "not_applicable",
        TraceFilter::Step(id) => {
            return outcome.trace.iter().filter(|s| &s.name == id).collect();
        }
    };
    outcome
        .trace
        .iter()
        .filter(|s| s.kind == "recommendation" && s.text == status)
        .collect()
}

/// Draws the tree below the roots, each step indented by its depth.
struct Tree<'a> {
    outcome: &'a Outcome<'a>,
    checked: &'a Checked,
    by_id: HashMap<&'a str, &'a TraceStep>,
    /// The steps drawn so far: a step shared by several (a section, a
    /// definition many conditions read) is drawn once, then referred to.
    drawn: HashSet<&'a str>,
    /// The deepest level drawn (the roots are level 0).
    depth: usize,
    width: usize,
    out: String,
}

impl<'a> Tree<'a> {
    /// Draws `step` at `level`, then the steps it depends on one level
    /// deeper, or the count of them at the depth limit.
    fn node(&mut self, step: &'a TraceStep, level: usize) {
        let indent = "    ".repeat(level);
        if !self.drawn.insert(step.id.as_str()) {
            let _ = writeln!(
                self.out,
                "{indent}  ↑ {} `{}`: shown above",
                step.kind, step.name
            );
            return;
        }
        // No context lines around a span: the tree is read for its values,
        // and the lines around a condition would double its length.
        let handler = render_trace::handler(self.width.saturating_sub(indent.len()).max(40))
            .with_context_lines(0);
        let mut text = String::new();
        render_trace::step(&mut text, step, self.outcome, self.checked, &handler);
        for line in text.lines() {
            let _ = writeln!(self.out, "{indent}{line}");
        }
        let kids: Vec<&'a TraceStep> = step
            .depends_on
            .iter()
            .filter_map(|id| self.by_id.get(id.as_str()).copied())
            .collect();
        if kids.is_empty() {
            return;
        }
        if level >= self.depth {
            let _ = writeln!(
                self.out,
                "{indent}    … decided by {} more step(s) (`--depth {}` shows them)",
                kids.len(),
                level + 1
            );
            return;
        }
        for k in kids {
            self.node(k, level + 1);
        }
    }
}

/// Renders the trace of an outcome: the decision path, then the tree of
/// the steps `view` asks for (or, with `full`, every step in evaluation
/// order). Fails when `view` names a step the trace does not have.
pub fn trace_with(
    outcome: &Outcome,
    checked: &Checked,
    view: &TraceView,
    width: usize,
) -> Result<String, ExplainError> {
    let roots = roots(outcome, &view.only);
    if let (TraceFilter::Step(id), true) = (&view.only, roots.is_empty()) {
        return Err(ExplainError::UnknownRecommendation {
            id: id.clone(),
            help: suggestion(id, outcome.trace.iter().map(|s| s.name.as_str())),
        });
    }
    let mut out = String::new();
    summary(&mut out, outcome, width);
    if view.full {
        let _ = writeln!(out, "\nEvery step, in evaluation order\n");
        out.push_str(&render_trace::steps(
            &outcome.trace,
            outcome,
            checked,
            width,
        ));
        return Ok(out);
    }
    let heading = match &view.only {
        TraceFilter::Applies => "What decided the recommendations that apply".to_string(),
        TraceFilter::Undetermined => "What leaves recommendations undetermined".to_string(),
        TraceFilter::NotApplicable => "Why recommendations do not apply".to_string(),
        TraceFilter::Step(id) => format!("What decided `{id}`"),
    };
    let _ = writeln!(out, "\n{heading}\n");
    let mut tree = Tree {
        outcome,
        checked,
        by_id: index(outcome),
        drawn: HashSet::new(),
        depth: view.depth,
        width,
        out: String::new(),
    };
    for r in &roots {
        tree.node(r, 0);
    }
    if roots.is_empty() {
        let _ = writeln!(
            tree.out,
            "  (none; `--only undetermined` shows what is missing)"
        );
    }
    out.push_str(&tree.out);
    Ok(out)
}
