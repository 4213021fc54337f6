//! FHIR stage (extraction): the resources of a FHIR Bundle
//! (`resourceType = Bundle`, `entry[].resource`), refusing malformed
//! bundles with a clear diagnostic rather than reading part of them.

use miette::Diagnostic;
use thiserror::Error;

/// The most entries one bundle may have.
pub const MAX_ENTRIES: usize = 1_000_000;

/// A bundle that cannot be read.
#[derive(Debug, Error, Diagnostic)]
pub enum BundleError {
    /// Not a Bundle resource.
    #[error("not a FHIR Bundle: {reason}")]
    #[diagnostic(
        code(cairn::fhir::not_a_bundle),
        help("give a FHIR R4 Bundle in JSON: {{\"resourceType\": \"Bundle\", \"type\": \"collection\", \"entry\": [{{\"resource\": {{...}}}}]}}")
    )]
    NotABundle {
        /// Why.
        reason: String,
    },
    /// An entry without a resource, or a resource without a type.
    #[error("entry {index} of the bundle {reason}")]
    #[diagnostic(
        code(cairn::fhir::bad_entry),
        help("every entry holds a `resource` object with a `resourceType`")
    )]
    BadEntry {
        /// The entry's index (from 0).
        index: usize,
        /// What is wrong.
        reason: String,
    },
    /// Too many entries.
    #[error("the bundle has {count} entries, more than {MAX_ENTRIES}")]
    #[diagnostic(
        code(cairn::fhir::bundle_limit),
        help("extract one patient's resources at a time")
    )]
    TooLarge {
        /// How many.
        count: usize,
    },
}

/// The resources of a Bundle, in entry order.
pub fn bundle_resources(bundle: &serde_json::Value) -> Result<Vec<serde_json::Value>, BundleError> {
    let Some(object) = bundle.as_object() else {
        return Err(BundleError::NotABundle {
            reason: "the document is not a JSON object".into(),
        });
    };
    match object.get("resourceType").and_then(|t| t.as_str()) {
        Some("Bundle") => {}
        Some(other) => {
            return Err(BundleError::NotABundle {
                reason: format!("its `resourceType` is `{}`", truncated(other)),
            })
        }
        None => {
            return Err(BundleError::NotABundle {
                reason: "it has no `resourceType`".into(),
            })
        }
    }
    let entries = match object.get("entry") {
        None => return Ok(Vec::new()),
        Some(serde_json::Value::Array(a)) => a,
        Some(_) => {
            return Err(BundleError::NotABundle {
                reason: "its `entry` is not an array".into(),
            })
        }
    };
    if entries.len() > MAX_ENTRIES {
        return Err(BundleError::TooLarge {
            count: entries.len(),
        });
    }
    let mut out = Vec::with_capacity(entries.len());
    for (index, entry) in entries.iter().enumerate() {
        let resource = entry.get("resource").ok_or_else(|| BundleError::BadEntry {
            index,
            reason: "has no `resource`".into(),
        })?;
        if !resource.is_object() {
            return Err(BundleError::BadEntry {
                index,
                reason: "has a `resource` that is not an object".into(),
            });
        }
        if !resource.get("resourceType").is_some_and(|t| t.is_string()) {
            return Err(BundleError::BadEntry {
                index,
                reason: "has a resource without a `resourceType`".into(),
            });
        }
        out.push(resource.clone());
    }
    Ok(out)
}

/// A name from the input, cut short for a message.
fn truncated(s: &str) -> String {
    if s.chars().count() > 40 {
        format!("{}…", s.chars().take(40).collect::<String>())
    } else {
        s.to_string()
    }
}
