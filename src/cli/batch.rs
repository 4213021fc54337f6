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

use super::batch_arrow::{self, Layout};
use super::batch_chunk::{Chunk, Done, Input, Reader};
use super::batch_rows::{csv, Worker};
use super::batch_write::{read_batches, write, write_text, TextOut};
use super::cohort;
use super::output::{self, ERRORS, IO};
use super::{BatchFormat, InputFormat};
use cairn::case::row::Columns;
use cairn::check::Checked;
use cairn::cohort::arrow::{Evaluator, Options};
use cairn::eval::Program;
use indicatif::{ProgressBar, ProgressStyle};
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{channel, sync_channel, Receiver, SyncSender};
use std::sync::Mutex;
use std::time::Instant;

/// Chunks in flight per worker (read, queued, running or waiting to be
/// written): this bounds memory.
const IN_FLIGHT_PER_WORKER: usize = 3;

/// What the writer counted.
#[derive(Default)]
pub struct Totals {
    pub counts: Vec<[usize; 3]>,
    pub good: usize,
    pub bad: usize,
    pub write_failed: bool,
}

/// What `cairn batch` was asked for.
pub struct Settings {
    pub format: BatchFormat,
    pub input_format: Option<InputFormat>,
    pub threads: Option<usize>,
    /// The output file; standard output when `None`.
    pub output: Option<PathBuf>,
    pub options: Options,
    /// JSON lines to read instead of opening the cohort path (`--ndjson`:
    /// one extracted case per patient of a Bulk Data export).
    pub source: Option<Box<dyn std::io::BufRead>>,
}

/// Where the cohort is read from.
enum Source {
    Text(Reader),
    Arrow(batch_arrow::Batches),
}

/// `--format parquet` or `arrow` (of `batch` or `cohort`) without `-o FILE`.
pub const BINARY_STDOUT: &str = "cairn::batch::binary_stdout";
/// JSON lines asked for from a Parquet or Arrow cohort.
pub const ARROW_JSONL: &str = "cairn::batch::arrow_jsonl";

/// Runs the batch; returns 1 when some record was bad, 2 on I/O errors.
pub fn run(guideline: &Path, cohort_path: &Path, settings: Settings) -> u8 {
    let started = Instant::now();
    let Settings {
        format,
        input_format,
        threads,
        output,
        options,
        mut source,
    } = settings;
    let checked = match output::guideline(guideline) {
        Ok(c) => c,
        Err(code) => return code,
    };
    let cohort_name = output::case_name(cohort_path);
    let layout = match input_format {
        Some(InputFormat::Parquet) => Some(Layout::Parquet),
        Some(InputFormat::Arrow) => Some(match Layout::of(cohort_path) {
            Some(Layout::IpcFile) => Layout::IpcFile,
            _ if cohort_path == Path::new("-") => Layout::IpcStream,
            Some(l) => l,
            None => Layout::IpcFile,
        }),
        Some(_) => None,
        None => Layout::of(cohort_path),
    };
    let binary = match (format, &output) {
        (BatchFormat::Parquet, Some(o)) => Some((Layout::Parquet, o.clone())),
        (BatchFormat::Arrow, Some(o)) => Some((
            match Layout::of(o) {
                Some(Layout::IpcStream) => Layout::IpcStream,
                _ => Layout::IpcFile,
            },
            o.clone(),
        )),
        (BatchFormat::Parquet | BatchFormat::Arrow, None) => {
            super::output::error_coded(
                BINARY_STDOUT,
                format!(
                    "`--format {}` writes a binary file: give it with `-o FILE`",
                    if format == BatchFormat::Parquet {
                        "parquet"
                    } else {
                        "arrow"
                    }
                ),
            );
            return IO;
        }
        _ => None,
    };
    if layout.is_some() && format == BatchFormat::Jsonl {
        super::output::error_coded(ARROW_JSONL, "JSON lines output is not written from a Parquet or Arrow cohort: use `--format csv`, `parquet` or `arrow`");
        return IO;
    }
    let is_csv = match input_format {
        Some(f) => f == InputFormat::Csv,
        None => cohort_path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("csv")),
    };
    let (mut source, input, arrow_schema) = match layout {
        Some(layout) => match batch_arrow::open(cohort_path, layout) {
            Ok((schema, batches)) => {
                // The columns are checked once, before any row is read.
                let program = Program::new(&checked);
                if let Err(e) = Evaluator::new(&program, &schema, options) {
                    let code = miette::Diagnostic::code(&e)
                        .map(|c| c.to_string())
                        .unwrap_or_default();
                    errln!("{cohort_name}: error[{code}]: {e}");
                    if let Some(help) = miette::Diagnostic::help(&e) {
                        errln!("  help: {help}");
                    }
                    return ERRORS;
                }
                (Source::Arrow(batches), Input::Arrow, Some(schema))
            }
            Err(e) => {
                super::output::error(format_args!("cannot read `{}`: {e}", cohort_path.display()));
                return IO;
            }
        },
        None => {
            let opened = match source.take() {
                Some(lines) => Ok(lines),
                None => cohort::open(cohort_path),
            };
            let mut reader = match opened {
                Ok(r) => Reader::new(r, is_csv),
                Err(e) => {
                    super::output::error(format_args!(
                        "cannot read `{}`: {e}",
                        cohort_path.display()
                    ));
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
            (Source::Text(reader), input, None)
        }
    };
    let threads = threads
        .or_else(|| std::thread::available_parallelism().ok().map(usize::from))
        .unwrap_or(1)
        .max(1);
    let program = Program::new(&checked);
    let recs = checked.model.recs.len();
    let number = if arrow_schema.is_some() {
        "row"
    } else {
        "line"
    };
    // The output's schema, from an evaluator of the input.
    let make_evaluator = || match &arrow_schema {
        Some(schema) => Evaluator::new(&program, schema, options).ok(),
        None => Some(Evaluator::for_cases(&program, options, true)),
    };
    let mut sink = match &binary {
        Some((layout, path)) => {
            let Some(evaluator) = make_evaluator() else {
                return ERRORS;
            };
            let schema = batch_arrow::numbered(&evaluator.schema(), number);
            match batch_arrow::Output::create(path, *layout, &schema) {
                Ok(out) => Some((out, schema)),
                Err(e) => {
                    super::output::error(format_args!("cannot write `{}`: {e}", path.display()));
                    return IO;
                }
            }
        }
        None => None,
    };
    let out_schema = sink.as_ref().map(|(_, s)| s.clone());
    if format == BatchFormat::Csv {
        let model = &checked.model;
        let mut header: Vec<String> = [number, "name"]
            .into_iter()
            .chain(model.recs.iter().map(|r| r.id.as_str()))
            .map(csv)
            .collect();
        if options.derived {
            header.extend(
                model
                    .defs
                    .iter()
                    .map(|d| csv(&format!("derived.{}", d.name))),
            );
        }
        if options.missing {
            header.extend(model.recs.iter().map(|r| csv(&format!("missing.{}", r.id))));
        }
        let text = format!("{}\n", header.join(","));
        if write_text(&text, output.as_deref()).is_err() {
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
    let text_out = match (&binary, &output) {
        (None, Some(path)) => match TextOut::create(path) {
            Ok(t) => Some(t),
            Err(e) => {
                super::output::error(format_args!("cannot write `{}`: {e}", path.display()));
                return IO;
            }
        },
        _ => None,
    };
    let totals = std::thread::scope(|scope| {
        for _ in 0..threads {
            let done_tx = done_tx.clone();
            let (work_rx, checked, program, input) = (&work_rx, &checked, &program, &input);
            let cohort_name = cohort_name.as_str();
            let evaluator = make_evaluator();
            let schema = out_schema.clone();
            scope.spawn(move || {
                let mut worker = Worker {
                    checked,
                    program,
                    scratch: program.scratch(),
                    format,
                    input,
                    cohort_name,
                    options,
                    evaluator,
                    schema,
                    lanes: program.batch_scratch(),
                    cases: Vec::new(),
                    constraint_slots: Vec::new(),
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
        let sink = sink.as_mut().map(|(out, _)| out);
        let writer = scope.spawn(move || write(done_rx, token_tx, recs, bar, sink, text_out));
        code = match &mut source {
            Source::Text(reader) => read(reader, &work_tx, &token_rx, &cohort_name),
            Source::Arrow(batches) => read_batches(batches, &work_tx, &token_rx, &cohort_name),
        };
        drop(work_tx);
        writer.join().unwrap_or_default()
    });
    let ids: Vec<&str> = checked.model.recs.iter().map(|r| r.id.as_str()).collect();
    if totals.write_failed {
        // The counts below are of the rows written, not of the cohort: say
        // so, or "0 cases evaluated" reads as an empty cohort.
        errln!(
            "batch stopped: the output was closed or could not be written after {} rows",
            totals.good + totals.bad
        );
    }
    let seconds = started.elapsed().as_secs_f64();
    let rows = totals.good + totals.bad;
    // With JSON diagnostics, standard error holds only JSON lines.
    if !super::output::json_errors() {
        err!("{}", summary(&ids, &totals.counts, totals.good, totals.bad));
        errln!(
            "{rows} rows in {seconds:.3} s ({:.0} rows/s, {threads} thread{})",
            rows as f64 / seconds.max(1e-9),
            if threads == 1 { "" } else { "s" }
        );
    }
    if totals.write_failed || code == IO {
        // A partial output file is never left behind: the temporary file
        // is dropped with the sink.
        return IO;
    }
    if let Some((out, _)) = sink {
        if let Err(e) = out.finish() {
            super::output::error(format_args!("{e}"));
            return IO;
        }
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
            super::output::error(format_args!(
                "the header of `{cohort_name}` is longer than the limit"
            ));
            return Err(ERRORS);
        }
        Err(e) => {
            super::output::error(format_args!("cannot read `{cohort_name}`: {e}"));
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
                super::output::error(format_args!("cannot read `{name}`: {e}"));
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
