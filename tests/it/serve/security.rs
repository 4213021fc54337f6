//! `cairn serve` refusals: bad JWTs, oversized and malformed bodies,
//! unknown services, another patient's resources, CORS — each a JSON error
//! with the right status, and the server still up afterwards.

use super::fixtures::*;
use super::harness::*;
use serde_json::json;

const SERVICE: &str = "cds_demo-patient-view";

fn body() -> String {
    hook_request("patient-view", Some(full_prefetch()), None).to_string()
}

/// Asserts a JSON error with `status` whose message contains `words`.
fn refused(reply: &Reply, status: u16, words: &str) {
    assert_eq!(reply.status, status, "{:#}", reply.json);
    assert_eq!(reply.json["error"]["status"], status, "{:#}", reply.json);
    let message = reply.json["error"]["message"].as_str().unwrap_or("");
    assert!(message.contains(words), "{words:?} not in {message:?}");
    assert!(reply.json["error"]["code"]
        .as_str()
        .unwrap()
        .starts_with("cairn::serve::"));
}

#[test]
fn bad_tokens_are_refused_with_401() {
    let server = Server::start("");
    let path = format!("/cds-services/{SERVICE}");
    let aud = server.url(SERVICE);
    let cases: Vec<(Option<String>, &str)> = vec![
        (None, "no `Authorization: Bearer` token"),
        (Some("not-a-jwt".into()), "not a JWT"),
        (
            Some(jwt(&Claims::valid(&aud), "other-es384.pk8.pem", "ES384")),
            "signature does not verify",
        ),
        (
            Some(jwt(
                &Claims {
                    exp: jsonwebtoken::get_current_timestamp() - 3600,
                    iat: jsonwebtoken::get_current_timestamp() - 3900,
                    ..Claims::valid(&aud)
                },
                "ehr-es384.pk8.pem",
                "ES384",
            )),
            "expired",
        ),
        (
            Some(jwt(
                &Claims::valid("https://elsewhere.test.invalid/cds-services/x"),
                "ehr-es384.pk8.pem",
                "ES384",
            )),
            "`aud`",
        ),
        (
            Some(jwt(
                &Claims {
                    iss: "https://stranger.test.invalid".into(),
                    ..Claims::valid(&aud)
                },
                "ehr-es384.pk8.pem",
                "ES384",
            )),
            "not trusted",
        ),
    ];
    for (token, words) in cases {
        let reply = server.post(&path, token.as_deref(), &body());
        refused(&reply, 401, words);
        assert_eq!(reply.header("www-authenticate"), Some("Bearer"));
    }
    // An RS384 token from the same issuer verifies; used twice, the second
    // call is a replay.
    let token = jwt(&Claims::valid(&aud), "ehr-rs384.pk8.pem", "RS384");
    assert_eq!(server.post(&path, Some(&token), &body()).status, 200);
    refused(
        &server.post(&path, Some(&token), &body()),
        401,
        "already used",
    );
    // A shared-secret token is not accepted.
    let hs = jsonwebtoken::encode(
        &jsonwebtoken::Header::new(jsonwebtoken::Algorithm::HS256),
        &Claims::valid(&aud),
        &jsonwebtoken::EncodingKey::from_secret(b"secret").unwrap(),
    )
    .unwrap();
    refused(&server.post(&path, Some(&hs), &body()), 401, "not accepted");
}

#[test]
fn malformed_requests_get_json_errors_and_the_server_stays_up() {
    let server = Server::start("");
    let big = format!("{{\"hook\": \"{}\"}}", "x".repeat(70_000));
    refused(&server.call_raw(&big), 413, "size limit");
    refused(&server.call_raw("{\"hook\": "), 400, "not JSON");
    refused(&server.call_raw("[1, 2]"), 400, "not a JSON object");
    let mut no_instance = hook_request("patient-view", None, None);
    no_instance.as_object_mut().unwrap().remove("hookInstance");
    refused(
        &server.call_raw(&no_instance.to_string()),
        400,
        "`hookInstance`",
    );
    let wrong_hook = hook_request("order-sign", None, None).to_string();
    refused(&server.call_raw(&wrong_hook), 400, "answers `patient-view`");
    let mut bad_id = hook_request("patient-view", None, None);
    bad_id["context"]["patientId"] = json!("p1&_include=*");
    refused(&server.call_raw(&bad_id.to_string()), 400, "not a FHIR id");
    let other = json!({"patient": patient(), "condition": bundle(vec![json!({
        "resourceType": "Condition", "id": "c9", "subject": {"reference": "Patient/p2"}})])});
    let other = hook_request("patient-view", Some(other), None).to_string();
    refused(&server.call_raw(&other), 400, "another patient");
    // Unknown service, with a did-you-mean.
    let reply = server.call(
        "cds_demo-patient-veiw",
        &serde_json::from_str(&body()).unwrap(),
    );
    refused(&reply, 404, "did you mean `cds_demo-patient-view`");
    refused(
        &request(&server.addr, "GET", "/nowhere", "", b""),
        404,
        "no such path",
    );
    // Not JSON, and the wrong method.
    let token = jwt(
        &Claims::valid(&server.url(SERVICE)),
        "ehr-es384.pk8.pem",
        "ES384",
    );
    let headers = format!("Content-Type: text/plain\r\nAuthorization: Bearer {token}\r\n");
    let path = format!("/cds-services/{SERVICE}");
    refused(
        &request(&server.addr, "POST", &path, &headers, body().as_bytes()),
        415,
        "must be JSON",
    );
    let reply = request(&server.addr, "GET", &path, "", b"");
    assert_eq!(reply.status, 405);
    assert_eq!(
        reply.json["error"]["code"],
        "cairn::serve::method_not_allowed"
    );
    // Still serving.
    assert_eq!(
        request(&server.addr, "GET", "/cds-services", "", b"").status,
        200
    );
}

#[test]
fn cors_allows_the_configured_origin_only() {
    let server = Server::start("");
    let preflight = |origin: &str| {
        let headers = format!(
            "Origin: {origin}\r\nAccess-Control-Request-Method: POST\r\nAccess-Control-Request-Headers: authorization, content-type\r\n"
        );
        request(
            &server.addr,
            "OPTIONS",
            &format!("/cds-services/{SERVICE}"),
            &headers,
            b"",
        )
    };
    let allowed = preflight("https://ehr.test.invalid");
    assert_eq!(
        allowed.header("access-control-allow-origin"),
        Some("https://ehr.test.invalid")
    );
    let other = preflight("https://evil.test.invalid");
    assert_eq!(other.header("access-control-allow-origin"), None);
}

#[test]
fn verification_is_off_only_when_the_configuration_says_so() {
    let server = Server::start("");
    assert_eq!(
        server
            .post(&format!("/cds-services/{SERVICE}"), None, &body())
            .status,
        401
    );
    let open = Server::start_with_auth("[auth]\nrequired = false\n");
    assert_eq!(
        open.post(&format!("/cds-services/{SERVICE}"), None, &body())
            .status,
        200
    );
}

#[test]
fn a_fhir_server_that_cannot_be_reached_is_a_502() {
    let server = Server::start("");
    // A port nothing listens on any more.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let base = format!("http://127.0.0.1:{port}/fhir");
    let reply = server.call(SERVICE, &hook_request("patient-view", None, Some(&base)));
    refused(&reply, 502, "cannot connect");
    let reply = server.call(
        SERVICE,
        &hook_request("patient-view", None, Some("file:///etc")),
    );
    refused(&reply, 400, "http or https");
}
