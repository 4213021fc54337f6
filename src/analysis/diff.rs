//! Analysis stage: `cairn diff`, the semantic difference between two
//! versions of a guideline.
//!
//! Facts are matched by name. Every recommendation (by id) and derived
//! value (by name) is compared over the cases of its cone of influence in
//! either version, with the fact domains of both versions merged (one
//! representative per region of each version's completion space, see
//! `Program::fact_space`) and "unknown" tried for every fact when the cone is small
//! enough (Kleene connectives can differ only on partial cases: `a or not
//! a` against `true`). Both versions are run with the real interpreter.
//! Each distinct change (status, strength or value, before and after) is
//! one region, with the number of explored cases in it, a minimised
//! witness and the rules whose text changed in the cone. Textual changes
//! are listed separately (`diff_text`).

use super::cone::Cones;
use super::diff_space::{exact, merge_facts, whole_space, Merged};
use super::diff_text;
use super::query::LIMIT;
use super::value_json;
use crate::case::Case;
use crate::check::model::{DefId, Model, RecId, RecInfo, TExpr, TExprKind, Type};
use crate::check::Checked;
use crate::eval::constraints::Constraints;
use crate::eval::outcome::Status;
use crate::eval::{Program, Scratch};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

/// The difference between two versions.
#[derive(Debug, Clone, Serialize)]
pub struct Diff {
    /// Regions of the case space where behaviour changes.
    pub regions: Vec<Region>,
    /// Changes to text: statements, citations, metadata, declarations.
    pub text: Vec<String>,
    /// True when some comparison sampled its cases instead of trying all.
    pub sampled: bool,
    /// Recommendations and derived values whose unchanged behaviour is not
    /// proved: their conditions compare facts with each other, which the
    /// regions of the completion space do not split exactly.
    pub undecided: Vec<String>,
}

/// One change of behaviour.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Region {
    /// `recommendation` or `derived`.
    pub item: &'static str,
    /// The recommendation id or definition name.
    pub name: String,
    /// What changes: `status`, `strength` or `value`.
    pub aspect: &'static str,
    /// The outcome in the old version.
    pub before: String,
    /// The outcome in the new version.
    pub after: String,
    /// Explored cases in this region.
    pub cases: u64,
    /// A case file reproducing it.
    pub witness: serde_json::Value,
    /// The rules whose text changed and that it reads.
    pub rules: Vec<String>,
}

/// What is compared.
pub(super) enum Item {
    Rec(Option<usize>, Option<usize>, String),
    Def(usize, usize, String),
}

/// Compares two checked versions.
pub fn diff(old: &Checked, new: &Checked) -> Diff {
    let (om, nm) = (&old.model, &new.model);
    let (oc, nc) = (Cones::new(om), Cones::new(nm));
    let (op, np) = (Program::new(old), Program::new(new));
    let merged = merge_facts(om, nm, &whole_space(&op), &whole_space(&np));
    let changed = diff_text::changed_rules(old, new);
    let mut items = Vec::new();
    let mut ids: Vec<String> = om.recs.iter().map(|r| r.id.clone()).collect();
    ids.extend(
        nm.recs
            .iter()
            .map(|r| r.id.clone())
            .filter(|i| om.rec(i).is_none()),
    );
    for id in ids {
        items.push(Item::Rec(
            om.rec(&id).map(|r| r.0 as usize),
            nm.rec(&id).map(|r| r.0 as usize),
            id,
        ));
    }
    for (i, d) in om.defs.iter().enumerate() {
        if let Some(j) = nm.def(&d.name) {
            items.push(Item::Def(i, j.0 as usize, d.name.clone()));
        }
    }
    let mut regions = Vec::new();
    let mut sampled = false;
    let mut groups: BTreeMap<Vec<usize>, Vec<Item>> = BTreeMap::new();
    for item in items {
        let (oe, ne) = exprs(om, nm, &item);
        let of: BTreeSet<String> = names(om, &oc, &oe);
        let nf: BTreeSet<String> = names(nm, &nc, &ne);
        let cone: Vec<usize> = merged
            .iter()
            .enumerate()
            .filter(|(_, m)| of.contains(&m.name) || nf.contains(&m.name))
            .map(|(k, _)| k)
            .collect();
        groups.entry(cone).or_default().push(item);
    }
    let mut run = Runner {
        om,
        nm,
        op: &op,
        np: &np,
        merged: &merged,
        os: op.scratch(),
        ns: np.scratch(),
        ostat: Vec::new(),
        nstat: Vec::new(),
        ocons: Constraints::new(om),
        ncons: Constraints::new(nm),
        ograde: BTreeMap::new(),
        ngrade: BTreeMap::new(),
    };
    let mut undecided = Vec::new();
    for (cone, items) in merge_groups(groups, &merged) {
        sampled |= run.group(&cone, &items, &changed, &mut regions);
        if !exact(&op, &np, &items) {
            undecided.extend(items.iter().map(|i| match i {
                Item::Rec(_, _, id) => format!("recommendation `{id}`"),
                Item::Def(_, _, n) => format!("derived `{n}`"),
            }));
        }
    }
    Diff {
        regions,
        text: diff_text::changes(old, new),
        sampled,
        undecided,
    }
}

/// Moves the items of a cone into a larger cone that contains it, when the
/// larger one is tried whole with unknowns: its cases then cover every
/// case of the smaller one, so one run of both versions serves both.
fn merge_groups(
    groups: BTreeMap<Vec<usize>, Vec<Item>>,
    merged: &[Merged],
) -> Vec<(Vec<usize>, Vec<Item>)> {
    let whole = |cone: &[usize]| {
        cone.iter()
            .map(|&k| {
                merged
                    .get(k)
                    .map(|m| m.values.len() as u64 + 1)
                    .unwrap_or(1)
            })
            .try_fold(1u64, |a, n| a.checked_mul(n))
            .is_some_and(|n| n <= LIMIT)
    };
    let mut list: Vec<(Vec<usize>, Vec<Item>)> = groups.into_iter().collect();
    list.sort_by_key(|(cone, _)| std::cmp::Reverse(cone.len()));
    let mut out: Vec<(Vec<usize>, Vec<Item>)> = Vec::new();
    for (cone, items) in list {
        let host = out
            .iter_mut()
            .find(|(big, _)| whole(big) && cone.iter().all(|k| big.contains(k)));
        match host {
            Some((_, list)) => list.extend(items),
            None => out.push((cone, items)),
        }
    }
    out
}

/// The expressions an item's outcome depends on in each version.
fn exprs(om: &Model, nm: &Model, item: &Item) -> (Vec<TExpr>, Vec<TExpr>) {
    let rec = |m: &Model, r: Option<usize>| -> Vec<TExpr> {
        let Some(info) = r.and_then(|r| m.recs.get(r)) else {
            return Vec::new();
        };
        conds(m, info)
    };
    let def = |m: &Model, d: usize| -> Vec<TExpr> {
        m.defs
            .get(d)
            .map(|info| {
                vec![TExpr {
                    kind: TExprKind::Def(DefId(d as u32)),
                    ty: info.ty,
                    span: info.span,
                }]
            })
            .unwrap_or_default()
    };
    match item {
        Item::Rec(o, n, _) => (rec(om, *o), rec(nm, *n)),
        Item::Def(o, n, _) => (def(om, *o), def(nm, *n)),
    }
}

/// A recommendation's own and sections' conditions, and the conditions its
/// strength depends on.
fn conds(m: &Model, r: &RecInfo) -> Vec<TExpr> {
    let mut out: Vec<TExpr> = m
        .section_chain(r.section)
        .iter()
        .filter_map(|s| m.sections.get(s.0 as usize))
        .filter_map(|s| s.condition.clone())
        .collect();
    out.extend(r.condition.clone());
    if let Some(c) = &r.varies.strength {
        out.extend(c.branches.iter().map(|(e, _)| e.clone()));
    }
    out
}

fn names(m: &Model, cones: &Cones, exprs: &[TExpr]) -> BTreeSet<String> {
    let refs: Vec<&TExpr> = exprs.iter().collect();
    cones
        .of(&refs)
        .0
        .iter()
        .filter_map(|f| m.facts.get(f.0 as usize))
        .map(|f| f.name.clone())
        .collect()
}

/// Runs both versions over the cases of one cone.
struct Runner<'a> {
    om: &'a Model,
    nm: &'a Model,
    op: &'a Program,
    np: &'a Program,
    merged: &'a [Merged],
    os: Scratch,
    ns: Scratch,
    ostat: Vec<Status>,
    nstat: Vec<Status>,
    /// Each version's constraints: a case either breaks cannot be run.
    ocons: Constraints,
    ncons: Constraints,
    /// Strengths that depend on the case, by recommendation index.
    ograde: BTreeMap<usize, String>,
    ngrade: BTreeMap<usize, String>,
}

/// One change of one item: its index in the group, the aspect, before and after.
type Change = (usize, &'static str, String, String);

/// The outcome of an item in one version: status, strength and value.
type Seen = (String, String, &'static str);

impl Runner<'_> {
    /// Compares the items of one cone; returns true when it sampled.
    fn group(
        &mut self,
        cone: &[usize],
        items: &[Item],
        changed: &BTreeMap<String, String>,
        out: &mut Vec<Region>,
    ) -> bool {
        let radix = |with_unknown: bool| -> Vec<usize> {
            cone.iter()
                .map(|&k| {
                    self.merged
                        .get(k)
                        .map(|m| m.values.len() + usize::from(with_unknown))
                        .unwrap_or(1)
                        .max(1)
                })
                .collect()
        };
        let size = |r: &[usize]| r.iter().fold(1u64, |a, &n| a.saturating_mul(n as u64));
        // Unknown is the last index of every fact; without it when the
        // product would be too large.
        let mut radices = radix(true);
        if size(&radices) > LIMIT {
            radices = radix(false);
        }
        let total = size(&radices);
        let n = total.min(LIMIT);
        let stride = (total / n.max(1)).max(1);
        let mut found: BTreeMap<Change, (u64, Vec<usize>)> = BTreeMap::new();
        let mut pick = vec![0usize; cone.len()];
        for i in 0..n {
            let mut idx = i.saturating_mul(stride);
            for (p, &r) in pick.iter_mut().zip(&radices) {
                *p = (idx % r as u64) as usize;
                idx /= r as u64;
            }
            let (oc, nc) = self.cases(cone, &pick);
            if self.breaks(&oc, &nc) {
                continue;
            }
            self.run(&oc, &nc);
            for (k, item) in items.iter().enumerate() {
                let (a, b) = (self.seen(item, true), self.seen(item, false));
                for (aspect, x, y) in compare(&a, &b) {
                    let e = found.entry((k, aspect, x, y)).or_insert((0, pick.clone()));
                    e.0 += 1;
                }
            }
        }
        for ((k, aspect, before, after), (count, first)) in found {
            let Some(item) = items.get(k) else { continue };
            let witness = self.minimize(cone, first, item, aspect, &before, &after);
            let (kind, name) = match item {
                Item::Rec(_, _, id) => ("recommendation", id.clone()),
                Item::Def(_, _, n) => ("derived", n.clone()),
            };
            let mut rules: Vec<String> = Vec::new();
            for (rule, why) in changed {
                if self.item_reads(item, rule) {
                    rules.push(format!("{rule}: {why}"));
                }
            }
            out.push(Region {
                item: kind,
                name,
                aspect,
                before,
                after,
                cases: count,
                witness,
                rules,
            });
        }
        total > LIMIT
    }

    /// True when `rule` (a recommendation, section or definition name) is
    /// the item itself or something its outcome reads.
    fn item_reads(&self, item: &Item, rule: &str) -> bool {
        let mut hit = false;
        for (m, idx) in [(self.om, true), (self.nm, false)] {
            let cones = Cones::new(m);
            let (name, exprs) = match item {
                Item::Rec(o, n, id) => {
                    let r = if idx { *o } else { *n };
                    let Some(info) = r.and_then(|r| m.recs.get(r)) else {
                        continue;
                    };
                    let mut sections: Vec<&str> = m
                        .section_chain(info.section)
                        .iter()
                        .filter_map(|s| m.sections.get(s.0 as usize))
                        .map(|s| s.id.as_str())
                        .collect();
                    sections.push(id);
                    if sections.contains(&rule) {
                        return true;
                    }
                    (id.clone(), conds(m, info))
                }
                Item::Def(o, n, name) => {
                    let d = if idx { *o } else { *n };
                    let e = TExpr {
                        kind: TExprKind::Def(DefId(d as u32)),
                        ty: Type::Bool,
                        span: crate::source::Span::default(),
                    };
                    (name.clone(), vec![e])
                }
            };
            if name == rule {
                return true;
            }
            let refs: Vec<&TExpr> = exprs.iter().collect();
            hit |= cones
                .of(&refs)
                .1
                .iter()
                .filter_map(|d| m.defs.get(d.0 as usize))
                .any(|d| d.name == rule);
        }
        hit
    }

    /// True when either version's case breaks one of its constraints.
    fn breaks(&self, oc: &Case, nc: &Case) -> bool {
        !self.ocons.broken(&oc.facts).is_empty() || !self.ncons.broken(&nc.facts).is_empty()
    }

    /// Evaluates both versions, keeping the statuses and the strengths
    /// that depend on the case.
    fn run(&mut self, oc: &Case, nc: &Case) {
        self.ostat = self.op.statuses(oc, &mut self.os).to_vec();
        self.nstat = self.np.statuses(nc, &mut self.ns).to_vec();
        for (m, p, s, case, out) in [
            (self.om, self.op, &mut self.os, oc, &mut self.ograde),
            (self.nm, self.np, &mut self.ns, nc, &mut self.ngrade),
        ] {
            out.clear();
            for (i, r) in m.recs.iter().enumerate() {
                if r.varies.strength.is_some() {
                    let g = p.grading(case, s, RecId(i as u32));
                    out.insert(i, g.strength.map(|g| g.to_string()).unwrap_or_default());
                }
            }
        }
    }

    /// The cases of both versions for one choice of values.
    fn cases(&self, cone: &[usize], pick: &[usize]) -> (Case, Case) {
        let mut oc = Case {
            name: String::new(),
            facts: vec![None; self.om.facts.len()],
        };
        let mut nc = Case {
            name: String::new(),
            facts: vec![None; self.nm.facts.len()],
        };
        for (&k, &p) in cone.iter().zip(pick) {
            let Some(m) = self.merged.get(k) else {
                continue;
            };
            let (a, b) = m.values.get(p).copied().unwrap_or((None, None));
            if let Some(slot) = m.old.and_then(|i| oc.facts.get_mut(i)) {
                *slot = a;
            }
            if let Some(slot) = m.new.and_then(|i| nc.facts.get_mut(i)) {
                *slot = b;
            }
        }
        (oc, nc)
    }

    /// An item's outcome in the old (`old` true) or new version.
    fn seen(&mut self, item: &Item, old: bool) -> Seen {
        let (m, p, s, st, graded) = if old {
            (self.om, self.op, &mut self.os, &self.ostat, &self.ograde)
        } else {
            (self.nm, self.np, &mut self.ns, &self.nstat, &self.ngrade)
        };
        match item {
            Item::Rec(o, n, _) => {
                let r = if old { *o } else { *n };
                let Some(info) = r.and_then(|r| m.recs.get(r)) else {
                    return ("absent".into(), String::new(), "status");
                };
                let status = st.get(r.unwrap_or(0)).copied();
                let status = status
                    .map(Status::as_str)
                    .unwrap_or("undetermined")
                    .to_string();
                let strength = match r.and_then(|r| graded.get(&r)) {
                    Some(g) => g.clone(),
                    None => info
                        .strength
                        .as_ref()
                        .map(|g| g.to_string())
                        .unwrap_or_default(),
                };
                (status, strength, "status")
            }
            Item::Def(o, n, _) => {
                let d = if old { *o } else { *n };
                let ty = m.defs.get(d).map(|d| d.ty).unwrap_or(Type::Bool);
                // Settled by the exact pass, as `cairn run` reports it.
                let v = p.def_value_exact(s, DefId(d as u32));
                let text = match v {
                    None => "unknown".to_string(),
                    Some(v) => value_json(m, ty, v).to_string(),
                };
                (text, String::new(), "value")
            }
        }
    }

    /// Makes facts unknown one at a time while the same change persists.
    fn minimize(
        &mut self,
        cone: &[usize],
        mut pick: Vec<usize>,
        item: &Item,
        aspect: &str,
        before: &str,
        after: &str,
    ) -> serde_json::Value {
        let unknown = |k: usize| self.merged.get(k).map(|m| m.values.len()).unwrap_or(0);
        for (pos, &k) in cone.iter().enumerate().rev() {
            let old = pick.get(pos).copied().unwrap_or(0);
            if let Some(p) = pick.get_mut(pos) {
                *p = unknown(k);
            }
            let (oc, nc) = self.cases(cone, &pick);
            let same = !self.breaks(&oc, &nc) && {
                self.run(&oc, &nc);
                let (a, b) = (self.seen(item, true), self.seen(item, false));
                compare(&a, &b)
                    .iter()
                    .any(|(x, y, z)| *x == aspect && y == before && z == after)
            };
            if !same {
                if let Some(p) = pick.get_mut(pos) {
                    *p = old;
                }
            }
        }
        let mut facts = serde_json::Map::new();
        for (&k, &p) in cone.iter().zip(&pick) {
            let Some(m) = self.merged.get(k) else {
                continue;
            };
            let Some((a, b)) = m.values.get(p).copied() else {
                continue;
            };
            let v = match (
                m.new.and_then(|j| self.nm.facts.get(j).map(|f| (f.ty, b))),
                m.old.and_then(|i| self.om.facts.get(i).map(|f| (f.ty, a))),
            ) {
                (Some((ty, Some(v))), _) => value_json(self.nm, ty, v),
                (_, Some((ty, Some(v)))) => value_json(self.om, ty, v),
                _ => continue,
            };
            facts.insert(m.name.clone(), v);
        }
        serde_json::json!({ "facts": facts })
    }
}

/// The changes between an item's two outcomes: `(aspect, before, after)`.
fn compare(a: &Seen, b: &Seen) -> Vec<(&'static str, String, String)> {
    let mut out = Vec::new();
    if a.0 != b.0 {
        out.push((a.2, a.0.clone(), b.0.clone()));
    } else if a.2 == "status" && a.1 != b.1 && a.0 == "applies" {
        let show = |s: &str| {
            if s.is_empty() {
                "none".to_string()
            } else {
                s.to_string()
            }
        };
        out.push(("strength", show(&a.1), show(&b.1)));
    }
    out
}

/// The report as text.
pub fn render_text(d: &Diff) -> String {
    let mut out = String::new();
    if d.regions.is_empty() && d.undecided.is_empty() {
        out.push_str("no change in behaviour\n");
    } else if d.regions.is_empty() {
        out.push_str("no change in behaviour found in the cases tried\n");
    } else {
        out.push_str("Changes in behaviour\n");
        for r in &d.regions {
            out.push_str(&format!(
                "  {} `{}` {}: {} -> {} ({} explored cases)\n    witness case: {}\n",
                r.item, r.name, r.aspect, r.before, r.after, r.cases, r.witness
            ));
            for rule in &r.rules {
                out.push_str(&format!("    changed rule: {rule}\n"));
            }
        }
    }
    if !d.undecided.is_empty() {
        out.push_str(&format!(
            "could not decide whether the behaviour of {} is unchanged: its conditions compare facts with each other, which the cases tried do not cover exactly\n",
            d.undecided.join(", ")
        ));
    }
    if d.sampled {
        out.push_str("(some comparisons sampled their cases: the case space of their facts was too large to try whole)\n");
    }
    if d.text.is_empty() {
        out.push_str("no textual changes\n");
    } else {
        out.push_str("Textual changes\n");
        for t in &d.text {
            out.push_str(&format!("  {t}\n"));
        }
    }
    out
}

/// The report as JSON.
pub fn render_json(d: &Diff) -> serde_json::Value {
    serde_json::json!({
        "behaviour_changed": !d.regions.is_empty(),
        "regions": d.regions,
        "undecided": d.undecided,
        "text": d.text,
        "sampled": d.sampled,
    })
}
