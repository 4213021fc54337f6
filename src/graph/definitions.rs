//! Graph stage: the facts → definitions → conditions layer
//! (`--definitions`): above the pathway, every fact and definition the
//! picture's conditions read, directly or through other definitions, with
//! dotted arrows from what is read to what reads it.

use super::model::{Edge, Graph, NodeKind, Of};
use super::text::{shorten, wrap, LINE_CHARS, STATEMENT_CHARS};
use crate::check::model::{DefBody, DefId, FactId, TExpr, TExprKind};
use crate::check::Checked;

/// What a condition or definition reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Read {
    Fact(FactId),
    Def(DefId),
}

/// Adds the layer to `graph`.
pub(crate) fn add(graph: &mut Graph, checked: &Checked) {
    let model = &checked.model;
    // The conditions drawn, with the node that stands for each.
    let mut targets: Vec<(usize, &TExpr)> = Vec::new();
    for (i, node) in graph.nodes.iter().enumerate() {
        let cond = match node.of {
            Of::Rec(r) => model.recs.get(r).and_then(|r| r.condition.as_ref()),
            Of::Section(s) => model.sections.get(s).and_then(|s| s.condition.as_ref()),
            _ => None,
        };
        if let Some(c) = cond {
            targets.push((i, c));
        }
    }
    let mut layer = Layer {
        checked,
        graph,
        defs: Vec::new(),
    };
    for (node, cond) in targets {
        for read in reads(cond) {
            if let Some(from) = layer.node_of(read) {
                layer.link(from, node);
            }
        }
    }
}

struct Layer<'a> {
    checked: &'a Checked,
    graph: &'a mut Graph,
    /// The node drawn for each definition, once drawn.
    defs: Vec<(DefId, usize)>,
}

impl Layer<'_> {
    /// The node of `read`, drawn (with what it reads) on first use.
    fn node_of(&mut self, read: Read) -> Option<usize> {
        let model = &self.checked.model;
        match read {
            Read::Fact(f) => {
                // A list's values are read as bool slots: draw the list.
                let name = match model.slot_of(f) {
                    Some((list, _)) => list.name.clone(),
                    None => model.facts.get(f.0 as usize)?.name.clone(),
                };
                let key = format!("fact_{name}");
                if let Some(n) = self.graph.nodes.iter().position(|n| n.key == key) {
                    return Some(n);
                }
                let n = self.graph.node(key, NodeKind::Fact, vec![name], None);
                self.graph.mark(n, Of::Fact);
                Some(n)
            }
            Read::Def(d) => {
                if let Some(&(_, n)) = self.defs.iter().find(|(x, _)| *x == d) {
                    return Some(n);
                }
                let def = model.defs.get(d.0 as usize)?;
                let key = format!("def_{}", def.name);
                // A classification drawn as a chain stands for itself.
                let existing = self.graph.nodes.iter().position(|n| n.key == key);
                let n = match existing {
                    Some(n) => n,
                    None => {
                        let mut lines = vec![def.name.clone()];
                        lines.extend(wrap(
                            &shorten(&def.description, STATEMENT_CHARS),
                            LINE_CHARS,
                        ));
                        let n = self.graph.node(key, NodeKind::Definition, lines, None);
                        self.graph.mark(n, Of::Def(d.0 as usize));
                        n
                    }
                };
                self.defs.push((d, n));
                let body: Vec<&TExpr> = match &def.body {
                    DefBody::Expr(e) => vec![e],
                    DefBody::Table(t) => model
                        .tables
                        .get(t.0 as usize)
                        .map(|t| t.keys.iter().collect())
                        .unwrap_or_default(),
                };
                for e in body {
                    for read in reads(e) {
                        if let Some(from) = self.node_of(read) {
                            self.link(from, n);
                        }
                    }
                }
                Some(n)
            }
        }
    }

    /// A dotted arrow from what is read to what reads it, once.
    fn link(&mut self, from: usize, to: usize) {
        if from == to
            || self
                .graph
                .edges
                .iter()
                .any(|e| e.from == from && e.to == to)
        {
            return;
        }
        self.graph.edges.push(Edge {
            from,
            to,
            label: Vec::new(),
            status: None,
            secondary: true,
        });
    }
}

/// The facts and definitions `expr` reads, in source order, once each.
fn reads(expr: &TExpr) -> Vec<Read> {
    let mut out = Vec::new();
    for e in expr.pre_order() {
        let read = match &e.kind {
            TExprKind::Fact(f) => Read::Fact(*f),
            TExprKind::Def(d) | TExprKind::Column { def: d, .. } => Read::Def(*d),
            _ => continue,
        };
        if !out.contains(&read) {
            out.push(read);
        }
    }
    out
}
