//! `cairn cohort`: a synthetic cohort that reaches every status of every
//! recommendation of the sarcoma guideline, breaks no constraint, and says
//! the same cases in CSV and in JSON lines (`cairn batch` agrees row for row).

use std::path::Path;
use std::process::Command;

const SARCOMA: &str = "guidelines/rps/initial-management.cairn";

fn cairn(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_cairn"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    let text = |b: Vec<u8>| String::from_utf8(b).unwrap();
    (
        out.status.code().unwrap(),
        text(out.stdout),
        text(out.stderr),
    )
}

fn write(dir: &Path, name: &str, text: &str) -> String {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path.to_str().unwrap().to_string()
}

#[test]
fn a_generated_cohort_reaches_every_status_in_csv_and_jsonl_alike() {
    let dir = tempfile::tempdir().unwrap();
    let (code, csv, err) = cairn(&["cohort", SARCOMA, "-n", "3000"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(csv.lines().count(), 3001);
    let (code, jsonl, _) = cairn(&["cohort", SARCOMA, "-n", "3000", "--format", "jsonl"]);
    assert_eq!(code, 0);
    let csv_path = write(dir.path(), "c.csv", &csv);
    let jsonl_path = write(dir.path(), "c.jsonl", &jsonl);

    let (code, from_csv, err) = cairn(&["batch", SARCOMA, &csv_path, "--format", "csv"]);
    assert_eq!(code, 0, "no row breaks a constraint: {err}");
    let (code, from_jsonl, _) = cairn(&["batch", SARCOMA, &jsonl_path, "--format", "csv"]);
    assert_eq!(code, 0);
    // Line numbers differ by the header; the statuses agree row for row.
    let statuses = |out: &str| -> Vec<String> {
        out.lines()
            .skip(1)
            .map(|l| l.splitn(3, ',').nth(2).unwrap().to_string())
            .collect()
    };
    assert_eq!(statuses(&from_csv), statuses(&from_jsonl));

    let header: Vec<&str> = from_csv
        .lines()
        .next()
        .unwrap()
        .split(',')
        .skip(2)
        .collect();
    assert!(header.len() > 20);
    let mut seen = vec![[0usize; 3]; header.len()];
    for row in statuses(&from_csv) {
        for (i, s) in row.split(',').enumerate() {
            let k = ["applies", "not_applicable", "undetermined"]
                .iter()
                .position(|x| *x == s)
                .unwrap();
            seen[i][k] += 1;
        }
    }
    let gaps: Vec<String> = header
        .iter()
        .zip(&seen)
        .filter(|(_, s)| s.contains(&0))
        .map(|(r, s)| format!("{r} {s:?}"))
        .collect();
    assert!(gaps.is_empty(), "statuses never reached: {gaps:?}");
}
