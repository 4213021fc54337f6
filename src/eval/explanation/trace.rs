//! Eval stage: turns the raw trace (steps and the slots that decided them)
//! into [`TraceStep`]s with short, true reasons and value labels.

use crate::case::Case;
use crate::check::model::{Bound, FactId, Pattern, TExprKind, Type};
use crate::eval::compile::{Op, Pc};
use crate::eval::outcome::score_range;
use crate::eval::outcome::{SpanRef, Status, TraceLabel, TraceStep};
use crate::eval::why::{self, Choice};
use crate::eval::{diagnose, display, render, run, status_of, Program, Scratch, StepKind};
use crate::source::{SourceMap, Span};
use crate::value::Value;

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

fn slot(vals: &[Option<Value>], pc: Pc) -> Option<Value> {
    vals.get(pc as usize).copied().flatten()
}

/// The label of a read: `grade = 2`, `unknown: grade not given`.
fn label(program: &Program, case: &Case, vals: &[Option<Value>], pc: Pc) -> Option<String> {
    let model = &program.model;
    let code = &program.code;
    let ty = code.slot_type(pc);
    let v = slot(vals, pc);
    let root_of = code.def_of_root.get(pc as usize).copied().flatten();
    let op = match (root_of, code.ops.get(pc as usize)?) {
        (Some(def), _) => Op::Def { def, root: pc },
        (None, op) => *op,
    };
    let (name, unknown) = match &op {
        Op::Fact(f) => {
            let given = |f: FactId| case.facts.get(f.0 as usize).copied().flatten();
            if let Some(read) = model.slot_read(FactId(*f), given) {
                return Some(read);
            }
            let name = model.facts.get(*f as usize)?.name.clone();
            let v = given(FactId(*f));
            return Some(match v {
                Some(_) => format!("{name} = {}", display::text(model, ty, v)),
                None => format!("unknown: {name} not given"),
            });
        }
        Op::Def { def, .. } => {
            let name = model.defs.get(*def as usize)?.name.clone();
            (name.clone(), format!("unknown: {name} undetermined"))
        }
        Op::Column {
            def, table, column, ..
        } => {
            let def = &model.defs.get(*def as usize)?.name;
            let col = &model
                .tables
                .get(*table as usize)?
                .columns
                .get(*column as usize)?
                .name;
            (format!("{def}.{col}"), format!("unknown: {def} has no row"))
        }
        _ => return None,
    };
    // A table read names the key values of the row it matched.
    let row = match code.ops.get(pc as usize) {
        Some(&Op::Column { root, table, .. }) => match slot(vals, root) {
            Some(Value::Row(r)) => Some(row_keys(program, table, r)),
            _ => None,
        },
        _ => None,
    };
    Some(match (v, ty, row) {
        (Some(Value::Row(r)), Type::Row(t), _) => {
            format!("{name}: {}", row_keys(program, t.0, r))
        }
        (Some(_), _, Some(row)) => {
            format!("{name} = {} ({row})", display::text(model, ty, v))
        }
        (Some(_), _, None) => format!("{name} = {}", display::text(model, ty, v)),
        (None, _, _) => unknown,
    })
}

/// The key values a table row matched: `row histology = leiomyosarcoma,
/// grade_group = high` (`row 3` when every key of the row is a wildcard).
fn row_keys(program: &Program, table: u32, r: u32) -> String {
    let model = &program.model;
    let Some(info) = model.tables.get(table as usize) else {
        return format!("row {}", u64::from(r) + 1);
    };
    let patterns = info.rows.get(r as usize).map(|row| row.keys.as_slice());
    let keys: Vec<String> = info
        .keys
        .iter()
        .zip(patterns.unwrap_or(&[]))
        .filter_map(|(key, p)| {
            let name = match &key.kind {
                TExprKind::Fact(f) => model.facts.get(f.0 as usize)?.name.clone(),
                TExprKind::Def(d) => model.defs.get(d.0 as usize)?.name.clone(),
                _ => program
                    .sources
                    .slice(key.span)
                    .split_whitespace()
                    .collect::<Vec<_>>()
                    .join(" "),
            };
            Some(match *p {
                Pattern::Any => return None,
                Pattern::Enum(e) => format!("{name} = {}", display::enum_name(model, key.ty, e)),
                Pattern::Range { lo, hi } => {
                    let show = |b: Bound| display::text(model, key.ty, Some(b.value));
                    match (lo, hi) {
                        (Some(l), Some(h)) if l.value == h.value => format!("{name} = {}", show(l)),
                        (Some(l), Some(h)) => format!("{name} {} to {}", show(l), show(h)),
                        (Some(l), None) => {
                            format!(
                                "{name} {} {}",
                                if l.inclusive { ">=" } else { ">" },
                                show(l)
                            )
                        }
                        (None, Some(h)) => {
                            format!(
                                "{name} {} {}",
                                if h.inclusive { "<=" } else { "<" },
                                show(h)
                            )
                        }
                        (None, None) => return None,
                    }
                }
            })
        })
        .collect();
    if keys.is_empty() {
        format!("row {}", u64::from(r) + 1)
    } else {
        format!("row {}", keys.join(", "))
    }
}

/// `needs a, b` for the unknown facts behind slot `pc`.
fn needs(program: &Program, scratch: &mut Scratch, pc: Pc) -> Option<String> {
    scratch.missing.clear();
    scratch.visited.clear();
    why::missing(
        &program.code,
        &scratch.vals,
        pc,
        &mut scratch.missing,
        &mut scratch.visited,
    );
    // A list's slots are asked for as the list, once.
    let names = program
        .model
        .user_names(scratch.missing.iter().map(|f| FactId(f as u32)));
    (!names.is_empty()).then(|| format!("needs {}", names.join(", ")))
}

/// The first runtime diagnostic behind the unknown slot `pc`, as a reason
/// (a division by zero, say, which no fact could decide).
fn failed(program: &Program, scratch: &mut Scratch, pc: Pc) -> Option<String> {
    let code = &program.code;
    let first = *diagnose::behind(code, &scratch.vals, pc, &mut scratch.visited).first()?;
    Some(diagnose::diagnostic(program, &scratch.vals, first).message)
}

/// The source text of a slot, in backticks.
fn src(program: &Program, pc: Pc) -> String {
    let span = program
        .code
        .spans
        .get(pc as usize)
        .copied()
        .unwrap_or_default();
    format!(
        "`{}`",
        program
            .sources
            .slice(span)
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
    )
}

/// Why a definition has its value.
fn def_reason(program: &Program, scratch: &mut Scratch, root: Pc) -> String {
    let code = &program.code;
    let is_table = matches!(code.ops.get(root as usize), Some(Op::Lookup { .. }));
    match why::choice(code, &scratch.vals, root) {
        Choice::Branch(i, _) if is_table => format!("row {} matches", i + 1),
        Choice::Branch(0, c) => format!("first branch holds: {}", src(program, c)),
        Choice::Branch(i, c) => format!(
            "branch {} holds: {}; earlier branches are false",
            i + 1,
            src(program, c)
        ),
        Choice::Otherwise => "no branch holds, so otherwise".to_string(),
        Choice::NoneApplies if is_table => "no row matches".to_string(),
        Choice::NoneApplies => "no branch applies".to_string(),
        Choice::Stopped | Choice::Computed => match slot(&scratch.vals, root) {
            None => match needs(program, scratch, root) {
                Some(n) => format!("undetermined: {n}"),
                None => match failed(program, scratch, root) {
                    Some(f) => format!("unknown: {f}"),
                    None => "unknown: no value can be computed".to_string(),
                },
            },
            Some(Value::Bool(b)) => {
                let atom = why::atom(code, &scratch.vals, root);
                match (atom == root, b) {
                    (false, true) => format!("{} holds", src(program, atom)),
                    (false, false) => format!("{} is false", src(program, atom)),
                    (true, true) => "every condition holds".to_string(),
                    (true, false) => "no condition holds".to_string(),
                }
            }
            Some(_) => "computed from the values shown".to_string(),
        },
    }
}

/// Why a condition slot is true, false or unknown.
fn cond_reason(program: &Program, scratch: &mut Scratch, pc: Pc) -> String {
    let code = &program.code;
    match run::truth(slot(&scratch.vals, pc)) {
        Some(true) => "every condition holds".to_string(),
        Some(false) => format!(
            "{} is false",
            src(program, why::atom(code, &scratch.vals, pc))
        ),
        None => match needs(program, scratch, pc) {
            Some(n) => n,
            None => failed(program, scratch, pc).unwrap_or_else(|| {
                format!(
                    "{} is unknown",
                    src(program, why::unknown_atom(code, &scratch.vals, pc))
                )
            }),
        },
    }
}

/// Why a recommendation has its status.
fn rec_reason(program: &Program, scratch: &mut Scratch, r: usize) -> String {
    let code = &program.code;
    let model = &program.model;
    let root = code.rec_slot(r);
    let own = code.rec_own.get(r).copied().flatten();
    // The status is what the outcome reports, so the reason follows it.
    // One status per recommendation, by construction of the scratch.
    let status = scratch.statuses[r];
    if let Some(reason) = exact_reason(program, scratch, r, status) {
        return reason;
    }
    match status {
        Status::Applies
            if own.is_none()
                && model
                    .section_chain(model.recs.get(r).and_then(|x| x.section))
                    .is_empty() =>
        {
            "applies: it has no conditions".to_string()
        }
        Status::Applies => "applies: every condition holds".to_string(),
        Status::NotApplicable => {
            // Sections first: under a false section the rec's own condition
            // is not evaluated.
            let chain = model.section_chain(model.recs.get(r).and_then(|x| x.section));
            for s in chain {
                let Some(o) = code.section_own.get(s.0 as usize).copied().flatten() else {
                    continue;
                };
                if run::truth(slot(&scratch.vals, o)) == Some(false) {
                    let id = model
                        .sections
                        .get(s.0 as usize)
                        .map(|x| x.id.as_str())
                        .unwrap_or("");
                    let why = cond_reason(program, scratch, o);
                    return format!("not applicable: section `{id}` does not apply ({why})");
                }
            }
            match own {
                Some(o) => format!("not applicable: {}", cond_reason(program, scratch, o)),
                None => "not applicable".to_string(),
            }
        }
        Status::Undetermined => format!("undetermined: {}", cond_reason(program, scratch, root)),
    }
}

/// The reason the exact pass gives, when it settled or explored the
/// status (see `exact`).
fn exact_reason(
    program: &Program,
    scratch: &mut Scratch,
    r: usize,
    status: Status,
) -> Option<String> {
    let info = program.exact_info(scratch, crate::check::model::RecId(r as u32));
    let word = status.as_str().replace('_', " ");
    if status != Status::Undetermined {
        return (!info.regardless_of.is_empty()).then(|| {
            format!(
                "{}: every value of its unknown facts gives the same status",
                render::whatever(&word, &info.regardless_of)
            )
        });
    }
    if info.missing.is_empty() {
        // Every completion leaves it undetermined (a value no branch or
        // row gives, say): no fact to ask for, though some are unknown.
        if !info.approximate && !info.regardless_of.is_empty() {
            return Some(format!(
                "{}: no value of its unknown facts decides it",
                render::whatever(&word, &info.regardless_of)
            ));
        }
        // No fact decides it: the three-valued reason says what is unknown.
        return None;
    }
    let needs = format!("needs {}", info.missing.join(", "));
    if info.approximate {
        return Some(format!(
            "undetermined: {needs} (approximate: its completions could not be tried exactly)"
        ));
    }
    let leads: Vec<String> = info.leads_to.iter().map(render::leads_line).collect();
    Some(if leads.is_empty() {
        format!("undetermined: {needs}")
    } else {
        format!("undetermined: {needs} ({})", leads.join("; "))
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
        let (kind, name, result, reason, span) = match raw.kind {
            StepKind::Def(d) => {
                let Some(def) = model.defs.get(d as usize) else {
                    continue;
                };
                let root = code.def_slot(d);
                let v = slot(&scratch.vals, root);
                let result = match (v, def.ty) {
                    (Some(Value::Row(r)), Type::Row(t)) => row_keys(program, t.0, r),
                    _ => display::text(model, def.ty, v),
                };
                let mut reason = def_reason(program, scratch, root);
                // A score left unknown: what its items already decide.
                if let Some(r) = score_range::of(code, &scratch.vals, root) {
                    reason = format!("{reason}; its sum is {}", score_range::text(r));
                }
                (
                    "definition",
                    def.name.clone(),
                    result,
                    reason,
                    def.decl_span,
                )
            }
            StepKind::Section(s) => {
                let Some(sec) = model.sections.get(s as usize) else {
                    continue;
                };
                let eff = code.section_slot(s);
                let own = code
                    .section_own
                    .get(s as usize)
                    .copied()
                    .flatten()
                    .unwrap_or(eff);
                let result = status_of(slot(&scratch.vals, eff)).as_str().to_string();
                let reason = cond_reason(program, scratch, own);
                let span = sec.condition.as_ref().map(|c| c.span).unwrap_or(sec.span);
                ("section", sec.id.clone(), result, reason, span)
            }
            StepKind::Rec(r) => {
                let Some(rec) = model.recs.get(r as usize) else {
                    continue;
                };
                let status = scratch.statuses[r as usize];
                let reason = rec_reason(program, scratch, r as usize);
                let span = rec.condition.as_ref().map(|c| c.span).unwrap_or(rec.span);
                (
                    "recommendation",
                    rec.id.clone(),
                    status.as_str().to_string(),
                    reason,
                    span,
                )
            }
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
            program.exact_reads(scratch, crate::check::model::RecId(r), &mut leaves);
        }
        for &(reader, pc) in &leaves {
            let Some(text) = label(program, case, &scratch.vals, pc) else {
                continue;
            };
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
                None => labels.push(TraceLabel { text, span: at }),
            }
        }
        out.push(TraceStep {
            kind: kind.to_string(),
            name,
            result,
            reason,
            span: span_ref(&program.sources, span),
            labels,
        });
    }
    out
}
