//! Eval stage: reading the value of any sub-expression after a run.
//!
//! The compiler gives every node of the model's expressions a slot (its own
//! instruction, or the fact or definition slot an operand reads directly),
//! and after [`Program::evaluate_into`] every slot holds its value. The
//! compiler records those slots here, per *root* expression (a definition's
//! body, a section's, recommendation's or study's condition), in the order
//! it finishes the nodes: [`TExpr::post_order`]. Readers of sub-conditions
//! (coverage) thus read the values of the real program instead of
//! evaluating the expressions again.

use crate::case::Case;
use crate::check::model::{DefBody, DefId, Model, RecId, ScheduleId, SectionId, TExpr};
use crate::eval::compile::Pc;
use crate::eval::{fast_run, Program, Scratch};
use crate::value::Value;
use std::ops::Range;

/// A root expression of the model.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Root {
    /// The body of a definition computed by an expression.
    Def(DefId),
    /// A section's own condition.
    Section(SectionId),
    /// A recommendation's own condition.
    Rec(RecId),
    /// The condition of study `.1` of a schedule.
    Study(ScheduleId, usize),
}

/// A node of a root expression whose value can be read after a run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) struct ProbeId(u32);

/// Where `slots` holds the nodes of one root.
type Nodes = Option<Range<u32>>;

/// The slot of every node of the model's root expressions.
#[derive(Debug, Clone, Default)]
pub(crate) struct Probes {
    /// Node slots, root by root, each root's in post-order.
    slots: Vec<Pc>,
    /// Per definition (by id): its body's nodes (none for tables).
    defs: Vec<Nodes>,
    /// Per section: its condition's nodes.
    sections: Vec<Nodes>,
    /// Per recommendation: its condition's nodes.
    recs: Vec<Nodes>,
    /// Per schedule, per study: its condition's nodes.
    studies: Vec<Vec<Nodes>>,
}

impl Probes {
    /// The slot a probe reads.
    pub(crate) fn slot(&self, probe: ProbeId) -> Option<Pc> {
        self.slots.get(probe.0 as usize).copied()
    }

    /// Sized for a model with `defs` definitions.
    pub fn new(defs: usize) -> Probes {
        Probes {
            defs: vec![None; defs],
            ..Probes::default()
        }
    }

    /// Records that the node just compiled has its value in `pc`.
    pub fn node(&mut self, pc: Pc) {
        self.slots.push(pc);
    }

    /// The position the next root's nodes start at.
    pub fn mark(&self) -> u32 {
        self.slots.len() as u32
    }

    /// The nodes recorded since `start`.
    fn since(&self, start: u32) -> Nodes {
        Some(start..self.mark())
    }

    /// Ends a definition body's nodes begun at `start`.
    pub fn def(&mut self, d: DefId, start: u32) {
        let nodes = self.since(start);
        if let Some(slot) = self.defs.get_mut(d.0 as usize) {
            *slot = nodes;
        }
    }

    /// Ends the next section's condition (`None`: it has none).
    pub fn section(&mut self, start: Option<u32>) {
        let nodes = start.and_then(|s| self.since(s));
        self.sections.push(nodes);
    }

    /// Ends the next recommendation's condition (`None`: it has none).
    pub fn rec(&mut self, start: Option<u32>) {
        let nodes = start.and_then(|s| self.since(s));
        self.recs.push(nodes);
    }

    /// Starts the next schedule's studies.
    pub fn schedule(&mut self) {
        self.studies.push(Vec::new());
    }

    /// Ends the current schedule's next study condition.
    pub fn study(&mut self, start: Option<u32>) {
        let nodes = start.and_then(|s| self.since(s));
        if let Some(list) = self.studies.last_mut() {
            list.push(nodes);
        }
    }

    fn nodes(&self, root: Root) -> Option<Range<u32>> {
        match root {
            Root::Def(d) => self.defs.get(d.0 as usize),
            Root::Section(s) => self.sections.get(s.0 as usize),
            Root::Rec(r) => self.recs.get(r.0 as usize),
            Root::Study(s, i) => self.studies.get(s.0 as usize).and_then(|l| l.get(i)),
        }
        .cloned()
        .flatten()
    }
}

/// Every root expression of a model, in the order coverage reports them:
/// sections, definitions, recommendations, then study conditions.
pub(crate) fn roots(model: &Model) -> Vec<(Root, &TExpr)> {
    let mut out: Vec<(Root, &TExpr)> = Vec::new();
    for (i, s) in model.sections.iter().enumerate() {
        if let Some(c) = &s.condition {
            out.push((Root::Section(SectionId(i as u32)), c));
        }
    }
    for (i, d) in model.defs.iter().enumerate() {
        if let DefBody::Expr(e) = &d.body {
            out.push((Root::Def(DefId(i as u32)), e));
        }
    }
    for (i, r) in model.recs.iter().enumerate() {
        if let Some(c) = &r.condition {
            out.push((Root::Rec(RecId(i as u32)), c));
        }
    }
    for (i, s) in model.schedules.iter().enumerate() {
        for (j, st) in s.studies.iter().enumerate() {
            if let Some(c) = &st.condition {
                out.push((Root::Study(ScheduleId(i as u32), j), c));
            }
        }
    }
    out
}

impl Program {
    /// The probe of `node`, a sub-expression of `root_expr` (the model's
    /// expression for `root`, found by identity), or `None` when `node` is
    /// not inside it.
    pub(crate) fn probe(&self, root: Root, root_expr: &TExpr, node: &TExpr) -> Option<ProbeId> {
        let nodes = self.code.probes.nodes(root)?;
        let count = root_expr.post_order().count();
        // The compiler records one slot per node, in post-order.
        assert_eq!(
            count,
            nodes.len(),
            "the compiled nodes of {root:?} do not match its expression"
        );
        let at = root_expr.post_order().position(|e| std::ptr::eq(e, node))?;
        Some(ProbeId(nodes.start + at as u32))
    }

    /// The value of a probe after [`Program::evaluate_probes_into`].
    pub(crate) fn probe_value(&self, scratch: &Scratch, probe: ProbeId) -> Option<Value> {
        let pc = *self.code.probes.slots.get(probe.0 as usize)?;
        match (&self.code.fast, scratch.stale) {
            (Some(fast), true) => fast_run::value(fast, &scratch.bytes, &scratch.vals, pc),
            _ => scratch.vals.get(pc as usize).copied().flatten(),
        }
    }

    /// Evaluates a case like [`Program::evaluate_into`], and the schedules'
    /// study conditions too, so that every probe can be read.
    pub(crate) fn evaluate_probes_into(&self, case: &Case, scratch: &mut Scratch) {
        self.evaluate_into(case, scratch);
        self.run_on_demand(case, scratch);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::eval::test_cases::{program, GUIDELINES};

    /// Every root's nodes are recorded once each, in post-order, and the
    /// last is the slot the rest of the program reads the root's value from.
    #[test]
    fn every_root_records_one_slot_per_node() {
        for path in GUIDELINES {
            let p = program(path);
            let model = p.model();
            let all = roots(model);
            assert!(all.len() > 3, "{path}");
            for (root, e) in all {
                let nodes = p.code.probes.nodes(root).unwrap();
                assert_eq!(nodes.len(), e.post_order().count(), "{root:?} in {path}");
                let last = p.probe(root, e, e).unwrap();
                assert_eq!(last.0 + 1, nodes.end);
                let slot = p.code.probes.slots[last.0 as usize];
                let expected = match root {
                    Root::Def(d) => p.code.def_root[d.0 as usize],
                    Root::Section(s) => p.code.section_own[s.0 as usize].unwrap(),
                    Root::Rec(r) => p.code.rec_own[r.0 as usize].unwrap(),
                    Root::Study(s, i) => p.code.study_cond[s.0 as usize][i].unwrap(),
                };
                assert_eq!(slot, expected, "{root:?} in {path}");
                // Each node's slot has the node's type.
                for (node, &pc) in e
                    .post_order()
                    .zip(&p.code.probes.slots[nodes.start as usize..])
                {
                    let (slot_ty, node_ty) = (p.code.types[pc as usize], node.ty);
                    assert_eq!(
                        std::mem::discriminant(&slot_ty),
                        std::mem::discriminant(&node_ty),
                        "{root:?} in {path}"
                    );
                }
            }
        }
    }

    /// A node that is not inside the root has no probe.
    #[test]
    fn a_foreign_node_has_no_probe() {
        let p = program(GUIDELINES[0]);
        let model = p.model();
        let all = roots(model);
        let (root, e) = all[0];
        let other = all[1].1;
        assert!(p.probe(root, e, other).is_none());
        assert!(p.probe(root, e, e).is_some());
    }
}
