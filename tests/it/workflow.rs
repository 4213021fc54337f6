//! The author's test workflow: `cairn test --filter` and `--bless`, short
//! failure output, `cairn analyze --save-witnesses`, `cairn schema` and
//! `cairn new` (issue 13, part 4).

use std::path::{Path, PathBuf};
use std::process::Command;

/// Runs `cairn` in `dir` with `args`: exit code, stdout, stderr.
fn cairn_in(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_cairn"))
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn cairn(args: &[&str]) -> (i32, String, String) {
    cairn_in(&root(), args)
}

/// A copy of a corpus folder in a temporary directory.
fn copy(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

#[test]
fn filter_selects_by_substring_or_glob_and_counts_the_rest() {
    let (code, out, _) = cairn(&["test", "guidelines/rps", "--filter", "grade2"]);
    assert_eq!(code, 0, "{out}");
    let ran: Vec<&str> = out.lines().filter(|l| l.starts_with("ok")).collect();
    assert!(!ran.is_empty());
    assert!(ran.iter().all(|l| l.contains("grade2")), "{out}");
    let total = std::fs::read_dir(root().join("guidelines/rps/cases"))
        .unwrap()
        .count();
    let skipped = total - ran.len();
    assert!(out.contains(&format!("{skipped} filtered out")), "{out}");

    let (code, out, _) = cairn(&["test", "guidelines", "--filter", "*/vte/*pe*"]);
    assert_eq!(code, 0, "{out}");
    let ran: Vec<&str> = out.lines().filter(|l| l.starts_with("ok")).collect();
    assert!(!ran.is_empty(), "{out}");
    assert!(ran.iter().all(|l| l.contains("/vte/")), "{out}");

    // Nothing left: not a success.
    let (code, out, _) = cairn(&["test", "guidelines", "--filter", "no-such-case"]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("no case with an `expect` block"), "{out}");
}

#[test]
fn a_failing_case_prints_only_what_differs() {
    let (code, out, _) = cairn(&["test", "tests/corpus/case/failing/cases/wrong.json"]);
    assert_eq!(code, 1);
    // Today's 180-line traces are gone: the differences and one hint.
    assert!(out.lines().count() < 20, "{out}");
    insta::assert_snapshot!("workflow_failing_case", out);

    // A recommendation now undetermined shows what it is missing.
    let dir = tempfile::tempdir().unwrap();
    copy(&root().join("tests/corpus/case/mini"), dir.path());
    let case = dir.path().join("cases/ddlps_grade_unknown.json");
    let text = std::fs::read_to_string(&case).unwrap().replace(
        r#""preoperative_rt": "undetermined""#,
        r#""preoperative_rt": "applies""#,
    );
    std::fs::write(&case, text).unwrap();
    let (code, out, _) = cairn_in(dir.path(), &["test", "cases/ddlps_grade_unknown.json"]);
    assert_eq!(code, 1);
    assert!(
        out.contains("  + actual:   undetermined\n        missing: grade\n"),
        "{out}"
    );
}

#[test]
fn bless_rewrites_only_the_differing_values_of_failing_cases() {
    let dir = tempfile::tempdir().unwrap();
    copy(&root().join("tests/corpus/case/failing"), dir.path());
    let wrong = dir.path().join("cases/wrong.json");
    let invalid = dir.path().join("cases/invalid.json");
    let (wrong_before, invalid_before) = (
        std::fs::read_to_string(&wrong).unwrap(),
        std::fs::read_to_string(&invalid).unwrap(),
    );
    let (code, _, err) = cairn_in(dir.path(), &["test", "cases", "--bless"]);
    // The case that does not load is refused, so the run still fails.
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("not blessed: cases/invalid.json"), "{err}");
    assert!(err.contains("blessed 1 case(s), refused 1"), "{err}");
    assert!(
        err.contains(r#"-    "recommendations": { "preoperative_rt": "applies" },"#),
        "{err}"
    );
    assert_eq!(std::fs::read_to_string(&invalid).unwrap(), invalid_before);
    let after = std::fs::read_to_string(&wrong).unwrap();
    // Byte for byte the same file, but for the three values.
    let expected = wrong_before
        .replace(
            r#"{ "preoperative_rt": "applies" }"#,
            r#"{ "preoperative_rt": "not_applicable" }"#,
        )
        .replace(
            r#""resectability": "unresectable""#,
            r#""resectability": "resectable""#,
        )
        .replace(
            r#"["planned_rt_fractions"]"#,
            r#"["planned_rt_fractions","planned_rt_total_dose"]"#,
        );
    assert_eq!(after, expected);
    let leftovers: Vec<_> = std::fs::read_dir(dir.path().join("cases"))
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(leftovers.len(), 2, "no temporary file left: {leftovers:?}");

    // The blessed case passes; blessing again leaves it alone.
    std::fs::remove_file(&invalid).unwrap();
    let (code, out, err) = cairn_in(dir.path(), &["test", "cases", "--bless"]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(err.contains("blessed 0 case(s), refused 0"), "{err}");
    assert_eq!(std::fs::read_to_string(&wrong).unwrap(), after);
}

#[test]
fn saved_witnesses_are_cases_that_cairn_test_runs() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(
        root().join("tests/corpus/analysis/planted.cairn"),
        dir.path().join("planted.cairn"),
    )
    .unwrap();
    let args = [
        "analyze",
        "planted.cairn",
        "--save-witnesses",
        "cases/witnesses",
    ];
    let (code, _, err) = cairn_in(dir.path(), &args);
    assert_eq!(code, 1, "planted findings are errors: {err}");
    assert!(err.contains("wrote 4 of 4 witness case(s)"), "{err}");
    let mut names: Vec<String> = std::fs::read_dir(dir.path().join("cases/witnesses"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            "conflict-1.json",
            "exclusive-1.json",
            "fall_through-1.json",
            "gap-1.json"
        ]
    );
    let conflict: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(dir.path().join("cases/witnesses/conflict-1.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(conflict["guideline"], "../../planted.cairn");
    assert_eq!(conflict["expect"]["recommendations"]["surgery"], "applies");
    assert_eq!(
        conflict["expect"]["recommendations"]["no_surgery"],
        "applies"
    );

    let (code, out, _) = cairn_in(dir.path(), &["test", "cases/witnesses"]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("4 cases: 4 passed, 0 failed"), "{out}");

    // Never over an existing file, unless --force.
    let (_, _, err) = cairn_in(dir.path(), &args);
    assert!(err.contains("exists, not overwritten"), "{err}");
    assert!(err.contains("wrote 0 of 4"), "{err}");
    let forced: Vec<&str> = args.iter().copied().chain(["--force"]).collect();
    let (_, _, err) = cairn_in(dir.path(), &forced);
    assert!(err.contains("wrote 4 of 4"), "{err}");
}

fn guidelines() -> Vec<PathBuf> {
    [
        "rps/initial-management",
        "vte/diagnosis-treatment",
        "cervical/screening",
    ]
    .iter()
    .map(|g| root().join(format!("guidelines/{g}.cairn")))
    .collect()
}

fn validator(guideline: &Path) -> jsonschema::Validator {
    let (code, out, err) = cairn(&["schema", guideline.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    let schema: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(
        schema["$schema"],
        "https://json-schema.org/draft/2020-12/schema"
    );
    jsonschema::draft202012::new(&schema).unwrap()
}

#[test]
fn every_golden_case_validates_against_its_schema() {
    let mut checked = 0;
    for g in guidelines() {
        let v = validator(&g);
        for entry in std::fs::read_dir(g.parent().unwrap().join("cases")).unwrap() {
            let path = entry.unwrap().path();
            let case: serde_json::Value =
                serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
            let errors: Vec<String> = v.iter_errors(&case).map(|e| e.to_string()).collect();
            assert!(errors.is_empty(), "{}: {errors:?}", path.display());
            checked += 1;
        }
    }
    assert!(checked > 100, "{checked}");
}

#[test]
fn the_schema_rejects_a_wrong_enum_value_an_unknown_fact_and_a_bad_expect() {
    let g = &guidelines()[0];
    let v = validator(g);
    let case = |facts: serde_json::Value, expect: serde_json::Value| serde_json::json!({ "name": "x", "facts": facts, "expect": expect });
    let ok = case(
        serde_json::json!({ "histology": "leiomyosarcoma", "grade": 2, "planned_rt_total_dose": "50.4 Gy" }),
        serde_json::json!({ "recommendations": { "preoperative_rt": "applies" } }),
    );
    assert!(v.is_valid(&ok));
    for bad in [
        case(
            serde_json::json!({ "histology": "leiomyosarcomaa" }),
            serde_json::json!({}),
        ),
        case(
            serde_json::json!({ "histologyy": "leiomyosarcoma" }),
            serde_json::json!({}),
        ),
        case(serde_json::json!({ "grade": 4 }), serde_json::json!({})),
        case(
            serde_json::json!({ "planned_rt_total_dose": 50 }),
            serde_json::json!({}),
        ),
        case(
            serde_json::json!({}),
            serde_json::json!({ "recommendations": { "preoperative_rt": "apply" } }),
        ),
        case(
            serde_json::json!({}),
            serde_json::json!({ "recommendations": { "no_such_rec": "applies" } }),
        ),
        case(
            serde_json::json!({}),
            serde_json::json!({ "missing": { "preoperative_rt": ["no_such_fact"] } }),
        ),
        serde_json::json!({ "facts": {}, "extra": 1 }),
    ] {
        assert!(!v.is_valid(&bad), "{bad}");
    }
    // Labels and groups reach the editor.
    let (_, out, _) = cairn(&["schema", g.to_str().unwrap()]);
    let schema: serde_json::Value = serde_json::from_str(&out).unwrap();
    let histology = &schema["properties"]["facts"]["properties"]["histology"];
    let values = histology["anyOf"].as_array().unwrap();
    assert!(values
        .iter()
        .any(|o| o["const"] == "leiomyosarcoma" && o["title"] == "Leiomyosarcoma"));
    assert!(
        histology["description"]
            .as_str()
            .unwrap()
            .contains("(group `"),
        "{histology}"
    );
}

#[test]
fn new_scaffolds_a_guideline_that_checks_tests_and_is_formatted() {
    let dir = tempfile::tempdir().unwrap();
    let (code, _, err) = cairn_in(dir.path(), &["new", "my-guide", "--dir", "work"]);
    assert_eq!(code, 0, "{err}");
    let (code, _, err) = cairn_in(dir.path(), &["check", "work/my-guide/my-guide.cairn"]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("ok (0 errors, 0 warnings)"), "{err}");
    let (code, out, _) = cairn_in(dir.path(), &["test", "work/my-guide"]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("1 cases: 1 passed, 0 failed"), "{out}");
    let (code, out, _) = cairn_in(dir.path(), &["fmt", "--check", "work/my-guide"]);
    assert_eq!(code, 0, "{out}");
    let text = std::fs::read_to_string(dir.path().join("work/my-guide/my-guide.cairn")).unwrap();
    assert!(text.starts_with("guideline my_guide {"), "{text}");

    // Never over an existing, non-empty folder.
    let (code, _, err) = cairn_in(dir.path(), &["new", "my-guide", "--dir", "work"]);
    assert_eq!(code, 1);
    assert!(err.contains("exists and is not empty"), "{err}");
    let (code, _, err) = cairn_in(dir.path(), &["new", "Bad Name"]);
    assert_eq!(code, 1);
    assert!(err.contains("is not a guideline name"), "{err}");
}
