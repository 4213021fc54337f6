//! Syntax stage: error recovery, the nesting guard, the control-character
//! guard and the cap on reported errors.
//!
//! They work on a light lexical scan that knows about strings and comments,
//! so braces inside either do not confuse them.

use super::ast::Module;
use super::error::SyntaxError;
use crate::diagnostics::Diagnostics;
use crate::source::FileId;
use std::borrow::Cow;

/// Walks the text, calling `visit(offset, byte)` for every byte outside
/// strings and comments.
fn scan(text: &str, mut visit: impl FnMut(usize, u8) -> bool) {
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'"' => {
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' {
                    if bytes[i] == b'\\' {
                        i += 1;
                    }
                    i += 1;
                }
                i += 1;
            }
            b'/' if bytes.get(i + 1) == Some(&b'/') => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
            }
            b => {
                if !visit(i, b) {
                    return;
                }
                i += 1;
            }
        }
    }
}

/// The offset where bracket nesting, or a run of `not`/`-`, first passes
/// `limit`, if it does.
pub fn too_deep(text: &str, limit: usize) -> Option<usize> {
    let mut depth = 0usize;
    let mut run = 0usize;
    let mut found = None;
    let bytes = text.as_bytes();
    scan(text, |i, b| {
        match b {
            b'(' | b'[' | b'{' => depth += 1,
            b')' | b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
        // A run of prefix operators nests as deeply as brackets do.
        let word_not = b == b'n'
            && text.get(i..i + 3) == Some("not")
            && bytes
                .get(i + 3)
                .is_none_or(|c| !c.is_ascii_alphanumeric() && *c != b'_')
            && (i == 0 || !(bytes[i - 1].is_ascii_alphanumeric() || bytes[i - 1] == b'_'));
        if word_not || b == b'-' {
            run += 1;
        } else if !b.is_ascii_whitespace() && (!b"ot".contains(&b) || run == 0) {
            run = 0;
        }
        if depth > limit || run > limit {
            found = Some(i);
            return false;
        }
        true
    });
    found
}

/// Byte offsets where top-level declarations start: lines at bracket depth
/// zero whose first word is a declaration keyword, or the doc comment
/// directly above such a line.
fn decl_starts(text: &str) -> Vec<usize> {
    let mut starts = Vec::new();
    let mut depth = 0i64;
    let mut in_string = false;
    let mut pending_doc: Option<usize> = None;
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim_start();
        let first = offset + (line.len() - trimmed.len());
        // A declaration keyword in the first column starts a declaration even
        // when an earlier one left a bracket open: that is the usual mistake.
        let column_zero = line.len() == trimmed.len();
        if column_zero && !trimmed.starts_with("///") && starts_decl(trimmed) {
            in_string = false;
            depth = 0;
        }
        if !in_string && depth <= 0 {
            if trimmed.starts_with("///") {
                pending_doc.get_or_insert(first);
            } else if starts_decl(trimmed) {
                starts.push(pending_doc.take().unwrap_or(first));
            } else if !trimmed.trim().is_empty() {
                pending_doc = None;
            }
        }
        let bytes = line.as_bytes();
        let mut i = 0;
        while i < bytes.len() {
            let b = bytes[i];
            if in_string {
                match b {
                    b'\\' => i += 1,
                    b'"' => in_string = false,
                    _ => {}
                }
            } else {
                match b {
                    b'"' => in_string = true,
                    b'/' if bytes.get(i + 1) == Some(&b'/') => break,
                    b'(' | b'[' | b'{' => depth += 1,
                    b')' | b']' | b'}' => depth -= 1,
                    _ => {}
                }
            }
            i += 1;
        }
        offset += line.len();
    }
    starts
}

/// True when a line (without its indentation) starts with a declaration keyword.
fn starts_decl(line: &str) -> bool {
    super::lower::DECLARATION_WORDS.iter().any(|k| {
        line.starts_with(k)
            && line[k.len()..]
                .chars()
                .next()
                .is_none_or(|c| !(c.is_alphanumeric() || c == '_'))
    })
}

/// The byte ranges of the top-level declarations, as recovery splits the
/// file: from each declaration's start (its doc comment, if any) to the
/// next one's, skipping pieces that hold only blanks and comments.
pub fn pieces(text: &str) -> Vec<(usize, usize)> {
    let mut starts = decl_starts(text);
    if starts.first() != Some(&0) {
        starts.insert(0, 0);
    }
    let mut out = Vec::with_capacity(starts.len());
    for (n, &start) in starts.iter().enumerate() {
        let end = starts.get(n + 1).copied().unwrap_or(text.len());
        let only_comments = text[start..end].lines().all(|l| {
            let l = l.trim_start();
            l.is_empty() || (l.starts_with("//") && !l.starts_with("///"))
        });
        if !only_comments {
            out.push((start, end));
        }
    }
    out
}

/// Parses each top-level declaration on its own, reporting one error per
/// broken declaration and keeping the ones that parse.
pub fn parse_each(file: FileId, text: &str, diagnostics: &mut Diagnostics) -> Module {
    let mut module = Module::default();
    for (start, end) in pieces(text) {
        // Each piece is parsed on its own and its spans moved by `start`;
        // no text before it is copied or parsed again, so recovery stays
        // linear in the size of the file.
        if let Some(decl) = super::parse_lone(file, &text[start..end], start, diagnostics) {
            module.decls.push(decl);
        }
    }
    module
}

/// The text with a leading byte-order mark and every control character
/// outside strings and comments replaced by spaces of the same length (so
/// spans stay right); each control character is reported.
pub fn clean<'t>(file: FileId, text: &'t str, diagnostics: &mut Diagnostics) -> Cow<'t, str> {
    let mut blanks: Vec<(usize, usize)> = Vec::new();
    if text.starts_with('\u{feff}') {
        blanks.push((0, '\u{feff}'.len_utf8()));
    }
    let bytes = text.as_bytes();
    scan(text, |i, b| {
        let len = match b {
            b'\t' | b'\n' | b'\r' => 0,
            0..=0x1f | 0x7f => 1,
            // C1 controls (U+0080 to U+009F) are two bytes in UTF-8.
            0xc2 if bytes.get(i + 1).is_some_and(|n| (0x80..=0x9f).contains(n)) => 2,
            _ => 0,
        };
        if len > 0 {
            let escaped = text
                .get(i..i + len)
                .and_then(|c| c.chars().next())
                .map(|c| c.escape_unicode().to_string())
                .unwrap_or_default();
            diagnostics.push(
                file,
                SyntaxError::ControlCharacter {
                    escaped,
                    span: (i, len).into(),
                },
            );
            blanks.push((i, len));
        }
        true
    });
    if blanks.is_empty() {
        return Cow::Borrowed(text);
    }
    let mut owned = text.as_bytes().to_vec();
    for (at, len) in blanks {
        if let Some(range) = owned.get_mut(at..at + len) {
            range.fill(b' ');
        }
    }
    // Whole characters were replaced by ASCII spaces: still UTF-8.
    String::from_utf8(owned).map_or(Cow::Borrowed(text), Cow::Owned)
}

/// Keeps the first `max` errors and replaces the rest by one diagnostic
/// that counts them, at the first one left out.
pub fn cap_errors(file: FileId, diagnostics: &mut Diagnostics, max: usize) {
    let errors = diagnostics.error_count();
    if errors <= max {
        return;
    }
    let mut seen = 0;
    let mut first_dropped = None;
    diagnostics.reports.retain(|r| {
        if !r.is_error() {
            return true;
        }
        seen += 1;
        if seen <= max {
            return true;
        }
        if first_dropped.is_none() {
            first_dropped = r.inner.labels().and_then(|mut l| l.next());
        }
        false
    });
    let span = first_dropped.map_or((0, 0).into(), |l| *l.inner());
    diagnostics.push(
        file,
        SyntaxError::TooManyErrors {
            more: errors - max,
            span,
        },
    );
}

/// True when the text starts, after blanks and comments, with a declaration
/// keyword (or has nothing else): only then may diagnostics show excerpts
/// of an included file that has syntax errors.
pub fn looks_like_cairn(text: &str) -> bool {
    let mut rest = text.strip_prefix('\u{feff}').unwrap_or(text);
    // Comments and doc comments alike are skipped (a loop, not recursion:
    // the file may hold any number of them).
    loop {
        rest = rest.trim_start();
        if rest.starts_with("//") {
            rest = rest.find('\n').map_or("", |i| &rest[i..]);
        } else {
            break;
        }
    }
    rest.is_empty() || starts_decl(rest)
}
