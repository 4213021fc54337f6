//! Testing stage: reading a guideline from disk through parse and check,
//! shared by the test runner and the command line.

use crate::check::{self, Checked, Failed};
use crate::syntax::{self, FsLoader};
use std::path::{Path, PathBuf};

/// Why a guideline could not be loaded.
#[derive(Debug)]
pub enum LoadError {
    /// The file could not be read (the message names the path).
    Io(String),
    /// The guideline has errors.
    Invalid(Failed),
}

/// Reads, parses and checks the guideline at `path`.
pub fn guideline(path: &Path) -> Result<Checked, LoadError> {
    guideline_with(path, &[])
}

/// [`guideline`], where includes may also resolve inside `include_paths`.
pub fn guideline_with(path: &Path, include_paths: &[PathBuf]) -> Result<Checked, LoadError> {
    let name = path.to_string_lossy().to_string();
    let text = syntax::include::read_named(path)
        .map_err(|e| LoadError::Io(format!("cannot read `{name}`: {e}")))?;
    let parsed = syntax::parse_with_paths(&name, &text, &FsLoader, include_paths);
    check::check(parsed).map_err(LoadError::Invalid)
}

/// Reads a file, or standard input for `-`.
pub fn read_input(path: &Path) -> Result<String, String> {
    if path == Path::new("-") {
        let mut text = String::new();
        std::io::Read::read_to_string(&mut std::io::stdin(), &mut text)
            .map_err(|e| format!("cannot read standard input: {e}"))?;
        Ok(text)
    } else {
        std::fs::read_to_string(path).map_err(|e| format!("cannot read `{}`: {e}", path.display()))
    }
}
