//! FHIR bindings: `cairn::fhir::load_binding` checks a binding file against
//! its guideline; every diagnostic is snapshotted as rendered (no colour),
//! hostile files never panic, and the shipped bindings check clean.

use super::fhir_support::{guideline, root, SHIPPED};
use cairn::fhir::{load_binding, Binding};
use cairn::{Checked, Failed};
use std::path::Path;

fn mini() -> Checked {
    guideline("tests/fhir/mini.cairn")
}

/// The test binding, `tests/fhir/mini.toml`.
fn good() -> String {
    std::fs::read_to_string(root().join("tests/fhir/mini.toml")).unwrap()
}

/// The test binding with `from` replaced by `to` (which must occur).
fn with(from: &str, to: &str) -> String {
    let text = good();
    assert!(text.contains(from), "`{from}` is not in mini.toml");
    text.replacen(from, to, 1)
}

fn load(text: &str) -> Result<(Binding, cairn::diagnostics::Diagnostics), Failed> {
    load_binding(&mini(), "mini.toml", text, &root().join("tests/fhir"))
}

/// Every diagnostic of loading `text`, rendered.
fn rendered(text: &str) -> String {
    match load(text) {
        Ok((b, warnings)) => warnings.render(b.sources(), 100),
        Err(f) => f.diagnostics.render(&f.sources, 100),
    }
}

/// The codes of every diagnostic of loading `text`.
fn codes(text: &str) -> Vec<String> {
    let reports = match load(text) {
        Ok((_, w)) => w.reports,
        Err(f) => f.diagnostics.reports,
    };
    reports.iter().map(|r| r.code()).collect()
}

#[test]
fn the_test_binding_checks_clean_and_reads_back() {
    let (binding, warnings) = load(&good()).unwrap();
    assert!(warnings.is_empty(), "{:?}", warnings.reports);
    assert_eq!(binding.source(), "FHIR R4");
    assert_eq!(binding.facts().len(), 8);
    assert_eq!(binding.unbound()["smoker"], "not recorded in this source");
    assert_eq!(binding.system_uri("sct"), Some("http://snomed.info/sct"));
    // Nested expansion entries are read; a grouping entry without a code is not.
    let mets = binding.valueset("mets").unwrap();
    assert_eq!(mets.codings.len(), 2);
    let last = binding.fact("last_test").unwrap();
    assert_eq!(last.closed_world.as_ref().unwrap().value, "never");
    assert_eq!(binding.fact("grade").unwrap().pick.as_str(), "earliest");
}

#[test]
fn the_shipped_bindings_check_clean() {
    for (g, b) in SHIPPED {
        let checked = guideline(g);
        let text = std::fs::read_to_string(root().join(b)).unwrap();
        let base = root().join(b).parent().unwrap().to_path_buf();
        match load_binding(&checked, b, &text, &base) {
            Ok((binding, warnings)) => {
                assert!(
                    warnings.is_empty(),
                    "{}",
                    warnings.render(binding.sources(), 100)
                );
                // Every fact of the guideline is bound (none is unbound).
                assert_eq!(binding.facts().len(), checked.model.facts.len(), "{b}");
            }
            Err(f) => panic!("{}", f.diagnostics.render(&f.sources, 100)),
        }
    }
}

#[test]
fn malformed_toml_points_at_the_error() {
    insta::assert_snapshot!(rendered(&with("[binding]", "[binding")));
}

#[test]
fn unknown_keys_are_errors_not_ignored() {
    let text = with(
        "filter = { \"status\" = \"final\" }",
        "filtr = { \"status\" = \"final\" }",
    );
    insta::assert_snapshot!(rendered(&text));
}

#[test]
fn an_unknown_fact_offers_the_close_name() {
    insta::assert_snapshot!(rendered(&with(
        "[[fact.grade.shape]]",
        "[[fact.grda.shape]]"
    )));
}

#[test]
fn an_undeclared_system_is_an_error() {
    insta::assert_snapshot!(rendered(&with(
        "code = [\"local|dose\"]",
        "code = [\"locl|dose\"]"
    )));
}

#[test]
fn an_undeclared_valueset_is_an_error() {
    let text = with("valueset = \"mets\"", "valueset = \"met\"");
    assert_eq!(codes(&text), ["cairn::binding::unknown_valueset"]);
}

#[test]
fn values_must_be_of_the_fact_type() {
    let text = with("present = true", "present = \"yes\"").replacen(
        "map = { \"local|R2\" = \"R2\" }",
        "map = { \"local|R2\" = \"R3\" }",
        1,
    );
    insta::assert_snapshot!(rendered(&text));
}

#[test]
fn a_value_path_must_read_the_fact_type() {
    let text = with("value = \"valueInteger\"", "value = \"valueQuantity\"");
    insta::assert_snapshot!(rendered(&text));
}

#[test]
fn units_must_be_ucum_and_of_the_fact_dimension() {
    let text = with("unit = [\"Gy\", \"cGy\"]", "unit = [\"kg\", \"furlong\"]");
    insta::assert_snapshot!(rendered(&text));
}

#[test]
fn an_enum_value_no_code_reaches_is_warned() {
    let text = with(
        "map = { \"local|R2\" = \"R2\" }",
        "map = { \"local|R1\" = \"R1\" }",
    );
    assert!(load(&text).is_ok());
    insta::assert_snapshot!(rendered(&text));
}

#[test]
fn unbound_facts_need_a_reason() {
    // Left out of `[unbound]`: a warning, the binding still loads.
    let text = with("smoker = \"not recorded in this source\"", "");
    assert!(load(&text).is_ok());
    insta::assert_snapshot!("unbound_without_reason", rendered(&text));
    // An empty reason, or a bound fact listed as unbound, is an error.
    let empty = with("\"not recorded in this source\"", "\"  \"");
    assert_eq!(codes(&empty), ["cairn::binding::shape"]);
    let both = with("smoker = ", "grade = ");
    let found = codes(&both);
    assert!(
        found.contains(&"cairn::binding::bound_and_unbound".to_string()),
        "{found:?}"
    );
}

#[test]
fn closed_worlds_need_a_value_of_the_type_and_a_reason() {
    let text = with(
        "value = \"never\", reason = \"the registry records every test\"",
        "value = 3, reason = \"\"",
    );
    insta::assert_snapshot!(rendered(&text));
}

#[test]
fn pick_rules_must_fit_the_type() {
    let any_true = with("pick = \"earliest\"", "pick = \"any-true\"");
    insta::assert_snapshot!("any_true_on_integer", rendered(&any_true));
    let misspelt = with("pick = \"earliest\"", "pick = \"earlist\"");
    insta::assert_snapshot!("misspelt_pick", rendered(&misspelt));
}

#[test]
fn shapes_must_say_how_to_read_the_value() {
    let neither = with("value = \"birthDate\"", "");
    let both = with("present = true", "present = true\nvalue = \"valueBoolean\"");
    let as_of_on_bool = with(
        "[[fact.visit.shape]]",
        "[[fact.trial.shape]]\nfrom = \"as_of\"\n\n[[fact.visit.shape]]",
    );
    let bad_type = with("resource = \"Patient\"", "resource = \"Patinet\"");
    for (name, text) in [
        ("neither_present_nor_value", neither),
        ("both_present_and_value", both),
        ("as_of_on_a_bool", as_of_on_bool),
        ("misspelt_resource_type", bad_type),
    ] {
        insta::assert_snapshot!(name, rendered(&text));
    }
}

#[test]
fn valueset_paths_never_leave_the_binding_folder() {
    for path in [
        "../mini.cairn",
        "/etc/passwd",
        "valuesets/../../Cargo.toml",
        "missing.json",
    ] {
        let text = with("\"valuesets/metastases.json\"", &format!("{path:?}"));
        let out = rendered(&text);
        assert!(out.contains("cairn::binding::valueset"), "{path}: {out}");
        // The message says why, never what the file holds.
        assert!(
            !out.contains("[package]") && !out.contains("root:"),
            "{out}"
        );
    }
    insta::assert_snapshot!(rendered(&with(
        "\"valuesets/metastases.json\"",
        "\"../mini.cairn\""
    )));
}

#[cfg(unix)]
#[test]
fn a_symbolic_link_out_of_the_folder_is_refused() {
    // A valid valueset, but outside the binding's folder: refused.
    let dir = tempfile::tempdir().unwrap();
    let outside = root().join("tests/fhir/valuesets/metastases.json");
    std::os::unix::fs::symlink(outside, dir.path().join("vs.json")).unwrap();
    let text = with("\"valuesets/metastases.json\"", "\"vs.json\"");
    let f = load_binding(&mini(), "mini.toml", &text, dir.path())
        .err()
        .unwrap();
    let out = f.diagnostics.render(&f.sources, 100);
    assert!(
        out.contains("it leads outside the binding's folder"),
        "{out}"
    );
    assert_eq!(f.diagnostics.reports.len(), 1, "{out}");
}

#[test]
fn a_file_that_is_not_a_valueset_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    for (body, why) in [
        ("{\"resourceType\": \"Patient\"}", "resourceType"),
        ("not json", "not JSON"),
        ("{\"resourceType\": \"ValueSet\"}", "no codes"),
        (
            "{\"resourceType\": \"ValueSet\", \"compose\": {\"include\": [{\"system\": \"x:y\"}]}}",
            "concept",
        ),
    ] {
        std::fs::write(dir.path().join("vs.json"), body).unwrap();
        let text = with("\"valuesets/metastases.json\"", "\"vs.json\"");
        let f = load_binding(&mini(), "mini.toml", &text, dir.path())
            .err()
            .unwrap();
        let out = f.diagnostics.render(&f.sources, 100);
        assert!(out.contains(why), "{body}: {out}");
    }
}

#[test]
fn hostile_bindings_never_panic() {
    let deep = format!("a = {}{}", "[".repeat(100_000), "]".repeat(100_000));
    let huge = format!("{}\n{}", good(), "# padding\n".repeat(200_000));
    let many_codes = with(
        "code = [\"local|dose\"]",
        &format!("code = [{}]", vec!["\"local|x\""; 20_000].join(", ")),
    );
    let inline_deep = format!(
        "[binding]\nsource = \"x\"\n[fact.grade]\nclosed_world = {}1{}",
        "{ value = ".repeat(5_000),
        " }".repeat(5_000)
    );
    let binary = String::from_utf8_lossy(&[0xff, 0, 1, 2, b'[', b'[', 0x80]).to_string();
    for text in [
        deep,
        huge,
        many_codes,
        inline_deep,
        binary,
        String::new(),
        "[binding]".into(),
    ] {
        let out = rendered(&text);
        assert!(
            out.contains("cairn::binding::"),
            "{}",
            &out[..out.len().min(400)]
        );
    }
}

#[test]
fn the_binding_path_is_relative_to_the_binding() {
    // The same binding loaded from another folder cannot find its valueset.
    let f = load_binding(&mini(), "mini.toml", &good(), Path::new("/"))
        .err()
        .unwrap();
    assert_eq!(f.diagnostics.reports[0].code(), "cairn::binding::valueset");
}

#[test]
fn fhirpath_expressions_must_parse() {
    let text = with(
        "value = \"valueQuantity\"",
        "value = \"valueQuantity.where(\"",
    )
    .replacen(
        "filter = { \"status\" = \"final\" }",
        "filter = { \"status..x\" = \"final\" }\nwhere = \"value.exists() and\"",
        1,
    );
    insta::assert_snapshot!(rendered(&text));
}

#[test]
fn a_bool_only_ever_true_is_warned() {
    // Without the refuted shape, extraction can say "metastases" but never
    // "no metastases".
    let text = with(
        "[[fact.metastases.shape]]\nresource = \"Condition\"\nvalueset = \"mets\"\nfilter = { \"verificationStatus.coding.code\" = \"refuted\" }\npresent = false\n",
        "",
    );
    assert!(load(&text).is_ok());
    insta::assert_snapshot!(rendered(&text));
}
