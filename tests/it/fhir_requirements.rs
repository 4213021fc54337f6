//! `cairn fhir requirements` and the binding side of `--format fhir`: the
//! data requirements Library of every guideline's binding has one
//! requirement per resource shape (type, codes, value path, date filter),
//! and a GuidanceResponse rendered with the binding asks for each missing
//! fact by resource type and code.

use super::fhir_guidance::golden;
use super::fhir_support::shipped_binding;
use cairn::fhir::binding::{Read, Shape};
use cairn::fhir::{guidance, requirements};
use cairn::{Options, Program, Status};
use serde_json::Value;

fn fact_of(req: &Value) -> &str {
    req["extension"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["url"] == "urn:cairn:fhir:extension:fact")
        .and_then(|e| e["valueString"].as_str())
        .unwrap()
}

#[test]
fn every_binding_publishes_one_requirement_per_shape() {
    for (path, _) in golden() {
        let checked = cairn::parse_file(&path).unwrap().check().unwrap();
        let binding = shipped_binding(&checked, &path);
        let lib = requirements::library(&checked, &binding, Some("2026-01-01"));
        assert_eq!(lib["resourceType"], "Library");
        assert_eq!(lib["type"]["coding"][0]["code"], "module-definition");
        assert!(["draft", "active", "retired"].contains(&lib["status"].as_str().unwrap()));
        assert_eq!(lib["relatedArtifact"][0]["type"], "derived-from");
        let reqs = lib["dataRequirement"].as_array().unwrap();
        let mut i = 0;
        for fb in binding.facts() {
            for shape in &fb.shapes {
                let Shape::Resource(shape) = shape else {
                    continue;
                };
                let r = &reqs[i];
                i += 1;
                assert_eq!(fact_of(r), fb.name);
                assert_eq!(r["type"], shape.resource.as_str(), "{}", fb.name);
                let codes: Vec<String> = r["codeFilter"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter(|f| f["path"] == shape.code_path.text.as_str())
                    .flat_map(|f| f["code"].as_array().cloned().unwrap_or_default())
                    .map(|c| {
                        format!(
                            "{}|{}",
                            c["system"].as_str().unwrap_or(""),
                            c["code"].as_str().unwrap()
                        )
                    })
                    .collect();
                for c in &shape.codes {
                    assert!(
                        codes.contains(&c.to_string()),
                        "{}: {c} in {codes:?}",
                        fb.name
                    );
                }
                if let Read::Value { path, .. } = &shape.read {
                    assert_eq!(r["mustSupport"][0], path.text.as_str());
                }
                if let Some(d) = shape.date.first() {
                    assert_eq!(r["dateFilter"][0]["path"], d.text.as_str());
                    assert_eq!(r["dateFilter"][0]["valuePeriod"]["end"], "2026-01-01");
                }
            }
        }
        // Then one per unbound fact, with its reason.
        assert_eq!(
            reqs.len(),
            i + binding.unbound().len(),
            "{}",
            path.display()
        );
    }
}

#[test]
fn a_guidance_response_with_a_binding_asks_for_resources() {
    let (path, files) = golden()
        .into_iter()
        .find(|(p, _)| p.to_string_lossy().contains("rps"))
        .unwrap();
    let checked = cairn::parse_file(&path).unwrap().check().unwrap();
    let binding = shipped_binding(&checked, &path);
    let program = Program::new(&checked);
    let mut asked = 0;
    for file in files {
        let case =
            cairn::load_case(&checked, "c", &std::fs::read_to_string(&file).unwrap()).unwrap();
        let outcome = program.evaluate(&case.case, Options::default());
        let response = guidance::render(&checked, &outcome, Some(&binding));
        for r in response["dataRequirement"].as_array().into_iter().flatten() {
            let fact = fact_of(r);
            let fb = binding.fact(fact).unwrap();
            assert!(
                fb.shapes
                    .iter()
                    .any(|s| matches!(s, Shape::Resource(x) if r["type"] == x.resource.as_str())),
                "{fact}: {r}"
            );
            assert!(outcome
                .recommendations
                .iter()
                .any(|x| x.status == Status::Undetermined && x.missing.iter().any(|m| m == fact)));
            asked += 1;
        }
    }
    assert!(asked > 10, "{asked} requirements");
}
