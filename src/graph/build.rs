//! Graph stage: builds one picture's flowchart from the checked guideline.
//!
//! A section is a cluster; its condition is a decision at its top, which
//! its recommendations and subsections hang from; a recommendation's own
//! condition labels the arrow into it, in the guideline's words. A
//! definition computed by a `first` classification is drawn as a chain of
//! decisions in the section it is declared in. The overview folds each
//! top-level section into one box with its number of recommendations.

use super::model::{Graph, NodeKind, Of};
use super::text::{self, condition, shorten, wrap, LINE_CHARS, STATEMENT_CHARS};
use crate::check::model::{DefBody, DefId, RecInfo, SectionId, TExpr, TExprKind};
use crate::check::Checked;
use crate::source::Span;

/// What one picture shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Scope {
    /// The whole guideline.
    Whole,
    /// The top-level sections, folded.
    Overview,
    /// One section with everything inside it, under its enclosing sections.
    Section(SectionId),
}

/// One thing declared in a section, in document order.
#[derive(Debug, Clone, Copy)]
enum Item {
    Section(SectionId),
    Rec(usize),
    Classification(DefId),
}

/// Builds the flowchart of `scope` (without a case's statuses).
pub(crate) fn graph(checked: &Checked, scope: Scope) -> Graph {
    let model = &checked.model;
    let mut b = Builder {
        checked,
        g: Graph::default(),
        homes: classification_homes(checked),
    };
    let title = model.meta.title.clone();
    let start = b.g.node(
        "start".into(),
        NodeKind::Start,
        wrap(&title, LINE_CHARS),
        None,
    );
    match scope {
        Scope::Whole => {
            b.g.title = title;
            b.items(None, start, None);
        }
        Scope::Overview => {
            b.g.title = format!("{title}: overview");
            b.overview(start);
        }
        Scope::Section(s) => {
            let chain = model.section_chain(Some(s));
            b.g.title = match model.sections.get(s.0 as usize) {
                Some(info) => format!("{title}: {}", info.title),
                None => title,
            };
            // The enclosing sections show only their conditions, so the
            // picture says when the section is reached at all.
            let mut entry = start;
            let mut cluster = None;
            for &outer in chain.iter().take(chain.len().saturating_sub(1)) {
                let (c, e) = b.enter(outer, entry, cluster);
                cluster = Some(c);
                entry = e;
            }
            b.section(s, entry, cluster);
        }
    }
    b.g
}

struct Builder<'a> {
    checked: &'a Checked,
    g: Graph,
    /// The section each `first` classification is declared in (`None` at
    /// the top level), by definition.
    homes: Vec<(DefId, Option<SectionId>)>,
}

impl Builder<'_> {
    /// The items declared directly in `section`, in document order.
    fn children(&self, section: Option<SectionId>) -> Vec<Item> {
        let model = &self.checked.model;
        let mut found: Vec<(Span, Item)> = Vec::new();
        for (i, s) in model.sections.iter().enumerate() {
            if s.parent == section {
                found.push((s.span, Item::Section(SectionId(i as u32))));
            }
        }
        for (i, r) in model.recs.iter().enumerate() {
            if r.section == section {
                found.push((r.decl_span, Item::Rec(i)));
            }
        }
        for &(d, home) in &self.homes {
            if home == section {
                if let Some(def) = model.defs.get(d.0 as usize) {
                    found.push((def.decl_span, Item::Classification(d)));
                }
            }
        }
        found.sort_by_key(|(span, _)| (span.file, span.start));
        found.into_iter().map(|(_, item)| item).collect()
    }

    /// Draws the items of `section` hanging from `entry`, in `cluster`.
    fn items(&mut self, section: Option<SectionId>, entry: usize, cluster: Option<usize>) {
        for item in self.children(section) {
            match item {
                Item::Section(s) => self.section(s, entry, cluster),
                Item::Rec(r) => self.rec(r, entry, cluster),
                Item::Classification(d) => self.classification(d, cluster),
            }
        }
    }

    /// Opens the cluster of section `s` inside `cluster`, with its
    /// condition as a decision hanging from `entry`; returns the cluster
    /// and the node its contents hang from.
    fn enter(&mut self, s: SectionId, entry: usize, cluster: Option<usize>) -> (usize, usize) {
        let Some(info) = self.checked.model.sections.get(s.0 as usize) else {
            return (cluster.unwrap_or(0), entry);
        };
        let c = self
            .g
            .cluster(format!("cl_{}", info.id), info.title.clone(), cluster);
        let entry = match &info.condition {
            Some(cond) => {
                let lines = wrap(&format!("{}?", condition(self.checked, cond)), LINE_CHARS);
                let d = self.g.node(
                    format!("sec_{}", info.id),
                    NodeKind::Decision,
                    lines,
                    Some(c),
                );
                self.g.mark(d, Of::Section(s.0 as usize));
                self.g.edge(entry, d, Vec::new());
                d
            }
            None => entry,
        };
        (c, entry)
    }

    /// Draws section `s` and everything inside it.
    fn section(&mut self, s: SectionId, entry: usize, cluster: Option<usize>) {
        let (c, entry) = self.enter(s, entry, cluster);
        self.items(Some(s), entry, Some(c));
    }

    /// Draws recommendation `r`, reached from `entry` on its own condition.
    fn rec(&mut self, r: usize, entry: usize, cluster: Option<usize>) {
        let Some(rec) = self.checked.model.recs.get(r) else {
            return;
        };
        let n = self.g.node(
            format!("rec_{}", rec.id),
            NodeKind::Rec(rec.kind),
            rec_lines(rec),
            cluster,
        );
        self.g.mark(n, Of::Rec(r));
        let label = match &rec.condition {
            Some(cond) => wrap(&condition(self.checked, cond), LINE_CHARS),
            None => Vec::new(),
        };
        self.g.edge(entry, n, label);
    }

    /// Draws the `first` classification of definition `d` as a chain of
    /// decisions, each leading to the value its branch gives.
    fn classification(&mut self, d: DefId, cluster: Option<usize>) {
        let model = &self.checked.model;
        let Some(def) = model.defs.get(d.0 as usize) else {
            return;
        };
        let Some((branches, otherwise)) = first_of(def.body_expr()) else {
            return;
        };
        let mut lines = vec![format!("{} =", def.name)];
        lines.extend(wrap(
            &shorten(&def.description, STATEMENT_CHARS),
            LINE_CHARS,
        ));
        let key = format!("def_{}", def.name);
        let mut prev = self.g.node(key, NodeKind::Classification, lines, cluster);
        self.g.mark(prev, Of::Def(d.0 as usize));
        let mut on = Vec::new();
        for (i, (cond, value)) in branches.iter().enumerate() {
            let lines = wrap(&format!("{}?", condition(self.checked, cond)), LINE_CHARS);
            let dec = self.g.node(
                format!("when{}_{}", i + 1, def.name),
                NodeKind::Decision,
                lines,
                cluster,
            );
            self.g.edge(prev, dec, on.clone());
            let words = wrap(&text::condition(self.checked, value), LINE_CHARS);
            let v = self.g.node(
                format!("then{}_{}", i + 1, def.name),
                NodeKind::Value,
                words,
                cluster,
            );
            self.g.mark(v, Of::Branch(d.0 as usize, Some(i)));
            self.g.edge(dec, v, vec!["yes".into()]);
            prev = dec;
            on = vec!["no".into()];
        }
        let last = match otherwise {
            Some(value) => {
                let mut words = vec!["otherwise".to_string()];
                words.extend(wrap(&condition(self.checked, value), LINE_CHARS));
                words
            }
            // Without a fallback, no matching branch leaves it unknown.
            None => vec!["otherwise unknown".to_string()],
        };
        let v = self.g.node(
            format!("otherwise_{}", def.name),
            NodeKind::Value,
            last,
            cluster,
        );
        self.g.mark(v, Of::Branch(d.0 as usize, None));
        self.g.edge(prev, v, on);
    }

    /// The overview: each top-level section folded into one box, reached
    /// on its condition; recommendations outside every section as boxes.
    fn overview(&mut self, start: usize) {
        let model = &self.checked.model;
        for item in self.children(None) {
            match item {
                Item::Section(s) => {
                    let Some(info) = model.sections.get(s.0 as usize) else {
                        continue;
                    };
                    let count = model
                        .recs
                        .iter()
                        .filter(|r| model.section_chain(r.section).contains(&s))
                        .count();
                    let mut lines = wrap(&info.title, LINE_CHARS);
                    lines.push(match count {
                        0 => "no recommendation".to_string(),
                        1 => "1 recommendation".to_string(),
                        n => format!("{n} recommendations"),
                    });
                    // A section of classifications only says what it classifies.
                    let inside = |home: Option<SectionId>| model.section_chain(home).contains(&s);
                    let classified: Vec<&str> = self
                        .homes
                        .iter()
                        .filter(|(_, home)| inside(*home))
                        .filter_map(|(d, _)| model.defs.get(d.0 as usize))
                        .map(|d| d.name.as_str())
                        .collect();
                    if !classified.is_empty() {
                        lines.extend(wrap(
                            &format!("classifies {}", classified.join(", ")),
                            LINE_CHARS,
                        ));
                    }
                    let n = self
                        .g
                        .node(format!("sum_{}", info.id), NodeKind::Section, lines, None);
                    self.g.mark(n, Of::Section(s.0 as usize));
                    let label = match &info.condition {
                        Some(cond) => wrap(&condition(self.checked, cond), LINE_CHARS),
                        None => Vec::new(),
                    };
                    self.g.edge(start, n, label);
                }
                Item::Rec(r) => self.rec(r, start, None),
                Item::Classification(d) => self.classification(d, None),
            }
        }
    }
}

/// The lines of a recommendation's box: its kind and strength (every one
/// it can take, when they depend on the case), its id, and the start of
/// its statement.
fn rec_lines(rec: &RecInfo) -> Vec<String> {
    let strength = match (&rec.strength, &rec.varies.strength) {
        (Some(s), _) => Some(s.to_string()),
        (None, Some(choice)) => Some(
            choice
                .values()
                .map(|v| v.as_ref().map_or("none".to_string(), ToString::to_string))
                .collect::<Vec<_>>()
                .join(" or "),
        ),
        (None, None) => None,
    };
    let mut kinds: Vec<&str> = vec![rec.kind.keyword()];
    if let Some(choice) = &rec.varies.kind {
        for k in choice.values() {
            if !kinds.contains(&k.keyword()) {
                kinds.push(k.keyword());
            }
        }
    }
    let kind = kinds.join(" or ");
    let head = match strength {
        Some(s) => format!("{kind} · {s}"),
        None => kind,
    };
    let mut lines = vec![head, rec.id.clone()];
    lines.extend(wrap(
        &shorten(&text::collapse(&rec.statement), STATEMENT_CHARS),
        LINE_CHARS,
    ));
    lines
}

/// The branches and fallback of a `first` expression.
type FirstParts<'e> = (&'e [(TExpr, TExpr)], Option<&'e TExpr>);

/// The parts of `expr` when it is a `first` classification.
fn first_of(expr: Option<&TExpr>) -> Option<FirstParts<'_>> {
    match &expr?.kind {
        TExprKind::First {
            branches,
            otherwise,
        } => Some((branches.as_slice(), otherwise.as_deref())),
        _ => None,
    }
}

/// Where each definition whose body is a `first` is declared: the
/// innermost section whose text contains its declaration. The model keeps
/// no section for a definition, so a section's text is taken to run from
/// its heading to the next heading outside it (or the end of the file).
fn classification_homes(checked: &Checked) -> Vec<(DefId, Option<SectionId>)> {
    let model = &checked.model;
    let sections = &model.sections;
    let ends: Vec<Option<u32>> = (0..sections.len())
        .map(|i| {
            let s = SectionId(i as u32);
            let file = sections.get(i).map(|x| x.span.file);
            sections
                .iter()
                .enumerate()
                .skip(i + 1)
                .find(|(j, x)| {
                    Some(x.span.file) == file
                        && !model.section_chain(Some(SectionId(*j as u32))).contains(&s)
                })
                .map(|(_, x)| x.span.start)
        })
        .collect();
    let mut homes = Vec::new();
    for (d, def) in model.defs.iter().enumerate() {
        if first_of(def.body_expr()).is_none() {
            continue;
        }
        let at = def.decl_span;
        let home = sections
            .iter()
            .zip(&ends)
            .enumerate()
            .filter(|(_, (s, end))| {
                s.span.file == at.file
                    && s.span.start <= at.start
                    && end.is_none_or(|e| at.start < e)
            })
            .map(|(i, _)| SectionId(i as u32))
            .next_back();
        homes.push((DefId(d as u32), home));
    }
    homes
}

/// A definition's body as an expression.
trait BodyExpr {
    /// The expression, unless the body is a table lookup.
    fn body_expr(&self) -> Option<&TExpr>;
}

impl BodyExpr for crate::check::model::DefInfo {
    fn body_expr(&self) -> Option<&TExpr> {
        match &self.body {
            DefBody::Expr(e) => Some(e),
            DefBody::Table(_) => None,
        }
    }
}
