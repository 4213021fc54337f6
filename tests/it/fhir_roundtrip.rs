//! `cairn fhir synth` round trip: on every golden case of every guideline
//! with a FHIR binding, the synthesized Bundle extracts back to the same
//! case (every fact, value for value) and runs to the same outcome as the
//! case file; and what `synth` refuses, it refuses naming the fact.

use super::fhir_guidance::golden;
use cairn::fhir::synth::synth;
use cairn::fhir::synth_error::SynthError;
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
    let mut refused = std::collections::BTreeSet::new();
    let mut refusals = 0;
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
            let made = match synth(&checked, &binding, &json) {
                Ok(made) => made,
                Err(errors) => {
                    // A refusal a golden case may meet: it leaves a fact
                    // unknown that the bundle cannot leave unknown (the
                    // binding's closed world, or a resource for another fact
                    // that also records it). Each names its fact; the
                    // pairs are listed in README's FHIR section.
                    for e in &errors {
                        let fact = match e {
                            SynthError::ClosedWorld { fact, .. } => {
                                assert!(
                                    json["facts"].get(fact).is_none_or(|v| v.is_null()),
                                    "{name}: {fact}"
                                );
                                assert!(binding.fact(fact).unwrap().closed_world.is_some());
                                fact
                            }
                            SynthError::NoShape { fact, reasons, .. }
                                if reasons.contains("the resource also gives fact") =>
                            {
                                fact
                            }
                            other => panic!("{name}: synth failed: {other}"),
                        };
                        let guideline = path
                            .parent()
                            .unwrap()
                            .file_name()
                            .unwrap()
                            .to_string_lossy()
                            .to_string();
                        refused.insert((guideline, fact.clone()));
                    }
                    refusals += 1;
                    continue;
                }
            };
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
    assert!(cases > 100, "{cases} cases");
    // Known (README, FHIR section): the cervical binding's closed world on
    // `most_recent_negative_test`; VTE's `previous_dvt` and
    // `previous_dvt_or_pe`, which one Condition records both of.
    let known: std::collections::BTreeSet<(String, String)> = [
        ("cervical", "most_recent_negative_test"),
        ("vte", "previous_dvt"),
        ("vte", "previous_dvt_or_pe"),
    ]
    .into_iter()
    .map(|(g, f)| (g.to_string(), f.to_string()))
    .collect();
    assert!(refused.is_subset(&known), "new refusals: {refused:?}");
    assert!(refusals <= 31, "{refusals} cases refused");
}
