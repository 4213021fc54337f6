//! Serve stage: fetching what the prefetch lacks from the client's FHIR
//! server (`fhirServer`, with the `fhirAuthorization` bearer token).
//!
//! The client is `reqwest` with rustls (no system OpenSSL). Every query
//! has a timeout and a size cap; a searchset's `next` pages are followed
//! up to a bound, and only while they stay on the same server, so the
//! access token is never sent anywhere else.

use super::config::Limits;
use super::error::ApiError;
use serde_json::Value;
use std::time::Duration;

/// The FHIR server of one hook call.
pub struct FhirServer<'a> {
    /// The base URL, without a trailing slash.
    pub base: String,
    /// The bearer token, when the call gave one.
    pub token: Option<&'a str>,
}

/// Builds the shared HTTP client.
pub fn client(limits: &Limits) -> Result<reqwest::Client, reqwest::Error> {
    reqwest::Client::builder()
        .timeout(Duration::from_millis(limits.fetch_timeout_ms))
        .connect_timeout(Duration::from_millis(limits.fetch_timeout_ms))
        // A redirect could carry the token to another host.
        .redirect(reqwest::redirect::Policy::none())
        .build()
}

impl<'a> FhirServer<'a> {
    /// Checks the request's `fhirServer` (an `http` or `https` URL).
    pub fn new(url: &str, token: Option<&'a str>) -> Result<FhirServer<'a>, ApiError> {
        let parsed = reqwest::Url::parse(url)
            .map_err(|e| ApiError::bad_request(format!("`fhirServer` is not a URL: {e}")))?;
        if parsed.scheme() != "http" && parsed.scheme() != "https" {
            return Err(ApiError::bad_request(format!(
                "`fhirServer` must be an http or https URL, not `{}`",
                parsed.scheme()
            )));
        }
        Ok(FhirServer {
            base: url.trim_end_matches('/').to_string(),
            token,
        })
    }

    /// Runs one prefetch query (`Condition?patient=123`, `Patient/123`) and
    /// returns the resources it found (a searchset's entries, every page).
    pub async fn query(
        &self,
        client: &reqwest::Client,
        limits: &Limits,
        query: &str,
    ) -> Result<Vec<Value>, ApiError> {
        let mut url = format!("{}/{}", self.base, query.trim_start_matches('/'));
        let mut resources = Vec::new();
        for _ in 0..limits.fetch_max_pages.max(1) {
            let body = self.get(client, limits, &url, query).await?;
            let next = next_link(&body);
            if body.get("resourceType").and_then(Value::as_str) == Some("Bundle") {
                collect_entries(&body, &mut resources);
            } else {
                resources.push(body);
            }
            match next {
                Some(n) if n.starts_with(&self.base) => url = n,
                Some(n) => {
                    return Err(ApiError::fhir_server(format!(
                        "the FHIR server's next page for `{query}` is on another server: `{n}`"
                    )))
                }
                None => return Ok(resources),
            }
        }
        Err(ApiError::fhir_server(format!(
            "`{query}` has more than {} pages",
            limits.fetch_max_pages
        )))
    }

    async fn get(
        &self,
        client: &reqwest::Client,
        limits: &Limits,
        url: &str,
        query: &str,
    ) -> Result<Value, ApiError> {
        let mut request = client
            .get(url)
            .header(reqwest::header::ACCEPT, "application/fhir+json");
        if let Some(token) = self.token {
            request = request.bearer_auth(token);
        }
        let failed = |e: reqwest::Error| {
            let why = if e.is_timeout() {
                "timed out".to_string()
            } else if e.is_connect() {
                "cannot connect".to_string()
            } else {
                e.to_string()
            };
            ApiError::fhir_server(format!("fetching `{query}` from the FHIR server: {why}"))
        };
        let mut response = request.send().await.map_err(failed)?;
        let status = response.status();
        if status == reqwest::StatusCode::NOT_FOUND && !query.contains('?') {
            // A read of a resource that is not there: nothing, not an error.
            return Ok(Value::Null);
        }
        if !status.is_success() {
            return Err(ApiError::fhir_server(format!(
                "fetching `{query}` from the FHIR server: HTTP {}",
                status.as_u16()
            )));
        }
        let mut bytes = Vec::new();
        while let Some(chunk) = response.chunk().await.map_err(failed)? {
            if bytes.len() + chunk.len() > limits.fetch_max_bytes {
                return Err(ApiError::fhir_server(format!(
                    "the FHIR server's answer to `{query}` is over {} bytes",
                    limits.fetch_max_bytes
                )));
            }
            bytes.extend_from_slice(&chunk);
        }
        serde_json::from_slice(&bytes).map_err(|e| {
            ApiError::fhir_server(format!(
                "the FHIR server's answer to `{query}` is not JSON: {e}"
            ))
        })
    }
}

/// A Bundle's `link` with relation `next`.
fn next_link(bundle: &Value) -> Option<String> {
    bundle
        .get("link")?
        .as_array()?
        .iter()
        .find(|l| l.get("relation").and_then(Value::as_str) == Some("next"))?
        .get("url")?
        .as_str()
        .map(str::to_string)
}

/// Appends a Bundle's entries' resources (`OperationOutcome` entries of a
/// searchset, which are warnings about the search, are left out).
pub fn collect_entries(bundle: &Value, out: &mut Vec<Value>) {
    let Some(entries) = bundle.get("entry").and_then(Value::as_array) else {
        return;
    };
    for entry in entries {
        if let Some(resource) = entry.get("resource") {
            if resource.get("resourceType").and_then(Value::as_str) != Some("OperationOutcome") {
                out.push(resource.clone());
            }
        }
    }
}
