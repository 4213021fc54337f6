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
    let bytes = text.as_bytes();
    let mut depth = 0usize;
    let mut run = 0usize;
    let mut i = 0;
    while i < bytes.len() {
        // Outside a run of prefix operators, only brackets, quotes, slashes
        // and the starts of `not` and `-` change anything: skip to the next.
        if run == 0 {
            i += bytes[i..].iter().position(|&b| DEPTH[usize::from(b)])?;
        }
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
                continue;
            }
            b'/' if bytes.get(i + 1) == Some(&b'/') => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
                continue;
            }
            b'(' | b'[' | b'{' => depth += 1,
            b')' | b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
        let b = bytes[i];
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
            return Some(i);
        }
        i += 1;
    }
    None
}

/// The bytes [`too_deep`] acts on outside a run of prefix operators.
const DEPTH: [bool; 256] = byte_set(b"\"/()[]{}n-");

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
            // Most bytes change nothing: skip to the next one that may.
            let special = if in_string { &IN_STRING } else { &OUTSIDE };
            match bytes[i..].iter().position(|&b| special[usize::from(b)]) {
                Some(skip) => i += skip,
                None => break,
            }
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

/// The bytes [`decl_starts`] acts on inside a string literal.
const IN_STRING: [bool; 256] = byte_set(b"\\\"");

/// The bytes [`decl_starts`] acts on outside strings.
const OUTSIDE: [bool; 256] = byte_set(b"\"/()[]{}");

const fn byte_set(bytes: &[u8]) -> [bool; 256] {
    let mut set = [false; 256];
    let mut i = 0;
    while i < bytes.len() {
        set[bytes[i] as usize] = true;
        i += 1;
    }
    set
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
        super::parse_lone(file, &text[start..end], start, diagnostics, &mut module);
    }
    module
}

/// The text with a leading byte-order mark and every control character
/// outside strings and comments replaced by spaces of the same length (so
/// spans stay right); each control character is reported.
pub fn clean<'t>(file: FileId, text: &'t str, diagnostics: &mut Diagnostics) -> Cow<'t, str> {
    // The common case, in one quick pass: no control character anywhere
    // (not even in strings or comments) and no byte-order mark.
    if !text.starts_with('\u{feff}') && !has_control(text.as_bytes()) {
        return Cow::Borrowed(text);
    }
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

/// True when `bytes` hold a control character other than a tab or a line
/// break, or the lead byte of a C1 control (or of any character from U+0080
/// to U+00BF): blocks are folded without branches, so the pass vectorises.
fn has_control(bytes: &[u8]) -> bool {
    let control = |b: u8| {
        ((b < 0x20) & (b != b'\t') & (b != b'\n') & (b != b'\r')) | (b == 0x7f) | (b == 0xc2)
    };
    bytes
        .chunks(256)
        .any(|block| block.iter().fold(false, |found, &b| found | control(b)))
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

#[cfg(test)]
mod tests {
    use super::{scan, too_deep};

    /// [`too_deep`] as it was first written, over [`scan`]: the reference
    /// the skipping version must agree with.
    fn too_deep_reference(text: &str, limit: usize) -> Option<usize> {
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

    #[test]
    fn too_deep_agrees_with_the_byte_by_byte_scan() {
        let alphabet: &[&str] = &[
            "(", ")", "[", "]", "{", "}", "\"", "\\", "/", "//", "\n", " ", "not ", "not", "-",
            "n", "o", "t", "x", "_", "a not b", "é",
        ];
        let mut state = 0x1234_5678_9abc_def1u64;
        for _ in 0..4000 {
            let mut text = String::new();
            for _ in 0..(state % 60) {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                text.push_str(alphabet[(state % alphabet.len() as u64) as usize]);
            }
            for limit in [0, 1, 2, 3] {
                assert_eq!(
                    too_deep(&text, limit),
                    too_deep_reference(&text, limit),
                    "{text:?} {limit}"
                );
            }
        }
    }
}
