//! Eval stage: why a slot has its value, read off the evaluated slots.
//!
//! After a pass every slot holds its value, so explaining a result needs no
//! re-evaluation: the walkers below follow only the operands that decided
//! it. `missing` collects the unknown facts that could decide an unknown
//! value (known operands contribute nothing); `decisive` collects the reads
//! (facts, definitions, table cells) that decided a value, for trace labels
//! (traces use the equivalent, faster walk on flat tables in `walk`; this
//! one is its reference).

use crate::check::model::Pattern;
use crate::eval::compile::{Code, Op, Pc};
use crate::eval::run::{row_matches, truth, Slots};
use crate::syntax::ast::Quantifier;
use crate::value::Value;

/// A fixed-size bitset, reused across cases so queries do not allocate.
#[derive(Debug, Clone, Default)]
pub struct Bits {
    words: Vec<u64>,
}

impl Bits {
    /// A bitset for `n` members.
    pub fn with_len(n: usize) -> Bits {
        Bits {
            words: vec![0; n.div_ceil(64)],
        }
    }

    /// Removes every member.
    pub fn clear(&mut self) {
        self.words.iter_mut().for_each(|w| *w = 0);
    }

    /// Adds a member (ignored when out of range).
    pub fn insert(&mut self, i: usize) {
        if let Some(w) = self.words.get_mut(i / 64) {
            *w |= 1 << (i % 64);
        }
    }

    /// True when `i` is a member.
    pub fn contains(&self, i: usize) -> bool {
        self.words
            .get(i / 64)
            .is_some_and(|w| w & (1 << (i % 64)) != 0)
    }

    /// True when there are no members.
    pub fn is_empty(&self) -> bool {
        self.words.iter().all(|w| *w == 0)
    }

    /// The members in increasing order.
    pub fn iter(&self) -> impl Iterator<Item = usize> + '_ {
        self.words.iter().enumerate().flat_map(|(i, &w)| {
            let mut w = w;
            std::iter::from_fn(move || {
                if w == 0 {
                    return None;
                }
                let bit = w.trailing_zeros() as usize;
                w &= w - 1;
                Some(i * 64 + bit)
            })
        })
    }
}

#[inline]
fn get<V: Slots + ?Sized>(vals: &V, pc: Pc) -> Option<Value> {
    vals.slot(pc)
}

/// Adds to `out` the unknown facts that could decide the unknown slot `pc`.
/// `visited` (sized to the code) keeps shared definitions from being walked
/// twice; the union is the same either way.
pub(crate) fn missing(
    code: &Code,
    vals: &[Option<Value>],
    pc: Pc,
    out: &mut Bits,
    visited: &mut Bits,
) {
    reach(code, vals, pc, visited, &mut |_, op| {
        if let Op::Fact(f) = op {
            out.insert(*f as usize);
        }
    });
}

/// Calls `f` on every unknown slot that could decide the unknown slot
/// `pc`: the walk behind [`missing`], which ends at unknown facts, and
/// behind the runtime diagnostics a result depends on, which end at failed
/// operations (see `outcome::diagnose`).
pub(crate) fn reach(
    code: &Code,
    vals: &[Option<Value>],
    pc: Pc,
    visited: &mut Bits,
    f: &mut impl FnMut(Pc, &Op),
) {
    if get(vals, pc).is_some() || visited.contains(pc as usize) {
        return;
    }
    visited.insert(pc as usize);
    let Some(op) = code.ops.get(pc as usize) else {
        return;
    };
    f(pc, op);
    match op {
        Op::Fact(_) => {}
        Op::Def { root, .. } | Op::Column { root, .. } => reach(code, vals, *root, visited, f),
        Op::First {
            start,
            branches,
            otherwise,
        } => {
            for pair in code.args(*start, branches * 2).chunks_exact(2) {
                match truth(get(vals, pair[0])) {
                    Some(true) => return reach(code, vals, pair[1], visited, f),
                    Some(false) => {}
                    None => return reach(code, vals, pair[0], visited, f),
                }
            }
            // No branch holds: only the fallback can still be unknown.
            if let Some(o) = otherwise {
                reach(code, vals, *o, visited, f);
            }
        }
        Op::Lookup { table, start, len } => {
            let keys = code.args(*start, *len);
            if let Some(row) = stopping_row(code, vals, *table, keys) {
                for (p, &k) in row.iter().zip(keys) {
                    if !p.is_any() {
                        reach(code, vals, k, visited, f);
                    }
                }
            }
        }
        _ => {
            for c in code.children(pc) {
                reach(code, vals, c, visited, f);
            }
        }
    }
}

/// The row at which a lookup stopped because a key was unknown.
pub(crate) fn stopping_row<'a, V: Slots + ?Sized>(
    code: &'a Code,
    vals: &V,
    table: u32,
    keys: &[Pc],
) -> Option<&'a [Pattern]> {
    let t = code.tables.get(table as usize)?;
    for row in t.patterns.chunks_exact(t.keys.max(1)) {
        match row_matches(row, keys, vals) {
            Some(true) => return None,
            Some(false) => {}
            None => return Some(row),
        }
    }
    None
}

/// The row a lookup matched, as its patterns.
pub(crate) fn matched_row(code: &Code, table: u32, row: u32) -> Option<&[Pattern]> {
    let t = code.tables.get(table as usize)?;
    t.patterns.chunks_exact(t.keys.max(1)).nth(row as usize)
}

/// True for the connectives whose result can be decided by one operand.
fn is_connective(op: Option<&Op>) -> bool {
    matches!(op, Some(Op::And(..) | Op::Or(..) | Op::Quant(..)))
}

/// The operand of a connective that decided it alone (a false conjunct, a
/// true disjunct), if there is one.
fn deciding_operand<V: Slots + ?Sized>(code: &Code, vals: &V, pc: Pc) -> Option<Pc> {
    let v = truth(get(vals, pc))?;
    let op = code.ops.get(pc as usize)?;
    // Binary connectives directly: the common case in traces.
    if let Op::And(a, b) | Op::Or(a, b) = *op {
        let want = matches!(op, Op::Or(..));
        if v != want {
            return None;
        }
        return [a, b]
            .into_iter()
            .find(|&c| truth(get(vals, c)) == Some(want));
    }
    let want = match op {
        Op::And(..) | Op::Quant(Quantifier::All, ..) => (!v).then_some(false)?,
        Op::Or(..) | Op::Quant(Quantifier::Any, ..) => v.then_some(true)?,
        Op::Quant(Quantifier::None, ..) => (!v).then_some(true)?,
        _ => return None,
    };
    code.children(pc)
        .find(|&c| truth(get(vals, c)) == Some(want))
}

/// The condition that decided a boolean slot: follows a false conjunct or
/// a true disjunct down through connectives, so a false `a and b` because
/// of `b` names `b`.
pub(crate) fn atom(code: &Code, vals: &[Option<Value>], pc: Pc) -> Pc {
    let mut cur = pc;
    while let Some(next) = deciding_operand(code, vals, cur) {
        cur = next;
    }
    cur
}

/// The first unknown operand below an unknown connective (for reasons).
pub(crate) fn unknown_atom(code: &Code, vals: &[Option<Value>], pc: Pc) -> Pc {
    let mut cur = pc;
    while is_connective(code.ops.get(cur as usize)) && get(vals, cur).is_none() {
        match code.children(cur).find(|&c| get(vals, c).is_none()) {
            Some(c) => cur = c,
            None => break,
        }
    }
    cur
}

/// Appends the reads (fact, definition and column slots, each with the
/// slot that read it) that decided the value of `pc`. This is the
/// reference for the walk on flat tables in `walk`, which traces use (and
/// which falls back on this one for programs too large for its tables).
pub(crate) fn decisive<V: Slots + ?Sized>(code: &Code, vals: &V, pc: Pc, out: &mut Vec<(Pc, Pc)>) {
    let v = get(vals, pc);
    // Operands that are facts or definitions are labelled, not entered:
    // a definition has its own trace step.
    let visit = |c: Pc, out: &mut Vec<(Pc, Pc)>| {
        if code.is_read(c) {
            out.push((pc, c));
        } else {
            decisive(code, vals, c, out);
        }
    };
    match code.ops.get(pc as usize) {
        None | Some(Op::Const(_)) => {}
        Some(Op::Fact(_) | Op::Def { .. } | Op::Column { .. }) => out.push((pc, pc)),
        Some(Op::And(..) | Op::Or(..) | Op::Quant(..)) => {
            if let Some(c) = deciding_operand(code, vals, pc) {
                visit(c, out);
            } else {
                // Every operand counted (all true for `and`), or the result is
                // unknown and only the unknown operands are worth naming.
                for c in code.children(pc) {
                    if v.is_some() || get(vals, c).is_none() {
                        visit(c, out);
                    }
                }
            }
        }
        Some(Op::First {
            start,
            branches,
            otherwise,
        }) => {
            for pair in code.args(*start, branches * 2).chunks_exact(2) {
                match truth(get(vals, pair[0])) {
                    Some(false) => {}
                    Some(true) => {
                        visit(pair[0], out);
                        return visit(pair[1], out);
                    }
                    None => return visit(pair[0], out),
                }
            }
            if let Some(o) = otherwise {
                visit(*o, out);
            }
        }
        Some(Op::Lookup { table, start, len }) => {
            let keys = code.args(*start, *len);
            let row = match v {
                Some(Value::Row(r)) => matched_row(code, *table, r),
                _ => stopping_row(code, vals, *table, keys),
            };
            match row {
                Some(row) => {
                    for (p, &k) in row.iter().zip(keys) {
                        if !p.is_any() && (v.is_some() || get(vals, k).is_none()) {
                            visit(k, out);
                        }
                    }
                }
                // No row matched: every key took part.
                None => keys.iter().for_each(|&k| visit(k, out)),
            }
        }
        Some(&(Op::Score { start, len, .. } | Op::ScoreCmp { start, len, .. })) if v.is_some() => {
            let items = code.args(start, len * 4);
            let (head, quads) = score_parts(code, vals, pc, items);
            for c in head {
                visit(c, out);
            }
            for (c, p) in quads {
                visit(c, out);
                if let Some(p) = p {
                    visit(p, out);
                }
            }
        }
        // A set test decided by a known member does not depend on the
        // unknown ones, and an unknown one only on its unknown operands.
        Some(Op::In { .. }) => {
            for c in code.children(pc) {
                if get(vals, c).is_some() == v.is_some() {
                    visit(c, out);
                }
            }
        }
        Some(_) => {
            for c in code.children(pc) {
                if v.is_some() || get(vals, c).is_none() {
                    visit(c, out);
                }
            }
        }
    }
}

/// The operands that decided a known score or comparison of a score
/// (`items` its quadruples): for a comparison, `k` and the score when it
/// is known; else the items whose condition is known, as `(condition,
/// points)` with the points only where the item counted.
pub(crate) fn score_parts<'a, V: Slots + ?Sized>(
    code: &'a Code,
    vals: &'a V,
    pc: Pc,
    items: &'a [Pc],
) -> (Vec<Pc>, impl Iterator<Item = (Pc, Option<Pc>)> + 'a) {
    let mut head = Vec::new();
    let mut whole = false;
    if let Some(&Op::ScoreCmp { score, k, .. }) = code.ops.get(pc as usize) {
        head.push(k);
        if get(vals, score).is_some() {
            head.push(score);
            whole = true;
        }
    }
    let quads = items
        .chunks_exact(4)
        .filter(move |_| !whole)
        .filter_map(move |q| {
            let (c, p) = (*q.first()?, *q.get(1)?);
            match truth(get(vals, c)) {
                Some(true) => Some((c, Some(p))),
                Some(false) => Some((c, None)),
                None => None,
            }
        });
    (head, quads)
}

/// How a `first` or table lookup reached its value, for reasons.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Choice {
    /// Branch `i` (0-based) held, or row `i` matched.
    Branch(usize, Pc),
    /// The fallback was taken.
    Otherwise,
    /// No branch or row applies.
    NoneApplies,
    /// An unknown condition or key stopped it.
    Stopped,
    /// Not a `first` or lookup: computed by an expression.
    Computed,
}

/// Which branch or row decided a `first` or lookup slot.
pub(crate) fn choice(code: &Code, vals: &[Option<Value>], pc: Pc) -> Choice {
    match code.ops.get(pc as usize) {
        Some(Op::First {
            start,
            branches,
            otherwise,
        }) => {
            for (i, pair) in code.args(*start, branches * 2).chunks_exact(2).enumerate() {
                match truth(get(vals, pair[0])) {
                    Some(true) => return Choice::Branch(i, pair[0]),
                    Some(false) => {}
                    None => return Choice::Stopped,
                }
            }
            if otherwise.is_some() {
                Choice::Otherwise
            } else {
                Choice::NoneApplies
            }
        }
        Some(Op::Lookup { table, start, len }) => match get(vals, pc) {
            Some(Value::Row(r)) => Choice::Branch(r as usize, pc),
            _ if stopping_row(code, vals, *table, code.args(*start, *len)).is_some() => {
                Choice::Stopped
            }
            _ => Choice::NoneApplies,
        },
        _ => Choice::Computed,
    }
}
