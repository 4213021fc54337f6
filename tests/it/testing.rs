//! Testing stage tests: the library test runner, its comparison and coverage.

use cairn::case;
use cairn::check::model::Type;
use cairn::eval::outcome::Status;
use cairn::eval::{self, Program};
use cairn::testing::{self, compare, load};
use std::path::{Path, PathBuf};

fn corpus(sub: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/corpus/case")
        .join(sub)
}

fn options(coverage: bool, min: Option<f64>) -> testing::Options {
    testing::Options {
        coverage,
        min_coverage: min,
        width: 100,
        filter: None,
    }
}

#[test]
fn passing_cases_pass_and_coverage_counts_outcomes() {
    let report = testing::run(&[corpus("mini")], &options(true, Some(70.0)));
    assert_eq!((report.passed, report.failed), (3, 0), "{report:#?}");
    assert!(report.success());
    let cov = &report.coverage[0];
    assert_eq!(cov.cases, 3);
    // 7 conditions/operands... counted as (branch, true) and (branch, false).
    assert_eq!(cov.total, cov.branches.len() * 2);
    assert_eq!(cov.reached, 20);
    assert!((cov.percent - 100.0 * 20.0 / 28.0).abs() < 1e-9);
    let systemic = cov
        .recommendations
        .iter()
        .find(|r| r.id == "systemic_therapy")
        .unwrap();
    assert!(systemic.reached.yes && systemic.reached.no && !systemic.reached.unknown);
    let resect = cov
        .definitions
        .iter()
        .find(|d| d.name == "resectability")
        .unwrap();
    assert!(resect.never.is_empty(), "{resect:?}");
    let below = testing::run(&[corpus("mini")], &options(true, Some(80.0)));
    assert!(!below.coverage_ok() && !below.success());
}

#[test]
fn failing_cases_report_each_difference() {
    let report = testing::run(&[corpus("failing")], &options(false, None));
    assert_eq!((report.passed, report.failed), (0, 2));
    let wrong = report
        .cases
        .iter()
        .find(|c| c.file.ends_with("wrong.json"))
        .unwrap();
    let kinds: Vec<(&str, &str)> = wrong
        .differences
        .iter()
        .map(|d| (d.kind, d.name.as_str()))
        .collect();
    assert_eq!(
        kinds,
        vec![
            ("status", "preoperative_rt"),
            ("derived", "resectability"),
            ("missing", "standard_fractionation")
        ]
    );
    assert!(
        wrong.detail.contains("full trace: cairn explain")
            && wrong.detail.contains("--case")
            && wrong.detail.ends_with(" preoperative_rt\n"),
        "{}",
        wrong.detail
    );
    let invalid = report
        .cases
        .iter()
        .find(|c| c.file.ends_with("invalid.json"))
        .unwrap();
    let codes: Vec<&str> = invalid
        .diagnostics
        .iter()
        .map(|d| d.code.as_str())
        .collect();
    assert_eq!(
        codes,
        vec!["cairn::case::type_mismatch", "cairn::case::unknown_fact"]
    );
}

#[test]
fn an_empty_run_is_not_a_success() {
    let report = testing::run(&[corpus("mini/cases/notes.json")], &options(false, None));
    assert_eq!(report.cases.len(), 1, "an explicitly named file is run");
    assert!(!report.success());
    let report = testing::run(&[corpus("nowhere")], &options(false, None));
    assert!(report.cases.is_empty() && !report.io_errors.is_empty() && !report.success());
}

#[test]
fn numbers_compare_with_tolerance() {
    use serde_json::json;
    assert!(compare::same(
        &json!({"value": 1.8, "unit": "Gy"}),
        &json!({"value": 1.8000000000000003, "unit": "Gy"})
    ));
    assert!(!compare::same(
        &json!({"value": 1.8, "unit": "Gy"}),
        &json!({"value": 1.9, "unit": "Gy"})
    ));
    assert!(!compare::same(&json!("resectable"), &json!(null)));
}

/// `cargo test` runs the golden cases of every guideline through the same
/// runner as `cairn test guidelines --min-coverage 95`.
#[test]
fn golden_cases_pass_with_coverage() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("guidelines");
    let report = testing::run(&[root], &options(true, Some(95.0)));
    let failures: Vec<String> = report
        .cases
        .iter()
        .filter(|c| !c.ok)
        .map(|c| format!("{}\n{}", c.file, c.detail))
        .collect();
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(report.passed >= 40, "only {} golden cases", report.passed);
    for cov in &report.coverage {
        assert!(
            cov.percent >= 95.0,
            "{}: {:.1}%",
            cov.guideline,
            cov.percent
        );
        // Yes/no definitions are measured as conditions too.
        assert!(cov
            .branches
            .iter()
            .any(|b| b.owner.starts_with("definition ") && b.role == "value"));
    }
    assert!(report.success());
}

#[test]
fn a_case_names_its_guideline_when_the_folder_has_several() {
    let report = testing::run(&[corpus("two")], &options(false, None));
    assert_eq!(report.cases.len(), 2);
    let keyed = report
        .cases
        .iter()
        .find(|c| c.file.ends_with("keyed.json") && !c.file.ends_with("unkeyed.json"))
        .unwrap();
    assert!(keyed.ok, "{}", keyed.detail);
    assert!(keyed.guideline.ends_with("mini.cairn"));
    let unkeyed = report
        .cases
        .iter()
        .find(|c| c.file.ends_with("unkeyed.json"))
        .unwrap();
    assert!(!unkeyed.ok);
    assert!(
        unkeyed.detail.contains("several guidelines")
            && unkeyed
                .detail
                .contains(r#"`"guideline": "../mini.cairn"` or `"guideline": "../other.cairn"`"#),
        "{}",
        unkeyed.detail
    );
    assert!(
        !unkeyed.detail.contains("vocab.cairn"),
        "a file without a header is not a guideline"
    );
}

#[test]
fn a_broken_guideline_fails_its_cases_and_is_reported_once() {
    let report = testing::run(&[corpus("broken_guideline")], &options(true, None));
    assert_eq!((report.passed, report.failed), (0, 2));
    assert!(
        report.cases[0].detail.contains("unknown name `histolgy`"),
        "{}",
        report.cases[0].detail
    );
    assert_eq!(
        report.cases[0].diagnostics[0].code,
        "cairn::check::unknown_name"
    );
    assert!(
        report.cases[1].detail.ends_with("(see above)"),
        "{}",
        report.cases[1].detail
    );
    assert!(report.coverage.is_empty(), "nothing to measure");
}

#[test]
fn a_guideline_path_runs_the_cases_next_to_it() {
    let report = testing::run(&[corpus("mini/mini.cairn")], &options(false, None));
    assert_eq!((report.passed, report.failed), (3, 0));
    let report = testing::run(&[corpus("broken.cairn")], &options(false, None));
    assert!(report.cases.is_empty());
    assert!(
        report.io_errors[0].contains("no `cases/` folder"),
        "{:?}",
        report.io_errors
    );
}

#[test]
fn expected_quantities_match_in_any_unit_of_their_dimension() {
    let checked = load::guideline(&corpus("mini/mini.cairn")).unwrap();
    let program = Program::new(&checked);
    let text = |dose: &str| {
        format!(
            r#"{{"facts": {{"planned_rt_total_dose": "50.4 Gy", "planned_rt_fractions": 28}},
                "expect": {{"derived": {{"dose_per_fraction": {dose}}}}}}}"#
        )
    };
    for (dose, matches) in [
        (r#""180 cGy""#, true),
        (r#"{"value": 1.8, "unit": "Gy"}"#, true),
        (r#""1.9 Gy""#, false),
        ("null", false),
    ] {
        let file = case::load(&checked, "q.json", &text(dose)).unwrap();
        let outcome = program.evaluate(&file.case, eval::Options { trace: false });
        let diffs = compare::differences(file.expect.as_ref().unwrap(), &outcome);
        assert_eq!(diffs.is_empty(), matches, "{dose}: {diffs:?}");
    }
}

/// Kleene `and` of single-case outcomes.
fn kleene_and(items: impl IntoIterator<Item = Option<bool>>) -> Option<bool> {
    let mut out = Some(true);
    for item in items {
        out = match (out, item) {
            (Some(false), _) | (_, Some(false)) => Some(false),
            (Some(true), x) => x,
            (None, _) => None,
        };
    }
    out
}

/// The one outcome a branch reached in a single case (`None` when it was
/// not reached at all, e.g. a `first` branch after a true one).
fn single(reached: testing::coverage::Reached) -> Option<Option<bool>> {
    match (reached.yes, reached.no, reached.unknown) {
        (true, false, false) => Some(Some(true)),
        (false, true, false) => Some(Some(false)),
        (false, false, true) => Some(None),
        (false, false, false) => None,
        _ => panic!("one case reached several outcomes: {reached:?}"),
    }
}

/// Case by case, coverage sees the same values as `cairn run`: each
/// recommendation's `when` and its sections' combine to the status `run`
/// reports, each yes/no definition's value branch and each definition's
/// value are those of the outcome.
fn coverage_agrees_with_run(guideline: &Path, cases: &Path) -> usize {
    let checked = load::guideline(guideline).unwrap();
    let program = Program::new(&checked);
    let model = &checked.model;
    let mut seen = 0;
    let mut paths: Vec<PathBuf> = std::fs::read_dir(cases)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    paths.sort();
    for path in paths {
        let text = std::fs::read_to_string(&path).unwrap();
        let case = case::load(&checked, "c.json", &text).unwrap().case;
        let outcome = program.evaluate(&case, eval::Options { trace: false });
        let mut collector = testing::coverage::Collector::new("g", &program, &checked.sources);
        collector.record(&case, &outcome);
        let cov = collector.finish();
        let when = |owner: String| {
            cov.branches
                .iter()
                .find(|b| b.owner == owner && (b.role == "when" || b.role == "value"))
                .map(|b| single(b.reached).expect("a root condition is always reached"))
        };
        let at = path.display();
        for (rec, out) in model.recs.iter().zip(&outcome.recommendations) {
            let mut truths: Vec<Option<bool>> = model
                .section_chain(rec.section)
                .iter()
                .map(|s| &model.sections[s.0 as usize])
                .filter_map(|s| when(format!("section {}", s.id)))
                .collect();
            truths.extend(when(format!("recommendation {}", rec.id)));
            let status = match kleene_and(truths) {
                Some(true) => Status::Applies,
                Some(false) => Status::NotApplicable,
                None => Status::Undetermined,
            };
            assert_eq!(status, out.status, "{} in {at}", rec.id);
        }
        for (def, dc) in model.defs.iter().zip(&cov.definitions) {
            let derived = &outcome.derived[&def.name];
            let name = match derived {
                serde_json::Value::Null => "unknown".to_string(),
                serde_json::Value::Bool(b) => b.to_string(),
                serde_json::Value::String(s) if matches!(def.ty, Type::Enum(_)) => s.clone(),
                _ => "known".to_string(),
            };
            assert_eq!(
                dc.seen.iter().collect::<Vec<_>>(),
                [&name],
                "{} in {at}",
                def.name
            );
            if def.ty == Type::Bool {
                let value = when(format!("definition {}", def.name)).unwrap();
                assert_eq!(value, derived.as_bool(), "{} in {at}", def.name);
            }
        }
        seen += 1;
    }
    seen
}

/// Coverage reads the values of the program `cairn run` runs, on every
/// golden case and on the corpus cases (issue 9: a two-key table with a
/// partly known key, where a separate evaluator disagreed with `run`).
#[test]
fn coverage_agrees_with_run_on_every_case() {
    let rps = Path::new(env!("CARGO_MANIFEST_DIR")).join("guidelines/rps");
    let golden =
        coverage_agrees_with_run(&rps.join("initial-management.cairn"), &rps.join("cases"));
    assert!(golden >= 40, "only {golden} golden cases");
    for dir in ["mini", "table"] {
        let n = coverage_agrees_with_run(
            &corpus(&format!("{dir}/{dir}.cairn")),
            &corpus(&format!("{dir}/cases")),
        );
        assert!(n >= 3, "{dir}: {n} cases");
    }
}

/// The table case of issue 9: with `a` unknown and `b = q`, the row
/// `_, q` matches, so the recommendation's `when` was true in that case.
#[test]
fn coverage_sees_a_table_row_matched_with_a_key_unknown() {
    let checked = load::guideline(&corpus("table/table.cairn")).unwrap();
    let program = Program::new(&checked);
    let file = case::load(
        &checked,
        "c.json",
        &std::fs::read_to_string(corpus("table/cases/a_unknown_b_q.json")).unwrap(),
    )
    .unwrap();
    let outcome = program.evaluate(&file.case, eval::Options { trace: false });
    assert_eq!(outcome.recommendations[0].status, Status::Applies);
    let mut collector = testing::coverage::Collector::new("g", &program, &checked.sources);
    collector.record(&file.case, &outcome);
    let cov = collector.finish();
    let when = &cov.branches[0];
    assert_eq!(
        (when.owner.as_str(), when.role.as_str()),
        ("recommendation second_row", "when")
    );
    assert!(
        when.reached.yes && !when.reached.no && !when.reached.unknown,
        "{when:?}"
    );
    // And through the runner, over the three cases: every outcome reached.
    let report = testing::run(&[corpus("table")], &options(true, Some(100.0)));
    assert!(report.success(), "{report:#?}");
}
