//! Cohort stage: a guideline run over Arrow record batches, the interface
//! of `cairn batch` over Parquet and Arrow IPC files and of the Python
//! package.
//!
//! [`input_schema`] gives the columns a cohort may have, typed from the
//! fact declarations (see `columns` for every type accepted); a null is
//! unknown, a column left out is unknown (or its `absent means` value), and
//! a column that names no fact is an error with a did-you-mean.
//! [`evaluate_batch`] (or an [`Evaluator`], which keeps its buffers across
//! batches) gives one output row per input row (see `encode` for the
//! columns). A row with a bad value is not dropped: its statuses are null
//! and its `error` cell says what and in which column; the other rows run.

use super::columns;
use super::decode::Plan;
use super::encode::{self, Derived};
use crate::case::typed::Problem;
use crate::case::Case;
use crate::check::model::{DefId, RecId};
use crate::eval::outcome::Status;
use crate::eval::{BatchScratch, Program, Scratch};
use crate::value::Value;
use arrow_array::builder::{StringBuilder, UInt8Builder};
use arrow_array::{ArrayRef, RecordBatch};
use arrow_schema::{Schema, SchemaRef};
use miette::Diagnostic;
use std::fmt::Write as _;
use std::sync::Arc;
use thiserror::Error;

pub use super::columns::UNIT_KEY;

/// A cohort whose columns do not fit the guideline, or an output that
/// Arrow refused to build.
#[derive(Debug, Clone, Error, Diagnostic, PartialEq, Eq)]
pub enum Error {
    /// A column that names no fact, list or `name`.
    #[error("unknown column `{column}`")]
    #[diagnostic(code(cairn::cohort::unknown_column), help("{help}"))]
    UnknownColumn {
        /// The column as written.
        column: String,
        /// Did you mean, or what to do.
        help: String,
    },
    /// Two columns for the same fact.
    #[error("column `{column}` is given twice")]
    #[diagnostic(code(cairn::cohort::duplicate_column))]
    DuplicateColumn {
        /// The column as written.
        column: String,
    },
    /// A column whose Arrow type cannot hold the fact's values.
    #[error("column `{column}` has type `{found}`, but the fact is {expected}")]
    #[diagnostic(code(cairn::cohort::column_type), help("{help}"))]
    ColumnType {
        /// The column.
        column: String,
        /// Its Arrow type.
        found: String,
        /// What the fact is.
        expected: String,
        /// The types accepted.
        help: String,
    },
    /// A quantity column whose unit is not one of the fact's.
    #[error("column `{column}`: {message}")]
    #[diagnostic(code(cairn::cohort::column_unit))]
    ColumnUnit {
        /// The column.
        column: String,
        /// What is wrong with its unit.
        message: String,
    },
    /// Arrow refused to build the output batch (a bug).
    #[error("cannot build the output batch: {0}")]
    #[diagnostic(code(cairn::cohort::arrow))]
    Arrow(String),
}

/// One problem of a row that did not run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowProblem {
    /// The column the bad value is in (none for a broken constraint).
    pub column: Option<String>,
    /// What is wrong.
    pub problem: Problem,
}

/// The optional output columns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Options {
    /// A `derived.NAME` column per definition.
    pub derived: bool,
    /// A `missing.ID` column per recommendation: the facts that could
    /// decide it (empty unless it is undetermined).
    pub missing: bool,
    /// Run statuses-only batches 64 cases side by side
    /// ([`Program::statuses_batch`]).
    pub lanes: bool,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            derived: false,
            missing: false,
            lanes: true,
        }
    }
}

/// The columns a cohort of `program`'s guideline may have (see the module
/// documentation).
pub fn input_schema(program: &Program) -> Schema {
    columns::input_schema(program.model())
}

/// Evaluates every row of `batch`: one output row per input row.
pub fn evaluate_batch(
    program: &Program,
    batch: &RecordBatch,
    options: &Options,
) -> Result<RecordBatch, Error> {
    Evaluator::new(program, &batch.schema(), *options)?.evaluate(batch)
}

/// Evaluates batches of one schema, keeping its buffers across batches.
#[derive(Debug)]
pub struct Evaluator<'p> {
    program: &'p Program,
    plan: Option<Plan>,
    options: Options,
    output: SchemaRef,
    scratch: Scratch,
    lanes: BatchScratch,
    cases: Vec<Case>,
    problems: Vec<Vec<RowProblem>>,
    /// Per recommendation: applies, not applicable, undetermined, in the
    /// last batch.
    counts: Vec<[usize; 3]>,
    /// The constraints' slots, reused from batch to batch.
    slots: Vec<Option<Value>>,
    /// The statuses of the last batch ([`Evaluator::statuses`]).
    statuses: Vec<Status>,
}

impl<'p> Evaluator<'p> {
    /// An evaluator for batches of `schema`.
    pub fn new(program: &'p Program, schema: &Schema, options: Options) -> Result<Self, Error> {
        let plan = Plan::new(program, schema)?;
        let name = plan
            .name
            .and_then(|i| schema.fields().get(i))
            .map(|f| f.as_ref());
        let output = Arc::new(encode::schema(program.model(), options, name));
        Ok(Evaluator {
            program,
            plan: Some(plan),
            options,
            output,
            scratch: program.scratch(),
            lanes: program.batch_scratch(),
            cases: Vec::new(),
            problems: Vec::new(),
            counts: vec![[0; 3]; program.model().recs.len()],
            slots: Vec::new(),
            statuses: Vec::new(),
        })
    }

    /// The schema of the output batches.
    pub fn schema(&self) -> SchemaRef {
        self.output.clone()
    }

    /// The problems of each row of the last batch read by
    /// [`Evaluator::evaluate`] (empty for a row that ran).
    pub fn problems(&self) -> &[Vec<RowProblem>] {
        &self.problems
    }

    /// Per recommendation, in the last batch: how many rows it applies to,
    /// does not apply to, and is undetermined for.
    pub fn counts(&self) -> &[[usize; 3]] {
        &self.counts
    }

    /// An evaluator of cases loaded elsewhere (`cairn batch` over CSV or
    /// JSON lines writing Parquet), through [`Evaluator::evaluate_cases`];
    /// `name` adds a text `name` column.
    pub fn for_cases(program: &'p Program, options: Options, name: bool) -> Self {
        let field = arrow_schema::Field::new("name", arrow_schema::DataType::Utf8, true);
        let output = Arc::new(encode::schema(
            program.model(),
            options,
            name.then_some(&field),
        ));
        Evaluator {
            program,
            plan: None,
            options,
            output,
            scratch: program.scratch(),
            lanes: program.batch_scratch(),
            cases: Vec::new(),
            problems: Vec::new(),
            counts: vec![[0; 3]; program.model().recs.len()],
            slots: Vec::new(),
            statuses: Vec::new(),
        }
    }

    /// Evaluates every row of `batch`.
    pub fn evaluate(&mut self, batch: &RecordBatch) -> Result<RecordBatch, Error> {
        let plan = match self.plan.take() {
            Some(plan) if plan.fits(&batch.schema()) => plan,
            _ => Plan::new(self.program, &batch.schema())?,
        };
        let mut cases = std::mem::take(&mut self.cases);
        let mut problems = std::mem::take(&mut self.problems);
        plan.decode(
            self.program,
            batch,
            &mut cases,
            &mut problems,
            &mut self.slots,
        );
        let name = plan.name.and_then(|i| batch.columns().get(i)).cloned();
        let out = self.evaluate_cases(&cases, &problems, name);
        self.plan = Some(plan);
        self.cases = cases;
        self.problems = problems;
        out
    }

    /// Evaluates every row of `batch` for its statuses only, without an
    /// output batch (the text output of `cairn batch`): they are then
    /// [`Evaluator::statuses`]. Gives the index of the batch's `name`
    /// column, if any. [`Evaluator::counts`] counts the rows that ran.
    pub fn evaluate_statuses(&mut self, batch: &RecordBatch) -> Result<Option<usize>, Error> {
        let plan = match self.plan.take() {
            Some(plan) if plan.fits(&batch.schema()) => plan,
            _ => Plan::new(self.program, &batch.schema())?,
        };
        let program = self.program;
        let recs = program.model().recs.len();
        plan.decode(
            program,
            batch,
            &mut self.cases,
            &mut self.problems,
            &mut self.slots,
        );
        let name = plan.name;
        self.plan = Some(plan);
        self.counts.iter_mut().for_each(|c| *c = [0; 3]);
        self.statuses.clear();
        if self.options.lanes && self.problems.iter().all(Vec::is_empty) {
            // Every row ran: 64 cases side by side.
            let statuses = program.statuses_batch(&self.cases, &mut self.lanes);
            self.statuses.extend_from_slice(statuses);
        } else {
            for (case, problems) in self.cases.iter().zip(&self.problems) {
                if problems.is_empty() {
                    let statuses = program.statuses(case, &mut self.scratch);
                    self.statuses.extend_from_slice(statuses);
                } else {
                    self.statuses
                        .extend(std::iter::repeat_n(Status::Undetermined, recs));
                }
            }
        }
        for (row, problems) in self.statuses.chunks_exact(recs.max(1)).zip(&self.problems) {
            if !problems.is_empty() {
                continue;
            }
            for (s, c) in row.iter().zip(self.counts.iter_mut()) {
                if let Some(n) = c.get_mut(usize::from(encode::key(*s))) {
                    *n += 1;
                }
            }
        }
        Ok(name)
    }

    /// The statuses of the last batch read by
    /// [`Evaluator::evaluate_statuses`]: one per recommendation for each
    /// row, row after row. A row with problems ([`Evaluator::problems`])
    /// did not run: its statuses mean nothing.
    pub fn statuses(&self) -> &[Status] {
        &self.statuses
    }

    /// Evaluates `cases`, a row each; a row with problems is not run and
    /// its `error` cell gives them. `name` is the output's `name` column
    /// (when the output schema has one).
    pub fn evaluate_cases(
        &mut self,
        cases: &[Case],
        problems: &[Vec<RowProblem>],
        name: Option<ArrayRef>,
    ) -> Result<RecordBatch, Error> {
        let program = self.program;
        let model = program.model();
        let rows = cases.len();
        let recs = model.recs.len();
        let mut keys: Vec<UInt8Builder> = (0..recs)
            .map(|_| UInt8Builder::with_capacity(rows))
            .collect();
        let mut derived: Vec<Derived> = match self.options.derived {
            true => model
                .defs
                .iter()
                .map(|d| Derived::new(model, d.ty, rows))
                .collect(),
            false => Vec::new(),
        };
        let mut missing: Vec<_> = match self.options.missing {
            true => (0..recs).map(|_| encode::missing_builder(rows)).collect(),
            false => Vec::new(),
        };
        let mut errors = StringBuilder::with_capacity(rows, 0);
        self.counts.iter_mut().for_each(|c| *c = [0; 3]);
        let all_good = problems.iter().all(Vec::is_empty);
        let statuses_only = !self.options.derived && !self.options.missing;
        if self.options.lanes && statuses_only && all_good {
            // Every row ran: 64 cases side by side.
            let statuses = program.statuses_batch(cases, &mut self.lanes);
            for row in statuses.chunks_exact(recs.max(1)) {
                push_statuses(row, &mut keys, &mut self.counts);
                errors.append_null();
            }
        } else {
            let mut names: Vec<&str> = Vec::new();
            let none = Vec::new();
            for (i, case) in cases.iter().enumerate() {
                let problems = problems.get(i).unwrap_or(&none);
                if !problems.is_empty() {
                    keys.iter_mut().for_each(UInt8Builder::append_null);
                    for (d, info) in derived.iter_mut().zip(&model.defs) {
                        d.push(model, info.ty, None);
                    }
                    missing.iter_mut().for_each(|m| m.append_null());
                    errors.append_value(error_text(problems));
                    continue;
                }
                let statuses = program.statuses(case, &mut self.scratch);
                push_statuses(statuses, &mut keys, &mut self.counts);
                for (i, (d, info)) in derived.iter_mut().zip(&model.defs).enumerate() {
                    let v = program.def_value(&self.scratch, DefId(i as u32));
                    d.push(model, info.ty, v);
                }
                for (r, m) in missing.iter_mut().enumerate() {
                    names.clear();
                    for f in program
                        .missing_into(&mut self.scratch, RecId(r as u32))
                        .iter()
                    {
                        let name = model.user_name(crate::check::model::FactId(f as u32));
                        if let Some(n) = name.filter(|n| !names.contains(n)) {
                            names.push(n);
                            m.values().append_value(n);
                        }
                    }
                    m.append(true);
                }
                errors.append_null();
            }
        }
        let mut columns: Vec<ArrayRef> = Vec::with_capacity(self.output.fields().len());
        let has_name = self.output.fields().len() > recs + derived.len() + missing.len() + 1;
        match name {
            Some(column) if has_name => columns.push(column),
            None if has_name => columns.push(arrow_array::new_null_array(
                &arrow_schema::DataType::Utf8,
                rows,
            )),
            _ => {}
        }
        columns.extend(keys.into_iter().map(encode::status_column));
        columns.extend(derived.into_iter().map(Derived::finish));
        columns.extend(missing.iter_mut().map(|m| Arc::new(m.finish()) as ArrayRef));
        columns.push(Arc::new(errors.finish()));
        RecordBatch::try_new(self.output.clone(), columns).map_err(|e| Error::Arrow(e.to_string()))
    }
}

fn push_statuses(statuses: &[Status], keys: &mut [UInt8Builder], counts: &mut [[usize; 3]]) {
    for ((s, k), c) in statuses.iter().zip(keys.iter_mut()).zip(counts.iter_mut()) {
        let key = encode::key(*s);
        k.append_value(key);
        if let Some(n) = c.get_mut(usize::from(key)) {
            *n += 1;
        }
    }
}

/// A row's error cell: each problem as `error[CODE]: MESSAGE (column `C`)`,
/// one per line.
pub fn error_text(problems: &[RowProblem]) -> String {
    let mut out = String::new();
    for (i, p) in problems.iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        let _ = write!(out, "error[{}]: {}", p.problem.code, p.problem.message);
        if let Some(c) = &p.column {
            let _ = write!(out, " (column `{c}`)");
        }
    }
    out
}
