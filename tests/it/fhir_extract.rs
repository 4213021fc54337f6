//! FHIR extraction: `cairn::fhir::extract` over hand-written resources —
//! absent is unknown, closed worlds echo their reason, conflicts are
//! unknown with a warning naming both resources, the pick rules, units,
//! unmapped codes, provenance, the as-of date — and the commands.

use super::fhir_support::{binding_for, day, guideline, root};
use cairn::fhir::{bundle_resources, extract, load_binding, Extracted};
use serde_json::{json, Value};

/// Extracts `resources` through the test binding, as of 2026-06-01.
fn run(resources: &[Value]) -> Extracted {
    let checked = guideline("tests/fhir/mini.cairn");
    let binding = binding_for(&checked, "tests/fhir/mini.toml");
    extract(&checked, &binding, resources, Some(day("2026-06-01")))
}

fn coding(system: &str, code: &str) -> Value {
    json!({ "coding": [{ "system": system, "code": code }] })
}

/// An Observation with the test binding's local code `code`.
fn obs(id: &str, code: &str, value: (&str, Value), date: Option<&str>) -> Value {
    let mut o = json!({
        "resourceType": "Observation", "id": id, "status": "final",
        "code": coding("urn:test:local", code),
    });
    o[value.0] = value.1;
    if let Some(d) = date {
        o["effectiveDateTime"] = json!(d);
    }
    o
}

fn condition(id: &str, verification: &str) -> Value {
    json!({
        "resourceType": "Condition", "id": id,
        "code": coding("http://snomed.info/sct", "128462008"),
        "verificationStatus": coding("http://terminology.hl7.org/CodeSystem/condition-ver-status", verification),
    })
}

fn warning_codes(e: &Extracted) -> Vec<&str> {
    e.warnings.iter().map(|w| w.code.as_str()).collect()
}

#[test]
fn absent_is_unknown_never_false() {
    let e = run(&[json!({"resourceType": "Patient", "id": "p"})]);
    // Only the closed world's fact and the as-of date have a value; every
    // bool is unknown.
    assert_eq!(
        Value::Object(e.facts.clone()),
        json!({"last_test": "never", "visit": "2026-06-01"})
    );
    assert_eq!(e.subject.as_deref(), Some("Patient/p"));
}

#[test]
fn a_closed_world_echoes_its_reason_and_yields_to_data() {
    let e = run(&[]);
    assert_eq!(
        e.closed_world["last_test"],
        "the registry records every test"
    );
    let block = e.to_case_json();
    assert_eq!(
        block["extraction"]["closed_world"]["last_test"],
        "the registry records every test"
    );
    let e = run(&[obs(
        "t",
        "test",
        ("valueBoolean", json!(true)),
        Some("2025-03-04T10:00:00Z"),
    )]);
    assert_eq!(e.facts["last_test"], "2025-03-04");
    assert!(e.closed_world.is_empty());
}

#[test]
fn conditions_give_true_when_confirmed_and_false_when_refuted() {
    assert_eq!(
        run(&[condition("c", "confirmed")]).facts["metastases"],
        true
    );
    assert_eq!(run(&[condition("c", "refuted")]).facts["metastases"], false);
    // Neither confirmed nor refuted: unknown.
    assert!(!run(&[condition("c", "provisional")])
        .facts
        .contains_key("metastases"));
}

#[test]
fn conflicts_are_unknown_with_a_warning_naming_both() {
    let e = run(&[condition("a", "confirmed"), condition("b", "refuted")]);
    assert!(!e.facts.contains_key("metastases"));
    let w = &e.warnings[0];
    assert_eq!(w.code, "cairn::extract::conflict");
    assert_eq!(w.resources, ["Condition/a", "Condition/b"]);
    assert!(
        w.message.contains("Condition/a") && w.message.contains("Condition/b"),
        "{}",
        w.message
    );
}

#[test]
fn latest_and_earliest_pick_by_date() {
    let dose = |id: &str, gy: f64, date: &str| {
        obs(
            id,
            "dose",
            ("valueQuantity", json!({"value": gy, "unit": "Gy"})),
            Some(date),
        )
    };
    let e = run(&[
        dose("d1", 45.0, "2026-01-01"),
        dose("d2", 50.4, "2026-02-01"),
    ]);
    assert_eq!(e.facts["dose"], json!({"value": 50.4, "unit": "Gy"}));
    assert_eq!(e.provenance["dose"], ["Observation/d2"]);
    let grade =
        |id: &str, g: i64, date: &str| obs(id, "grade", ("valueInteger", json!(g)), Some(date));
    let e = run(&[grade("g1", 3, "2026-03-01"), grade("g2", 2, "2026-01-01")]);
    assert_eq!(e.facts["grade"], 2);
    // Two at the same latest date that disagree: unknown.
    let e = run(&[
        dose("d1", 45.0, "2026-02-01"),
        dose("d2", 50.4, "2026-02-01"),
    ]);
    assert!(!e.facts.contains_key("dose"));
    assert_eq!(warning_codes(&e), ["cairn::extract::conflict"]);
}

#[test]
fn any_true_is_true_when_one_says_true() {
    let t = |id: &str, v: Value| obs(id, "trial", ("valueBoolean", v), None);
    let yes_no = obs(
        "c",
        "trial",
        (
            "valueCodeableConcept",
            coding("http://snomed.info/sct", "373067005"),
        ),
        None,
    );
    let e = run(&[t("a", json!(false)), t("b", json!(true)), yes_no.clone()]);
    assert_eq!(e.facts["trial"], true);
    assert_eq!(e.provenance["trial"], ["Observation/b"]);
    let e = run(&[t("a", json!(false)), yes_no]);
    assert_eq!(e.facts["trial"], false);
    assert_eq!(e.provenance["trial"], ["Observation/a", "Observation/c"]);
}

#[test]
fn quantities_convert_and_a_unit_of_another_dimension_is_unknown() {
    let q = |v: f64, code: &str| {
        obs(
            "d",
            "dose",
            (
                "valueQuantity",
                json!({"value": v, "unit": "x", "system": "http://unitsofmeasure.org", "code": code}),
            ),
            None,
        )
    };
    assert_eq!(
        run(&[q(5040.0, "cGy")]).facts["dose"],
        json!({"value": 50.4, "unit": "Gy"})
    );
    let e = run(&[q(70.0, "kg")]);
    assert!(!e.facts.contains_key("dose"));
    assert_eq!(warning_codes(&e), ["cairn::extract::bad_value"]);
    assert!(
        e.warnings[0].message.contains("mass"),
        "{}",
        e.warnings[0].message
    );
}

#[test]
fn enum_codes_map_through_the_map_and_the_enum_bindings() {
    let m = |code: Value| obs("m", "margin", ("valueCodeableConcept", code), None);
    assert_eq!(
        run(&[m(coding("http://snomed.info/sct", "2222"))]).facts["margin"],
        "R1"
    );
    assert_eq!(
        run(&[m(coding("urn:test:local", "R2"))]).facts["margin"],
        "R2"
    );
    // An unmapped code is unknown with a warning, never some default.
    let e = run(&[m(coding("http://snomed.info/sct", "9999"))]);
    assert!(!e.facts.contains_key("margin"));
    assert_eq!(warning_codes(&e), ["cairn::extract::unmapped_code"]);
    assert_eq!(e.warnings[0].resources, ["Observation/m"]);
}

#[test]
fn out_of_range_values_are_unknown_with_a_warning() {
    let e = run(&[obs("g", "grade", ("valueInteger", json!(7)), None)]);
    assert!(!e.facts.contains_key("grade"));
    assert_eq!(warning_codes(&e), ["cairn::extract::bad_value"]);
}

#[test]
fn the_as_of_date_fills_facts_and_hides_later_resources() {
    let e = run(&[obs(
        "d",
        "dose",
        ("valueQuantity", json!({"value": 50, "unit": "Gy"})),
        Some("2026-07-01"),
    )]);
    assert_eq!(e.facts["visit"], "2026-06-01");
    assert_eq!(e.provenance["visit"], ["as_of"]);
    assert!(!e.facts.contains_key("dose"));
    assert_eq!(warning_codes(&e), ["cairn::extract::after_as_of"]);
    let checked = guideline("tests/fhir/mini.cairn");
    let binding = binding_for(&checked, "tests/fhir/mini.toml");
    let e = extract(&checked, &binding, &[], None);
    assert!(!e.facts.contains_key("visit"));
    assert_eq!(warning_codes(&e), ["cairn::extract::no_as_of"]);
}

#[test]
fn provenance_names_every_resource_and_the_case_loads() {
    let resources = [
        json!({"resourceType": "Patient", "id": "p", "birthDate": "1970-05-06"}),
        condition("c1", "confirmed"),
        condition("c2", "confirmed"),
        obs("g", "grade", ("valueInteger", json!(2)), None),
    ];
    let e = run(&resources);
    assert_eq!(e.provenance["metastases"], ["Condition/c1", "Condition/c2"]);
    assert_eq!(e.provenance["birth"], ["Patient/p"]);
    let checked = guideline("tests/fhir/mini.cairn");
    let text = e.to_case_json().to_string();
    let case = cairn::load_case(&checked, "x.json", &text).unwrap();
    assert_eq!(
        case.extraction.unwrap()["provenance"]["grade"],
        json!(["Observation/g"])
    );
}

#[test]
fn a_bad_extraction_block_is_refused() {
    let checked = guideline("tests/fhir/mini.cairn");
    for block in [
        json!({"provenance": {"grade": "Observation/1"}}),
        json!({"provenance": {"grda": ["Observation/1"]}}),
        json!({"warnings": [{"code": 1}]}),
        json!({"origin": "x"}),
    ] {
        let text = json!({"facts": {}, "extraction": block}).to_string();
        assert!(
            cairn::load_case(&checked, "x.json", &text).is_err(),
            "{block}"
        );
    }
}

#[test]
fn several_patients_are_warned() {
    let e = run(&[
        json!({"resourceType": "Patient", "id": "a"}),
        json!({"resourceType": "Patient", "id": "b"}),
    ]);
    assert_eq!(warning_codes(&e), ["cairn::extract::several_patients"]);
}

#[test]
fn bundles_are_read_or_refused_clearly() {
    let ok =
        json!({"resourceType": "Bundle", "entry": [{"resource": {"resourceType": "Patient"}}]});
    assert_eq!(bundle_resources(&ok).unwrap().len(), 1);
    assert!(bundle_resources(&json!({"resourceType": "Bundle"}))
        .unwrap()
        .is_empty());
    for (bad, says) in [
        (json!([1]), "not a JSON object"),
        (json!({"resourceType": "Patient"}), "`Patient`"),
        (
            json!({"resourceType": "Bundle", "entry": {}}),
            "not an array",
        ),
        (
            json!({"resourceType": "Bundle", "entry": [{"fullUrl": "x"}]}),
            "entry 0 of the bundle has no `resource`",
        ),
        (
            json!({"resourceType": "Bundle", "entry": [{"resource": {"id": "x"}}]}),
            "without a `resourceType`",
        ),
    ] {
        let e = bundle_resources(&bad).unwrap_err().to_string();
        assert!(e.contains(says), "{bad}: {e}");
    }
}

#[test]
fn where_and_filters_select_resources() {
    let checked = guideline("tests/fhir/mini.cairn");
    let text = std::fs::read_to_string(root().join("tests/fhir/mini.toml"))
        .unwrap()
        .replacen(
            "value = \"valueInteger\"",
            "value = \"valueInteger\"\nwhere = \"value > 1\"",
            1,
        );
    let (binding, _) =
        load_binding(&checked, "mini.toml", &text, &root().join("tests/fhir")).unwrap();
    let g = |id: &str, v: i64| obs(id, "grade", ("valueInteger", json!(v)), Some("2026-01-01"));
    let e = extract(&checked, &binding, &[g("a", 1), g("b", 3)], None);
    assert_eq!(e.facts["grade"], 3);
    assert_eq!(e.provenance["grade"], ["Observation/b"]);
    // `status = final` is a filter of the trial shape: a preliminary
    // observation is not read.
    let mut t = obs("t", "trial", ("valueBoolean", json!(true)), None);
    t["status"] = json!("preliminary");
    assert!(!run(&[t]).facts.contains_key("trial"));
}

#[test]
fn dates_come_from_date_times_and_period_starts() {
    let mut t = obs("t", "test", ("valueBoolean", json!(true)), None);
    t["effectivePeriod"] = json!({"start": "2025-11-30T23:30:00-05:00", "end": "2025-12-01"});
    assert_eq!(run(&[t]).facts["last_test"], "2025-11-30");
    // A partial date is not a day: unknown with a warning, not the 1st.
    let mut t = obs("t", "test", ("valueBoolean", json!(true)), None);
    t["effectiveDateTime"] = json!("2025-11");
    let e = run(&[t]);
    // The test exists: the closed world (no test on record) does not apply.
    assert!(!e.facts.contains_key("last_test"), "{:?}", e.facts);
    assert!(e.closed_world.is_empty());
    assert_eq!(warning_codes(&e), ["cairn::extract::bad_value"]);
}
