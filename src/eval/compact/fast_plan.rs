//! Eval stage: orders the compact program into runs of one operation.
//!
//! An interpreter that dispatches on every instruction pays an indirect
//! jump per instruction, which the processor mispredicts whenever the
//! sequence of operations is irregular. Most of a guideline's instructions
//! are independent `and`s, `or`s, `not`s and enum tests, so the program is
//! reordered by dependency level (an instruction comes after everything it
//! reads) and, within a level, by operation. The runner then dispatches
//! once per run and loops over the run's instructions with a single,
//! predictable branch.

use crate::eval::compile::{Code, Op, Pc};
use crate::eval::fast::{Fast, Ins, Kind, Run, RunOp, NO_SLOT, S};

/// The run an instruction belongs to.
fn run_op(ins: &Ins) -> RunOp {
    match ins {
        Ins::And { .. } => RunOp::And,
        Ins::Or { .. } => RunOp::Or,
        Ins::Not { .. } => RunOp::Not,
        Ins::EqEnum { .. } => RunOp::EqEnum,
        Ins::Compare { .. } => RunOp::Compare,
        _ => RunOp::Mixed,
    }
}

impl Fast {
    /// The slots an instruction reads, as the slots that hold them.
    pub(crate) fn reads(&self, code: &Code, ins: &Ins, out: &mut Vec<S>) {
        out.clear();
        let args = |start: u32, len: usize| {
            let start = start as usize;
            self.args.get(start..start + len).unwrap_or(&[])
        };
        match *ins {
            Ins::And { a, b, .. }
            | Ins::Or { a, b, .. }
            | Ins::EqSlots { a, b, .. }
            | Ins::Compare { a, b, .. } => out.extend([a, b]),
            Ins::Not { a, .. }
            | Ins::EqEnum { a, .. }
            | Ins::InEnum { a, .. }
            | Ins::IsKnown { a, .. }
            | Ins::IsKnownValue { a, .. } => out.push(a),
            Ins::Cell { row, .. } => out.push(row),
            Ins::Copy { src, .. } => out.push(src),
            Ins::Pick { pick, .. } => {
                if let Some(p) = self.picks.get(pick as usize) {
                    p.reads(out);
                }
            }
            Ins::Quant { start, len, .. } => out.extend_from_slice(args(start, len.into())),
            Ins::Lookup { start, keys, .. } => out.extend_from_slice(args(start, keys.into())),
            Ins::First {
                start,
                branches,
                otherwise,
                ..
            } => {
                out.extend_from_slice(args(start, branches as usize * 2));
                if otherwise != NO_SLOT {
                    out.push(otherwise);
                }
            }
            Ins::General { pc, .. } => {
                // The general operation reads its operands through the
                // aliases, and a definition or table cell its root too.
                out.extend(code.children(Pc::from(pc)).map(|c| self.holder(c)));
                if let Some(Op::Def { root, .. } | Op::Column { root, .. }) =
                    code.ops.get(pc as usize)
                {
                    out.push(self.holder(*root));
                }
            }
        }
    }

    /// The slot holding slot `pc`'s value at run time.
    fn holder(&self, pc: Pc) -> S {
        match self.kinds.get(pc as usize) {
            Some(Kind::Other) | None => pc as S,
            Some(_) => self.alias.get(pc as usize).copied().unwrap_or(pc as S),
        }
    }

    /// Reorders the instructions by dependency level, then operation, and
    /// lists the runs.
    pub(crate) fn schedule(&mut self, code: &Code) {
        let mut level = vec![0u32; self.kinds.len()];
        let mut keyed = Vec::with_capacity(self.ins.len());
        let mut reads = Vec::new();
        for (i, ins) in self.ins.iter().enumerate() {
            self.reads(code, ins, &mut reads);
            let l = 1 + reads
                .iter()
                .map(|&r| level.get(r as usize).copied().unwrap_or(0))
                .max()
                .unwrap_or(0);
            if let Some(slot) = level.get_mut(ins.dst() as usize) {
                *slot = l;
            }
            keyed.push((l, run_op(ins), i, *ins));
        }
        // Instructions of one level never read each other, so any order
        // within a level is a valid order.
        keyed.sort_by_key(|&(l, op, i, _)| (l, op, i));
        self.ins = keyed.iter().map(|k| k.3).collect();
        self.runs.clear();
        for (i, &(_, op, _, _)) in keyed.iter().enumerate() {
            match self.runs.last_mut() {
                Some(run) if run.op == op => run.end = i as u32 + 1,
                _ => self.runs.push(Run {
                    op,
                    start: i as u32,
                    end: i as u32 + 1,
                }),
            }
        }
    }
}
