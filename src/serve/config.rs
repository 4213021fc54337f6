//! Serve stage: the configuration file of `cairn serve` (`serve.toml`).
//!
//! Every field has a default that is safe on its own: the server binds
//! 127.0.0.1, verifies a JWT on every hook and feedback call (with no
//! issuer configured, every such call is refused), allows no cross-origin
//! caller, and logs no patient data. Turning verification off takes an
//! explicit `[auth] required = false`.

use super::error::ServeError;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

/// The address bound when neither `--addr` nor `addr` says otherwise.
pub const DEFAULT_ADDR: &str = "127.0.0.1:8015";

/// The configuration, as read from TOML (paths still relative to the file).
#[derive(Debug, Clone, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// The address to listen on (`127.0.0.1:8015` by default).
    pub addr: Option<SocketAddr>,
    /// The base URL the CDS clients call; a JWT's `aud` must be this plus
    /// `/cds-services/ID` (default `http://ADDR`).
    pub public_url: Option<String>,
    /// The JSON-lines file that feedback is appended to (default
    /// `cairn-feedback.jsonl` in the working folder).
    pub feedback_log: Option<PathBuf>,
    /// A fixed evaluation date (ISO), for tests and demonstrations; by
    /// default the date of each request (UTC).
    pub as_of: Option<String>,
    /// Log the hook's patient id and the facts extracted (off by default:
    /// request logs carry the service, status and time only).
    #[serde(default)]
    pub log_patient_data: bool,
    /// Log one line per request on standard error: method, path, status
    /// and time (on by default).
    #[serde(default = "yes")]
    pub log_requests: bool,
    /// Size and time limits.
    #[serde(default)]
    pub limits: Limits,
    /// JWT verification of the CDS client.
    #[serde(default)]
    pub auth: Auth,
    /// Cross-origin callers.
    #[serde(default)]
    pub cors: Cors,
    /// The reasons a clinician may give for overriding a card (a default
    /// list when empty).
    #[serde(default)]
    pub override_reasons: Vec<OverrideReason>,
    /// Per guideline (by id): the URL of its source and links for cards.
    #[serde(default)]
    pub guideline: BTreeMap<String, GuidelineLinks>,
}

/// Size and time limits; each, when hit, answers with a JSON error.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Limits {
    /// The largest request body accepted, in bytes (413 beyond).
    pub body_bytes: usize,
    /// The longest a request may take, prefetch fetching included (503
    /// beyond), in milliseconds.
    pub request_timeout_ms: u64,
    /// The longest one FHIR server query may take, in milliseconds.
    pub fetch_timeout_ms: u64,
    /// The largest FHIR server response read, in bytes.
    pub fetch_max_bytes: usize,
    /// The most `next` pages followed for one prefetch query.
    pub fetch_max_pages: usize,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            body_bytes: 1 << 20,
            request_timeout_ms: 10_000,
            fetch_timeout_ms: 5_000,
            fetch_max_bytes: 8 << 20,
            fetch_max_pages: 10,
        }
    }
}

/// JWT verification (CDS Hooks 2.0, "Trusting CDS Clients").
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Auth {
    /// Verify a bearer JWT on every hook and feedback call (the default);
    /// `false` turns verification off, and the server says so at start.
    pub required: bool,
    /// The signing algorithms accepted (`ES384` and `RS384`, the two the
    /// specification names, by default).
    pub algorithms: Vec<String>,
    /// The clock skew allowed on `exp` and `iat`, in seconds.
    pub leeway_seconds: u64,
    /// The trusted issuers and their keys.
    pub issuer: Vec<Issuer>,
}

impl Default for Auth {
    fn default() -> Auth {
        Auth {
            required: true,
            algorithms: vec!["ES384".into(), "RS384".into()],
            leeway_seconds: 30,
            issuer: Vec::new(),
        }
    }
}

/// One trusted CDS client.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Issuer {
    /// The `iss` claim it signs with.
    pub iss: String,
    /// Its public keys: PEM files (RSA or EC) or JWK Set JSON files,
    /// relative to the configuration file. No key is ever fetched.
    pub keys: Vec<PathBuf>,
}

/// Cross-origin resource sharing.
#[derive(Debug, Clone, Deserialize, Default)]
#[serde(deny_unknown_fields, default)]
pub struct Cors {
    /// The origins allowed (none by default; `"*"` allows any).
    pub allow_origins: Vec<String>,
}

/// One reason a card may be overridden (a FHIR Coding).
#[derive(Debug, Clone, Deserialize, serde::Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct OverrideReason {
    /// The code, logged with the feedback.
    pub code: String,
    /// The code system.
    #[serde(default = "default_reason_system")]
    pub system: String,
    /// What the clinician reads.
    pub display: String,
}

/// Links and the source URL of one guideline's cards.
#[derive(Debug, Clone, Deserialize, Default)]
#[serde(deny_unknown_fields, default)]
pub struct GuidelineLinks {
    /// The URL of the source document (the cards' `source.url`).
    pub url: Option<String>,
    /// Links added to every card of the guideline.
    pub links: Vec<Link>,
}

/// A card link (`type` absolute).
#[derive(Debug, Clone, Deserialize, serde::Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Link {
    /// The label.
    pub label: String,
    /// The URL.
    pub url: String,
}

fn yes() -> bool {
    true
}

fn default_reason_system() -> String {
    OVERRIDE_SYSTEM.to_string()
}

/// The code system of the default override reasons.
pub const OVERRIDE_SYSTEM: &str = "urn:cairn:override-reason";

/// The override reasons offered when the configuration gives none.
pub fn default_override_reasons() -> Vec<OverrideReason> {
    [
        ("patient-declined", "Patient declined"),
        ("not-applicable", "Does not apply to this patient"),
        ("data-incorrect", "The record's data used here is wrong"),
        ("clinical-judgement", "Clinical judgement (other reason)"),
    ]
    .into_iter()
    .map(|(code, display)| OverrideReason {
        code: code.into(),
        system: OVERRIDE_SYSTEM.into(),
        display: display.into(),
    })
    .collect()
}

impl Config {
    /// Reads a configuration file; relative key and log paths are made
    /// relative to the file's folder.
    pub fn load(path: &Path) -> Result<Config, ServeError> {
        let text = std::fs::read_to_string(path).map_err(|e| ServeError::Read {
            path: path.display().to_string(),
            message: e.to_string(),
        })?;
        let mut config = Config::parse(&path.display().to_string(), &text)?;
        let base = path.parent().unwrap_or(Path::new("."));
        for issuer in &mut config.auth.issuer {
            for key in &mut issuer.keys {
                *key = base.join(&*key);
            }
        }
        if let Some(log) = &config.feedback_log {
            config.feedback_log = Some(base.join(log));
        }
        Ok(config)
    }

    /// Parses a configuration's text (paths left as written).
    pub fn parse(name: &str, text: &str) -> Result<Config, ServeError> {
        let config: Config = toml::from_str(text).map_err(|e| ServeError::Config {
            path: name.to_string(),
            message: e.message().to_string(),
        })?;
        if config.limits.body_bytes == 0 || config.limits.request_timeout_ms == 0 {
            return Err(ServeError::Config {
                path: name.to_string(),
                message: "`limits.body_bytes` and `limits.request_timeout_ms` must be above 0"
                    .into(),
            });
        }
        if let Some(date) = &config.as_of {
            if date.parse::<jiff::civil::Date>().is_err() {
                return Err(ServeError::Config {
                    path: name.to_string(),
                    message: format!("`as_of` is not an ISO date: `{date}`"),
                });
            }
        }
        Ok(config)
    }

    /// The fixed evaluation date, when `as_of` gives one.
    pub fn fixed_date(&self) -> Option<jiff::civil::Date> {
        self.as_of.as_deref().and_then(|d| d.parse().ok())
    }
}
