//! Graph stage: a checked guideline drawn as a flowchart, in DOT, Mermaid
//! or SVG, optionally with one patient's path through it.
//!
//! Sections are clusters with their conditions as decisions, `first`
//! classifications are chains of decisions, and recommendations are boxes
//! whose shape and colour say their kind, with their strength; arrows are
//! labelled with the conditions in the guideline's own words. A large
//! guideline is drawn as an overview of its top-level sections plus one
//! picture per top-level section. Given an outcome, every recommendation
//! and section is coloured by its status for the case (`path`).
//!
//! The module is pure Rust without I/O (the playground runs it in
//! WebAssembly): `build` makes the graph model, `definitions` adds the
//! facts and definitions, `path` colours it, and `dot`, `mermaid` and
//! `svg` write it out.
//!
//! ```
//! use cairn::graph::{render, Format, Options};
//!
//! let source = r#"
//! guideline demo {
//!   title "Demo"
//!   version "1.0.0"
//!   status draft
//! }
//! fact grade "FNCLCC histologic grade": integer 1 to 3
//! section low "Low grade" when grade <= 2 {
//!   suggest low_grade_option {
//!     statement "An option for low-grade tumours."
//!   }
//! }
//! "#;
//! let checked = cairn::parse("demo.cairn", source).check().expect("no errors");
//! let pictures = render(&checked, None, &Options::default(), Format::Svg).expect("drawn");
//! assert_eq!(pictures.len(), 1);
//! assert!(pictures[0].text.contains("low_grade_option"));
//! ```

mod build;
mod definitions;
mod dot;
mod error;
mod mermaid;
mod model;
mod path;
mod style;
mod svg;
mod svg_draw;
mod svg_page;
mod text;

pub use error::Error;
/// The escape of text in XML and HTML, also used by the HTML report.
pub(crate) use svg_draw::escape;

use crate::check::model::SectionId;
use crate::check::Checked;
use crate::eval::outcome::Outcome;
use build::Scope;

/// A guideline with at most this many recommendations is drawn as one
/// picture; a larger one as an overview plus one picture per top-level
/// section.
pub const ONE_PICTURE_RECS: usize = 12;

/// What to draw.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Options {
    /// Draw only this section (any section id, nested ones too), under its
    /// enclosing sections' conditions.
    pub section: Option<String>,
    /// Which way the arrows run.
    pub direction: Direction,
    /// Add the facts → definitions → conditions layer.
    pub definitions: bool,
}

/// Which way the arrows run.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Direction {
    /// Top to bottom.
    #[default]
    TopBottom,
    /// Left to right.
    LeftRight,
}

/// The text format of a picture.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Graphviz DOT.
    Dot,
    /// Mermaid `flowchart`.
    Mermaid,
    /// Self-contained SVG, laid out without Graphviz.
    Svg,
}

/// One picture: the overview or one top-level section (or the `--section`
/// asked for).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Picture {
    /// `overview`, a section id, or the guideline id for a guideline
    /// drawn whole; usable as a file name.
    pub id: String,
    /// The picture's heading.
    pub title: String,
    /// The picture in the format asked for.
    pub text: String,
}

/// Draws `checked` as flowcharts: one picture for a small guideline or
/// for `options.section`, else an overview plus one per top-level
/// section. With `outcome` (best evaluated with a trace, so that sections
/// take their own status), the case's statuses colour the nodes and the
/// path.
pub fn render(
    checked: &Checked,
    outcome: Option<&Outcome<'_>>,
    options: &Options,
    format: Format,
) -> Result<Vec<Picture>, Error> {
    let model = &checked.model;
    let mut pictures = Vec::new();
    for (id, scope) in scopes(checked, options)? {
        let mut graph = build::graph(checked, scope);
        if options.definitions {
            definitions::add(&mut graph, checked);
        }
        if let Some(outcome) = outcome {
            path::colour(&mut graph, checked, outcome)?;
        }
        let text = match format {
            Format::Dot => dot::write(&graph, options.direction),
            Format::Mermaid => mermaid::write(&graph, options.direction),
            Format::Svg => svg::write(&graph, options.direction),
        };
        pictures.push(Picture {
            id,
            title: graph.title,
            text,
        });
    }
    let _ = model;
    Ok(pictures)
}

/// The pictures to draw, with their ids.
fn scopes(checked: &Checked, options: &Options) -> Result<Vec<(String, Scope)>, Error> {
    let model = &checked.model;
    if let Some(id) = &options.section {
        let Some(i) = model.sections.iter().position(|s| s.id == *id) else {
            let ids = model.sections.iter().map(|s| s.id.as_str());
            let help = crate::diagnostics::suggestion(id, ids).or_else(|| {
                let top: Vec<String> = model
                    .sections
                    .iter()
                    .filter(|s| s.parent.is_none())
                    .map(|s| format!("`{}`", s.id))
                    .collect();
                (!top.is_empty()).then(|| format!("the top-level sections are {}", top.join(", ")))
            });
            return Err(Error::UnknownSection {
                id: id.clone(),
                help,
            });
        };
        return Ok(vec![(id.clone(), Scope::Section(SectionId(i as u32)))]);
    }
    let top: Vec<(String, Scope)> = model
        .sections
        .iter()
        .enumerate()
        .filter(|(_, s)| s.parent.is_none())
        .map(|(i, s)| (s.id.clone(), Scope::Section(SectionId(i as u32))))
        .collect();
    if model.recs.len() <= ONE_PICTURE_RECS || top.len() <= 1 {
        return Ok(vec![(model.meta.id.clone(), Scope::Whole)]);
    }
    let mut all = vec![("overview".to_string(), Scope::Overview)];
    all.extend(top);
    Ok(all)
}
