//! Eval stage: the dates a follow-up schedule reads from the case (its
//! start, the dates its phases end at, its `as of` date) and, for those
//! left unknown, the facts it needs (`grammar/SEMANTICS.md`, "Schedules").
//!
//! A date is a date fact or a definition of type date; a definition's value
//! is the exact value the outcome reports under `derived`, so every
//! evaluator that agrees on `derived` agrees on the schedule.

use crate::case::Case;
use crate::check::model::{DateAnchor, DateRef, DefBody, DefId, FactId, Model, TExprKind};
use crate::value::Value;
use std::collections::BTreeSet;

/// What a schedule reads: the case's facts and every definition's value.
pub(crate) struct Dates<'a> {
    /// The checked model.
    pub model: &'a Model,
    /// The case.
    pub case: &'a Case,
    /// Every definition's value, by [`DefId`].
    pub defs: &'a [Option<Value>],
}

impl Dates<'_> {
    /// The date `r` reads, or `None` when it is unknown.
    pub fn read(&self, r: DateRef) -> Option<i32> {
        let v = match r {
            DateRef::Fact(f) => self.case.facts.get(f.0 as usize).copied().flatten(),
            DateRef::Def(d) => self.defs.get(d.0 as usize).copied().flatten(),
        };
        match v {
            Some(Value::Date(d)) => Some(d),
            _ => None,
        }
    }

    /// The date of a phase end's anchor.
    pub fn anchor(&self, a: DateAnchor) -> Option<i32> {
        match a {
            DateAnchor::Literal(d) => Some(d),
            DateAnchor::Read(r) => self.read(r),
        }
    }

    /// Adds to `out` the names of the unknown facts `r` reads, directly or
    /// through definitions and tables: what the case must give for the
    /// date to be known.
    pub fn needs(&self, r: DateRef, out: &mut BTreeSet<String>) {
        let mut facts = BTreeSet::new();
        match r {
            DateRef::Fact(f) => {
                facts.insert(f);
            }
            DateRef::Def(d) => self.reads(d, &mut BTreeSet::new(), &mut facts),
        }
        for f in facts {
            let unknown = self
                .case
                .facts
                .get(f.0 as usize)
                .copied()
                .flatten()
                .is_none();
            if let Some(info) = self.model.facts.get(f.0 as usize).filter(|_| unknown) {
                out.insert(info.name.clone());
            }
        }
    }

    /// Every fact definition `d` reads, transitively.
    fn reads(&self, d: DefId, seen: &mut BTreeSet<DefId>, facts: &mut BTreeSet<FactId>) {
        if !seen.insert(d) {
            return;
        }
        let Some(def) = self.model.defs.get(d.0 as usize) else {
            return;
        };
        let exprs: Vec<_> = match &def.body {
            DefBody::Expr(e) => vec![e],
            DefBody::Table(t) => self
                .model
                .tables
                .get(t.0 as usize)
                .map(|t| t.keys.iter().collect())
                .unwrap_or_default(),
        };
        let mut inner = Vec::new();
        for e in exprs {
            for x in e.pre_order() {
                match &x.kind {
                    TExprKind::Fact(f) => {
                        facts.insert(*f);
                    }
                    TExprKind::Def(d) | TExprKind::Column { def: d, .. } => inner.push(*d),
                    _ => {}
                }
            }
        }
        for d in inner {
            self.reads(d, seen, facts);
        }
    }
}
