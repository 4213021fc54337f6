//! Testing stage tests: the library test runner, its comparison and coverage.

use cairn::case;
use cairn::check::model::{Model, RecInfo};
use cairn::eval::outcome::Status;
use cairn::eval::{self, Program};
use cairn::testing::{self, compare, kleene::Env, load};
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
        wrong.detail.contains("trace of `preoperative_rt`"),
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

/// The coverage evaluator must agree with the interpreter on every status.
#[test]
fn coverage_evaluator_agrees_with_the_interpreter() {
    let checked = load::guideline(&corpus("mini/mini.cairn")).unwrap();
    let program = Program::new(&checked);
    let model = &checked.model;
    let texts = [
        r#"{"facts": {}}"#,
        r#"{"facts": {"distant_metastases": false}}"#,
        r#"{"facts": {"distant_metastases": false, "peritoneal_implants": false, "histology": "dedifferentiated_liposarcoma"}}"#,
        r#"{"facts": {"distant_metastases": false, "peritoneal_implants": false, "histology": "leiomyosarcoma", "planned_rt_total_dose": "60 Gy", "planned_rt_fractions": 30}}"#,
        r#"{"facts": {"peritoneal_implants": true, "grade": 1}}"#,
    ];
    for text in texts {
        let case = case::load(&checked, "c.json", text).unwrap().case;
        let outcome = program.evaluate(&case, eval::Options { trace: false });
        let env = Env::new(model, &case.facts);
        for (rec, out) in model.recs.iter().zip(&outcome.recommendations) {
            let status = coverage_status(model, &env, rec);
            assert_eq!(status, out.status, "{} for {text}", rec.id);
        }
    }
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
            && unkeyed.detail.contains("`mini.cairn`, `other.cairn`"),
        "{}",
        unkeyed.detail
    );
    assert!(
        !unkeyed.detail.contains("vocab.cairn"),
        "a file without a header is not a guideline"
    );
}

/// On every golden case, the coverage evaluator computes the same
/// definition values and statuses as the interpreter.
#[test]
fn coverage_evaluator_agrees_on_the_golden_cases() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("guidelines/rps");
    let checked = load::guideline(&root.join("initial-management.cairn")).unwrap();
    let program = Program::new(&checked);
    let model = &checked.model;
    let mut seen = 0;
    for entry in std::fs::read_dir(root.join("cases")).unwrap() {
        let path = entry.unwrap().path();
        let text = std::fs::read_to_string(&path).unwrap();
        let case = case::load(&checked, "c.json", &text).unwrap().case;
        let outcome = program.evaluate(&case, eval::Options { trace: false });
        let env = Env::new(model, &case.facts);
        for (def, value) in model.defs.iter().zip(&env.defs) {
            let mine = case::convert::to_json(model, def.ty, *value);
            let theirs = &outcome.derived[&def.name];
            assert!(
                compare::same(&mine, theirs),
                "{} in {}: {mine} vs {theirs}",
                def.name,
                path.display()
            );
        }
        for (rec, out) in model.recs.iter().zip(&outcome.recommendations) {
            let status = coverage_status(model, &env, rec);
            // Coverage's own evaluator is three-valued only; the exact pass
            // may settle what it leaves undetermined (saying regardless of
            // which facts).
            let settled = status == Status::Undetermined && !out.regardless_of.is_empty();
            if !settled {
                assert_eq!(status, out.status, "{} in {}", rec.id, path.display());
            }
        }
        seen += 1;
    }
    assert!(seen >= 40, "only {seen} golden cases");
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

/// A recommendation's status as the coverage evaluator sees it: its
/// sections' conditions and its own, combined with Kleene `and`.
fn coverage_status(model: &Model, env: &Env, rec: &RecInfo) -> Status {
    let mut truths: Vec<Option<bool>> = model
        .section_chain(rec.section)
        .iter()
        .filter_map(|s| model.sections[s.0 as usize].condition.as_ref())
        .map(|c| env.truth(c))
        .collect();
    truths.push(rec.condition.as_ref().map_or(Some(true), |c| env.truth(c)));
    match cairn::testing::kleene::and(truths) {
        Some(cairn::value::Value::Bool(true)) => Status::Applies,
        Some(_) => Status::NotApplicable,
        None => Status::Undetermined,
    }
}
