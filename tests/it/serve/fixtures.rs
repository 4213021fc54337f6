//! `cairn serve` test fixtures: the test patient's FHIR resources, hook
//! requests, and a loopback FHIR server stub that answers the demo
//! binding's prefetch queries.

use serde_json::{json, Value};
use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};

/// The test patient's resources: grade 1, metastasis ruled out.
pub fn patient() -> Value {
    json!({"resourceType": "Patient", "id": "p1", "birthDate": "1960-02-03"})
}

/// A searchset Bundle of resources.
pub fn bundle(resources: Vec<Value>) -> Value {
    let entry: Vec<Value> = resources
        .into_iter()
        .map(|r| json!({"resource": r}))
        .collect();
    json!({"resourceType": "Bundle", "type": "searchset", "total": entry.len(), "entry": entry})
}

/// Conditions: distant metastasis refuted.
pub fn conditions() -> Value {
    bundle(vec![json!({
        "resourceType": "Condition", "id": "c1",
        "subject": {"reference": "Patient/p1"},
        "verificationStatus": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/condition-ver-status", "code": "refuted"}]},
        "code": {"coding": [{"system": "http://snomed.info/sct", "code": "94222008"}]},
        "recordedDate": "2026-05-01"
    })])
}

/// Observations: FNCLCC grade 1.
pub fn observations() -> Value {
    bundle(vec![json!({
        "resourceType": "Observation", "id": "o1", "status": "final",
        "subject": {"reference": "Patient/p1"},
        "code": {"coding": [{"system": "http://loinc.org", "code": "33732-9"}]},
        "effectiveDateTime": "2026-05-02",
        "valueInteger": 1
    })])
}

/// A hook request with the given prefetch (and FHIR server, if any).
pub fn hook_request(hook: &str, prefetch: Option<Value>, fhir_server: Option<&str>) -> Value {
    let mut context = json!({"userId": "Practitioner/u1", "patientId": "p1"});
    if hook != "patient-view" {
        context["draftOrders"] =
            json!({"resourceType": "Bundle", "type": "collection", "entry": []});
    }
    if hook == "order-select" {
        context["selections"] = json!([]);
    }
    let mut request = json!({
        "hook": hook,
        "hookInstance": uuid::Uuid::new_v4().to_string(),
        "context": context,
    });
    if let Some(p) = prefetch {
        request["prefetch"] = p;
    }
    if let Some(url) = fhir_server {
        request["fhirServer"] = json!(url);
        request["fhirAuthorization"] = json!({
            "access_token": "stub-token", "token_type": "Bearer", "expires_in": 300,
            "scope": "patient/*.read", "subject": "cairn"
        });
    }
    request
}

/// The full prefetch of the demo binding.
pub fn full_prefetch() -> Value {
    json!({"patient": patient(), "condition": conditions(), "observation": observations()})
}

/// A loopback FHIR server stub: answers the demo's three queries for
/// patient `p1`, recording each request line and its `Authorization`.
pub struct FhirStub {
    /// `http://127.0.0.1:PORT/fhir`.
    pub base: String,
    /// `GET PATH | AUTHORIZATION` per request.
    pub seen: Arc<Mutex<Vec<String>>>,
}

impl FhirStub {
    /// Starts the stub on a free port (a thread that lives with the test).
    pub fn start() -> FhirStub {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let base = format!("http://{}/fhir", listener.local_addr().unwrap());
        let seen = Arc::new(Mutex::new(Vec::new()));
        let log = Arc::clone(&seen);
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(mut stream) = stream else { continue };
                let mut reader = BufReader::new(stream.try_clone().unwrap());
                let mut first = String::new();
                let _ = reader.read_line(&mut first);
                let mut auth = String::new();
                loop {
                    let mut line = String::new();
                    if reader.read_line(&mut line).unwrap_or(0) == 0 || line.trim().is_empty() {
                        break;
                    }
                    if let Some(v) = line.to_lowercase().strip_prefix("authorization:") {
                        auth = v.trim().to_string();
                    }
                }
                let path = first.split(' ').nth(1).unwrap_or("").to_string();
                log.lock().unwrap().push(format!("GET {path} | {auth}"));
                let (status, body) = match path.as_str() {
                    "/fhir/Patient/p1" => (200, patient()),
                    "/fhir/Condition?patient=p1" => (200, conditions()),
                    "/fhir/Observation?patient=p1" => (200, observations()),
                    _ => (404, json!({"resourceType": "OperationOutcome"})),
                };
                let body = body.to_string();
                let _ = write!(
                    stream,
                    "HTTP/1.1 {status} X\r\nContent-Type: application/fhir+json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                    body.len()
                );
            }
        });
        FhirStub { base, seen }
    }
}
