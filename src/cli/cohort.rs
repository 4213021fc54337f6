//! Command line: reading a `cairn batch` cohort line by line as bytes, with
//! a bound on the length of a line, so memory stays bounded whatever the
//! cohort holds (a line with no break, a binary file).

use std::io::BufRead;
use std::path::Path;

/// The longest cohort line read (16 MiB); a longer one is an error row and
/// is skipped without being held in memory.
pub const MAX_LINE: usize = 16 * 1024 * 1024;

/// What reading one line gave.
#[derive(Debug, PartialEq, Eq)]
pub enum Line {
    /// The end of the cohort.
    End,
    /// A line, without its line break (`\n` or `\r\n`), in the buffer.
    Text,
    /// A line longer than the limit, skipped.
    TooLong,
}

/// Opens the cohort: a file, or standard input for `-`.
pub fn open(path: &Path) -> std::io::Result<Box<dyn BufRead>> {
    if path == Path::new("-") {
        Ok(Box::new(std::io::stdin().lock()))
    } else {
        let file = std::fs::File::open(path)?;
        Ok(Box::new(std::io::BufReader::with_capacity(64 * 1024, file)))
    }
}

/// Reads the next line into `buf` (without its line break), holding at most
/// `limit` bytes of it.
pub fn next_line(
    reader: &mut dyn BufRead,
    buf: &mut Vec<u8>,
    limit: usize,
) -> std::io::Result<Line> {
    buf.clear();
    let read = std::io::Read::take(&mut *reader, limit as u64 + 1).read_until(b'\n', buf)?;
    if read == 0 {
        return Ok(Line::End);
    }
    if buf.last() == Some(&b'\n') {
        buf.pop();
    } else if buf.len() > limit {
        buf.clear();
        skip_line(reader)?;
        return Ok(Line::TooLong);
    }
    if buf.last() == Some(&b'\r') {
        buf.pop();
    }
    Ok(Line::Text)
}

/// Skips the rest of a line without keeping it.
fn skip_line(reader: &mut dyn BufRead) -> std::io::Result<()> {
    loop {
        let chunk = match reader.fill_buf() {
            Ok(c) => c,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if chunk.is_empty() {
            return Ok(());
        }
        match chunk.iter().position(|&b| b == b'\n') {
            Some(i) => {
                reader.consume(i + 1);
                return Ok(());
            }
            None => {
                let n = chunk.len();
                reader.consume(n);
            }
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn lines(text: &[u8], limit: usize) -> Vec<(Line, Vec<u8>)> {
        // A tiny buffer, so long lines span many refills.
        let mut reader = std::io::BufReader::with_capacity(2, text);
        let mut out = Vec::new();
        let mut buf = Vec::new();
        loop {
            let line = next_line(&mut reader, &mut buf, limit).unwrap();
            if line == Line::End {
                return out;
            }
            out.push((line, buf.clone()));
        }
    }

    #[test]
    fn a_line_at_the_limit_is_read_one_past_it_is_skipped_whole() {
        let got = lines(b"abcd\nabcde\r\nxyz\r\nlast", 4);
        assert_eq!(
            got,
            [
                (Line::Text, b"abcd".to_vec()),
                (Line::TooLong, vec![]),
                (Line::Text, b"xyz".to_vec()),
                (Line::Text, b"last".to_vec()),
            ]
        );
        assert_eq!(lines(b"abcdefgh", 4), [(Line::TooLong, vec![])]);
        assert_eq!(
            lines(b"\n\xff\n", 4),
            [(Line::Text, vec![]), (Line::Text, vec![0xff])]
        );
    }
}
