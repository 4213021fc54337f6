//! Command line: `cairn report GUIDELINE --case CASE`, the HTML report of one
//! case (`cairn::eval::outcome::report`) with the flowcharts of
//! `cairn::graph` on the case's path (the overview and the top-level
//! sections holding a recommendation that applies or is undetermined), on
//! standard output or written atomically to `-o FILE`, which is not
//! replaced without `--force`.

use super::commands::{load, produced};
use super::output::{self, ERRORS, IO};
use cairn::eval::outcome::report;
use cairn::eval::{self, render::NoteInput, Program};
use cairn::graph;
use std::io::Write as _;
use std::path::{Path, PathBuf};

/// What `cairn report` was asked for.
pub struct Settings {
    /// The output file; standard output when `None`.
    pub output: Option<PathBuf>,
    /// Replace an existing output file.
    pub force: bool,
}

/// `cairn report`: 0 when written, 1 for a guideline or case with errors or
/// an output file that exists, 2 when a file cannot be read or written.
pub fn run(guideline: &Path, case_path: &Path, settings: &Settings) -> u8 {
    let (checked, case_file) = match load(guideline, case_path) {
        Ok(x) => x,
        Err(code) => return code,
    };
    let program = Program::new(&checked);
    let mut scratch = program.scratch();
    // With the trace, the flowcharts colour each section by its own status.
    let options = eval::Options { trace: true };
    let outcome = program.evaluate_with(&case_file.case, &mut scratch, options);
    let options = graph::Options::default();
    let pictures = match graph::render(&checked, Some(&outcome), &options, graph::Format::Svg) {
        Ok(p) => p,
        Err(e) => {
            output::error(format_args!("cannot draw the flowcharts: {e}"));
            return ERRORS;
        }
    };
    // The overview (or the one picture of a small guideline) and the
    // top-level sections on the case's path.
    let on_path = report::sections_on_path(&checked.model, &outcome);
    let flowcharts: Vec<report::Flowchart> = pictures
        .iter()
        .filter(|p| pictures.len() == 1 || p.id == "overview" || on_path.contains(&p.id))
        .map(|p| report::Flowchart {
            title: &p.title,
            svg: &p.text,
        })
        .collect();
    let produced = produced();
    let input = NoteInput {
        case: &case_file,
        produced: &produced,
    };
    let html = report::html(&outcome, &program, &mut scratch, &input, &flowcharts);
    match &settings.output {
        None => match output::print(&html) {
            Ok(()) => 0,
            Err(_) => IO,
        },
        Some(path) => match write(path, &html, settings.force) {
            Ok(()) => 0,
            Err((code, message)) => {
                output::error(message);
                code
            }
        },
    }
}

/// Writes `text` to `path` through a temporary file in the same folder,
/// so that the file appears complete or not at all; an existing file is
/// replaced only with `force` (`cairn report -o`, `cairn fhir extract -o`).
pub(super) fn write(path: &Path, text: &str, force: bool) -> Result<(), (u8, String)> {
    let name = path.display().to_string();
    let io = |e: std::io::Error| (IO, format!("cannot write `{name}`: {e}"));
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let mut tmp = tempfile::Builder::new()
        .prefix(".cairn-")
        .tempfile_in(dir)
        .map_err(io)?;
    tmp.write_all(text.as_bytes()).map_err(io)?;
    tmp.as_file().sync_all().map_err(io)?;
    super::batch_arrow::readable(tmp.as_file());
    if force {
        return tmp.persist(path).map(|_| ()).map_err(|e| io(e.error));
    }
    match tmp.persist_noclobber(path) {
        Ok(_) => Ok(()),
        Err(e) if e.error.kind() == std::io::ErrorKind::AlreadyExists => Err((
            ERRORS,
            format!("`{name}` exists, not overwritten (add --force to replace it)"),
        )),
        Err(e) => Err(io(e.error)),
    }
}
