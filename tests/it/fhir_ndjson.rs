//! `cairn batch --ndjson`: a FHIR Bulk Data export made of the synthetic
//! bundles of every RPS golden case gives, per patient, the outcome of its
//! case file; bad lines are reported as `file:line` and skipped while every
//! patient still runs; the index groups lines by subject (CRLF and blank
//! lines included) and reads them back exactly.

use super::fhir_guidance::golden;
use super::fhir_support::shipped_binding;
use cairn::fhir::ndjson::Export;
use cairn::fhir::synth::synth;
use cairn::{Options, Program};
use std::collections::BTreeMap;
use std::io::Write as _;
use std::path::Path;
use std::process::Command;

fn append(dir: &Path, file: &str, line: &str) {
    let mut f = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(dir.join(file))
        .unwrap();
    writeln!(f, "{line}").unwrap();
}

#[test]
fn an_export_of_the_golden_cases_runs_to_their_outcomes() {
    let (path, files) = golden()
        .into_iter()
        .find(|(p, _)| p.to_string_lossy().contains("rps"))
        .unwrap();
    let checked = cairn::parse_file(&path).unwrap().check().unwrap();
    let binding = shipped_binding(&checked, &path);
    let program = Program::new(&checked);
    let dir = tempfile::tempdir().unwrap();
    // Patient id → the status of each recommendation its case file gives.
    let mut want: BTreeMap<String, BTreeMap<String, String>> = BTreeMap::new();
    for file in &files {
        let text = std::fs::read_to_string(file).unwrap();
        let json: serde_json::Value = serde_json::from_str(&text).unwrap();
        let Ok(made) = synth(&checked, &binding, &json) else {
            continue;
        };
        for e in made.bundle["entry"].as_array().unwrap() {
            let r = &e["resource"];
            append(
                dir.path(),
                &format!("{}.ndjson", r["resourceType"].as_str().unwrap()),
                &r.to_string(),
            );
            if r["resourceType"] == "Patient" {
                let case = cairn::load_case(&checked, "c", &text).unwrap();
                let outcome = program.evaluate(&case.case, Options::default());
                let statuses = outcome
                    .recommendations
                    .iter()
                    .map(|r| (r.id.to_string(), r.status.as_str().to_string()))
                    .collect();
                want.insert(format!("Patient/{}", r["id"].as_str().unwrap()), statuses);
            }
        }
    }
    assert!(want.len() > 50, "{} patients", want.len());
    append(dir.path(), "Observation.ndjson", "{not json");
    append(
        dir.path(),
        "Condition.ndjson",
        r#"{"resourceType":"Condition","id":"x","subject":{"reference":"Patient/nobody"}}"#,
    );
    let out = Command::new(env!("CARGO_BIN_EXE_cairn"))
        .arg("batch")
        .arg(&path)
        .arg("--ndjson")
        .arg(dir.path())
        .arg("--binding")
        .arg(path.parent().unwrap().join("bindings/fhir-r4.toml"))
        .args([
            "--as-of",
            "2026-12-02",
            "--format",
            "jsonl",
            "--threads",
            "2",
        ])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    let observation_lines = std::fs::read_to_string(dir.path().join("Observation.ndjson"))
        .unwrap()
        .lines()
        .count();
    assert!(
        stderr.contains(&format!("Observation.ndjson:{observation_lines}: not JSON")),
        "{stderr}"
    );
    assert!(
        stderr.contains("`Patient/nobody` is not in `Patient.ndjson`"),
        "{stderr}"
    );
    let rows: Vec<serde_json::Value> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(rows.len(), want.len(), "one row per patient");
    for row in rows {
        let name = row["name"].as_str().unwrap();
        let got: BTreeMap<String, String> = row["recommendations"]
            .as_object()
            .unwrap()
            .iter()
            .map(|(id, s)| (id.clone(), s.as_str().unwrap().to_string()))
            .collect();
        assert_eq!(Some(&got), want.get(name), "{name}");
    }
}

#[test]
fn the_index_groups_lines_by_subject_and_reads_them_back() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("Patient.ndjson"),
        "{\"resourceType\":\"Patient\",\"id\":\"a\"}\r\n\n{\"resourceType\":\"Patient\",\"id\":\"b\"}\n{\"resourceType\":\"Patient\",\"id\":\"a\"}\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("Observation.ndjson"),
        "{\"resourceType\":\"Observation\",\"id\":\"o1\",\"subject\":{\"reference\":\"Patient/b\"}}\n\
         {\"resourceType\":\"Observation\",\"id\":\"o2\",\"subject\":{\"reference\":\"Group/g\"}}\n\
         {\"resourceType\":\"Observation\",\"id\":\"o3\",\"subject\":{\"reference\":\"Patient/a\"}}",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("AllergyIntolerance.ndjson"),
        "{\"resourceType\":\"AllergyIntolerance\",\"id\":\"x\",\"patient\":{\"reference\":\"Patient/a\"}}\n",
    )
    .unwrap();
    let export = Export::index(dir.path()).unwrap();
    assert_eq!(export.subjects().collect::<Vec<_>>(), ["a", "b"]);
    let errors: Vec<String> = export.errors.iter().map(ToString::to_string).collect();
    assert_eq!(
        errors,
        [
            "Patient.ndjson:4: a second Patient with the id `a`",
            "Observation.ndjson:2: the reference `Group/g` is not to a Patient (`Patient/ID`)",
        ]
    );
    let mut files = export.open_files();
    let mut ids = |i| -> Vec<String> {
        export
            .resources(i, &mut files)
            .unwrap()
            .iter()
            .map(|r| r["id"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(ids(0), ["a", "x", "o3"]);
    assert_eq!(ids(1), ["b", "o1"]);
    // No Patient file: the subjects are unknown.
    std::fs::remove_file(dir.path().join("Patient.ndjson")).unwrap();
    assert!(Export::index(dir.path()).is_err());
}
