//! Command line: `cairn batch`, one worker's side: a chunk of cohort
//! records (JSON lines or CSV rows, loaded first, then evaluated 64 side by
//! side when only statuses are written) or a record batch, written as
//! output rows (text, or a record batch for a binary output) and error
//! lines, in the chunk's order.

use super::batch_chunk::{Chunk, Done, Input, Record};
use super::cohort::MAX_LINE;
use super::BatchFormat;
use arrow_schema::SchemaRef;
use cairn::case;
use cairn::case::row::{Cell, Columns};
use cairn::check::model::{DefId, RecId, Type};
use cairn::check::{Checked, Failed};
use cairn::cohort::arrow::{Evaluator, Options};
use cairn::eval::outcome::Status;
use cairn::eval::{BatchScratch, Program, Scratch};
use cairn::value::Value;
use std::fmt::Write as _;
use std::panic::AssertUnwindSafe;

/// A cohort line longer than the limit.
pub const LINE_TOO_LONG: &str = "cairn::batch::line_too_long";
/// A cohort line that is not valid UTF-8.
pub const NOT_UTF8: &str = "cairn::batch::not_utf8";
/// A CSV row that does not parse (an unclosed quote, ...).
pub const CSV: &str = "cairn::batch::csv";
/// A CSV row with more or fewer cells than the header has columns.
pub const CSV_WIDTH: &str = "cairn::batch::csv_width";
/// A bug caught while running one cohort line; the other lines still run.
pub const INTERNAL: &str = "cairn::batch::internal";

/// One error of a bad record, as written in its error row.
pub struct LineError {
    pub code: String,
    pub message: String,
    /// One-based column (in characters) of the first label, if any.
    pub column: Option<usize>,
    /// For CSV: the byte offset in the record and the column's name.
    pub cell: Option<(usize, String)>,
    pub help: Option<String>,
}

impl LineError {
    pub fn new(code: &str, message: String, column: Option<usize>) -> LineError {
        LineError {
            code: code.to_string(),
            message,
            column,
            cell: None,
            help: None,
        }
    }
}

/// A worker: the shared guideline and program, its own scratch space.
pub struct Worker<'a> {
    pub checked: &'a Checked,
    pub program: &'a Program,
    pub scratch: Scratch,
    pub format: BatchFormat,
    pub input: &'a Input,
    pub cohort_name: &'a str,
    /// The optional output columns (and whether to run 64 lanes).
    pub options: Options,
    /// For Arrow cohorts and binary outputs: the evaluator of batches.
    pub evaluator: Option<Evaluator<'a>>,
    /// For a binary output: its schema (rows numbered first).
    pub schema: Option<SchemaRef>,
    /// Buffers of the 64-lane path.
    pub lanes: BatchScratch,
    /// The cases of the last text chunk, reused for the next.
    pub cases: Vec<case::Case>,
    /// The constraints' slots, reused from row to row.
    pub constraint_slots: Vec<Option<Value>>,
}

/// A record of a text chunk once loaded.
pub enum Loaded {
    /// The case is the next in the worker's cases.
    Good {
        line: usize,
        name: Option<String>,
    },
    Bad {
        line: usize,
        errors: Vec<LineError>,
    },
}

impl Worker<'_> {
    /// Runs every record of `chunk`.
    pub fn chunk(&mut self, chunk: Chunk) -> Done {
        let mut done = Done {
            seq: chunk.seq,
            out: String::with_capacity(chunk.text.len()),
            batch: None,
            err: String::new(),
            counts: vec![[0usize; 3]; self.checked.model.recs.len()],
            good: 0,
            bad: 0,
            bytes: chunk.text.len(),
        };
        if let Some((batch, first)) = &chunk.batch {
            self.arrow_chunk(&mut done, batch, *first);
            return done;
        }
        let mut cells = Vec::new();
        let mut loaded = Vec::with_capacity(chunk.records.len());
        // The cases of the last chunk, their slots reused.
        let mut cases = std::mem::take(&mut self.cases);
        let mut good = 0;
        for record in &chunk.records {
            match record {
                Record::TooLong { line } => loaded.push(Loaded::Bad {
                    line: *line,
                    errors: vec![LineError::new(
                        LINE_TOO_LONG,
                        format!("line is longer than the limit of {MAX_LINE} bytes"),
                        None,
                    )],
                }),
                Record::Text { line, start, end } => {
                    let bytes = chunk.text.get(*start..*end).unwrap_or_default();
                    if let Some(l) = self.record(*line, bytes, &mut cells, &mut cases, &mut good) {
                        loaded.push(l);
                    }
                }
            }
        }
        if self.schema.is_some() {
            cases.truncate(good);
            self.binary_rows(&mut done, loaded, cases);
        } else {
            self.text_rows(&mut done, loaded, cases.get(..good).unwrap_or_default());
            self.cases = cases;
        }
        done
    }

    /// Decodes and loads one record (none for a blank line) into
    /// `cases[*good]`, counting it in `good` when it loads.
    fn record<'t>(
        &mut self,
        line: usize,
        bytes: &'t [u8],
        cells: &mut Vec<Cell<'t>>,
        cases: &mut Vec<case::Case>,
        good: &mut usize,
    ) -> Option<Loaded> {
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return None;
        }
        let text = match std::str::from_utf8(bytes) {
            Ok(t) => t,
            Err(e) => {
                let valid = bytes.get(..e.valid_up_to()).unwrap_or_default();
                let column = String::from_utf8_lossy(valid).chars().count() + 1;
                let byte = bytes.get(e.valid_up_to()).copied().unwrap_or(0);
                let message = format!("line is not valid UTF-8 (byte 0x{byte:02x})");
                let error = LineError::new(NOT_UTF8, message, Some(column));
                return Some(Loaded::Bad {
                    line,
                    errors: vec![error],
                });
            }
        };
        if cases.len() <= *good {
            cases.resize_with(*good + 1, case::Case::default);
        }
        let case = cases.get_mut(*good)?;
        // A bug in loading must cost one row, not the rest of the cohort.
        let result =
            std::panic::catch_unwind(AssertUnwindSafe(|| self.load(line, text, cells, case)));
        Some(match result {
            Ok(Ok(name)) => {
                *good += 1;
                Loaded::Good { line, name }
            }
            Ok(Err(errors)) => Loaded::Bad { line, errors },
            Err(_) => Loaded::Bad {
                line,
                errors: vec![internal()],
            },
        })
    }

    /// Loads a record as a case into `case`, giving the name it gives.
    fn load<'t>(
        &mut self,
        line: usize,
        text: &'t str,
        cells: &mut Vec<Cell<'t>>,
        case: &mut case::Case,
    ) -> Result<Option<String>, Vec<LineError>> {
        let checked = self.checked;
        let name = || format!("{}:{line}", self.cohort_name);
        match self.input {
            Input::Jsonl(constraints) => {
                let name = name();
                let loaded = case::load_with(checked, &name, text, Some(constraints))
                    .map_err(|f| errors(&f, None))?;
                let case_name = (loaded.name != name).then_some(loaded.name);
                *case = loaded.case;
                Ok(case_name)
            }
            Input::Csv(columns) => {
                // Most rows load the quick way; the others (and every bad
                // row, for its diagnostics) the loader's.
                let slots = &mut self.constraint_slots;
                if let Some(name) = columns.load_quick(&checked.model, text, case, slots) {
                    return Ok(name);
                }
                if let Err(e) = case::csv::split(text, cells) {
                    let mut error = LineError::new(CSV, e.message, None);
                    error.cell = Some((e.offset, String::new()));
                    return Err(vec![error]);
                }
                if cells.len() != columns.len() {
                    let message = format!(
                        "the row has {} cells, the header {} columns",
                        cells.len(),
                        columns.len()
                    );
                    return Err(vec![LineError::new(CSV_WIDTH, message, None)]);
                }
                let row = case::row::load(checked, columns, name, text, cells)
                    .map_err(|f| errors(&f, Some((columns, cells))))?;
                *case = row.case;
                Ok(row.name)
            }
            Input::Arrow => Err(vec![internal()]),
        }
    }

    /// Evaluates the loaded records of a text chunk and writes their rows.
    fn text_rows(&mut self, done: &mut Done, loaded: Vec<Loaded>, cases: &[case::Case]) {
        let recs = self.checked.model.recs.len();
        let statuses_only =
            self.format == BatchFormat::Csv && !self.options.derived && !self.options.missing;
        // The 64-lane path, when only statuses are written.
        let lanes: Option<Vec<Status>> = (self.options.lanes && statuses_only)
            .then(|| {
                std::panic::catch_unwind(AssertUnwindSafe(|| {
                    self.program.statuses_batch(cases, &mut self.lanes).to_vec()
                }))
                .ok()
            })
            .flatten();
        let mut next = 0;
        for record in loaded {
            match record {
                Loaded::Bad { line, errors } => self.error_row(done, line, errors),
                Loaded::Good { line, name } => {
                    let Some(case) = cases.get(next) else {
                        continue;
                    };
                    let from = lanes
                        .as_ref()
                        .and_then(|s| s.get(next * recs..(next + 1) * recs));
                    next += 1;
                    let result = std::panic::catch_unwind(AssertUnwindSafe(|| {
                        self.write_row(done, line, name.as_deref(), case, from)
                    }));
                    match result {
                        Ok(()) => done.good += 1,
                        Err(_) => {
                            // The scratch space may be half written.
                            self.scratch = self.program.scratch();
                            self.error_row(done, line, vec![internal()]);
                        }
                    }
                }
            }
        }
    }

    /// Evaluates a loaded case (unless its statuses came from the lanes)
    /// and writes its output row.
    fn write_row(
        &mut self,
        done: &mut Done,
        line: usize,
        case_name: Option<&str>,
        case: &case::Case,
        from_lanes: Option<&[Status]>,
    ) {
        // The hot path of the interpreter: statuses and values straight from
        // the slots, without building the full outcome with its texts.
        let statuses = match from_lanes {
            Some(s) => s,
            None => self.program.statuses(case, &mut self.scratch),
        };
        for (status, count) in statuses.iter().zip(done.counts.iter_mut()) {
            if let Some(c) = count.get_mut(usize::from(cairn_key(*status))) {
                *c += 1;
            }
        }
        match self.format {
            BatchFormat::Csv => {
                // Straight into the output: no string per cell.
                done.out.push_str(itoa::Buffer::new().format(line));
                done.out.push(',');
                if let Some(name) = case_name {
                    done.out.push_str(&csv(name));
                }
                status_cells(statuses, &mut done.out);
                self.csv_extras(done);
            }
            _ => {
                let statuses = statuses.to_vec();
                self.json_row(
                    &mut done.out,
                    line,
                    case_name.map(str::to_string),
                    &statuses,
                    case,
                );
            }
        }
        done.out.push('\n');
    }

    /// The `--derived` and `--missing` cells of a CSV row, after its
    /// statuses were computed into the scratch space.
    fn csv_extras(&mut self, done: &mut Done) {
        let model = &self.checked.model;
        if self.options.derived {
            for (i, d) in model.defs.iter().enumerate() {
                let v = self.program.def_value(&self.scratch, DefId(i as u32));
                done.out.push(',');
                done.out.push_str(&derived_cell(model, d.ty, v));
            }
        }
        if self.options.missing {
            for r in 0..model.recs.len() {
                let facts = self.program.missing(&mut self.scratch, RecId(r as u32));
                done.out.push(',');
                done.out.push_str(&csv(&model.user_names(facts).join(";")));
            }
        }
    }

    /// Writes the JSON row of a good record into `out`, straight from the
    /// slots with a serializer (`batch_json`).
    fn json_row(
        &mut self,
        out: &mut String,
        line: usize,
        name: Option<String>,
        statuses: &[Status],
        case: &case::Case,
    ) {
        let model = &self.checked.model;
        let missing: Vec<Option<Vec<String>>> = statuses
            .iter()
            .enumerate()
            .map(|(i, status)| {
                // A list's slots are asked for as the list, once.
                (*status == Status::Undetermined).then(|| {
                    let facts = self.program.missing(&mut self.scratch, RecId(i as u32));
                    model.user_names(facts)
                })
            })
            .collect();
        let row = super::batch_json::Row {
            model,
            program: self.program,
            scratch: &self.scratch,
            case,
            line,
            name: name.as_deref(),
            statuses,
            missing: &missing,
        };
        row.write(out);
    }

    /// Writes the error row of a bad record, and its errors for standard
    /// error.
    fn error_row(&mut self, done: &mut Done, line: usize, errors: Vec<LineError>) {
        done.bad += 1;
        self.error_lines(done, line, &errors);
        match self.format {
            BatchFormat::Jsonl => {
                let errors: Vec<serde_json::Value> = errors
                    .iter()
                    .map(|e| {
                        let mut j = serde_json::json!({
                            "code": e.code,
                            "message": e.message,
                            "column": e.column,
                        });
                        if let Some((byte, col)) = &e.cell {
                            j["byte"] = (*byte).into();
                            j["column_name"] = col.as_str().into();
                        }
                        j
                    })
                    .collect();
                let row = serde_json::json!({"line": line, "errors": errors});
                done.out.push_str(&row.to_string());
            }
            BatchFormat::Csv => {
                let _ = write!(done.out, "{line},");
                for _ in &done.counts {
                    done.out.push_str(",error");
                }
                let model = &self.checked.model;
                let extra = usize::from(self.options.derived) * model.defs.len()
                    + usize::from(self.options.missing) * model.recs.len();
                for _ in 0..extra {
                    done.out.push(',');
                }
            }
            _ => {}
        }
        done.out.push('\n');
    }

    /// The lines of a bad record's errors for standard error.
    pub fn error_lines(&mut self, done: &mut Done, line: usize, errors: &[LineError]) {
        if super::output::json_errors() {
            for e in errors {
                let diagnostic = cairn::diagnostics::JsonDiagnostic {
                    severity: "error",
                    code: e.code.clone(),
                    message: e.message.clone(),
                    help: e.help.clone(),
                    file: self.cohort_name.to_string(),
                    labels: vec![cairn::diagnostics::JsonLabel {
                        message: e.cell.as_ref().map(|(_, col)| col.clone()),
                        start: e.cell.as_ref().map_or(0, |(byte, _)| *byte),
                        end: e.cell.as_ref().map_or(0, |(byte, _)| *byte),
                        line,
                        column: e.column.unwrap_or(1),
                    }],
                };
                if let Ok(json) = serde_json::to_string(&diagnostic) {
                    let _ = writeln!(done.err, "{json}");
                }
            }
            return;
        }
        for e in errors {
            let at = e.column.map(|c| format!(":{c}")).unwrap_or_default();
            let cell = match &e.cell {
                Some((byte, col)) if !col.is_empty() => format!(" (column `{col}`, byte {byte})"),
                Some((byte, _)) => format!(" (byte {byte})"),
                None => String::new(),
            };
            let message = printable(&e.message);
            let _ = writeln!(
                done.err,
                "{}:{line}{at}: error[{}]: {message}{}",
                self.cohort_name,
                e.code,
                printable(&cell)
            );
            if let Some(help) = &e.help {
                let _ = writeln!(done.err, "  help: {}", printable(help));
            }
        }
    }
}

/// The error of a bug caught while running a record.
pub fn internal() -> LineError {
    let message = "internal error while running this line (a bug: please report it)";
    LineError::new(INTERNAL, message.to_string(), None)
}

/// The status cells of a CSV row, each with the comma before it.
pub fn status_cells(statuses: &[Status], out: &mut String) {
    const CELLS: [&str; 3] = [",applies", ",not_applicable", ",undetermined"];
    for s in statuses {
        out.push_str(CELLS.get(usize::from(cairn_key(*s))).copied().unwrap_or(""));
    }
}

/// The index of a status in the summary's counts.
fn cairn_key(s: Status) -> u8 {
    match s {
        Status::Applies => 0,
        Status::NotApplicable => 1,
        Status::Undetermined => 2,
    }
}

/// A derived value as a CSV cell: the codec's JSON, a quantity's number in
/// its declared unit, a table row as its JSON.
fn derived_cell(model: &cairn::check::model::Model, ty: Type, v: Option<Value>) -> String {
    match cairn::value::json::encode(model, ty, v) {
        serde_json::Value::Null => String::new(),
        serde_json::Value::String(s) => csv(&s),
        serde_json::Value::Object(m) if matches!(ty, Type::Quantity { .. }) => {
            m.get("value").map(|v| v.to_string()).unwrap_or_default()
        }
        other => csv(&other.to_string()),
    }
}

/// The errors of a record that did not load; for CSV, each located in the
/// column its first label falls in.
fn errors(failed: &Failed, csv: Option<(&Columns, &[Cell])>) -> Vec<LineError> {
    failed
        .diagnostics
        .to_json(&failed.sources)
        .into_iter()
        .map(|d| {
            let first = d.labels.first();
            let cell = csv.zip(first).map(|((columns, cells), l)| {
                let i = cells
                    .iter()
                    .position(|c| l.start >= c.start && l.start <= c.end)
                    .unwrap_or(0);
                (l.start, columns.name(i).unwrap_or_default().to_string())
            });
            LineError {
                column: first.map(|l| l.column),
                cell,
                code: d.code,
                message: d.message,
                help: d.help,
            }
        })
        .collect()
}

/// `text` with control characters escaped, so a cohort cannot send terminal
/// escape sequences through an error message.
pub fn printable(text: &str) -> String {
    text.chars()
        .map(|c| {
            if c.is_control() {
                c.escape_default().to_string()
            } else {
                c.to_string()
            }
        })
        .collect()
}

/// A CSV cell: prefixed with `'` when a spreadsheet would take it for a
/// formula (OWASP's advice against CSV injection), quoted when needed.
pub fn csv(text: &str) -> String {
    let text = if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}")
    } else {
        text.to_string()
    };
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text
    }
}
