//! Serve stage: a hook call's request (CDS Hooks 2.0), checked, and its
//! prefetch turned into resources.
//!
//! Every field the hook needs is checked before anything is evaluated,
//! each problem a 400 naming the field. The prefetched resources must be
//! the context patient's: a resource whose `subject` or `patient` names
//! another patient is refused, since its facts would be attributed to the
//! wrong person.

use super::error::ApiError;
use super::fetch;
use serde_json::{Map, Value};

/// The hooks served.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Hook {
    /// `patient-view`: the patient's chart is opened.
    PatientView,
    /// `order-select`: the clinician selects orders.
    OrderSelect,
    /// `order-sign`: the clinician is about to sign orders.
    OrderSign,
}

impl Hook {
    /// Every hook, in discovery order.
    pub const ALL: [Hook; 3] = [Hook::PatientView, Hook::OrderSelect, Hook::OrderSign];

    /// The hook's name.
    pub fn name(self) -> &'static str {
        match self {
            Hook::PatientView => "patient-view",
            Hook::OrderSelect => "order-select",
            Hook::OrderSign => "order-sign",
        }
    }

    /// The context fields the hook requires.
    fn required_context(self) -> &'static [&'static str] {
        match self {
            Hook::PatientView => &["userId", "patientId"],
            Hook::OrderSelect => &["userId", "patientId", "selections", "draftOrders"],
            Hook::OrderSign => &["userId", "patientId", "draftOrders"],
        }
    }
}

/// A checked hook request.
#[derive(Debug)]
pub struct HookRequest {
    /// The hook's instance id.
    pub hook_instance: String,
    /// The context patient's id.
    pub patient_id: String,
    /// The prefetch object (empty when none was sent).
    pub prefetch: Map<String, Value>,
    /// `fhirServer`, when given.
    pub fhir_server: Option<String>,
    /// `fhirAuthorization.access_token`, when given.
    pub access_token: Option<String>,
}

/// Parses and checks a hook request for `hook`.
pub fn parse(body: &[u8], hook: Hook) -> Result<HookRequest, ApiError> {
    let value: Value = serde_json::from_slice(body)
        .map_err(|e| ApiError::bad_request(format!("the request body is not JSON: {e}")))?;
    let Value::Object(mut request) = value else {
        return Err(ApiError::bad_request(
            "the request body is not a JSON object",
        ));
    };
    let name = string(&request, "hook")?;
    if name != hook.name() {
        return Err(ApiError::bad_request(format!(
            "this service answers `{}`, not `{name}`",
            hook.name()
        )));
    }
    let hook_instance = string(&request, "hookInstance")?.to_string();
    let context = match request.get("context") {
        Some(Value::Object(c)) => c,
        Some(_) => return Err(ApiError::bad_request("`context` is not an object")),
        None => return Err(ApiError::bad_request("the request has no `context`")),
    };
    for field in hook.required_context() {
        if !context.contains_key(*field) {
            return Err(ApiError::bad_request(format!(
                "`{}` needs `context.{field}`",
                hook.name()
            )));
        }
    }
    let patient_id = match context.get("patientId") {
        Some(Value::String(id)) if is_fhir_id(id) => id.clone(),
        _ => {
            return Err(ApiError::bad_request(
                "`context.patientId` is not a FHIR id (1 to 64 of A-Z, a-z, 0-9, `-`, `.`)",
            ))
        }
    };
    if hook != Hook::PatientView {
        match context.get("draftOrders") {
            Some(b) if b.get("resourceType").and_then(Value::as_str) == Some("Bundle") => {}
            _ => {
                return Err(ApiError::bad_request(
                    "`context.draftOrders` is not a Bundle",
                ))
            }
        }
    }
    let prefetch = match request.remove("prefetch") {
        None | Some(Value::Null) => Map::new(),
        Some(Value::Object(p)) => p,
        Some(_) => return Err(ApiError::bad_request("`prefetch` is not an object")),
    };
    let fhir_server = match request.get("fhirServer") {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) => Some(s.clone()),
        Some(_) => return Err(ApiError::bad_request("`fhirServer` is not a string")),
    };
    let access_token = match request.get("fhirAuthorization") {
        None | Some(Value::Null) => None,
        Some(Value::Object(auth)) => {
            for field in [
                "access_token",
                "token_type",
                "expires_in",
                "scope",
                "subject",
            ] {
                if !auth.contains_key(field) {
                    return Err(ApiError::bad_request(format!(
                        "`fhirAuthorization` has no `{field}`"
                    )));
                }
            }
            match auth.get("access_token") {
                Some(Value::String(t)) => Some(t.clone()),
                _ => {
                    return Err(ApiError::bad_request(
                        "`fhirAuthorization.access_token` is not a string",
                    ))
                }
            }
        }
        Some(_) => {
            return Err(ApiError::bad_request(
                "`fhirAuthorization` is not an object",
            ))
        }
    };
    if access_token.is_some() && fhir_server.is_none() {
        return Err(ApiError::bad_request(
            "`fhirAuthorization` is given without `fhirServer`",
        ));
    }
    Ok(HookRequest {
        hook_instance,
        patient_id,
        prefetch,
        fhir_server,
        access_token,
    })
}

fn string<'a>(request: &'a Map<String, Value>, field: &str) -> Result<&'a str, ApiError> {
    match request.get(field) {
        Some(Value::String(s)) if !s.is_empty() => Ok(s),
        Some(_) => Err(ApiError::bad_request(format!("`{field}` is not a string"))),
        None => Err(ApiError::bad_request(format!(
            "the request has no `{field}`"
        ))),
    }
}

/// A FHIR resource id: `[A-Za-z0-9\-\.]{1,64}` (so it can go into a query
/// unescaped).
pub fn is_fhir_id(id: &str) -> bool {
    (1..=64).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.')
}

/// A prefetch template with the context filled in.
pub fn fill(template: &str, patient_id: &str) -> String {
    template.replace("{{context.patientId}}", patient_id)
}

/// The resources of the prefetch keys the request gave, and the keys it
/// did not give (absent or `null`, which the specification uses for "the
/// client could not prefetch this").
pub fn prefetched<'t>(
    request: &HookRequest,
    keys: impl Iterator<Item = &'t str>,
) -> Result<(Vec<Value>, Vec<&'t str>), ApiError> {
    let mut resources = Vec::new();
    let mut missing = Vec::new();
    for key in keys {
        match request.prefetch.get(key) {
            None | Some(Value::Null) => missing.push(key),
            Some(v @ Value::Object(_)) => {
                if v.get("resourceType").and_then(Value::as_str) == Some("Bundle") {
                    fetch::collect_entries(v, &mut resources);
                } else if v.get("resourceType").is_some() {
                    resources.push(v.clone());
                } else {
                    return Err(ApiError::bad_request(format!(
                        "`prefetch.{key}` is not a FHIR resource (no `resourceType`)"
                    )));
                }
            }
            Some(_) => {
                return Err(ApiError::bad_request(format!(
                    "`prefetch.{key}` is not a FHIR resource"
                )))
            }
        }
    }
    Ok((resources, missing))
}

/// Refuses resources that belong to another patient than the context's.
pub fn same_patient(resources: &[Value], patient_id: &str) -> Result<(), ApiError> {
    for r in resources {
        let kind = r.get("resourceType").and_then(Value::as_str).unwrap_or("");
        let id = r.get("id").and_then(Value::as_str).unwrap_or("");
        if kind == "Patient" {
            if !id.is_empty() && id != patient_id {
                return Err(ApiError::bad_request(
                    "the prefetch holds a Patient other than `context.patientId`",
                ));
            }
            continue;
        }
        for field in ["subject", "patient"] {
            let reference = r
                .get(field)
                .and_then(|s| s.get("reference"))
                .and_then(Value::as_str);
            // Only `Patient/ID` references (relative or absolute) can be
            // compared; `urn:uuid:` ones inside a transaction are local.
            let other = reference
                .and_then(|r| r.rsplit_once("Patient/"))
                .is_some_and(|(head, id)| {
                    (head.is_empty() || head.ends_with('/')) && id != patient_id
                });
            if other {
                {
                    return Err(ApiError::bad_request(format!(
                        "`{kind}/{id}` in the prefetch is about another patient than `context.patientId`"
                    )));
                }
            }
        }
    }
    Ok(())
}
