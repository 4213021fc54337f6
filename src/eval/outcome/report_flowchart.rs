//! Eval stage, outcome: the flowchart section of the HTML report
//! (`report`): the pictures the caller passes (in `cairn report`, the SVG
//! flowcharts of `cairn::graph` with the case's path), inlined one figure
//! each, and which top-level sections are on the case's path.
//!
//! Each picture's ids are prefixed with its figure's number, so that ids
//! stay unique in the page (every picture of `cairn::graph` has a
//! `title` and the same arrow heads).

use super::report::escape;
use super::{Outcome, Status};
use crate::check::model::Model;
use std::fmt::Write;

/// A picture to show in the report's flowchart section.
#[derive(Debug, Clone, Copy)]
pub struct Flowchart<'a> {
    /// Its title, for screen readers (the picture draws its own).
    pub title: &'a str,
    /// The picture as an SVG document; anything before its `<svg` element
    /// (an XML declaration, a doctype) is left out, and a text without one
    /// is not shown.
    pub svg: &'a str,
}

/// The top-level sections on the case's path, by id in document order:
/// those holding a recommendation that applies or is undetermined (the
/// flowcharts worth showing; a section that does not apply is summed up
/// by "why not").
pub fn sections_on_path(model: &Model, outcome: &Outcome) -> Vec<String> {
    let mut ids: Vec<String> = Vec::new();
    for (rec, info) in outcome.recommendations.iter().zip(&model.recs) {
        if rec.status == Status::NotApplicable {
            continue;
        }
        let top = model.section_chain(info.section).first().copied();
        let Some(section) = top.and_then(|s| model.sections.get(s.0 as usize)) else {
            continue;
        };
        if !ids.contains(&section.id) {
            ids.push(section.id.clone());
        }
    }
    ids
}

/// The flowchart section: one figure per picture with an `<svg` element;
/// nothing when there is none.
pub(crate) fn section(out: &mut String, flowcharts: &[Flowchart]) {
    let figures: Vec<(&str, &str)> = flowcharts
        .iter()
        .filter_map(|f| f.svg.find("<svg").map(|at| (f.title, &f.svg[at..])))
        .collect();
    if figures.is_empty() {
        return;
    }
    let _ = writeln!(
        out,
        "<section id=\"flowchart\" class=\"page\">\n<h2>Flowchart</h2>"
    );
    for (n, (title, svg)) in figures.into_iter().enumerate() {
        let _ = writeln!(
            out,
            "<figure class=\"flowchart\" id=\"figure-{n}\" aria-label=\"{}\">",
            escape(title)
        );
        let _ = writeln!(out, "{}\n</figure>", prefix_ids(svg.trim_end(), n));
    }
    out.push_str("</section>\n");
}

/// `svg` with every id, and every reference to one, prefixed `fN-`. Text
/// is escaped in the picture (a `"` is `&quot;`), so these patterns are
/// found only in attributes.
fn prefix_ids(svg: &str, n: usize) -> String {
    let p = format!("f{n}-");
    svg.replace(" id=\"", &format!(" id=\"{p}"))
        .replace("=\"url(#", &format!("=\"url(#{p}"))
        .replace(" href=\"#", &format!(" href=\"#{p}"))
        .replace(" aria-labelledby=\"", &format!(" aria-labelledby=\"{p}"))
}
