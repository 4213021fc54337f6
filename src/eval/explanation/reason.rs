//! Eval stage, explanation: the one-sentence reason of a trace step, true
//! to what decided it (the operand of an `or` that held, the section that
//! ruled a recommendation out, the fact an `is known` found missing).

use crate::check::model::{FactId, SectionId};
use crate::eval::compile::{Op, Pc};
use crate::eval::labels::slot;
use crate::eval::outcome::Status;
use crate::eval::why::{self, Choice};
use crate::eval::{diagnose, render, run, Program, Scratch};
use crate::syntax::ast::Quantifier;
use crate::value::Value;

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

/// The source text of a slot, in backticks, on one line. A slot's span
/// can run over the comments after it (the parser's span of an operand
/// followed by a comment), so line comments are dropped.
fn src(program: &Program, pc: Pc) -> String {
    let span = program
        .code
        .spans
        .get(pc as usize)
        .copied()
        .unwrap_or_default();
    let text = program.sources.slice(span);
    let words: Vec<&str> = text
        .lines()
        .map(|line| line.split("//").next().unwrap_or(""))
        .flat_map(str::split_whitespace)
        .collect();
    format!("`{}`", words.join(" "))
}

/// Why a known boolean slot has its value: the operand that decided it
/// alone (the true disjunct of an `or`, the false conjunct of an `and`),
/// else what the connective needed of all its operands.
fn truth_reason(program: &Program, scratch: &Scratch, pc: Pc, value: bool) -> String {
    let code = &program.code;
    let atom = why::atom(code, &scratch.vals, pc);
    let all = |q| matches!(code.ops.get(pc as usize), Some(Op::Quant(x, ..)) if *x == q);
    let and = matches!(code.ops.get(pc as usize), Some(Op::And(..))) || all(Quantifier::All);
    let or = matches!(code.ops.get(pc as usize), Some(Op::Or(..))) || all(Quantifier::Any);
    match (atom == pc, value) {
        (false, true) => format!("{} holds", src(program, atom)),
        (false, false) => format!("{} is false", src(program, atom)),
        (true, true) if and => "every condition holds".to_string(),
        (true, false) if or => "no alternative holds".to_string(),
        (true, true) => format!("{} holds", src(program, pc)),
        (true, false) => format!("{} is false", src(program, pc)),
    }
}

/// Why a definition has its value.
pub(crate) fn def_reason(program: &Program, scratch: &mut Scratch, root: Pc) -> String {
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
            Some(Value::Bool(b)) => truth_reason(program, scratch, root, b),
            Some(_) => "computed from the values shown".to_string(),
        },
    }
}

/// Why a condition slot is true, false or unknown.
pub(crate) fn cond_reason(program: &Program, scratch: &mut Scratch, pc: Pc) -> String {
    let code = &program.code;
    match run::truth(slot(&scratch.vals, pc)) {
        Some(b) => truth_reason(program, scratch, pc, b),
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

/// The sections of a chain that have a condition of their own, outermost
/// first.
pub(crate) fn conditioned(program: &Program, chain: &[SectionId]) -> Vec<SectionId> {
    let own = &program.code.section_own;
    chain
        .iter()
        .copied()
        .filter(|s| own.get(s.0 as usize).copied().flatten().is_some())
        .collect()
}

/// The outermost section of `chain` whose own condition has the truth
/// `want`: the one that decided a status the chain gives (`Some(false)`
/// for not applicable, `None` for undetermined).
pub(crate) fn deciding_section(
    program: &Program,
    scratch: &Scratch,
    chain: &[SectionId],
    want: Option<bool>,
) -> Option<SectionId> {
    chain.iter().copied().find(|s| {
        let own = program
            .code
            .section_own
            .get(s.0 as usize)
            .copied()
            .flatten();
        own.is_some_and(|o| run::truth(slot(&scratch.vals, o)) == want)
    })
}

/// The id of a section, for reasons.
pub(crate) fn section_id(program: &Program, s: SectionId) -> &str {
    program
        .model
        .sections
        .get(s.0 as usize)
        .map(|x| x.id.as_str())
        .unwrap_or("")
}

/// Why a recommendation has its status, and the section that decided it
/// when one did (a false section: the rec's own condition is then not
/// evaluated).
pub(crate) fn rec_reason(
    program: &Program,
    scratch: &mut Scratch,
    r: usize,
) -> (String, Option<SectionId>) {
    let code = &program.code;
    let model = &program.model;
    let own = code.rec_own.get(r).copied().flatten();
    let chain = model.section_chain(model.recs.get(r).and_then(|x| x.section));
    let sections = conditioned(program, &chain);
    // The status is what the outcome reports, so the reason follows it.
    // One status per recommendation, by construction of the scratch.
    let status = scratch.statuses[r];
    // A false section decides before anything else: under it the rec's
    // own condition is not evaluated.
    if status == Status::NotApplicable {
        if let Some(s) = deciding_section(program, scratch, &chain, Some(false)) {
            let o = code.section_own.get(s.0 as usize).copied().flatten();
            let why = o
                .map(|o| cond_reason(program, scratch, o))
                .unwrap_or_default();
            let id = section_id(program, s);
            let text = format!("not applicable: section `{id}` does not apply ({why})");
            return (text, Some(s));
        }
    }
    if let Some(reason) = exact_reason(program, scratch, r, status) {
        return (reason, None);
    }
    let text = match (status, own) {
        (Status::Applies, None) => match sections.last() {
            None => "applies: no condition".to_string(),
            Some(&s) => format!(
                "applies: no condition of its own, and section `{}` applies",
                section_id(program, s)
            ),
        },
        (Status::Applies, Some(o)) => format!("applies: {}", cond_reason(program, scratch, o)),
        (Status::NotApplicable, Some(o)) => {
            format!("not applicable: {}", cond_reason(program, scratch, o))
        }
        (Status::NotApplicable, None) => "not applicable".to_string(),
        (Status::Undetermined, _) => {
            let root = code.rec_slot(r);
            format!("undetermined: {}", cond_reason(program, scratch, root))
        }
    };
    (text, None)
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
