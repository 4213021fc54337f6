//! FHIRPath stage: the diagnostics of parsing and evaluating an expression.
//! Each points into the expression's text (byte offsets).

use miette::{Diagnostic, SourceSpan};
use std::ops::Range;
use thiserror::Error;

/// A problem with a FHIRPath expression, found when parsing or evaluating it.
#[derive(Debug, Clone, Error, Diagnostic)]
pub enum PathError {
    /// A character sequence that is no FHIRPath token.
    #[error("malformed FHIRPath: expected {expected}")]
    #[diagnostic(code(cairn::fhirpath::lexical))]
    Lexical {
        /// What the lexer wanted.
        expected: String,
        /// Where.
        #[label("here")]
        span: SourceSpan,
    },

    /// Tokens that do not form an expression.
    #[error("malformed FHIRPath: expected {expected}, found {found}")]
    #[diagnostic(code(cairn::fhirpath::syntax))]
    Syntax {
        /// What the parser wanted.
        expected: String,
        /// What it found.
        found: String,
        /// Where.
        #[label("here")]
        span: SourceSpan,
    },

    /// A function that FHIRPath does not define.
    #[error("unknown function `{name}`")]
    #[diagnostic(code(cairn::fhirpath::unknown_function), help("{help}"))]
    UnknownFunction {
        /// The name.
        name: String,
        /// Did you mean, or where the list is.
        help: String,
        /// The name.
        #[label("not a FHIRPath function")]
        span: SourceSpan,
    },

    /// A FHIRPath function, operator or literal outside Cairn's subset.
    #[error("unsupported {what}")]
    #[diagnostic(code(cairn::fhirpath::unsupported), help("{help}"))]
    Unsupported {
        /// What: "function `today`", "quantity literal".
        what: String,
        /// Why, or what to write instead.
        help: String,
        /// Where.
        #[label("outside Cairn's FHIRPath subset")]
        span: SourceSpan,
    },

    /// A function called with the wrong number of arguments.
    #[error("`{name}` takes {expected}, not {found}")]
    #[diagnostic(code(cairn::fhirpath::arity))]
    Arity {
        /// The function.
        name: String,
        /// "1 argument", "0 or 1 arguments".
        expected: String,
        /// How many it was given.
        found: usize,
        /// The call.
        #[label("here")]
        span: SourceSpan,
    },

    /// A type specifier naming no type the subset knows.
    #[error("unknown type `{name}`")]
    #[diagnostic(code(cairn::fhirpath::unknown_type), help("{help}"))]
    UnknownType {
        /// The name as written.
        name: String,
        /// Did you mean.
        help: String,
        /// The name.
        #[label("not a FHIR R4 or System type")]
        span: SourceSpan,
    },

    /// A leading capitalised name that is no FHIR R4 resource type
    /// (element names begin in lower case, so it can only be a misspelt type).
    #[error("unknown resource type `{name}`")]
    #[diagnostic(code(cairn::fhirpath::unknown_resource), help("{help}"))]
    UnknownResource {
        /// The name.
        name: String,
        /// Did you mean.
        help: String,
        /// The name.
        #[label("not a FHIR R4 resource type")]
        span: SourceSpan,
    },

    /// A `%variable` or `$variable` the subset does not define.
    #[error("unknown variable `{name}`")]
    #[diagnostic(code(cairn::fhirpath::unknown_variable), help("{help}"))]
    UnknownVariable {
        /// The name with its `%` or `$`.
        name: String,
        /// Did you mean, or the list.
        help: String,
        /// The name.
        #[label("not defined here")]
        span: SourceSpan,
    },

    /// An expression longer than the limit.
    #[error("the FHIRPath expression is {length} bytes long, more than the limit of {limit}")]
    #[diagnostic(code(cairn::fhirpath::too_long))]
    TooLong {
        /// Its length.
        length: usize,
        /// The limit.
        limit: usize,
        /// The whole expression.
        #[label("too long")]
        span: SourceSpan,
    },

    /// An expression nested deeper than the limit.
    #[error("the FHIRPath expression nests more than {limit} deep")]
    #[diagnostic(
        code(cairn::fhirpath::too_deep),
        help("parentheses, arguments and operands nest inside one another at most this deep")
    )]
    TooDeep {
        /// The limit.
        limit: usize,
        /// Where the limit was passed.
        #[label("too deep")]
        span: SourceSpan,
    },

    /// A chain of steps or operators longer than the limit.
    #[error("the FHIRPath expression chains more than {limit} steps or operators")]
    #[diagnostic(
        code(cairn::fhirpath::too_tall),
        help("split it, or write a long `or` chain of codes as `x in (…)` over a shorter list")
    )]
    TooTall {
        /// The limit.
        limit: usize,
        /// Where the limit was passed.
        #[label("too long a chain")]
        span: SourceSpan,
    },

    /// Several items where the operator or function takes one.
    #[error("`{what}` is given {count} items where it takes one")]
    #[diagnostic(
        code(cairn::fhirpath::not_singleton),
        help("pick one with `first()`, or test each with `where(…)`/`exists(…)`")
    )]
    NotSingleton {
        /// The operator or function.
        what: String,
        /// How many items it was given.
        count: usize,
        /// The operand.
        #[label("several items")]
        span: SourceSpan,
    },

    /// Operands of types the operator or function does not take.
    #[error("`{what}` cannot take {found}")]
    #[diagnostic(code(cairn::fhirpath::type_mismatch))]
    TypeMismatch {
        /// The operator or function.
        what: String,
        /// What it was given: "a string and an integer".
        found: String,
        /// The expression.
        #[label("here")]
        span: SourceSpan,
    },

    /// `is`/`as`/`ofType` on an element whose type only the FHIR model knows.
    #[error("the FHIR type of `{path}` is not known without the FHIR model")]
    #[diagnostic(
        code(cairn::fhirpath::untyped),
        help(
            "Cairn's FHIRPath knows the types of choice elements (`value` as `valueQuantity`, …), \
             resources and computed values only"
        )
    )]
    Untyped {
        /// The expression that reached the element (its text).
        path: String,
        /// That expression.
        #[label("an element only the FHIR model types")]
        span: SourceSpan,
    },

    /// An evaluation that would take more steps than the limit.
    #[error("evaluating the FHIRPath expression takes more than {limit} steps")]
    #[diagnostic(
        code(cairn::fhirpath::too_costly),
        help("nested `where` over large collections multiply; narrow the outer collection first")
    )]
    TooCostly {
        /// The limit.
        limit: u64,
        /// The expression being evaluated when the limit was reached.
        #[label("here")]
        span: SourceSpan,
    },
}

impl PathError {
    /// A lexical error: `expected` at `span`.
    pub(super) fn lexical(expected: &str, span: Range<usize>) -> PathError {
        PathError::Lexical {
            expected: expected.to_string(),
            span: span.into(),
        }
    }

    /// The bytes of the expression the error points at.
    pub fn span(&self) -> Range<usize> {
        let span = match self {
            PathError::Lexical { span, .. }
            | PathError::Syntax { span, .. }
            | PathError::UnknownFunction { span, .. }
            | PathError::Unsupported { span, .. }
            | PathError::Arity { span, .. }
            | PathError::UnknownType { span, .. }
            | PathError::UnknownResource { span, .. }
            | PathError::UnknownVariable { span, .. }
            | PathError::TooLong { span, .. }
            | PathError::TooDeep { span, .. }
            | PathError::TooTall { span, .. }
            | PathError::NotSingleton { span, .. }
            | PathError::TypeMismatch { span, .. }
            | PathError::Untyped { span, .. }
            | PathError::TooCostly { span, .. } => span,
        };
        span.offset()..span.offset() + span.len()
    }
}
