//! Command line: `cairn batch`, one worker's side for record batches: an
//! Arrow cohort's batch evaluated by the worker's evaluator, and a text
//! chunk's loaded records evaluated into a record batch for a binary
//! output; rows numbered first, errors for standard error with the row
//! number and column.

use super::batch_arrow;
use super::batch_chunk::Done;
use super::batch_rows::{internal, printable, status_cells, LineError, Loaded, Worker};
use arrow_array::{ArrayRef, RecordBatch};
use cairn::case;
use cairn::case::typed::Problem;
use cairn::cohort::arrow::{Evaluator, RowProblem};
use std::fmt::Write as _;
use std::panic::AssertUnwindSafe;
use std::sync::Arc;

impl Worker<'_> {
    /// Evaluates the loaded records of a text chunk into a record batch.
    pub fn binary_rows(&mut self, done: &mut Done, loaded: Vec<Loaded>, cases: Vec<case::Case>) {
        let mut all = Vec::with_capacity(loaded.len());
        let mut problems = Vec::with_capacity(loaded.len());
        let mut names = Vec::with_capacity(loaded.len());
        let mut lines = Vec::with_capacity(loaded.len());
        let mut cases = cases.into_iter();
        for record in loaded {
            match record {
                Loaded::Good { line, name } => {
                    all.push(cases.next().unwrap_or_default());
                    problems.push(Vec::new());
                    names.push(name);
                    lines.push(line as u64);
                    done.good += 1;
                }
                Loaded::Bad { line, errors } => {
                    self.error_lines(done, line, &errors);
                    all.push(case::Case::default());
                    problems.push(errors.into_iter().map(row_problem).collect());
                    names.push(None);
                    lines.push(line as u64);
                    done.bad += 1;
                }
            }
        }
        let name: ArrayRef = Arc::new(arrow_array::StringArray::from(names));
        self.finish_batch(
            done,
            |e| e.evaluate_cases(&all, &problems, Some(name)),
            lines,
        );
    }

    /// Evaluates one record batch of an Arrow cohort.
    pub fn arrow_chunk(&mut self, done: &mut Done, batch: &RecordBatch, first: usize) {
        if self.schema.is_none() && !self.options.derived && !self.options.missing {
            return self.arrow_statuses(done, batch, first);
        }
        let rows: Vec<u64> = (first..first + batch.num_rows())
            .map(|r| r as u64)
            .collect();
        let Some(evaluator) = self.evaluator.as_mut() else {
            return;
        };
        let result = std::panic::catch_unwind(AssertUnwindSafe(|| evaluator.evaluate(batch)));
        let out = match result {
            Ok(Ok(out)) => out,
            Ok(Err(e)) => {
                let _ = writeln!(done.err, "{}: error[{}]: {e}", self.cohort_name, code(&e));
                done.bad += batch.num_rows();
                return;
            }
            Err(_) => {
                let _ = writeln!(done.err, "{}: {}", self.cohort_name, internal().message);
                done.bad += batch.num_rows();
                return;
            }
        };
        report(done, self.cohort_name, evaluator, batch.num_rows(), first);
        match &self.schema {
            Some(schema) => match batch_arrow::with_numbers(schema, &out, rows) {
                Ok(b) => done.batch = Some(b),
                Err(e) => {
                    let _ = writeln!(done.err, "{}: error: {e}", self.cohort_name);
                }
            },
            None => {
                batch_arrow::csv_rows(&out, self.checked.model.recs.len(), first, &mut done.out)
            }
        }
    }

    /// Evaluates one record batch of an Arrow cohort for CSV rows of
    /// statuses only, written straight from the statuses (as
    /// `batch_arrow::csv_rows` writes the output batch of the same rows).
    fn arrow_statuses(&mut self, done: &mut Done, batch: &RecordBatch, first: usize) {
        let Some(evaluator) = self.evaluator.as_mut() else {
            return;
        };
        let result =
            std::panic::catch_unwind(AssertUnwindSafe(|| evaluator.evaluate_statuses(batch)));
        let name = match result {
            Ok(Ok(name)) => name.and_then(|i| batch.columns().get(i)),
            Ok(Err(e)) => {
                let _ = writeln!(done.err, "{}: error[{}]: {e}", self.cohort_name, code(&e));
                done.bad += batch.num_rows();
                return;
            }
            Err(_) => {
                let _ = writeln!(done.err, "{}: {}", self.cohort_name, internal().message);
                done.bad += batch.num_rows();
                return;
            }
        };
        report(done, self.cohort_name, evaluator, batch.num_rows(), first);
        let recs = self.checked.model.recs.len();
        let (statuses, problems) = (evaluator.statuses(), evaluator.problems());
        let mut number = itoa::Buffer::new();
        for row in 0..batch.num_rows() {
            done.out.push_str(number.format(first + row));
            done.out.push(',');
            if let Some(column) = name {
                batch_arrow::cell(column.as_ref(), row, &mut done.out);
            }
            match problems.get(row).is_some_and(|p| !p.is_empty()) {
                true => (0..recs).for_each(|_| done.out.push_str(",error")),
                false => status_cells(
                    statuses
                        .get(row * recs..(row + 1) * recs)
                        .unwrap_or_default(),
                    &mut done.out,
                ),
            }
            done.out.push('\n');
        }
    }

    /// Runs `evaluate` on the worker's evaluator and numbers the rows.
    fn finish_batch(
        &mut self,
        done: &mut Done,
        evaluate: impl FnOnce(&mut Evaluator) -> Result<RecordBatch, cairn::cohort::arrow::Error>,
        lines: Vec<u64>,
    ) {
        let (Some(evaluator), Some(schema)) = (self.evaluator.as_mut(), &self.schema) else {
            return;
        };
        let result = std::panic::catch_unwind(AssertUnwindSafe(|| evaluate(evaluator)));
        match result {
            Ok(Ok(out)) => {
                for (total, count) in done.counts.iter_mut().zip(evaluator.counts()) {
                    *total = *count;
                }
                match batch_arrow::with_numbers(schema, &out, lines) {
                    Ok(b) => done.batch = Some(b),
                    Err(e) => {
                        let _ = writeln!(done.err, "{}: error: {e}", self.cohort_name);
                    }
                }
            }
            Ok(Err(e)) => {
                let _ = writeln!(done.err, "{}: error[{}]: {e}", self.cohort_name, code(&e));
            }
            Err(_) => {
                let _ = writeln!(done.err, "{}: {}", self.cohort_name, internal().message);
            }
        }
    }
}

/// A text record's error as a row problem of a binary output.
fn row_problem(e: LineError) -> RowProblem {
    let column = e
        .cell
        .as_ref()
        .map(|(_, c)| c.clone())
        .filter(|c| !c.is_empty());
    RowProblem {
        column,
        problem: Problem {
            code: e.code,
            message: e.message,
            help: e.help,
        },
    }
}

/// The stable code of a cohort error.
fn code(e: &cairn::cohort::arrow::Error) -> String {
    miette::Diagnostic::code(e)
        .map(|c| c.to_string())
        .unwrap_or_default()
}

/// Writes the error lines of the rows of an evaluated batch that did not
/// run (numbered from `first`) and counts the rows and statuses.
fn report(done: &mut Done, cohort: &str, evaluator: &Evaluator, rows: usize, first: usize) {
    for (i, problems) in evaluator.problems().iter().enumerate() {
        if problems.is_empty() {
            continue;
        }
        for p in problems {
            let column = p
                .column
                .as_ref()
                .map(|c| format!(" (column `{c}`)"))
                .unwrap_or_default();
            let _ = writeln!(
                done.err,
                "{}:row {}: error[{}]: {}{}",
                cohort,
                first + i,
                p.problem.code,
                printable(&p.problem.message),
                printable(&column)
            );
            if let Some(help) = &p.problem.help {
                let _ = writeln!(done.err, "  help: {}", printable(help));
            }
        }
    }
    let bad = evaluator
        .problems()
        .iter()
        .filter(|p| !p.is_empty())
        .count();
    done.bad += bad;
    done.good += rows - bad;
    for (total, count) in done.counts.iter_mut().zip(evaluator.counts()) {
        *total = *count;
    }
}
