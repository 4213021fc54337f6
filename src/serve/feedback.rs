//! Serve stage: CDS Hooks feedback (`POST /cds-services/{id}/feedback`),
//! appended to a JSON-lines log.
//!
//! A feedback names a card by its `uuid` only, so the server remembers
//! which recommendation each card it issued stands for ([`Issued`],
//! bounded). A log record holds the time, service, guideline and version,
//! recommendation, outcome and the override reason's code: no patient
//! data, and never the clinician's free-text comment (which may hold
//! some). Each record is one `write` to a file opened for appending, so
//! concurrent records never interleave.

use super::error::ApiError;
use serde::{Deserialize, Serialize};
use std::collections::{HashMap, VecDeque};
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// The most issued cards remembered for feedback; older ones are
/// forgotten first (their feedback is logged with `recommendation: null`).
const ISSUED_CAPACITY: usize = 100_000;

/// What an issued card stands for.
#[derive(Debug, Clone, PartialEq)]
pub struct CardOrigin {
    /// The service that issued it.
    pub service: String,
    /// The recommendation (`None` for the data-needed card).
    pub recommendation: Option<String>,
}

/// The cards issued lately, by `uuid`.
#[derive(Default)]
pub struct Issued {
    by_uuid: HashMap<String, CardOrigin>,
    order: VecDeque<String>,
}

impl Issued {
    /// Remembers a card.
    pub fn insert(&mut self, uuid: String, origin: CardOrigin) {
        if self.order.len() >= ISSUED_CAPACITY {
            if let Some(old) = self.order.pop_front() {
                self.by_uuid.remove(&old);
            }
        }
        self.order.push_back(uuid.clone());
        self.by_uuid.insert(uuid, origin);
    }

    /// The origin of a card, if it is remembered.
    pub fn get(&self, uuid: &str) -> Option<&CardOrigin> {
        self.by_uuid.get(uuid)
    }
}

/// The feedback request body (CDS Hooks 2.0).
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FeedbackRequest {
    /// One item per card.
    pub feedback: Vec<FeedbackItem>,
}

/// Feedback on one card.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FeedbackItem {
    /// The card's `uuid`.
    pub card: String,
    /// `accepted` or `overridden`.
    pub outcome: String,
    /// When the clinician acted (ISO date-time).
    pub outcome_timestamp: String,
    /// Why the card was overridden.
    #[serde(default)]
    pub override_reason: Option<OverrideReasonGiven>,
}

/// The override reason given.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OverrideReasonGiven {
    /// The coded reason (one of the card's `overrideReasons`).
    #[serde(default)]
    pub reason: Option<Coding>,
    /// A free-text comment: read, never logged.
    #[serde(default)]
    pub user_comment: Option<String>,
}

/// A FHIR Coding.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
pub struct Coding {
    /// The code.
    #[serde(default)]
    pub code: Option<String>,
    /// The system.
    #[serde(default)]
    pub system: Option<String>,
}

/// One line of the feedback log.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Record {
    /// When the server received it (UTC, RFC 3339).
    pub received: String,
    /// When the clinician acted, as the client said.
    pub outcome_timestamp: String,
    /// The service called.
    pub service: String,
    /// The guideline's id and version.
    pub guideline: String,
    /// The card's `uuid`.
    pub card: String,
    /// The recommendation the card stood for (`data-needed` for the
    /// data-needed card, `null` for a card this server no longer knows).
    pub recommendation: Option<String>,
    /// `accepted` or `overridden`.
    pub outcome: String,
    /// The override reason's code, when one was given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub override_reason: Option<String>,
}

/// Checks a feedback body and turns it into log records.
pub fn records(
    body: &[u8],
    service: &str,
    guideline: &str,
    issued: &Issued,
) -> Result<Vec<Record>, ApiError> {
    let request: FeedbackRequest = serde_json::from_slice(body)
        .map_err(|e| ApiError::bad_request(format!("the feedback is not valid: {e}")))?;
    if request.feedback.is_empty() {
        return Err(ApiError::bad_request("`feedback` is empty"));
    }
    let received = jiff::Timestamp::now().to_string();
    let mut out = Vec::with_capacity(request.feedback.len());
    for item in request.feedback {
        if item.outcome != "accepted" && item.outcome != "overridden" {
            return Err(ApiError::bad_request(format!(
                "`outcome` must be `accepted` or `overridden`, not `{}`",
                item.outcome
            )));
        }
        if item.outcome_timestamp.parse::<jiff::Timestamp>().is_err() {
            return Err(ApiError::bad_request(format!(
                "`outcomeTimestamp` is not an ISO date-time: `{}`",
                item.outcome_timestamp
            )));
        }
        let origin = issued.get(&item.card);
        if origin.is_some_and(|o| o.service != service) {
            return Err(ApiError::bad_request(format!(
                "card `{}` was not issued by service `{service}`",
                item.card
            )));
        }
        let recommendation = origin.map(|o| {
            o.recommendation
                .clone()
                .unwrap_or_else(|| "data-needed".to_string())
        });
        let override_reason = item
            .override_reason
            .and_then(|r| r.reason)
            .and_then(|c| c.code);
        out.push(Record {
            received: received.clone(),
            outcome_timestamp: item.outcome_timestamp,
            service: service.to_string(),
            guideline: guideline.to_string(),
            card: item.card,
            recommendation,
            outcome: item.outcome,
            override_reason,
        });
    }
    Ok(out)
}

/// The feedback log, opened for appending once.
pub struct Log {
    path: PathBuf,
    file: Mutex<std::fs::File>,
}

impl Log {
    /// Opens (or creates) the log for appending.
    pub fn open(path: &Path) -> std::io::Result<Log> {
        let file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)?;
        Ok(Log {
            path: path.to_path_buf(),
            file: Mutex::new(file),
        })
    }

    /// The log's path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Appends records, all of them in one write.
    pub fn append(&self, records: &[Record]) -> Result<(), ApiError> {
        let mut text = String::new();
        for r in records {
            let line = serde_json::to_string(r)
                .map_err(|e| ApiError::internal(format!("cannot encode feedback: {e}")))?;
            text.push_str(&line);
            text.push('\n');
        }
        let mut file = self
            .file
            .lock()
            .map_err(|_| ApiError::internal("the feedback log is unusable"))?;
        file.write_all(text.as_bytes())
            .and_then(|()| file.flush())
            .map_err(|e| ApiError::internal(format!("cannot write the feedback log: {e}")))
    }
}
