//! `cairn serve` end to end: discovery, each hook with full, partial and no
//! prefetch, the data-needed card, feedback and its report.

use super::fixtures::*;
use super::harness::*;
use serde_json::{json, Value};
use std::collections::BTreeSet;

/// The recommendation cards' topics (recommendation ids), sorted.
fn topics(reply: &Value) -> Vec<String> {
    let mut t: Vec<String> = reply["cards"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["source"]["topic"]["code"].as_str().unwrap().to_string())
        .collect();
    t.sort();
    t
}

fn card<'a>(reply: &'a Value, topic: &str) -> &'a Value {
    reply["cards"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["source"]["topic"]["code"] == topic)
        .unwrap_or_else(|| panic!("no card {topic}: {reply:#}"))
}

#[test]
fn discovery_lists_one_service_per_hook_with_prefetch_from_the_binding() {
    let server = Server::start("");
    let reply = request(&server.addr, "GET", "/cds-services", "", b"");
    assert_eq!(reply.status, 200);
    assert_schema("discovery", &reply.json);
    let services = reply.json["services"].as_array().unwrap();
    let ids: Vec<&str> = services.iter().map(|s| s["id"].as_str().unwrap()).collect();
    assert_eq!(
        ids,
        [
            "cds_demo-patient-view",
            "cds_demo-order-select",
            "cds_demo-order-sign"
        ]
    );
    assert_eq!(
        services[0]["prefetch"],
        json!({
            "patient": "Patient/{{context.patientId}}",
            "condition": "Condition?patient={{context.patientId}}",
            "observation": "Observation?patient={{context.patientId}}",
        })
    );
}

#[test]
fn patient_view_with_full_prefetch_gives_cards_and_the_data_needed_card() {
    let server = Server::start("");
    let body = hook_request("patient-view", Some(full_prefetch()), None);
    assert_schema("request", &body);
    let reply = server.call("cds_demo-patient-view", &body);
    assert_eq!(reply.status, 200, "{:#}", reply.json);
    assert_schema("response", &reply.json);
    assert_eq!(
        topics(&reply.json),
        ["adjuvant_chemotherapy", "data-needed", "resection"]
    );
    let resection = card(&reply.json, "resection");
    assert_eq!(resection["indicator"], "info");
    let detail = resection["detail"].as_str().unwrap();
    for part in [
        "strength **1B**",
        "Offer complete surgical resection",
        "**Alternatives**",
        "Bonvalot S",
        "CDS Hooks test guideline, version 1.2.0",
    ] {
        assert!(detail.contains(part), "{part} not in {detail}");
    }
    assert_eq!(
        resection["source"]["url"],
        "https://guidelines.test.invalid/cds-demo"
    );
    assert_eq!(resection["links"][1]["label"], "Local protocol");
    assert!(!resection["overrideReasons"].as_array().unwrap().is_empty());
    assert_eq!(
        card(&reply.json, "adjuvant_chemotherapy")["indicator"],
        "warning"
    );
    let needed = card(&reply.json, "data-needed");
    let detail = needed["detail"].as_str().unwrap();
    assert!(
        detail.contains("**A clinical trial is open at the treating centre** (`clinical_trial_available`) decides `trial`"),
        "{detail}"
    );
    assert!(
        detail.contains("not read from FHIR R4: site-level"),
        "{detail}"
    );
    let uuids: BTreeSet<&str> = reply.json["cards"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["uuid"].as_str().unwrap())
        .collect();
    assert_eq!(uuids.len(), 3);
}

#[test]
fn no_prefetch_and_no_fhir_server_leaves_every_fact_unknown() {
    let server = Server::start("");
    let reply = server.call(
        "cds_demo-patient-view",
        &hook_request("patient-view", None, None),
    );
    assert_eq!(reply.status, 200, "{:#}", reply.json);
    assert_schema("response", &reply.json);
    // Absent is unknown: no recommendation card, only what is needed.
    assert_eq!(topics(&reply.json), ["data-needed"]);
    let needed = &reply.json["cards"][0];
    let facts: Vec<&str> = needed["extension"]["cairn-data-needed"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["fact"].as_str().unwrap())
        .collect();
    assert_eq!(
        facts,
        ["distant_metastases", "grade", "clinical_trial_available"]
    );
    assert!(needed["summary"]
        .as_str()
        .unwrap()
        .starts_with("Data needed: 3 missing facts"));
}

#[test]
fn partial_prefetch_is_completed_from_the_fhir_server_with_the_token() {
    let server = Server::start("");
    let stub = FhirStub::start();
    let prefetch = json!({"patient": patient(), "condition": conditions(), "observation": null});
    let reply = server.call(
        "cds_demo-patient-view",
        &hook_request("patient-view", Some(prefetch), Some(&stub.base)),
    );
    assert_eq!(reply.status, 200, "{:#}", reply.json);
    assert_eq!(
        topics(&reply.json),
        ["adjuvant_chemotherapy", "data-needed", "resection"]
    );
    assert_eq!(
        *stub.seen.lock().unwrap(),
        ["GET /fhir/Observation?patient=p1 | bearer stub-token"]
    );
}

#[test]
fn no_prefetch_is_fetched_whole_from_the_fhir_server() {
    let server = Server::start("");
    let stub = FhirStub::start();
    let reply = server.call(
        "cds_demo-patient-view",
        &hook_request("patient-view", None, Some(&stub.base)),
    );
    assert_eq!(reply.status, 200, "{:#}", reply.json);
    assert_eq!(
        topics(&reply.json),
        ["adjuvant_chemotherapy", "data-needed", "resection"]
    );
    assert_eq!(stub.seen.lock().unwrap().len(), 3);
}

#[test]
fn order_hooks_answer_with_full_partial_and_no_prefetch() {
    let server = Server::start("");
    let stub = FhirStub::start();
    for hook in ["order-select", "order-sign"] {
        let service = format!("cds_demo-{hook}");
        let full = server.call(&service, &hook_request(hook, Some(full_prefetch()), None));
        assert_eq!(full.status, 200, "{hook}: {:#}", full.json);
        assert_schema("response", &full.json);
        assert_eq!(
            topics(&full.json),
            ["adjuvant_chemotherapy", "data-needed", "resection"]
        );
        let partial = json!({"patient": patient(), "condition": conditions()});
        let partial = server.call(
            &service,
            &hook_request(hook, Some(partial), Some(&stub.base)),
        );
        assert_eq!(topics(&partial.json), topics(&full.json), "{hook}");
        let none = server.call(&service, &hook_request(hook, None, None));
        assert_eq!(topics(&none.json), ["data-needed"], "{hook}");
    }
    // A hook's required context is checked.
    let mut body = hook_request("order-sign", Some(full_prefetch()), None);
    body["context"]
        .as_object_mut()
        .unwrap()
        .remove("draftOrders");
    let reply = server.call("cds_demo-order-sign", &body);
    assert_eq!(reply.status, 400);
    assert!(reply.json["error"]["message"]
        .as_str()
        .unwrap()
        .contains("draftOrders"));
}

#[test]
fn feedback_is_logged_without_patient_data_and_reported_per_recommendation() {
    let server = Server::start("");
    let reply = server.call(
        "cds_demo-patient-view",
        &hook_request("patient-view", Some(full_prefetch()), None),
    );
    let uuid = |topic: &str| {
        card(&reply.json, topic)["uuid"]
            .as_str()
            .unwrap()
            .to_string()
    };
    let feedback = json!({"feedback": [
        {"card": uuid("resection"), "outcome": "accepted", "outcomeTimestamp": "2026-06-01T10:00:00Z"},
        {"card": uuid("adjuvant_chemotherapy"), "outcome": "overridden",
         "overrideReason": {"reason": {"code": "patient-declined", "system": "urn:cairn:override-reason"},
                            "userComment": "p1 said no"},
         "outcomeTimestamp": "2026-06-01T10:01:00Z"}
    ]});
    assert_schema("feedback", &feedback);
    let reply = server.call("cds_demo-patient-view/feedback", &feedback);
    assert_eq!(reply.status, 200, "{:#}", reply.json);
    let log = server.feedback_log();
    assert_eq!(log.lines().count(), 2, "{log}");
    assert!(!log.contains("p1"), "patient data in the log: {log}");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_cairn"))
        .args(["serve", "--report"])
        .arg(server.dir.path().join("feedback.jsonl"))
        .output()
        .unwrap();
    assert!(out.status.success());
    insta::assert_snapshot!(String::from_utf8_lossy(&out.stdout), @r"
    cds_demo 1.2.0
      recommendation         accepted  overridden  reasons
      adjuvant_chemotherapy         0           1  patient-declined 1
      resection                     1           0
    ");
    let bad = server.call(
        "cds_demo-patient-view/feedback",
        &json!({"feedback": [{"card": "x", "outcome": "ignored", "outcomeTimestamp": "2026-06-01T10:00:00Z"}]}),
    );
    assert_eq!(bad.status, 400);
}

#[test]
fn a_real_guideline_is_served_from_its_binding() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let server = Server::start_on(&[
        root.join("guidelines/rps/initial-management.cairn"),
        root.join("guidelines/rps/bindings/fhir-r4.toml"),
        root.join("tests/fhir/cds-hooks/demo.cairn"),
        root.join("tests/fhir/cds-hooks/demo.fhir-r4.toml"),
    ]);
    let discovery = request(&server.addr, "GET", "/cds-services", "", b"");
    assert_eq!(discovery.json["services"].as_array().unwrap().len(), 6);
    let keys: Vec<&String> = discovery.json["services"][0]["prefetch"]
        .as_object()
        .unwrap()
        .keys()
        .collect();
    assert_eq!(keys, ["condition", "observation", "patient", "procedure"]);
    // The load test's request: the facts of the golden case
    // `metastatic_lung_metastases_lms`, every one known.
    let body = std::fs::read_to_string(root.join("benches/serve/rps-patient-view.json")).unwrap();
    let reply = server.post(
        "/cds-services/rps_initial_management-patient-view",
        None,
        &body,
    );
    assert_eq!(reply.status, 200, "{:#}", reply.json);
    assert_schema("response", &reply.json);
    let case = std::fs::read_to_string(
        root.join("guidelines/rps/cases/metastatic_lung_metastases_lms.json"),
    )
    .unwrap();
    let expect: Value = serde_json::from_str(&case).unwrap();
    let mut applies: Vec<&str> = expect["expect"]["recommendations"]
        .as_object()
        .unwrap()
        .iter()
        .filter(|(_, s)| *s == "applies")
        .map(|(id, _)| id.as_str())
        .collect();
    applies.sort();
    let mut got = topics(&reply.json);
    got.retain(|t| t != "data-needed");
    assert_eq!(got, applies);
}
