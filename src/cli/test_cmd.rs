//! Command line: the `test` subcommand (`--filter`, `--bless`).

use super::commands::print_json;
use super::output::{self, ERRORS, IO, WIDTH};
use super::Format;
use cairn::testing::{self, bless::Blessed};
use std::path::PathBuf;

/// What `cairn test` was asked to do.
pub struct Settings {
    /// Measure coverage.
    pub coverage: bool,
    /// The coverage threshold.
    pub min_coverage: Option<f64>,
    /// Output format.
    pub format: Format,
    /// Only the cases matching this pattern.
    pub filter: Option<String>,
    /// Rewrite the `expect` blocks of failing cases.
    pub bless: bool,
}

/// `cairn test [PATH…]`: 0 all passed (or, with `--bless`, every failing
/// case was rewritten), 1 a failure, 2 nothing could be read.
pub fn test(paths: Vec<PathBuf>, s: Settings) -> u8 {
    if let Some(min) = s.min_coverage {
        if !(0.0..=100.0).contains(&min) {
            super::output::error(format_args!(
                "--min-coverage must be a percentage between 0 and 100, not {min}"
            ));
            return IO;
        }
    }
    let paths = if paths.is_empty() {
        vec![PathBuf::from("guidelines")]
    } else {
        paths
    };
    let options = testing::Options {
        coverage: s.coverage || s.min_coverage.is_some(),
        min_coverage: s.min_coverage,
        width: WIDTH,
        filter: s.filter,
    };
    let report = testing::runner::run_with_include_paths(&paths, &options, output::include_paths());
    let mut code = if report.success() { 0 } else { ERRORS };
    if output::json_errors() {
        // Every case error and unreadable path as a JSON diagnostic on
        // standard error, as every command gives them.
        for d in report.cases.iter().flat_map(|c| &c.diagnostics) {
            output::eprint_json(d);
        }
        for e in &report.io_errors {
            output::error(e);
        }
    }
    match s.format {
        Format::Json => {
            let json = print_json(&report);
            if json != 0 {
                return json;
            }
        }
        Format::Text => out!("{}", testing::text::render(&report, options.coverage)),
    }
    if !report.io_errors.is_empty() && report.cases.is_empty() {
        return IO;
    }
    if s.bless {
        code = bless(&report);
    }
    code
}

/// Rewrites every failing case that ran; the diffs go to standard error
/// (standard output keeps the report, JSON included). 1 when some failing
/// case could not be rewritten.
fn bless(report: &testing::TestReport) -> u8 {
    let (mut rewritten, mut refused) = (0, 0);
    for case in report.cases.iter().filter(|c| !c.ok) {
        match testing::bless::bless(case) {
            Blessed::Passing => {}
            Blessed::Rewritten(diff) => {
                rewritten += 1;
                err!("{diff}");
            }
            Blessed::Refused(why) => {
                refused += 1;
                errln!("not blessed: {}: {why}", case.file);
            }
        }
    }
    errln!("blessed {rewritten} case(s), refused {refused}");
    if refused > 0 || !report.coverage_ok() {
        ERRORS
    } else {
        0
    }
}
