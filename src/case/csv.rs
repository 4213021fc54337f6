//! Case stage: splitting one CSV record (RFC 4180) into cells with their
//! byte ranges, borrowing the text unless a cell has doubled quotes.
//!
//! A quoted cell may hold commas, doubled quotes and line breaks; the
//! reader of the cohort joins the physical lines of such a record first
//! ([`open_quote`] tells it to).

use super::row::Cell;
use std::borrow::Cow;

/// A record that is not valid CSV: what and where (byte offset).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SplitError {
    /// What went wrong, lowercase.
    pub message: String,
    /// Byte offset in the record.
    pub offset: usize,
}

/// True when `text` ends inside a quoted cell (an odd number of quotes),
/// so the record goes on on the next line.
pub fn open_quote(text: &[u8]) -> bool {
    text.iter().filter(|&&b| b == b'"').count() % 2 == 1
}

/// Splits `text` into its cells, appending to `cells` (cleared first).
/// A quoted cell's range covers its quotes.
pub fn split<'t>(text: &'t str, cells: &mut Vec<Cell<'t>>) -> Result<(), SplitError> {
    cells.clear();
    let bytes = text.as_bytes();
    let mut pos = 0;
    loop {
        let start = pos;
        if bytes.get(pos) == Some(&b'"') {
            // A quoted cell: up to the quote not followed by another.
            let mut owned: Option<String> = None;
            let mut from = pos + 1;
            let mut i = pos + 1;
            loop {
                match bytes.get(i) {
                    None => {
                        return Err(SplitError {
                            message: "a quoted cell is not closed".into(),
                            offset: start,
                        })
                    }
                    Some(b'"') if bytes.get(i + 1) == Some(&b'"') => {
                        let o = owned.get_or_insert_with(String::new);
                        o.push_str(text.get(from..=i).unwrap_or_default());
                        i += 2;
                        from = i;
                    }
                    Some(b'"') => break,
                    Some(_) => i += 1,
                }
            }
            let rest = text.get(from..i).unwrap_or_default();
            let cell_text = match owned {
                Some(mut o) => {
                    o.push_str(rest);
                    Cow::Owned(o)
                }
                None => Cow::Borrowed(rest),
            };
            pos = i + 1;
            cells.push(Cell {
                text: cell_text,
                start,
                end: pos,
            });
            match bytes.get(pos) {
                None => return Ok(()),
                Some(b',') => pos += 1,
                Some(_) => {
                    return Err(SplitError {
                        message: "text after the closing quote of a cell".into(),
                        offset: pos,
                    })
                }
            }
        } else {
            // One pass for the cell's end and a stray quote.
            let end = bytes
                .get(pos..)
                .and_then(|r| r.iter().position(|&b| b == b',' || b == b'"'))
                .map_or(bytes.len(), |i| pos + i);
            if bytes.get(end) == Some(&b'"') {
                return Err(SplitError {
                    message: "a quote inside an unquoted cell (quote the whole cell)".into(),
                    offset: end,
                });
            }
            let cell_text = text.get(pos..end).unwrap_or_default();
            cells.push(Cell {
                text: Cow::Borrowed(cell_text),
                start,
                end,
            });
            if end >= bytes.len() {
                return Ok(());
            }
            pos = end + 1;
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn cells(text: &str) -> Vec<(String, usize, usize)> {
        let mut out = Vec::new();
        split(text, &mut out).unwrap();
        out.into_iter()
            .map(|c| (c.text.into_owned(), c.start, c.end))
            .collect()
    }

    #[test]
    fn plain_quoted_and_empty_cells_keep_their_byte_ranges() {
        assert_eq!(
            cells(r#"a,,"b,""c""",d"#),
            [
                ("a".into(), 0, 1),
                ("".into(), 2, 2),
                (r#"b,"c""#.into(), 3, 12),
                ("d".into(), 13, 14)
            ]
        );
        assert_eq!(cells(""), [("".into(), 0, 0)]);
        assert_eq!(cells("x,"), [("x".into(), 0, 1), ("".into(), 2, 2)]);
        assert_eq!(cells("\"a\nb\""), [("a\nb".into(), 0, 5)]);
    }

    #[test]
    fn broken_quotes_are_located() {
        let mut out = Vec::new();
        assert_eq!(split("a,\"b", &mut out).unwrap_err().offset, 2);
        assert_eq!(split("a,\"b\"c", &mut out).unwrap_err().offset, 5);
        assert_eq!(split("a,b\"c", &mut out).unwrap_err().offset, 3);
        assert!(open_quote(b"a,\"b") && !open_quote(b"a,\"b\""));
    }
}
