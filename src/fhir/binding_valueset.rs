//! FHIR stage (bindings): loads the local, pre-expanded ValueSet files a
//! binding names, relative to the binding's folder.
//!
//! A binding comes from an integrator, but it may be run by a service on a
//! server: a valueset path must never reach a file outside the binding's
//! own folder tree. Absolute paths and `..` are refused before anything is
//! opened, and the opened file's real path (symbolic links resolved) must
//! still be inside the folder. Messages say why a file is refused, never
//! what it holds.

use super::binding::ValueSet;
use std::path::{Component, Path};

/// The largest valueset file read, in bytes.
pub const MAX_VALUESET_BYTES: u64 = 8 << 20;

/// The most codings in one valueset.
pub const MAX_CODINGS: usize = 100_000;

/// Why a valueset file was refused; the caller turns it into a diagnostic.
pub type Refusal = (String, &'static str);

const HELP_FORMAT: &str = "a FHIR ValueSet in JSON, with `expansion.contains` \
    (`system` and `code` each) or `compose.include` (`system` and `concept[].code`)";
const HELP_PATH: &str = "a valueset file is named relative to the binding's folder, \
    inside it, without `..`";

/// Loads `written` (the path as the binding writes it) relative to `base`.
pub fn load(base: &Path, written: &str) -> Result<ValueSet, Refusal> {
    let relative = Path::new(written);
    let plain = relative
        .components()
        .all(|c| matches!(c, Component::Normal(_) | Component::CurDir));
    if written.is_empty() || !plain {
        return Err((
            "it is absolute or leaves the binding's folder".into(),
            HELP_PATH,
        ));
    }
    let outside = || {
        (
            "it leads outside the binding's folder".to_string(),
            HELP_PATH,
        )
    };
    let root = base.canonicalize().map_err(|_| outside())?;
    let path = root
        .join(relative)
        .canonicalize()
        .map_err(|_| ("it cannot be opened".to_string(), HELP_PATH))?;
    if !path.starts_with(&root) {
        return Err(outside());
    }
    let meta = std::fs::metadata(&path).map_err(|_| ("it cannot be opened".into(), HELP_PATH))?;
    if !meta.is_file() {
        return Err(("it is not a regular file".into(), HELP_PATH));
    }
    if meta.len() > MAX_VALUESET_BYTES {
        return Err((
            format!("it is larger than {MAX_VALUESET_BYTES} bytes"),
            HELP_FORMAT,
        ));
    }
    let text = std::fs::read_to_string(&path)
        .map_err(|_| ("it cannot be read as UTF-8 text".to_string(), HELP_FORMAT))?;
    parse(&text)
}

/// Reads a ValueSet's JSON text.
pub fn parse(text: &str) -> Result<ValueSet, Refusal> {
    let json: serde_json::Value = serde_json::from_str(text)
        .map_err(|e| (format!("it is not JSON (line {})", e.line()), HELP_FORMAT))?;
    if json.get("resourceType").and_then(|t| t.as_str()) != Some("ValueSet") {
        return Err(("its `resourceType` is not `ValueSet`".into(), HELP_FORMAT));
    }
    let mut set = ValueSet {
        url: json.get("url").and_then(|u| u.as_str()).map(str::to_string),
        ..ValueSet::default()
    };
    if let Some(contains) = json.pointer("/expansion/contains") {
        expansion(contains, &mut set)?;
    }
    if let Some(includes) = json.pointer("/compose/include") {
        let includes = includes
            .as_array()
            .ok_or(("`compose.include` is not an array".to_string(), HELP_FORMAT))?;
        for include in includes {
            let system = include
                .get("system")
                .and_then(|s| s.as_str())
                .ok_or(("an include has no `system`".to_string(), HELP_FORMAT))?;
            let concepts = include.get("concept").and_then(|c| c.as_array()).ok_or((
                "an include lists no `concept`s (filters are not expanded here)".to_string(),
                HELP_FORMAT,
            ))?;
            for concept in concepts {
                let code = concept
                    .get("code")
                    .and_then(|c| c.as_str())
                    .ok_or(("a concept has no `code`".to_string(), HELP_FORMAT))?;
                add(&mut set, system, code)?;
            }
        }
    }
    if set.codings.is_empty() {
        return Err(("it has no codes".into(), HELP_FORMAT));
    }
    Ok(set)
}

/// Adds the codings of an `expansion.contains` list (nested `contains`
/// included; serde_json already bounds the depth).
fn expansion(contains: &serde_json::Value, set: &mut ValueSet) -> Result<(), Refusal> {
    let items = contains.as_array().ok_or((
        "`expansion.contains` is not an array".to_string(),
        HELP_FORMAT,
    ))?;
    for item in items {
        match (
            item.get("system").and_then(|s| s.as_str()),
            item.get("code").and_then(|c| c.as_str()),
        ) {
            (Some(system), Some(code)) => add(set, system, code)?,
            // An abstract grouping entry has no code of its own.
            (_, None) if item.get("contains").is_some() => {}
            _ => {
                return Err((
                    "an expansion entry lacks `system` or `code`".into(),
                    HELP_FORMAT,
                ))
            }
        }
        if let Some(nested) = item.get("contains") {
            expansion(nested, set)?;
        }
    }
    Ok(())
}

fn add(set: &mut ValueSet, system: &str, code: &str) -> Result<(), Refusal> {
    if set.codings.len() >= MAX_CODINGS {
        return Err((format!("it has more than {MAX_CODINGS} codes"), HELP_FORMAT));
    }
    set.codings.insert((system.to_string(), code.to_string()));
    Ok(())
}
