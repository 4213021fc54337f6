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

    /// A type where a declaration was expected: the fact it types is missing.
    #[error("`{word}` starts a type, but no fact declares it")]
    #[diagnostic(
        code(cairn::syntax::type_without_fact),
        help("a type belongs to a fact: `fact NAME \"Title\": {word} ...`; join it to the line above if it continues a fact")
    )]
    TypeWithoutFact {
        /// The type's first word.
        word: String,
        /// The type's first word.
        #[label("a type, not a declaration")]
        span: SourceSpan,
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

    /// An include that resolves outside the main file's folder tree.
    #[error("included file `{path}` is outside the guideline's folder")]
    #[diagnostic(
        code(cairn::syntax::include_outside),
        help("an include resolves only inside the main file's folder tree (after following `..` and symbolic links), or inside a folder given with `--include-path`")
    )]
    IncludeOutside {
        /// The path as written in the include.
        path: String,
        /// The include.
        #[label("refused: outside the folder tree")]
        span: SourceSpan,
    },

    /// An include of a FIFO, a device, a socket or a folder.
    #[error("included file `{path}` is not a regular file")]
    #[diagnostic(
        code(cairn::syntax::include_not_file),
        help("only regular files are included; FIFOs, devices and folders are refused without being read")
    )]
    IncludeNotFile {
        /// The path as written in the include.
        path: String,
        /// The include.
        #[label("not a regular file")]
        span: SourceSpan,
    },

    /// A source file larger than the limit.
    #[error("file `{path}` is larger than the {limit} byte limit")]
    #[diagnostic(code(cairn::syntax::file_too_large))]
    FileTooLarge {
        /// The file.
        path: String,
        /// The limit in bytes.
        limit: usize,
        /// The include, or the point where the main file passes the limit.
        #[label("too large")]
        span: SourceSpan,
    },

    /// An included file that is not UTF-8.
    #[error("included file `{path}` is not valid UTF-8")]
    #[diagnostic(code(cairn::syntax::not_utf8))]
    NotUtf8 {
        /// The path as written in the include.
        path: String,
        /// Byte offset of the first invalid byte.
        offset: usize,
        /// The include.
        #[label("invalid UTF-8 at byte {offset}")]
        span: SourceSpan,
    },

    /// An included file that is not Cairn source: its text is never shown.
    #[error("included file `{path}` is not Cairn source")]
    #[diagnostic(
        code(cairn::syntax::include_not_cairn),
        help("a file that does not start with a declaration is not shown in diagnostics; check that the include names the intended file")
    )]
    IncludeNotCairn {
        /// The path as written in the include.
        path: String,
        /// Line of the first syntax error in the included file.
        line: usize,
        /// Column of the first syntax error in the included file.
        column: usize,
        /// The include.
        #[label("syntax error at line {line}, column {column} of the included file")]
        span: SourceSpan,
    },

    /// More included files than the limit.
    #[error("more than {limit} included files")]
    #[diagnostic(code(cairn::syntax::too_many_includes))]
    TooManyIncludes {
        /// The limit.
        limit: usize,
        /// The first include past the limit.
        #[label("not read")]
        span: SourceSpan,
    },

    /// More declarations than the limit.
    #[error("more than {limit} declarations in one guideline")]
    #[diagnostic(
        code(cairn::syntax::too_many_declarations),
        help("the declarations from here on are ignored")
    )]
    TooManyDeclarations {
        /// The limit.
        limit: usize,
        /// The first declaration past the limit.
        #[label("limit passed here")]
        span: SourceSpan,
    },

    /// The cap on reported syntax errors was reached.
    #[error("{more} more syntax errors in this file are not shown")]
    #[diagnostic(
        code(cairn::syntax::too_many_errors),
        help("fix the errors above and check again")
    )]
    TooManyErrors {
        /// How many were not shown.
        more: usize,
        /// The first error not shown.
        #[label("the first one not shown")]
        span: SourceSpan,
    },

    /// A control character outside strings and comments.
    #[error("control character `{escaped}` in the source")]
    #[diagnostic(
        code(cairn::syntax::control_character),
        help("remove it: only spaces, tabs and line breaks may separate tokens")
    )]
    ControlCharacter {
        /// The character, escaped (`\u{1b}`).
        escaped: String,
        /// Where it is.
        #[label("control character")]
        span: SourceSpan,
    },
}

impl SyntaxError {
    /// The same error with its span moved `by` bytes further into the file
    /// (recovery parses each declaration on its own, from offset zero).
    pub(super) fn shifted(mut self, by: usize) -> SyntaxError {
        if let SyntaxError::Unexpected { span, .. } | SyntaxError::TypeWithoutFact { span, .. } =
            &mut self
        {
            *span = (span.offset() + by, span.len()).into();
        }
        self
    }
}
