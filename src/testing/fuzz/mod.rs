//! Testing stage: the bodies of the fuzz targets (`fuzz/`, cargo-fuzz).
//!
//! Each target in `fuzz/fuzz_targets/` is a three-line wrapper around one
//! function here, so the same body runs under libFuzzer (nightly, `fuzz/run.sh`)
//! and in `cargo test`, which replays every committed corpus and regression
//! input through it (`tests/it/fuzz_replay.rs`). A body returns `Err` with a
//! description when a property is violated; a panic is a finding too.
//!
//! Nothing here reads the file system on behalf of the input: includes are
//! served by [`NoFiles`], so a campaign explores the parser and checker, not
//! the machine it runs on (hostile paths are `tests/hostile/`'s job).

mod agreement;
mod lsp;

pub use agreement::evaluator_agreement;
pub use lsp::lsp_messages;

use crate::check::Checked;
use crate::eval::outcome::render;
use crate::eval::{Options, Program};
use crate::syntax::{parse_module, Loader};
use std::path::Path;
use std::sync::OnceLock;

/// The width diagnostics and traces are rendered at.
const WIDTH: usize = 100;

/// A [`Loader`] that has no files: every `include` fails to load.
pub struct NoFiles;

impl Loader for NoFiles {
    fn load(&self, path: &Path) -> std::io::Result<String> {
        Err(std::io::Error::new(
            std::io::ErrorKind::NotFound,
            format!("`{}` is not available while fuzzing", path.display()),
        ))
    }
}

/// Fuzz inputs are bytes; the tools read text, so invalid UTF-8 is replaced
/// (the tools reject it before any of this runs).
fn text(data: &[u8]) -> String {
    String::from_utf8_lossy(data).into_owned()
}

/// `parse_check`: any text parses and checks without panicking; the
/// diagnostics render (as text and JSON) and a checked guideline compiles.
pub fn parse_check(data: &[u8]) -> Result<(), String> {
    let source = text(data);
    let parsed = crate::syntax::parse_with("fuzz.cairn", &source, &NoFiles);
    match parsed.check() {
        Ok(checked) => {
            let _ = checked.warnings.render(&checked.sources, WIDTH);
            let _ = checked.warnings.to_json(&checked.sources);
            let _ = Program::new(&checked);
        }
        Err(failed) => {
            if !failed.diagnostics.has_errors() {
                return Err("the check failed without an error".into());
            }
            let _ = failed.diagnostics.render(&failed.sources, WIDTH);
            let _ = failed.diagnostics.to_json(&failed.sources);
        }
    }
    Ok(())
}

/// `fmt_roundtrip`: whatever parses formats, the formatted text parses to
/// the same AST (spans aside), and formatting it again changes nothing.
pub fn fmt_roundtrip(data: &[u8]) -> Result<(), String> {
    let source = text(data);
    let original = parse_module(crate::source::FileId(0), &source);
    let formatted = match crate::format::format_source("fuzz.cairn", &source) {
        Ok(out) => out,
        Err(failed) => {
            let broken = failed
                .diagnostics
                .reports
                .iter()
                .any(|r| r.code() == "cairn::format::changes_meaning");
            if broken || !original.diagnostics.has_errors() {
                return Err(format!(
                    "a file that parses does not format:\n{}",
                    failed.diagnostics.render(&failed.sources, WIDTH)
                ));
            }
            return Ok(());
        }
    };
    if original.diagnostics.has_errors() {
        return Err("a file with syntax errors was formatted".into());
    }
    let reparsed = parse_module(crate::source::FileId(0), &formatted);
    if reparsed.diagnostics.has_errors()
        || !crate::format::same_ast(&original.module, &reparsed.module)
    {
        return Err(format!(
            "the formatted text does not mean the same:\n{formatted}"
        ));
    }
    match crate::format::format_source("fuzz.cairn", &formatted) {
        Ok(again) if again == formatted => Ok(()),
        Ok(again) => Err(format!(
            "formatting is not idempotent:\n--- once\n{formatted}\n--- twice\n{again}"
        )),
        Err(failed) => Err(format!(
            "the formatted text does not format again:\n{}",
            failed.diagnostics.render(&failed.sources, WIDTH)
        )),
    }
}

/// The sarcoma guideline, checked and compiled once per process.
struct Fixed {
    checked: Checked,
    program: Program,
}

/// The sarcoma guideline of this repository (`guidelines/rps`).
fn sarcoma() -> Result<&'static Fixed, String> {
    static FIXED: OnceLock<Result<Fixed, String>> = OnceLock::new();
    let fixed = FIXED.get_or_init(|| {
        let path = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("guidelines")
            .join("rps")
            .join("initial-management.cairn");
        let parsed = crate::parse_file(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        let checked = parsed
            .check()
            .map_err(|f| f.diagnostics.render(&f.sources, WIDTH))?;
        let program = Program::new(&checked);
        Ok(Fixed { checked, program })
    });
    fixed.as_ref().map_err(Clone::clone)
}

/// `case_eval`: any bytes as a case file of the sarcoma guideline load or
/// are rejected with diagnostics; a loaded case evaluates, and its note,
/// trace and JSON render.
pub fn case_eval(data: &[u8]) -> Result<(), String> {
    let fixed = sarcoma()?;
    let json = text(data);
    match crate::load_case(&fixed.checked, "case.json", &json) {
        Ok(file) => {
            let outcome = fixed.program.evaluate(&file.case, Options { trace: true });
            let _ = render::note(&outcome, &fixed.checked);
            let _ = render::trace(&outcome, &fixed.checked, WIDTH);
            serde_json::to_string(&outcome)
                .map_err(|e| format!("the outcome does not serialise: {e}"))?;
            let plain = fixed.program.evaluate(&file.case, Options::default());
            if plain.recommendations != outcome.recommendations {
                return Err("the outcome with a trace differs from the one without".into());
            }
        }
        Err(failed) => {
            if !failed.diagnostics.has_errors() {
                return Err("the case was rejected without an error".into());
            }
            let _ = failed.diagnostics.render(&failed.sources, WIDTH);
            let _ = failed.diagnostics.to_json(&failed.sources);
        }
    }
    Ok(())
}

/// A fuzz body: `Err` describes the property an input violates.
pub type Body = fn(&[u8]) -> Result<(), String>;

/// Every target by name, for the replay test.
pub const TARGETS: &[(&str, Body)] = &[
    ("parse_check", parse_check),
    ("fmt_roundtrip", fmt_roundtrip),
    ("case_eval", case_eval),
    ("evaluator_agreement", evaluator_agreement),
    ("lsp_messages", lsp_messages),
];
