//! The FHIRPath subset (`cairn::fhir::path`): navigation over FHIR R4 JSON
//! with choice types, the functions and operators with three-valued logic,
//! parse and run-time errors with their codes, `cairn fhir path`, and no
//! panic on any text. The limits are tested in `fhirpath_limits.rs`, the
//! oracle corpus (results of HL7's engine) in `fhirpath_corpus.rs`.

use cairn::fhir::path::{Item, Path, PathError};
use miette::Diagnostic;
use serde_json::{json, Value};

fn observation() -> Value {
    json!({
        "resourceType": "Observation",
        "id": "bp",
        "status": "final",
        "code": {"coding": [{"system": "http://loinc.org", "code": "85354-9"}]},
        "effectiveDateTime": "2024-03-01T09:30:00+01:00",
        "valueQuantity": {"value": 7.5, "unit": "mmol/L", "system": "http://unitsofmeasure.org", "code": "mmol/L"},
        "component": [
            {"code": {"text": "systolic"}, "valueQuantity": {"value": 120}},
            {"code": {"text": "diastolic"}, "valueQuantity": {"value": 80}},
            {"code": {"text": "irregular"}, "valueBoolean": false}
        ]
    })
}

/// The result of `expr` on `resource` as JSON.
fn eval(expr: &str, resource: &Value) -> Value {
    let path = Path::parse(expr).unwrap_or_else(|e| panic!("{expr}: {e}"));
    let items = path
        .evaluate(resource)
        .unwrap_or_else(|e| panic!("{expr}: {e}"));
    cairn::fhir::path::to_json(&items)
}

/// The code of the parse or evaluation error of `expr`.
fn error(expr: &str, resource: &Value) -> (String, PathError) {
    let e = match Path::parse(expr) {
        Err(e) => e,
        Ok(path) => match path.evaluate(resource) {
            Err(e) => e,
            Ok(items) => panic!("{expr} gave {:?}", cairn::fhir::path::to_json(&items)),
        },
    };
    (e.code().map(|c| c.to_string()).unwrap_or_default(), e)
}

#[test]
fn navigation_flattens_arrays_and_finds_choice_elements_with_their_type() {
    let obs = observation();
    assert_eq!(eval("Observation.value.value", &obs), json!([7.5]));
    assert_eq!(eval("value.unit", &obs), json!(["mmol/L"]));
    assert_eq!(eval("component.value.value", &obs), json!([120, 80]));
    assert_eq!(eval("component.value", &obs).as_array().unwrap().len(), 3);
    assert_eq!(eval("code.coding.code", &obs), json!(["85354-9"]));
    // The leading type filters: another resource type gives nothing.
    assert_eq!(eval("Condition.code", &obs), json!([]));
    assert_eq!(eval("missing.element", &obs), json!([]));
    let path = Path::parse("value").unwrap();
    let items = path.evaluate(&obs).unwrap();
    assert_eq!(items[0].fhir_type(), Some("Quantity"));
    assert_eq!(eval("value.ofType(Quantity).value", &obs), json!([7.5]));
    assert_eq!(
        eval("component.value.ofType(boolean)", &obs),
        json!([false])
    );
    assert_eq!(eval("value is Quantity", &obs), json!([true]));
    assert_eq!(eval("value is Boolean", &obs), json!([false]));
    assert_eq!(eval("(value as Quantity).unit", &obs), json!(["mmol/L"]));
    assert_eq!(eval("effective is dateTime", &obs), json!([true]));
}

#[test]
fn where_exists_first_and_indexers() {
    let obs = observation();
    assert_eq!(
        eval("component.where(code.text = 'diastolic').value.value", &obs),
        json!([80])
    );
    assert_eq!(
        eval("component.exists(value.value > 100)", &obs),
        json!([true])
    );
    assert_eq!(eval("component.all(value.exists())", &obs), json!([true]));
    assert_eq!(
        eval("component.first().code.text", &obs),
        json!(["systolic"])
    );
    assert_eq!(eval("component.last().value", &obs), json!([false]));
    assert_eq!(eval("component[1].code.text", &obs), json!(["diastolic"]));
    assert_eq!(eval("component[7]", &obs), json!([]));
    assert_eq!(eval("component.count()", &obs), json!([3]));
    assert_eq!(
        eval("component.where($index = 2).code.text", &obs),
        json!(["irregular"])
    );
    assert_eq!(
        eval(
            "component.select(code.text).where($this.startsWith('d'))",
            &obs
        ),
        json!(["diastolic"])
    );
    assert_eq!(eval("%resource.id = 'bp'", &obs), json!([true]));
}

#[test]
fn logic_is_three_valued_and_empty_propagates() {
    let obs = observation();
    let cases = [
        ("{} and true", json!([])),
        ("{} and false", json!([false])),
        ("{} or true", json!([true])),
        ("{} or false", json!([])),
        ("{} xor true", json!([])),
        ("false implies {}", json!([true])),
        ("true implies {}", json!([])),
        ("{} implies true", json!([true])),
        ("missing = 'x'", json!([])),
        ("missing != 'x'", json!([])),
        ("(missing = 'x').not()", json!([])),
        ("missing.exists().not()", json!([true])),
        ("'a'.not()", json!([false])),
    ];
    for (expr, expected) in cases {
        assert_eq!(eval(expr, &obs), expected, "{expr}");
    }
}

#[test]
fn dates_compare_with_their_precision_and_offsets() {
    let obs = observation();
    // 09:30+01:00 is 08:30Z.
    assert_eq!(eval("effective > @2024-03-01T08:29Z", &obs), json!([true]));
    assert_eq!(
        eval("effective < @2024-03-01T08:31:00Z", &obs),
        json!([true])
    );
    assert_eq!(
        eval("effective = @2024-03-01T08:30:00Z", &obs),
        json!([true])
    );
    // Different precision, equal as far as both go: empty.
    assert_eq!(eval("effective > @2024-03-01", &obs), json!([]));
    assert_eq!(eval("effective > @2024-02-28", &obs), json!([true]));
    let patient = json!({"resourceType": "Patient", "birthDate": "1970-05-01"});
    assert_eq!(eval("birthDate < @2000-01-01", &patient), json!([true]));
    assert_eq!(eval("birthDate = @1970-05", &patient), json!([]));
    assert_eq!(
        eval("@2024-01-01T10:00 = @2024-01-01T10:00:00", &patient),
        json!([])
    );
}

#[test]
fn errors_carry_codes_spans_and_did_you_mean() {
    let obs = observation();
    let (code, e) = error("component.frist()", &obs);
    assert_eq!(code, "cairn::fhirpath::unknown_function");
    assert_eq!(e.help().unwrap().to_string(), "did you mean `first`?");
    assert_eq!(e.span(), 10..15);
    let (code, e) = error("Observaton.value", &obs);
    assert_eq!(code, "cairn::fhirpath::unknown_resource");
    assert_eq!(e.help().unwrap().to_string(), "did you mean `Observation`?");
    let (code, _) = error("value.ofType(Quantiy)", &obs);
    assert_eq!(code, "cairn::fhirpath::unknown_type");
    let (code, _) = error("today() > @2020-01-01", &obs);
    assert_eq!(code, "cairn::fhirpath::unsupported");
    let (code, _) = error("value > 5 'mg'", &obs);
    assert_eq!(code, "cairn::fhirpath::unsupported");
    let (code, _) = error("where(1, 2)", &obs);
    assert_eq!(code, "cairn::fhirpath::arity");
    let (code, _) = error("%resorce", &obs);
    assert_eq!(code, "cairn::fhirpath::unknown_variable");
    let (code, _) = error("component.value.value > 3", &obs);
    assert_eq!(code, "cairn::fhirpath::not_singleton");
    let (code, _) = error("1 < 'a'", &obs);
    assert_eq!(code, "cairn::fhirpath::type_mismatch");
    let (code, _) = error("status.ofType(code)", &obs);
    assert_eq!(code, "cairn::fhirpath::untyped");
    let (code, _) = error("status = ", &obs);
    assert_eq!(code, "cairn::fhirpath::syntax");
    let (code, _) = error("'open", &obs);
    assert_eq!(code, "cairn::fhirpath::lexical");
}

#[test]
fn items_give_their_json_strings_and_booleans() {
    let obs = observation();
    let path = Path::parse("status | @2024-01-01 | true | 2.5").unwrap();
    let items = path.evaluate(&obs).unwrap();
    assert_eq!(items[0].as_str(), Some("final"));
    assert_eq!(items[1], Item::Date("2024-01-01".to_string()));
    assert_eq!(items[2].as_bool(), Some(true));
    assert_eq!(items[3].to_json(), json!(2.5));
    assert_eq!(path.as_str(), "status | @2024-01-01 | true | 2.5");
    let filter = Path::parse("status = 'final'").unwrap();
    assert_eq!(filter.evaluate_bool(&obs).unwrap(), Some(true));
    let absent = Path::parse("missing = 'final'").unwrap();
    assert_eq!(absent.evaluate_bool(&obs).unwrap(), None);
}

#[test]
fn cairn_fhir_path_prints_the_collection_or_the_diagnostic() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("obs.json");
    std::fs::write(&file, observation().to_string()).unwrap();
    let run = |args: &[&str]| {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_cairn"))
            .args(["fhir", "path"])
            .args(args)
            .args(["--color", "never"])
            .output()
            .unwrap();
        (
            out.status.code(),
            String::from_utf8(out.stdout).unwrap(),
            String::from_utf8(out.stderr).unwrap(),
        )
    };
    let path = file.to_str().unwrap();
    let (code, out, _) = run(&["component.value.value", path]);
    assert_eq!(code, Some(0));
    assert_eq!(
        serde_json::from_str::<Value>(&out).unwrap(),
        json!([120, 80])
    );
    let (code, out, _) = run(&["value", path, "--types"]);
    assert_eq!(code, Some(0));
    let typed: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(typed[0]["type"], json!("Quantity"));
    let (code, out, err) = run(&["value.frist()", path]);
    assert_eq!((code, out.as_str()), (Some(1), ""));
    assert!(err.contains("cairn::fhirpath::unknown_function"), "{err}");
    assert!(err.contains("did you mean `first`?"), "{err}");
    std::fs::write(&file, "{not json").unwrap();
    let (code, _, err) = run(&["value", path]);
    assert_eq!(code, Some(1));
    assert!(err.contains("cairn::fhirpath::resource_json"), "{err}");
    let (code, _, _) = run(&["value", "/nonexistent/obs.json"]);
    assert_eq!(code, Some(2));
}

/// FHIRPath-like text: words, operators, literals and brackets in any order.
fn soup() -> impl proptest::strategy::Strategy<Value = String> {
    let words = [
        "Observation",
        "value",
        "component",
        "code",
        "coding",
        "where(",
        "exists(",
        "first()",
        "ofType(",
        "Quantity",
        "is",
        "as",
        "and",
        "or",
        "implies",
        "not()",
        "iif(",
        "(",
        ")",
        "[",
        "]",
        "{}",
        ".",
        ",",
        "=",
        "!=",
        "<",
        ">=",
        "~",
        "|",
        "+",
        "-",
        "*",
        "/",
        "div",
        "mod",
        "in",
        "contains",
        "'a'",
        "'\\u00e9'",
        "1",
        "2.5",
        "@2024-01-01",
        "@T10:00",
        "$this",
        "$index",
        "%resource",
        "%ucum",
        "true",
        "count()",
        "select(",
        "all(",
        "substring(",
        "9999999999999999999",
        "@2024-13-40",
        "'",
        "`",
        "%",
        "$",
    ];
    proptest::collection::vec(proptest::sample::select(words.to_vec()), 0..24)
        .prop_map(|w| w.join(" "))
}

use proptest::strategy::Strategy as _;

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig {
        cases: 400,
        failure_persistence: Some(Box::new(proptest::test_runner::FileFailurePersistence::Direct(
            "tests/proptest-regressions/fhirpath.txt",
        ))),
        ..proptest::prelude::ProptestConfig::default()
    })]

    /// Any text parses or gives a diagnostic whose span lies inside it and
    /// renders; what parses evaluates or gives one: never a panic.
    #[test]
    fn parsing_and_evaluating_never_panic(text in soup(), noise in "\\PC{0,40}") {
        let obs = observation();
        for input in [text.clone(), noise.clone(), format!("{text}{noise}")] {
            let result = Path::parse(&input).and_then(|p| p.evaluate(&obs).map(|items| items.len()));
            if let Err(e) = result {
                proptest::prop_assert!(e.span().end <= input.len(), "{e:?} in {input:?}");
                let mut sources = cairn::source::SourceMap::new();
                let file = sources.add("<expression>", input.as_str());
                let mut diagnostics = cairn::diagnostics::Diagnostics::new();
                diagnostics.push(file, e);
                proptest::prop_assert!(!diagnostics.render(&sources, 100).is_empty());
            }
        }
    }
}
