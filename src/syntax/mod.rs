//! Syntax stage: text to typed AST.
//!
//! This is the only module that touches pest. The grammar lives in
//! `grammar/cairn.pest`; pest's generated `Rule` stays private here so it
//! never meets the clinical word "rule". Pest pairs are converted into the
//! typed AST of [`ast`] at once, with byte spans.
//!
//! Error recovery: when a file fails to parse as a whole, it is split into
//! top-level declarations by a small bracket-aware scanner and each piece is
//! parsed on its own, so one broken declaration does not hide the others.

pub mod ast;
mod error;
mod files;
pub mod include;
mod incremental;
mod lower;
mod lower_expr;
mod recover;
mod shift;
mod skipped;

pub use error::SyntaxError;
pub use files::{parse_incremental, parse_with, parse_with_paths, FsLoader, Loader, Parsed};
pub use include::{read_source, IncludePolicy, ReadError, MAX_FILE_BYTES};
pub use incremental::ParseCache;

use crate::diagnostics::Diagnostics;
use crate::source::FileId;
use ast::Module;
use pest::iterators::Pairs;
use pest::Parser;
use std::sync::{Mutex, PoisonError};

#[derive(pest_derive::Parser)]
#[grammar = "../grammar/cairn.pest"]
struct CairnParser;

/// The deepest bracket or `not` nesting accepted; deeper input is rejected
/// with a diagnostic before pest sees it, so it cannot overflow the stack.
pub const MAX_DEPTH: usize = 64;

/// The most syntax errors reported per file; the rest are counted in one
/// last diagnostic, never dropped silently.
pub const MAX_SYNTAX_ERRORS: usize = 100;

/// The most declarations in one guideline (all its files together).
pub const MAX_DECLARATIONS: usize = 100_000;

/// The most files one guideline may include (directly or not).
pub const MAX_INCLUDED_FILES: usize = 1_000;

/// A parsed file and the diagnostics found while parsing it.
#[derive(Debug)]
pub struct ParsedFile {
    /// The declarations that parsed.
    pub module: Module,
    /// Syntax errors; the module holds whatever could be recovered.
    pub diagnostics: Diagnostics,
}

/// Stack size for the parsing thread: pest and the lowering recurse once per
/// grammar level, so `MAX_DEPTH` brackets need far more than a default
/// thread's stack in debug builds.
pub(crate) const PARSER_STACK: usize = 256 * 1024 * 1024;

/// Parses one file's text into a module, recovering per declaration.
///
/// The work runs on a thread with a large stack, so that nesting up to
/// [`MAX_DEPTH`] never overflows whatever thread the caller is on.
pub fn parse_module(file: FileId, text: &str) -> ParsedFile {
    on_parser_stack(|| parse_module_here(file, text))
}

/// Runs `work` on a thread with [`PARSER_STACK`] bytes of stack, or on this
/// thread when that one cannot start (or failed).
fn on_parser_stack<T: Send>(mut work: impl FnMut() -> T + Send) -> T {
    let spawned = std::thread::scope(|scope| {
        std::thread::Builder::new()
            .name("cairn-parser".into())
            .stack_size(PARSER_STACK)
            .spawn_scoped(scope, &mut work)
            .map(|handle| handle.join())
    });
    match spawned {
        Ok(Ok(parsed)) => parsed,
        _ => work(),
    }
}

/// Serialises the parses that run with pest's error detail on, so that no
/// other detailed parse can switch the process-wide flag off under them.
static ERROR_DETAIL: Mutex<()> = Mutex::new(());

/// Parses `text` as `rule`. The first try runs without pest's error detail,
/// which tracks every attempt and costs most of a successful parse; only when
/// it fails is the text parsed again with detail on, for the farthest attempt
/// and the literal tokens expected there.
fn parse_rule(rule: Rule, text: &str) -> Result<Pairs<'_, Rule>, pest::error::Error<Rule>> {
    CairnParser::parse(rule, text).or_else(|_| {
        // A poisoned lock still serialises: the flag is set below regardless.
        let _only_detailed_parse = ERROR_DETAIL.lock().unwrap_or_else(PoisonError::into_inner);
        // pest reads the flag when a parse starts, so a plain parse that
        // starts on another thread meanwhile is merely slower, never wrong.
        pest::set_error_detail(true);
        let detailed = CairnParser::parse(rule, text);
        pest::set_error_detail(false);
        detailed
    })
}

fn parse_module_here(file: FileId, text: &str) -> ParsedFile {
    let mut diagnostics = Diagnostics::new();
    // A byte-order mark and stray control characters become blanks of the
    // same length, so every span still points into the original text.
    let cleaned = recover::clean(file, text, &mut diagnostics);
    let text: &str = &cleaned;
    if let Some(offset) = recover::too_deep(text, MAX_DEPTH) {
        diagnostics.push(
            file,
            SyntaxError::TooDeep {
                limit: MAX_DEPTH,
                span: (offset, 1).into(),
            },
        );
        // Nothing of the file is checked: none of its names is unused or
        // unknown, and its header (if any) is not missing.
        let mut module = Module::default();
        module.skipped.add(text);
        return ParsedFile {
            module,
            diagnostics,
        };
    }
    // A whole file that fails is parsed again declaration by declaration, and
    // only those errors are reported, so this parse needs no error detail.
    let module = match CairnParser::parse(Rule::file, text) {
        Ok(mut pairs) => {
            let mut module = Module::default();
            if let Some(file_pair) = pairs.next() {
                let mut cx = lower::Lower::new(file, &mut diagnostics);
                module.decls = cx.file(file_pair);
            }
            module
        }
        Err(_) => recover::parse_each(file, text, &mut diagnostics),
    };
    recover::cap_errors(file, &mut diagnostics, MAX_SYNTAX_ERRORS);
    ParsedFile {
        module,
        diagnostics,
    }
}

/// Parses a single declaration that starts at byte `offset` of the file
/// into `module`; spans are moved by `offset`, so they point into the whole
/// file. A declaration that does not parse leaves its names in
/// `module.skipped`.
fn parse_lone(
    file: FileId,
    text: &str,
    offset: usize,
    diagnostics: &mut Diagnostics,
    module: &mut Module,
) {
    match parse_rule(Rule::lone_decl, text) {
        Ok(mut pairs) => {
            let Some(pair) = pairs.next() else {
                return;
            };
            let mut cx = lower::Lower::at(file, offset, diagnostics);
            module.decls.extend(cx.lone_decl(pair));
        }
        Err(e) => {
            diagnostics.push(file, lower::syntax_error(e, text).shifted(offset));
            module.skipped.add(text);
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::{parse_with, FsLoader};

    /// Every broken file of the syntax corpus with its diagnostics as
    /// rendered by a parse on this thread alone.
    fn broken_files() -> Vec<(String, String, String)> {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/corpus/syntax");
        let mut files: Vec<_> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "cairn"))
            .collect();
        files.sort();
        files
            .into_iter()
            .map(|path| {
                let name = path.to_string_lossy().to_string();
                let text = std::fs::read_to_string(&path).unwrap();
                let parsed = parse_with(&name, &text, &FsLoader);
                let rendered = parsed.diagnostics.render(&parsed.sources, 100);
                (name, text, rendered)
            })
            .collect()
    }

    /// pest's error detail is a process-wide switch that only failing parses
    /// turn on: parses that fail while others succeed on other threads must
    /// still report exactly what they report alone.
    #[test]
    fn concurrent_parses_report_the_same_errors() {
        let expected = broken_files();
        assert!(expected.len() >= 7);
        assert!(expected.iter().all(|(_, _, r)| !r.is_empty()));
        // Most of them carry the "expected ..." list that error detail builds.
        assert!(
            expected
                .iter()
                .filter(|(_, _, r)| r.contains("expected"))
                .count()
                >= 5
        );
        let good = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/guidelines/rps/initial-management.cairn"
        );
        let good_text = std::fs::read_to_string(good).unwrap();
        std::thread::scope(|scope| {
            for worker in 0..4 {
                let expected = &expected;
                let good_text = &good_text;
                scope.spawn(move || {
                    for round in 0..3 {
                        for (n, (name, text, rendered)) in expected.iter().enumerate() {
                            if (n + worker + round) % 2 == 0 {
                                let ok = parse_with(good, good_text, &FsLoader);
                                assert!(!ok.diagnostics.has_errors());
                            }
                            let parsed = parse_with(name, text, &FsLoader);
                            let again = parsed.diagnostics.render(&parsed.sources, 100);
                            assert_eq!(&again, rendered, "{name}");
                        }
                    }
                });
            }
        });
    }
}
