//! Conformance suite (tests only): one data-driven suite of the semantics,
//! run against every evaluator and consumer of it.
//!
//! The data are the `tests/conformance/*.conf` files and every
//! ```` ```conformance ```` block of the Markdown files in `grammar/`
//! (`SEMANTICS.md`), in the format of `tests/conformance/README.md`. Each
//! test's declarations are wrapped in a fixed header, parsed and checked (a
//! check failure fails the test, with the diagnostics), and each case is
//! loaded through the case loader and run on:
//!
//! - the general slot code, `Program::run_general` (the reference),
//! - the compact program (`statuses` on a scratch that ran another case
//!   first, `evaluate_into`, `def_value`),
//! - the 64-lane batch runner (`statuses_batch`: the case in several lanes
//!   among other cases, in a partial last batch, and on reused buffers),
//! - the missing-facts walker (`missing_into` after each path),
//! - the trace: the raw `trace_into` of each path against the general
//!   one; the rendered steps' statuses, values and `needs …` reasons; and
//!   its decisive reads must decide (with every other fact unknown, a
//!   decided recommendation keeps its status),
//! - the full `Outcome` (`evaluate`, compared as JSON with the outcome built
//!   on the general slots) and the golden-case runner (`testing::run`, the
//!   path of `cairn test`, on a temporary directory),
//! - coverage (`Collector`: every branch's recorded outcome against the
//!   program's value of that condition),
//! - the analysis: each recommendation's query is searched over its space
//!   and must give the program's status on every case it visits. The query
//!   API evaluates only the cases of its own space, so the cases' values
//!   are added as comparisons (`fact = value`) to make the space hold them,
//!   and their statuses are checked when the search reaches them. Findings
//!   (`dead`, `constant`, `dead_branch`) must not be contradicted by a case.
//! - the checker's constant folding, as the language server reports it
//!   (`lsp::analysis::analyse`): a condition called always `v` is never
//!   `not v`.
//!
//! Every evaluator is compared with the reference and with the
//! expectations; a failure names the file and line, the test, the case and
//! the evaluator. Claims about sub-expressions (coverage, folding,
//! findings) are checked against `probe`, which computes every expression
//! node with the real program, so the suite has no evaluator of its own.
//!
//! It lives inside the library, behind `#[cfg(test)]`, because most of
//! these are crate-internal (`run_general`, the analysis queries, the
//! outcome builder). `random` runs the same checks on random guidelines.

mod chains;
mod consumers;
mod expect;
mod format;
mod golden;
mod probe;
mod queries;
mod random;
mod subject;
mod suite;
mod trace;
mod views;

use format::{Expect, Test};
use subject::{Loaded, Subject};
use views::Observed;

/// The cases of the analysis space compared per recommendation.
const ANALYSIS_BUDGET: usize = 4096;

/// A loaded case with what it expects.
pub(crate) struct Run<'t> {
    loaded: Loaded,
    facts: &'t str,
    expects: &'t [Expect],
}

/// Runs one test on every evaluator; returns its failures.
pub(crate) fn run_test(test: &Test) -> Vec<String> {
    let at = format!("{} `{}`", test.origin, test.title);
    let subject = match Subject::new(test) {
        Ok(s) => s,
        Err(e) => return vec![format!("{at}: {e}")],
    };
    let mut failures = Vec::new();
    let mut runs = Vec::new();
    for (i, c) in test.cases.iter().enumerate() {
        match subject.load(i + 1, c.line, &c.facts) {
            Ok(loaded) => runs.push(Run {
                loaded,
                facts: &c.facts,
                expects: &c.expects,
            }),
            Err(e) => failures.push(e),
        }
    }
    failures.extend(check_runs(&subject, &runs, Analysis::Findings));
    failures.into_iter().map(|f| format!("{at}: {f}")).collect()
}

/// How much of the analysis to ask (its queries are the slowest consumer).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Analysis {
    /// Not at all.
    Skip,
    /// Each recommendation's query, against the program.
    Queries,
    /// The queries, and every finding against the cases.
    Findings,
}

/// Runs cases on every evaluator and consumer.
pub(crate) fn check_runs(subject: &Subject, runs: &[Run<'_>], analysis: Analysis) -> Vec<String> {
    let mut failures = Vec::new();
    let blank = crate::case::Case {
        name: "blank".into(),
        facts: vec![None; subject.checked.model.facts.len()],
        absent: Vec::new(),
    };
    let mut observed: Vec<Observed> = runs
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let other = runs.get((i + 1) % runs.len()).filter(|_| runs.len() > 1);
            let other = other.map(|o| &o.loaded.case).unwrap_or(&blank);
            views::observe(subject, &r.loaded, other)
        })
        .collect();
    let cases: Vec<&crate::case::Case> = runs.iter().map(|r| &r.loaded.case).collect();
    let (lanes, batch_failures) = views::batch(subject, &cases);
    failures.extend(batch_failures);
    for ((run, seen), lane) in runs.iter().zip(observed.iter_mut()).zip(lanes) {
        seen.views.push(("batch runner".to_string(), lane));
        let (view, fails) = consumers::coverage(subject, &run.loaded, seen);
        seen.views.push(("coverage".to_string(), view));
        failures.extend(fails);
    }
    let pairs: Vec<(&Loaded, &Observed)> = runs
        .iter()
        .map(|r| &r.loaded)
        .zip(observed.iter())
        .collect();
    failures.extend(consumers::folding(subject, &pairs));
    if analysis != Analysis::Skip {
        let findings = analysis == Analysis::Findings;
        failures.extend(queries::analysis(
            subject,
            &pairs,
            ANALYSIS_BUDGET,
            findings,
        ));
    }
    let golden: Vec<golden::GoldenCase<'_>> = runs
        .iter()
        .zip(&observed)
        .map(|(r, seen)| golden::GoldenCase {
            label: &r.loaded.label,
            facts: r.facts,
            reference: &seen.views[0].1,
        })
        .collect();
    failures.extend(golden::golden(subject, &golden));
    // The evaluators' disagreements first, then the consumers' claims.
    let mut out = Vec::new();
    for (run, seen) in runs.iter().zip(&observed) {
        let label = &run.loaded.label;
        out.extend(expect::agreement(subject, label, &seen.views));
        out.extend(seen.failures.iter().cloned());
        out.extend(expect::expectations(
            subject,
            label,
            run.expects,
            &seen.views,
            &seen.outcome,
        ));
    }
    out.extend(failures);
    out
}
