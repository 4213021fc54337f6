//! Command line: the one writer of standard output, printing diagnostics,
//! and loading inputs with the exit code each failure maps to.
//!
//! Every byte a command prints on standard output goes through
//! [`write_stdout`] (the `out!`/`outln!` macros call it). The first write
//! error is kept, later output is dropped, and [`finish`] turns it into the
//! exit code: a closed pipe (`cairn run … | head`) exits 2 quietly, any other
//! failure (a full disk, `/dev/full`) exits 2 with a message on standard
//! error. Nothing panics on a failed write.

use cairn::check::{Checked, Failed};
use cairn::diagnostics::{Diagnostics, JsonDiagnostic};
use cairn::source::SourceMap;
use cairn::testing::load::{self, LoadError};
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// The first error met writing standard output.
static STDOUT_FAILED: OnceLock<std::io::Error> = OnceLock::new();

/// Standard output could not be written (the error is kept for [`finish`]).
#[derive(Debug, Clone, Copy)]
pub struct WriteFailed;

/// Writes to standard output; after a first failure nothing more is
/// written, so a closed pipe stops the output instead of being retried.
pub fn write_stdout(args: std::fmt::Arguments<'_>) -> Result<(), WriteFailed> {
    if STDOUT_FAILED.get().is_some() {
        return Err(WriteFailed);
    }
    std::io::stdout()
        .lock()
        .write_fmt(args)
        .map_err(failed_with)
}

/// Writes a block of text to standard output (see [`write_stdout`]).
pub fn print(text: &str) -> Result<(), WriteFailed> {
    write_stdout(format_args!("{text}"))
}

/// Flushes standard output: buffered bytes may be refused only now.
pub fn flush_stdout() -> Result<(), WriteFailed> {
    if STDOUT_FAILED.get().is_some() {
        return Err(WriteFailed);
    }
    std::io::stdout().lock().flush().map_err(failed_with)
}

fn failed_with(e: std::io::Error) -> WriteFailed {
    let _ = STDOUT_FAILED.set(e);
    WriteFailed
}

/// The exit code of a command that returned `code`, once its output is
/// flushed: [`IO`] when standard output could not be written.
pub fn finish(code: u8) -> u8 {
    let _ = flush_stdout();
    match STDOUT_FAILED.get() {
        None => code,
        Some(e) if e.kind() == std::io::ErrorKind::BrokenPipe => IO,
        Some(e) => {
            error(format_args!("cannot write to standard output: {e}"));
            IO
        }
    }
}

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

/// True once `--error-format json` (or a command's `--format json`) asked
/// for diagnostics as JSON.
static JSON_ERRORS: OnceLock<bool> = OnceLock::new();

/// Prints every later diagnostic and error as JSON (see [`json_errors`]).
pub fn set_json_errors(on: bool) {
    let _ = JSON_ERRORS.set(on);
}

/// Whether rendered diagnostics are drawn in colour (`--color`).
static COLOR: OnceLock<bool> = OnceLock::new();

/// Sets whether rendered diagnostics are drawn in colour, once per process.
pub fn set_color(on: bool) {
    let _ = COLOR.set(on);
}

/// `--color auto`: colour when standard error is a terminal and `NO_COLOR`
/// is unset or empty (the convention of <https://no-color.org>).
pub fn color_by_default() -> bool {
    use std::io::IsTerminal as _;
    let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    !no_color && std::io::stderr().is_terminal()
}

/// True when diagnostics go to standard error as JSON lines, one object
/// per diagnostic in the shape `check --error-format json` prints.
pub fn json_errors() -> bool {
    JSON_ERRORS.get().copied().unwrap_or(false)
}

/// An error of the command line itself (a file that cannot be read or
/// written, arguments that do not fit together): exit code 2.
pub const CLI_ERROR: &str = "cairn::cli::error";

/// Prints one diagnostic as a line of JSON on standard error.
pub fn eprint_json(diagnostic: &JsonDiagnostic) {
    match serde_json::to_string(diagnostic) {
        Ok(line) => errln!("{line}"),
        Err(e) => errln!("error: cannot write JSON: {e}"),
    }
}

/// Prints an error of the command line (code [`CLI_ERROR`]).
pub fn error(message: impl std::fmt::Display) {
    error_coded(CLI_ERROR, message);
}

/// Prints an error with a stable code and no source location: `error[CODE]:
/// message` (plain `error:` for [`CLI_ERROR`]), or a JSON diagnostic.
pub fn error_coded(code: &str, message: impl std::fmt::Display) {
    error_in(code, "", message);
}

/// [`error_coded`] about a whole `file` (JSON names it in `file`).
pub fn error_in(code: &str, file: &str, message: impl std::fmt::Display) {
    if json_errors() {
        eprint_json(&JsonDiagnostic {
            severity: "error",
            code: code.to_string(),
            message: message.to_string(),
            help: None,
            file: file.to_string(),
            labels: Vec::new(),
        });
    } else if code == CLI_ERROR {
        errln!("error: {message}");
    } else {
        errln!("error[{code}]: {message}");
    }
}

/// Prints diagnostics to standard error, rendered or as JSON lines.
pub fn eprint_diagnostics(diagnostics: &Diagnostics, sources: &SourceMap) {
    if json_errors() {
        for d in diagnostics.to_json(sources) {
            eprint_json(&d);
        }
    } else {
        let color = COLOR.get().copied().unwrap_or(false);
        err!("{}", diagnostics.render_styled(sources, WIDTH, color));
    }
}

/// Prints a failed stage's diagnostics and returns exit code 1.
pub fn failed(failed: &Failed) -> u8 {
    eprint_diagnostics(&failed.diagnostics, &failed.sources);
    if !json_errors() {
        errln!("{}", summary(&failed.diagnostics));
    }
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
            error(&e);
            Err(IO)
        }
        Err(LoadError::Invalid(f)) => Err(failed(&f)),
    }
}

/// Reads a file or standard input (`-`); the error is the exit code.
pub fn read(path: &Path) -> Result<String, u8> {
    load::read_input(path).map_err(|e| {
        error(&e);
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
