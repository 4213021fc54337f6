//! `cairn fhir synth` round trip: on every golden case of every guideline
//! with a FHIR binding, the synthesized Bundle extracts back to the same
//! case (every fact, value for value) and runs to the same outcome as the
//! case file; and what `synth` refuses, it refuses naming the fact.

use super::fhir_guidance::golden;
use cairn::fhir::synth::synth;
use cairn::fhir::{bundle_resources, extract, load_binding, Binding};
use cairn::value::Value;
use cairn::{Options, Program};
use std::path::Path;

fn binding_of(checked: &cairn::Checked, guideline: &Path) -> Option<Binding> {
    let dir = guideline.parent()?.join("bindings");
    let path = dir.join("fhir-r4.toml");
    let text = std::fs::read_to_string(&path).ok()?;
    let (binding, _) = load_binding(checked, &path.display().to_string(), &text, &dir)
        .unwrap_or_else(|f| panic!("{}: {:?}", path.display(), f.diagnostics));
    Some(binding)
}

/// The outcome as JSON without the `absent` echo (a fact the case gives
/// as its `absent means` value may be left out of the bundle: the same
/// case, echoed differently).
fn outcome_json(outcome: &cairn::Outcome<'_>) -> serde_json::Value {
    let mut v = serde_json::to_value(outcome).unwrap();
    v.as_object_mut().unwrap().remove("absent");
    v
}

/// The same facts, quantities to the tolerance unit conversions need
/// (`176.37 [lb_av]` extracts as 80.000086297 kg).
fn same_facts(a: &[Option<Value>], b: &[Option<Value>]) -> bool {
    a.len() == b.len()
        && a.iter().zip(b).all(|(x, y)| match (x, y) {
            (Some(Value::Quantity(p)), Some(Value::Quantity(q)))
            | (Some(Value::Number(p)), Some(Value::Number(q))) => cairn::units::approx_eq(*p, *q),
            _ => x == y,
        })
}

#[test]
fn every_golden_case_round_trips_through_a_synthesized_bundle() {
    let mut guidelines = 0;
    let mut cases = 0;
    for (path, files) in golden() {
        let checked = cairn::parse_file(&path).unwrap().check().unwrap();
        let Some(binding) = binding_of(&checked, &path) else {
            continue;
        };
        guidelines += 1;
        let program = Program::new(&checked);
        for file in files {
            let name = file.display().to_string();
            let text = std::fs::read_to_string(&file).unwrap();
            let json: serde_json::Value = serde_json::from_str(&text).unwrap();
            let original = cairn::load_case(&checked, &name, &text).unwrap();
            let made = synth(&checked, &binding, &json)
                .unwrap_or_else(|e| panic!("{name}: synth failed: {e:?}"));
            assert_eq!(made.bundle["resourceType"], "Bundle");
            assert_eq!(made.bundle["type"], "collection");
            let resources = bundle_resources(&made.bundle).unwrap();
            let as_of = made.as_of.as_deref().map(|d| d.parse().unwrap());
            let extracted = extract(&checked, &binding, &resources, as_of);
            let back = extracted.to_case_json().to_string();
            let loaded = cairn::load_case(&checked, &name, &back)
                .unwrap_or_else(|f| panic!("{name}: the extracted case does not load: {f:?}"));
            assert!(
                same_facts(&loaded.case.facts, &original.case.facts),
                "{name}: the bundle extracts to other facts\n{back}\n{:?}\n{:?}",
                loaded.case.facts,
                original.case.facts
            );
            // Every fact came from a resource of the bundle (or the as-of
            // date), and nothing was in conflict.
            for (fact, from) in &extracted.provenance {
                for r in from {
                    let found = r == "as_of"
                        || resources.iter().any(|x| {
                            format!(
                                "{}/{}",
                                x["resourceType"].as_str().unwrap(),
                                x["id"].as_str().unwrap()
                            ) == *r
                        });
                    assert!(found, "{name}: {fact} from {r}, not in the bundle");
                }
            }
            let codes: Vec<&str> = extracted.warnings.iter().map(|w| w.code.as_str()).collect();
            assert!(
                !codes.iter().any(|c| c.ends_with("conflict")
                    || c.ends_with("unmapped_code")
                    || c.ends_with("bad_value")),
                "{name}: extraction warned: {:?}",
                extracted.warnings
            );
            let a = program.evaluate(&original.case, Options::default());
            let b = program.evaluate(&loaded.case, Options::default());
            assert_eq!(
                outcome_json(&a),
                outcome_json(&b),
                "{name}: another outcome"
            );
            cases += 1;
        }
    }
    assert_eq!(guidelines, 3, "every guideline has a binding");
    assert_eq!(cases, 134, "every golden case round-trips");
}

const SMALL: &str = r#"
guideline small {
  title "Small"
  version "1.0.0"
  status draft
}
fact grade "Grade": integer 1 to 3
fact fit "Fit for surgery": bool
fact trial "A trial is open": bool
recommend surgery {
  when grade >= 2 and fit and trial
  statement "Offer surgery."
}
"#;

const SMALL_BINDING: &str = r#"
[binding]
source = "FHIR R4"

[systems]
local = "urn:local"

[unbound]
trial = "site-level"

[fact.grade]
closed_world = { value = 1, reason = "every grade is recorded" }

[[fact.grade.shape]]
resource = "Observation"
code = ["local|grade"]
value = "valueInteger"

[[fact.fit.shape]]
resource = "Observation"
code = ["local|fit"]
where = "value.exists()"
present = true
"#;

#[test]
fn synth_refuses_what_a_bundle_cannot_say_naming_the_fact() {
    let checked = cairn::parse("small.cairn", SMALL).check().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let (binding, _) = load_binding(&checked, "b.toml", SMALL_BINDING, dir.path())
        .unwrap_or_else(|f| panic!("{:?}", f.diagnostics));
    let case = serde_json::json!({"facts": {"fit": true, "trial": true}});
    let errors = synth(&checked, &binding, &case).unwrap_err();
    let codes: Vec<(String, String)> = errors
        .iter()
        .map(|e| {
            let code = miette::Diagnostic::code(e).unwrap().to_string();
            (code, e.to_string())
        })
        .collect();
    assert_eq!(codes.len(), 3, "{codes:?}");
    assert_eq!(codes[0].0, "cairn::fhir::synth_closed_world");
    assert!(codes[0].1.contains("`grade`"), "{}", codes[0].1);
    assert_eq!(codes[1].0, "cairn::fhir::synth_no_shape");
    assert!(
        codes[1].1.contains("`fit`") && codes[1].1.contains("cannot be inverted"),
        "{}",
        codes[1].1
    );
    assert_eq!(codes[2].0, "cairn::fhir::synth_unbound");
    assert!(
        codes[2].1.contains("`trial`") && codes[2].1.contains("site-level"),
        "{}",
        codes[2].1
    );
    // The closed world's own value needs no resource; the rest is written.
    let case = serde_json::json!({"facts": {"grade": 1}});
    let made = synth(&checked, &binding, &case).unwrap();
    assert_eq!(
        made.bundle["entry"].as_array().unwrap().len(),
        1,
        "the Patient only"
    );
    let case = serde_json::json!({"facts": {"grade": 3}});
    let made = synth(&checked, &binding, &case).unwrap();
    let obs = &made.bundle["entry"][1]["resource"];
    assert_eq!(obs["valueInteger"], 3);
    assert_eq!(obs["code"]["coding"][0]["system"], "urn:local");
    assert_eq!(obs["status"], "final");
}
