//! Graph stage, SVG: drawing the parts of the picture (nodes, arrows,
//! labels, section boxes, title, legend) as escaped SVG text, with numbers
//! rounded to one decimal so that the output is stable.

use super::model::{Edge, Graph, Node};
use super::style::{self, Shape};
use crate::eval::outcome::Status;
use std::fmt::Write as _;

/// Font size of node text, in px.
const FONT: f64 = 12.0;
/// Font size of edge labels and section titles' companions, in px.
const SMALL: f64 = 10.0;
/// Line height of node text.
const LINE: f64 = 15.0;
/// Line height of edge labels.
const SMALL_LINE: f64 = 12.0;
/// Width allowed per character of node text (a sans-serif averages about
/// 0.55 em; this leaves room for wide letters).
const CHAR: f64 = 7.0;
/// Width allowed per character of an edge label.
const SMALL_CHAR: f64 = 5.9;
/// The fonts asked for: common system fonts only, no web font.
const FONTS: &str = "Helvetica, Arial, 'DejaVu Sans', 'Liberation Sans', sans-serif";
/// Space around the picture.
const MARGIN: f64 = 16.0;
/// Height of the title band.
const TITLE: f64 = 30.0;

/// An axis-aligned box.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Rect {
    pub x: f64,
    pub y: f64,
    pub w: f64,
    pub h: f64,
}

impl Rect {
    /// A box from its top-left corner and size.
    pub fn new(x: f64, y: f64, w: f64, h: f64) -> Rect {
        Rect { x, y, w, h }
    }

    /// The box that contains nothing.
    pub fn empty() -> Rect {
        Rect::new(
            f64::INFINITY,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::NEG_INFINITY,
        )
    }

    /// True for [`Rect::empty`] (or anything not finite).
    pub fn is_empty(&self) -> bool {
        !(self.x.is_finite() && self.y.is_finite() && self.w.is_finite() && self.h.is_finite())
    }

    /// The smallest box containing both.
    pub fn union(self, other: Rect) -> Rect {
        if self.is_empty() {
            return other;
        }
        if other.is_empty() {
            return self;
        }
        let x = self.x.min(other.x);
        let y = self.y.min(other.y);
        let right = (self.x + self.w).max(other.x + other.w);
        let bottom = (self.y + self.h).max(other.y + other.h);
        Rect::new(x, y, right - x, bottom - y)
    }

    /// The box grown by `left`/`right` sideways, `top` and `bottom`.
    fn grow(self, side: f64, top: f64, bottom: f64) -> Rect {
        Rect::new(
            self.x - side,
            self.y - top,
            self.w + 2.0 * side,
            self.h + top + bottom,
        )
    }
}

/// A number as written in the SVG: one decimal, no `-0.0`.
fn n(v: f64) -> String {
    let r = (v * 10.0).round() / 10.0;
    if r == 0.0 {
        "0".to_string()
    } else if r.fract() == 0.0 {
        format!("{r:.0}")
    } else {
        format!("{r:.1}")
    }
}

/// `text` escaped for XML text and attribute values.
pub(crate) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // Control characters are not allowed in XML 1.0.
            c if (c as u32) < 0x20 && c != '\t' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// The size a node needs for its text.
pub(crate) fn node_size(node: &Node) -> (f64, f64) {
    let chars = node
        .lines
        .iter()
        .map(|l| l.chars().count())
        .max()
        .unwrap_or(1)
        .max(4);
    let mut w = chars as f64 * CHAR + 20.0;
    let mut h = node.lines.len().max(1) as f64 * LINE + 12.0;
    match style::look(node.kind, None).shape {
        Shape::Hexagon => w += 24.0,
        Shape::Ellipse => {
            w *= 1.2;
            h += 8.0;
        }
        Shape::Double | Shape::Note => w += 8.0,
        Shape::Rounded | Shape::Box => {}
    }
    (w, h)
}

/// The class of a status, for styling and for tests.
fn status_class(status: Option<Status>) -> &'static str {
    status.map_or("none", Status::as_str)
}

/// Draws `node` in `rect`.
pub(crate) fn node(out: &mut String, node: &Node, rect: Rect) {
    let look = style::look(node.kind, node.status);
    let Rect { x, y, w, h } = rect;
    let _ = write!(
        out,
        "<g id=\"{}\" class=\"node\" data-status=\"{}\"><title>{}</title>",
        escape(&node.key),
        status_class(node.status),
        escape(&node.lines.join(" "))
    );
    let paint = format!(
        "fill=\"{}\" stroke=\"{}\" stroke-width=\"{}\"",
        look.fill,
        look.stroke,
        if node.status == Some(Status::Applies) {
            "2.5"
        } else {
            "1.4"
        }
    );
    match look.shape {
        Shape::Rounded | Shape::Box | Shape::Double => {
            let rx = if look.shape == Shape::Rounded {
                9.0
            } else {
                2.0
            };
            let _ = write!(
                out,
                "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" rx=\"{}\" {paint}/>",
                n(x),
                n(y),
                n(w),
                n(h),
                n(rx)
            );
            if look.shape == Shape::Double {
                let _ = write!(
                    out,
                    "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" rx=\"1\" fill=\"none\" stroke=\"{}\"/>",
                    n(x + 3.0),
                    n(y + 3.0),
                    n(w - 6.0),
                    n(h - 6.0),
                    look.stroke
                );
            }
        }
        Shape::Hexagon => {
            let e = (w / 4.0).min(14.0);
            let pts = [
                (x + e, y),
                (x + w - e, y),
                (x + w, y + h / 2.0),
                (x + w - e, y + h),
                (x + e, y + h),
                (x, y + h / 2.0),
            ];
            let pts: Vec<String> = pts
                .iter()
                .map(|(a, b)| format!("{},{}", n(*a), n(*b)))
                .collect();
            let _ = write!(out, "<polygon points=\"{}\" {paint}/>", pts.join(" "));
        }
        Shape::Ellipse => {
            let _ = write!(
                out,
                "<ellipse cx=\"{}\" cy=\"{}\" rx=\"{}\" ry=\"{}\" {paint}/>",
                n(x + w / 2.0),
                n(y + h / 2.0),
                n(w / 2.0),
                n(h / 2.0)
            );
        }
        Shape::Note => {
            let f = 10.0;
            let _ = write!(
                out,
                "<path d=\"M {} {} H {} L {} {} V {} H {} Z\" {paint}/>",
                n(x),
                n(y),
                n(x + w - f),
                n(x + w),
                n(y + f),
                n(y + h),
                n(x)
            );
        }
    }
    lines(
        out,
        &node.lines,
        x + w / 2.0,
        y + h / 2.0,
        FONT,
        LINE,
        look.text,
        "",
    );
    out.push_str("</g>\n");
}

/// Writes centred lines of text around (`cx`, `cy`).
#[expect(clippy::too_many_arguments, reason = "one text call with its style")]
fn lines(
    out: &mut String,
    text: &[String],
    cx: f64,
    cy: f64,
    size: f64,
    line: f64,
    colour: &str,
    extra: &str,
) {
    let top = cy - (text.len().saturating_sub(1)) as f64 * line / 2.0;
    let _ = write!(
        out,
        "<text text-anchor=\"middle\" dominant-baseline=\"central\" font-size=\"{}\" fill=\"{colour}\"{extra}>",
        n(size)
    );
    for (i, l) in text.iter().enumerate() {
        let _ = write!(
            out,
            "<tspan x=\"{}\" y=\"{}\">{}</tspan>",
            n(cx),
            n(top + i as f64 * line),
            escape(l)
        );
    }
    out.push_str("</text>");
}

/// The size of `edge`'s label.
pub(crate) fn label_size(edge: &Edge) -> (f64, f64) {
    let chars = edge
        .label
        .iter()
        .map(|l| l.chars().count())
        .max()
        .unwrap_or(0);
    (
        chars as f64 * SMALL_CHAR + 6.0,
        edge.label.len() as f64 * SMALL_LINE + 4.0,
    )
}

/// Draws `edge`'s label in `rect`, over the arrow that runs through it.
pub(crate) fn label(out: &mut String, edge: &Edge, rect: Rect) {
    let colour = match edge.status {
        Some(_) => style::edge_colour(edge.status),
        None => "#333333",
    };
    out.push_str("<g class=\"label\">");
    lines(
        out,
        &edge.label,
        rect.x + rect.w / 2.0,
        rect.y + rect.h / 2.0,
        SMALL,
        SMALL_LINE,
        colour,
        " stroke=\"#ffffff\" stroke-width=\"4\" paint-order=\"stroke\"",
    );
    out.push_str("</g>\n");
}

/// The marker id of an arrow's head for the status it leads to.
fn marker(status: Option<Status>) -> &'static str {
    match status {
        Some(Status::Applies) => "head-applies",
        Some(Status::NotApplicable) => "head-not_applicable",
        Some(Status::Undetermined) => "head-undetermined",
        None => "head",
    }
}

/// Draws `edge` along `layout-rs`'s path: pairs of (point, control point),
/// the first leaving the start, the rest entering each following point.
pub(crate) fn arrow(
    out: &mut String,
    edge: &Edge,
    path: &[(f64, f64, f64, f64)],
    head: (bool, bool),
) {
    let (Some(first), Some(second)) = (path.first(), path.get(1)) else {
        return;
    };
    let mut d = format!(
        "M {} {} C {} {}, {} {}, {} {}",
        n(first.0),
        n(first.1),
        n(first.2),
        n(first.3),
        n(second.0),
        n(second.1),
        n(second.2),
        n(second.3)
    );
    for p in path.iter().skip(2) {
        let _ = write!(d, " S {} {}, {} {}", n(p.0), n(p.1), n(p.2), n(p.3));
    }
    let colour = style::edge_colour(edge.status);
    let (width, dash) = match edge.status {
        _ if edge.secondary => ("1", " stroke-dasharray=\"2 3\""),
        Some(Status::Applies) => ("2.6", ""),
        Some(Status::NotApplicable) => ("1.2", " stroke-dasharray=\"5 4\""),
        Some(Status::Undetermined) => ("1.8", ""),
        None => ("1.3", ""),
    };
    let m = marker(edge.status);
    let start = if head.0 {
        format!(" marker-start=\"url(#{m}-start)\"")
    } else {
        String::new()
    };
    let end = if head.1 {
        format!(" marker-end=\"url(#{m})\"")
    } else {
        String::new()
    };
    let _ = writeln!(
        out,
        "<path class=\"edge\" data-status=\"{}\" d=\"{d}\" fill=\"none\" stroke=\"{colour}\" stroke-width=\"{width}\"{dash}{start}{end}/>",
        status_class(edge.status)
    );
}

/// The box of every cluster, parents first: around its nodes and the
/// labels of the arrows inside it, with room for the nested boxes and
/// the title.
pub(crate) fn clusters(
    graph: &Graph,
    rects: &[Option<Rect>],
    labels: &[(usize, Rect)],
) -> Vec<(usize, Rect)> {
    // How many levels of boxes a cluster holds, itself included.
    let depth = |c: usize| -> usize {
        (0..graph.clusters.len())
            .filter(|&d| graph.encloses(c, Some(d)))
            .map(|d| {
                let mut k = 0;
                let mut cur = Some(d);
                while let Some(x) = cur {
                    k += 1;
                    if x == c {
                        break;
                    }
                    cur = graph.clusters.get(x).and_then(|i| i.parent);
                }
                k
            })
            .max()
            .unwrap_or(1)
    };
    let mut out = Vec::new();
    for c in 0..graph.clusters.len() {
        let mut r = Rect::empty();
        for (i, node) in graph.nodes.iter().enumerate() {
            if graph.encloses(c, node.cluster) {
                if let Some(Some(rect)) = rects.get(i) {
                    r = r.union(*rect);
                }
            }
        }
        for (e, rect) in labels {
            let inside = graph.edges.get(*e).is_some_and(|edge| {
                let of = |i: usize| graph.nodes.get(i).and_then(|x| x.cluster);
                graph.encloses(c, of(edge.from)) && graph.encloses(c, of(edge.to))
            });
            if inside {
                r = r.union(*rect);
            }
        }
        if r.is_empty() {
            continue;
        }
        let k = depth(c) as f64;
        out.push((c, r.grow(10.0 * k, 20.0 * k, 10.0 * k)));
    }
    out
}

/// The SVG document around the drawn parts.
pub(crate) fn document(
    graph: &Graph,
    bounds: Rect,
    clusters: &[(usize, Rect)],
    edges: &str,
    nodes: &str,
    labels: &str,
) -> String {
    let legend_h = if graph.with_case { 34.0 } else { 0.0 };
    let title_w = graph.title.chars().count() as f64 * 8.6;
    let legend_w = if graph.with_case { 560.0 } else { 0.0 };
    let x0 = bounds.x - MARGIN;
    let y0 = bounds.y - MARGIN - TITLE;
    let w = (bounds.w + 2.0 * MARGIN)
        .max(title_w + 2.0 * MARGIN)
        .max(legend_w)
        .ceil();
    let h = (bounds.h + 2.0 * MARGIN + TITLE + legend_h).ceil();
    let mut out = String::new();
    let _ = writeln!(
        out,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{}\" height=\"{}\" viewBox=\"{} {} {} {}\" font-family=\"{FONTS}\" role=\"img\" aria-labelledby=\"title\">",
        n(w),
        n(h),
        n(x0),
        n(y0),
        n(w),
        n(h)
    );
    let _ = writeln!(out, "<title id=\"title\">{}</title>", escape(&graph.title));
    out.push_str("<defs>\n");
    for s in [
        None,
        Some(Status::Applies),
        Some(Status::NotApplicable),
        Some(Status::Undetermined),
    ] {
        let c = style::edge_colour(s);
        let m = marker(s);
        let _ = writeln!(
            out,
            "<marker id=\"{m}\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" markerUnits=\"userSpaceOnUse\" markerWidth=\"9\" markerHeight=\"9\" orient=\"auto\"><path d=\"M 0 0 L 10 5 L 0 10 Z\" fill=\"{c}\"/></marker>"
        );
        let _ = writeln!(
            out,
            "<marker id=\"{m}-start\" viewBox=\"0 0 10 10\" refX=\"0\" refY=\"5\" markerUnits=\"userSpaceOnUse\" markerWidth=\"9\" markerHeight=\"9\" orient=\"auto\"><path d=\"M 10 0 L 0 5 L 10 10 Z\" fill=\"{c}\"/></marker>"
        );
    }
    out.push_str("</defs>\n");
    let _ = writeln!(
        out,
        "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"#ffffff\"/>",
        n(x0),
        n(y0),
        n(w),
        n(h)
    );
    let _ = writeln!(
        out,
        "<text x=\"{}\" y=\"{}\" font-size=\"16\" font-weight=\"bold\" fill=\"#111111\">{}</text>",
        n(x0 + MARGIN),
        n(y0 + MARGIN + 10.0),
        escape(&graph.title)
    );
    for (c, r) in clusters {
        let Some(info) = graph.clusters.get(*c) else {
            continue;
        };
        let _ = writeln!(
            out,
            "<g id=\"{}\" class=\"section\"><rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" rx=\"8\" fill=\"#5b7a99\" fill-opacity=\"0.07\" stroke=\"#9aa9b8\"/><text x=\"{}\" y=\"{}\" font-size=\"{}\" font-weight=\"bold\" fill=\"#44617b\">{}</text></g>",
            escape(&info.key),
            n(r.x),
            n(r.y),
            n(r.w),
            n(r.h),
            n(r.x + 8.0),
            n(r.y + 14.0),
            n(SMALL + 1.0),
            escape(&info.title)
        );
    }
    out.push_str(edges);
    out.push_str(nodes);
    out.push_str(labels);
    if graph.with_case {
        legend(&mut out, x0 + MARGIN, y0 + h - legend_h);
    }
    out.push_str("</svg>\n");
    out
}

/// The legend of the statuses, one swatch each, in a row at (`x`, `y`).
fn legend(out: &mut String, x: f64, y: f64) {
    out.push_str("<g class=\"legend\">");
    let _ = write!(
        out,
        "<text x=\"{}\" y=\"{}\" font-size=\"{}\" font-weight=\"bold\" fill=\"#111111\">Legend</text>",
        n(x),
        n(y + 13.0),
        n(SMALL + 1.0)
    );
    let mut at = x + 56.0;
    for s in style::STATUSES {
        let (fill, text) = style::status_colours(s);
        let words = style::status_words(s);
        let w = words.chars().count() as f64 * SMALL_CHAR + 18.0;
        let _ = write!(
            out,
            "<g data-status=\"{}\"><rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"18\" rx=\"6\" fill=\"{fill}\" stroke=\"{}\"/><text x=\"{}\" y=\"{}\" text-anchor=\"middle\" dominant-baseline=\"central\" font-size=\"{}\" fill=\"{text}\">{}</text></g>",
            s.as_str(),
            n(at),
            n(y + 2.0),
            n(w),
            style::edge_colour(Some(s)),
            n(at + w / 2.0),
            n(y + 11.0),
            n(SMALL),
            escape(words)
        );
        at += w + 10.0;
    }
    out.push_str("</g>\n");
}
