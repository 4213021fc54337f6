//! Command line: printing diagnostics and loading inputs with the exit code
//! each failure maps to.

use cairn::check::{Checked, Failed};
use cairn::diagnostics::Diagnostics;
use cairn::source::SourceMap;
use cairn::testing::load::{self, LoadError};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// The `--include-path` folders, set once at start-up.
static INCLUDE_PATHS: OnceLock<Vec<PathBuf>> = OnceLock::new();

/// Records the `--include-path` folders for every command.
pub fn set_include_paths(paths: Vec<PathBuf>) {
    let _ = INCLUDE_PATHS.set(paths);
}

/// The `--include-path` folders (none by default).
pub fn include_paths() -> &'static [PathBuf] {
    INCLUDE_PATHS.get().map_or(&[], Vec::as_slice)
}

/// Width of rendered diagnostics and traces.
pub const WIDTH: usize = 100;

/// Exit code for errors in the input.
pub const ERRORS: u8 = 1;
/// Exit code for usage and I/O errors.
pub const IO: u8 = 2;

/// Prints diagnostics to standard error.
pub fn eprint_diagnostics(diagnostics: &Diagnostics, sources: &SourceMap) {
    err!("{}", diagnostics.render(sources, WIDTH));
}

/// Prints a failed stage's diagnostics and returns exit code 1.
pub fn failed(failed: &Failed) -> u8 {
    eprint_diagnostics(&failed.diagnostics, &failed.sources);
    errln!("{}", summary(&failed.diagnostics));
    ERRORS
}

/// `2 errors, 1 warning`.
pub fn summary(diagnostics: &Diagnostics) -> String {
    let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    format!(
        "{}, {}",
        plural(diagnostics.error_count(), "error"),
        plural(diagnostics.warning_count(), "warning")
    )
}

/// Loads and checks a guideline, printing what went wrong; the error is the
/// exit code.
pub fn guideline(path: &Path) -> Result<Checked, u8> {
    match load::guideline_with(path, include_paths()) {
        Ok(checked) => {
            eprint_diagnostics(&checked.warnings, &checked.sources);
            Ok(checked)
        }
        Err(LoadError::Io(e)) => {
            errln!("error: {e}");
            Err(IO)
        }
        Err(LoadError::Invalid(f)) => Err(failed(&f)),
    }
}

/// Reads a file or standard input (`-`); the error is the exit code.
pub fn read(path: &Path) -> Result<String, u8> {
    load::read_input(path).map_err(|e| {
        errln!("error: {e}");
        IO
    })
}

/// The name a case is shown under.
pub fn case_name(path: &Path) -> String {
    if path == Path::new("-") {
        "<stdin>".to_string()
    } else {
        path.display().to_string()
    }
}
