//! Format stage: recovers `//` comments and `///` doc-comment positions from
//! the source text.
//!
//! The AST keeps doc comments but not plain comments, so the formatter scans
//! the text once, skipping string literals, and records every comment with
//! the facts the layout needs: where it starts, whether code precedes it on
//! its line (a trailing comment), and whether a blank line precedes it.

use crate::source::Span;

/// One `//` comment found in the source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Comment {
    /// Byte offset of the first `/`.
    pub start: usize,
    /// The comment text, slashes included, trailing whitespace removed.
    pub text: String,
    /// True when code precedes the comment on its line.
    pub trailing: bool,
    /// True when a blank line separates the comment from what precedes it.
    pub blank_before: bool,
}

/// The comments and doc-comment positions of one file.
#[derive(Debug, Default)]
pub struct Scan {
    /// `//` comments in source order.
    pub comments: Vec<Comment>,
    /// Byte offsets of every `///` doc comment, in source order.
    pub docs: Vec<usize>,
}

/// Scans `text` for comments. `opaque` lists spans (units) in which `//` is
/// part of a token rather than a comment, because the grammar lets a unit
/// contain `/`.
pub fn scan(text: &str, opaque: &[Span]) -> Scan {
    let bytes = text.as_bytes();
    let mut out = Scan::default();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'"' => i = skip_string(bytes, i),
            b'/' if bytes.get(i + 1) == Some(&b'/') && !inside(opaque, i) => {
                let end = line_end(bytes, i);
                if bytes.get(i + 2) == Some(&b'/') {
                    out.docs.push(i);
                } else {
                    out.comments.push(Comment {
                        start: i,
                        text: text.get(i..end).unwrap_or("").trim_end().to_string(),
                        trailing: code_before_on_line(bytes, i),
                        blank_before: blank_line_before(text, i),
                    });
                }
                i = end;
            }
            _ => i += 1,
        }
    }
    out
}

/// True when the source has a blank line between `pos` and the code or
/// comment before it.
pub fn blank_line_before(text: &str, pos: usize) -> bool {
    let before = text.get(..pos).unwrap_or("");
    let mut newlines = 0;
    for c in before.chars().rev() {
        match c {
            '\n' => newlines += 1,
            ' ' | '\t' | '\r' => {}
            _ => break,
        }
    }
    newlines >= 2
}

fn inside(spans: &[Span], pos: usize) -> bool {
    spans
        .iter()
        .any(|s| (s.start as usize) <= pos && pos < s.end as usize)
}

/// The offset just past the closing quote of the string opening at `start`
/// (or the end of the text for an unterminated string).
fn skip_string(bytes: &[u8], start: usize) -> usize {
    let mut i = start + 1;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 2,
            b'"' => return i + 1,
            _ => i += 1,
        }
    }
    bytes.len()
}

fn line_end(bytes: &[u8], from: usize) -> usize {
    bytes
        .iter()
        .skip(from)
        .position(|b| *b == b'\n')
        .map_or(bytes.len(), |p| from + p)
}

fn code_before_on_line(bytes: &[u8], pos: usize) -> bool {
    bytes
        .iter()
        .take(pos)
        .rev()
        .take_while(|b| **b != b'\n')
        .any(|b| !b.is_ascii_whitespace())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn skips_strings_and_separates_docs() {
        let text = "/// doc\nfact a \"x // not a comment\": bool // tail\n\n// own\n";
        let s = scan(text, &[]);
        assert_eq!(s.docs, vec![0]);
        assert_eq!(s.comments.len(), 2);
        assert_eq!(s.comments[0].text, "// tail");
        assert!(s.comments[0].trailing);
        assert!(!s.comments[1].trailing);
        assert!(s.comments[1].blank_before);
    }
}
