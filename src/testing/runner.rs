//! Testing stage: the test runner behind `cairn test` and `cargo test`.
//!
//! Each case runs through the same pipeline as `cairn run` (parse, check,
//! load the case, evaluate with a trace); the verdict compares the case's
//! `expect` block with the interpreter's outcome.

use super::compare::{self, Difference};
use super::coverage::{Collector, Coverage};
use super::discover;
use super::load::{self, LoadError};
use crate::case;
use crate::check::Checked;
use crate::diagnostics::JsonDiagnostic;
use crate::eval::{self, Program};
use serde::Serialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// What to run and measure.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Options {
    /// Measure coverage.
    pub coverage: bool,
    /// Fail when a guideline's condition coverage is below this percentage.
    pub min_coverage: Option<f64>,
    /// Width for rendered traces and diagnostics.
    pub width: usize,
    /// Run only the cases whose path or `name` matches this pattern (a
    /// substring, or a glob with `*` and `?`).
    pub filter: Option<String>,
}

/// The result of one case.
#[derive(Debug, Clone, Serialize)]
pub struct CaseReport {
    /// The case file.
    pub file: String,
    /// The case's name.
    pub name: String,
    /// The guideline it ran against.
    pub guideline: String,
    /// True when every expectation held.
    pub ok: bool,
    /// The expectations that failed.
    pub differences: Vec<Difference>,
    /// Diagnostics when the case or its guideline could not be loaded.
    pub diagnostics: Vec<JsonDiagnostic>,
    /// The rendered explanation of a failure: the expectations that differ
    /// (and the missing facts of an undetermined one), or diagnostics.
    pub detail: String,
    /// True when the case and its guideline loaded and the case ran, so
    /// its `expect` block can be rewritten by `cairn test --bless`.
    #[serde(skip)]
    pub ran: bool,
}

/// The result of a whole run.
#[derive(Debug, Clone, Serialize, Default)]
pub struct TestReport {
    /// One entry per case, in path order.
    pub cases: Vec<CaseReport>,
    /// Paths that could not be read.
    pub io_errors: Vec<String>,
    /// Coverage per guideline, when requested.
    pub coverage: Vec<Coverage>,
    /// The coverage threshold, when one was given.
    pub min_coverage: Option<f64>,
    /// Number of passing cases.
    pub passed: usize,
    /// Number of failing cases.
    pub failed: usize,
    /// Number of cases left out by the filter.
    pub filtered_out: usize,
}

impl TestReport {
    /// True when every coverage measured meets the threshold.
    pub fn coverage_ok(&self) -> bool {
        match self.min_coverage {
            Some(min) => self.coverage.iter().all(|c| c.percent + 1e-9 >= min),
            None => true,
        }
    }

    /// True when the run passed: no failing case, no unreadable path, no
    /// coverage below the threshold, and at least one case.
    pub fn success(&self) -> bool {
        self.failed == 0
            && self.io_errors.is_empty()
            && self.coverage_ok()
            && !self.cases.is_empty()
    }
}

/// A guideline that did not load: its rendered diagnostics and their JSON.
type LoadFailure = (String, Vec<JsonDiagnostic>);

/// A case kept for coverage, and the interpreter's outcome for it.
type Measured = (case::Case, eval::outcome::Outcome<'static>);

struct Loaded {
    checked: Checked,
    program: Program,
}

/// Runs every case with an `expect` block under `paths`.
pub fn run(paths: &[PathBuf], options: &Options) -> TestReport {
    run_with_include_paths(paths, options, &[])
}

/// [`run`], where includes and cases' `"guideline"` keys may also resolve
/// inside the folders of `include_paths` (`--include-path`).
pub fn run_with_include_paths(
    paths: &[PathBuf],
    options: &Options,
    include_paths: &[PathBuf],
) -> TestReport {
    let width = if options.width == 0 {
        100
    } else {
        options.width
    };
    let (mut found, io) = discover::cases(paths);
    let before = found.len();
    if let Some(pattern) = &options.filter {
        found.retain(|f| super::filter::matches(pattern, &f.path, &f.text));
    }
    let filtered_out = before - found.len();
    let mut report = TestReport {
        filtered_out,
        io_errors: io
            .iter()
            .map(|(p, e)| format!("cannot read `{}`: {e}", p.display()))
            .collect(),
        min_coverage: options.min_coverage,
        ..TestReport::default()
    };
    let mut guidelines: BTreeMap<PathBuf, Result<Loaded, LoadFailure>> = BTreeMap::new();
    let mut cases_by_guideline: BTreeMap<PathBuf, Vec<Measured>> = BTreeMap::new();
    let mut finder = discover::Finder::with_include_paths(include_paths.to_vec());
    let mut broken: Vec<PathBuf> = Vec::new();
    for f in found {
        let file = f.path.display().to_string();
        let key = guideline_key(&f.text);
        let guideline_path = match finder.guideline_for(&f.path, key.as_deref()) {
            Ok(p) => p,
            Err(e) => {
                report.cases.push(failure(&file, &file, "", e, vec![]));
                continue;
            }
        };
        let gname = guideline_path.display().to_string();
        let loaded = guidelines
            .entry(guideline_path.clone())
            .or_insert_with(|| load_guideline(&guideline_path, width, include_paths));
        let loaded = match loaded {
            Ok(l) => l,
            Err((text, diags)) => {
                // The guideline's diagnostics are shown with its first case
                // only; the others point back to them.
                let first = !broken.contains(&guideline_path);
                let (msg, diags) = if first {
                    broken.push(guideline_path.clone());
                    (
                        format!("guideline `{gname}` does not load:\n{text}"),
                        diags.clone(),
                    )
                } else {
                    (
                        format!("guideline `{gname}` does not load (see above)"),
                        vec![],
                    )
                };
                report.cases.push(failure(&file, &file, &gname, msg, diags));
                continue;
            }
        };
        let case_file = match case::load(&loaded.checked, &file, &f.text) {
            Ok(c) => c,
            Err(failed) => {
                let text = failed.diagnostics.render(&failed.sources, width);
                let diags = failed.diagnostics.to_json(&failed.sources);
                report
                    .cases
                    .push(failure(&file, &file, &gname, text, diags));
                continue;
            }
        };
        let outcome = loaded
            .program
            .evaluate(&case_file.case, eval::Options { trace: true });
        let differences = case_file
            .expect
            .as_ref()
            .map(|e| compare::differences(e, &outcome))
            .unwrap_or_default();
        let ok = differences.is_empty() && case_file.expect.is_some();
        let detail = if case_file.expect.is_none() {
            "the case has no `expect` block".to_string()
        } else {
            super::text::diff(&differences, &outcome)
                + &super::text::hint(&differences, &gname, &file)
        };
        report.cases.push(CaseReport {
            file: file.clone(),
            name: case_file.name.clone(),
            guideline: gname,
            ok,
            differences,
            diagnostics: vec![],
            detail,
            ran: true,
        });
        if options.coverage {
            cases_by_guideline
                .entry(guideline_path)
                .or_default()
                .push((case_file.case, outcome));
        }
    }
    for (path, cases) in &cases_by_guideline {
        if let Some(Ok(loaded)) = guidelines.get(path) {
            let mut collector = Collector::new(
                &path.display().to_string(),
                &loaded.program,
                &loaded.checked.sources,
            );
            for (case, outcome) in cases {
                collector.record(case, outcome);
            }
            report.coverage.push(collector.finish());
        }
    }
    report.passed = report.cases.iter().filter(|c| c.ok).count();
    report.failed = report.cases.len() - report.passed;
    report
}

/// The `"guideline"` key of a case file's text, if it has one.
pub(crate) fn guideline_key(text: &str) -> Option<String> {
    let value = case::json::parse(text).ok()?;
    let case::json::JsonKind::Object(members) = value.kind else {
        return None;
    };
    members
        .into_iter()
        .find_map(|(k, v)| match (k.name.as_ref(), v.kind) {
            ("guideline", case::json::JsonKind::String(s)) => Some(s.into_owned()),
            _ => None,
        })
}

fn load_guideline(
    path: &Path,
    width: usize,
    include_paths: &[PathBuf],
) -> Result<Loaded, LoadFailure> {
    match load::guideline_with(path, include_paths) {
        Ok(checked) => {
            let program = Program::new(&checked);
            Ok(Loaded { checked, program })
        }
        Err(LoadError::Io(e)) => Err((e, vec![])),
        Err(LoadError::Invalid(failed)) => Err((
            failed.diagnostics.render(&failed.sources, width),
            failed.diagnostics.to_json(&failed.sources),
        )),
    }
}

fn failure(
    file: &str,
    name: &str,
    guideline: &str,
    detail: String,
    diagnostics: Vec<JsonDiagnostic>,
) -> CaseReport {
    CaseReport {
        file: file.to_string(),
        name: name.to_string(),
        guideline: guideline.to_string(),
        ok: false,
        differences: vec![],
        diagnostics,
        detail,
        ran: false,
    }
}
