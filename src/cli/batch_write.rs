//! Command line: `cairn batch`, the reading and writing ends of the
//! pipeline: an Arrow cohort's record batches sent to the workers, and the
//! workers' output written in input order, to standard output or to a file
//! that appears only once complete (text through a temporary file, as the
//! binary outputs in `batch_arrow`).

use super::batch::Totals;
use super::batch_arrow;
use super::batch_chunk::{Chunk, Done};
use super::output::{self, IO};
use indicatif::ProgressBar;
use std::collections::BTreeMap;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, SyncSender};

/// A text output file, written through a temporary file and renamed when
/// complete, as binary outputs are.
pub struct TextOut {
    pub file: std::io::BufWriter<std::fs::File>,
    temp: tempfile::NamedTempFile,
    pub path: PathBuf,
}

impl TextOut {
    pub fn create(path: &Path) -> std::io::Result<TextOut> {
        let dir = match path.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        let temp = tempfile::Builder::new()
            .prefix(".cairn-")
            .tempfile_in(dir)?;
        let file = std::io::BufWriter::new(temp.as_file().try_clone()?);
        Ok(TextOut {
            file,
            temp,
            path: path.to_path_buf(),
        })
    }

    pub fn finish(mut self) -> std::io::Result<()> {
        self.file.flush()?;
        batch_arrow::readable(self.temp.as_file());
        self.temp
            .persist(&self.path)
            .map(|_| ())
            .map_err(|e| e.error)
    }
}

/// Writes the header to the output file or standard output.
pub fn write_text(text: &str, output: Option<&Path>) -> Result<(), ()> {
    match output {
        // The header goes through the writer with the rows (see `write`).
        Some(_) => Ok(()),
        None => output::print(text).map_err(|_| ()),
    }
}

/// Sends the record batches of an Arrow cohort as chunks, waiting for a
/// token before each. Gives 2 on a read error.
pub fn read_batches(
    batches: &mut batch_arrow::Batches,
    work: &SyncSender<Chunk>,
    tokens: &Receiver<()>,
    name: &str,
) -> u8 {
    let mut row = 1;
    for (seq, batch) in batches.enumerate() {
        if tokens.recv().is_err() {
            return IO;
        }
        let batch = match batch {
            Ok(b) => b,
            Err(e) => {
                super::output::error(format_args!("cannot read `{name}`: {e}"));
                return IO;
            }
        };
        let rows = batch.num_rows();
        let chunk = Chunk {
            seq,
            text: Vec::new(),
            records: Vec::new(),
            batch: Some((batch, row)),
        };
        if work.send(chunk).is_err() {
            return IO;
        }
        row += rows;
    }
    0
}

/// Writes finished chunks in input order, giving a token back for each:
/// text to standard output or `text_out`, batches to `sink`.
pub fn write(
    done: Receiver<Done>,
    tokens: SyncSender<()>,
    recs: usize,
    bar: Option<ProgressBar>,
    mut sink: Option<&mut batch_arrow::Output>,
    mut text_out: Option<TextOut>,
) -> Totals {
    let mut totals = Totals {
        counts: vec![[0; 3]; recs],
        ..Totals::default()
    };
    let mut waiting: BTreeMap<usize, Done> = BTreeMap::new();
    let mut next = 0;
    for chunk in done {
        waiting.insert(chunk.seq, chunk);
        while let Some(chunk) = waiting.remove(&next) {
            next += 1;
            match &bar {
                Some(bar) if !chunk.err.is_empty() => bar.suspend(|| err!("{}", chunk.err)),
                _ => err!("{}", chunk.err),
            }
            if let Some(bar) = &bar {
                bar.inc(chunk.bytes as u64);
            }
            let written = match (&mut sink, &mut text_out, &chunk.batch) {
                (Some(sink), _, Some(batch)) => sink.write(batch).map_err(|e| {
                    super::output::error(format_args!("cannot write the output: {e}"));
                }),
                (Some(_), _, None) => Ok(()),
                (None, Some(t), _) => t.file.write_all(chunk.out.as_bytes()).map_err(|e| {
                    super::output::error(format_args!("cannot write `{}`: {e}", t.path.display()));
                }),
                (None, None, _) => output::print(&chunk.out).map_err(|_| ()),
            };
            if written.is_err() {
                totals.write_failed = true;
                return totals;
            }
            for (total, count) in totals.counts.iter_mut().zip(&chunk.counts) {
                for (t, c) in total.iter_mut().zip(count) {
                    *t += c;
                }
            }
            totals.good += chunk.good;
            totals.bad += chunk.bad;
            let _ = tokens.send(());
        }
    }
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    if let Some(t) = text_out {
        if let Err(e) = t.finish() {
            super::output::error(format_args!("cannot write the output: {e}"));
            totals.write_failed = true;
        }
    }
    totals
}
