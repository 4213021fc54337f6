//! FHIR stage, output: the identifiers and URLs Cairn writes into FHIR
//! resources (shared by the GuidanceResponse, the data requirements and
//! the synthetic bundles).
//!
//! Ids are deterministic (the same input gives the same resource, byte for
//! byte) so that outputs can be diffed and snapshot-tested; they are built
//! from the guideline's id and a hash of the content, never from a clock or
//! a random number.

/// The prefix of every URL Cairn defines (extensions, code systems). A URN,
/// because Cairn publishes no web site to resolve them against.
pub const BASE: &str = "urn:cairn:fhir";

/// The extension naming the guideline fact a data requirement (or a
/// resource of a synthetic bundle) is about (`valueString`: the fact).
pub const EXT_FACT: &str = "urn:cairn:fhir:extension:fact";

/// The extension carrying a recommendation's strength as written in its
/// grading scheme (`valueString`: `2C`, `class 2a level B-NR`).
pub const EXT_STRENGTH: &str = "urn:cairn:fhir:extension:strength";

/// The extension carrying the grading scheme of a strength (`valueCode`:
/// `grade`, `acc_aha`, …).
pub const EXT_SCHEME: &str = "urn:cairn:fhir:extension:grading-scheme";

/// The extension carrying the certainty of the evidence of a GRADE strength
/// (`valueCode`: `high`, `moderate`, `low`).
pub const EXT_CERTAINTY: &str = "urn:cairn:fhir:extension:certainty";

/// The extension saying that an action is something not to do (`valueBoolean`
/// true), for the kinds `do-not-offer` and `discourage`: R4's RequestGroup
/// action has no `doNotPerform` of its own.
pub const EXT_DO_NOT_PERFORM: &str = "urn:cairn:fhir:extension:do-not-perform";

/// The extension giving why a fact is not read from the data source (the
/// binding's `[unbound]` reason), on a data requirement (`valueString`).
pub const EXT_UNBOUND: &str = "urn:cairn:fhir:extension:unbound";

/// The code system of recommendation kinds (`recommend`, `do-not-offer`, …).
pub const KIND_SYSTEM: &str = "urn:cairn:fhir:codesystem:recommendation-kind";

/// The URI of a guideline, naming its id and version: the `module` of a
/// GuidanceResponse and the `url` of its data requirements' Library.
pub fn guideline_uri(id: &str, version: &str) -> String {
    format!("urn:cairn:guideline:{id}:{version}")
}

/// A valid FHIR id (`[A-Za-z0-9\-\.]{1,64}`) made of `prefix`, the text
/// (every other character turned into `-`, cut to fit) and, when given, a
/// hash of `content` in hex, so that two different contents never share an
/// id in practice.
pub fn fhir_id(prefix: &str, text: &str, content: Option<&str>) -> String {
    let suffix = content.map(|c| format!("-{:016x}", fnv1a(c.as_bytes())));
    let room = 64 - prefix.len().min(40) - suffix.as_ref().map_or(0, String::len) - 1;
    let mut id: String = prefix.chars().take(40).collect();
    id.push('-');
    id.extend(
        text.chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || c == '.' {
                    c
                } else {
                    '-'
                }
            })
            .take(room),
    );
    if let Some(s) = suffix {
        id.push_str(&s);
    }
    id
}

/// The 64-bit FNV-1a hash: tiny, stable across platforms and releases
/// (unlike `std`'s hasher, whose output may change), enough to tell
/// contents apart in an id.
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_valid_and_bounded() {
        let id = fhir_id("cairn", "rps_initial_management", Some("x"));
        assert!(id.starts_with("cairn-rps-initial-management-"));
        let long = "a".repeat(200);
        let id = fhir_id("p", &long, Some("y"));
        assert!(id.len() <= 64, "{id}");
        assert!(id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.'));
        assert_ne!(fhir_id("p", "a", Some("1")), fhir_id("p", "a", Some("2")));
    }
}
