//! Eval stage: the decisive reads behind a trace, walked on flat tables.
//!
//! Recording a trace asks, for every step, which reads (facts, definitions,
//! table cells) decided a slot. The walk follows only the operands that
//! decided it, so it is short, but it runs for every step of every case.
//! Matching on [`Op`] at each node, building operand iterators and looking
//! up whether an operand is a definition's value made up most of its cost,
//! so [`Walk::build`] flattens all of that once per program: every slot gets
//! a class and a run of operands in one array, and each operand carries a
//! flag telling whether it is a read (a boundary the walk labels instead of
//! entering). The rules are those of the reference walker kept in the tests
//! (`why::decisive`), which the tables must reproduce exactly.

use super::compile::{Code, Op, Pc};
use super::run::truth;
use super::why::{matched_row, stopping_row};
use crate::syntax::ast::Quantifier;
use crate::value::Value;

/// Set on an operand that is a fact or a definition's value.
const READ: u32 = 1 << 31;
/// The slot index of an operand entry.
const SLOT: u32 = READ - 1;

/// How the walk treats a slot.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
enum Class {
    /// A constant (or a slot out of range): decided by nothing.
    #[default]
    Skip,
    /// A fact, definition or column read: it is its own decisive read.
    Read,
    /// A connective decided by one operand when its value is `on`: the
    /// first operand whose truth is `want` (`and`/`all`: false, false;
    /// `or`/`any`: true, true; `none`: false, true).
    Conn { on: bool, want: bool },
    /// `first`: operands are condition/value pairs, then the fallback.
    First,
    /// A table lookup: operands are the keys.
    Lookup,
    /// Any other operation: every operand counts.
    Other,
}

/// One slot's entry: its class and its operands `kids[start..end]`.
#[derive(Debug, Clone, Copy, Default)]
struct Node {
    class: Class,
    start: u32,
    end: u32,
}

/// The flat tables the walk reads, built once per program.
#[derive(Debug, Clone, Default)]
pub(crate) struct Walk {
    nodes: Vec<Node>,
    /// Operand slots, `READ`-flagged where the operand is a read.
    kids: Vec<u32>,
}

impl Walk {
    /// Flattens compiled code (whose `def_of_root` must be filled in).
    /// Returns empty tables, which make every walk a no-op, if a slot index
    /// would not leave room for the flag.
    pub(crate) fn build(code: &Code) -> Walk {
        if code.ops.len() >= READ as usize {
            return Walk::default();
        }
        let mut walk = Walk {
            nodes: Vec::with_capacity(code.ops.len()),
            kids: Vec::new(),
        };
        for (pc, op) in code.ops.iter().enumerate() {
            let pc = pc as Pc;
            let start = walk.kids.len() as u32;
            let class = match op {
                Op::Const(_) => Class::Skip,
                Op::Fact(_) | Op::Def { .. } | Op::Column { .. } => Class::Read,
                Op::And(..) | Op::Quant(Quantifier::All, ..) => Class::Conn {
                    on: false,
                    want: false,
                },
                Op::Or(..) | Op::Quant(Quantifier::Any, ..) => Class::Conn {
                    on: true,
                    want: true,
                },
                Op::Quant(Quantifier::None, ..) => Class::Conn {
                    on: false,
                    want: true,
                },
                Op::First { .. } => Class::First,
                Op::Lookup { .. } => Class::Lookup,
                _ => Class::Other,
            };
            let flag = |c: Pc| if code.is_read(c) { c | READ } else { c };
            match op {
                // The walk takes the pairs in order and the fallback last,
                // unlike `children`, which puts the fallback first.
                Op::First {
                    start,
                    branches,
                    otherwise,
                } => {
                    let pairs = code.args(*start, branches * 2);
                    walk.kids.extend(pairs.iter().map(|&c| flag(c)));
                    walk.kids.extend(otherwise.map(flag));
                }
                _ => walk.kids.extend(code.children(pc).map(flag)),
            }
            let end = walk.kids.len() as u32;
            walk.nodes.push(Node { class, start, end });
        }
        walk
    }
}

#[inline(always)]
fn get(vals: &[Option<Value>], pc: u32) -> Option<Value> {
    vals.get(pc as usize).copied().flatten()
}

/// Appends the reads (fact, definition and column slots, each with the
/// slot that read it) that decided the value of `pc`.
///
/// Where one operand alone decides a slot the walk moves on to it in a
/// loop rather than recursing, since chains of connectives are the common
/// shape of a condition.
pub(crate) fn decisive(code: &Code, vals: &[Option<Value>], pc: Pc, out: &mut Vec<(Pc, Pc)>) {
    let walk = &code.walk;
    let mut pc = pc;
    loop {
        let Some(&node) = walk.nodes.get(pc as usize) else {
            return;
        };
        let kids = walk
            .kids
            .get(node.start as usize..node.end as usize)
            .unwrap_or(&[]);
        let v = get(vals, pc);
        let next = match node.class {
            Class::Skip => return,
            Class::Read => return out.push((pc, pc)),
            Class::Conn { on, want } => {
                let decider = match truth(v) {
                    Some(t) if t == on => kids
                        .iter()
                        .copied()
                        .find(|&k| truth(get(vals, k & SLOT)) == Some(want)),
                    _ => None,
                };
                match decider {
                    Some(k) => k,
                    // Every operand counted (all true for `and`), or the
                    // result is unknown and only unknown operands count.
                    None => return every(code, vals, pc, kids, v.is_some(), out),
                }
            }
            Class::Other => return every(code, vals, pc, kids, v.is_some(), out),
            Class::First => match first(vals, kids) {
                Taken::Branch(cond, value) => {
                    visit(code, vals, pc, cond, out);
                    value
                }
                Taken::Stopped(cond) => cond,
                Taken::Otherwise(Some(o)) => o,
                Taken::Otherwise(None) => return,
            },
            Class::Lookup => return lookup(code, vals, pc, v, kids, out),
        };
        if next & READ != 0 {
            return out.push((pc, next & SLOT));
        }
        pc = next;
    }
}

/// Labels a read operand, or walks into any other.
#[inline(always)]
fn visit(code: &Code, vals: &[Option<Value>], pc: Pc, k: u32, out: &mut Vec<(Pc, Pc)>) {
    if k & READ != 0 {
        out.push((pc, k & SLOT));
    } else {
        decisive(code, vals, k, out);
    }
}

/// Visits every operand, or only the unknown ones when the slot itself is
/// unknown (the known ones did not keep it from being decided).
fn every(
    code: &Code,
    vals: &[Option<Value>],
    pc: Pc,
    kids: &[u32],
    known: bool,
    out: &mut Vec<(Pc, Pc)>,
) {
    for &k in kids {
        if known || get(vals, k & SLOT).is_none() {
            visit(code, vals, pc, k, out);
        }
    }
}

/// Where a `first` went.
enum Taken {
    /// This condition held and this value was taken.
    Branch(u32, u32),
    /// This condition was unknown.
    Stopped(u32),
    /// No condition held: the fallback, if there is one.
    Otherwise(Option<u32>),
}

/// Follows a `first`'s conditions (`kids` as built for [`Class::First`]).
fn first(vals: &[Option<Value>], kids: &[u32]) -> Taken {
    let (pairs, rest) = kids.split_at(kids.len() & !1);
    for pair in pairs.chunks_exact(2) {
        if let [cond, value] = *pair {
            match truth(get(vals, cond & SLOT)) {
                Some(false) => {}
                Some(true) => return Taken::Branch(cond, value),
                None => return Taken::Stopped(cond),
            }
        }
    }
    Taken::Otherwise(rest.first().copied())
}

/// The keys that decided a lookup: those the matched row (or the row an
/// unknown key stopped at) tests, or every key when no row matched.
fn lookup(
    code: &Code,
    vals: &[Option<Value>],
    pc: Pc,
    v: Option<Value>,
    kids: &[u32],
    out: &mut Vec<(Pc, Pc)>,
) {
    let Some(&Op::Lookup { table, start, len }) = code.ops.get(pc as usize) else {
        return;
    };
    let keys = code.args(start, len);
    let row = match v {
        Some(Value::Row(r)) => matched_row(code, table, r),
        _ => stopping_row(code, vals, table, keys),
    };
    match row {
        Some(row) => {
            for (p, &k) in row.iter().zip(kids) {
                if p.is_some() && (v.is_some() || get(vals, k & SLOT).is_none()) {
                    visit(code, vals, pc, k, out);
                }
            }
        }
        None => {
            for &k in kids {
                visit(code, vals, pc, k, out);
            }
        }
    }
}
