//! Graph stage: the flowchart as Graphviz DOT text (`dot -Tsvg` renders it;
//! sections are `cluster` subgraphs).

use super::model::{Graph, NodeKind};
use super::style::{self, Shape};
use super::Direction;
use std::fmt::Write as _;

/// The DOT text of `graph`.
pub(crate) fn write(graph: &Graph, direction: Direction) -> String {
    let mut out = String::new();
    let rankdir = match direction {
        Direction::TopBottom => "TB",
        Direction::LeftRight => "LR",
    };
    let _ = writeln!(out, "digraph cairn {{");
    let _ = writeln!(
        out,
        "  graph [label={}, labelloc=t, fontname=\"Helvetica\", fontsize=16, rankdir={rankdir}, nodesep=0.3, ranksep=0.4];",
        quote(&graph.title)
    );
    let _ = writeln!(
        out,
        "  node [fontname=\"Helvetica\", fontsize=11, style=filled];"
    );
    let _ = writeln!(out, "  edge [fontname=\"Helvetica\", fontsize=10];");
    write_cluster(graph, None, 1, &mut out);
    for e in &graph.edges {
        let (Some(from), Some(to)) = (graph.nodes.get(e.from), graph.nodes.get(e.to)) else {
            continue;
        };
        let mut attrs = Vec::new();
        if !e.label.is_empty() {
            attrs.push(format!("label={}", quote(&e.label.join("\n"))));
        }
        if e.secondary {
            attrs.push("style=dotted, color=\"#8c8c8c\", arrowhead=open".into());
        } else if graph.with_case {
            attrs.push(format!("color=\"{}\"", style::edge_colour(e.status)));
            match e.status {
                Some(crate::eval::outcome::Status::Applies) => attrs.push("penwidth=2.5".into()),
                Some(crate::eval::outcome::Status::NotApplicable) => {
                    attrs.push("style=dashed".into())
                }
                _ => {}
            }
        }
        let attrs = if attrs.is_empty() {
            String::new()
        } else {
            format!(" [{}]", attrs.join(", "))
        };
        let _ = writeln!(out, "  {} -> {}{attrs};", from.key, to.key);
    }
    if graph.with_case {
        legend(&mut out);
    }
    out.push_str("}\n");
    out
}

/// Writes the nodes and subclusters of `cluster`, indented by `depth`.
fn write_cluster(graph: &Graph, cluster: Option<usize>, depth: usize, out: &mut String) {
    let pad = "  ".repeat(depth);
    for n in graph.nodes_in(cluster) {
        let Some(node) = graph.nodes.get(n) else {
            continue;
        };
        let look = style::look(node.kind, node.status);
        let shape = match look.shape {
            Shape::Rounded => "box, style=\"rounded,filled\"",
            Shape::Box => "box",
            Shape::Hexagon => "hexagon",
            Shape::Ellipse => "ellipse",
            Shape::Double => "box, peripheries=2",
            Shape::Note => "note",
        };
        let width = if matches!(node.kind, NodeKind::Rec(_)) {
            ", penwidth=1.6"
        } else {
            ""
        };
        let _ = writeln!(
            out,
            "{pad}{} [label={}, shape={shape}, fillcolor=\"{}\", color=\"{}\", fontcolor=\"{}\"{width}];",
            node.key,
            quote(&node.lines.join("\n")),
            look.fill,
            look.stroke,
            look.text
        );
    }
    for c in graph.child_clusters(cluster) {
        let Some(info) = graph.clusters.get(c) else {
            continue;
        };
        let _ = writeln!(out, "{pad}subgraph cluster_{} {{", info.key);
        let _ = writeln!(
            out,
            "{pad}  label={}; style=\"rounded,filled\"; fillcolor=\"#f8fafc\"; color=\"#9aa9b8\"; fontname=\"Helvetica-Bold\"; fontsize=12;",
            quote(&info.title)
        );
        write_cluster(graph, Some(c), depth + 1, out);
        let _ = writeln!(out, "{pad}}}");
    }
}

/// The legend of the statuses, as a cluster of its own.
fn legend(out: &mut String) {
    out.push_str("  subgraph cluster_legend {\n    label=\"Legend\"; style=\"rounded\"; color=\"#9aa9b8\"; fontname=\"Helvetica-Bold\"; fontsize=12;\n");
    for (i, s) in style::STATUSES.iter().enumerate() {
        let (fill, text) = style::status_colours(*s);
        let _ = writeln!(
            out,
            "    legend_{i} [label={}, shape=box, style=\"rounded,filled\", fillcolor=\"{fill}\", fontcolor=\"{text}\", color=\"#555555\"];",
            quote(style::status_words(*s))
        );
    }
    out.push_str("    legend_0 -> legend_1 -> legend_2 [style=invis];\n  }\n");
}

/// `text` as a DOT quoted string; a line break becomes `\n`.
pub(crate) fn quote(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::quote;

    #[test]
    fn quote_escapes_quotes_backslashes_and_breaks() {
        assert_eq!(quote("a \"b\" \\ c\nd"), "\"a \\\"b\\\" \\\\ c\\nd\"");
    }
}
