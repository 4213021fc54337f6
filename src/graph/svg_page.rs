//! Graph stage, SVG: the page around the drawn parts: a box behind each
//! section's nodes (which `layout-rs` does not know about), the title, the
//! arrow heads, the legend, and a `viewBox` and size that hold it all.

use super::model::Graph;
use super::style;
use super::svg_draw::{escape, marker, n, Rect, SMALL, SMALL_CHAR};
use crate::eval::outcome::Status;
use std::fmt::Write as _;

/// The fonts asked for: common system fonts only, no web font.
const FONTS: &str = "Helvetica, Arial, 'DejaVu Sans', 'Liberation Sans', sans-serif";
/// Space around the picture.
const MARGIN: f64 = 16.0;
/// Height of the title band.
const TITLE: f64 = 30.0;

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
        // Nested boxes step in by a few pixels each, within the room
        // `layout-rs` keeps between nodes (30 px on each side), so that
        // sibling sections do not overlap; each level has its title band.
        out.push((c, r.grow(6.0 * k, 6.0 + 16.0 * k, 6.0 * k)));
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
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{}\" height=\"{}\" viewBox=\"{} {} {} {}\" style=\"max-width: 100%; height: auto\" font-family=\"{FONTS}\" role=\"img\" aria-labelledby=\"title\">",
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
