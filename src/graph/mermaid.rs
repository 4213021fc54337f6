//! Graph stage: the flowchart as Mermaid text (`flowchart`), which GitHub,
//! GitLab and many wikis render in Markdown; sections are subgraphs.

use super::model::Graph;
use super::style::{self, Shape};
use super::Direction;
use crate::eval::outcome::Status;
use std::fmt::Write as _;

/// The Mermaid text of `graph`.
pub(crate) fn write(graph: &Graph, direction: Direction) -> String {
    let mut out = String::new();
    let dir = match direction {
        Direction::TopBottom => "TB",
        Direction::LeftRight => "LR",
    };
    let title = graph.title.replace('\\', "\\\\").replace('"', "\\\"");
    let _ = writeln!(out, "---\ntitle: \"{title}\"\n---");
    let _ = writeln!(out, "flowchart {dir}");
    write_cluster(graph, None, 1, &mut out);
    for (i, e) in graph.edges.iter().enumerate() {
        let (Some(from), Some(to)) = (graph.nodes.get(e.from), graph.nodes.get(e.to)) else {
            continue;
        };
        let arrow = match e.status {
            _ if e.secondary => "-.->",
            Some(Status::Applies) => "==>",
            Some(Status::NotApplicable) => "-.->",
            _ => "-->",
        };
        if e.label.is_empty() {
            let _ = writeln!(out, "  {} {arrow} {}", from.key, to.key);
        } else {
            let _ = writeln!(
                out,
                "  {} {arrow}|{}| {}",
                from.key,
                quote(&e.label.join("\n")),
                to.key
            );
        }
        if graph.with_case {
            let _ = writeln!(
                out,
                "  linkStyle {i} stroke:{}",
                style::edge_colour(e.status)
            );
        }
    }
    // One class per look, so a node's colours are stated once per kind.
    let mut classes: Vec<(String, String)> = Vec::new();
    for node in &graph.nodes {
        let look = style::look(node.kind, node.status);
        let name = format!(
            "c{}",
            look.fill.trim_start_matches('#').to_string() + look.stroke.trim_start_matches('#')
        );
        let def = format!(
            "fill:{},stroke:{},color:{}",
            look.fill, look.stroke, look.text
        );
        if !classes.iter().any(|(n, _)| *n == name) {
            classes.push((name.clone(), def));
        }
        let _ = writeln!(out, "  class {} {name}", node.key);
    }
    for (name, def) in &classes {
        let _ = writeln!(out, "  classDef {name} {def}");
    }
    if graph.with_case {
        legend(&mut out);
    }
    out
}

/// The legend of the statuses, as a subgraph of its own.
fn legend(out: &mut String) {
    out.push_str("  subgraph legend[\"Legend\"]\n");
    for (i, s) in style::STATUSES.iter().enumerate() {
        let _ = writeln!(out, "    legend_{i}({})", quote(style::status_words(*s)));
    }
    out.push_str("  end\n");
    for (i, s) in style::STATUSES.iter().enumerate() {
        let (fill, text) = style::status_colours(*s);
        let _ = writeln!(
            out,
            "  style legend_{i} fill:{fill},stroke:#555555,color:{text}"
        );
    }
}

/// Writes the nodes and subgraphs of `cluster`, indented by `depth`.
fn write_cluster(graph: &Graph, cluster: Option<usize>, depth: usize, out: &mut String) {
    let pad = "  ".repeat(depth);
    for n in graph.nodes_in(cluster) {
        let Some(node) = graph.nodes.get(n) else {
            continue;
        };
        let text = quote(&node.lines.join("\n"));
        let shape = match style::look(node.kind, node.status).shape {
            Shape::Rounded => format!("({text})"),
            Shape::Box | Shape::Note => format!("[{text}]"),
            Shape::Hexagon => format!("{{{{{text}}}}}"),
            Shape::Ellipse => format!("([{text}])"),
            Shape::Double => format!("[[{text}]]"),
        };
        let _ = writeln!(out, "{pad}{}{shape}", node.key);
    }
    for c in graph.child_clusters(cluster) {
        let Some(info) = graph.clusters.get(c) else {
            continue;
        };
        let _ = writeln!(out, "{pad}subgraph {}[{}]", info.key, quote(&info.title));
        write_cluster(graph, Some(c), depth + 1, out);
        let _ = writeln!(out, "{pad}end");
    }
}

/// `text` as a Mermaid quoted label: quotes and the characters Mermaid
/// reads as markup become entity codes, a line break becomes `<br>`.
fn quote(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("#quot;"),
            '#' => out.push_str("#35;"),
            '<' => out.push_str("#lt;"),
            '>' => out.push_str("#gt;"),
            '\n' => out.push_str("<br>"),
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
    fn quote_turns_markup_into_entities() {
        assert_eq!(
            quote("a \"b\" <= 2 #\nc"),
            "\"a #quot;b#quot; #lt;= 2 #35;<br>c\""
        );
    }
}
