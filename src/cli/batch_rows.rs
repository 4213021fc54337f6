//! Command line: `cairn batch`, one worker's side: a chunk of cohort
//! records (JSON lines or CSV rows) loaded, evaluated and written as output
//! rows and error lines, in the chunk's order.

use super::batch_chunk::{Chunk, Done, Input, Record};
use super::cohort::MAX_LINE;
use super::BatchFormat;
use cairn::case;
use cairn::case::row::{Cell, Columns};
use cairn::check::model::RecId;
use cairn::check::{Checked, Failed};
use cairn::eval::outcome::Status;
use cairn::eval::{Program, Scratch};
use std::fmt::Write as _;
use std::panic::AssertUnwindSafe;

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
}

impl Worker<'_> {
    /// Runs every record of `chunk`.
    pub fn chunk(&mut self, chunk: Chunk) -> Done {
        let mut done = Done {
            seq: chunk.seq,
            out: String::with_capacity(chunk.text.len()),
            err: String::new(),
            counts: vec![[0usize; 3]; self.checked.model.recs.len()],
            good: 0,
            bad: 0,
            bytes: chunk.text.len(),
        };
        let mut cells = Vec::new();
        for record in &chunk.records {
            match record {
                Record::TooLong { line } => self.error_row(
                    &mut done,
                    *line,
                    vec![LineError::new(
                        "cairn::batch::line_too_long",
                        format!("line is longer than the limit of {MAX_LINE} bytes"),
                        None,
                    )],
                ),
                Record::Text { line, start, end } => {
                    let bytes = chunk.text.get(*start..*end).unwrap_or_default();
                    self.record(&mut done, *line, bytes, &mut cells);
                }
            }
        }
        done
    }

    /// Decodes, loads and evaluates one record, writing its row.
    fn record<'t>(
        &mut self,
        done: &mut Done,
        line: usize,
        bytes: &'t [u8],
        cells: &mut Vec<Cell<'t>>,
    ) {
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return;
        }
        let text = match std::str::from_utf8(bytes) {
            Ok(t) => t,
            Err(e) => {
                let valid = bytes.get(..e.valid_up_to()).unwrap_or_default();
                let column = String::from_utf8_lossy(valid).chars().count() + 1;
                let byte = bytes.get(e.valid_up_to()).copied().unwrap_or(0);
                let message = format!("line is not valid UTF-8 (byte 0x{byte:02x})");
                let error = LineError::new("cairn::batch::not_utf8", message, Some(column));
                return self.error_row(done, line, vec![error]);
            }
        };
        // A bug in loading or evaluation must cost one row, not the rest of
        // the cohort.
        let result =
            std::panic::catch_unwind(AssertUnwindSafe(|| self.evaluate(done, line, text, cells)));
        match result {
            Ok(Ok(())) => done.good += 1,
            Ok(Err(errors)) => self.error_row(done, line, errors),
            Err(_) => {
                // The scratch space may be half written.
                self.scratch = self.program.scratch();
                let message = "internal error while running this line (a bug: please report it)";
                let error = LineError::new("cairn::batch::internal", message.to_string(), None);
                self.error_row(done, line, vec![error]);
            }
        }
    }

    /// Loads a record as a case, evaluates it and writes its output row.
    fn evaluate<'t>(
        &mut self,
        done: &mut Done,
        line: usize,
        text: &'t str,
        cells: &mut Vec<Cell<'t>>,
    ) -> Result<(), Vec<LineError>> {
        let checked = self.checked;
        let name = || format!("{}:{line}", self.cohort_name);
        let (loaded, case_name) = match self.input {
            Input::Jsonl(constraints) => {
                let name = name();
                let loaded = case::load_with(checked, &name, text, Some(constraints))
                    .map_err(|f| errors(&f, None))?;
                let case_name = (loaded.name != name).then_some(loaded.name);
                (loaded.case, case_name)
            }
            Input::Csv(columns) => {
                if let Err(e) = case::csv::split(text, cells) {
                    let mut error = LineError::new("cairn::batch::csv", e.message, None);
                    error.cell = Some((e.offset, String::new()));
                    return Err(vec![error]);
                }
                if cells.len() != columns.len() {
                    let message = format!(
                        "the row has {} cells, the header {} columns",
                        cells.len(),
                        columns.len()
                    );
                    return Err(vec![LineError::new(
                        "cairn::batch::csv_width",
                        message,
                        None,
                    )]);
                }
                let row = case::row::load(checked, columns, name, text, cells)
                    .map_err(|f| errors(&f, Some((columns, cells))))?;
                (row.case, row.name)
            }
        };
        // The hot path of the interpreter: statuses and values straight from
        // the slots, without building the full outcome with its texts.
        let statuses = self.program.statuses(&loaded, &mut self.scratch);
        for (status, count) in statuses.iter().zip(done.counts.iter_mut()) {
            let slot = match status {
                Status::Applies => 0,
                Status::NotApplicable => 1,
                Status::Undetermined => 2,
            };
            if let Some(c) = count.get_mut(slot) {
                *c += 1;
            }
        }
        match self.format {
            BatchFormat::Jsonl => {
                let statuses = statuses.to_vec();
                self.json_row(&mut done.out, line, case_name, &statuses, &loaded);
            }
            BatchFormat::Csv => {
                // Straight into the output: no string per cell.
                let _ = write!(done.out, "{line},");
                if let Some(name) = &case_name {
                    done.out.push_str(&csv(name));
                }
                for s in statuses {
                    done.out.push(',');
                    done.out.push_str(s.as_str());
                }
            }
        }
        done.out.push('\n');
        Ok(())
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
        for e in &errors {
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
            }
        }
        done.out.push('\n');
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
fn printable(text: &str) -> String {
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
