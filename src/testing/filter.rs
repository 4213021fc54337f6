//! Testing stage: `cairn test --filter PATTERN`, which cases to run.
//!
//! A pattern with `*` or `?` is a glob over the whole case path (or the
//! whole case `name`); any other pattern is a substring of either. `*`
//! matches any run of characters, `/` included, so `*metastatic*` and
//! `guidelines/rps/*` both read as an author means them.

use std::path::Path;

/// True when the case at `path` (with file text `text`) is selected.
pub fn matches(pattern: &str, path: &Path, text: &str) -> bool {
    let path = path.to_string_lossy();
    let name = case_name(text);
    let candidates = std::iter::once(path.as_ref()).chain(name.as_deref());
    if pattern.contains(['*', '?']) {
        let pattern: Vec<char> = pattern.chars().collect();
        candidates
            .into_iter()
            .any(|c| glob(&pattern, &c.chars().collect::<Vec<_>>()))
    } else {
        candidates.into_iter().any(|c| c.contains(pattern))
    }
}

/// The case's `name`, when its text is a JSON object with one.
fn case_name(text: &str) -> Option<String> {
    let value = crate::case::json::parse(text).ok()?;
    let crate::case::json::JsonKind::Object(members) = value.kind else {
        return None;
    };
    members
        .into_iter()
        .find_map(|(k, v)| match (k.name.as_ref(), v.kind) {
            ("name", crate::case::json::JsonKind::String(s)) => Some(s.into_owned()),
            _ => None,
        })
}

/// Glob matching with `*` and `?`, iterative with one backtrack point, so
/// a hostile pattern costs at most pattern × text steps.
fn glob(pattern: &[char], text: &[char]) -> bool {
    let (mut p, mut t) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while t < text.len() {
        match pattern.get(p) {
            Some('*') => {
                star = Some((p, t));
                p += 1;
            }
            Some(c) if *c == '?' || Some(c) == text.get(t) => {
                p += 1;
                t += 1;
            }
            _ => match star {
                Some((sp, st)) => {
                    p = sp + 1;
                    t = st + 1;
                    star = Some((sp, st + 1));
                }
                None => return false,
            },
        }
    }
    pattern
        .get(p..)
        .is_some_and(|rest| rest.iter().all(|c| *c == '*'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn globs_and_substrings() {
        let p = Path::new("guidelines/rps/cases/metastatic_wdlps.json");
        assert!(matches("metastatic", p, "{}"));
        assert!(matches("*metastatic*", p, "{}"));
        assert!(matches("guidelines/rps/*", p, "{}"));
        assert!(!matches("*.cairn", p, "{}"));
        assert!(!matches("vte", p, "{}"));
        assert!(matches("Stage ?", p, r#"{"name": "Stage 4"}"#));
        assert!(!matches("Stage ?", p, r#"{"name": "Stage 42"}"#));
    }
}
