//! Analysis stage: what each rule reads (its cone of influence).
//!
//! The analysis never enumerates all facts together. Each question is
//! asked over the facts its expressions read, directly or through
//! definitions and tables. The values tried for each fact come from the
//! completion space of the compiled question (`Program::fact_space`, in
//! `eval::exact`), shared with the exact statuses of `cairn run`.

use crate::check::model::{DefBody, DefId, FactId, Model, TExpr, TExprKind};
use std::collections::BTreeSet;

/// Calls `f` on `e` and every expression inside it, parents first.
pub(crate) fn walk<'e>(e: &'e TExpr, f: &mut impl FnMut(&'e TExpr)) {
    e.pre_order().for_each(f);
}

/// Every expression of the model: definition bodies, table keys, section,
/// recommendation and study conditions.
pub(crate) fn all_exprs(model: &Model) -> Vec<&TExpr> {
    let mut out: Vec<&TExpr> = Vec::new();
    for d in &model.defs {
        if let DefBody::Expr(e) = &d.body {
            out.push(e);
        }
    }
    out.extend(model.tables.iter().flat_map(|t| t.keys.iter()));
    out.extend(model.sections.iter().filter_map(|s| s.condition.as_ref()));
    out.extend(model.recs.iter().filter_map(|r| r.condition.as_ref()));
    for s in &model.schedules {
        out.extend(s.studies.iter().filter_map(|st| st.condition.as_ref()));
    }
    out
}

/// The facts and definitions an expression reads directly.
fn direct(e: &TExpr, facts: &mut BTreeSet<FactId>, defs: &mut BTreeSet<DefId>) {
    walk(e, &mut |x| match &x.kind {
        TExprKind::Fact(f) => {
            facts.insert(*f);
        }
        TExprKind::Def(d) | TExprKind::Column { def: d, .. } => {
            defs.insert(*d);
        }
        _ => {}
    });
}

/// Cones of influence and fact domains for a whole model.
#[derive(Debug, Clone)]
pub(crate) struct Cones {
    /// Per definition: every fact it reads, through other definitions too.
    def_facts: Vec<BTreeSet<FactId>>,
    /// Per definition: every definition it reads, transitively.
    def_defs: Vec<BTreeSet<DefId>>,
    /// Per fact: true when some `is known`/`is unknown` reads it, so that
    /// "unknown" is a value the analysis must try.
    pub needs_unknown: Vec<bool>,
}

impl Cones {
    /// Computes the cones of every definition and the fact domains.
    pub fn new(model: &Model) -> Cones {
        let n = model.defs.len();
        let mut cones = Cones {
            def_facts: vec![BTreeSet::new(); n],
            def_defs: vec![BTreeSet::new(); n],
            needs_unknown: vec![false; model.facts.len()],
        };
        // `def_order` puts every definition after what it reads, so one
        // pass in that order closes the sets transitively.
        for &d in &model.def_order {
            let Some(def) = model.defs.get(d.0 as usize) else {
                continue;
            };
            let (mut facts, mut defs) = (BTreeSet::new(), BTreeSet::new());
            match &def.body {
                DefBody::Expr(e) => direct(e, &mut facts, &mut defs),
                DefBody::Table(t) => {
                    for k in model
                        .tables
                        .get(t.0 as usize)
                        .map(|t| &t.keys[..])
                        .unwrap_or(&[])
                    {
                        direct(k, &mut facts, &mut defs);
                    }
                }
            }
            let mut all_defs = defs.clone();
            for r in &defs {
                if let Some(more) = cones.def_facts.get(r.0 as usize) {
                    facts.extend(more.iter().copied());
                }
                if let Some(more) = cones.def_defs.get(r.0 as usize) {
                    all_defs.extend(more.iter().copied());
                }
            }
            if let Some(slot) = cones.def_facts.get_mut(d.0 as usize) {
                *slot = facts;
            }
            if let Some(slot) = cones.def_defs.get_mut(d.0 as usize) {
                *slot = all_defs;
            }
        }
        for e in all_exprs(model) {
            walk(e, &mut |x| cones.note(x));
        }
        cones
    }

    /// Records the facts an `is known`/`is unknown` reads.
    fn note(&mut self, x: &TExpr) {
        if let TExprKind::IsKnown(inner, _) = &x.kind {
            for f in self.of(&[inner]).0 {
                if let Some(flag) = self.needs_unknown.get_mut(f.0 as usize) {
                    *flag = true;
                }
            }
        }
    }

    /// The facts and definitions some expressions read, transitively.
    pub fn of(&self, exprs: &[&TExpr]) -> (BTreeSet<FactId>, BTreeSet<DefId>) {
        let (mut facts, mut defs) = (BTreeSet::new(), BTreeSet::new());
        for e in exprs {
            direct(e, &mut facts, &mut defs);
        }
        let mut all = defs.clone();
        for d in &defs {
            if let Some(more) = self.def_facts.get(d.0 as usize) {
                facts.extend(more.iter().copied());
            }
            if let Some(more) = self.def_defs.get(d.0 as usize) {
                all.extend(more.iter().copied());
            }
        }
        (facts, all)
    }

    /// Every definition a definition reads, transitively.
    pub fn def_reads(&self, d: DefId) -> impl Iterator<Item = DefId> + '_ {
        self.def_defs
            .get(d.0 as usize)
            .into_iter()
            .flatten()
            .copied()
    }
}
