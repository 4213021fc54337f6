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
//! entering), a constant or an operation over reads only. The rules are
//! those of the reference walker `why::decisive`, which the walk must
//! reproduce exactly (the tests compare the two on random cases).

use crate::check::model::Model;
use crate::eval::compile::{Code, Op, Pc};
use crate::eval::record::{self, Step};
use crate::eval::run::{truth, Slots};
use crate::eval::why::{self, matched_row, stopping_row};
use crate::syntax::ast::Quantifier;
use crate::value::Value;

/// Set on an operand that is a fact or a definition's value: the walk
/// labels it instead of entering it.
const READ: u32 = 1 << 31;
/// Set on an operand that is a constant, which never decides anything.
const CONST: u32 = 1 << 30;
/// Set on an operand whose own operands are all reads (a comparison of a
/// fact with a constant, say), so the walk labels them without a call.
const LEAF: u32 = 1 << 29;
/// The slot index of an operand entry.
const SLOT: u32 = LEAF - 1;

/// How the walk treats a slot.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
enum Class {
    /// A constant (or a slot out of range): decided by nothing.
    #[default]
    Skip,
    /// A fact, definition or column read: it is its own decisive read.
    Read,
    /// A connective that one operand can decide (see [`Node`]).
    Conn,
    /// `first`: operands are condition/value pairs, then the fallback.
    First,
    /// A table lookup: operands are the keys.
    Lookup,
    /// A set test: the operands that are known when it is known (a known
    /// member decided it), the unknown ones when it is unknown. Constant
    /// operands are left out.
    Set,
    /// A score or a comparison of one: when known, the items whose
    /// condition is known (with their points where they counted), or for
    /// a comparison of a known score that score; when unknown, the unknown
    /// operands. Operands are `children` unfiltered (their positions say
    /// which is which).
    Score,
    /// Any other operation: every operand counts. Constant operands are
    /// left out, since they never count.
    Other,
}

/// One slot's entry: its class and its operands `kids[start..end]`.
#[derive(Debug, Clone, Copy, Default)]
struct Node {
    start: u32,
    end: u32,
    class: Class,
    /// For a connective: the value at which one operand decides it, and
    /// that operand's truth (`and`/`all`: false, false; `or`/`any`: true,
    /// true; `none`: false, true).
    on: bool,
    want: bool,
}

/// The flat tables the walk reads, built once per program.
#[derive(Debug, Clone, Default)]
pub(crate) struct Walk {
    /// One per slot; empty when the program is too large for the flags,
    /// and then the reference walker runs instead.
    nodes: Vec<Node>,
    /// Operand slots with their flags.
    kids: Vec<u32>,
    /// The trace steps in output order, with their slots looked up once
    /// here rather than per case.
    steps: Vec<Step>,
}

impl Walk {
    /// Flattens compiled code (whose `def_of_root`, sections and compact
    /// program must be filled in) and lists the trace steps of its model.
    pub(crate) fn build(code: &Code, model: &Model) -> Walk {
        let mut walk = Walk {
            nodes: Vec::with_capacity(code.ops.len()),
            kids: Vec::new(),
            steps: record::steps(code, model),
        };
        if code.ops.len() > SLOT as usize {
            walk.nodes.clear();
            return walk;
        }
        // Operands come before the instructions that read them, so every
        // operand's flags are known when its reader is flattened.
        let mut leaf = Vec::with_capacity(code.ops.len());
        for (pc, op) in code.ops.iter().enumerate() {
            let pc = pc as Pc;
            let flag = |c: Pc| match code.ops.get(c as usize) {
                _ if code.is_read(c) => c | READ,
                Some(Op::Const(_)) => c | CONST,
                _ if leaf.get(c as usize) == Some(&true) => c | LEAF,
                _ => c,
            };
            let start = walk.kids.len();
            let mut node = Node::default();
            match *op {
                Op::Const(_) => {}
                Op::Fact(_) | Op::Def { .. } | Op::Column { .. } => node.class = Class::Read,
                Op::And(..) | Op::Or(..) | Op::Quant(..) => {
                    (node.on, node.want) = match *op {
                        Op::Or(..) | Op::Quant(Quantifier::Any, ..) => (true, true),
                        Op::Quant(Quantifier::None, ..) => (false, true),
                        _ => (false, false),
                    };
                    node.class = Class::Conn;
                    walk.kids.extend(code.children(pc).map(flag));
                }
                // The pairs in order and the fallback last, unlike
                // `children`, which puts the fallback first.
                Op::First {
                    start,
                    branches,
                    otherwise,
                } => {
                    node.class = Class::First;
                    let pairs = code.args(start, branches * 2);
                    walk.kids.extend(pairs.iter().map(|&c| flag(c)));
                    walk.kids.extend(otherwise.map(flag));
                }
                Op::Lookup { .. } => {
                    node.class = Class::Lookup;
                    walk.kids.extend(code.children(pc).map(flag));
                }
                Op::Score { .. } | Op::ScoreCmp { .. } => {
                    node.class = Class::Score;
                    walk.kids.extend(code.children(pc).map(flag));
                }
                Op::In { .. } => {
                    node.class = Class::Set;
                    let kids = code.children(pc).map(flag);
                    walk.kids.extend(kids.filter(|k| k & CONST == 0));
                }
                _ => {
                    node.class = Class::Other;
                    let kids = code.children(pc).map(flag);
                    walk.kids.extend(kids.filter(|k| k & CONST == 0));
                }
            }
            let kids = walk.kids.get(start..).unwrap_or(&[]);
            leaf.push(node.class == Class::Other && kids.iter().all(|k| k & READ != 0));
            (node.start, node.end) = (start as u32, walk.kids.len() as u32);
            walk.nodes.push(node);
        }
        walk
    }

    /// The trace steps in output order (the same as the program's).
    pub(crate) fn steps(&self) -> &[Step] {
        &self.steps
    }
}

#[cfg(test)]
impl Walk {
    /// Drops the flat tables, as for a program too large for them.
    pub(crate) fn drop_tables(&mut self) {
        self.nodes.clear();
        self.kids.clear();
    }
}

#[inline(always)]
fn get<V: Slots + ?Sized>(vals: &V, pc: u32) -> Option<Value> {
    vals.slot(pc)
}

/// Walks one case's slots, appending decisive reads to `out`.
pub(crate) struct Walker<'a, V: Slots + ?Sized> {
    code: &'a Code,
    nodes: &'a [Node],
    kids: &'a [u32],
    vals: &'a V,
    /// The decisive reads found so far, as `(reader, slot read)`.
    pub out: &'a mut Vec<(Pc, Pc)>,
}

impl<'a, V: Slots + ?Sized> Walker<'a, V> {
    /// A walker over the filled slots `vals` of `code`.
    pub(crate) fn new(code: &'a Code, vals: &'a V, out: &'a mut Vec<(Pc, Pc)>) -> Walker<'a, V> {
        Walker {
            code,
            nodes: &code.walk.nodes,
            kids: &code.walk.kids,
            vals,
            out,
        }
    }

    /// Appends the reads (fact, definition and column slots, each with the
    /// slot that read it) that decided the value of `pc`, exactly as the
    /// reference walker `why::decisive` does.
    ///
    /// The walk of the top slot is inlined into the caller, which calls it
    /// once per trace step: a call per step cost more than the walk of a
    /// typical step. Only operands that need a walk of their own recurse.
    #[inline(always)]
    pub(crate) fn decisive(&mut self, pc: Pc) {
        if self.nodes.len() == self.code.ops.len() {
            self.walk(pc);
        } else {
            why::decisive(self.code, self.vals, pc, self.out);
        }
    }

    /// The operands of a node.
    #[inline(always)]
    fn kids(&self, node: Node) -> &'a [u32] {
        self.kids
            .get(node.start as usize..node.end as usize)
            .unwrap_or(&[])
    }

    /// The walk itself. Where one operand alone decides a slot it moves on
    /// to that operand in a loop rather than recursing, since chains of
    /// connectives are the common shape of a condition.
    #[inline(always)]
    fn walk(&mut self, mut pc: Pc) {
        let vals = self.vals;
        loop {
            let Some(&node) = self.nodes.get(pc as usize) else {
                return;
            };
            let kids = self.kids(node);
            let next = match node.class {
                Class::Skip => return,
                Class::Read => return self.out.push((pc, pc)),
                Class::Conn => {
                    let v = get(vals, pc);
                    let decider = match truth(v) {
                        Some(t) if t == node.on => kids
                            .iter()
                            .copied()
                            .find(|&k| truth(get(vals, k & SLOT)) == Some(node.want)),
                        _ => None,
                    };
                    match decider {
                        Some(k) => k,
                        // Every operand counted (all true for `and`), or
                        // the result is unknown and only unknown operands
                        // count.
                        None => return self.every(pc, kids, v.is_some()),
                    }
                }
                Class::Other => return self.every(pc, kids, get(vals, pc).is_some()),
                Class::First => match self.first(pc, kids) {
                    Some(k) => k,
                    None => return,
                },
                Class::Lookup => return self.lookup(pc, kids),
                Class::Set => return self.set(pc, kids),
                Class::Score => return self.score(pc, kids),
            };
            if next & (READ | CONST) != 0 {
                if next & READ != 0 {
                    self.out.push((pc, next & SLOT));
                }
                return;
            }
            pc = next & SLOT;
        }
    }

    /// The walk of an operand that needs one of its own.
    #[inline(never)]
    fn nested(&mut self, pc: Pc) {
        self.walk(pc);
    }

    /// Labels a read operand, labels the reads of a leaf operand, or walks
    /// into any other (constants contribute nothing).
    #[inline(always)]
    fn visit(&mut self, pc: Pc, k: u32) {
        let slot = k & SLOT;
        if k & READ != 0 {
            self.out.push((pc, slot));
        } else if k & LEAF != 0 {
            self.leaf(slot);
        } else if k & CONST == 0 {
            self.nested(slot);
        }
    }

    /// Labels the reads of a leaf operand (all its operands are reads).
    #[inline(never)]
    fn leaf(&mut self, pc: Pc) {
        if let Some(&node) = self.nodes.get(pc as usize) {
            let known = get(self.vals, pc).is_some();
            for &r in self.kids(node) {
                if known || get(self.vals, r & SLOT).is_none() {
                    self.out.push((pc, r & SLOT));
                }
            }
        }
    }

    /// Where a `first` goes on: its fallback, the value of the branch that
    /// held (after labelling its condition), or the unknown condition that
    /// stopped it. Out of line, as `first` is rare in conditions.
    #[cold]
    #[inline(never)]
    fn first(&mut self, pc: Pc, kids: &[u32]) -> Option<u32> {
        match first(self.vals, kids) {
            Taken::Branch(cond, value) => {
                self.visit(pc, cond);
                Some(value)
            }
            Taken::Stopped(cond) => Some(cond),
            Taken::Otherwise(o) => o,
        }
    }

    /// Visits every operand, or only the unknown ones when the slot itself
    /// is unknown (the known ones did not keep it from being decided).
    #[inline(always)]
    fn every(&mut self, pc: Pc, kids: &[u32], known: bool) {
        for &k in kids {
            if known || get(self.vals, k & SLOT).is_none() {
                self.visit(pc, k);
            }
        }
    }

    /// The operands that decided a score or a comparison of one (as
    /// `why::score_parts`).
    #[cold]
    #[inline(never)]
    fn score(&mut self, pc: Pc, kids: &[u32]) {
        let vals = self.vals;
        if get(vals, pc).is_none() {
            return self.every(pc, kids, false);
        }
        let quads = if matches!(self.code.ops.get(pc as usize), Some(Op::ScoreCmp { .. })) {
            let (Some(&score), Some(&k)) = (kids.first(), kids.get(1)) else {
                return;
            };
            self.visit(pc, k);
            if get(vals, score & SLOT).is_some() {
                return self.visit(pc, score);
            }
            kids.get(2..).unwrap_or(&[])
        } else {
            kids
        };
        for q in quads.chunks_exact(4) {
            let (Some(&c), Some(&p)) = (q.first(), q.get(1)) else {
                continue;
            };
            match truth(get(vals, c & SLOT)) {
                Some(true) => {
                    self.visit(pc, c);
                    self.visit(pc, p);
                }
                Some(false) => self.visit(pc, c),
                None => {}
            }
        }
    }

    /// Visits the operands of a set test that are known when it is known,
    /// unknown when it is unknown (as `why::decisive`).
    #[inline(never)]
    fn set(&mut self, pc: Pc, kids: &[u32]) {
        let known = get(self.vals, pc).is_some();
        for &k in kids {
            if get(self.vals, k & SLOT).is_some() == known {
                self.visit(pc, k);
            }
        }
    }

    /// The keys that decided a lookup: those the matched row (or the row
    /// an unknown key stopped at) tests, or every key when no row matched.
    #[cold]
    #[inline(never)]
    fn lookup(&mut self, pc: Pc, kids: &[u32]) {
        let (code, vals) = (self.code, self.vals);
        let Some(&Op::Lookup { table, start, len }) = code.ops.get(pc as usize) else {
            return;
        };
        let v = get(vals, pc);
        let row = match v {
            Some(Value::Row(r)) => matched_row(code, table, r),
            _ => stopping_row(code, vals, table, code.args(start, len)),
        };
        match row {
            Some(row) => {
                for (p, &k) in row.iter().zip(kids) {
                    if !p.is_any() && (v.is_some() || get(vals, k & SLOT).is_none()) {
                        self.visit(pc, k);
                    }
                }
            }
            None => {
                for &k in kids {
                    self.visit(pc, k);
                }
            }
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
fn first<V: Slots + ?Sized>(vals: &V, kids: &[u32]) -> Taken {
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
