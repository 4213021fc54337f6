//! Command line: `cairn batch`, a guideline run over a cohort in bulk.
//!
//! The cohort is JSON lines (one case object per line) or CSV (a header of
//! fact names, one case per row; see `case::row` for the cells), chosen by
//! the file's extension or `--input-format`. It is streamed: the reader (this
//! thread) cuts it into chunks of records, `--threads` workers load and
//! evaluate chunks in parallel, and a writer puts their rows out in input
//! order. At most a few chunks per worker are in flight, so memory stays
//! bounded whatever the cohort's size. A record that is not UTF-8, not a
//! valid case or longer than `MAX_LINE` becomes an error row (its line
//! number, and for CSV the column and byte offset of the problem; in CSV
//! output every status cell reads `error`), and every other record still
//! runs. Results go to standard output (JSON lines or CSV); errors, one
//! line each, and a summary of statuses per recommendation go to standard
//! error. Exit 0 when every record ran, 1 when some record was bad, 2 when
//! the cohort could not be read to its end or the output not be written.
//!
//! On a terminal a progress bar (indicatif) follows the bytes read; it is
//! quiet otherwise.
//!
//! CSV cells that a spreadsheet would read as a formula (starting with `=`,
//! `+`, `-`, `@`, a tab or a carriage return) are prefixed with `'`.

use super::batch_chunk::{Chunk, Done, Input, Reader};
use super::batch_rows::{csv, Worker};
use super::cohort;
use super::output::{self, ERRORS, IO};
use super::{BatchFormat, InputFormat};
use cairn::case::row::Columns;
use cairn::check::Checked;
use cairn::eval::Program;
use indicatif::{ProgressBar, ProgressStyle};
use std::collections::BTreeMap;
use std::io::IsTerminal;
use std::path::Path;
use std::sync::mpsc::{channel, sync_channel, Receiver, SyncSender};
use std::sync::Mutex;
use std::time::Instant;

/// Chunks in flight per worker (read, queued, running or waiting to be
/// written): this bounds memory.
const IN_FLIGHT_PER_WORKER: usize = 3;

/// What the writer counted.
#[derive(Default)]
struct Totals {
    counts: Vec<[usize; 3]>,
    good: usize,
    bad: usize,
    write_failed: bool,
}

/// Runs the batch; returns 1 when some record was bad, 2 on I/O errors.
pub fn run(
    guideline: &Path,
    cohort_path: &Path,
    format: BatchFormat,
    input_format: Option<InputFormat>,
    threads: Option<usize>,
) -> u8 {
    let started = Instant::now();
    let checked = match output::guideline(guideline) {
        Ok(c) => c,
        Err(code) => return code,
    };
    let is_csv = match input_format {
        Some(f) => f == InputFormat::Csv,
        None => cohort_path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("csv")),
    };
    let cohort_name = output::case_name(cohort_path);
    let mut reader = match cohort::open(cohort_path) {
        Ok(r) => Reader::new(r, is_csv),
        Err(e) => {
            errln!("error: cannot read `{}`: {e}", cohort_path.display());
            return IO;
        }
    };
    let input = if is_csv {
        match header(&checked, &mut reader, &cohort_name) {
            Ok(columns) => Input::Csv(Box::new(columns)),
            Err(code) => return code,
        }
    } else {
        Input::Jsonl(Box::new(cairn::eval::constraints::Constraints::new(
            &checked.model,
        )))
    };
    let threads = threads
        .or_else(|| std::thread::available_parallelism().ok().map(usize::from))
        .unwrap_or(1)
        .max(1);
    let program = Program::new(&checked);
    let recs = checked.model.recs.len();
    if format == BatchFormat::Csv {
        let header: Vec<String> = ["line", "name"]
            .into_iter()
            .chain(checked.model.recs.iter().map(|r| r.id.as_str()))
            .map(csv)
            .collect();
        if output::print(&format!("{}\n", header.join(","))).is_err() {
            return IO;
        }
    }

    let in_flight = threads * IN_FLIGHT_PER_WORKER;
    let (work_tx, work_rx) = sync_channel::<Chunk>(in_flight);
    let work_rx = Mutex::new(work_rx);
    let (done_tx, done_rx) = channel::<Done>();
    let (token_tx, token_rx) = sync_channel::<()>(in_flight);
    for _ in 0..in_flight {
        let _ = token_tx.send(());
    }
    let mut code = 0;
    let totals = std::thread::scope(|scope| {
        for _ in 0..threads {
            let done_tx = done_tx.clone();
            let (work_rx, checked, program, input) = (&work_rx, &checked, &program, &input);
            let cohort_name = cohort_name.as_str();
            scope.spawn(move || {
                let mut worker = Worker {
                    checked,
                    program,
                    scratch: program.scratch(),
                    format,
                    input,
                    cohort_name,
                };
                loop {
                    let next = match work_rx.lock() {
                        Ok(rx) => rx.recv(),
                        Err(_) => return,
                    };
                    let Ok(chunk) = next else { return };
                    if done_tx.send(worker.chunk(chunk)).is_err() {
                        return;
                    }
                }
            });
        }
        drop(done_tx);
        let bar = progress(cohort_path);
        let writer = scope.spawn(move || write(done_rx, token_tx, recs, bar));
        code = read(&mut reader, &work_tx, &token_rx, &cohort_name);
        drop(work_tx);
        writer.join().unwrap_or_default()
    });
    let ids: Vec<&str> = checked.model.recs.iter().map(|r| r.id.as_str()).collect();
    err!("{}", summary(&ids, &totals.counts, totals.good, totals.bad));
    let seconds = started.elapsed().as_secs_f64();
    let rows = totals.good + totals.bad;
    errln!(
        "{rows} rows in {seconds:.3} s ({:.0} rows/s, {threads} thread{})",
        rows as f64 / seconds.max(1e-9),
        if threads == 1 { "" } else { "s" }
    );
    if totals.write_failed {
        return IO;
    }
    if code == 0 && totals.bad > 0 {
        code = ERRORS;
    }
    code
}

/// Reads the CSV header and resolves its columns; on error prints the
/// diagnostics and gives the exit code.
fn header(checked: &Checked, reader: &mut Reader, cohort_name: &str) -> Result<Columns, u8> {
    let mut bytes = Vec::new();
    let text = match reader.record(&mut bytes) {
        Ok(Some((_, true))) => String::from_utf8_lossy(&bytes).into_owned(),
        Ok(None) => String::new(),
        Ok(Some((_, false))) => {
            errln!("error: the header of `{cohort_name}` is longer than the limit");
            return Err(ERRORS);
        }
        Err(e) => {
            errln!("error: cannot read `{cohort_name}`: {e}");
            return Err(IO);
        }
    };
    let mut cells = Vec::new();
    if let Err(e) = cairn::case::csv::split(&text, &mut cells) {
        errln!(
            "{cohort_name}:1: error[cairn::batch::csv]: {} (byte {})",
            e.message,
            e.offset
        );
        return Err(ERRORS);
    }
    Columns::new(&checked.model, cohort_name, &text, &cells).map_err(|f| output::failed(&f))
}

/// Reads the cohort chunk by chunk, waiting for a token before each so at
/// most the tokens' number of chunks is in flight. Gives 2 on a read error.
fn read(reader: &mut Reader, work: &SyncSender<Chunk>, tokens: &Receiver<()>, name: &str) -> u8 {
    loop {
        if tokens.recv().is_err() {
            // The writer stopped: output cannot be written.
            return IO;
        }
        match reader.chunk() {
            Ok(Some(chunk)) => {
                if work.send(chunk).is_err() {
                    return IO;
                }
            }
            Ok(None) => return 0,
            Err(e) => {
                errln!("error: cannot read `{name}`: {e}");
                return IO;
            }
        }
    }
}

/// A progress bar over the cohort's bytes, only when standard error is a
/// terminal and the cohort a file of known size.
fn progress(cohort: &Path) -> Option<ProgressBar> {
    if !std::io::stderr().is_terminal() || cohort == Path::new("-") {
        return None;
    }
    let size = std::fs::metadata(cohort).ok()?.len();
    let bar = ProgressBar::new(size);
    let style =
        ProgressStyle::with_template("{bar:40} {percent}% {binary_bytes_per_sec} eta {eta}");
    if let Ok(style) = style {
        bar.set_style(style);
    }
    Some(bar)
}

/// Writes finished chunks in input order, giving a token back for each.
fn write(
    done: Receiver<Done>,
    tokens: SyncSender<()>,
    recs: usize,
    bar: Option<ProgressBar>,
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
            if output::print(&chunk.out).is_err() {
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
    totals
}

/// A table of statuses per recommendation.
fn summary(recs: &[&str], counts: &[[usize; 3]], good: usize, bad: usize) -> String {
    let width = recs
        .iter()
        .map(|r| r.len())
        .max()
        .unwrap_or(0)
        .max("recommendation".len());
    let mut out = format!(
        "{good} cases evaluated, {bad} bad line{}\n{:width$}  {:>7}  {:>14}  {:>12}\n",
        if bad == 1 { "" } else { "s" },
        "recommendation",
        "applies",
        "not_applicable",
        "undetermined",
    );
    for (rec, [a, n, u]) in recs.iter().zip(counts) {
        out.push_str(&format!("{rec:width$}  {a:>7}  {n:>14}  {u:>12}\n"));
    }
    out
}
