//! Command line: the FHIR outputs — `cairn run --format fhir` (an outcome
//! as a `GuidanceResponse`, from a case file or a Bundle extracted through
//! a binding), `cairn fhir synth` (a case as the minimal Bundle its binding
//! reads back) and `cairn fhir requirements` (a binding's data requirements
//! as a FHIR `Library`).

use super::commands::{load_input, print_json, Input};
use super::output::{self, ERRORS, IO};
use cairn::fhir::{guidance, requirements, synth};
use cairn::Program;
use std::path::Path;

/// `cairn fhir synth GUIDELINE --binding B CASE`: the Bundle on standard
/// output; the as-of date to extract it with on standard error.
pub fn synth(guideline: &Path, binding: &Path, case_path: &Path) -> u8 {
    let checked = match output::guideline(guideline) {
        Ok(c) => c,
        Err(code) => return code,
    };
    let binding = match super::fhir_extract::load_binding(&checked, binding) {
        Ok(b) => b,
        Err(code) => return code,
    };
    let text = match output::read(case_path) {
        Ok(t) => t,
        Err(code) => return code,
    };
    // The case is validated as `cairn run` would, so that a bundle is only
    // written for a case the guideline accepts.
    if let Err(f) = cairn::load_case(&checked, &output::case_name(case_path), &text) {
        return output::failed(&f);
    }
    let case: serde_json::Value = match serde_json::from_str(&text) {
        Ok(v) => v,
        Err(e) => {
            output::error(format_args!("cannot read `{}`: {e}", case_path.display()));
            return IO;
        }
    };
    match synth::synth(&checked, &binding, &case) {
        Ok(s) => {
            if !output::json_errors() {
                if let Some(d) = &s.as_of {
                    errln!("note: extract this bundle with `--as-of {d}`");
                }
                if !s.as_of_unknown.is_empty() {
                    errln!(
                        "note: the case leaves `{}` unknown, which the binding reads from the as-of date: the library's extraction without one gives the case back, `--as-of` (default today) sets it",
                        s.as_of_unknown.join("`, `")
                    );
                }
            }
            print_json(&s.bundle)
        }
        Err(errors) => {
            for e in &errors {
                let code = miette::Diagnostic::code(e)
                    .map(|c| c.to_string())
                    .unwrap_or_default();
                output::error_in(&code, &output::case_name(case_path), e);
                if let (Some(help), false) = (miette::Diagnostic::help(e), output::json_errors()) {
                    errln!("  help: {help}");
                }
            }
            ERRORS
        }
    }
}

/// `cairn fhir requirements GUIDELINE --binding B [--as-of D]`.
pub fn requirements(guideline: &Path, binding: &Path, as_of: Option<&str>) -> u8 {
    let checked = match output::guideline(guideline) {
        Ok(c) => c,
        Err(code) => return code,
    };
    let binding = match super::fhir_extract::load_binding(&checked, binding) {
        Ok(b) => b,
        Err(code) => return code,
    };
    if let Some(text) = as_of {
        if text.parse::<jiff::civil::Date>().is_err() {
            output::error(format_args!(
                "`--as-of {text}` is not a date: write it as YYYY-MM-DD"
            ));
            return IO;
        }
    }
    print_json(&requirements::library(&checked, &binding, as_of))
}

/// Runs the guideline and prints the GuidanceResponse; with a binding (the
/// one `--fhir` reads through, or `--binding` alone) its data requirements
/// name resources and codes. An extracted case gives the response its
/// subject and its extraction warnings.
pub fn run(guideline: &Path, input: Input, binding: Option<&Path>) -> u8 {
    let (checked, case_file) = match load_input(guideline, input) {
        Ok(x) => x,
        Err(code) => return code,
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
