//! Command line: the `analyze` and `diff` subcommands.

use super::commands::print_json;
use super::output::{self, ERRORS, WIDTH};
use super::Format;
use cairn::analysis;
use std::path::Path;

/// `cairn analyze GUIDELINE`: 1 when unacknowledged errors remain (or a
/// witness file already exists).
pub fn analyze(guideline: &Path, format: Format, save: Option<&Path>, force: bool) -> u8 {
    let checked = match output::guideline(guideline) {
        Ok(c) => c,
        Err(code) => return code,
    };
    let result = analysis::analyze(&checked);
    let code = match format {
        Format::Json => print_json(&analysis::render_json(&result, &checked.sources)),
        Format::Text => {
            out!(
                "{}",
                analysis::render_text(&result, &checked.sources, WIDTH)
            );
            0
        }
    };
    if code != 0 {
        return code;
    }
    if let Some(dir) = save {
        let saved = super::witnesses::save(&checked, &result, guideline, dir, force);
        if saved != 0 {
            return saved;
        }
    }
    if result.error_count() > 0 {
        ERRORS
    } else {
        0
    }
}

/// `cairn diff OLD NEW`: 0 whether or not the versions differ; 1 when one
/// does not check, or when the behaviour of some item could not be decided
/// and is not acknowledged (in the source or with `acknowledge`).
pub fn diff(old: &Path, new: &Path, format: Format, acknowledge: Option<&str>) -> u8 {
    let old = match output::guideline(old) {
        Ok(c) => c,
        Err(code) => return code,
    };
    let new = match output::guideline(new) {
        Ok(c) => c,
        Err(code) => return code,
    };
    let mut result = analysis::diff::diff(&old, &new);
    if let Some(reason) = acknowledge {
        result.acknowledge_undecided(reason);
    }
    let code = match format {
        Format::Json => print_json(&analysis::diff::render_json(&result)),
        Format::Text => {
            out!("{}", analysis::diff::render_text(&result));
            0
        }
    };
    if code != 0 {
        return code;
    }
    if result.error_count() > 0 {
        ERRORS
    } else {
        0
    }
}
