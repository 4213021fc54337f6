//! Eval stage, explanation: the value labels of a trace step's reads
//! (`grade = 2`, `prognosis_8_year: row histology = leiomyosarcoma`) and the
//! trace step each read stands for, which makes the trace's edges.

use crate::case::Case;
use crate::check::model::{Bound, FactId, Pattern, TExprKind, Type};
use crate::eval::compile::{Code, Op, Pc};
use crate::eval::{display, Program};
use crate::value::Value;

/// The slot's value in the filled slots.
pub(crate) fn slot(vals: &[Option<Value>], pc: Pc) -> Option<Value> {
    vals.get(pc as usize).copied().flatten()
}

/// The label of a read: `grade = 2`, `unknown: grade not given`. Read by
/// an `is known` test (`tested`), an unknown fact is only "not given": the
/// test itself has a value, so calling the read unknown would contradict it.
pub(crate) fn label(
    program: &Program,
    case: &Case,
    vals: &[Option<Value>],
    pc: Pc,
    tested: bool,
) -> Option<String> {
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
                None if tested => format!("{name} not given"),
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
pub(crate) fn row_keys(program: &Program, table: u32, r: u32) -> String {
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

/// The definition slot `pc` reads (a definition's value or one of its table
/// row's columns), whose trace step the reading step depends on.
pub(crate) fn read_def(code: &Code, pc: Pc) -> Option<u32> {
    if let Some(d) = code.def_of_root.get(pc as usize).copied().flatten() {
        return Some(d);
    }
    match code.ops.get(pc as usize)? {
        Op::Def { def, .. } | Op::Column { def, .. } => Some(*def),
        _ => None,
    }
}
