//! Command line: `cairn run --format fhir`, an outcome as a FHIR R4
//! `GuidanceResponse` (see `cairn::fhir::guidance`).

use super::commands::{load, print_json};
use cairn::fhir::guidance;
use cairn::Program;
use std::path::Path;

/// Runs the guideline against the case and prints the GuidanceResponse.
pub fn run(guideline: &Path, case_path: &Path, _binding: Option<&Path>) -> u8 {
    let (checked, case_file) = match load(guideline, case_path) {
        Ok(x) => x,
        Err(code) => return code,
    };
    let program = Program::new(&checked);
    let outcome = program.evaluate(&case_file.case, cairn::Options::default());
    print_json(&guidance::render(&checked, &outcome))
}
