//! Eval stage: compiles the checked model into flat code.
//!
//! Every expression node becomes one instruction in a single vector, children
//! before parents, and each instruction writes its result into the slot of the
//! same index. Operands are slot indices, so evaluation is one forward pass
//! over the vector with no string lookups, no recursion and no allocation.
//! Because every node's value stays in its slot after the pass, missing facts
//! and traces are read off the slots afterwards instead of re-evaluating.

use super::code_ops::CTable;
use crate::check::model::{Choice, DefBody, Model, TExpr, TExprKind, Type};
use crate::eval::diagnose;
use crate::eval::fast::Fast;
use crate::eval::probe::Probes;
use crate::eval::walk::Walk;
use crate::source::Span;
use crate::syntax::ast::BinOp;
use crate::value::{date, Value};

pub(crate) use super::op::{Op, Pc};

/// The compiled code of a whole model.
#[derive(Debug, Clone, Default)]
pub(crate) struct Code {
    /// Instructions; slot `i` holds the value of `ops[i]`.
    pub ops: Vec<Op>,
    /// Variable-length operand lists.
    pub args: Vec<Pc>,
    /// The source span of each instruction (empty for synthetic ones).
    pub spans: Vec<Span>,
    /// The type of each instruction's value, for display.
    pub types: Vec<Type>,
    /// Slot of each definition's value.
    pub def_root: Vec<Pc>,
    /// Slot of each section's own condition, if it has one.
    pub section_own: Vec<Option<Pc>>,
    /// Slot of each section's effective condition (its ancestors' and its own).
    pub section_eff: Vec<Pc>,
    /// Slot of each recommendation's own condition, if it has one.
    pub rec_own: Vec<Option<Pc>>,
    /// Slot of each recommendation's status (sections and own condition).
    pub rec_root: Vec<Pc>,
    /// The slot of each recommendation's enclosing sections' condition.
    pub rec_sect: Vec<Option<Pc>>,
    /// The instructions compiled for each recommendation's own condition;
    /// skipped when its sections are already false.
    pub rec_block: Vec<(u32, u32)>,
    /// Where the recommendations' blocks start (definitions and sections
    /// come before).
    pub recs_start: usize,
    /// The instructions that run per case, in order (all but constants).
    /// The block boundaries below are positions in this list.
    pub exec: Vec<Pc>,
    /// Instructions `exec[0..main_len]` run for every case; study conditions
    /// and per-case strength and kind conditions follow.
    pub main_len: usize,
    /// Slot of each schedule study's condition, per schedule.
    pub study_cond: Vec<Vec<Option<Pc>>>,
    /// Slots of each recommendation's strength and kind branch conditions,
    /// run on demand like the study conditions.
    pub rec_choice: Vec<(Vec<Pc>, Vec<Pc>)>,
    /// Compiled tables.
    pub tables: Vec<CTable>,
    /// Slots `0..facts` hold the case's facts (slot `f` is fact `f`); they
    /// are copied in per case rather than run as instructions.
    pub facts: usize,
    /// For each slot that is a definition's value, that definition.
    pub def_of_root: Vec<Option<u32>>,
    /// Where an operator reads a fact or definition slot directly:
    /// `(operator, slot read, span of the read)`, sorted.
    pub sites: Vec<(Pc, Pc, Span)>,
    /// The per-case program in its compact encoding (`None` for programs
    /// with too many slots, which run the general instructions).
    pub fast: Option<Fast>,
    /// Flat tables for the walk behind traces.
    pub walk: Walk,
    /// The per-case slots whose operation can fail on known operands
    /// (arithmetic), for the runtime diagnostics of an outcome.
    pub fallible: Vec<Pc>,
    /// The slot of every node of the model's expressions (for coverage).
    pub probes: Probes,
    /// While compiling: the slot of each definition compiled so far (then
    /// emptied; `def_root` holds them all).
    compiled: Vec<Option<Pc>>,
}

impl Code {
    /// Compiles a model. Definitions are compiled in `def_order`, so every
    /// definition's slot comes before any instruction that reads it.
    pub fn compile(model: &Model) -> Code {
        let mut code = Code {
            compiled: vec![None; model.defs.len()],
            facts: model.facts.len(),
            probes: Probes::new(model.defs.len()),
            ..Code::default()
        };
        for (f, info) in model.facts.iter().enumerate() {
            code.push(Op::Fact(f as u32), info.span, info.ty);
        }
        code.tables = model.tables.iter().map(CTable::new).collect();
        for &d in &model.def_order {
            let def = &model.defs[d.0 as usize];
            let root = match &def.body {
                DefBody::Expr(e) => {
                    let start = code.probes.mark();
                    let root = code.expr(e);
                    code.probes.def(d, start);
                    root
                }
                DefBody::Table(t) => {
                    let info = &model.tables[t.0 as usize];
                    let keys: Vec<Pc> = info.keys.iter().map(|k| code.expr(k)).collect();
                    let start = code.push_args(&keys);
                    code.push(
                        Op::Lookup {
                            table: t.0,
                            start,
                            len: keys.len() as u32,
                        },
                        def.decl_span,
                        def.ty,
                    )
                }
            };
            code.compiled[d.0 as usize] = Some(root);
        }
        code.def_root = (0..model.defs.len() as u32)
            .map(|d| code.compiled_def(d))
            .collect();
        for section in &model.sections {
            let (own, start) = code.root(section.condition.as_ref());
            code.probes.section(start);
            // A section's parent comes before it.
            let parent = section.parent.map(|p| code.section_slot(p.0));
            let eff = code.conjoin(parent, own, section.span);
            code.section_own.push(own);
            code.section_eff.push(eff);
        }
        code.recs_start = code.ops.len();
        for rec in &model.recs {
            let start = code.ops.len() as u32;
            let (own, nodes) = code.root(rec.condition.as_ref());
            code.probes.rec(nodes);
            let sect = rec.section.map(|s| code.section_slot(s.0));
            let root = code.conjoin(sect, own, rec.span);
            code.rec_own.push(own);
            code.rec_root.push(root);
            code.rec_sect.push(sect);
            code.rec_block.push((start, code.ops.len() as u32));
        }
        code.main_len = code.ops.len();
        for schedule in &model.schedules {
            code.probes.schedule();
            let mut conds = Vec::with_capacity(schedule.studies.len());
            for study in &schedule.studies {
                let (cond, start) = code.root(study.condition.as_ref());
                code.probes.study(start);
                conds.push(cond);
            }
            code.study_cond.push(conds);
        }
        for rec in &model.recs {
            let v = &rec.varies;
            let strength = v.strength.as_ref().map(|c| code.branch_conds(c));
            let kind = v.kind.as_ref().map(|c| code.branch_conds(c));
            code.rec_choice
                .push((strength.unwrap_or_default(), kind.unwrap_or_default()));
        }
        code.compiled = Vec::new();
        code.build_exec();
        code.fallible = code
            .exec
            .iter()
            .copied()
            .filter(|&pc| code.ops.get(pc as usize).is_some_and(diagnose::fallible))
            .collect();
        code.def_of_root = vec![None; code.ops.len()];
        for (d, &root) in code.def_root.iter().enumerate() {
            if let Some(slot) = code.def_of_root.get_mut(root as usize) {
                *slot = Some(d as u32);
            }
        }
        code.sites.sort_by_key(|&(p, c, _)| (p, c));
        code.fast = Fast::build(&code, model);
        code.walk = Walk::build(&code, model);
        code
    }

    /// Code for standalone conditions that read facts only (the checker
    /// rejects a constraint that reads a definition, so none is compiled):
    /// the facts' slots, then each condition; returns each one's slot.
    pub(crate) fn facts_only<'e>(
        model: &Model,
        conds: impl Iterator<Item = &'e TExpr>,
    ) -> (Code, Vec<Pc>) {
        let mut code = Code {
            facts: model.facts.len(),
            ..Code::default()
        };
        for (f, info) in model.facts.iter().enumerate() {
            code.push(Op::Fact(f as u32), info.span, info.ty);
        }
        let roots = conds.map(|c| code.expr(c)).collect();
        code.main_len = code.ops.len();
        code.build_exec();
        (code, roots)
    }

    /// Lists the instructions that run per case (constants are written once
    /// into fresh scratch slots and never change) and turns the block
    /// boundaries into positions in that list.
    pub(crate) fn build_exec(&mut self) {
        let mut before = Vec::with_capacity(self.ops.len() + 1);
        for (pc, op) in self.ops.iter().enumerate() {
            before.push(self.exec.len() as u32);
            if !matches!(op, Op::Const(_)) && pc >= self.facts {
                self.exec.push(pc as Pc);
            }
        }
        before.push(self.exec.len() as u32);
        // `before` has an entry for every slot and one past the end.
        let at = |pc: usize| before[pc];
        self.recs_start = at(self.recs_start) as usize;
        self.main_len = at(self.main_len) as usize;
        for block in &mut self.rec_block {
            *block = (at(block.0 as usize), at(block.1 as usize));
        }
    }

    /// The slot of a definition already compiled.
    #[expect(
        clippy::expect_used,
        reason = "definitions compile in `def_order`, after every definition they read"
    )]
    fn compiled_def(&self, d: u32) -> Pc {
        self.compiled
            .get(d as usize)
            .copied()
            .flatten()
            .expect("a definition is compiled before anything reads it")
    }

    /// Compiles the branch conditions of a per-case choice.
    fn branch_conds<T>(&mut self, c: &Choice<T>) -> Vec<Pc> {
        c.branches.iter().map(|(e, _)| self.expr(e)).collect()
    }

    /// `a and b` where either may be absent (absent means true).
    fn conjoin(&mut self, a: Option<Pc>, b: Option<Pc>, span: Span) -> Pc {
        match (a, b) {
            (Some(a), Some(b)) => self.push(Op::And(a, b), span, Type::Bool),
            (Some(x), None) | (None, Some(x)) => x,
            (None, None) => self.push(Op::Const(Value::Bool(true)), span, Type::Bool),
        }
    }

    /// Compiles an optional root condition: its slot, where its probes start.
    fn root(&mut self, e: Option<&TExpr>) -> (Option<Pc>, Option<u32>) {
        let start = self.probes.mark();
        let pc = e.map(|e| self.expr(e));
        (pc, pc.map(|_| start))
    }

    pub(crate) fn push(&mut self, op: Op, span: Span, ty: Type) -> Pc {
        self.ops.push(op);
        self.spans.push(span);
        self.types.push(ty);
        (self.ops.len() - 1) as Pc
    }

    fn push_args(&mut self, args: &[Pc]) -> u32 {
        let start = self.args.len() as u32;
        self.args.extend_from_slice(args);
        start
    }

    /// Compiles an operand: a fact or definition read is not an instruction
    /// of its own, the operator reads that slot directly (the read's span is
    /// kept in `sites`).
    fn operand(&mut self, e: &TExpr, reads: &mut Vec<(Pc, Span)>) -> Pc {
        let slot = match &e.kind {
            TExprKind::Fact(f) if (f.0 as usize) < self.facts => Some(f.0),
            TExprKind::Def(d) => Some(self.compiled_def(d.0)),
            _ => None,
        };
        match slot {
            Some(pc) => {
                reads.push((pc, e.span));
                self.probes.node(pc);
                pc
            }
            None => self.expr(e),
        }
    }

    /// Compiles an expression; returns the slot of its value.
    pub(crate) fn expr(&mut self, e: &TExpr) -> Pc {
        let mut reads = Vec::new();
        let op = self.op(e, &mut reads);
        let pc = self.push(op, e.span, e.ty);
        // Children were recorded first: the nodes come in post-order.
        self.probes.node(pc);
        self.sites
            .extend(reads.into_iter().map(|(c, span)| (pc, c, span)));
        pc
    }

    /// The instruction for an expression, its operands compiled first.
    fn op(&mut self, e: &TExpr, reads: &mut Vec<(Pc, Span)>) -> Op {
        match &e.kind {
            TExprKind::Const(v) => Op::Const(*v),
            TExprKind::Fact(f) => Op::Fact(f.0),
            TExprKind::Def(d) => Op::Def {
                def: d.0,
                root: self.compiled_def(d.0),
            },
            TExprKind::Column { def, table, column } => Op::Column {
                def: def.0,
                root: self.compiled_def(def.0),
                table: table.0,
                column: *column,
            },
            TExprKind::Not(a) => Op::Not(self.operand(a, reads)),
            TExprKind::Neg(a) => Op::Neg(self.operand(a, reads)),
            TExprKind::Binary(op, a, b) => {
                let calendar = shift_unit(*op, a, b).map(date::is_calendar);
                let (a, b) = (self.operand(a, reads), self.operand(b, reads));
                if let Some(cmp) = self.score_compare(*op, a, b) {
                    return cmp;
                }
                if let Some(calendar) = calendar {
                    return Op::Shift {
                        a,
                        b,
                        minus: *op == BinOp::Sub,
                        calendar,
                    };
                }
                match op {
                    BinOp::And => Op::And(a, b),
                    BinOp::Or => Op::Or(a, b),
                    BinOp::Eq => Op::Eq(a, b, false),
                    BinOp::Ne => Op::Eq(a, b, true),
                    _ => Op::Binary(*op, a, b),
                }
            }
            TExprKind::In {
                value,
                set,
                negated,
            } => {
                let value = self.operand(value, reads);
                let members: Vec<Pc> = set.iter().map(|m| self.operand(m, reads)).collect();
                Op::In {
                    value,
                    start: self.push_args(&members),
                    len: members.len() as u32,
                    negated: *negated,
                }
            }
            TExprKind::IsKnown(a, known) => Op::IsKnown(self.operand(a, reads), *known),
            TExprKind::Quantified(q, items) => {
                let items: Vec<Pc> = items.iter().map(|i| self.operand(i, reads)).collect();
                Op::Quant(*q, self.push_args(&items), items.len() as u32)
            }
            TExprKind::Call(func, args) => {
                let args: Vec<Pc> = args.iter().map(|a| self.operand(a, reads)).collect();
                Op::Call {
                    func: *func,
                    start: self.push_args(&args),
                    len: args.len() as u32,
                    integer: matches!(e.ty, Type::Int { .. }),
                }
            }
            TExprKind::Score(items) => {
                let mut quads = Vec::with_capacity(items.len() * 4);
                for (c, p) in items {
                    let c = self.operand(c, reads);
                    let p = self.operand(p, reads);
                    let (lo, hi) = self.bounds(p);
                    let span = self.spans.get(p as usize).copied().unwrap_or(e.span);
                    let lo = self.push(Op::Const(Value::Number(lo)), span, Type::Number);
                    let hi = self.push(Op::Const(Value::Number(hi)), span, Type::Number);
                    quads.extend([c, p, lo, hi]);
                }
                Op::Score {
                    start: self.push_args(&quads),
                    len: items.len() as u32,
                    integer: matches!(e.ty, Type::Int { .. }),
                }
            }
            TExprKind::First {
                branches,
                otherwise,
            } => {
                let mut pairs = Vec::with_capacity(branches.len() * 2);
                for (c, v) in branches {
                    pairs.push(self.operand(c, reads));
                    pairs.push(self.operand(v, reads));
                }
                let otherwise = otherwise.as_ref().map(|o| self.operand(o, reads));
                Op::First {
                    start: self.push_args(&pairs),
                    branches: branches.len() as u32,
                    otherwise,
                }
            }
        }
    }
}

/// For `date ± span` (or `span + date`), the span's static unit: the unit
/// of its type, that of the literal or of the declaration.
fn shift_unit(op: BinOp, a: &TExpr, b: &TExpr) -> Option<crate::units::Unit> {
    match (op, a.ty, b.ty) {
        (BinOp::Add | BinOp::Sub, Type::Date, Type::Quantity { unit, .. })
        | (BinOp::Add, Type::Quantity { unit, .. }, Type::Date) => Some(unit),
        _ => None,
    }
}
