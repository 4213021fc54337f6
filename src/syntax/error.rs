//! Syntax stage: the diagnostics the parser reports.

use miette::{Diagnostic, SourceSpan};
use thiserror::Error;

/// An error found while reading a `.cairn` file.
#[derive(Debug, Error, Diagnostic)]
pub enum SyntaxError {
    /// The text does not follow the grammar.
    #[error("syntax error: expected {expected}")]
    #[diagnostic(code(cairn::syntax::unexpected), help("{help}"))]
    Unexpected {
        /// What the grammar allowed here, in words.
        expected: String,
        /// Extra help.
        help: String,
        /// Where the parser stopped.
        #[label("{found}")]
        span: SourceSpan,
        /// What was found instead.
        found: String,
    },

    /// Brackets or `not`s nested deeper than the parser accepts.
    #[error("expression nested too deeply (more than {limit} levels)")]
    #[diagnostic(
        code(cairn::syntax::too_deep),
        help("split the expression into named `define`s; they also make traces easier to read")
    )]
    TooDeep {
        /// The nesting limit.
        limit: usize,
        /// Where the limit was passed.
        #[label("nesting passes the limit here")]
        span: SourceSpan,
    },

    /// A number that does not fit.
    #[error("number `{text}` is out of range")]
    #[diagnostic(code(cairn::syntax::number_range))]
    NumberRange {
        /// The number as written.
        text: String,
        /// Where it was written.
        #[label("does not fit")]
        span: SourceSpan,
    },

    /// An unknown escape in a string literal.
    #[error("unknown escape `{text}` in string")]
    #[diagnostic(
        code(cairn::syntax::escape),
        help("the escapes are `\\\"`, `\\\\`, `\\n` and `\\t`")
    )]
    BadEscape {
        /// The escape as written.
        text: String,
        /// Where it was written.
        #[label("unknown escape")]
        span: SourceSpan,
    },

    /// An include that cannot be read.
    #[error("cannot read included file `{path}`")]
    #[diagnostic(code(cairn::syntax::include))]
    Include {
        /// The path as resolved.
        path: String,
        /// The I/O error.
        reason: String,
        /// The include.
        #[label("{reason}")]
        span: SourceSpan,
    },

    /// An include cycle.
    #[error("file `{path}` is already included")]
    #[diagnostic(
        code(cairn::syntax::include_cycle),
        help("a file is read once; remove this include or the one that leads back here")
    )]
    IncludeCycle {
        /// The path.
        path: String,
        /// The include.
        #[label("included again here")]
        span: SourceSpan,
    },
}
