//! FHIR stage (bindings): the diagnostics of loading and checking a binding
//! file. Each points into the binding's TOML text.

use miette::{Diagnostic, SourceSpan};
use thiserror::Error;

/// A problem in a binding file that makes it unusable.
#[derive(Debug, Error, Diagnostic)]
pub enum BindingError {
    /// The file is not valid TOML, or a key or value of the wrong shape.
    #[error("malformed binding: {message}")]
    #[diagnostic(
        code(cairn::binding::syntax),
        help(
            "a binding is TOML with a `[binding]` table and one `[fact.NAME]` table per bound fact"
        )
    )]
    Syntax {
        /// What the TOML reader said, lowercase.
        message: String,
        /// Where it stopped.
        #[label("here")]
        span: SourceSpan,
    },

    /// A limit on binding files was passed.
    #[error("the binding is too large: {what}")]
    #[diagnostic(code(cairn::binding::limit), help("{help}"))]
    Limit {
        /// Which limit.
        what: String,
        /// The limit and why.
        help: String,
        /// Where.
        #[label("here")]
        span: SourceSpan,
    },

    /// A bound or unbound fact the guideline does not declare.
    #[error("the guideline has no fact `{name}`")]
    #[diagnostic(code(cairn::binding::unknown_fact), help("{help}"))]
    UnknownFact {
        /// The name as written.
        name: String,
        /// Did you mean, or what to do.
        help: String,
        /// The name.
        #[label("not a fact of the guideline")]
        span: SourceSpan,
    },

    /// A fact both bound and listed in `[unbound]`.
    #[error("fact `{name}` is bound and also listed in `[unbound]`")]
    #[diagnostic(
        code(cairn::binding::bound_and_unbound),
        help("remove it from `[unbound]` or remove its `[fact.{name}]` table")
    )]
    BoundAndUnbound {
        /// The fact.
        name: String,
        /// Its `[unbound]` entry.
        #[label("listed as unbound here")]
        span: SourceSpan,
    },

    /// A system name neither declared in `[systems]` nor a URI.
    #[error("the system `{name}` is not declared in `[systems]`")]
    #[diagnostic(code(cairn::binding::unknown_system), help("{help}"))]
    UnknownSystem {
        /// The system name.
        name: String,
        /// Did you mean, or what to declare.
        help: String,
        /// Where it is used.
        #[label("undeclared system")]
        span: SourceSpan,
    },

    /// A valueset name not declared in `[valuesets]`.
    #[error("the valueset `{name}` is not declared in `[valuesets]`")]
    #[diagnostic(code(cairn::binding::unknown_valueset), help("{help}"))]
    UnknownValueset {
        /// The name.
        name: String,
        /// Did you mean.
        help: String,
        /// Where it is used.
        #[label("undeclared valueset")]
        span: SourceSpan,
    },

    /// A valueset file that cannot be used (the message never quotes the
    /// file's content).
    #[error("the valueset file `{path}` cannot be used: {reason}")]
    #[diagnostic(code(cairn::binding::valueset), help("{help}"))]
    Valueset {
        /// The path as written.
        path: String,
        /// Why.
        reason: String,
        /// What a valueset file must be.
        help: String,
        /// The path in the binding.
        #[label("this file")]
        span: SourceSpan,
    },

    /// A value of the wrong type for the fact (in `present`, `map`,
    /// `closed_world`).
    #[error("`{value}` is not a value of fact `{fact}` ({expected})")]
    #[diagnostic(code(cairn::binding::value_type), help("{help}"))]
    ValueType {
        /// The value as written.
        value: String,
        /// The fact.
        fact: String,
        /// The fact's type.
        expected: String,
        /// Did you mean, or the values allowed.
        help: String,
        /// The value.
        #[label("not a value of `{fact}`")]
        span: SourceSpan,
    },

    /// A value path whose FHIR type cannot give the fact's type.
    #[error("`{path}` reads {found}, which cannot give fact `{fact}` ({expected})")]
    #[diagnostic(code(cairn::binding::path_type), help("{help}"))]
    PathType {
        /// The path.
        path: String,
        /// What it reads.
        found: String,
        /// The fact.
        fact: String,
        /// The fact's type.
        expected: String,
        /// What would.
        help: String,
        /// The path.
        #[label("reads {found}")]
        span: SourceSpan,
    },

    /// A unit that is not UCUM, or not of the fact's dimension.
    #[error("unit `{unit}` cannot be used for fact `{fact}`: {reason}")]
    #[diagnostic(code(cairn::binding::unit), help("{help}"))]
    Unit {
        /// The unit as written.
        unit: String,
        /// The fact.
        fact: String,
        /// Why.
        reason: String,
        /// Units that would do.
        help: String,
        /// The unit.
        #[label("{reason}")]
        span: SourceSpan,
    },

    /// A FHIRPath expression that does not parse.
    #[error("`{text}` is not a FHIRPath expression Cairn reads: {reason}")]
    #[diagnostic(code(cairn::binding::fhirpath), help("{help}"))]
    FhirPath {
        /// The expression.
        text: String,
        /// The parser's message.
        reason: String,
        /// The supported subset.
        help: String,
        /// The string in the TOML.
        #[label("here")]
        span: SourceSpan,
    },

    /// A shape that does not say how to read the fact, or says it twice,
    /// or a setting that does not fit the fact's type.
    #[error("{message}")]
    #[diagnostic(code(cairn::binding::shape), help("{help}"))]
    Shape {
        /// What is wrong, lowercase.
        message: String,
        /// What to write instead.
        help: String,
        /// The shape or the key.
        #[label("here")]
        span: SourceSpan,
    },

    /// A closed world without a written reason.
    #[error("the closed world of fact `{fact}` has no reason")]
    #[diagnostic(
        code(cairn::binding::closed_world_reason),
        help("say why absence means this value, e.g. `reason = \"the registry records every test\"`; it is echoed with every case that uses it")
    )]
    ClosedWorldReason {
        /// The fact.
        fact: String,
        /// The closed world.
        #[label("empty reason")]
        span: SourceSpan,
    },
}

/// A problem in a binding file that does not stop its use.
#[derive(Debug, Error, Diagnostic)]
pub enum BindingWarning {
    /// A fact of the guideline neither bound nor listed in `[unbound]`.
    #[error("fact `{name}` is not bound and has no reason in `[unbound]`")]
    #[diagnostic(
        code(cairn::binding::unbound),
        severity(Warning),
        help("bind it with a `[fact.{name}]` table, or say why not: `{name} = \"...\"` under `[unbound]`; extraction always leaves it unknown")
    )]
    Unbound {
        /// The fact.
        name: String,
        /// The `[binding]` table.
        #[label("binding for the guideline")]
        span: SourceSpan,
    },

    /// A value of an enum or bool fact no shape can produce.
    #[error("value `{value}` of fact `{fact}` is reachable from no shape")]
    #[diagnostic(
        code(cairn::binding::unreachable_value),
        severity(Warning),
        help("add a shape with `present = {written}` or a `map` entry to it (an enum value may also be reached by its own `code SYSTEM \"...\"` binding, with SYSTEM in `[systems]`); extraction can never give this value")
    )]
    UnreachableValue {
        /// The fact.
        fact: String,
        /// The value.
        value: String,
        /// The value as TOML writes it (`"R2"`, `false`).
        written: String,
        /// The fact's table.
        #[label("bound here")]
        span: SourceSpan,
    },
}
