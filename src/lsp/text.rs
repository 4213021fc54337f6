//! Language server: positions and text edits.
//!
//! The protocol counts columns in UTF-16 code units, while the parser's spans
//! are byte offsets into UTF-8 text. Every conversion between the two goes
//! through [`LineIndex`], so a `≥` (one UTF-16 unit, three bytes) or a
//! character outside the Basic Multilingual Plane (two units, four bytes)
//! never shifts a diagnostic or a jump target.

use lsp_types::{Position, Range, TextDocumentContentChangeEvent};

/// Line starts of a text, for converting between byte offsets and positions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineIndex {
    line_starts: Vec<usize>,
    len: usize,
}

impl LineIndex {
    /// Indexes `text`.
    pub fn new(text: &str) -> LineIndex {
        let mut line_starts = vec![0];
        line_starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        LineIndex {
            line_starts,
            len: text.len(),
        }
    }

    /// The protocol position of a byte offset (clamped to the text; an
    /// offset inside a character counts as that character's start).
    pub fn position(&self, text: &str, offset: usize) -> Position {
        let offset = offset.min(self.len);
        let line = match self.line_starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i.saturating_sub(1),
        };
        let start = self.line_starts.get(line).copied().unwrap_or(0);
        let mut character = 0u32;
        for (i, c) in text.get(start..).unwrap_or("").char_indices() {
            if start + i + c.len_utf8() > offset {
                break;
            }
            character += c.len_utf16() as u32;
        }
        Position::new(line as u32, character)
    }

    /// The byte offset of a protocol position. A column past the end of its
    /// line clamps to the line's end, and a line past the end of the text
    /// clamps to the end of the text, as the protocol asks.
    pub fn offset(&self, text: &str, position: Position) -> usize {
        let Some(&start) = self.line_starts.get(position.line as usize) else {
            return self.len;
        };
        let end = self
            .line_starts
            .get(position.line as usize + 1)
            .map(|next| next - 1)
            .unwrap_or(self.len);
        let line = text.get(start..end).unwrap_or("");
        let mut units = 0u32;
        for (i, c) in line.char_indices() {
            if units >= position.character {
                return start + i;
            }
            units += c.len_utf16() as u32;
        }
        // A `\r` before the `\n` still belongs to the line; stopping after it
        // is harmless because edits there are rare and stay in bounds.
        end
    }

    /// The protocol range of a byte range.
    pub fn range(&self, text: &str, start: usize, end: usize) -> Range {
        Range::new(self.position(text, start), self.position(text, end))
    }
}

/// The longest suffix of `text` whose characters all satisfy `keep`. The
/// cut is made at a character boundary however wide the characters are,
/// so the result is always safe to slice with: the one way the language
/// server takes words off the end of a line.
pub fn trailing(text: &str, keep: impl Fn(char) -> bool) -> &str {
    let start = text
        .char_indices()
        .rev()
        .take_while(|(_, c)| keep(*c))
        .last()
        .map(|(i, _)| i)
        .unwrap_or(text.len());
    &text[start..]
}

/// Applies one change from `textDocument/didChange` to `text`, whose line
/// index `lines` is kept up to date with it. A change without a range
/// replaces the whole text.
pub fn apply_change(
    text: &mut String,
    lines: &mut LineIndex,
    change: &TextDocumentContentChangeEvent,
) {
    match change.range {
        None => {
            *text = change.text.clone();
            *lines = LineIndex::new(text);
        }
        Some(range) => {
            let start = lines.offset(text, range.start);
            let end = lines.offset(text, range.end).max(start);
            text.replace_range(start..end, &change.text);
            lines.replaced(start, end, &change.text);
        }
    }
}

impl LineIndex {
    /// Updates the index after the bytes `start..end` were replaced by
    /// `inserted`: the line starts inside the old range go, those after it
    /// move, and those of the new text come in. No scan of the whole text,
    /// so an edit to a large document stays cheap.
    fn replaced(&mut self, start: usize, end: usize, inserted: &str) {
        // Line starts are one past a newline, so those in `start+1..=end`
        // came from newlines that were replaced.
        let first = self.line_starts.partition_point(|&s| s <= start);
        let last = self.line_starts.partition_point(|&s| s <= end);
        let new_starts = inserted.match_indices('\n').map(|(i, _)| start + i + 1);
        let moved: Vec<usize> = self.line_starts[last..]
            .iter()
            .map(|&s| s - end + start + inserted.len())
            .collect();
        self.line_starts.truncate(first);
        self.line_starts.extend(new_starts);
        self.line_starts.extend(moved);
        self.len = self.len - (end - start) + inserted.len();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf16_columns_round_trip() {
        let text = "a ≥ b\n𝄞x naïve\n";
        let index = LineIndex::new(text);
        let x = text.find('x').unwrap_or(0);
        assert_eq!(index.position(text, x), Position::new(1, 2));
        assert_eq!(index.offset(text, Position::new(1, 2)), x);
        let b = text.find('b').unwrap_or(0);
        assert_eq!(index.position(text, b), Position::new(0, 4));
        assert_eq!(index.offset(text, Position::new(0, 99)), "a ≥ b".len());
        assert_eq!(index.offset(text, Position::new(9, 0)), text.len());
    }

    #[test]
    fn trailing_cuts_at_character_boundaries() {
        assert_eq!(trailing("für", |c| c.is_ascii_alphanumeric()), "r");
        assert_eq!(trailing("x 𝄞é", |c| !c.is_whitespace()), "𝄞é");
        assert_eq!(trailing("ab", |c| c.is_ascii_alphanumeric()), "ab");
        assert_eq!(trailing("a ", |c| c.is_ascii_alphanumeric()), "");
    }

    #[test]
    fn incremental_change_replaces_range() {
        let mut text = String::from("fact naïve \"x\": bool\n");
        let change = TextDocumentContentChangeEvent {
            range: Some(Range::new(Position::new(0, 5), Position::new(0, 10))),
            range_length: None,
            text: "naive_patient".into(),
        };
        let mut lines = LineIndex::new(&text);
        apply_change(&mut text, &mut lines, &change);
        assert_eq!(text, "fact naive_patient \"x\": bool\n");
    }

    /// The index kept up to date edit by edit is the index of the new text,
    /// whatever the edit does to newlines.
    #[test]
    fn edited_index_equals_a_fresh_one() {
        let base = "ab\ncd\n\nef\r\ngh";
        let edits = [
            (0, 0, ""),
            (0, 0, "x\n"),
            (1, 4, ""),
            (2, 3, "\n\n"),
            (3, 9, "q"),
            (base.len(), base.len(), "\nz"),
            (0, base.len(), "one line"),
            (5, 5, "\r\n"),
        ];
        for (start, end, inserted) in edits {
            let mut text = base.to_string();
            let mut lines = LineIndex::new(&text);
            text.replace_range(start..end, inserted);
            lines.replaced(start, end, inserted);
            assert_eq!(lines, LineIndex::new(&text), "{start}..{end} {inserted:?}");
        }
    }
}
