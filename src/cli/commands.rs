//! Command line: the `check`, `run` and `explain` subcommands.

use super::output::{self, ERRORS, IO, WIDTH};
use super::{Audience, ErrorFormat, Format};
use cairn::diagnostics::{Diagnostics, JsonDiagnostic};
use cairn::eval::outcome::{TraceFilter, TraceView};
use cairn::eval::{self, Program};
use cairn::syntax::{self, FsLoader};
use cairn::{case, check};
use std::path::{Path, PathBuf};

/// `cairn check FILE…`: 0 when no file has errors, 1 when one has, 2 when a
/// file cannot be read.
///
/// A folder is searched for `.cairn` files, and those with a `guideline`
/// header are checked (with what they include): a file without one is a
/// shared vocabulary, checked through the guidelines that include it.
pub fn check(paths: &[PathBuf], format: ErrorFormat) -> u8 {
    let mut json: Vec<JsonDiagnostic> = Vec::new();
    let mut code = 0;
    let mut files = Vec::new();
    for path in paths {
        let mut found = Vec::new();
        if let Err(e) = super::fmt::collect(path, true, &mut found) {
            super::output::error(format_args!("cannot read `{}`: {e}", path.display()));
            code = IO;
        }
        let searched = path.is_dir();
        files.extend(found.into_iter().map(|f| (f, searched)));
    }
    for (path, searched) in &files {
        let name = path.display().to_string();
        let text = match syntax::include::read_named(path) {
            Ok(t) => t,
            Err(e) => {
                super::output::error(format_args!("cannot read `{name}`: {e}"));
                code = IO;
                continue;
            }
        };
        if *searched && !has_header(&text) {
            continue;
        }
        let parsed = syntax::parse_with_paths(&name, &text, &FsLoader, output::include_paths());
        let (sources, diagnostics) = match check::check(parsed) {
            Ok(checked) => (checked.sources, checked.warnings),
            Err(failed) => (failed.sources, failed.diagnostics),
        };
        if diagnostics.has_errors() && code == 0 {
            code = ERRORS;
        }
        match format {
            ErrorFormat::Json => json.extend(diagnostics.to_json(&sources)),
            ErrorFormat::Human => {
                output::eprint_diagnostics(&diagnostics, &sources);
                let verdict = if diagnostics.has_errors() {
                    "failed"
                } else {
                    "ok"
                };
                errln!("{name}: {verdict} ({})", output::summary(&diagnostics));
            }
        }
    }
    if format == ErrorFormat::Json {
        match serde_json::to_string_pretty(&json) {
            Ok(s) => outln!("{s}"),
            Err(e) => {
                errln!("error: cannot write JSON: {e}");
                return IO;
            }
        }
    }
    code
}

/// True when a line of `text` starts a `guideline` header.
fn has_header(text: &str) -> bool {
    text.lines().any(|line| {
        line.strip_prefix("guideline")
            .is_some_and(|rest| rest.starts_with(char::is_whitespace))
    })
}

/// The guideline and the case a `run` reads: a case file, or a FHIR
/// bundle extracted through a binding (`--fhir`); every failure printed.
pub(super) fn load_input(
    guideline: &Path,
    input: Input,
) -> Result<(cairn::check::Checked, case::CaseFile), u8> {
    match input {
        Input::Case(case_path) => load(guideline, case_path),
        Input::Fhir(source) => {
            let checked = output::guideline(guideline)?;
            let case = super::fhir_extract::case(&checked, &source)?;
            Ok((checked, case))
        }
        Input::Missing => {
            output::error("give the case: `--case FILE`, or `--fhir BUNDLE --binding FILE`");
            Err(IO)
        }
    }
}

/// Loads the guideline and the case; the error is the exit code.
pub(super) fn load(
    guideline: &Path,
    case_path: &Path,
) -> Result<(cairn::check::Checked, case::CaseFile), u8> {
    let checked = output::guideline(guideline)?;
    let text = output::read(case_path)?;
    match case::load(&checked, &output::case_name(case_path), &text) {
        Ok(c) => Ok((checked, c)),
        Err(f) => Err(output::failed(&f)),
    }
}

/// The trace view of `run --trace`: `--only` is a status word or an id.
pub fn trace_view(only: Option<&str>, depth: usize, full: bool) -> TraceView {
    let only = match only {
        None | Some("applies") => TraceFilter::Applies,
        Some("undetermined") => TraceFilter::Undetermined,
        Some("not_applicable") => TraceFilter::NotApplicable,
        Some(id) => TraceFilter::Step(id.to_string()),
    };
    TraceView { only, depth, full }
}

/// Prints an explanation error (an unknown id) on standard error.
fn explain_error(e: eval::ExplainError) -> u8 {
    let mut diagnostics = Diagnostics::new();
    diagnostics.push(cairn::source::FileId(0), e);
    output::eprint_diagnostics(&diagnostics, &cairn::source::SourceMap::new());
    ERRORS
}

/// Where `cairn run` reads its case from.
pub enum Input<'a> {
    /// A case file (`--case`).
    Case(&'a Path),
    /// A FHIR Bundle through a binding (`--fhir`, `--binding`).
    Fhir(super::fhir_extract::Source<'a>),
    /// Neither was given.
    Missing,
}

/// `cairn run GUIDELINE --case CASE` (or `--fhir BUNDLE --binding B`),
/// with the trace when `view` is given and the text note for `audience`.
/// A case with an `"extraction"` block gets it echoed in the JSON outcome.
pub fn run(
    guideline: &Path,
    input: Input,
    format: Format,
    view: Option<TraceView>,
    audience: Audience,
) -> u8 {
    let (checked, case_file) = match load_input(guideline, input) {
        Ok(x) => x,
        Err(code) => return code,
    };
    let program = Program::new(&checked);
    // The outcome borrows the program's strings; its JSON is written by
    // the serializer straight from it.
    let mut scratch = program.scratch();
    let trace = view.is_some();
    let outcome = program.evaluate_with(&case_file.case, &mut scratch, eval::Options { trace });
    match (format, view) {
        (Format::Json, _) => match &case_file.extraction {
            None => print_json(&outcome),
            Some(block) => match serde_json::to_value(&outcome) {
                Ok(mut value) => {
                    value["extraction"] = block.clone();
                    print_json(&value)
                }
                Err(e) => {
                    errln!("error: cannot write JSON: {e}");
                    IO
                }
            },
        },
        (Format::Text, view) => {
            // An unknown `--only` id fails before anything is printed.
            let trace_text = match &view {
                Some(view) => match eval::outcome::trace_with(&outcome, &checked, view, WIDTH) {
                    Ok(t) => Some(t),
                    Err(e) => return explain_error(e),
                },
                None => None,
            };
            let note = match audience {
                Audience::Informaticist => eval::render::note(&outcome, &checked),
                Audience::Clinician => {
                    let produced = produced();
                    let input = eval::render::NoteInput {
                        case: &case_file,
                        produced: &produced,
                    };
                    eval::render::clinician(&outcome, &program, &mut scratch, &input)
                }
            };
            out!("{note}");
            if let Some(text) = trace_text {
                outln!("\nTrace\n");
                out!("{text}");
            }
            0
        }
    }
}

/// When a note is produced, in UTC to the minute: now, or the time that
/// `SOURCE_DATE_EPOCH` (seconds since 1970, the reproducible-builds
/// convention) fixes, so that a note can be reproduced byte for byte.
pub(super) fn produced() -> String {
    let secs = now_secs();
    let (days, rest) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    let day = i32::try_from(days).unwrap_or(0);
    format!(
        "{} {:02}:{:02} UTC",
        cairn::value::format_date(day),
        rest / 3600,
        rest % 3600 / 60
    )
}

/// Seconds since 1970: the time `SOURCE_DATE_EPOCH` fixes (the
/// reproducible-builds convention), or now. One clock for the note's
/// "produced" line and the default as-of date of a FHIR extraction, so a
/// run can be reproduced on another day.
pub(super) fn now_secs() -> i64 {
    let fixed = std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|s| s.trim().parse::<i64>().ok());
    fixed.unwrap_or_else(|| {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(0))
    })
}

/// `cairn explain GUIDELINE --case CASE ID`.
pub fn explain(guideline: &Path, case_path: &Path, id: &str, format: Format) -> u8 {
    let (checked, case_file) = match load(guideline, case_path) {
        Ok(x) => x,
        Err(code) => return code,
    };
    let program = Program::new(&checked);
    let mut scratch = program.scratch();
    let options = eval::Options { trace: true };
    let outcome = program.evaluate_with(&case_file.case, &mut scratch, options);
    match eval::explain(&outcome, &checked, id) {
        Ok(steps) if format == Format::Json => print_json(&steps),
        Ok(steps) => {
            out!("{}", eval::render::steps(&steps, &outcome, &checked, WIDTH));
            0
        }
        Err(e) => explain_error(e),
    }
}

/// Prints a value as pretty JSON on standard output, serialized straight
/// from its `Serialize` implementation (no JSON tree in between).
pub fn print_json<T: serde::Serialize>(value: &T) -> u8 {
    let mut buffer = Vec::with_capacity(64 * 1024);
    match serde_json::to_writer_pretty(&mut buffer, value) {
        Ok(()) => {
            // serde_json writes UTF-8 only.
            outln!("{}", String::from_utf8_lossy(&buffer));
            0
        }
        Err(e) => {
            errln!("error: cannot write JSON: {e}");
            IO
        }
    }
}
