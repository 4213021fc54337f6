//! Testing stage: `cairn test --bless`, rewriting the `expect` block of a
//! failing case to what the guideline now gives.
//!
//! Only the values that differ are replaced, by their byte spans in the
//! file (the case reader records them), so keys, order, layout and every
//! other byte of the file stay as they were. The file is rewritten through
//! the formatter's safe rewrite (temporary file in the same folder, then a
//! rename; never over a file changed since it was read).

use super::compare::Difference;
use super::runner::CaseReport;
use crate::case::json::{self, Json, JsonKind};
use crate::format::{read_for_rewrite, rewrite};
use std::path::Path;

/// What blessing one case did.
#[derive(Debug, Clone, PartialEq)]
pub enum Blessed {
    /// The case passes: nothing to do.
    Passing,
    /// The file was rewritten; the unified diff of the change.
    Rewritten(String),
    /// The case was not rewritten, and why (it did not load, it has no
    /// `expect` block, or the file could not be written).
    Refused(String),
}

/// Rewrites the failing expectations of `case` in its file.
pub fn bless(case: &CaseReport) -> Blessed {
    if case.ok {
        return Blessed::Passing;
    }
    if !case.ran {
        return Blessed::Refused("the case does not load; fix it first".into());
    }
    if case.differences.is_empty() {
        return Blessed::Refused("the case has no `expect` block".into());
    }
    let read = match read_for_rewrite(Path::new(&case.file)) {
        Ok(r) => r,
        Err(e) => return Blessed::Refused(e.to_string()),
    };
    let Ok(old) = std::str::from_utf8(&read.bytes) else {
        return Blessed::Refused("the file is not UTF-8".into());
    };
    let new = match blessed_text(old, &case.differences) {
        Ok(t) => t,
        Err(e) => return Blessed::Refused(e),
    };
    match rewrite(&read, &new) {
        Ok(()) => Blessed::Rewritten(
            similar::TextDiff::from_lines(old, new.as_str())
                .unified_diff()
                .context_radius(2)
                .header(&case.file, &format!("{} (blessed)", case.file))
                .to_string(),
        ),
        Err(e) => Blessed::Refused(e.to_string()),
    }
}

/// `text` with the value of every differing expectation replaced by what
/// the guideline gives.
pub fn blessed_text(text: &str, differences: &[Difference]) -> Result<String, String> {
    let root = json::parse(text).map_err(|e| e.message)?;
    let expect = member(&root, "expect").ok_or("the case has no `expect` block")?;
    let mut edits: Vec<(usize, usize, String)> = Vec::new();
    for d in differences {
        let section = match d.kind {
            "status" => "recommendations",
            "strength" => "strengths",
            "derived" => "derived",
            "next_due" => "next_due",
            _ => "missing",
        };
        let value = member(expect, section)
            .and_then(|s| member(s, &d.name))
            .ok_or_else(|| format!("`expect.{section}.{}` not found", d.name))?;
        let replacement = serde_json::to_string(&d.actual).map_err(|e| e.to_string())?;
        edits.push((value.start, value.end, replacement));
    }
    // Splice from the end, so earlier offsets stay valid.
    edits.sort_by_key(|e| std::cmp::Reverse(e.0));
    let mut out = text.to_string();
    for (start, end, replacement) in edits {
        if out.get(start..end).is_none() {
            return Err("a value's span is not in the file".into());
        }
        out.replace_range(start..end, &replacement);
    }
    Ok(out)
}

/// The value of the key `name` in an object (the last, as the loader
/// reports duplicates as errors).
fn member<'a, 't>(json: &'a Json<'t>, name: &str) -> Option<&'a Json<'t>> {
    match &json.kind {
        JsonKind::Object(members) => members
            .iter()
            .rev()
            .find(|(k, _)| k.name == name)
            .map(|(_, v)| v),
        _ => None,
    }
}
