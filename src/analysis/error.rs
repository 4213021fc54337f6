//! Analysis stage: the diagnostics `cairn analyze` reports.
//!
//! Every variant has a stable code `cairn::analysis::<kind>`. Gaps,
//! conflicts, broken exclusions and dead recommendations are errors: each
//! means some patient gets a wrong or no pathway, so they fail `analyze`
//! unless acknowledged in the source. Constant conditions, branches never
//! taken, unread definitions, stale acknowledgements and incomplete
//! exploration are warnings: they point at redundant or suspicious text
//! but every patient still gets what the rules say.

use miette::{Diagnostic, SourceSpan};
use thiserror::Error;

/// One analysis finding as a diagnostic.
#[derive(Debug, Error, Diagnostic)]
pub enum AnalysisError {
    /// An exhaustive section that gives no recommendation for some cases.
    #[error("{message}")]
    #[diagnostic(code(cairn::analysis::gap))]
    Gap {
        /// The message.
        message: String,
        /// The section heading.
        #[label("{label}")]
        span: SourceSpan,
        /// The label text.
        label: String,
        /// What to do.
        #[help]
        help: String,
    },

    /// A first-match classification where no branch applies.
    #[error("{message}")]
    #[diagnostic(code(cairn::analysis::fall_through))]
    FallThrough {
        /// The message.
        message: String,
        /// The `first` expression.
        #[label("{label}")]
        span: SourceSpan,
        /// The label text.
        label: String,
        /// What to do.
        #[help]
        help: String,
    },

    /// A positive and a negative recommendation about the same intervention
    /// that both apply.
    #[error("{message}")]
    #[diagnostic(code(cairn::analysis::conflict))]
    Conflict {
        /// The message.
        message: String,
        /// The positive recommendation.
        #[label("{label}")]
        span: SourceSpan,
        /// The label text.
        label: String,
        /// What to do.
        #[help]
        help: String,
    },

    /// Two recommendations declared mutually exclusive that both apply.
    #[error("{message}")]
    #[diagnostic(code(cairn::analysis::exclusive))]
    Exclusive {
        /// The message.
        message: String,
        /// The recommendation with the `excludes`.
        #[label("{label}")]
        span: SourceSpan,
        /// The label text.
        label: String,
        /// What to do.
        #[help]
        help: String,
    },

    /// A recommendation no case makes apply.
    #[error("{message}")]
    #[diagnostic(code(cairn::analysis::dead))]
    Dead {
        /// The message.
        message: String,
        /// The recommendation.
        #[label("{label}")]
        span: SourceSpan,
        /// The label text.
        label: String,
        /// What to do.
        #[help]
        help: String,
    },

    /// A condition that is the same in every case where its facts are known.
    #[error("{message}")]
    #[diagnostic(code(cairn::analysis::constant), severity(Warning))]
    Constant {
        /// The message.
        message: String,
        /// The condition.
        #[label("{label}")]
        span: SourceSpan,
        /// The label text.
        label: String,
        /// What to do.
        #[help]
        help: String,
    },

    /// A branch of a first-match classification no case takes.
    #[error("{message}")]
    #[diagnostic(code(cairn::analysis::dead_branch), severity(Warning))]
    DeadBranch {
        /// The message.
        message: String,
        /// The branch condition or the fallback.
        #[label("{label}")]
        span: SourceSpan,
        /// The label text.
        label: String,
        /// What to do.
        #[help]
        help: String,
    },

    /// A definition no recommendation, section, schedule or statement reads.
    #[error("{message}")]
    #[diagnostic(code(cairn::analysis::unused), severity(Warning))]
    Unused {
        /// The message.
        message: String,
        /// The definition's name.
        #[label("{label}")]
        span: SourceSpan,
        /// The label text.
        label: String,
        /// What to do.
        #[help]
        help: String,
    },

    /// An acknowledgement that matches no finding.
    #[error("{message}")]
    #[diagnostic(code(cairn::analysis::stale_acknowledgement), severity(Warning))]
    Stale {
        /// The message.
        message: String,
        /// The acknowledgement.
        #[label("{label}")]
        span: SourceSpan,
        /// The label text.
        label: String,
        /// What to do.
        #[help]
        help: String,
    },

    /// A question whose cases cannot be split exactly (a comparison between
    /// facts): no negative finding is claimed.
    #[error("{message}")]
    #[diagnostic(code(cairn::analysis::incomplete), severity(Warning))]
    Incomplete {
        /// The message.
        message: String,
        /// The rule.
        #[label("{label}")]
        span: SourceSpan,
        /// The label text.
        label: String,
        /// What to do.
        #[help]
        help: String,
    },

    /// A question the search could not decide within the budget: an error,
    /// since a finding may hide in the cases not tried.
    #[error("{message}")]
    #[diagnostic(code(cairn::analysis::undecided))]
    Undecided {
        /// The message.
        message: String,
        /// The rule.
        #[label("{label}")]
        span: SourceSpan,
        /// The label text.
        label: String,
        /// What to do.
        #[help]
        help: String,
    },
}
