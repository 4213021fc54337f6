//! Command line: `cairn run --format fhir`, an outcome as a FHIR R4
//! `GuidanceResponse` (see `cairn::fhir::guidance`), from a case file or
//! a Bundle extracted through a binding.

use super::commands::{load, print_json, Input};
use super::output::{self, IO};
use cairn::fhir::guidance;
use cairn::Program;
use std::path::Path;

/// Runs the guideline and prints the GuidanceResponse; with a binding (the
/// one `--fhir` reads through, or `--binding` alone) its data requirements
/// name resources and codes. An extracted case gives the response its
/// subject and its extraction warnings.
pub fn run(guideline: &Path, input: Input, binding: Option<&Path>) -> u8 {
    let (checked, case_file) = match input {
        Input::Case(case_path) => match load(guideline, case_path) {
            Ok(x) => x,
            Err(code) => return code,
        },
        Input::Fhir(source) => {
            let checked = match output::guideline(guideline) {
                Ok(c) => c,
                Err(code) => return code,
            };
            match super::fhir_extract::case(&checked, &source) {
                Ok(c) => (checked, c),
                Err(code) => return code,
            }
        }
        Input::Missing => {
            output::error("give the case: `--case FILE`, or `--fhir BUNDLE --binding FILE`");
            return IO;
        }
    };
    let binding = match binding {
        Some(path) => match super::fhir_extract::load_binding(&checked, path) {
            Ok(b) => Some(b),
            Err(code) => return code,
        },
        None => None,
    };
    let program = Program::new(&checked);
    let outcome = program.evaluate(&case_file.case, cairn::Options::default());
    let block = case_file.extraction.as_ref();
    let context = guidance::Context {
        subject: block
            .and_then(|b| b.get("subject"))
            .and_then(|s| s.as_str())
            .map(str::to_string),
        occurrence: block
            .and_then(|b| b.get("as_of"))
            .and_then(|s| s.as_str())
            .map(str::to_string),
        warnings: block
            .and_then(|b| b.get("warnings"))
            .and_then(|w| w.as_array())
            .into_iter()
            .flatten()
            .filter_map(|w| w.get("message").and_then(|m| m.as_str()))
            .map(str::to_string)
            .collect(),
    };
    print_json(&guidance::render_with(
        &checked,
        &outcome,
        binding.as_ref(),
        &context,
    ))
}

/// `--binding` given without `--fhir` and without `--format fhir`.
pub fn binding_unused() -> u8 {
    output::error("`--binding` is read with `--fhir BUNDLE` or `--format fhir`");
    IO
}
