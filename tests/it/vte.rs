//! Tests of the encoded NICE NG158 venous thromboembolism guideline: its
//! golden cases through the `cairn test` runner, the pairs of cases that
//! give the same patient in two unit systems, and the note and JSON that
//! show its scores, unit conversions and Cockcroft-Gault estimate.

use cairn::check::Checked;
use std::path::{Path, PathBuf};

const GUIDELINE: &str = "guidelines/vte/diagnosis-treatment.cairn";

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn cases_dir() -> PathBuf {
    root().join("guidelines/vte/cases")
}

fn checked() -> Checked {
    let path = root().join(GUIDELINE);
    let text = std::fs::read_to_string(&path).expect("guideline file is readable");
    let parsed =
        cairn::syntax::parse_with(&path.to_string_lossy(), &text, &cairn::syntax::FsLoader);
    match cairn::check::check(parsed) {
        Ok(checked) => checked,
        Err(failed) => panic!("{}", failed.diagnostics.render(&failed.sources, 100)),
    }
}

fn case_json(file: &str) -> serde_json::Value {
    let text = std::fs::read_to_string(cases_dir().join(file)).expect("golden case is readable");
    serde_json::from_str(&text).expect("golden case is JSON")
}

fn outcome_of(checked: &Checked, file: &str) -> cairn::Outcome<'static> {
    let text = std::fs::read_to_string(cases_dir().join(file)).expect("golden case is readable");
    let case = match cairn::load_case(checked, file, &text) {
        Ok(c) => c,
        Err(f) => panic!("{}", f.diagnostics.render(&f.sources, 100)),
    };
    cairn::Program::new(checked).evaluate(&case.case, cairn::Options::default())
}

#[test]
fn guideline_checks_without_errors_or_warnings() {
    let checked = checked();
    let rendered = checked.warnings.render(&checked.sources, 100);
    assert_eq!(checked.warnings.warning_count(), 0, "{rendered}");
    assert_eq!(checked.warnings.error_count(), 0, "{rendered}");
}

#[test]
fn golden_cases_pass_with_coverage() {
    let options = cairn::testing::runner::Options {
        coverage: true,
        min_coverage: Some(95.0),
        width: 100,
        filter: None,
    };
    let report = cairn::testing::runner::run(&[cases_dir()], &options);
    let failures: Vec<String> = report
        .cases
        .iter()
        .filter(|c| !c.ok)
        .map(|c| format!("{}\n{}", c.file, c.detail))
        .collect();
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(report.passed >= 28, "only {} cases passed", report.passed);
    assert!(report.success(), "{:?}", report.io_errors);
    let coverage = report.coverage.first().expect("coverage measured");
    for rec in &coverage.recommendations {
        assert!(
            rec.reached.yes && rec.reached.no,
            "`{}` does not both apply and not apply",
            rec.id
        );
    }
}

/// Each case described as "Same patient as X" gives the same patient in
/// other units: its expected statuses are X's, and so are its derived
/// scores and creatinine clearance (to rounding of the conversion).
#[test]
fn paired_cases_agree_across_unit_systems() {
    let checked = checked();
    let mut pairs = 0;
    let mut files: Vec<String> = std::fs::read_dir(cases_dir())
        .expect("cases folder")
        .filter_map(|e| e.ok().map(|e| e.file_name().to_string_lossy().into_owned()))
        .collect();
    files.sort();
    for file in &files {
        let case = case_json(file);
        let desc = case["description"].as_str().unwrap_or_default();
        let Some(rest) = desc.strip_prefix("Same patient as ") else {
            continue;
        };
        let twin = format!("{}.json", rest.split([',', ' ']).next().unwrap_or_default());
        let other = case_json(&twin);
        assert_eq!(case["expect"], other["expect"], "{file} vs {twin}");
        assert_ne!(case["facts"], other["facts"], "{file} repeats {twin}");
        let a = serde_json::to_value(outcome_of(&checked, file)).unwrap();
        let b = serde_json::to_value(outcome_of(&checked, &twin)).unwrap();
        for name in [
            "dvt_wells",
            "pe_wells",
            "d_dimer_positive",
            "renal_impairment",
        ] {
            assert_eq!(
                a["derived"][name], b["derived"][name],
                "{name}: {file} vs {twin}"
            );
        }
        let crcl = |o: &serde_json::Value| o["derived"]["creatinine_clearance"]["value"].as_f64();
        if let (Some(x), Some(y)) = (crcl(&a), crcl(&b)) {
            assert!((x - y).abs() < 0.01, "{file}: {x} vs {twin}: {y}");
        }
        pairs += 1;
    }
    assert!(pairs >= 6, "only {pairs} pairs");
}

#[test]
fn renal_impairment_note_shows_cockcroft_gault_and_nice_wording() {
    let checked = checked();
    let out = outcome_of(
        &checked,
        "treatment_unsuitable_doac_renal_impairment_umol_per_l.json",
    );
    insta::assert_snapshot!(cairn::eval::render::note(&out, &checked));
}

#[test]
fn scores_and_strengths_in_the_json() {
    let checked = checked();
    let out = serde_json::to_value(outcome_of(&checked, "pe_likely_ctpa_per_hour.json")).unwrap();
    let rec = out["recommendations"]
        .as_array()
        .and_then(|rs| rs.iter().find(|r| r["id"] == "pe_likely_ctpa"))
        .cloned()
        .unwrap_or_default();
    insta::assert_snapshot!(serde_json::to_string_pretty(&serde_json::json!({
        "pe_wells": out["derived"]["pe_wells"],
        "pe_likely": out["derived"]["pe_likely"],
        "status": rec["status"],
        "strength": rec["strength"],
        "statement": rec["statement"],
    }))
    .unwrap());
    // A score under unknown items is an interval that already decides "likely".
    let partial = serde_json::to_value(outcome_of(&checked, "pe_score_partly_known.json")).unwrap();
    assert_eq!(partial["derived"]["pe_likely"], serde_json::json!(true));
}
