//! Eval stage, exact pass: the cone of a slot (every slot its value reads,
//! transitively, through definitions too) and the comparisons of ordered
//! values in it. `Program::new` computes one per recommendation and per
//! definition, so a case only filters them.

use super::diagram::Diagrams;
use crate::check::model::{Model, Type};
use crate::eval::compile::{Code, Op, Pc};
use crate::eval::outcome::diagnose::fallible;
use crate::eval::why::Bits;

/// What a root reads.
#[derive(Debug, Clone, Default)]
pub(crate) struct Cone {
    /// Every slot the roots read, themselves included, in increasing order;
    /// operands come before the instructions that read them, so this is an
    /// evaluation order.
    pub slots: Vec<Pc>,
    /// The comparisons of ordered values (`<`, `=`, `in`, ...) among them:
    /// the only instructions whose result depends on where a number, a
    /// quantity or a date lies rather than on a truth or enum value.
    pub atoms: Vec<Pc>,
    /// The operations among them that can fail on known operands
    /// (arithmetic, date shifts: `outcome::diagnose::fallible`). A failed
    /// one is unknown although every fact it reads is known, which the
    /// regions of a decision diagram cannot see, so a case where one failed
    /// is settled by the completion walk, which runs the case's own values.
    pub fallible: Vec<Pc>,
    /// The slots among them that read a fact of the case (`Op::Fact`):
    /// everything else in the cone is computed from them, so their values
    /// key the exact pass's memo (`memo`).
    pub facts: Vec<Pc>,
}

/// The cones of every recommendation and definition of a program.
#[derive(Debug, Clone, Default)]
pub(crate) struct Plan {
    /// Per recommendation: the cone of its status slot.
    pub recs: Vec<Cone>,
    /// Per definition: the cone of its value slot.
    pub defs: Vec<Cone>,
    /// Per enum: its number of values.
    pub enums: Vec<u32>,
    /// Per fact: it may be `never` (`date or never`), a region of its own.
    pub never: Vec<bool>,
    /// Per fact: a `number` or `quantity` fact's declared range (canonical
    /// units), the only values its regions cover.
    pub ranges: Vec<Option<(f64, f64)>>,
    /// What every slot reads ([`reads`]), computed once so that a case's
    /// walks over the cone do not decode instructions again.
    pub adj: Adjacency,
    /// The recommendations' decision diagrams (see `diagram`).
    pub diagrams: Diagrams,
    /// This plan's identity, unique in the process: a scratch's memo of
    /// exact answers (`memo`) belongs to one plan.
    pub id: u64,
}

/// The slots each slot reads, flattened: slot `pc` reads
/// `list[start[pc]..start[pc + 1]]`, in the order [`reads`] gives.
#[derive(Debug, Clone, Default)]
pub(crate) struct Adjacency {
    start: Vec<u32>,
    list: Vec<Pc>,
}

impl Adjacency {
    /// The reads of every slot of `code`.
    pub fn new(code: &Code) -> Adjacency {
        let mut adj = Adjacency {
            start: Vec::with_capacity(code.ops.len() + 1),
            list: Vec::new(),
        };
        for pc in 0..code.ops.len() {
            adj.start
                .push(u32::try_from(adj.list.len()).unwrap_or(u32::MAX));
            let list = &mut adj.list;
            reads(code, pc as Pc, |c| list.push(c));
        }
        adj.start
            .push(u32::try_from(adj.list.len()).unwrap_or(u32::MAX));
        adj
    }

    /// The slots `pc` reads (empty out of range).
    pub fn of(&self, pc: Pc) -> &[Pc] {
        let i = pc as usize;
        match (self.start.get(i), self.start.get(i + 1)) {
            (Some(&s), Some(&e)) => self.list.get(s as usize..e as usize).unwrap_or(&[]),
            _ => &[],
        }
    }
}

impl Plan {
    /// The cones of a compiled model.
    pub fn new(code: &Code, model: &Model) -> Plan {
        let mut seen = Bits::with_len(code.ops.len());
        let mut stack = Vec::new();
        let mut cone = |root: Pc| Cone::build(code, &[root], &mut seen, &mut stack);
        let mut plan = Plan {
            recs: code.rec_root.iter().map(|&r| cone(r)).collect(),
            defs: code.def_root.iter().map(|&r| cone(r)).collect(),
            enums: enum_sizes(model),
            never: model.facts.iter().map(|f| f.domain.never).collect(),
            ranges: model.facts.iter().map(|f| f.domain.range).collect(),
            adj: Adjacency::new(code),
            diagrams: Diagrams::default(),
            id: fresh_id(),
        };
        plan.diagrams = Diagrams::new(code, model, &plan);
        plan
    }
}

impl Plan {
    /// Gives the plan a new identity, after a change to what its exact
    /// pass answers (its facts' domains), so no memo mixes the two.
    pub fn renew(&mut self) {
        self.id = fresh_id();
    }
}

/// A number no other plan of the process has.
fn fresh_id() -> u64 {
    use std::sync::atomic::{AtomicU64, Ordering};
    static NEXT: AtomicU64 = AtomicU64::new(1);
    NEXT.fetch_add(1, Ordering::Relaxed)
}

/// Per enum of a model: its number of values.
pub(crate) fn enum_sizes(model: &Model) -> Vec<u32> {
    model
        .enums
        .iter()
        .map(|e| u32::try_from(e.values.len()).unwrap_or(u32::MAX))
        .collect()
}

impl Cone {
    /// The cone of several roots together.
    pub fn of(code: &Code, roots: &[Pc]) -> Cone {
        let mut seen = Bits::with_len(code.ops.len());
        Cone::build(code, roots, &mut seen, &mut Vec::new())
    }

    fn build(code: &Code, roots: &[Pc], seen: &mut Bits, stack: &mut Vec<Pc>) -> Cone {
        seen.clear();
        stack.clear();
        let mut slots = Vec::new();
        for &r in roots {
            if (r as usize) < code.ops.len() && !seen.contains(r as usize) {
                seen.insert(r as usize);
                stack.push(r);
            }
        }
        while let Some(pc) = stack.pop() {
            slots.push(pc);
            reads(code, pc, |c| {
                if (c as usize) < code.ops.len() && !seen.contains(c as usize) {
                    seen.insert(c as usize);
                    stack.push(c);
                }
            });
        }
        slots.sort_unstable();
        let atoms = slots
            .iter()
            .copied()
            .filter(|&pc| is_atom(code, pc))
            .collect();
        let fallible = slots
            .iter()
            .copied()
            .filter(|&pc| code.ops.get(pc as usize).is_some_and(fallible))
            .collect();
        let facts = slots
            .iter()
            .copied()
            .filter(|&pc| matches!(code.ops.get(pc as usize), Some(Op::Fact(_))))
            .collect();
        Cone {
            slots,
            atoms,
            fallible,
            facts,
        }
    }
}

/// Calls `f` on every slot instruction `pc` reads: its operands, the
/// value slot of the definition a `Def` or `Column` copies from, and the
/// fact slot an instruction copying a fact reads.
pub(crate) fn reads(code: &Code, pc: Pc, mut f: impl FnMut(Pc)) {
    match code.ops.get(pc as usize) {
        Some(Op::Def { root, .. } | Op::Column { root, .. }) => f(*root),
        Some(&Op::Fact(x)) if x != pc && (x as usize) < code.facts => f(x),
        Some(_) => code.children(pc).for_each(f),
        None => {}
    }
}

/// The fact a slot holds: a fact slot, or an instruction copying a fact
/// (in a program compiled without fact slots, every fact read is one).
pub(crate) fn fact_of(code: &Code, pc: Pc) -> Option<u32> {
    match code.ops.get(pc as usize) {
        Some(&Op::Fact(f)) => Some(f),
        _ => None,
    }
}

/// True for the types split into regions (every other type has finitely
/// many values, all of which are tried).
pub(crate) fn ordered(ty: Type) -> bool {
    matches!(
        ty,
        Type::Int { .. } | Type::Number | Type::Quantity { .. } | Type::Date
    )
}

fn ty(code: &Code, pc: Pc) -> Type {
    code.types.get(pc as usize).copied().unwrap_or(Type::Bool)
}

/// True for a comparison of ordered values, or a lookup by an ordered key
/// (its range patterns are comparisons).
fn is_atom(code: &Code, pc: Pc) -> bool {
    if let Some(&Op::Lookup { start, len, .. }) = code.ops.get(pc as usize) {
        return code.args(start, len).iter().any(|&k| ordered(ty(code, k)));
    }
    let mut any = false;
    pairs(code, pc, |a, b| {
        any |= ordered(ty(code, a)) || ordered(ty(code, b))
    });
    any
}

/// Calls `f` on the two sides of every comparison instruction `pc` makes:
/// one pair for `<`, `=`, ..., one per member for `in`.
pub(crate) fn pairs(code: &Code, pc: Pc, mut f: impl FnMut(Pc, Pc)) {
    match code.ops.get(pc as usize) {
        Some(&Op::Eq(a, b, _)) => f(a, b),
        Some(&Op::Binary(op, a, b)) if op.is_comparison() => f(a, b),
        // Its interval only narrows what the score's own value decides.
        Some(&Op::ScoreCmp { score, k, .. }) => f(score, k),
        Some(&Op::In {
            value, start, len, ..
        }) => {
            for &m in code.args(start, len) {
                f(value, m);
            }
        }
        _ => {}
    }
}
