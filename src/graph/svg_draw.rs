//! Graph stage, SVG: drawing the parts `layout-rs` places (nodes, edge
//! labels, arrows) as escaped SVG text, with numbers rounded to one
//! decimal so that the output is stable.

use super::model::{Edge, Node};
use super::style::{self, Shape};
use crate::eval::outcome::Status;
use std::fmt::Write as _;

/// Font size of node text, in px.
const FONT: f64 = 12.0;
/// Font size of edge labels and section titles' companions, in px.
pub(crate) const SMALL: f64 = 10.0;
/// Line height of node text.
const LINE: f64 = 15.0;
/// Line height of edge labels.
const SMALL_LINE: f64 = 12.0;
/// Width allowed per character of node text (a sans-serif averages about
/// 0.55 em; this leaves room for wide letters).
const CHAR: f64 = 7.0;
/// Width allowed per character of an edge label.
pub(crate) const SMALL_CHAR: f64 = 5.9;

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

    /// The box grown by `side` sideways, `top` and `bottom`.
    pub fn grow(self, side: f64, top: f64, bottom: f64) -> Rect {
        Rect::new(
            self.x - side,
            self.y - top,
            self.w + 2.0 * side,
            self.h + top + bottom,
        )
    }
}

/// A number as written in the SVG: one decimal, no `-0.0`.
pub(crate) fn n(v: f64) -> String {
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
pub(crate) fn marker(status: Option<Status>) -> &'static str {
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
