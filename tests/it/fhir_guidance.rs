//! `cairn::fhir::guidance`: an outcome as a FHIR R4 GuidanceResponse. The
//! shapes the FHIR JSON Schema does not check (it requires no field) are
//! checked here on every golden case of every guideline: required
//! elements, references that resolve to contained resources, the status,
//! one action per applicable recommendation, one data requirement per
//! missing fact, deterministic ids. `fhir/test.sh` validates the same
//! outputs against the schema.

use cairn::fhir::guidance;
use cairn::{Options, Program, Status};
use serde_json::Value;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Every guideline with its golden case files.
pub fn golden() -> Vec<(PathBuf, Vec<PathBuf>)> {
    let mut out = Vec::new();
    for dir in std::fs::read_dir(root().join("guidelines")).unwrap() {
        let dir = dir.unwrap().path();
        let Some(guideline) = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .find(|p| p.extension().is_some_and(|e| e == "cairn"))
        else {
            continue;
        };
        let mut cases: Vec<PathBuf> = std::fs::read_dir(dir.join("cases"))
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "json"))
            .collect();
        cases.sort();
        out.push((guideline, cases));
    }
    out.sort();
    out
}

fn valid_id(id: &str) -> bool {
    (1..=64).contains(&id.len())
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.')
}

/// The contained resource a `#id` reference points to.
fn contained<'a>(response: &'a Value, reference: &Value) -> &'a Value {
    let r = reference["reference"].as_str().unwrap();
    let id = r.strip_prefix('#').unwrap();
    response["contained"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == id)
        .unwrap_or_else(|| panic!("no contained resource `{id}`"))
}

fn check_shape(name: &str, response: &Value, outcome: &cairn::Outcome<'_>) {
    assert_eq!(response["resourceType"], "GuidanceResponse", "{name}");
    assert!(valid_id(response["id"].as_str().unwrap()), "{name}");
    assert!(response["moduleUri"]
        .as_str()
        .unwrap()
        .starts_with("urn:cairn:guideline:"));
    let undetermined = outcome
        .recommendations
        .iter()
        .any(|r| r.status == Status::Undetermined && !r.missing.is_empty());
    let want = if undetermined {
        "data-required"
    } else {
        "success"
    };
    assert_eq!(response["status"], want, "{name}");

    let group = contained(response, &response["result"]);
    assert_eq!(group["resourceType"], "RequestGroup", "{name}");
    assert_eq!(group["intent"], "proposal");
    assert_eq!(group["status"], "draft");
    let actions: Vec<&str> = group["action"]
        .as_array()
        .map(|a| a.iter().map(|x| x["id"].as_str().unwrap()).collect())
        .unwrap_or_default();
    let applicable: Vec<&str> = outcome
        .recommendations
        .iter()
        .filter(|r| r.status == Status::Applies)
        .map(|r| &*r.id)
        .collect();
    assert_eq!(
        actions, applicable,
        "{name}: one action per applicable recommendation"
    );
    for (action, rec) in group["action"].as_array().into_iter().flatten().zip(
        outcome
            .recommendations
            .iter()
            .filter(|r| r.status == Status::Applies),
    ) {
        assert_eq!(action["description"], *rec.statement);
        assert_eq!(action["code"][0]["coding"][0]["code"], *rec.kind);
        let not = action["extension"]
            .as_array()
            .into_iter()
            .flatten()
            .any(|e| e["url"] == "urn:cairn:fhir:extension:do-not-perform");
        assert_eq!(
            not,
            matches!(&*rec.kind, "do-not-offer" | "discourage"),
            "{name}"
        );
        let cited = action["documentation"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|d| d["type"] == "citation")
            .count();
        assert_eq!(cited, rec.citations.len(), "{name}: {}", rec.id);
    }

    let facts: BTreeSet<&str> = response["dataRequirement"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|d| d["extension"][0]["valueString"].as_str().unwrap())
        .collect();
    let missing: BTreeSet<&str> = outcome
        .recommendations
        .iter()
        .filter(|r| r.status == Status::Undetermined || !r.grading_missing.is_empty())
        .flat_map(|r| r.missing.iter().chain(&r.grading_missing))
        .map(String::as_str)
        .collect();
    assert_eq!(
        facts, missing,
        "{name}: one data requirement per missing fact"
    );
    if let Some(messages) = response["evaluationMessage"].as_array() {
        let oo = contained(response, &messages[0]);
        assert_eq!(oo["resourceType"], "OperationOutcome");
        assert!(!oo["issue"].as_array().unwrap().is_empty());
    }
}

#[test]
fn every_golden_case_gives_a_well_formed_guidance_response() {
    let mut ids = BTreeSet::new();
    let mut statuses = BTreeSet::new();
    for (path, cases) in golden() {
        let checked = cairn::parse_file(&path).unwrap().check().unwrap();
        let program = Program::new(&checked);
        for case in cases {
            let text = std::fs::read_to_string(&case).unwrap();
            let name = case.display().to_string();
            let file = cairn::load_case(&checked, &name, &text).unwrap();
            let outcome = program.evaluate(&file.case, Options::default());
            let response = guidance::render(&checked, &outcome, None);
            check_shape(&name, &response, &outcome);
            assert_eq!(
                response,
                guidance::render(&checked, &outcome, None),
                "deterministic"
            );
            statuses.insert(response["status"].as_str().unwrap().to_string());
            // Cases with the same outcome may share an id; distinct
            // outcomes must not.
            ids.insert((
                response["id"].as_str().unwrap().to_string(),
                serde_json::to_string(&outcome).unwrap(),
            ));
        }
    }
    let distinct: BTreeSet<&String> = ids.iter().map(|(id, _)| id).collect();
    assert_eq!(distinct.len(), ids.len(), "two outcomes share an id");
    assert_eq!(
        statuses.len(),
        2,
        "both statuses are exercised: {statuses:?}"
    );
}

const SMALL: &str = r#"
guideline small {
  title "Small"
  version "1.0.0"
  status draft
}
references {
  [1] "A trial."
}
fact grade "Grade": integer 1 to 3
fact fit "Fit for surgery": bool
recommend surgery {
  when grade >= 2 and fit
  strength 1B
  statement "Offer surgery."
  cite [1]
}
do-not-offer chemo {
  when grade = 1
  strength 2C
  statement "Do not offer chemotherapy."
}
"#;

#[test]
fn a_small_guideline_renders_as_expected() {
    let checked = cairn::parse("small.cairn", SMALL).check().unwrap();
    let program = Program::new(&checked);
    let render = |facts: &str| {
        let file = cairn::load_case(&checked, "c.json", facts).unwrap();
        let outcome = program.evaluate(&file.case, Options::default());
        let context = guidance::Context {
            subject: Some("Patient/p1".into()),
            occurrence: Some("2026-01-02".into()),
            warnings: vec!["a warning from extraction".into()],
        };
        serde_json::to_string_pretty(&guidance::render_with(&checked, &outcome, None, &context))
            .unwrap()
    };
    insta::assert_snapshot!(
        "fhir_guidance_do_not_offer",
        render(r#"{"facts": {"grade": 1}}"#)
    );
    insta::assert_snapshot!(
        "fhir_guidance_data_required",
        render(r#"{"facts": {"grade": 3}}"#)
    );
}
