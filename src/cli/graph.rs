//! Command line: the `graph` subcommand, a guideline drawn as flowcharts
//! (`cairn::graph`), with a patient's path when a case is given.
//!
//! One picture goes to standard output (or `-o FILE`); several go to
//! standard output one after the other for DOT and Mermaid, each after a
//! comment line naming it, or to `-o DIR` as `DIR/ID.EXT`. SVG pictures
//! are never concatenated: several need `-o DIR` (or `--section`). Files
//! are written atomically and never replaced without `--force`.

use super::output::{self, ERRORS, IO};
use cairn::diagnostics::Diagnostics;
use cairn::eval::{self, Program};
use cairn::graph::{self, Format, Picture};
use std::io::Write as _;
use std::path::Path;

/// What `cairn graph` was asked for, besides the guideline.
#[derive(Debug)]
pub struct Settings<'a> {
    /// The case whose path is drawn.
    pub case: Option<&'a Path>,
    /// The output format.
    pub format: Format,
    /// What to draw.
    pub options: graph::Options,
    /// `-o FILE|DIR`.
    pub output: Option<&'a Path>,
    /// Replace existing files.
    pub force: bool,
}

/// `cairn graph GUIDELINE`: 0 when drawn, 1 for a bad guideline, case or
/// section, 2 for a usage or I/O error.
pub fn run(guideline: &Path, settings: &Settings<'_>) -> u8 {
    let checked = match output::guideline(guideline) {
        Ok(c) => c,
        Err(code) => return code,
    };
    let case_file = match settings.case {
        Some(path) => {
            let text = match output::read(path) {
                Ok(t) => t,
                Err(code) => return code,
            };
            match cairn::case::load(&checked, &output::case_name(path), &text) {
                Ok(c) => Some(c),
                Err(f) => return output::failed(&f),
            }
        }
        None => None,
    };
    let program = Program::new(&checked);
    // With a trace, every section takes its own status from it.
    let outcome = case_file
        .as_ref()
        .map(|c| program.evaluate(&c.case, eval::Options { trace: true }));
    let pictures = match graph::render(
        &checked,
        outcome.as_ref(),
        &settings.options,
        settings.format,
    ) {
        Ok(p) => p,
        Err(e) => {
            let mut diagnostics = Diagnostics::new();
            diagnostics.push(cairn::source::FileId(0), e);
            output::eprint_diagnostics(&diagnostics, &cairn::source::SourceMap::new());
            return ERRORS;
        }
    };
    let ext = match settings.format {
        Format::Dot => "dot",
        Format::Mermaid => "mmd",
        Format::Svg => "svg",
    };
    match (settings.output, pictures.as_slice()) {
        (None, [one]) => print(&one.text),
        (None, _) if settings.format == Format::Svg => {
            output::error(format_args!(
                "the guideline is drawn as {} SVG pictures: give `-o DIR` to write them, or `--section ID` for one",
                pictures.len()
            ));
            IO
        }
        (None, _) => {
            let comment = if settings.format == Format::Dot {
                "//"
            } else {
                "%%"
            };
            let mut all = String::new();
            for (i, p) in pictures.iter().enumerate() {
                if i > 0 {
                    all.push('\n');
                }
                all.push_str(&format!("{comment} picture {}: {}\n", p.id, p.title));
                all.push_str(&p.text);
            }
            print(&all)
        }
        (Some(path), [one]) if !path.is_dir() => write_file(path, &one.text, settings.force),
        (Some(dir), _) => write_all(dir, &pictures, ext, settings.force),
    }
}

/// Prints a picture's text on standard output.
fn print(text: &str) -> u8 {
    match output::print(text) {
        Ok(()) => 0,
        Err(output::WriteFailed) => IO,
    }
}

/// Writes every picture into `dir` (created if needed) as `ID.EXT`.
fn write_all(dir: &Path, pictures: &[Picture], ext: &str, force: bool) -> u8 {
    if let Err(e) = std::fs::create_dir_all(dir) {
        output::error(format_args!("cannot create `{}`: {e}", dir.display()));
        return IO;
    }
    let mut code = 0;
    for p in pictures {
        let path = dir.join(format!("{}.{ext}", p.id));
        code = code.max(write_file(&path, &p.text, force));
    }
    if code == 0 {
        errln!("wrote {} picture(s) to `{}`", pictures.len(), dir.display());
    }
    code
}

/// Writes `text` to `path` atomically; an existing file is kept unless
/// `force` (exit code 1 then).
fn write_file(path: &Path, text: &str, force: bool) -> u8 {
    let name = path.display().to_string();
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let written = tempfile::NamedTempFile::new_in(dir).and_then(|mut tmp| {
        tmp.write_all(text.as_bytes())?;
        // A picture is made to be shared: readable by all, as a file the
        // shell creates would be (the temporary file is private).
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt as _;
            tmp.as_file()
                .set_permissions(std::fs::Permissions::from_mode(0o644))?;
        }
        tmp.as_file().sync_all()?;
        Ok(tmp)
    });
    let tmp = match written {
        Ok(t) => t,
        Err(e) => {
            output::error(format_args!("cannot write `{name}`: {e}"));
            return IO;
        }
    };
    let persisted = if force {
        tmp.persist(path).map(|_| ())
    } else {
        tmp.persist_noclobber(path).map(|_| ())
    };
    match persisted {
        Ok(()) => 0,
        Err(e) if e.error.kind() == std::io::ErrorKind::AlreadyExists => {
            output::error(format_args!(
                "`{name}` exists, not overwritten (add --force to replace it)"
            ));
            ERRORS
        }
        Err(e) => {
            output::error(format_args!("cannot write `{name}`: {}", e.error));
            IO
        }
    }
}
