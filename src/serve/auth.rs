//! Serve stage: verifying the CDS client's bearer JWT (CDS Hooks 2.0,
//! "Trusting CDS Clients").
//!
//! A token must name a configured issuer (`iss`), be signed with one of
//! that issuer's keys in an accepted algorithm (ES384 or RS384 by default),
//! be addressed to the service called (`aud`), be current (`exp`, and an
//! `iat` not in the future) and carry a `jti` not seen before: a replayed
//! token is refused. Keys come from the configuration only; nothing is
//! fetched (a `jku` header is ignored, never followed).

use super::config::Auth;
use super::error::{ApiError, ServeError};
use jsonwebtoken::jwk::JwkSet;
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use serde::Deserialize;
use std::collections::{BTreeSet, HashMap, HashSet};
use std::str::FromStr;
use std::sync::Mutex;

/// The most unexpired `jti`s remembered; past it the soonest to expire is
/// forgotten first (so memory stays bounded under any load).
const REPLAY_CAPACITY: usize = 200_000;

/// One public key of an issuer.
struct Key {
    /// The JWK `kid`, when the key came from a JWK Set.
    kid: Option<String>,
    /// The key.
    key: DecodingKey,
}

/// The verifier built from `[auth]`.
pub struct Verifier {
    /// False when `[auth] required = false`: every call is let through.
    required: bool,
    /// The accepted algorithms.
    algorithms: Vec<Algorithm>,
    /// Clock skew allowed, in seconds.
    leeway: u64,
    /// Keys by issuer.
    issuers: HashMap<String, Vec<Key>>,
    /// The `(iss, jti)` pairs seen, with their `exp`.
    seen: Mutex<Replay>,
}

#[derive(Default)]
struct Replay {
    by_key: HashSet<(String, String)>,
    by_exp: BTreeSet<(u64, String, String)>,
}

/// The claims this server reads beyond those `jsonwebtoken` checks.
#[derive(Deserialize)]
struct Claims {
    iss: String,
    exp: u64,
    iat: Option<u64>,
    jti: Option<String>,
}

impl Verifier {
    /// Builds the verifier, reading every key file.
    pub fn new(auth: &Auth) -> Result<Verifier, ServeError> {
        let mut algorithms = Vec::new();
        for name in &auth.algorithms {
            let alg = Algorithm::from_str(name).map_err(|_| ServeError::Config {
                path: "[auth] algorithms".into(),
                message: format!("unknown algorithm `{name}`"),
            })?;
            // A shared secret would let anyone holding the configuration
            // sign as the client: only public-key algorithms.
            if matches!(alg, Algorithm::HS256 | Algorithm::HS384 | Algorithm::HS512) {
                return Err(ServeError::Config {
                    path: "[auth] algorithms".into(),
                    message: format!("`{name}` is not an asymmetric algorithm this server accepts"),
                });
            }
            algorithms.push(alg);
        }
        let mut issuers = HashMap::new();
        for issuer in &auth.issuer {
            let mut keys = Vec::new();
            for path in &issuer.keys {
                keys.extend(read_keys(path)?);
            }
            issuers.insert(issuer.iss.clone(), keys);
        }
        Ok(Verifier {
            required: auth.required,
            algorithms,
            leeway: auth.leeway_seconds,
            issuers,
            seen: Mutex::new(Replay::default()),
        })
    }

    /// Whether tokens are verified at all.
    pub fn required(&self) -> bool {
        self.required
    }

    /// Verifies the `Authorization` header's value for a call whose
    /// audience is one of `audiences` (the service URL).
    pub fn verify(&self, header: Option<&str>, audiences: &[String]) -> Result<(), ApiError> {
        if !self.required {
            return Ok(());
        }
        let header = header.ok_or_else(|| {
            ApiError::unauthorized(
                "no `Authorization: Bearer` token: this service verifies the CDS client's JWT",
            )
        })?;
        let token = header
            .strip_prefix("Bearer ")
            .or_else(|| header.strip_prefix("bearer "))
            .ok_or_else(|| {
                ApiError::unauthorized("the `Authorization` header is not `Bearer TOKEN`")
            })?
            .trim();
        let head = jsonwebtoken::decode_header(token)
            .map_err(|e| ApiError::unauthorized(format!("the bearer token is not a JWT: {e}")))?;
        if !self.algorithms.contains(&head.alg) {
            return Err(ApiError::unauthorized(format!(
                "the token's algorithm `{:?}` is not accepted (accepted: {})",
                head.alg,
                self.algorithms
                    .iter()
                    .map(|a| format!("{a:?}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            )));
        }
        // The issuer picks the keys; the signature is checked below, so
        // reading it unverified first is safe.
        let claims: Claims =
            jsonwebtoken::dangerous::insecure_decode_claims(token).map_err(|e| {
                ApiError::unauthorized(format!("the token's claims are not readable: {e}"))
            })?;
        let keys = self.issuers.get(&claims.iss).ok_or_else(|| {
            ApiError::unauthorized(format!(
                "the token's issuer `{}` is not trusted",
                claims.iss
            ))
        })?;
        let mut validation = Validation::new(head.alg);
        validation.set_audience(audiences);
        validation.set_issuer(&[&claims.iss]);
        validation.set_required_spec_claims(&["exp", "aud", "iss"]);
        validation.leeway = self.leeway;
        let mut last = None;
        let family = head.alg.family();
        let candidates = keys.iter().filter(|k| {
            k.key.family() == family
                && match (&k.kid, &head.kid) {
                    (Some(a), Some(b)) => a == b,
                    _ => true,
                }
        });
        let mut verified = false;
        for key in candidates {
            match jsonwebtoken::decode::<serde_json::Value>(token, &key.key, &validation) {
                Ok(_) => {
                    verified = true;
                    break;
                }
                Err(e) => last = Some(e),
            }
        }
        if !verified {
            return Err(ApiError::unauthorized(match last {
                Some(e) => describe(&e),
                None => "no key of the issuer fits the token's algorithm and `kid`".to_string(),
            }));
        }
        let now = jsonwebtoken::get_current_timestamp();
        let iat = claims
            .iat
            .ok_or_else(|| ApiError::unauthorized("the token has no `iat` claim"))?;
        if iat > now + self.leeway {
            return Err(ApiError::unauthorized("the token's `iat` is in the future"));
        }
        let jti = claims
            .jti
            .ok_or_else(|| ApiError::unauthorized("the token has no `jti` claim"))?;
        self.remember(claims.iss, jti, claims.exp, now)
    }

    /// Records a `jti`, refusing one already seen.
    fn remember(&self, iss: String, jti: String, exp: u64, now: u64) -> Result<(), ApiError> {
        let mut seen = self
            .seen
            .lock()
            .map_err(|_| ApiError::internal("the token replay cache is unusable"))?;
        // Forget the expired: a token past `exp` is refused anyway.
        while let Some(first) = seen.by_exp.first().cloned() {
            if first.0 + self.leeway >= now && seen.by_exp.len() < REPLAY_CAPACITY {
                break;
            }
            seen.by_exp.pop_first();
            seen.by_key.remove(&(first.1, first.2));
        }
        if !seen.by_key.insert((iss.clone(), jti.clone())) {
            return Err(ApiError::unauthorized(format!(
                "the token's `jti` `{jti}` was already used: a token is good for one call"
            )));
        }
        seen.by_exp.insert((exp, iss, jti));
        Ok(())
    }
}

/// The reason a verification failed, in words.
fn describe(e: &jsonwebtoken::errors::Error) -> String {
    use jsonwebtoken::errors::ErrorKind;
    match e.kind() {
        ErrorKind::InvalidSignature => {
            "the token's signature does not verify with the issuer's keys".into()
        }
        ErrorKind::ExpiredSignature => "the token has expired (`exp`)".into(),
        ErrorKind::InvalidAudience => "the token's `aud` is not this service's URL".into(),
        ErrorKind::InvalidIssuer => "the token's `iss` is not trusted".into(),
        ErrorKind::ImmatureSignature => "the token is not valid yet (`nbf`)".into(),
        ErrorKind::MissingRequiredClaim(c) => format!("the token has no `{c}` claim"),
        ErrorKind::InvalidAlgorithm => "the token's algorithm does not fit the issuer's key".into(),
        _ => format!("the token does not verify: {e}"),
    }
}

/// Reads one key file: a JWK Set (JSON) or a PEM public key (EC or RSA).
fn read_keys(path: &std::path::Path) -> Result<Vec<Key>, ServeError> {
    let shown = path.display().to_string();
    let bytes = std::fs::read(path).map_err(|e| ServeError::Read {
        path: shown.clone(),
        message: e.to_string(),
    })?;
    let bad = |message: String| ServeError::Key {
        path: shown.clone(),
        message,
    };
    if bytes.trim_ascii_start().starts_with(b"{") {
        let set: JwkSet =
            serde_json::from_slice(&bytes).map_err(|e| bad(format!("not a JWK Set: {e}")))?;
        return set
            .keys
            .iter()
            .map(|jwk| {
                Ok(Key {
                    kid: jwk.common.key_id.clone(),
                    key: DecodingKey::from_jwk(jwk).map_err(|e| bad(e.to_string()))?,
                })
            })
            .collect();
    }
    let text = String::from_utf8_lossy(&bytes);
    if text.contains("PRIVATE KEY") {
        return Err(bad(
            "this is a private key: give the CDS client's public key".into(),
        ));
    }
    let key = DecodingKey::from_ec_pem(&bytes)
        .or_else(|_| DecodingKey::from_rsa_pem(&bytes))
        .map_err(|e| bad(e.to_string()))?;
    Ok(vec![Key { kid: None, key }])
}
