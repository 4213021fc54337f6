//! FHIR extraction through the shipped bindings and the commands: absent
//! bool facts stay unknown, a refuted diagnosis says false only for what it
//! alone decides, and `cairn fhir extract`, `cairn run --fhir` and `cairn
//! check --binding` end to end.

use super::fhir_support::{binding_for, day, guideline, root, SHIPPED};
use super::trace::cairn;
use cairn::fhir::extract;
use serde_json::{json, Value};

fn coding(system: &str, code: &str) -> Value {
    json!({ "coding": [{ "system": system, "code": code }] })
}

#[test]
fn absent_bool_facts_of_the_shipped_bindings_stay_unknown() {
    for (g, b) in SHIPPED {
        let checked = guideline(g);
        let binding = binding_for(&checked, b);
        let patient = json!({"resourceType": "Patient", "id": "p", "birthDate": "1950-02-03"});
        let e = extract(&checked, &binding, &[patient], Some(day("2026-01-01")));
        for (name, value) in &e.facts {
            // A value without a resource comes from a closed world (echoed)
            // or the as-of date; none is a bool.
            let from = e.provenance.get(name).cloned().unwrap_or_default();
            assert!(!value.is_boolean(), "{b}: {name} = {value}");
            assert!(
                e.closed_world.contains_key(name) || from == ["as_of"] || from == ["Patient/p"],
                "{b}: {name} has no source"
            );
        }
    }
}

#[test]
fn refuting_one_diagnosis_does_not_rule_out_a_wider_fact() {
    let refuted = |code: &str| {
        json!({
            "resourceType": "Condition", "id": code,
            "code": coding("http://snomed.info/sct", code),
            "verificationStatus": coding("http://terminology.hl7.org/CodeSystem/condition-ver-status", "refuted"),
        })
    };
    let checked = guideline("guidelines/cervical/screening.cairn");
    let binding = binding_for(&checked, "guidelines/cervical/bindings/fhir-r4.toml");
    // A refuted HIV infection leaves other causes of immunosuppression open.
    let e = extract(&checked, &binding, &[refuted("86406008")], None);
    assert!(!e.facts.contains_key("immunocompromised"), "{:?}", e.facts);
    let e = extract(&checked, &binding, &[refuted("370388006")], None);
    assert_eq!(e.facts["immunocompromised"], false);
    // A refuted cervical cancer leaves CIN 2/3 open.
    let e = extract(&checked, &binding, &[refuted("363354003")], None);
    assert!(!e
        .facts
        .contains_key("high_grade_precancer_or_cervical_cancer"));
    // A refuted DVT is no previous DVT, but says nothing about a previous PE.
    let checked = guideline("guidelines/vte/diagnosis-treatment.cairn");
    let binding = binding_for(&checked, "guidelines/vte/bindings/fhir-r4.toml");
    let e = extract(&checked, &binding, &[refuted("128053003")], None);
    assert_eq!(e.facts["previous_dvt"], false);
    assert!(!e.facts.contains_key("previous_dvt_or_pe"));
}

#[test]
fn the_commands_extract_and_run_from_a_bundle() {
    let g = "tests/fhir/mini.cairn";
    let b = "tests/fhir/mini.toml";
    let bundle = "tests/fhir/bundles/mini.json";
    let (code, out, err) = cairn(&[
        "fhir",
        "extract",
        g,
        "--binding",
        b,
        bundle,
        "--as-of",
        "2026-06-01",
    ]);
    assert_eq!(code, 0, "{err}");
    let case: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(case["facts"]["margin"], "R0");
    assert!(err.contains("cairn::extract::conflict"), "{err}");
    // `run --fhir` gives the outcome `run --case` gives for the extracted case.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("case.json");
    std::fs::write(&path, &out).unwrap();
    let (_, by_case, _) = cairn(&[
        "run",
        g,
        "--case",
        path.to_str().unwrap(),
        "--format",
        "json",
    ]);
    let (code, by_fhir, err) = cairn(&[
        "run",
        g,
        "--fhir",
        bundle,
        "--binding",
        b,
        "--as-of",
        "2026-06-01",
        "--format",
        "json",
    ]);
    assert_eq!(code, 0, "{err}");
    let (a, f): (Value, Value) = (
        serde_json::from_str(&by_case).unwrap(),
        serde_json::from_str(&by_fhir).unwrap(),
    );
    assert_eq!(a, f);
    assert_eq!(
        f["extraction"]["provenance"]["margin"],
        json!(["Observation/margin"])
    );
    // Neither `--case` nor `--fhir`; a bundle that is not one.
    let (code, _, err) = cairn(&["run", g]);
    assert_eq!(code, 2, "{err}");
    let (code, _, err) = cairn(&["fhir", "extract", g, "--binding", b, "tests/fhir/mini.toml"]);
    assert_eq!(code, 1);
    assert!(err.contains("not JSON"), "{err}");
    let (code, _, err) = cairn(&["check", g, "--binding", b]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("ok (0 errors, 0 warnings)"), "{err}");
    // With JSON errors, the check prints one array on standard output.
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.toml");
    std::fs::write(&bad, "[binding]\nsource = \"x\"\n[fact.grda]\n").unwrap();
    let (code, out, _) = cairn(&[
        "check",
        g,
        "--binding",
        bad.to_str().unwrap(),
        "--error-format",
        "json",
    ]);
    assert_eq!(code, 1);
    let diagnostics: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(diagnostics[0]["code"], "cairn::binding::unknown_fact");
}

#[test]
fn the_default_as_of_date_is_the_reproducible_clock_and_fhir_output_refuses_a_trace() {
    let g = "tests/fhir/mini.cairn";
    let b = "tests/fhir/mini.toml";
    let bundle = "tests/fhir/bundles/mini.json";
    // 2026-01-01T00:00:00Z: without `--as-of`, the extraction is dated by
    // `SOURCE_DATE_EPOCH`, as the note's "produced" line is.
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_cairn"))
        .args(["fhir", "extract", g, "--binding", b, bundle])
        .env("SOURCE_DATE_EPOCH", "1767225600")
        .current_dir(root())
        .output()
        .unwrap();
    assert!(out.status.success());
    let case: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(case["extraction"]["as_of"], "2026-01-01");
    // A GuidanceResponse has no trace: `--trace` is refused, not dropped.
    let (code, out, err) = cairn(&[
        "run",
        g,
        "--fhir",
        bundle,
        "--binding",
        b,
        "--format",
        "fhir",
        "--trace",
    ]);
    assert_eq!(code, 2, "{err}");
    assert!(out.is_empty());
    assert!(
        err.contains("`--trace` does not go with `--format fhir`"),
        "{err}"
    );
}
