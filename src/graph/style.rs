//! Graph stage: the one palette every format draws with, so that a
//! recommendation looks the same in DOT, Mermaid and SVG.
//!
//! Without a case, a recommendation's fill says its kind: green for
//! recommend, suggest, option and consider, red for do-not-offer and
//! discourage, blue for refer, grey for inform. With a case, the fill says
//! the status (the kind stays in the border and the first line), and the
//! arrows on the patient's path are drawn bold.

use super::model::NodeKind;
use crate::eval::outcome::Status;
use crate::syntax::ast::RecKind;

/// How a node is drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Look {
    /// Fill colour (`#rrggbb`).
    pub fill: &'static str,
    /// Border colour.
    pub stroke: &'static str,
    /// Text colour.
    pub text: &'static str,
    /// The outline.
    pub shape: Shape,
}

/// A node's outline.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Shape {
    /// A rounded box: a recommendation to act.
    Rounded,
    /// A plain box: a value, a folded section, a definition.
    Box,
    /// A hexagon: a decision.
    Hexagon,
    /// An ellipse: the start, or a fact.
    Ellipse,
    /// A box with a double border: a referral.
    Double,
    /// A box with a folded corner: information.
    Note,
}

/// The colours of a recommendation kind: (fill, border).
pub(crate) fn kind_colours(kind: RecKind) -> (&'static str, &'static str) {
    match kind {
        RecKind::Recommend | RecKind::Suggest | RecKind::Option | RecKind::Consider => {
            ("#e3f4e1", "#2e7d32")
        }
        RecKind::DoNotOffer | RecKind::Discourage => ("#fde2e1", "#c62828"),
        RecKind::Refer => ("#e3ecfb", "#1565c0"),
        RecKind::Inform => ("#f1f1f1", "#616161"),
    }
}

/// The fill and text colour of a status.
pub(crate) fn status_colours(status: Status) -> (&'static str, &'static str) {
    match status {
        Status::Applies => ("#b9e4b4", "#10240f"),
        Status::NotApplicable => ("#f4f4f4", "#8a8a8a"),
        Status::Undetermined => ("#ffe2a8", "#3d2a00"),
    }
}

/// The colour of an arrow for the status of where it leads.
pub(crate) fn edge_colour(status: Option<Status>) -> &'static str {
    match status {
        Some(Status::Applies) => "#1b6e1b",
        Some(Status::NotApplicable) => "#b5b5b5",
        Some(Status::Undetermined) => "#c77700",
        None => "#555555",
    }
}

/// The words of a status in the legend.
pub(crate) fn status_words(status: Status) -> &'static str {
    match status {
        Status::Applies => "applies",
        Status::NotApplicable => "not applicable",
        Status::Undetermined => "undetermined (facts missing)",
    }
}

/// Every status, in the legend's order.
pub(crate) const STATUSES: [Status; 3] =
    [Status::Applies, Status::Undetermined, Status::NotApplicable];

/// How a node of `kind` with `status` is drawn.
pub(crate) fn look(kind: NodeKind, status: Option<Status>) -> Look {
    let (fill, stroke, shape) = match kind {
        NodeKind::Start => ("#ffffff", "#333333", Shape::Ellipse),
        NodeKind::Decision => ("#fff7d6", "#b08800", Shape::Hexagon),
        NodeKind::Section => ("#eef3f8", "#44617b", Shape::Box),
        NodeKind::Classification => ("#f3ecfa", "#6a3d9a", Shape::Box),
        NodeKind::Value => ("#ffffff", "#6a3d9a", Shape::Box),
        NodeKind::Fact => ("#ffffff", "#555555", Shape::Ellipse),
        NodeKind::Definition => ("#f7f7f7", "#555555", Shape::Box),
        NodeKind::Rec(k) => {
            let (fill, stroke) = kind_colours(k);
            let shape = match k {
                RecKind::Refer => Shape::Double,
                RecKind::Inform => Shape::Note,
                _ => Shape::Rounded,
            };
            (fill, stroke, shape)
        }
    };
    match status {
        Some(s) => {
            let (fill, text) = status_colours(s);
            Look {
                fill,
                stroke,
                text,
                shape,
            }
        }
        None => Look {
            fill,
            stroke,
            text: "#111111",
            shape,
        },
    }
}
