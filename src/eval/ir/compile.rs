//! Eval stage: compiles the checked model into flat code.
//!
//! Every expression node becomes one instruction in a single vector, children
//! before parents, and each instruction writes its result into the slot of the
//! same index. Operands are slot indices, so evaluation is one forward pass
//! over the vector with no string lookups, no recursion and no allocation.
//! Because every node's value stays in its slot after the pass, missing facts
//! and traces are read off the slots afterwards instead of re-evaluating.

use crate::check::model::{Choice, DefBody, Model, TExpr, TExprKind, Type};
use crate::eval::fast::Fast;
use crate::eval::walk::Walk;
use crate::source::Span;
use crate::syntax::ast::{BinOp, Quantifier};
use crate::value::Value;

/// A slot index (an instruction's position in the code).
pub(crate) type Pc = u32;

/// One instruction; it computes the value of the slot at its own index.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Op {
    /// A constant.
    Const(Value),
    /// A fact of the case.
    Fact(u32),
    /// A definition: a copy of the slot of its body's root.
    Def {
        /// The definition.
        def: u32,
        /// The slot holding its value.
        root: Pc,
    },
    /// A cell of the row a table definition matched.
    Column {
        /// The table's definition.
        def: u32,
        /// The slot holding the row.
        root: Pc,
        /// The table.
        table: u32,
        /// The column.
        column: u16,
    },
    /// Kleene negation.
    Not(Pc),
    /// Arithmetic negation.
    Neg(Pc),
    /// Kleene conjunction.
    And(Pc, Pc),
    /// Kleene disjunction.
    Or(Pc, Pc),
    /// `=` (false) or `!=` (true), kept apart from [`Op::Binary`] because
    /// it is the most common comparison.
    Eq(Pc, Pc, bool),
    /// A comparison or arithmetic operator.
    Binary(BinOp, Pc, Pc),
    /// Set membership; the members are `args[start..start+len]`.
    In {
        /// The tested value.
        value: Pc,
        /// First member in `args`.
        start: u32,
        /// Number of members.
        len: u32,
        /// `not in`.
        negated: bool,
    },
    /// `is known` (true) or `is unknown` (false).
    IsKnown(Pc, bool),
    /// A quantifier over `args[start..start+len]`.
    Quant(Quantifier, u32, u32),
    /// First match: `args[start..start+2*branches]` holds condition/value pairs.
    First {
        /// First condition in `args`.
        start: u32,
        /// Number of branches.
        branches: u32,
        /// The fallback's slot.
        otherwise: Option<Pc>,
    },
    /// Table lookup: the keys are `args[start..start+len]`.
    Lookup {
        /// The table.
        table: u32,
        /// First key in `args`.
        start: u32,
        /// Number of keys.
        len: u32,
    },
}

/// A table's rows in compiled form.
#[derive(Debug, Clone, Default)]
pub(crate) struct CTable {
    /// Number of keys per row.
    pub keys: usize,
    /// Row patterns, `keys` per row; `None` is the wildcard.
    pub patterns: Vec<Option<u16>>,
    /// Cells, `columns` per row.
    pub cells: Vec<Value>,
    /// Number of columns.
    pub columns: usize,
}

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
}

impl Code {
    /// Compiles a model. Definitions are compiled in `def_order`, so every
    /// definition's slot comes before any instruction that reads it.
    pub fn compile(model: &Model) -> Code {
        let mut code = Code {
            def_root: vec![0; model.defs.len()],
            facts: model.facts.len(),
            ..Code::default()
        };
        for (f, info) in model.facts.iter().enumerate() {
            code.push(Op::Fact(f as u32), info.span, info.ty);
        }
        for table in &model.tables {
            let mut t = CTable {
                keys: table.keys.len(),
                columns: table.columns.len(),
                ..CTable::default()
            };
            for row in &table.rows {
                // Rows with the wrong arity are padded so lookups stay in bounds.
                for k in 0..t.keys {
                    t.patterns.push(row.keys.get(k).copied().flatten());
                }
                for c in 0..t.columns {
                    t.cells
                        .push(row.cells.get(c).copied().unwrap_or(Value::Bool(false)));
                }
            }
            code.tables.push(t);
        }
        for &d in &model.def_order {
            let Some(def) = model.defs.get(d.0 as usize) else {
                continue;
            };
            let root = match &def.body {
                DefBody::Expr(e) => code.expr(e),
                DefBody::Table(t) => {
                    let keys: Vec<Pc> = model
                        .tables
                        .get(t.0 as usize)
                        .map(|info| info.keys.iter().map(|k| code.expr(k)).collect())
                        .unwrap_or_default();
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
            if let Some(slot) = code.def_root.get_mut(d.0 as usize) {
                *slot = root;
            }
        }
        for section in &model.sections {
            let own = section.condition.as_ref().map(|c| code.expr(c));
            let parent = section
                .parent
                .and_then(|p| code.section_eff.get(p.0 as usize).copied());
            let eff = code.conjoin(parent, own, section.span);
            code.section_own.push(own);
            code.section_eff.push(eff);
        }
        code.recs_start = code.ops.len();
        for rec in &model.recs {
            let start = code.ops.len() as u32;
            let own = rec.condition.as_ref().map(|c| code.expr(c));
            let sect = rec
                .section
                .and_then(|s| code.section_eff.get(s.0 as usize).copied());
            let root = code.conjoin(sect, own, rec.span);
            code.rec_own.push(own);
            code.rec_root.push(root);
            code.rec_sect.push(sect);
            code.rec_block.push((start, code.ops.len() as u32));
        }
        code.main_len = code.ops.len();
        for schedule in &model.schedules {
            let conds = schedule
                .studies
                .iter()
                .map(|s| s.condition.as_ref().map(|c| code.expr(c)))
                .collect();
            code.study_cond.push(conds);
        }
        for rec in &model.recs {
            let v = &rec.varies;
            let strength = v.strength.as_ref().map(|c| code.branch_conds(c));
            let kind = v.kind.as_ref().map(|c| code.branch_conds(c));
            code.rec_choice
                .push((strength.unwrap_or_default(), kind.unwrap_or_default()));
        }
        code.build_exec();
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
        let at = |pc: usize| before.get(pc).copied().unwrap_or(0);
        self.recs_start = at(self.recs_start) as usize;
        self.main_len = at(self.main_len) as usize;
        for block in &mut self.rec_block {
            *block = (at(block.0 as usize), at(block.1 as usize));
        }
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
            TExprKind::Def(d) => self.def_root.get(d.0 as usize).copied(),
            _ => None,
        };
        match slot {
            Some(pc) => {
                reads.push((pc, e.span));
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
                root: self.def_root.get(d.0 as usize).copied().unwrap_or(0),
            },
            TExprKind::Column { def, table, column } => Op::Column {
                def: def.0,
                root: self.def_root.get(def.0 as usize).copied().unwrap_or(0),
                table: table.0,
                column: *column,
            },
            TExprKind::Not(a) => Op::Not(self.operand(a, reads)),
            TExprKind::Neg(a) => Op::Neg(self.operand(a, reads)),
            TExprKind::Binary(op, a, b) => {
                let (a, b) = (self.operand(a, reads), self.operand(b, reads));
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
