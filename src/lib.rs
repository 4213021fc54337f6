//! Cairn: a small, typed language for clinical practice guidelines.
//!
//! A guideline goes through three stages, each with its own type, so an
//! unchecked guideline cannot be evaluated:
//!
//! 1. [`parse`] reads the text (and its `include`s) into a [`Parsed`] AST;
//!    it never fails outright, but carries its syntax diagnostics.
//! 2. [`Parsed::check`] resolves names, types and units into a [`Checked`]
//!    guideline, or fails with every error it found ([`Failed`]).
//! 3. [`Program::new`] compiles a checked guideline once; [`Program::evaluate`]
//!    then runs it against any number of cases, loaded and validated with
//!    [`load_case`]; [`Program::evaluate_with`] does the same into a reused
//!    [`eval::Scratch`], borrowing the guideline's strings. The [`Outcome`] is
//!    plain serde data; rendering it as a tumour-board note or a trace is
//!    separate ([`eval::render`]).
//!
//! ```
//! use cairn::{Options, Program, Status};
//!
//! let source = r#"
//! guideline demo {
//!   title "Demo"
//!   version "1.0.0"
//!   status draft
//! }
//! fact grade "FNCLCC histologic grade": integer 1 to 3
//! suggest low_grade_option {
//!   when grade <= 2
//!   statement "An option for low-grade tumours."
//! }
//! "#;
//! let checked = cairn::parse("demo.cairn", source).check().expect("no errors");
//! let program = Program::new(&checked);
//!
//! let known = cairn::load_case(&checked, "a.json", r#"{"facts": {"grade": 2}}"#).expect("valid");
//! let outcome = program.evaluate(&known.case, Options::default());
//! assert_eq!(outcome.recommendations[0].status, Status::Applies);
//!
//! // An absent fact is unknown, never false: the outcome says what to ask for.
//! let unknown = cairn::load_case(&checked, "b.json", r#"{"facts": {}}"#).expect("valid");
//! let outcome = program.evaluate(&unknown.case, Options::default());
//! assert_eq!(outcome.recommendations[0].status, Status::Undetermined);
//! assert_eq!(outcome.recommendations[0].missing, vec!["grade".to_string()]);
//! ```
#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used, clippy::panic))]

pub mod analysis;
pub mod case;
pub mod check;
pub mod codes;
pub mod cohort;
pub mod diagnostics;
pub mod eval;
pub mod fhir;
pub mod format;
pub mod graph;
pub mod lsp;
#[cfg(feature = "serve")]
pub mod serve;
pub mod source;
pub mod strength;
pub mod syntax;
pub mod testing;
pub mod units;
pub mod value;

pub use case::{Case, CaseFile};
pub use check::{Checked, Failed};
pub use eval::outcome::{Outcome, Status};
pub use eval::{Options, Program};
pub use syntax::Parsed;

/// Parses a guideline's text; `include`s are read from disk relative to `name`.
pub fn parse(name: &str, text: &str) -> Parsed {
    syntax::parse_with(name, text, &syntax::FsLoader)
}

/// Reads and parses a guideline file.
pub fn parse_file(path: &std::path::Path) -> std::io::Result<Parsed> {
    let text = syntax::include::read_named(path)?;
    Ok(parse(&path.to_string_lossy(), &text))
}

impl Parsed {
    /// Checks the parsed guideline (stage 2).
    pub fn check(self) -> Result<Checked, Failed> {
        check::check(self)
    }
}

/// Loads and validates a case file (JSON) against a checked guideline.
pub fn load_case(checked: &Checked, name: &str, json_text: &str) -> Result<CaseFile, Failed> {
    case::load(checked, name, json_text)
}
