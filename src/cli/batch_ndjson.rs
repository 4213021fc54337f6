//! Command line: `cairn batch GUIDELINE --ndjson DIR --binding B`, a
//! guideline run over a FHIR Bulk Data export, one row per patient.
//!
//! The export is indexed by subject in one pass (`cairn::fhir::ndjson`),
//! then [`Cases`] extracts one patient at a time and hands the batch
//! pipeline that patient's case as one JSON line (`"name"` the Patient's
//! reference), so every output format, the worker threads, the error rows
//! and the summary are `cairn batch`'s own. Only one patient's resources
//! are in memory at a time. A bad line of the export is reported as
//! `file:line` on standard error and skipped; the patients still run, and
//! the exit code is 1.

use super::batch;
use super::output::{self, ERRORS, IO};
use cairn::check::Checked;
use cairn::fhir::ndjson::{Export, OpenFiles};
use cairn::fhir::Binding;
use std::io::{BufRead, Read};
use std::path::Path;

/// Runs the batch over the export in `dir`.
pub fn run(
    guideline: &Path,
    dir: &Path,
    binding: &Path,
    as_of: Option<&str>,
    mut settings: batch::Settings,
) -> u8 {
    let checked = match output::guideline(guideline) {
        Ok(c) => c,
        Err(code) => return code,
    };
    let binding = match super::fhir_extract::load_binding(&checked, binding) {
        Ok(b) => b,
        Err(code) => return code,
    };
    let as_of = match super::fhir_extract::as_of(as_of) {
        Ok(d) => d,
        Err(code) => return code,
    };
    let export = match Export::index(dir) {
        Ok(e) => e,
        Err(e) => {
            output::error_coded(&code_of(&e), e);
            return IO;
        }
    };
    let bad = export.errors.len();
    for e in &export.errors {
        line_error(&e.to_string());
    }
    let files = export.open_files();
    let cases = Cases {
        checked,
        binding,
        as_of,
        export,
        files,
        next: 0,
        line: Vec::new(),
        at: 0,
    };
    settings.source = Some(Box::new(cases));
    let code = batch::run(guideline, dir, settings);
    match (code, bad) {
        (0, n) if n > 0 => ERRORS,
        (c, _) => c,
    }
}

fn code_of(e: &dyn miette::Diagnostic) -> String {
    e.code().map(|c| c.to_string()).unwrap_or_default()
}

fn line_error(message: &str) {
    output::error_coded("cairn::fhir::ndjson_line", message);
}

/// The export's patients as JSON lines of cases, extracted one at a time
/// as the batch reads.
struct Cases {
    checked: Checked,
    binding: Binding,
    as_of: jiff::civil::Date,
    export: Export,
    files: OpenFiles,
    /// The next subject to extract.
    next: usize,
    /// The current line and how much of it was read.
    line: Vec<u8>,
    at: usize,
}

impl Cases {
    /// Extracts the next patient into `line`; false at the end.
    fn refill(&mut self) -> std::io::Result<bool> {
        if self.next >= self.export.len() {
            return Ok(false);
        }
        let i = self.next;
        self.next += 1;
        let id = self
            .export
            .subjects()
            .nth(i)
            .unwrap_or_default()
            .to_string();
        let resources = match self.export.resources(i, &mut self.files) {
            Ok(r) => r,
            Err(e) => return Err(std::io::Error::other(e.to_string())),
        };
        let extracted =
            cairn::fhir::extract(&self.checked, &self.binding, &resources, Some(self.as_of));
        let mut case = extracted.to_case_json();
        case["name"] = serde_json::Value::String(format!("Patient/{id}"));
        self.line.clear();
        serde_json::to_writer(&mut self.line, &case).map_err(std::io::Error::other)?;
        self.line.push(b'\n');
        self.at = 0;
        Ok(true)
    }
}

impl Read for Cases {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        if self.at >= self.line.len() && !self.refill()? {
            return Ok(0);
        }
        let n = out.len().min(self.line.len() - self.at);
        out[..n].copy_from_slice(&self.line[self.at..self.at + n]);
        self.at += n;
        Ok(n)
    }
}

impl BufRead for Cases {
    fn fill_buf(&mut self) -> std::io::Result<&[u8]> {
        if self.at >= self.line.len() && !self.refill()? {
            return Ok(&[]);
        }
        Ok(&self.line[self.at..])
    }

    fn consume(&mut self, amount: usize) {
        self.at = (self.at + amount).min(self.line.len());
    }
}
