//! Eval stage: turns the raw trace (steps and the slots that decided them)
//! into [`TraceStep`]s with short, true reasons, value labels, typed
//! results and the edges to the steps that decided them.

use crate::case::Case;
use crate::check::model::{RecId, SectionId, Type};
use crate::eval::compile::{Op, Pc};
use crate::eval::labels::{label, read_def, row_keys, slot};
use crate::eval::outcome::score_range;
use crate::eval::outcome::{SpanRef, Status, TraceLabel, TraceStep};
use crate::eval::reason::{self, cond_reason, def_reason, rec_reason, section_id};
use crate::eval::{display, run, status_of, Program, Scratch, StepKind};
use crate::source::{SourceMap, Span};
use crate::value::{json, Value};

/// A span for JSON output.
pub(crate) fn span_ref(sources: &SourceMap, span: Span) -> SpanRef {
    let lc = sources.line_col(span);
    SpanRef {
        file: sources
            .get(span.file)
            .map(|f| f.name.clone())
            .unwrap_or_default(),
        start: span.start as usize,
        end: span.end as usize,
        line: lc.line,
        column: lc.column,
    }
}

/// The step id of a definition.
fn def_id(program: &Program, d: u32) -> Option<String> {
    let def = program.model.defs.get(d as usize)?;
    Some(format!("definition:{}", def.name))
}

/// The step id of a section.
fn section_step(program: &Program, s: SectionId) -> String {
    format!("section:{}", section_id(program, s))
}

/// A step before its labels: what [`steps`] computes per kind.
struct Head {
    kind: &'static str,
    name: String,
    result: serde_json::Value,
    known: bool,
    text: String,
    reason: String,
    span: Span,
    /// Steps it depends on besides those its labels read.
    depends_on: Vec<String>,
    /// False when an enclosing section decided it, so its own reads did
    /// not count.
    own_reads: bool,
}

/// The head of a definition's step.
fn def_head(program: &Program, scratch: &mut Scratch, d: u32) -> Option<Head> {
    let model = &program.model;
    let code = &program.code;
    let def = model.defs.get(d as usize)?;
    let root = code.def_slot(d);
    let v = slot(&scratch.vals, root);
    let text = match (v, def.ty) {
        (Some(Value::Row(r)), Type::Row(t)) => row_keys(program, t.0, r),
        _ => display::text(model, def.ty, v),
    };
    let mut reason = def_reason(program, scratch, root);
    // A score left unknown: what its items already decide.
    if let Some(r) = score_range::of(code, scratch.vals.as_slice(), root) {
        reason = format!("{reason}; its sum is {}", score_range::text(r));
    }
    Some(Head {
        kind: "definition",
        name: def.name.clone(),
        result: json::encode(model, def.ty, v),
        known: v.is_some(),
        text,
        reason,
        span: def.decl_span,
        depends_on: Vec::new(),
        own_reads: true,
    })
}

/// The head of a section's step. Its status is that of its chain: when an
/// enclosing section decided it (a false one, while its own condition is
/// not false), the reason names that section, not its own reads.
fn section_head(program: &Program, scratch: &mut Scratch, s: u32) -> Option<Head> {
    let model = &program.model;
    let code = &program.code;
    let sec = model.sections.get(s as usize)?;
    let eff = code.section_slot(s);
    let own = code
        .section_own
        .get(s as usize)
        .copied()
        .flatten()
        .unwrap_or(eff);
    let status = status_of(slot(&scratch.vals, eff));
    let own_truth = run::truth(slot(&scratch.vals, own));
    let chain = model.section_chain(sec.parent);
    let parents = reason::conditioned(program, &chain);
    let by_parent = match (status, own_truth) {
        (Status::NotApplicable, t) if t != Some(false) => {
            reason::deciding_section(program, scratch, &chain, Some(false))
        }
        (Status::Undetermined, Some(true)) => {
            reason::deciding_section(program, scratch, &chain, None)
        }
        _ => None,
    };
    let (reason, depends_on) = match by_parent {
        Some(p) => {
            let verb = match status {
                Status::NotApplicable => "does not apply",
                _ => "is undetermined",
            };
            let id = section_id(program, p);
            (
                format!("section `{id}`, which encloses it, {verb}"),
                vec![section_step(program, p)],
            )
        }
        None => (
            cond_reason(program, scratch, own),
            parents
                .last()
                .map(|&p| section_step(program, p))
                .into_iter()
                .collect(),
        ),
    };
    Some(Head {
        kind: "section",
        name: sec.id.clone(),
        result: serde_json::Value::from(status.as_str()),
        known: true,
        text: status.as_str().to_string(),
        reason,
        span: sec.condition.as_ref().map(|c| c.span).unwrap_or(sec.span),
        depends_on,
        own_reads: by_parent.is_none(),
    })
}

/// The head of a recommendation's step: it depends on the section that
/// ruled it out, or else on its innermost section with a condition.
fn rec_head(program: &Program, scratch: &mut Scratch, r: u32) -> Option<Head> {
    let model = &program.model;
    let rec = model.recs.get(r as usize)?;
    let status = *scratch.statuses.get(r as usize)?;
    let (reason, by_section) = rec_reason(program, scratch, r as usize);
    let depends_on = match by_section {
        Some(s) => vec![section_step(program, s)],
        None => {
            let chain = model.section_chain(rec.section);
            let sections = reason::conditioned(program, &chain);
            sections
                .last()
                .map(|&s| section_step(program, s))
                .into_iter()
                .collect()
        }
    };
    Some(Head {
        kind: "recommendation",
        name: rec.id.clone(),
        result: serde_json::Value::from(status.as_str()),
        known: true,
        text: status.as_str().to_string(),
        reason,
        span: rec.condition.as_ref().map(|c| c.span).unwrap_or(rec.span),
        depends_on,
        own_reads: by_section.is_none(),
    })
}

/// Builds the trace steps from the raw trace in `scratch`.
pub(crate) fn steps(program: &Program, case: &Case, scratch: &mut Scratch) -> Vec<TraceStep> {
    let model = &program.model;
    let code = &program.code;
    let mut out = Vec::with_capacity(scratch.steps.len());
    for i in 0..scratch.steps.len() {
        let Some(raw) = scratch.steps.get(i).copied() else {
            continue;
        };
        let head = match raw.kind {
            StepKind::Def(d) => def_head(program, scratch, d),
            StepKind::Section(s) => section_head(program, scratch, s),
            StepKind::Rec(r) => rec_head(program, scratch, r),
        };
        let Some(mut head) = head else {
            continue;
        };
        let mut labels: Vec<TraceLabel> = Vec::new();
        let mut leaves: Vec<(Pc, Pc)> = scratch
            .leaves
            .get(raw.start as usize..raw.end as usize)
            .unwrap_or(&[])
            .to_vec();
        // A status the exact pass settled is decided by the known values
        // its undecided part reads, whatever the unknown ones are.
        if let StepKind::Rec(r) = raw.kind {
            program.exact_reads(scratch, RecId(r), &mut leaves);
        }
        if !head.own_reads {
            leaves.clear();
        }
        for &(reader, pc) in &leaves {
            let tested = matches!(code.ops.get(reader as usize), Some(Op::IsKnown(..)));
            let Some(text) = label(program, case, &scratch.vals, pc, tested) else {
                continue;
            };
            let step = read_def(code, pc).and_then(|d| def_id(program, d));
            if let Some(s) = &step {
                if !head.depends_on.contains(s) {
                    head.depends_on.push(s.clone());
                }
            }
            let at = span_ref(&program.sources, code.site(reader, pc));
            if labels.iter().any(|l| l.span == at && l.text == text) {
                continue;
            }
            // A count over a list reads its values at one place: one label.
            let alike = labels.iter_mut().find_map(|l| {
                let merged = (l.span == at).then(|| model.merge_reads(&l.text, &text))??;
                Some((l, merged))
            });
            match alike {
                Some((l, merged)) => l.text = merged,
                None => labels.push(TraceLabel {
                    text,
                    span: at,
                    step,
                }),
            }
        }
        out.push(TraceStep {
            id: format!("{}:{}", head.kind, head.name),
            kind: head.kind.to_string(),
            name: head.name,
            result: head.result,
            known: head.known,
            text: head.text,
            reason: head.reason,
            span: span_ref(&program.sources, head.span),
            labels,
            depends_on: head.depends_on,
        });
    }
    out
}
