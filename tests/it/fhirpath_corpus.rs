//! The FHIRPath subset against HL7's engine: every case of
//! `tests/corpus/fhirpath/cases.json` (an expression and a resource of
//! `resources.json`) gives what the committed `oracle` result says — the
//! result of the `fhirpath` npm package with its R4 model, regenerated and
//! checked in CI by `fhir/oracle.sh` — or, where the case says so, the
//! documented Cairn error (`cairn.error`) or documented difference
//! (`cairn.result`, with a `note`). Results compare as JSON: numbers within
//! 1e-9 (relative), dates as strings.

use cairn::fhir::path::Path;
use miette::Diagnostic;
use serde_json::Value;

const CORPUS: &str = "tests/corpus/fhirpath";

fn load(name: &str) -> Value {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join(CORPUS)
        .join(name);
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// JSON equality with numbers compared within a relative 1e-9.
fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => {
            let (x, y) = (x.as_f64().unwrap(), y.as_f64().unwrap());
            (x - y).abs() <= 1e-9 * x.abs().max(y.abs()).max(1.0)
        }
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(a, b)| same(a, b))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| same(v, w)))
        }
        _ => a == b,
    }
}

/// Cairn's result: the collection as JSON, or the error's code.
fn cairn(expr: &str, resource: &Value) -> Result<Value, String> {
    let code =
        |e: cairn::fhir::path::PathError| e.code().map(|c| c.to_string()).unwrap_or_default();
    let path = Path::parse(expr).map_err(code)?;
    let items = path.evaluate(resource).map_err(code)?;
    Ok(cairn::fhir::path::to_json(&items))
}

#[test]
fn every_case_agrees_with_hl7s_engine_or_documents_why_not() {
    let resources = load("resources.json");
    let corpus = load("cases.json");
    let cases = corpus["cases"].as_array().unwrap();
    assert!(cases.len() >= 150, "the corpus has {} cases", cases.len());
    let mut failures = Vec::new();
    let (mut agreed, mut errors, mut differ) = (0, 0, 0);
    for case in cases {
        let id = case["id"].as_str().unwrap();
        let expr = case["expr"].as_str().unwrap();
        let resource = &resources[case["resource"].as_str().unwrap()];
        assert!(
            resource.is_object(),
            "case {id}: no resource {}",
            case["resource"]
        );
        let oracle = case.get("oracle").expect("every case has an oracle result");
        let got = cairn(expr, resource);
        let annotation = case.get("cairn");
        let ok = match (annotation, &got) {
            (Some(a), Err(code)) if a.get("error").is_some() => {
                errors += 1;
                a["error"] == *code
            }
            (Some(a), Ok(value)) if a.get("result").is_some() => {
                differ += 1;
                assert!(
                    case.get("note").is_some(),
                    "case {id}: a difference needs a note"
                );
                same(&a["result"], value)
            }
            (Some(_), _) => false,
            // HL7's engine raises an error: so must Cairn (the corpus pins
            // the code where it matters).
            (None, Err(_)) => {
                agreed += 1;
                oracle.get("error").is_some()
            }
            (None, Ok(value)) => {
                agreed += 1;
                same(oracle, value)
            }
        };
        if !ok {
            failures.push(format!(
                "case {id}: `{expr}` on {}\n  oracle: {oracle}\n  cairn:  {got:?}\n  expected by the case: {}",
                case["resource"],
                annotation.map_or("the oracle's result".to_string(), Value::to_string)
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
    // Most cases agree outright; the documented exceptions stay few.
    assert!(
        agreed * 4 > cases.len() * 3,
        "{agreed} agree, {errors} errors, {differ} differ"
    );
    // docs/fhirpath.md states the same figures.
    let docs = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/fhirpath.md"),
    )
    .unwrap();
    let docs = docs.split_whitespace().collect::<Vec<_>>().join(" ");
    let n = cases.len();
    for claim in [
        format!("holds {n} expressions"),
        format!("{agreed} cases agree outright; {errors} give a documented Cairn error"),
        format!("{differ} are documented differences"),
    ] {
        assert!(
            docs.contains(&claim),
            "docs/fhirpath.md should say: {claim}"
        );
    }
}

#[test]
fn the_corpus_covers_every_resource_and_the_five_kinds() {
    let resources = load("resources.json");
    let corpus = load("cases.json");
    let used: std::collections::BTreeSet<&str> = corpus["cases"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["resource"].as_str().unwrap())
        .collect();
    let all: std::collections::BTreeSet<&str> = resources
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(used, all, "every resource is used by a case");
    for kind in [
        "Observation",
        "Condition",
        "Procedure",
        "Patient",
        "MedicationRequest",
    ] {
        assert!(
            resources
                .as_object()
                .unwrap()
                .values()
                .any(|r| r["resourceType"] == kind),
            "a {kind}"
        );
    }
}
