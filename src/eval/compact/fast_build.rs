//! Eval stage: translates the general code into the compact per-case
//! program (see `fast` for the encoding and `fast_run` for the runner).
//!
//! Besides choosing a byte instruction for each operation it can, the
//! translation shares common subexpressions: guideline sections repeat
//! their conditions (`not recurrent`, `histology = ...`) in many rules, and
//! a repeated expression is computed once, the others becoming aliases of
//! it. The instructions are then put in runs of one operation each (see
//! `fast_plan`).

use crate::check::model::{Model, Type};
use crate::eval::compile::{Code, Op, Pc};
use crate::eval::fast::{Fast, Ins, Kind, NO_SLOT, S, U, UNKNOWN, WIDTHS};
use crate::syntax::ast::BinOp;
use crate::value::Value;
use std::collections::HashMap;

/// What one general operation becomes.
enum Spec {
    /// A byte instruction.
    Ins(Ins),
    /// No instruction: the slot holds the same value as another.
    Alias(Pc),
}

/// The translation in progress.
struct Builder<'a> {
    code: &'a Code,
    fast: Fast,
    /// Expressions already computed, by key.
    shared: HashMap<Ins, S>,
    /// For each fact read as a value by an instruction of its own (the
    /// facts of an analysis slice have no slots), the first such slot:
    /// the others copy it, and comparisons read it.
    fact_reads: HashMap<u32, S>,
}

/// The unknown byte of a kind.
fn unknown_of(kind: Kind) -> u8 {
    if kind == Kind::Bool {
        U
    } else {
        UNKNOWN
    }
}

/// How values of a type are held.
fn kind_of(model: &Model, code: &Code, ty: Type) -> Kind {
    match ty {
        Type::Bool => Kind::Bool,
        Type::Enum(e) if model.enum_info(e).is_some_and(|i| i.values.len() < 255) => Kind::Enum,
        Type::Row(t) => match code.tables.get(t.0 as usize) {
            Some(t) if t.patterns.len() / t.keys.max(1) < 255 => Kind::Row,
            _ => Kind::Other,
        },
        _ => Kind::Other,
    }
}

/// A constant enum value below 64 in slot `pc`, if that slot is one.
fn const_enum(code: &Code, pc: Pc) -> Option<u32> {
    match code.ops.get(pc as usize) {
        Some(Op::Const(Value::Enum(k))) if *k < 64 => Some(*k),
        _ => None,
    }
}

impl Fast {
    /// Translates the code's per-case instructions (`exec[..main_len]`),
    /// or gives `None` when the program has too many slots.
    pub fn build(code: &Code, model: &Model) -> Option<Fast> {
        // Every slot index must fit below `NO_SLOT`, which marks an absent
        // operand.
        let width = WIDTHS
            .into_iter()
            .find(|&w| code.ops.len() < w.min(NO_SLOT as usize))?;
        let kinds: Vec<Kind> = code
            .types
            .iter()
            .map(|&t| kind_of(model, code, t))
            .collect();
        let mut b = Builder {
            code,
            fast: Fast {
                width,
                alias: (0..code.ops.len()).map(|p| p as S).collect(),
                kinds,
                ..Fast::default()
            },
            shared: HashMap::new(),
            fact_reads: HashMap::new(),
        };
        for f in 0..code.facts {
            match b.kind(f as Pc) {
                Kind::Bool => b.fast.bool_facts.push(f as S),
                Kind::Enum => b.fast.enum_facts.push(f as S),
                _ => b.fast.value_facts.push(f as S),
            }
        }
        let exec = |from: usize, to: usize| code.exec.get(from..to).unwrap_or(&[]);
        for &pc in exec(0, code.recs_start) {
            b.translate(pc);
        }
        for (r, &(from, to)) in code.rec_block.iter().enumerate() {
            b.block(r, exec(from as usize, to as usize));
        }
        let mut fast = b.fast;
        fast.pick(code);
        fast.defer(code);
        fast.sync_on_demand = on_demand_sync(code, &fast);
        fast.schedule(code);
        Some(fast)
    }
}

/// The part of the sync plan the instructions run on demand read (their
/// operands computed by the per-case run).
fn on_demand_sync(code: &Code, fast: &Fast) -> crate::eval::lazy::SyncPlan {
    let on_demand = code.exec.get(code.main_len..).unwrap_or(&[]);
    // Past the main part when nothing runs on demand: every condition
    // read below is then a main slot.
    let from = on_demand.first().copied().unwrap_or(Pc::MAX);
    let mut read = vec![false; code.ops.len()];
    let mut mark = |c: Pc| {
        if let (true, Some(r)) = (c < from, read.get_mut(c as usize)) {
            *r = true;
        }
    };
    for &pc in on_demand {
        code.children(pc).for_each(&mut mark);
    }
    // A study's or a strength's condition may be a slot of the main part
    // (an expression compiled once for both); the readers read it too.
    let studies = code.study_cond.iter().flatten().flatten().copied();
    let choices = code.rec_choice.iter().flat_map(|(s, k)| s.iter().chain(k));
    studies.chain(choices.copied()).for_each(&mut mark);
    fast.sync
        .subset(|s| read.get(s as usize).copied().unwrap_or(false))
}

impl Builder<'_> {
    fn kind(&self, pc: Pc) -> Kind {
        self.fast
            .kinds
            .get(pc as usize)
            .copied()
            .unwrap_or(Kind::Other)
    }

    /// The slot that holds slot `pc`'s value.
    fn at(&self, pc: Pc) -> S {
        self.fast.alias.get(pc as usize).copied().unwrap_or(pc as S)
    }

    /// Whether every slot in `pcs` is held as `kind`.
    fn all(&self, pcs: &[Pc], kind: Kind) -> bool {
        pcs.iter().all(|&p| self.kind(p) == kind)
    }

    /// The slot a comparison reads for operand `pc`: a fact's first
    /// value read stands for every read of that fact.
    fn value_slot(&self, pc: Pc) -> S {
        match self.code.ops.get(pc as usize) {
            Some(Op::Fact(f)) if (*f as usize) < self.code.facts => *f as S,
            Some(Op::Fact(f)) => self.fact_reads.get(f).copied().unwrap_or(pc as S),
            _ => pc as S,
        }
    }

    fn push_args(&mut self, pcs: &[Pc]) -> u32 {
        let start = self.fast.args.len() as u32;
        for &p in pcs {
            let a = self.at(p);
            self.fast.args.push(a);
        }
        start
    }

    /// One recommendation's block: its instructions and the slot of its
    /// combined condition.
    fn block(&mut self, rec: usize, block: &[Pc]) {
        for &pc in block {
            self.translate(pc);
        }
        let root = self.at(self.code.rec_slot(rec));
        self.fast.roots.push(root);
    }

    /// Appends the instruction for slot `pc`: a byte instruction when its
    /// operands and result allow, the general one otherwise; or nothing when
    /// an earlier slot already holds the same value.
    fn translate(&mut self, pc: Pc) {
        let kind = self.kind(pc);
        let dst = pc as S;
        let ins = match self.specialise(pc) {
            Some(Spec::Alias(src)) => {
                self.alias(dst, self.at(src), kind);
                return;
            }
            Some(Spec::Ins(ins)) => ins,
            None => Ins::General { pc: dst, kind },
        };
        // Only byte slots are shared: the general operations read value
        // slots by their own index.
        if !matches!(ins, Ins::General { .. }) && kind != Kind::Other {
            let key = ins.key();
            if let Some(&held) = self.shared.get(&key) {
                self.alias(dst, held, kind);
                return;
            }
            self.shared.insert(key, dst);
            let value_written = matches!(ins, Ins::Cell { .. });
            if kind != Kind::Other && !value_written {
                self.fast.byte_only.push((dst, dst, kind));
            }
        }
        self.fast.ins.push(ins);
    }

    fn alias(&mut self, dst: S, held: S, kind: Kind) {
        if let Some(a) = self.fast.alias.get_mut(dst as usize) {
            *a = held;
        }
        self.fast.byte_only.push((dst, held, kind));
    }

    fn mask(&mut self, mask: u64) -> Option<u16> {
        let i = match self.fast.masks.iter().position(|&m| m == mask) {
            Some(i) => i,
            None => {
                self.fast.masks.push(mask);
                self.fast.masks.len() - 1
            }
        };
        u16::try_from(i).ok()
    }

    fn specialise(&mut self, pc: Pc) -> Option<Spec> {
        use Kind::{Bool, Enum, Other};
        let code = self.code;
        let dst = pc as S;
        let kind = self.kind(pc);
        let ins = match *code.ops.get(pc as usize)? {
            Op::Fact(src)
                if (src as usize) < code.facts && kind != Other && self.kind(src) == kind =>
            {
                return Some(Spec::Alias(src));
            }
            Op::Def { root, .. } if kind != Other && self.kind(root) == kind => {
                return Some(Spec::Alias(root))
            }
            Op::Fact(f) if kind == Other => match self.fact_reads.get(&f) {
                Some(&src) => Ins::Copy { dst, src },
                None if (f as usize) < code.facts => Ins::Copy { dst, src: f as S },
                None => {
                    self.fact_reads.insert(f, dst);
                    return None;
                }
            },
            Op::Not(a) if self.all(&[a], Bool) => Ins::Not { dst, a: self.at(a) },
            Op::And(a, b) if self.all(&[a, b], Bool) => {
                let (a, b) = (self.at(a).min(self.at(b)), self.at(a).max(self.at(b)));
                Ins::And { dst, a, b }
            }
            Op::Or(a, b) if self.all(&[a, b], Bool) => {
                let (a, b) = (self.at(a).min(self.at(b)), self.at(a).max(self.at(b)));
                Ins::Or { dst, a, b }
            }
            Op::Eq(a, b, negated) if self.all(&[a, b], Enum) => {
                match (const_enum(code, a), const_enum(code, b)) {
                    (_, Some(k)) => Ins::EqEnum {
                        dst,
                        a: self.at(a),
                        k: k as u8,
                        negated,
                    },
                    (Some(k), None) => Ins::EqEnum {
                        dst,
                        a: self.at(b),
                        k: k as u8,
                        negated,
                    },
                    (None, None) => Ins::EqSlots {
                        dst,
                        a: self.at(a),
                        b: self.at(b),
                        negated,
                    },
                }
            }
            Op::Eq(a, b, negated) if self.all(&[a, b], Other) && kind == Bool => Ins::Compare {
                dst,
                op: if negated { BinOp::Ne } else { BinOp::Eq },
                a: self.value_slot(a),
                b: self.value_slot(b),
            },
            Op::Binary(op @ (BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge), a, b)
                if self.all(&[a, b], Other) && kind == Bool =>
            {
                Ins::Compare {
                    dst,
                    op,
                    a: self.value_slot(a),
                    b: self.value_slot(b),
                }
            }
            Op::In {
                value,
                start,
                len,
                negated,
            } if len > 0 && self.kind(value) == Enum => {
                let mut mask = 0u64;
                for &m in code.args(start, len) {
                    mask |= 1 << const_enum(code, m)?;
                }
                Ins::InEnum {
                    dst,
                    a: self.at(value),
                    mask: self.mask(mask)?,
                    negated,
                }
            }
            Op::IsKnown(a, known) => match self.kind(a) {
                Other => Ins::IsKnownValue {
                    dst,
                    a: self.value_slot(a),
                    known,
                },
                k => Ins::IsKnown {
                    dst,
                    a: self.at(a),
                    unknown: unknown_of(k),
                    known,
                },
            },
            Op::Quant(q, start, len) if self.all(code.args(start, len), Bool) => Ins::Quant {
                dst,
                q,
                len: u16::try_from(len).ok()?,
                start: self.push_args(code.args(start, len)),
            },
            Op::First {
                start,
                branches,
                otherwise,
            } if kind != Other => {
                let pairs = code.args(start, branches * 2);
                let conds_ok = pairs.iter().step_by(2).all(|&c| self.kind(c) == Bool);
                let values_ok = pairs
                    .iter()
                    .skip(1)
                    .step_by(2)
                    .all(|&v| self.kind(v) == kind);
                if !conds_ok || !values_ok || otherwise.is_some_and(|o| self.kind(o) != kind) {
                    return None;
                }
                Ins::First {
                    dst,
                    branches,
                    otherwise: otherwise.map_or(NO_SLOT, |o| self.at(o)),
                    unknown: unknown_of(kind),
                    start: self.push_args(pairs),
                }
            }
            Op::Lookup { table, start, len }
                if kind == Kind::Row && self.all(code.args(start, len), Enum) =>
            {
                Ins::Lookup {
                    dst,
                    table: u16::try_from(table).ok()?,
                    keys: u16::try_from(len).ok()?,
                    start: self.push_args(code.args(start, len)),
                }
            }
            Op::Column {
                root,
                table,
                column,
                ..
            } if self.kind(root) == Kind::Row => Ins::Cell {
                dst,
                row: self.at(root),
                table: u16::try_from(table).ok()?,
                column,
                kind,
            },
            _ => return None,
        };
        Some(Spec::Ins(ins))
    }
}
