//! Serve stage: errors, at start-up (a bad configuration, key or address)
//! and per request (the JSON error every refused request gets).
//!
//! A request error is answered as `{"error": {"status": 400, "code":
//! "cairn::serve::bad_request", "message": "..."}}` with the matching HTTP
//! status: the server never answers a malformed request with an empty body
//! or a crash.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use miette::Diagnostic;
use thiserror::Error;

/// A request body that is not JSON, or lacks a field the hook needs (400).
pub const BAD_REQUEST: &str = "cairn::serve::bad_request";
/// No bearer JWT, or one that does not verify (401).
pub const UNAUTHORIZED: &str = "cairn::serve::unauthorized";
/// No such service or path (404).
pub const NOT_FOUND: &str = "cairn::serve::not_found";
/// A method the path does not answer (405).
pub const METHOD_NOT_ALLOWED: &str = "cairn::serve::method_not_allowed";
/// A request body over the size limit (413).
pub const TOO_LARGE: &str = "cairn::serve::too_large";
/// A request body not declared as JSON (415).
pub const MEDIA_TYPE: &str = "cairn::serve::media_type";
/// Facts read from the record that do not make a valid case (422).
pub const INVALID_RECORD: &str = "cairn::serve::invalid_record";
/// The FHIR server could not give what the prefetch lacked (502).
pub const FHIR_SERVER: &str = "cairn::serve::fhir_server";
/// A request that took longer than the time limit (503).
pub const TIMEOUT: &str = "cairn::serve::timeout";
/// The server could not do its part, e.g. write the feedback log (500).
pub const INTERNAL: &str = "cairn::serve::internal";

/// Why the server could not start, or the feedback report not be made.
#[derive(Debug, Error, Diagnostic)]
pub enum ServeError {
    /// A file could not be read.
    #[error("cannot read `{path}`: {message}")]
    #[diagnostic(code(cairn::serve::read))]
    Read {
        /// The file.
        path: String,
        /// The I/O error.
        message: String,
    },
    /// The configuration file is not valid.
    #[error("invalid configuration `{path}`: {message}")]
    #[diagnostic(code(cairn::serve::config))]
    Config {
        /// The file.
        path: String,
        /// What is wrong.
        message: String,
    },
    /// A key file is not a PEM public key or JWK Set this server can use.
    #[error("invalid key `{path}`: {message}")]
    #[diagnostic(
        code(cairn::serve::key),
        help("give an RSA or EC public key in PEM, or a JWK Set (JSON)")
    )]
    Key {
        /// The file.
        path: String,
        /// What is wrong.
        message: String,
    },
    /// The guidelines and bindings do not pair up, or two share an id.
    #[error("{message}")]
    #[diagnostic(code(cairn::serve::services))]
    Services {
        /// What is wrong.
        message: String,
    },
    /// The address could not be bound, or serving failed.
    #[error("cannot serve on `{addr}`: {message}")]
    #[diagnostic(code(cairn::serve::bind))]
    Bind {
        /// The address.
        addr: String,
        /// The I/O error.
        message: String,
    },
    /// A line of the feedback log is not feedback this server wrote.
    #[error("`{path}` line {line}: not a feedback record: {message}")]
    #[diagnostic(code(cairn::serve::feedback_log))]
    FeedbackLog {
        /// The file.
        path: String,
        /// The one-based line number.
        line: usize,
        /// What is wrong.
        message: String,
    },
}

/// A request the server refuses, answered as JSON.
#[derive(Debug, Clone, PartialEq)]
pub struct ApiError {
    /// The HTTP status.
    pub status: StatusCode,
    /// A stable code, `cairn::serve::<kind>`.
    pub code: &'static str,
    /// What is wrong, in words (never the patient's data).
    pub message: String,
}

impl ApiError {
    /// 400: the body is not JSON, or lacks a field the hook needs.
    pub fn bad_request(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::BAD_REQUEST, BAD_REQUEST, message)
    }

    /// 401: no bearer JWT, or one that does not verify.
    pub fn unauthorized(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::UNAUTHORIZED, UNAUTHORIZED, message)
    }

    /// 404: no such service (or path).
    pub fn not_found(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::NOT_FOUND, NOT_FOUND, message)
    }

    /// 413: the body is over `limits.body_bytes`.
    pub fn too_large(limit: usize) -> ApiError {
        ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            TOO_LARGE,
            format!("the request body is over the limit of {limit} bytes"),
        )
    }

    /// 415: the body is not declared as JSON.
    pub fn unsupported_media(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::UNSUPPORTED_MEDIA_TYPE, MEDIA_TYPE, message)
    }

    /// 502: the FHIR server could not give what the prefetch lacked.
    pub fn fhir_server(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::BAD_GATEWAY, FHIR_SERVER, message)
    }

    /// 500: the server could not do its part (a log it cannot write).
    pub fn internal(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, INTERNAL, message)
    }

    /// An error with any status and code.
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> ApiError {
        ApiError {
            status,
            code,
            message: message.into(),
        }
    }

    /// The JSON body.
    pub fn body(&self) -> serde_json::Value {
        serde_json::json!({
            "error": {
                "status": self.status.as_u16(),
                "code": self.code,
                "message": self.message,
            }
        })
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut response = (self.status, axum::Json(self.body())).into_response();
        if self.status == StatusCode::UNAUTHORIZED {
            response.headers_mut().insert(
                axum::http::header::WWW_AUTHENTICATE,
                axum::http::HeaderValue::from_static("Bearer"),
            );
        }
        response
    }
}
