//! Command line: the `schema` subcommand, the JSON Schema of a guideline's
//! case files.

use super::commands::print_json;
use super::output;
use std::path::Path;

/// `cairn schema GUIDELINE`: the schema on standard output.
pub fn run(guideline: &Path) -> u8 {
    match output::guideline(guideline) {
        Ok(checked) => print_json(&cairn::case::schema::schema(&checked.model)),
        Err(code) => code,
    }
}
