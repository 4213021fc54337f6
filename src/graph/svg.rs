//! Graph stage: the flowchart as a self-contained SVG, laid out in pure
//! Rust by `layout-rs` (a layered, Sugiyama-style layout; see the README
//! for why it was chosen over a system Graphviz).
//!
//! `layout-rs` places the nodes, the edge labels and the arrows; it draws
//! through the [`RenderBackend`] trait, and this module is that backend:
//! it finds each node by the index given to `layout-rs` in its properties
//! and draws it in the palette of `style` (shapes `layout-rs` does not
//! have, escaped text, status classes), then adds what `layout-rs` cannot
//! do: a box behind each section's nodes, the title and the legend. The
//! output has no external fonts or images, a `viewBox` and a size, and the
//! same bytes for the same input.

use super::model::Graph;
use super::svg_draw::{self as draw, Rect};
use super::svg_page;
use super::Direction;
use layout::adt::dag::NodeHandle;
use layout::core::base::Orientation;
use layout::core::format::{ClipHandle, RenderBackend};
use layout::core::geometry::{Point, Position};
use layout::core::style::StyleAttr;
use layout::std_shapes::shapes::{Arrow, Element, LineEndKind, ShapeKind};
use layout::topo::layout::VisualGraph;

/// The room kept around an edge label (a node's is 60 px).
const LABEL_HALO: f64 = 16.0;

/// The SVG text of `graph`.
pub(crate) fn write(graph: &Graph, direction: Direction) -> String {
    let orientation = match direction {
        Direction::TopBottom => Orientation::TopToBottom,
        Direction::LeftRight => Orientation::LeftToRight,
    };
    let mut vg = VisualGraph::new(orientation);
    // `layout-rs` fills each row in the order the nodes were added. The
    // nodes are in document order and an edge's label (a node of its own,
    // see below) is added just before the node it leads to, so that a
    // tree of sections keeps its order, and its clusters stay together,
    // without reordering.
    let mut nodes: Vec<Option<NodeHandle>> = vec![None; graph.nodes.len()];
    let mut labels: Vec<Option<NodeHandle>> = vec![None; graph.edges.len()];
    for (i, node) in graph.nodes.iter().enumerate() {
        for (e, edge) in graph.edges.iter().enumerate() {
            if edge.to != i || edge.label.is_empty() || edge.from == edge.to {
                continue;
            }
            // `layout-rs` can label an edge itself, but then moves the
            // label off its row to avoid crossings, onto the boxes below.
            let (w, h) = draw::label_size(edge);
            let mut element = Element::create_with_properties(
                ShapeKind::new_box(""),
                StyleAttr::simple(),
                orientation,
                Point::new(w, h),
                format!("l{e}"),
            );
            element.pos = Position::new(
                Point::zero(),
                Point::new(w, h),
                Point::zero(),
                Point::splat(LABEL_HALO),
            );
            if let Some(slot) = labels.get_mut(e) {
                *slot = Some(vg.add_node(element));
            }
        }
        let (w, h) = draw::node_size(node);
        let element = Element::create_with_properties(
            ShapeKind::new_box(""),
            StyleAttr::simple(),
            orientation,
            Point::new(w, h),
            format!("n{i}"),
        );
        if let Some(slot) = nodes.get_mut(i) {
            *slot = Some(vg.add_node(element));
        }
    }
    for (i, edge) in graph.edges.iter().enumerate() {
        let (Some(Some(from)), Some(Some(to))) = (nodes.get(edge.from), nodes.get(edge.to)) else {
            continue;
        };
        // A self-loop is never built; `layout-rs` would draw it oddly.
        if edge.from == edge.to {
            continue;
        }
        match labels.get(i).copied().flatten() {
            None => vg.add_edge(
                Arrow::simple_with_properties("", format!("e{i}")),
                *from,
                *to,
            ),
            Some(label) => {
                let mut lead = Arrow::simple_with_properties("", format!("e{i}"));
                lead.end = LineEndKind::None;
                vg.add_edge(lead, *from, label);
                vg.add_edge(
                    Arrow::simple_with_properties("", format!("e{i}")),
                    label,
                    *to,
                );
            }
        }
    }
    // A tree (every node reached by one arrow) is laid out in its own
    // order; the facts and definitions layer makes a graph whose rows
    // `layout-rs` reorders to cut crossings.
    let tree =
        (0..graph.nodes.len()).all(|n| graph.edges.iter().filter(|e| e.to == n).count() <= 1);
    let mut canvas = Canvas {
        graph,
        tree,
        rects: vec![None; graph.nodes.len()],
        label_rects: Vec::new(),
        nodes: String::new(),
        edges: String::new(),
        labels: String::new(),
        bounds: Rect::empty(),
    };
    // A tree (every node reached by one arrow) is laid out in its own
    // order; the facts and definitions layer makes a graph whose rows
    // `layout-rs` reorders to cut crossings.
    let tree =
        (0..graph.nodes.len()).all(|n| graph.edges.iter().filter(|e| e.to == n).count() <= 1);
    if !graph.nodes.is_empty() {
        vg.do_it(false, tree, false, &mut canvas);
    }
    canvas.finish()
}

/// The backend `layout-rs` draws into.
struct Canvas<'g> {
    graph: &'g Graph,
    /// True when the rows kept the document's order, so that each
    /// section's nodes lie together and can have a box drawn around them.
    tree: bool,
    /// Each node's box, once drawn.
    rects: Vec<Option<Rect>>,
    /// Each drawn edge label's edge and box.
    label_rects: Vec<(usize, Rect)>,
    nodes: String,
    edges: String,
    labels: String,
    /// Everything drawn so far.
    bounds: Rect,
}

impl Canvas<'_> {
    /// The whole document: sections behind, then arrows, nodes and labels,
    /// with the title above and the legend below.
    fn finish(self) -> String {
        // Reordered rows mix the sections' nodes: boxes around them would
        // claim nodes of other sections (DOT output keeps real clusters).
        let clusters = if self.tree {
            svg_page::clusters(self.graph, &self.rects, &self.label_rects)
        } else {
            Vec::new()
        };
        let mut bounds = self.bounds;
        for (_, r) in &clusters {
            bounds = bounds.union(*r);
        }
        if bounds.is_empty() {
            bounds = Rect::new(0.0, 0.0, 200.0, 40.0);
        }
        svg_page::document(
            self.graph,
            bounds,
            &clusters,
            &self.edges,
            &self.nodes,
            &self.labels,
        )
    }
}

/// The index in a `n12` / `e3` property.
fn index(properties: &Option<String>, prefix: char) -> Option<usize> {
    properties.as_deref()?.strip_prefix(prefix)?.parse().ok()
}

impl RenderBackend for Canvas<'_> {
    fn draw_rect(
        &mut self,
        xy: Point,
        size: Point,
        _look: &StyleAttr,
        properties: Option<String>,
        _clip: Option<ClipHandle>,
    ) {
        let rect = Rect::new(xy.x, xy.y, size.x, size.y);
        if let Some(e) = index(&properties, 'l') {
            let Some(edge) = self.graph.edges.get(e) else {
                return;
            };
            draw::label(&mut self.labels, edge, rect);
            self.bounds = self.bounds.union(rect);
            self.label_rects.push((e, rect));
            return;
        }
        let Some(i) = index(&properties, 'n') else {
            return;
        };
        let Some(node) = self.graph.nodes.get(i) else {
            return;
        };
        if let Some(slot) = self.rects.get_mut(i) {
            *slot = Some(rect);
        }
        self.bounds = self.bounds.union(rect);
        draw::node(&mut self.nodes, node, rect);
    }

    fn draw_line(&mut self, _: Point, _: Point, _: &StyleAttr, _: Option<String>) {}

    fn draw_circle(&mut self, _: Point, _: Point, _: &StyleAttr, _: Option<String>) {}

    // Every text is drawn with its node or label.
    fn draw_text(&mut self, _: Point, _: &str, _: &StyleAttr) {}

    fn draw_arrow(
        &mut self,
        path: &[(Point, Point)],
        _dashed: bool,
        head: (bool, bool),
        _look: &StyleAttr,
        properties: Option<String>,
        _text: &str,
    ) {
        let Some(edge) = index(&properties, 'e').and_then(|i| self.graph.edges.get(i)) else {
            return;
        };
        let points: Vec<(f64, f64, f64, f64)> =
            path.iter().map(|(a, b)| (a.x, a.y, b.x, b.y)).collect();
        for &(x0, y0, x1, y1) in &points {
            self.bounds = self.bounds.union(Rect::new(x0, y0, 0.0, 0.0));
            self.bounds = self.bounds.union(Rect::new(x1, y1, 0.0, 0.0));
        }
        draw::arrow(&mut self.edges, edge, &points, head);
    }

    fn create_clip(&mut self, _: Point, _: Point, _: usize) -> ClipHandle {
        0
    }
}
