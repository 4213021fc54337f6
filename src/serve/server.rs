//! Serve stage: the HTTP server — routes, handlers, limits (body size,
//! request time), CORS, and the rule that every refusal is a JSON error.
//!
//! Layers, outermost first: the request log (method, path, status, time:
//! no patient data unless `log_patient_data`), the JSON-error mapper (any
//! non-JSON error a lower layer or axum answered, e.g. a 413 from the body
//! limit or a 405, is rewritten as `ApiError` JSON), CORS, the request
//! timeout (503), the body limit (413).

use super::auth::Verifier;
use super::config::{self, Config, OverrideReason};
use super::error::{self, ApiError, ServeError};
use super::feedback::{self, CardOrigin, Issued};
use super::fetch::{self, FhirServer};
use super::hook;
use super::service::{self, Guideline, Service};
use axum::body::Bytes;
use axum::extract::{Path, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::{json, Value};
use std::io::Write as _;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tower_http::cors::{AllowOrigin, CorsLayer};
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::timeout::TimeoutLayer;

/// Everything a request reads.
pub struct AppState {
    guidelines: Vec<Guideline>,
    services: Vec<Service>,
    discovery: Value,
    verifier: Verifier,
    config: Config,
    override_reasons: Vec<OverrideReason>,
    public_url: String,
    log: feedback::Log,
    issued: Mutex<Issued>,
    http: reqwest::Client,
}

type Shared = Arc<AppState>;

/// Serves `guidelines` until interrupted (Ctrl-C); `ready` is called with
/// the bound address once the server listens.
pub fn run(
    guidelines: Vec<Guideline>,
    config: Config,
    addr: SocketAddr,
    ready: impl FnOnce(SocketAddr, &Verifier),
) -> Result<(), ServeError> {
    let bind_error = |message: String| ServeError::Bind {
        addr: addr.to_string(),
        message,
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| bind_error(e.to_string()))?;
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(addr)
            .await
            .map_err(|e| bind_error(e.to_string()))?;
        let local = listener
            .local_addr()
            .map_err(|e| bind_error(e.to_string()))?;
        let state = state(guidelines, config, local)?;
        ready(local, &state.verifier);
        let app = router(Arc::new(state));
        axum::serve(listener, app)
            .with_graceful_shutdown(async {
                let _ = tokio::signal::ctrl_c().await;
            })
            .await
            .map_err(|e| bind_error(e.to_string()))
    })
}

fn state(
    guidelines: Vec<Guideline>,
    config: Config,
    local: SocketAddr,
) -> Result<AppState, ServeError> {
    let services = service::services(&guidelines)?;
    let discovery = service::discovery(&guidelines, &services);
    let verifier = Verifier::new(&config.auth)?;
    let log_path = config
        .feedback_log
        .clone()
        .unwrap_or_else(|| "cairn-feedback.jsonl".into());
    let log = feedback::Log::open(&log_path).map_err(|e| ServeError::Read {
        path: log_path.display().to_string(),
        message: e.to_string(),
    })?;
    let http = fetch::client(&config.limits).map_err(|e| ServeError::Config {
        path: "[limits]".into(),
        message: format!("cannot build the FHIR client: {e}"),
    })?;
    let public_url = config
        .public_url
        .clone()
        .unwrap_or_else(|| format!("http://{local}"))
        .trim_end_matches('/')
        .to_string();
    let override_reasons = if config.override_reasons.is_empty() {
        config::default_override_reasons()
    } else {
        config.override_reasons.clone()
    };
    Ok(AppState {
        guidelines,
        services,
        discovery,
        verifier,
        config,
        override_reasons,
        public_url,
        log,
        issued: Mutex::new(Issued::default()),
        http,
    })
}

/// The routes and layers.
pub fn router(state: Shared) -> Router {
    let limits = state.config.limits.clone();
    let mut app = Router::new()
        .route("/cds-services", get(discovery))
        .route("/cds-services/{id}", post(hook_call))
        .route("/cds-services/{id}/feedback", post(feedback_call))
        .fallback(|| async {
            ApiError::not_found("no such path: the services are under `/cds-services`")
        })
        .layer(RequestBodyLimitLayer::new(limits.body_bytes))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::SERVICE_UNAVAILABLE,
            Duration::from_millis(limits.request_timeout_ms),
        ));
    let origins = &state.config.cors.allow_origins;
    if !origins.is_empty() {
        let allow = if origins.iter().any(|o| o == "*") {
            AllowOrigin::any()
        } else {
            AllowOrigin::list(origins.iter().filter_map(|o| HeaderValue::from_str(o).ok()))
        };
        app = app.layer(
            CorsLayer::new()
                .allow_origin(allow)
                .allow_methods([Method::GET, Method::POST, Method::OPTIONS])
                .allow_headers([header::AUTHORIZATION, header::CONTENT_TYPE]),
        );
    }
    let log_requests = state.config.log_requests;
    app.layer(axum::middleware::map_response(json_errors))
        .layer(axum::middleware::from_fn(
            move |req: Request, next: axum::middleware::Next| async move {
                let method = req.method().clone();
                let path = req.uri().path().to_string();
                let start = Instant::now();
                let response = next.run(req).await;
                if log_requests {
                    let _ = writeln!(
                        std::io::stderr().lock(),
                        "cairn serve: {method} {path} {} {:.1} ms",
                        response.status().as_u16(),
                        start.elapsed().as_secs_f64() * 1000.0
                    );
                }
                response
            },
        ))
        .with_state(state)
}

/// Rewrites an error response that is not JSON as an [`ApiError`].
async fn json_errors(response: Response) -> Response {
    let status = response.status();
    let is_json = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("json"));
    if status.as_u16() < 400 || is_json {
        return response;
    }
    let text = axum::body::to_bytes(response.into_body(), 4096)
        .await
        .map(|b| String::from_utf8_lossy(&b).trim().to_string())
        .unwrap_or_default();
    let code = match status.as_u16() {
        400 => error::BAD_REQUEST,
        404 => error::NOT_FOUND,
        405 => error::METHOD_NOT_ALLOWED,
        413 => error::TOO_LARGE,
        415 => error::MEDIA_TYPE,
        408 | 503 => error::TIMEOUT,
        _ => error::INTERNAL,
    };
    let message = match status.as_u16() {
        413 => "the request body is over the server's size limit".to_string(),
        408 | 503 if text.is_empty() => {
            "the request took longer than the server's time limit".to_string()
        }
        _ if text.is_empty() => status.canonical_reason().unwrap_or("error").to_lowercase(),
        _ => text,
    };
    ApiError::new(status, code, message).into_response()
}

async fn discovery(State(state): State<Shared>) -> Json<Value> {
    Json(state.discovery.clone())
}

/// The service named `id`, or a 404 with a did-you-mean.
fn find<'s>(state: &'s AppState, id: &str) -> Result<&'s Service, ApiError> {
    state.services.iter().find(|s| s.id == id).ok_or_else(|| {
        let hint = crate::diagnostics::suggestion(id, state.services.iter().map(|s| s.id.as_str()));
        ApiError::not_found(match hint {
            Some(h) => format!("no service `{id}`: {h}"),
            None => format!("no service `{id}` (see `GET /cds-services`)"),
        })
    })
}

fn check_json(headers: &HeaderMap) -> Result<(), ApiError> {
    match headers.get(header::CONTENT_TYPE).map(|v| v.to_str()) {
        None => Ok(()),
        Some(Ok(v)) if v.contains("json") => Ok(()),
        Some(_) => Err(ApiError::unsupported_media(
            "the request body must be JSON (`Content-Type: application/json`)",
        )),
    }
}

fn authorize(
    state: &AppState,
    headers: &HeaderMap,
    service: &Service,
    feedback: bool,
) -> Result<(), ApiError> {
    let url = format!("{}/cds-services/{}", state.public_url, service.id);
    let mut audiences = vec![url.clone()];
    if feedback {
        audiences.push(format!("{url}/feedback"));
    }
    let header = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok());
    state.verifier.verify(header, &audiences)
}

async fn hook_call(
    State(state): State<Shared>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<Value>, ApiError> {
    let service = find(&state, &id)?;
    authorize(&state, &headers, service, false)?;
    check_json(&headers)?;
    let request = hook::parse(&body, service.hook)?;
    let g = state
        .guidelines
        .get(service.guideline)
        .ok_or_else(|| ApiError::internal("the service has no guideline"))?;
    let (mut resources, missing) =
        hook::prefetched(&request, g.prefetch.iter().map(|(k, _)| k.as_str()))?;
    if let (Some(url), false) = (&request.fhir_server, missing.is_empty()) {
        let server = FhirServer::new(url, request.access_token.as_deref())?;
        for key in &missing {
            let Some((_, template)) = g.prefetch.iter().find(|(k, _)| k == key) else {
                continue;
            };
            let query = hook::fill(template, &request.patient_id);
            resources.extend(
                server
                    .query(&state.http, &state.config.limits, &query)
                    .await?,
            );
        }
    }
    resources.retain(|r| !r.is_null());
    hook::same_patient(&resources, &request.patient_id)?;
    let as_of = state.config.fixed_date().unwrap_or_else(|| {
        jiff::Timestamp::now()
            .to_zoned(jiff::tz::TimeZone::UTC)
            .date()
    });
    let answer = service::answer(g, &resources, as_of, &state.override_reasons)?;
    if state.config.log_patient_data {
        let _ = writeln!(
            std::io::stderr().lock(),
            "cairn serve: {id} hookInstance {} patient {}: {} resources, {} facts, {} cards",
            request.hook_instance,
            request.patient_id,
            resources.len(),
            answer.facts,
            answer.cards.len()
        );
    }
    let mut cards = Vec::with_capacity(answer.cards.len());
    if let Ok(mut issued) = state.issued.lock() {
        for card in &answer.cards {
            issued.insert(
                card.uuid.clone(),
                CardOrigin {
                    service: service.id.clone(),
                    recommendation: card.recommendation.clone(),
                },
            );
        }
    }
    for card in answer.cards {
        cards.push(card.json);
    }
    Ok(Json(json!({ "cards": cards })))
}

async fn feedback_call(
    State(state): State<Shared>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let service = find(&state, &id)?;
    authorize(&state, &headers, service, true)?;
    check_json(&headers)?;
    let g = state
        .guidelines
        .get(service.guideline)
        .ok_or_else(|| ApiError::internal("the service has no guideline"))?;
    let records = {
        let issued = state
            .issued
            .lock()
            .map_err(|_| ApiError::internal("the issued-card table is unusable"))?;
        feedback::records(&body, &service.id, &g.id_version(), &issued)?
    };
    state.log.append(&records)?;
    Ok((StatusCode::OK, Json(json!({"recorded": records.len()}))).into_response())
}
