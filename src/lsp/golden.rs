//! Language server: running the open guideline's golden cases.
//!
//! The command `cairn.runTests` (offered by a code lens on the guideline's
//! header, "Run N golden cases") runs the cases of `cases/` next to the
//! guideline that run against it, with the runner behind `cairn test`
//! ([`crate::testing::runner`]). Like `cairn test`, it reads the files as
//! saved. Its answer is the pass and fail counts with each case's verdict;
//! the server also shows a summary message and publishes each failing
//! case's explanation as a diagnostic on its case file (and clears those
//! of passing ones).

use super::analysis::{path_to_uri, Analysis};
use crate::syntax::ast::DeclKind;
use crate::testing::discover::{self, Finder};
use crate::testing::runner::{self, CaseReport, Options, TestReport};
use lsp_types::{CodeLens, Command, Diagnostic, DiagnosticSeverity, NumberOrString, Range, Uri};
use serde::Serialize;
use std::path::{Path, PathBuf};

/// The command that runs the golden cases; its one argument is the
/// guideline document's URI.
pub const RUN_TESTS: &str = "cairn.runTests";

/// The answer of `cairn.runTests`.
#[derive(Debug, Serialize)]
pub struct Summary {
    /// Number of passing cases.
    pub passed: usize,
    /// Number of failing cases.
    pub failed: usize,
    /// Every case run, in path order.
    pub cases: Vec<CaseVerdict>,
}

/// One case's verdict.
#[derive(Debug, Serialize)]
pub struct CaseVerdict {
    /// The case file.
    pub file: String,
    /// The case's name.
    pub name: String,
    /// True when every expectation held.
    pub ok: bool,
}

/// The case files under the guideline's `cases/` folder that run against
/// the guideline at `path`.
fn own_cases(path: &Path) -> Vec<PathBuf> {
    let target = path.canonicalize().ok();
    let (found, _) = discover::cases(&[path.to_path_buf()]);
    let mut finder = Finder::default();
    found
        .into_iter()
        .filter(|f| {
            let key = runner::guideline_key(&f.text);
            let guideline = finder.guideline_for(&f.path, key.as_deref()).ok();
            target.is_some() && guideline.and_then(|g| g.canonicalize().ok()) == target
        })
        .map(|f| f.path)
        .collect()
}

/// Runs the golden cases of the guideline at `path`.
pub fn run(path: &Path) -> TestReport {
    let cases = own_cases(path);
    if cases.is_empty() {
        return TestReport::default();
    }
    runner::run(&cases, &Options::default())
}

/// The command's answer for a run.
pub fn summary(report: &TestReport) -> Summary {
    Summary {
        passed: report.passed,
        failed: report.failed,
        cases: report
            .cases
            .iter()
            .map(|c| CaseVerdict {
                file: c.file.clone(),
                name: c.name.clone(),
                ok: c.ok,
            })
            .collect(),
    }
}

/// The one-line message shown after a run.
pub fn message(report: &TestReport) -> String {
    match (report.cases.len(), report.failed) {
        (0, _) => "no golden cases run against this guideline".into(),
        (n, 0) => format!("{n} golden case(s): all passed"),
        (n, failed) => format!("{n} golden case(s): {} passed, {failed} failed", n - failed),
    }
}

/// The diagnostics to publish on each case file: the explanation of a
/// failure at the top of the file, nothing for a passing case.
pub fn case_diagnostics(report: &TestReport) -> Vec<(Uri, Vec<Diagnostic>)> {
    report
        .cases
        .iter()
        .filter_map(|c| Some((path_to_uri(Path::new(&c.file))?, failure(c))))
        .collect()
}

/// A golden case of the open guideline that failed when the language
/// server ran its cases (`cairn.runTests`): a diagnostic on the case file.
pub(crate) const TEST_FAILED: &str = "cairn::test::failed";

fn failure(case: &CaseReport) -> Vec<Diagnostic> {
    if case.ok {
        return Vec::new();
    }
    vec![Diagnostic {
        range: Range::default(),
        severity: Some(DiagnosticSeverity::ERROR),
        code: Some(NumberOrString::String(TEST_FAILED.into())),
        source: Some("cairn".into()),
        message: format!(
            "golden case `{}` fails:\n{}",
            case.name,
            case.detail.trim_end()
        ),
        ..Diagnostic::default()
    }]
}

/// The code lens "Run N golden cases" on the guideline's header, when the
/// guideline has cases.
pub fn lenses(analysis: &Analysis, uri: &Uri, path: &Path) -> Vec<CodeLens> {
    let Some(header) = analysis
        .decls
        .iter()
        .find(|d| matches!(d.kind, DeclKind::Header(_)))
    else {
        return Vec::new();
    };
    let n = own_cases(path).len();
    if n == 0 {
        return Vec::new();
    }
    let start = analysis.range(header.span).start;
    vec![CodeLens {
        range: Range::new(start, start),
        command: Some(Command {
            title: format!("Run {n} golden case{}", if n == 1 { "" } else { "s" }),
            command: RUN_TESTS.into(),
            arguments: Some(vec![serde_json::Value::String(uri.as_str().into())]),
        }),
        data: None,
    }]
}
