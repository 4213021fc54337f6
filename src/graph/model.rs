//! Graph stage: the flowchart as plain data, built once per picture
//! (`build`) and written out by each format (`dot`, `mermaid`, `svg`).
//!
//! Nodes and clusters are kept in the order they are added, which is the
//! guideline's document order, so every output is deterministic.

use crate::eval::outcome::Status;
use crate::syntax::ast::RecKind;

/// What a node stands for; it decides its shape and colours.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum NodeKind {
    /// Where the picture starts: the guideline (or the enclosing sections).
    Start,
    /// A section's condition, or one branch condition of a `first`.
    Decision,
    /// A whole top-level section, folded (in the overview).
    Section,
    /// A recommendation of this kind.
    Rec(RecKind),
    /// A `first` classification (the definition it computes).
    Classification,
    /// The value one branch of a `first` gives.
    Value,
    /// A fact (with `--definitions`).
    Fact,
    /// A definition (with `--definitions`).
    Definition,
}

/// What in the guideline a node stands for (indices into the model).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) enum Of {
    /// Nothing of the model (the start).
    #[default]
    Nothing,
    /// A recommendation.
    Rec(usize),
    /// A section (its decision, or its folded box).
    Section(usize),
    /// A definition (a classification's head, or a box of the layer).
    Def(usize),
    /// The value of one branch of a definition's `first` (`None` for its
    /// `otherwise`).
    Branch(usize, Option<usize>),
    /// A fact.
    Fact,
}

/// One box, decision or ellipse.
#[derive(Debug, Clone)]
pub(crate) struct Node {
    /// A stable identifier, unique in the picture, made of `[A-Za-z0-9_]`
    /// (`rec_surveillance`, `sec_r2_resection`, `when1_resectability`):
    /// safe in every format. Each kind has its own prefix before the
    /// guideline's name, so no two can be the same.
    pub key: String,
    /// What it stands for.
    pub kind: NodeKind,
    /// The text, one entry per line.
    pub lines: Vec<String>,
    /// The cluster (section) it is drawn in.
    pub cluster: Option<usize>,
    /// Its status for the case, when a case is drawn.
    pub status: Option<Status>,
    /// What it stands for.
    pub of: Of,
}

/// An arrow between two nodes (indices into [`Graph::nodes`]).
#[derive(Debug, Clone)]
pub(crate) struct Edge {
    /// The node it leaves.
    pub from: usize,
    /// The node it enters.
    pub to: usize,
    /// The condition it is taken on, as lines.
    pub label: Vec<String>,
    /// The status of where it leads, when a case is drawn.
    pub status: Option<Status>,
    /// True for an arrow that is no step of the pathway: `otherwise` in a
    /// classification, or a fact read by a definition.
    pub secondary: bool,
}

/// A section drawn as a box around its nodes.
#[derive(Debug, Clone)]
pub(crate) struct Cluster {
    /// A stable identifier like a node's.
    pub key: String,
    /// The section's heading.
    pub title: String,
    /// The enclosing cluster.
    pub parent: Option<usize>,
}

/// One picture's flowchart.
#[derive(Debug, Clone, Default)]
pub(crate) struct Graph {
    /// The heading of the picture.
    pub title: String,
    /// The nodes, in document order.
    pub nodes: Vec<Node>,
    /// The arrows, in document order.
    pub edges: Vec<Edge>,
    /// The clusters, parents before children.
    pub clusters: Vec<Cluster>,
    /// True when a case is drawn: the statuses are shown with a legend.
    pub with_case: bool,
}

impl Graph {
    /// Adds a node and returns its index.
    pub fn node(
        &mut self,
        key: String,
        kind: NodeKind,
        lines: Vec<String>,
        cluster: Option<usize>,
    ) -> usize {
        self.nodes.push(Node {
            key,
            kind,
            lines,
            cluster,
            status: None,
            of: Of::Nothing,
        });
        self.nodes.len() - 1
    }

    /// Records what node `n` stands for.
    pub fn mark(&mut self, n: usize, of: Of) {
        if let Some(node) = self.nodes.get_mut(n) {
            node.of = of;
        }
    }

    /// Adds an arrow labelled with `label`'s lines.
    pub fn edge(&mut self, from: usize, to: usize, label: Vec<String>) {
        self.edges.push(Edge {
            from,
            to,
            label,
            status: None,
            secondary: false,
        });
    }

    /// Adds a cluster and returns its index.
    pub fn cluster(&mut self, key: String, title: String, parent: Option<usize>) -> usize {
        self.clusters.push(Cluster { key, title, parent });
        self.clusters.len() - 1
    }

    /// The clusters directly inside `parent` (top-level ones for `None`).
    pub fn child_clusters(&self, parent: Option<usize>) -> impl Iterator<Item = usize> + '_ {
        (0..self.clusters.len())
            .filter(move |&c| self.clusters.get(c).map(|x| x.parent) == Some(parent))
    }

    /// The nodes directly inside `cluster` (outside every cluster for `None`).
    pub fn nodes_in(&self, cluster: Option<usize>) -> impl Iterator<Item = usize> + '_ {
        (0..self.nodes.len())
            .filter(move |&n| self.nodes.get(n).map(|x| x.cluster) == Some(cluster))
    }

    /// True when `cluster` is `inner` or encloses it.
    pub fn encloses(&self, cluster: usize, inner: Option<usize>) -> bool {
        let mut cur = inner;
        while let Some(c) = cur {
            if c == cluster {
                return true;
            }
            cur = self.clusters.get(c).and_then(|x| x.parent);
        }
        false
    }
}
