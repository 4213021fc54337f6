//! Eval stage, exact pass: building the decision diagrams of `diagram` at
//! `Program::new`.
//!
//! First each recommendation's own split is prepared as the analysis does
//! (every fact unknown, see `space`); a recommendation gets a diagram only
//! when that split is complete, so that its regions hold for every case.
//! Each fact is then split at the thresholds of all those recommendations
//! together (a refinement of each one's own regions, so still uniform for
//! each), and every slot a status reads gets a diagram, operands first:
//! a fact is a test of its variable with one terminal per region (its
//! representative), an `is known` a test of its own variable, and any other
//! instruction the pointwise combination of its operands' diagrams, each
//! combination computed by `run::step` with the operands' values. A
//! combination that Kleene evaluation already decides with some operands
//! still untested is a terminal: every operation but `is known` is
//! monotone, so every completion agrees (this keeps `a or b or c` linear).
//! Nodes are shared (equal nodes are one) and reduced (a test whose
//! branches all lead to one node is that node).

use super::cone::{fact_of, reads, Plan};
use super::diagram::{code as status_code, Diagrams, Node, RecDiagram, Var, VarKind, LEAF, TERM};
use super::pass::status_of;
use super::regions::{num, split};
use super::{Work, LIMIT};
use crate::check::model::{Model, Type};
use crate::eval::compile::{Code, Op, Pc};
use crate::eval::run::{self, Slots};
use crate::eval::why::Bits;
use crate::value::Value;
use std::collections::HashMap;

/// The most nodes of all the diagrams of a program together.
const NODES: usize = 1 << 18;
/// The most combinations computed for one recommendation's diagram; a
/// recommendation over the bound keeps the completion walk.
const WORK: usize = 1 << 16;

/// A slot whose diagram is not built yet.
const UNBUILT: u32 = u32::MAX;
/// A slot whose diagram went over the bounds.
const FAILED: u32 = u32::MAX - 1;

/// The diagrams over the bounds.
#[derive(Debug)]
struct Over;

impl Diagrams {
    /// The diagrams of every recommendation whose split is complete.
    pub fn new(code: &Code, model: &Model, plan: &Plan) -> Diagrams {
        let own: Vec<Option<Own>> = (0..code.rec_root.len())
            .map(|r| own_split(code, plan, r))
            .collect();
        let mut b = Builder {
            code,
            d: Diagrams::default(),
            unique: HashMap::new(),
            term_ids: HashMap::new(),
            slot: vec![UNBUILT; code.ops.len()],
            fact_node: vec![UNBUILT; model.facts.len()],
            known: HashMap::new(),
            work: 0,
        };
        b.fact_vars(model, plan, &own);
        let mut recs = Vec::with_capacity(own.len());
        let mut placed = HashMap::new();
        for (r, own) in own.into_iter().enumerate() {
            let built = own.and_then(|own| {
                let root = *code.rec_root.get(r)?;
                let node = b.rec(root).ok()?;
                let size = own
                    .counts
                    .iter()
                    .fold(1u64, |n, &(_, c, _)| n.saturating_mul(u64::from(c)));
                Some(RecDiagram {
                    root: b.flatten(node, &mut placed).ok()?,
                    small: size <= LIMIT,
                    facts: own.counts,
                    lanes: b.lanes(node),
                })
            });
            recs.push(built);
        }
        b.d.recs = recs;
        b.d
    }
}

/// A recommendation's own complete split.
struct Own {
    /// Its facts, their number of regions, and whether every split has
    /// that many (a truth value's or an enum's).
    counts: Vec<(u32, u32, bool)>,
    /// Its thresholds, `(fact, value)`.
    cands: Vec<(u32, Value)>,
}

/// The split of recommendation `r` with every fact unknown, if complete.
fn own_split(code: &Code, plan: &Plan, r: usize) -> Option<Own> {
    let (cone, &root) = (plan.recs.get(r)?, code.rec_root.get(r)?);
    let mut work = Work::default();
    work.fit(code.ops.len());
    work.load_blank(code, cone);
    if !work.prepare(code, cone, &[root], plan, false) {
        return None;
    }
    // The blank split takes an `is known` that reads no fact as unknown in
    // every completion, so a comparison it alone leaves undecided got no
    // thresholds; a case decides it, and the walk would split there.
    let unsplit = cone.slots.iter().any(|&pc| {
        matches!(code.ops.get(pc as usize), Some(Op::IsKnown(..)))
            && work.live.contains(pc as usize)
            && !work.dep.contains(pc as usize)
    });
    // The bound the walk keeps is found from the fact slots (see
    // `Program::walk_within_limit`), which every copy of a fact reads.
    let copies = cone
        .slots
        .iter()
        .any(|&pc| fact_of(code, pc).is_some_and(|f| f as usize >= code.facts));
    if unsplit || copies {
        return None;
    }
    let counts = (0..work.facts.len())
        .filter_map(|i| {
            let every = matches!(work.ftys.get(i)?, Type::Bool | Type::Enum(_));
            Some((*work.facts.get(i)?, work.radix(i) as u32, every))
        })
        .collect();
    Some(Own {
        counts,
        cands: work.cands.clone(),
    })
}

struct Builder<'c> {
    code: &'c Code,
    d: Diagrams,
    /// Inner nodes by `[var, kids...]`.
    unique: HashMap<Vec<u32>, u32>,
    /// Terminal nodes by value.
    term_ids: HashMap<(u8, u64), u32>,
    /// Per slot: its diagram ([`UNBUILT`], [`FAILED`]).
    slot: Vec<u32>,
    /// Per fact: the diagram of its value.
    fact_node: Vec<u32>,
    /// Per `is known` slot: its variable.
    known: HashMap<Pc, u32>,
    /// Combinations computed for the current recommendation.
    work: usize,
}

/// The operand values of one combination, for `run::step`: the value of
/// each operand slot whose diagram is a terminal, unknown otherwise.
struct Local<'a> {
    pcs: &'a [Pc],
    vals: &'a [Option<Value>],
}

impl Slots for Local<'_> {
    fn slot(&self, pc: Pc) -> Option<Value> {
        let i = self.pcs.iter().position(|&p| p == pc)?;
        self.vals.get(i).copied().flatten()
    }
}

impl Builder<'_> {
    /// One variable per fact, split at every complete split's thresholds.
    fn fact_vars(&mut self, model: &Model, plan: &Plan, own: &[Option<Own>]) {
        let mut cands: Vec<(u32, Value)> = own
            .iter()
            .flatten()
            .flat_map(|o| o.cands.iter().copied())
            .collect();
        cands.sort_unstable_by(|a, b| a.0.cmp(&b.0).then(num(a.1).total_cmp(&num(b.1))));
        let mut at = 0;
        for (f, info) in model.facts.iter().enumerate() {
            let f = f as u32;
            let mut end = at;
            while cands.get(end).is_some_and(|c| c.0 == f) {
                end += 1;
            }
            let values = match info.ty {
                Type::Enum(e) => plan.enums.get(e.0 as usize).copied().unwrap_or(0),
                _ => 0,
            };
            let start = self.d.regions.len();
            split(
                info.ty,
                values,
                info.domain.never,
                info.domain.range,
                cands.get(at..end).unwrap_or(&[]),
                &mut self.d.regions,
            );
            self.d.vars.push(Var {
                kind: VarKind::Fact {
                    fact: f,
                    ty: info.ty,
                },
                radix: (self.d.regions.len() - start) as u32,
                start: start as u32,
            });
            at = end;
        }
    }

    /// The diagram of a recommendation's status slot.
    fn rec(&mut self, root: Pc) -> Result<u32, Over> {
        self.work = 0;
        let code = self.code;
        // The slots the status reads, except below `is known` (a variable).
        let mut need = Vec::new();
        let mut seen = Bits::with_len(code.ops.len());
        let mut stack = vec![root];
        seen.insert(root as usize);
        while let Some(pc) = stack.pop() {
            match self.slot.get(pc as usize).copied() {
                Some(FAILED) | None => return Err(Over),
                Some(UNBUILT) => {}
                Some(_) => continue,
            }
            need.push(pc);
            if matches!(
                code.ops.get(pc as usize),
                Some(Op::IsKnown(..) | Op::Fact(_))
            ) {
                continue;
            }
            reads(code, pc, |c| {
                if !seen.contains(c as usize) {
                    seen.insert(c as usize);
                    stack.push(c);
                }
            });
        }
        // Operands come before the instructions that read them.
        need.sort_unstable();
        for pc in need {
            let built = self.build(pc);
            if let Some(s) = self.slot.get_mut(pc as usize) {
                *s = *built.as_ref().unwrap_or(&FAILED);
            }
            built?;
        }
        match self.slot.get(root as usize).copied() {
            Some(n) if n < FAILED => Ok(n),
            _ => Err(Over),
        }
    }

    /// The diagram of one slot, its operands' diagrams built.
    fn build(&mut self, pc: Pc) -> Result<u32, Over> {
        let code = self.code;
        let op = *code.ops.get(pc as usize).ok_or(Over)?;
        if let Some(f) = fact_of(code, pc) {
            return self.fact(f);
        }
        match op {
            Op::Const(v) => Ok(self.term(Some(v))),
            Op::IsKnown(a, known) => {
                let var = match self.known.get(&pc) {
                    Some(&v) => v,
                    None => {
                        let v = self.d.vars.len() as u32;
                        self.d.vars.push(Var {
                            kind: VarKind::Known {
                                slot: pc,
                                fact: fact_of(code, a),
                                known,
                            },
                            radix: 2,
                            start: 0,
                        });
                        self.known.insert(pc, v);
                        v
                    }
                };
                let kids = [
                    self.term(Some(Value::Bool(false))),
                    self.term(Some(Value::Bool(true))),
                ];
                self.node(var, &kids)
            }
            Op::Def { root, .. } => self.built(root),
            _ => {
                let mut pcs = Vec::new();
                reads(code, pc, |c| pcs.push(c));
                let nodes = pcs
                    .iter()
                    .map(|&c| self.built(c))
                    .collect::<Result<Vec<u32>, Over>>()?;
                let mut memo = HashMap::new();
                self.apply(&op, &pcs, &nodes, &mut memo)
            }
        }
    }

    /// The diagram of a slot already built.
    fn built(&self, pc: Pc) -> Result<u32, Over> {
        match self.slot.get(pc as usize).copied() {
            Some(n) if n < FAILED => Ok(n),
            _ => Err(Over),
        }
    }

    /// The diagram of fact `f`'s value: its region's representative.
    fn fact(&mut self, f: u32) -> Result<u32, Over> {
        if let Some(&n) = self.fact_node.get(f as usize).filter(|&&n| n != UNBUILT) {
            return Ok(n);
        }
        let var = *self.d.vars.get(f as usize).ok_or(Over)?;
        if var.radix == 0 {
            return Err(Over);
        }
        let reps: Vec<Value> = self
            .d
            .regions
            .get(var.start as usize..(var.start + var.radix) as usize)
            .ok_or(Over)?
            .iter()
            .map(|r| r.rep)
            .collect();
        let kids: Vec<u32> = reps.into_iter().map(|v| self.term(Some(v))).collect();
        let n = self.node(f, &kids)?;
        if let Some(slot) = self.fact_node.get_mut(f as usize) {
            *slot = n;
        }
        Ok(n)
    }

    /// The diagram of `op` over operands `pcs` whose diagrams are `nodes`.
    fn apply(
        &mut self,
        op: &Op,
        pcs: &[Pc],
        nodes: &[u32],
        memo: &mut HashMap<Vec<u32>, u32>,
    ) -> Result<u32, Over> {
        if let Some(&n) = memo.get(nodes) {
            return Ok(n);
        }
        self.work += 1;
        if self.work > WORK || self.d.nodes.len() > NODES {
            return Err(Over);
        }
        let mut vals = Vec::with_capacity(nodes.len());
        let mut top = TERM;
        for &n in nodes {
            let node = *self.d.nodes.get(n as usize).ok_or(Over)?;
            if node.var == TERM {
                vals.push(self.d.terms.get(node.at as usize).copied().flatten());
            } else {
                vals.push(None);
                top = top.min(node.var);
            }
        }
        let value = run::step(self.code, &[], &Local { pcs, vals: &vals }, op);
        let out = if top == TERM || value.is_some() {
            // Decided: with every operand a terminal, or by Kleene logic
            // whatever the untested ones are.
            self.term(value)
        } else {
            let radix = self.d.vars.get(top as usize).ok_or(Over)?.radix;
            let mut kids = Vec::with_capacity(radix as usize);
            for i in 0..radix {
                let sub = nodes
                    .iter()
                    .map(|&n| self.child(n, top, i))
                    .collect::<Result<Vec<u32>, Over>>()?;
                kids.push(self.apply(op, pcs, &sub, memo)?);
            }
            self.node(top, &kids)?
        };
        memo.insert(nodes.to_vec(), out);
        Ok(out)
    }

    /// Node `n` with variable `var` in branch `i` (itself when it does not
    /// test `var`).
    fn child(&self, n: u32, var: u32, i: u32) -> Result<u32, Over> {
        let node = *self.d.nodes.get(n as usize).ok_or(Over)?;
        if node.var != var {
            return Ok(n);
        }
        self.d.kids.get((node.at + i) as usize).copied().ok_or(Over)
    }

    /// The reduced, shared node testing `var` with these children.
    fn node(&mut self, var: u32, kids: &[u32]) -> Result<u32, Over> {
        let first = *kids.first().ok_or(Over)?;
        if kids.iter().all(|&k| k == first) {
            return Ok(first);
        }
        let mut key = Vec::with_capacity(kids.len() + 1);
        key.push(var);
        key.extend_from_slice(kids);
        if let Some(&n) = self.unique.get(&key) {
            return Ok(n);
        }
        let id = self.d.nodes.len() as u32;
        self.d.nodes.push(Node {
            var,
            at: self.d.kids.len() as u32,
        });
        self.d.kids.extend_from_slice(kids);
        self.unique.insert(key, id);
        Ok(id)
    }

    /// The terminal node of a value.
    fn term(&mut self, v: Option<Value>) -> u32 {
        let key = key(v);
        if let Some(&n) = self.term_ids.get(&key) {
            return n;
        }
        let id = self.d.nodes.len() as u32;
        self.d.nodes.push(Node {
            var: TERM,
            at: self.d.terms.len() as u32,
        });
        self.d.terms.push(v);
        self.term_ids.insert(key, id);
        id
    }

    /// Places a status diagram in `flat` (see `Diagrams::flat`); returns
    /// its reference.
    fn flatten(&mut self, n: u32, placed: &mut HashMap<u32, u32>) -> Result<u32, Over> {
        let node = *self.d.nodes.get(n as usize).ok_or(Over)?;
        if node.var == TERM {
            let v = self.d.terms.get(node.at as usize).copied().flatten();
            return Ok(LEAF | status_code(status_of(v)));
        }
        if let Some(&at) = placed.get(&n) {
            return Ok(at);
        }
        let radix = self.d.vars.get(node.var as usize).ok_or(Over)?.radix;
        let mut kids = Vec::with_capacity(radix as usize);
        for i in 0..radix {
            let k = *self.d.kids.get((node.at + i) as usize).ok_or(Over)?;
            kids.push(self.flatten(k, placed)?);
        }
        let at = u32::try_from(self.d.flat.len()).map_err(|_| Over)?;
        if at >= LEAF {
            return Err(Over);
        }
        self.d.flat.push(node.var);
        self.d.flat.push(radix);
        self.d.flat.extend_from_slice(&kids);
        placed.insert(n, at);
        Ok(at)
    }

    /// True when every `is known` variable below `root` reads a fact.
    fn lanes(&self, root: u32) -> bool {
        let mut seen = vec![false; self.d.nodes.len()];
        let mut stack = vec![root];
        while let Some(n) = stack.pop() {
            let Some(node) = self.d.nodes.get(n as usize) else {
                return false;
            };
            if node.var == TERM || seen.get(n as usize).copied().unwrap_or(true) {
                continue;
            }
            if let Some(s) = seen.get_mut(n as usize) {
                *s = true;
            }
            let Some(var) = self.d.vars.get(node.var as usize) else {
                return false;
            };
            if let VarKind::Known { fact: None, .. } = var.kind {
                return false;
            }
            let kids = self
                .d
                .kids
                .get(node.at as usize..(node.at + var.radix) as usize)
                .unwrap_or(&[]);
            stack.extend_from_slice(kids);
        }
        true
    }
}

/// A value as a key (the bits of decimals: two terminals that differ only
/// in rounding are two terminals, which costs nodes, never exactness).
pub(super) fn key(v: Option<Value>) -> (u8, u64) {
    match v {
        None => (0, 0),
        Some(Value::Bool(b)) => (1, u64::from(b)),
        Some(Value::Int(i)) => (2, i as u64),
        Some(Value::Number(x)) => (3, x.to_bits()),
        Some(Value::Quantity(x)) => (4, x.to_bits()),
        Some(Value::Date(d)) => (5, i64::from(d) as u64),
        Some(Value::Enum(e)) => (6, u64::from(e)),
        Some(Value::Row(r)) => (7, u64::from(r)),
    }
}
