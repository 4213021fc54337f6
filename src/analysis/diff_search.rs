//! Analysis stage, `cairn diff`: the exact search for the cases in which
//! an item's outcome differs between two versions.
//!
//! The cases of an item are the product of its facts' values
//! (`diff_space`), each fact also unknown. The search assigns the facts
//! one at a time, depth first; a partial case is itself a case, with the
//! facts not yet assigned unknown, and both versions are run on it with
//! the real interpreter (statuses settled by the exact pass, as `cairn
//! run` reports them). Once an outcome is *settled* in both versions (a
//! status `applies` with its strength decided or `not_applicable`, or a
//! known derived value), every case that assigns the remaining facts has
//! the same outcome: a definite Kleene result stays when an unknown fact
//! becomes known, and a status the exact pass settles over every
//! completion of the unknown facts holds in each of them (`is known` is
//! the exception, asking about the case as given: the facts it reads are
//! assigned first, and nothing settles before they are). So the subtree
//! is decided by this one case: no change when the outcomes agree, one
//! change (with this case as its witness) when they differ. A case either
//! version's constraints reject is skipped with its subtree (a false
//! constraint stays false, unless it reads `is known`: then only the case
//! itself is skipped). The search stops after its budget of
//! evaluations; it then proves nothing.

use super::diff::Item;
use super::diff_space::{Merged, Pair};
use super::value_json;
use crate::case::Case;
use crate::check::model::{DefId, Model, RecId, TExprKind, Type};
use crate::eval::constraints::Constraints;
use crate::eval::outcome::Status;
use crate::eval::{Program, Scratch};
use std::collections::BTreeMap;

/// An item's outcome in one version.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Seen {
    /// The status, or the derived value in JSON.
    pub text: String,
    /// The strength (empty when none or undecided).
    pub strength: String,
    /// `status` or `value`.
    pub aspect: &'static str,
    /// True when every case extending this one has the same outcome.
    pub settled: bool,
}

/// One change: the aspect, before and after.
pub(super) type Change = (&'static str, String, String);

/// Both versions, ready to run cases.
pub(super) struct Runner<'a> {
    pub om: &'a Model,
    pub nm: &'a Model,
    op: &'a Program,
    np: &'a Program,
    os: Scratch,
    ns: Scratch,
    ocons: Constraints,
    ncons: Constraints,
    /// True when a constraint of either version reads `is known`: a case
    /// it rejects may then have extensions it accepts.
    fragile: bool,
    /// Cases run on both versions so far.
    pub evaluations: u64,
}

impl<'a> Runner<'a> {
    /// Buffers for running `op` (old) and `np` (new).
    pub fn new(op: &'a Program, np: &'a Program) -> Runner<'a> {
        let (om, nm) = (op.model(), np.model());
        Runner {
            om,
            nm,
            op,
            np,
            os: op.scratch(),
            ns: np.scratch(),
            ocons: Constraints::new(om),
            ncons: Constraints::new(nm),
            fragile: [om, nm].iter().any(|m| {
                m.constraints.iter().any(|c| {
                    c.condition
                        .pre_order()
                        .any(|x| matches!(x.kind, TExprKind::IsKnown(..)))
                })
            }),
            evaluations: 0,
        }
    }

    /// The item's outcome in both versions, or `None` when either
    /// version's constraints reject the case and every case extending it.
    /// A case rejected only for now (see `fragile`) shows no change and
    /// settles nothing.
    pub fn both(&mut self, item: &Item, oc: &Case, nc: &Case) -> Option<(Seen, Seen)> {
        self.evaluations += 1;
        if !self.ocons.broken(&oc.facts).is_empty() || !self.ncons.broken(&nc.facts).is_empty() {
            let rejected = Seen {
                text: "rejected".into(),
                strength: String::new(),
                aspect: "status",
                settled: false,
            };
            return self.fragile.then(|| (rejected.clone(), rejected));
        }
        Some((self.seen(item, oc, true), self.seen(item, nc, false)))
    }

    /// The item's outcome in the old (`old` true) or new version.
    fn seen(&mut self, item: &Item, case: &Case, old: bool) -> Seen {
        let (m, p, s) = if old {
            (self.om, self.op, &mut self.os)
        } else {
            (self.nm, self.np, &mut self.ns)
        };
        match item {
            Item::Rec(o, n, _) => {
                let r = if old { *o } else { *n };
                let Some((r, info)) = r.and_then(|r| m.recs.get(r).map(|i| (r, i))) else {
                    return Seen {
                        text: "absent".into(),
                        strength: String::new(),
                        aspect: "status",
                        settled: true,
                    };
                };
                let status = p
                    .statuses(case, s)
                    .get(r)
                    .copied()
                    .unwrap_or(Status::Undetermined);
                let (strength, decided) = if info.varies.strength.is_some() {
                    let g = p.grading(case, s, RecId(r as u32));
                    let text = g.strength.map(|g| g.to_string()).unwrap_or_default();
                    (text, g.missing.is_empty())
                } else {
                    let text = info
                        .strength
                        .as_ref()
                        .map(|g| g.to_string())
                        .unwrap_or_default();
                    (text, true)
                };
                let settled = match status {
                    Status::NotApplicable => true,
                    Status::Applies => decided,
                    Status::Undetermined => false,
                };
                Seen {
                    text: status.as_str().to_string(),
                    strength,
                    aspect: "status",
                    settled,
                }
            }
            Item::Def(o, n, _) => {
                let d = if old { *o } else { *n };
                p.statuses(case, s);
                let ty = m.defs.get(d).map_or(Type::Bool, |d| d.ty);
                // Settled by the exact pass, as `cairn run` reports it.
                let v = p.def_value_exact(s, DefId(d as u32));
                Seen {
                    text: v.map_or("unknown".into(), |v| value_json(m, ty, v).to_string()),
                    strength: String::new(),
                    aspect: "value",
                    settled: v.is_some(),
                }
            }
        }
    }
}

/// The changes between an item's two outcomes: `(aspect, before, after)`.
pub(super) fn compare(a: &Seen, b: &Seen) -> Vec<Change> {
    let mut out = Vec::new();
    if a.text != b.text {
        out.push((a.aspect, a.text.clone(), b.text.clone()));
    } else if a.aspect == "status" && a.strength != b.strength && a.text == "applies" {
        let show = |s: &str| {
            if s.is_empty() {
                "none".to_string()
            } else {
                s.to_string()
            }
        };
        out.push(("strength", show(&a.strength), show(&b.strength)));
    }
    out
}

/// The fixed parameters of one search's walk.
struct Walk<'o> {
    /// Positions in the search's facts, in the order they are assigned.
    order: &'o [usize],
    /// How many of `order` must be assigned before an outcome can settle.
    settle_from: usize,
    /// The runner's evaluation count at which the search stops.
    stop: u64,
}

/// The search over one item's cases.
pub(super) struct Search<'r, 'a> {
    pub run: &'r mut Runner<'a>,
    pub item: &'r Item,
    /// The merged facts of the item's cone.
    pub facts: Vec<&'r Merged>,
    /// Per fact of `facts`, the known values tried; index `len` is unknown.
    pub domains: &'r [Vec<Pair>],
    /// Per fact of `facts`, true when an `is known` or `is unknown` reads
    /// it in either version: assigned first, since "unknown" then decides
    /// something (no outcome is settled before they are all assigned).
    pub asked: Vec<bool>,
    /// Evaluations allowed, counted from the runner's total at the start.
    pub budget: u64,
    /// Each change found, with the cases in which it was seen and the first.
    pub found: BTreeMap<Change, (u64, Vec<usize>)>,
    /// True when the search stopped at its budget.
    pub over: bool,
}

impl Search<'_, '_> {
    /// Searches every case; afterwards `found` holds each change seen.
    pub fn run(&mut self) {
        let asked = |i: usize| self.asked.get(i).copied().unwrap_or(true);
        let mut order: Vec<usize> = (0..self.facts.len()).collect();
        order.sort_by_key(|&i| (!asked(i), self.domains.get(i).map_or(0, Vec::len)));
        let settle_from = order.iter().take_while(|&&i| asked(i)).count();
        let mut pick: Vec<usize> = self.domains.iter().map(Vec::len).collect();
        let stop = self.run.evaluations.saturating_add(self.budget);
        let (oc, nc) = self.cases(&pick);
        if let Some(here) = self.run.both(self.item, &oc, &nc) {
            let walk = Walk {
                order: &order,
                settle_from,
                stop,
            };
            self.descend(&walk, 0, &mut pick, &here);
        }
    }

    /// Assigns the facts from `depth` on; `here` is the outcome of the
    /// current case (the facts from `depth` on unknown).
    fn descend(&mut self, walk: &Walk, depth: usize, pick: &mut Vec<usize>, here: &(Seen, Seen)) {
        let next = walk.order.get(depth).copied();
        let settled = depth >= walk.settle_from && here.0.settled && here.1.settled;
        if settled || next.is_none() {
            for change in compare(&here.0, &here.1) {
                let e = self.found.entry(change).or_insert((0, pick.clone()));
                e.0 += 1;
            }
            return;
        }
        let Some(pos) = next else { return };
        let n = self.domains.get(pos).map_or(0, Vec::len);
        for v in 0..n {
            if self.run.evaluations >= walk.stop {
                self.over = true;
                break;
            }
            if let Some(p) = pick.get_mut(pos) {
                *p = v;
            }
            let (oc, nc) = self.cases(pick);
            if let Some(there) = self.run.both(self.item, &oc, &nc) {
                self.descend(walk, depth + 1, pick, &there);
            }
        }
        // Unknown last: the same case as this one, so it is not run again.
        if let Some(p) = pick.get_mut(pos) {
            *p = n;
        }
        if !self.over {
            self.descend(walk, depth + 1, pick, here);
        }
    }

    /// The cases of both versions for one choice of values.
    pub fn cases(&self, pick: &[usize]) -> (Case, Case) {
        let blank = |m: &Model| Case {
            name: String::new(),
            facts: vec![None; m.facts.len()],
            absent: Vec::new(),
        };
        let (mut oc, mut nc) = (blank(self.run.om), blank(self.run.nm));
        for ((m, d), &p) in self.facts.iter().zip(self.domains).zip(pick) {
            let (a, b) = d.get(p).copied().unwrap_or((None, None));
            if let Some(slot) = m.old.and_then(|i| oc.facts.get_mut(i)) {
                *slot = a;
            }
            if let Some(slot) = m.new.and_then(|j| nc.facts.get_mut(j)) {
                *slot = b;
            }
        }
        (oc, nc)
    }

    /// Makes facts unknown one at a time, last first, while the same
    /// change persists: the witness needs every fact it still gives.
    pub fn minimize(&mut self, mut pick: Vec<usize>, change: &Change) -> Vec<usize> {
        for pos in (0..pick.len()).rev() {
            let unknown = self.domains.get(pos).map_or(0, Vec::len);
            let Some(old) = pick.get(pos).copied().filter(|&p| p != unknown) else {
                continue;
            };
            if let Some(p) = pick.get_mut(pos) {
                *p = unknown;
            }
            let (oc, nc) = self.cases(&pick);
            let same = self
                .run
                .both(self.item, &oc, &nc)
                .is_some_and(|(a, b)| compare(&a, &b).contains(change));
            if !same {
                if let Some(p) = pick.get_mut(pos) {
                    *p = old;
                }
            }
        }
        pick
    }

    /// A case file for one choice of values: the known facts, each in the
    /// JSON form of the version that declares it (the new one first).
    pub fn witness(&self, pick: &[usize]) -> serde_json::Value {
        let (om, nm) = (self.run.om, self.run.nm);
        let mut facts = serde_json::Map::new();
        for ((m, d), &p) in self.facts.iter().zip(self.domains).zip(pick) {
            let Some(&(a, b)) = d.get(p) else { continue };
            let new = m.new.and_then(|j| nm.facts.get(j)).zip(b);
            let old = m.old.and_then(|i| om.facts.get(i)).zip(a);
            let v = match (new, old) {
                (Some((f, v)), _) => value_json(nm, f.ty, v),
                (None, Some((f, v))) => value_json(om, f.ty, v),
                (None, None) => continue,
            };
            facts.insert(m.name.clone(), v);
        }
        // A list's values are its slots in both versions: shown as lists.
        Model::fold_slots(&[nm, om], &mut facts);
        serde_json::json!({ "facts": facts })
    }
}
