//! `cairn report` on the command line: the same bytes on every run, `-o`
//! written once (`--force` to replace), errors for a missing or bad case,
//! and the flowcharts of the patient's path, escaped and with unique ids.

use super::report::{root, self_contained, CERVICAL, HOSTILE, RPS, VTE};
use std::process::Command;

/// Runs `cairn` with `SOURCE_DATE_EPOCH` set; exit code, stdout, stderr.
fn cairn(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_cairn"))
        .args(args)
        .current_dir(root())
        .env("SOURCE_DATE_EPOCH", "1764759600")
        .env("NO_COLOR", "1")
        .output()
        .expect("cairn runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

const CASE: &str = "guidelines/rps/cases/post_r1_surveillance_graded_2c.json";

#[test]
fn the_command_is_deterministic_and_writes_a_file_once() {
    let (code, first, err) = cairn(&["report", RPS, "--case", CASE]);
    assert_eq!(code, 0, "{err}");
    let (_, second, _) = cairn(&["report", RPS, "--case", CASE]);
    assert_eq!(first, second);
    assert!(first.contains("<dd>2025-12-03 11:00 UTC</dd>"), "{first}");
    let dir = tempfile::tempdir().expect("temporary folder");
    let file = dir.path().join("report.html");
    let path = file.to_str().expect("utf-8 path");
    let (code, out, err) = cairn(&["report", RPS, "--case", CASE, "-o", path]);
    assert_eq!((code, out.as_str()), (0, ""), "{err}");
    assert_eq!(std::fs::read_to_string(&file).expect("written"), first);
    std::fs::write(&file, "old").expect("overwritable");
    let (code, _, err) = cairn(&["report", RPS, "--case", CASE, "-o", path]);
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains("exists, not overwritten (add --force"),
        "{err}"
    );
    assert_eq!(std::fs::read_to_string(&file).expect("kept"), "old");
    let (code, _, err) = cairn(&["report", RPS, "--case", CASE, "-o", path, "--force"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(std::fs::read_to_string(&file).expect("replaced"), first);
    // Nothing else is left in the folder (the temporary file is renamed).
    assert_eq!(std::fs::read_dir(dir.path()).expect("folder").count(), 1);
}

#[test]
fn a_missing_or_bad_case_fails_with_its_location() {
    let (code, out, err) = cairn(&["report", RPS, "--case", "no/such/case.json"]);
    assert_eq!((code, out.as_str()), (2, ""), "{err}");
    assert!(err.contains("no/such/case.json"), "{err}");
    let dir = tempfile::tempdir().expect("temporary folder");
    let bad = dir.path().join("bad.json");
    std::fs::write(&bad, "{\"facts\": {\"phase\": }}\n").expect("writable");
    let bad = bad.to_str().expect("utf-8 path");
    let (code, out, err) = cairn(&["report", RPS, "--case", bad]);
    assert_eq!((code, out.as_str()), (1, ""), "{err}");
    assert!(err.contains("bad.json:1:"), "{err}");
    let (code, _, err) = cairn(&["--error-format", "json", "report", RPS, "--case", bad]);
    assert_eq!(code, 1, "{err}");
    let line: serde_json::Value =
        serde_json::from_str(err.lines().next().unwrap_or("")).expect("a JSON diagnostic");
    assert_eq!(line["severity"], "error", "{err}");
    let file = dir.path().join("out.html");
    let (code, _, _) = cairn(&[
        "report",
        RPS,
        "--case",
        bad,
        "-o",
        file.to_str().unwrap_or(""),
    ]);
    assert_eq!(code, 1);
    assert!(!file.exists(), "a report written for a bad case");
}

/// The ids of the report's figures, by their `aria-label`s.
fn figures(html: &str) -> Vec<String> {
    html.split("<figure class=\"flowchart\"")
        .skip(1)
        .filter_map(|f| f.split("aria-label=\"").nth(1)?.split('"').next())
        .map(str::to_string)
        .collect()
}

#[test]
fn the_command_draws_the_flowcharts_on_the_path() {
    let case = "guidelines/rps/cases/metastatic_histology_unknown_burden_unknown.json";
    let (code, html, err) = cairn(&["report", RPS, "--case", case]);
    assert_eq!(code, 0, "{err}");
    let title = "Initial management of retroperitoneal soft tissue sarcoma: ";
    let want: Vec<String> = [
        "overview",
        "INTRODUCTION",
        "PRETREATMENT EVALUATION",
        "UNRESECTABLE OR METASTATIC DISEASE",
    ]
    .iter()
    .map(|s| format!("{title}{s}"))
    .collect();
    assert_eq!(figures(&html), want);
    // The patient's path is drawn: a node that applies, one undetermined.
    assert!(html.contains("data-status=\"applies\""), "{html}");
    assert!(html.contains("data-status=\"undetermined\""), "{html}");
    // A small guideline is one picture.
    let case = "guidelines/cervical/cases/age_70_high_risk.json";
    let (code, html, err) = cairn(&["report", CERVICAL, "--case", case]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(figures(&html).len(), 1, "{html}");
}

#[test]
fn the_command_output_is_well_formed_with_unique_ids_on_every_guideline() {
    for (guideline, case) in [
        (
            RPS,
            "guidelines/rps/cases/post_r0_wdlps_follow_up_schedule.json",
        ),
        (
            VTE,
            "guidelines/vte/cases/dvt_likely_delayed_ultrasound.json",
        ),
        (
            CERVICAL,
            "guidelines/cervical/cases/age_21_day_after_21st_birthday.json",
        ),
    ] {
        let (code, html, err) = cairn(&["report", guideline, "--case", case]);
        assert_eq!(code, 0, "{err}");
        assert!(!figures(&html).is_empty(), "{case}: no flowchart");
        let ids = self_contained(&html);
        let unique: std::collections::BTreeSet<&String> = ids.iter().collect();
        assert_eq!(unique.len(), ids.len(), "{case}: an id twice");
    }
}

#[test]
fn the_command_escapes_hostile_text_in_the_flowcharts_too() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let guideline = dir.path().join("hostile.cairn");
    std::fs::write(&guideline, HOSTILE).expect("writable");
    let case = dir.path().join("case.json");
    std::fs::write(&case, r#"{"facts": {"x": 3}}"#).expect("writable");
    let (g, c) = (
        guideline.to_str().unwrap_or(""),
        case.to_str().unwrap_or(""),
    );
    let (code, html, err) = cairn(&["report", g, "--case", c]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(figures(&html).len(), 1, "{html}");
    self_contained(&html);
    assert!(
        !html.contains("<script") && !html.contains("<img"),
        "{html}"
    );
}
