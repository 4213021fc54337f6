//! Analysis stage: `cairn diff`, the semantic difference between two
//! versions of a guideline.
//!
//! Facts are matched by name. Every recommendation (by id) and derived
//! value (by name) gets one of three verdicts, each proved:
//!
//! - **unchanged**, when its logic is the same typed expression in both
//!   versions (`diff_same`), or when the exact search over its cases
//!   (`diff_search`: every value region of both versions' splits, merged
//!   by `diff_space`, and unknown, with subtrees settled by one case
//!   pruned) finds no case whose outcome differs and the split decides
//!   every comparison of both versions;
//! - **changed**, with one region per distinct change (status, strength or
//!   value, before and after), each with a minimised witness case that
//!   both versions were run on with the real interpreter;
//! - **could not decide** (`cairn::analysis::undecided`, an error), when
//!   the search ran out of its budget, or its split cannot decide a
//!   comparison between facts, before finding a change. It fails `cairn
//!   diff` unless the recommendation says `acknowledge undecided "…"` or
//!   the command is given `--acknowledge-undecided "…"`.
//!
//! Nothing is sampled. Textual changes are listed separately
//! (`diff_text`).

use super::cone::Cones;
use super::diff_render::not_decided;
use super::diff_same::Same;
use super::diff_search::{Runner, Search};
use super::diff_space::{item_space, merge_facts, Merged};
use super::diff_text;
use super::query::BUDGET;
use crate::check::model::{DefId, Model, RecInfo, TExpr, TExprKind, Type};
use crate::check::Checked;
use crate::eval::Program;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

pub use super::diff_render::{render_json, render_text};

/// The difference between two versions.
#[derive(Debug, Clone, Serialize)]
pub struct Diff {
    /// Regions of the case space where behaviour changes.
    pub regions: Vec<Region>,
    /// Changes to text: statements, citations, metadata, declarations.
    pub text: Vec<String>,
    /// Deprecated: always false, since no comparison samples its cases.
    pub sampled: bool,
    /// Recommendations and derived values whose behaviour could not be
    /// decided: no change found, and none proved absent.
    pub undecided: Vec<Undecided>,
}

impl Diff {
    /// Undecided items not acknowledged: each fails `cairn diff`.
    pub fn error_count(&self) -> usize {
        self.undecided
            .iter()
            .filter(|u| u.acknowledged.is_none())
            .count()
    }

    /// Acknowledges every undecided item with `reason`
    /// (`--acknowledge-undecided`), keeping reasons given in the source.
    pub fn acknowledge_undecided(&mut self, reason: &str) {
        for u in &mut self.undecided {
            u.acknowledged.get_or_insert_with(|| reason.to_string());
        }
    }
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
    /// Cases the search ran that show this change (a case that settles
    /// the outcome in both versions stands for every case extending it).
    pub cases: u64,
    /// A case file reproducing it.
    pub witness: serde_json::Value,
    /// The rules whose text changed and that it reads.
    pub rules: Vec<String>,
    /// True when the search covered every case of the item, so that its
    /// regions are all the changes of its status, strength or value.
    pub exhaustive: bool,
}

/// A recommendation or derived value whose behaviour is not decided.
#[derive(Debug, Clone, Serialize)]
pub struct Undecided {
    /// `recommendation` or `derived`.
    pub item: &'static str,
    /// The recommendation id or definition name.
    pub name: String,
    /// `budget` (the search stopped) or `split` (a comparison between
    /// facts that no split of their values decides).
    pub reason: &'static str,
    /// The stable code, `cairn::analysis::undecided`.
    pub code: &'static str,
    /// The message.
    pub message: String,
    /// What to do.
    pub help: String,
    /// The file of the declaration (the new version's, unless removed).
    pub file: String,
    /// One-based line of the declaration.
    pub line: usize,
    /// One-based column of the declaration.
    pub column: usize,
    /// Evaluations of both versions the search made.
    pub evaluations: u64,
    /// The reason given, when acknowledged.
    pub acknowledged: Option<String>,
    /// The located diagnostic, rendered.
    #[serde(skip)]
    pub rendered: String,
}

/// What is compared: a recommendation's index in each version, or a
/// definition's.
pub(super) enum Item {
    Rec(Option<usize>, Option<usize>, String),
    Def(usize, usize, String),
}

impl Item {
    pub(super) fn kind(&self) -> &'static str {
        match self {
            Item::Rec(..) => "recommendation",
            Item::Def(..) => "derived",
        }
    }

    pub(super) fn name(&self) -> &str {
        match self {
            Item::Rec(_, _, n) | Item::Def(_, _, n) => n,
        }
    }
}

/// Compares two checked versions, with the analysis budget per item.
pub fn diff(old: &Checked, new: &Checked) -> Diff {
    diff_with_budget(old, new, BUDGET)
}

/// [`diff`] with another budget: the most evaluations of both versions
/// the search of one item makes.
pub fn diff_with_budget(old: &Checked, new: &Checked, budget: u64) -> Diff {
    let (om, nm) = (&old.model, &new.model);
    let (oc, nc) = (Cones::new(om), Cones::new(nm));
    let (op, np) = (Program::new(old), Program::new(new));
    let merged = merge_facts(om, nm);
    let changed = diff_text::changed_rules(old, new);
    let same = Same::new(om, nm);
    let mut run = Runner::new(&op, &np);
    let mut regions = Vec::new();
    let mut undecided = Vec::new();
    for item in items(om, nm) {
        if same.item(&item) {
            continue;
        }
        let (oe, ne) = exprs(om, nm, &item);
        let (of, nf) = (
            cone_of(om, &oc, &item, &oe, true),
            cone_of(nm, &nc, &item, &ne, false),
        );
        // The facts either version reads, matched by name.
        let idx: Vec<usize> = merged
            .iter()
            .enumerate()
            .filter(|(_, m)| of.0.contains(&m.name) || nf.0.contains(&m.name))
            .map(|(k, _)| k)
            .collect();
        let cone: Vec<&Merged> = idx.iter().filter_map(|&k| merged.get(k)).collect();
        let space = item_space(&op, &np, &merged, &idx, &item);
        // Strength conditions are not in a recommendation's split: one
        // that compares an ordered fact is not decided by it.
        let complete = space.complete
            && !graded_by_order(om, &oc, &item, true)
            && !graded_by_order(nm, &nc, &item, false);
        let asked = cone
            .iter()
            .map(|m| {
                let flag = |c: &Cones, i: Option<usize>| {
                    i.and_then(|i| c.needs_unknown.get(i))
                        .copied()
                        .unwrap_or(false)
                };
                flag(&oc, m.old) || flag(&nc, m.new)
            })
            .collect();
        let start = run.evaluations;
        let mut search = Search {
            run: &mut run,
            item: &item,
            facts: cone,
            domains: &space.domains,
            asked,
            budget,
            found: BTreeMap::new(),
            over: false,
        };
        search.run();
        let exhaustive = complete && !search.over;
        let found = std::mem::take(&mut search.found);
        let over = search.over;
        if found.is_empty() {
            if !exhaustive {
                let evaluations = search.run.evaluations - start;
                undecided.push(not_decided(
                    old,
                    new,
                    &item,
                    over,
                    evaluations,
                    space.domains.len(),
                ));
            }
            continue;
        }
        let rules: Vec<String> = changed
            .iter()
            .filter(|(rule, _)| of.1.contains(*rule) || nf.1.contains(*rule))
            .map(|(rule, why)| format!("{rule}: {why}"))
            .collect();
        for (change, (count, first)) in found {
            let pick = search.minimize(first, &change);
            let (aspect, before, after) = change;
            regions.push(Region {
                item: item.kind(),
                name: item.name().to_string(),
                aspect,
                before,
                after,
                cases: count,
                witness: search.witness(&pick),
                rules: rules.clone(),
                exhaustive,
            });
        }
    }
    Diff {
        regions,
        text: diff_text::changes(old, new),
        sampled: false,
        undecided,
    }
}

/// Every recommendation (old order, then those added) and every
/// definition both versions declare.
fn items(om: &Model, nm: &Model) -> Vec<Item> {
    let mut ids: Vec<String> = om.recs.iter().map(|r| r.id.clone()).collect();
    ids.extend(
        nm.recs
            .iter()
            .map(|r| r.id.clone())
            .filter(|i| om.rec(i).is_none()),
    );
    let mut out: Vec<Item> = ids
        .into_iter()
        .map(|id| {
            let (o, n) = (om.rec(&id), nm.rec(&id));
            Item::Rec(o.map(|r| r.0 as usize), n.map(|r| r.0 as usize), id)
        })
        .collect();
    for (i, d) in om.defs.iter().enumerate() {
        if let Some(j) = nm.def(&d.name) {
            out.push(Item::Def(i, j.0 as usize, d.name.clone()));
        }
    }
    out
}

/// The expressions an item's outcome depends on in each version.
fn exprs(om: &Model, nm: &Model, item: &Item) -> (Vec<TExpr>, Vec<TExpr>) {
    let rec = |m: &Model, r: Option<usize>| -> Vec<TExpr> {
        r.and_then(|r| m.recs.get(r))
            .map(|info| conds(m, info))
            .unwrap_or_default()
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
    let mut out = m.rec_conditions(r);
    if let Some(c) = &r.varies.strength {
        out.extend(c.branches.iter().map(|(e, _)| e.clone()));
    }
    out
}

/// The names of the facts an item reads, and of the rules (itself, its
/// sections, the definitions it reads) its outcome depends on.
fn cone_of(
    m: &Model,
    cones: &Cones,
    item: &Item,
    exprs: &[TExpr],
    old: bool,
) -> (BTreeSet<String>, BTreeSet<String>) {
    let refs: Vec<&TExpr> = exprs.iter().collect();
    let (facts, defs) = cones.of(&refs);
    let facts = facts
        .iter()
        .filter_map(|f| m.facts.get(f.0 as usize))
        .map(|f| f.name.clone())
        .collect();
    let mut rules: BTreeSet<String> = defs
        .iter()
        .filter_map(|d| m.defs.get(d.0 as usize))
        .map(|d| d.name.clone())
        .collect();
    rules.insert(item.name().to_string());
    if let Item::Rec(o, n, _) = item {
        if let Some(info) = (if old { *o } else { *n }).and_then(|r| m.recs.get(r)) {
            rules.extend(
                m.section_chain(info.section)
                    .iter()
                    .filter_map(|s| m.sections.get(s.0 as usize))
                    .map(|s| s.id.clone()),
            );
        }
    }
    (facts, rules)
}

/// True when a recommendation's strength (in the old version when `old`)
/// depends on a condition reading an integer, decimal, quantity or date
/// fact.
fn graded_by_order(m: &Model, cones: &Cones, item: &Item, old: bool) -> bool {
    let Item::Rec(o, n, _) = item else {
        return false;
    };
    let Some(c) = (if old { *o } else { *n })
        .and_then(|r| m.recs.get(r))
        .and_then(|info| info.varies.strength.as_ref())
    else {
        return false;
    };
    let refs: Vec<&TExpr> = c.branches.iter().map(|(e, _)| e).collect();
    cones.of(&refs).0.iter().any(|f| {
        m.facts
            .get(f.0 as usize)
            .is_some_and(|f| !matches!(f.ty, Type::Bool | Type::Enum(_)))
    })
}
