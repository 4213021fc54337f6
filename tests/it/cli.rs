//! End-to-end tests of the `cairn` binary: outputs and exit codes.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

const MINI: &str = "tests/corpus/case/mini/mini.cairn";

/// Runs `cairn` in the crate root with `args` (and `stdin`, if any); returns
/// the exit code, standard output and standard error.
fn cairn(args: &[&str], stdin: Option<&str>) -> (i32, String, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_cairn"))
        .args(args)
        // The clinician note prints when it was produced: fix "now".
        .env("SOURCE_DATE_EPOCH", "1796295600")
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    if let Some(text) = stdin {
        child
            .stdin
            .take()
            .unwrap()
            .write_all(text.as_bytes())
            .unwrap();
    }
    drop(child.stdin.take());
    let out = child.wait_with_output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

#[test]
fn check_reports_ok_errors_and_io_errors() {
    let (code, _, err) = cairn(&["check", MINI], None);
    assert_eq!(code, 0, "{err}");
    assert!(
        err.contains("mini.cairn: ok (0 errors, 0 warnings)"),
        "{err}"
    );

    let (code, out, err) = cairn(&["check", "tests/corpus/case/warn.cairn"], None);
    assert_eq!(code, 0, "warnings alone do not fail: {err}");
    assert!(out.is_empty());
    assert!(err.contains("fact `unused_flag` is never used"), "{err}");
    assert!(err.contains("warn.cairn:9:6"), "{err}");
    assert!(err.contains("ok (0 errors, 1 warning)"), "{err}");

    let (code, out, err) = cairn(&["check", "tests/corpus/case/broken.cairn"], None);
    assert_eq!(code, 1);
    assert!(out.is_empty());
    insta::assert_snapshot!("check_broken", err);

    let (code, out, _) = cairn(
        &[
            "check",
            "--error-format",
            "json",
            "tests/corpus/case/broken.cairn",
            MINI,
        ],
        None,
    );
    assert_eq!(code, 1);
    let json: serde_json::Value = serde_json::from_str(&out).unwrap();
    let diags = json.as_array().unwrap();
    assert!(!diags.is_empty());
    assert_eq!(diags[0]["severity"], "error");
    assert_eq!(diags[0]["labels"][0]["line"], 11);

    let (code, _, err) = cairn(&["check", "tests/corpus/case/no-such-file.cairn"], None);
    assert_eq!(code, 2);
    assert!(
        err.contains("cannot read `tests/corpus/case/no-such-file.cairn`"),
        "{err}"
    );
}

#[test]
fn run_prints_a_note_and_json() {
    let (code, out, err) = cairn(
        &["run", MINI, "--case", "tests/corpus/case/ddlps.json"],
        None,
    );
    assert_eq!(code, 0, "{err}");
    insta::assert_snapshot!("run_text", out);

    let (code, out, _) = cairn(
        &[
            "run",
            MINI,
            "--case",
            "tests/corpus/case/ddlps.json",
            "--format",
            "json",
        ],
        None,
    );
    assert_eq!(code, 0);
    let json: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(json["derived"]["resectability"], "resectable");
    assert_eq!(json["derived"]["dose_per_fraction"]["unit"], "Gy");
    let recs = json["recommendations"].as_array().unwrap();
    let status = |id: &str| recs.iter().find(|r| r["id"] == id).unwrap()["status"].clone();
    assert_eq!(status("preoperative_rt"), "applies");
    assert_eq!(status("systemic_therapy"), "not_applicable");
    assert_eq!(json["trace"].as_array().unwrap().len(), 0);
}

#[test]
fn run_reads_the_case_from_stdin_and_traces() {
    let case = r#"{"facts": {"histology": "leiomyosarcoma", "distant_metastases": true}}"#;
    let (code, out, err) = cairn(&["run", MINI, "--case", "-", "--trace"], Some(case));
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("systemic_therapy"), "{out}");
    assert!(out.contains("distant_metastases = true"), "{out}");
}

#[test]
fn run_reports_case_errors_with_line_and_column() {
    let (code, out, err) = cairn(
        &["run", MINI, "--case", "tests/corpus/case/invalid_case.json"],
        None,
    );
    assert_eq!(code, 1);
    assert!(out.is_empty());
    assert!(
        err.contains("[tests/corpus/case/invalid_case.json:3:18]"),
        "{err}"
    );
    insta::assert_snapshot!("run_invalid_case", err);

    let (code, _, err) = cairn(
        &["run", MINI, "--case", "-"],
        Some("{\"facts\": {\"grade\": 2,}}"),
    );
    assert_eq!(code, 1);
    assert!(err.contains("malformed JSON"), "{err}");
    assert!(err.contains("<stdin>:1:23"), "{err}");

    let (code, _, err) = cairn(
        &["run", MINI, "--case", "tests/corpus/case/absent.json"],
        None,
    );
    assert_eq!(code, 2, "{err}");
}

#[test]
fn explain_one_recommendation_or_suggest_an_id() {
    let args = [
        "explain",
        MINI,
        "--case",
        "tests/corpus/case/ddlps.json",
        "preoperative_rt",
    ];
    let (code, out, err) = cairn(&args, None);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("grade = 2"), "{out}");
    assert!(out.contains("recommendation `preoperative_rt`"), "{out}");
    assert!(!out.contains("systemic_therapy"), "{out}");

    let args = [
        "explain",
        MINI,
        "--case",
        "tests/corpus/case/ddlps.json",
        "preoperative_r",
    ];
    let (code, out, err) = cairn(&args, None);
    assert_eq!(code, 1);
    assert!(out.is_empty());
    assert!(err.contains("did you mean `preoperative_rt`?"), "{err}");
}

#[test]
fn test_command_passes_fails_and_measures_coverage() {
    let (code, out, _) = cairn(&["test", "tests/corpus/case/mini"], None);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("3 cases: 3 passed, 0 failed"), "{out}");
    assert!(
        !out.contains("notes.json"),
        "a case without expect is skipped: {out}"
    );

    let (code, out, _) = cairn(&["test", "tests/corpus/case/failing"], None);
    assert_eq!(code, 1);
    insta::assert_snapshot!("test_failing", out);

    let (code, out, _) = cairn(&["test", "tests/corpus/case/mini", "--coverage"], None);
    assert_eq!(code, 0);
    insta::assert_snapshot!("test_coverage", out);

    let (code, out, _) = cairn(
        &["test", "tests/corpus/case/mini", "--min-coverage", "90"],
        None,
    );
    assert_eq!(code, 1, "coverage is 71%: {out}");
    assert!(out.contains("minimum 90%: NOT met"), "{out}");
    let (code, _, _) = cairn(
        &["test", "tests/corpus/case/mini", "--min-coverage", "70"],
        None,
    );
    assert_eq!(code, 0);

    let (code, out, _) = cairn(
        &["test", "tests/corpus/case/failing", "--format", "json"],
        None,
    );
    assert_eq!(code, 1);
    let json: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(json["failed"], 2);
    let wrong = json["cases"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "ddlps grade 3 expected wrongly")
        .unwrap();
    assert_eq!(wrong["differences"][0]["kind"], "status");
    assert_eq!(wrong["differences"][0]["actual"], "not_applicable");

    let (code, _, err) = cairn(&["test", "tests/corpus/case/nowhere"], None);
    assert_eq!(code, 2, "{err}");
}

#[test]
fn batch_runs_every_good_line_and_reports_bad_ones() {
    let (code, out, err) = cairn(&["batch", MINI, "tests/corpus/case/cohort.jsonl"], None);
    assert_eq!(code, 1, "two lines are bad");
    let all: Vec<serde_json::Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    // A bad line is an error row with its line number and errors.
    let lines: Vec<_> = all.iter().map(|r| r["line"].as_u64().unwrap()).collect();
    assert_eq!(lines, [1, 2, 4, 5, 6]);
    assert_eq!(all[2]["errors"][0]["code"], "cairn::case::integer_range");
    assert_eq!(all[2]["errors"][0]["column"], 21);
    let rows: Vec<_> = all
        .into_iter()
        .filter(|r| r.get("errors").is_none())
        .collect();
    assert_eq!(rows.len(), 3);
    assert_eq!(rows[0]["line"], 1);
    assert_eq!(rows[0]["recommendations"]["systemic_therapy"], "applies");
    assert_eq!(rows[2]["line"], 5);
    // The last line (rows, time, rate) varies from run to run.
    let (err, timing) = err.trim_end().rsplit_once('\n').unwrap();
    assert!(timing.starts_with("5 rows in "), "{timing}");
    insta::assert_snapshot!("batch_stderr", format!("{err}\n"));

    // Each row agrees with `cairn run` on the same case.
    let cohort = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus/case/cohort.jsonl"),
    )
    .unwrap();
    for row in &rows {
        let line = cohort
            .lines()
            .nth(row["line"].as_u64().unwrap() as usize - 1)
            .unwrap();
        let (_, single, _) = cairn(
            &["run", MINI, "--case", "-", "--format", "json"],
            Some(line),
        );
        let single: serde_json::Value = serde_json::from_str(&single).unwrap();
        assert_eq!(row["derived"], single["derived"]);
        for rec in single["recommendations"].as_array().unwrap() {
            let id = rec["id"].as_str().unwrap();
            assert_eq!(row["recommendations"][id], rec["status"]);
            if rec["status"] == "undetermined" {
                assert_eq!(row["missing"][id], rec["missing"]);
            }
        }
    }
    assert_eq!(
        rows[1]["missing"]["standard_fractionation"],
        serde_json::json!(["planned_rt_total_dose", "planned_rt_fractions"])
    );
    assert_eq!(rows[0]["name"], "p1");
    assert_eq!(rows[1]["name"], serde_json::Value::Null);

    let (code, out, _) = cairn(
        &[
            "batch",
            MINI,
            "tests/corpus/case/cohort.jsonl",
            "--format",
            "csv",
        ],
        None,
    );
    assert_eq!(code, 1);
    insta::assert_snapshot!("batch_csv", out);

    let good = "{\"facts\": {\"distant_metastases\": true}}\n";
    let (code, out, _) = cairn(&["batch", MINI, "-", "--format", "csv"], Some(good));
    assert_eq!(code, 0);
    assert_eq!(
        out.lines().nth(1),
        Some("1,,not_applicable,not_applicable,applies")
    );
}

/// A batch row writes derived values exactly as `cairn run` does, also
/// when they do not round to a short decimal (one value codec).
#[test]
fn batch_derived_values_are_written_like_run() {
    let line = r#"{"facts": {"planned_rt_total_dose": "50 Gy", "planned_rt_fractions": 3}}"#;
    let (code, out, _) = cairn(&["batch", MINI, "-"], Some(line));
    assert_eq!(code, 0);
    let row: serde_json::Value = serde_json::from_str(out.lines().next().unwrap()).unwrap();
    let (_, single, _) = cairn(
        &["run", MINI, "--case", "-", "--format", "json"],
        Some(line),
    );
    let single: serde_json::Value = serde_json::from_str(&single).unwrap();
    let dose = &single["derived"]["dose_per_fraction"];
    assert_eq!(dose["value"], serde_json::json!(16.666666667));
    assert_eq!(
        row["derived"]["dose_per_fraction"].to_string(),
        dose.to_string()
    );
}

#[test]
fn usage_errors_exit_with_two() {
    assert_eq!(cairn(&["frobnicate"], None).0, 2);
    assert_eq!(cairn(&["run", MINI], None).0, 2);
    assert_eq!(cairn(&["test", "--format", "xml"], None).0, 2);
    assert_eq!(cairn(&["--help"], None).0, 0);
}

#[test]
fn fmt_checks_and_rewrites_only_when_asked() {
    let dir = std::env::temp_dir().join(format!("cairn-fmt-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("mini.cairn");
    // The fixture is kept formatted; removing every indent unformats it.
    let formatted =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(MINI)).unwrap();
    let original: String = formatted
        .lines()
        .map(|l| format!("{}\n", l.trim_start()))
        .collect();
    assert_ne!(original, formatted);
    std::fs::write(&file, &original).unwrap();
    let path = file.to_str().unwrap();

    let (code, out, err) = cairn(&["fmt", "--check", path], None);
    assert_eq!(code, 1, "{err}");
    assert!(
        out.contains("+  well_differentiated_liposarcoma \"Well-differentiated liposarcoma\"\n"),
        "{out}"
    );
    assert!(err.contains("1 of 1 files are not formatted"), "{err}");
    assert_eq!(
        std::fs::read_to_string(&file).unwrap(),
        original,
        "--check never writes"
    );

    let (code, _, err) = cairn(&["fmt", path], None);
    assert_eq!(code, 0, "{err}");
    assert_ne!(std::fs::read_to_string(&file).unwrap(), original);
    let (code, out, _) = cairn(&["fmt", "--check", dir.to_str().unwrap()], None);
    assert_eq!((code, out.as_str()), (0, ""));

    std::fs::write(&file, "fact x \"broken\": integr\n").unwrap();
    let (code, _, err) = cairn(&["fmt", path], None);
    assert_eq!(code, 1);
    assert!(err.contains("cairn::syntax"), "{err}");
    assert_eq!(
        std::fs::read_to_string(&file).unwrap(),
        "fact x \"broken\": integr\n"
    );
    std::fs::remove_dir_all(&dir).unwrap();

    assert_eq!(
        cairn(&["fmt", "--check", "tests/corpus/case/absent.cairn"], None).0,
        2
    );
}
