//! Command line: `cairn batch`, the reader's side: the cohort cut into
//! chunks of records (JSON lines, or CSV records, which may span lines
//! inside quotes; or record batches) that workers run in parallel, and
//! what a worker gives back for a chunk.

use super::cohort::{self, Line, MAX_LINE};
use cairn::case::row::Columns;
use cairn::eval::constraints::Constraints;
use std::io::BufRead;

/// Records per chunk: large enough that handing chunks between threads
/// costs little, small enough that memory stays a few megabytes.
pub const CHUNK_RECORDS: usize = 2048;

/// How records are read.
pub enum Input {
    /// One case object per line; the guideline's constraints compiled once.
    Jsonl(Box<Constraints>),
    /// One CSV row per record, columns as in the header.
    Csv(Box<Columns>),
    /// Record batches (Parquet, Arrow IPC), each decoded by a worker's
    /// evaluator.
    Arrow,
}

/// One record of a chunk.
pub enum Record {
    /// A record's text, `start..end` in the chunk's text, from line `line`.
    Text {
        line: usize,
        start: usize,
        end: usize,
    },
    /// A line longer than the limit, skipped.
    TooLong { line: usize },
}

/// A chunk of records, numbered in input order.
pub struct Chunk {
    pub seq: usize,
    pub text: Vec<u8>,
    pub records: Vec<Record>,
    /// For an Arrow cohort: the batch, and the number of its first row.
    pub batch: Option<(arrow_array::RecordBatch, usize)>,
}

/// The output of a chunk.
pub struct Done {
    pub seq: usize,
    /// Output rows.
    pub out: String,
    /// Output rows for a binary output.
    pub batch: Option<arrow_array::RecordBatch>,
    /// Error lines for standard error.
    pub err: String,
    /// Per recommendation: applies, not applicable, undetermined.
    pub counts: Vec<[usize; 3]>,
    pub good: usize,
    pub bad: usize,
    /// Bytes of cohort the chunk held, for the progress bar.
    pub bytes: usize,
}

/// Reads records one chunk at a time.
pub struct Reader {
    reader: Box<dyn BufRead>,
    csv: bool,
    /// The number of the next physical line.
    line: usize,
    buf: Vec<u8>,
    seq: usize,
    /// The text size of the last chunk, reserved for the next.
    text_size: usize,
}

impl Reader {
    /// A reader of `reader`; `csv` joins the lines of a quoted cell.
    pub fn new(reader: Box<dyn BufRead>, csv: bool) -> Reader {
        Reader {
            reader,
            csv,
            line: 1,
            buf: Vec::new(),
            seq: 0,
            text_size: 0,
        }
    }

    /// The next record into `out` (replacing it): `None` at the end, else
    /// the record's first line number and whether it fitted the limit.
    pub fn record(&mut self, out: &mut Vec<u8>) -> std::io::Result<Option<(usize, bool)>> {
        out.clear();
        let first = self.line;
        let mut first_part = true;
        loop {
            let got = cohort::next_line(&mut *self.reader, &mut self.buf, MAX_LINE)?;
            match got {
                Line::End if first_part => return Ok(None),
                Line::End => return Ok(Some((first, true))),
                Line::TooLong => {
                    self.line += 1;
                    return Ok(Some((first, false)));
                }
                Line::Text => {
                    self.line += 1;
                    if !first_part {
                        out.push(b'\n');
                    }
                    out.extend_from_slice(&self.buf);
                    first_part = false;
                    if !self.csv || !cairn::case::csv::open_quote(out) {
                        return Ok(Some((first, true)));
                    }
                    if out.len() > MAX_LINE {
                        return Ok(Some((first, false)));
                    }
                }
            }
        }
    }

    /// The next chunk, or `None` at the end of the cohort.
    pub fn chunk(&mut self) -> std::io::Result<Option<Chunk>> {
        let mut chunk = Chunk {
            seq: self.seq,
            text: Vec::new(),
            records: Vec::with_capacity(CHUNK_RECORDS),
            batch: None,
        };
        let mut record = Vec::new();
        chunk.text.reserve(self.text_size);
        while chunk.records.len() < CHUNK_RECORDS {
            match self.quick(&mut chunk) {
                Some(true) => continue,
                // A few very long lines must not make a huge chunk.
                Some(false) => break,
                None => {}
            }
            match self.record(&mut record)? {
                None => break,
                Some((line, true)) => {
                    let start = chunk.text.len();
                    chunk.text.extend_from_slice(&record);
                    chunk.records.push(Record::Text {
                        line,
                        start,
                        end: chunk.text.len(),
                    });
                    // A few very long lines must not make a huge chunk.
                    if chunk.text.len() > MAX_LINE {
                        break;
                    }
                }
                Some((line, false)) => chunk.records.push(Record::TooLong { line }),
            }
        }
        if chunk.records.is_empty() {
            return Ok(None);
        }
        self.seq += 1;
        self.text_size = chunk.text.len();
        Ok(Some(chunk))
    }

    /// Takes the next record straight from the reader's buffer into
    /// `chunk` when it is a whole line there (and, for CSV, has no quote,
    /// so it ends at its line break), as [`Reader::record`] would read it;
    /// `None` when that general path must read it (the line goes on past
    /// the buffer, a quote, the end of the cohort, an error to report),
    /// else whether the chunk may take more.
    fn quick(&mut self, chunk: &mut Chunk) -> Option<bool> {
        let buf = self.reader.fill_buf().ok()?;
        let end = memchr::memchr(b'\n', buf)?;
        let line = buf.get(..end).unwrap_or_default();
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        if line.len() > MAX_LINE || (self.csv && memchr::memchr(b'"', line).is_some()) {
            return None;
        }
        let start = chunk.text.len();
        chunk.text.extend_from_slice(line);
        chunk.records.push(Record::Text {
            line: self.line,
            start,
            end: chunk.text.len(),
        });
        self.line += 1;
        self.reader.consume(end + 1);
        Some(chunk.text.len() <= MAX_LINE)
    }
}
