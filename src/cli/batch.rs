//! Command line: `cairn batch`, a guideline run over a cohort in bulk.
//!
//! The cohort is JSON lines: one case object per line (blank lines are
//! skipped). It is streamed line by line as bytes, so memory stays bounded
//! by the longest line (`cohort::MAX_LINE`) whatever the cohort's size. Each line
//! is decoded, validated and evaluated on its own: a line that is not UTF-8,
//! not valid JSON, not a valid case or longer than `MAX_LINE` becomes an
//! error row for that line (its line number and errors; in CSV every status
//! cell reads `error`) and every other line still runs. Results go to
//! standard output (JSON lines or CSV); the errors of bad lines, one line
//! each, and a summary of statuses per recommendation go to standard error.
//! Exit 0 when every line ran, 1 when some line was bad, 2 when the cohort
//! could not be read to its end or the output could not be written.
//!
//! CSV cells that a spreadsheet would read as a formula (starting with `=`,
//! `+`, `-`, `@`, a tab or a carriage return) are prefixed with `'`.

use super::cohort::{self, MAX_LINE};
use super::output::{self, ERRORS, IO};
use super::BatchFormat;
use cairn::case;
use cairn::check::model::{DefId, RecId};
use cairn::check::Checked;
use cairn::eval::outcome::Status;
use cairn::eval::{Program, Scratch};
use std::panic::AssertUnwindSafe;
use std::path::Path;

/// Output is written in blocks of about this size.
const BLOCK: usize = 64 * 1024;

/// One error of a bad line, as written in its error row.
struct LineError {
    code: String,
    message: String,
    /// One-based column (in characters) of the first label, if any.
    column: Option<usize>,
    help: Option<String>,
}

impl LineError {
    fn new(code: &str, message: String, column: Option<usize>) -> LineError {
        LineError {
            code: code.to_string(),
            message,
            column,
            help: None,
        }
    }
}

/// The state of one batch run.
struct Batch<'a> {
    checked: &'a Checked,
    program: Program,
    scratch: Scratch,
    format: BatchFormat,
    cohort_name: String,
    /// Per recommendation: applies, not applicable, undetermined.
    counts: Vec<[usize; 3]>,
    good: usize,
    bad: usize,
    /// Output not yet written.
    pending: String,
}

/// Runs the batch; returns 1 when some line was bad, 2 on I/O errors.
pub fn run(guideline: &Path, cohort: &Path, format: BatchFormat) -> u8 {
    let checked = match output::guideline(guideline) {
        Ok(c) => c,
        Err(code) => return code,
    };
    let mut reader = match cohort::open(cohort) {
        Ok(r) => r,
        Err(e) => {
            errln!("error: cannot read `{}`: {e}", cohort.display());
            return IO;
        }
    };
    let program = Program::new(&checked);
    let mut batch = Batch {
        checked: &checked,
        scratch: program.scratch(),
        program,
        format,
        cohort_name: output::case_name(cohort),
        counts: vec![[0usize; 3]; checked.model.recs.len()],
        good: 0,
        bad: 0,
        pending: String::new(),
    };
    if format == BatchFormat::Csv {
        let header: Vec<String> = ["line", "name"]
            .into_iter()
            .chain(checked.model.recs.iter().map(|r| r.id.as_str()))
            .map(csv)
            .collect();
        batch.pending.push_str(&header.join(","));
        batch.pending.push('\n');
    }
    let mut code = 0;
    let mut bytes = Vec::new();
    let mut number = 0usize;
    loop {
        number += 1;
        match cohort::next_line(&mut reader, &mut bytes, MAX_LINE) {
            Ok(cohort::Line::End) => break,
            Ok(cohort::Line::Text) => batch.line(number, &bytes),
            Ok(cohort::Line::TooLong) => batch.error_row(
                number,
                vec![LineError::new(
                    "cairn::batch::line_too_long",
                    format!("line is longer than the limit of {MAX_LINE} bytes"),
                    None,
                )],
            ),
            Err(e) => {
                errln!(
                    "error: cannot read `{}` at line {number}: {e}",
                    batch.cohort_name
                );
                code = IO;
                break;
            }
        }
        if batch.pending.len() >= BLOCK {
            if output::print(&batch.pending).is_err() {
                break;
            }
            batch.pending.clear();
        }
    }
    let _ = output::print(&batch.pending);
    let recs: Vec<&str> = checked.model.recs.iter().map(|r| r.id.as_str()).collect();
    err!("{}", summary(&recs, &batch.counts, batch.good, batch.bad));
    if code == 0 && batch.bad > 0 {
        code = ERRORS;
    }
    // A failed write turns into exit code 2 in `output::finish`.
    code
}

impl Batch<'_> {
    /// Decodes, loads and evaluates one line, writing its row.
    fn line(&mut self, number: usize, bytes: &[u8]) {
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
                return self.error_row(number, vec![error]);
            }
        };
        // A bug in loading or evaluation must cost one row, not the rest of
        // the cohort.
        let result = std::panic::catch_unwind(AssertUnwindSafe(|| self.evaluate(number, text)));
        match result {
            Ok(Ok(row)) => {
                self.good += 1;
                self.pending.push_str(&row);
                self.pending.push('\n');
            }
            Ok(Err(errors)) => self.error_row(number, errors),
            Err(_) => {
                // The scratch space may be half written.
                self.scratch = self.program.scratch();
                let message = "internal error while running this line (a bug: please report it)";
                let error = LineError::new("cairn::batch::internal", message.to_string(), None);
                self.error_row(number, vec![error]);
            }
        }
    }

    /// The output row of a good line, or the line's errors.
    fn evaluate(&mut self, number: usize, text: &str) -> Result<String, Vec<LineError>> {
        let checked = self.checked;
        let name = format!("{}:{number}", self.cohort_name);
        let loaded = case::load(checked, &name, text).map_err(|failed| {
            failed
                .diagnostics
                .to_json(&failed.sources)
                .into_iter()
                .map(|d| LineError {
                    column: d.labels.first().map(|l| l.column),
                    code: d.code,
                    message: d.message,
                    help: d.help,
                })
                .collect::<Vec<_>>()
        })?;
        // The hot path of the interpreter: statuses and values straight from
        // the slots, without building the full outcome with its texts.
        let statuses: Vec<Status> = self
            .program
            .statuses(&loaded.case, &mut self.scratch)
            .to_vec();
        for (status, count) in statuses.iter().zip(self.counts.iter_mut()) {
            let slot = match status {
                Status::Applies => 0,
                Status::NotApplicable => 1,
                Status::Undetermined => 2,
            };
            if let Some(c) = count.get_mut(slot) {
                *c += 1;
            }
        }
        let case_name = (loaded.name != name).then_some(loaded.name);
        Ok(match self.format {
            BatchFormat::Jsonl => self.json_row(number, case_name, &statuses, &loaded.case),
            BatchFormat::Csv => {
                let mut cells = vec![number.to_string(), csv(case_name.as_deref().unwrap_or(""))];
                cells.extend(statuses.iter().map(|s| s.as_str().to_string()));
                cells.join(",")
            }
        })
    }

    /// The JSON row of a good line.
    fn json_row(
        &mut self,
        number: usize,
        name: Option<String>,
        statuses: &[Status],
        case: &case::Case,
    ) -> String {
        let model = &self.checked.model;
        let mut recs_json = serde_json::Map::new();
        let mut missing = serde_json::Map::new();
        for (i, (rec, status)) in model.recs.iter().zip(statuses).enumerate() {
            recs_json.insert(rec.id.clone(), status.as_str().into());
            if *status == Status::Undetermined {
                // A list's slots are asked for as the list, once.
                let facts = self.program.missing(&mut self.scratch, RecId(i as u32));
                missing.insert(rec.id.clone(), model.user_names(facts).into());
            }
        }
        let derived: serde_json::Map<String, serde_json::Value> = model
            .defs
            .iter()
            .enumerate()
            .map(|(i, d)| {
                let v = self.program.def_value(&self.scratch, DefId(i as u32));
                (d.name.clone(), cairn::value::json::encode(model, d.ty, v))
            })
            .collect();
        let mut row = serde_json::json!({
            "line": number,
            "name": name,
            "recommendations": recs_json,
            "missing": missing,
            "derived": derived,
        });
        // As in `cairn run`: the facts left out that took their declared
        // absent value, only when there are any.
        if !case.absent.is_empty() {
            let absent = cairn::eval::outcome::absent_facts(model, case);
            row["absent"] = serde_json::to_value(absent).unwrap_or_default();
        }
        row.to_string()
    }

    /// Writes the error row of a bad line, and its errors on standard error.
    fn error_row(&mut self, number: usize, errors: Vec<LineError>) {
        self.bad += 1;
        for e in &errors {
            let at = e.column.map(|c| format!(":{c}")).unwrap_or_default();
            let message = printable(&e.message);
            errln!(
                "{}:{number}{at}: error[{}]: {message}",
                self.cohort_name,
                e.code
            );
            if let Some(help) = &e.help {
                errln!("  help: {}", printable(help));
            }
        }
        let row = match self.format {
            BatchFormat::Jsonl => {
                let errors: Vec<serde_json::Value> = errors
                    .iter()
                    .map(|e| {
                        serde_json::json!({
                            "code": e.code,
                            "message": e.message,
                            "column": e.column,
                        })
                    })
                    .collect();
                serde_json::json!({"line": number, "errors": errors}).to_string()
            }
            BatchFormat::Csv => {
                let mut cells = vec![number.to_string(), String::new()];
                cells.extend(self.counts.iter().map(|_| "error".to_string()));
                cells.join(",")
            }
        };
        self.pending.push_str(&row);
        self.pending.push('\n');
    }
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

/// A CSV cell: prefixed with `'` when a spreadsheet would take it for a
/// formula (OWASP's advice against CSV injection), quoted when needed.
fn csv(text: &str) -> String {
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
