//! FHIR stage, synthesis: why a case cannot be written as a bundle, one
//! error per fact, each naming it.

use miette::Diagnostic;
use thiserror::Error;

/// A fact `cairn fhir synth` cannot carry in a bundle.
#[derive(Debug, Clone, PartialEq, Error, Diagnostic)]
pub enum SynthError {
    /// No shape of the fact's binding can give its value.
    #[error("no shape of fact `{fact}` can give `{value}`: {reasons}")]
    #[diagnostic(
        code(cairn::fhir::synth_no_shape),
        help("add a shape that records this value without a `where` (e.g. `present = {value}` with a filter that tells it apart), or a closed world if absence means it")
    )]
    NoShape {
        /// The fact.
        fact: String,
        /// Its value in the case.
        value: String,
        /// Why each shape cannot.
        reasons: String,
    },
    /// The case knows a fact the binding does not read.
    #[error("fact `{fact}` is `{value}` in the case, but the binding does not read it{}", reason.as_ref().map(|r| format!(" (unbound: {r})")).unwrap_or_default())]
    #[diagnostic(
        code(cairn::fhir::synth_unbound),
        help("a bundle cannot carry a fact its binding does not read: bind it, or leave it out of the case")
    )]
    Unbound {
        /// The fact.
        fact: String,
        /// Its value.
        value: String,
        /// The `[unbound]` reason, when the binding gives one.
        reason: Option<String>,
    },
    /// The case leaves a fact unknown that the closed world would make known.
    #[error("fact `{fact}` is unknown in the case, but the binding's closed world makes its absence `{value}`")]
    #[diagnostic(
        code(cairn::fhir::synth_closed_world),
        help("under a closed world a bundle cannot leave the fact unknown: give its value in the case")
    )]
    ClosedWorld {
        /// The fact.
        fact: String,
        /// The closed world's value.
        value: String,
    },
    /// Two facts bound to the as-of date disagree.
    #[error("facts `{first}` (`{a}`) and `{second}` (`{b}`) are both the as-of date, but differ")]
    #[diagnostic(code(cairn::fhir::synth_as_of))]
    AsOfConflict {
        /// The first fact.
        first: String,
        /// Its date.
        a: String,
        /// The second.
        second: String,
        /// Its date.
        b: String,
    },
    /// The bundle would extract to another value (a safeguard: `synth`
    /// extracts what it made before returning it).
    #[error("the bundle would give fact `{fact}` the value `{got}`, not the case's `{want}`")]
    #[diagnostic(
        code(cairn::fhir::synth_mismatch),
        help("two facts' shapes read the same resources; a bundle cannot tell them apart")
    )]
    Mismatch {
        /// The fact.
        fact: String,
        /// Its value in the case.
        want: String,
        /// What extraction gives.
        got: String,
    },
    /// A list fact: one value per resource is not written yet.
    #[error("fact `{fact}` is a list, which `fhir synth` does not write")]
    #[diagnostic(code(cairn::fhir::synth_list), help("leave the list out of the case"))]
    List {
        /// The fact.
        fact: String,
    },
}
