//! Python bindings: the native module `cairn._cairn` behind the `cairn`
//! package (`python/cairn/`).
//!
//! The module is deliberately small. A guideline is loaded and checked
//! once into a [`Guideline`] (checked model, compiled program and a reused
//! scratch space); cases and outcomes cross the boundary as JSON text, the
//! same contract as `cairn run --format json`, so the Python package and the
//! command line cannot drift apart. Errors are raised as the exception
//! classes of `cairn._errors` with the rendered diagnostics (see
//! [`errors`]).

mod arrow;
mod errors;
mod model;

use arrow_array::RecordBatch;
use cairn::check::Checked;
use cairn::eval::{self, Program, Scratch};
use cairn::syntax::{self, FsLoader};
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3_arrow::input::AnyRecordBatch;
use pyo3_arrow::{PyRecordBatch, PySchema, PyTable};
use std::path::PathBuf;
use std::sync::{Arc, Mutex, MutexGuard};

/// Width of rendered diagnostics and explanations, as on the command line.
const WIDTH: usize = 100;

/// A checked and compiled guideline.
#[pyclass(frozen, module = "cairn._cairn")]
pub struct Guideline {
    checked: Checked,
    program: Program,
    /// Reused between evaluations; a second thread waits for it.
    scratch: Mutex<Scratch>,
    name: String,
}

impl Guideline {
    /// Checks a parsed guideline and compiles it.
    fn build(py: Python<'_>, name: String, parsed: cairn::Parsed) -> PyResult<Guideline> {
        let checked = parsed
            .check()
            .map_err(|f| errors::failed(py, errors::GUIDELINE, &f))?;
        let program = Program::new(&checked);
        let scratch = Mutex::new(program.scratch());
        Ok(Guideline {
            checked,
            program,
            scratch,
            name,
        })
    }

    /// The scratch space; a panic in an earlier evaluation leaves it
    /// poisoned, and [`Program::evaluate_with`] resizes what it needs.
    fn scratch(&self) -> MutexGuard<'_, Scratch> {
        self.scratch.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Loads a case from its JSON text, raising `CaseError`.
    fn case(&self, py: Python<'_>, json: &str, name: &str) -> PyResult<cairn::CaseFile> {
        cairn::case::load(&self.checked, name, json)
            .map_err(|f| errors::failed(py, errors::CASE, &f))
    }
}

#[pymethods]
impl Guideline {
    /// Reads, parses and checks the guideline file at `path`; `include`s
    /// may also resolve inside `include_paths`.
    #[staticmethod]
    #[pyo3(signature = (path, include_paths = Vec::new()))]
    fn load(py: Python<'_>, path: PathBuf, include_paths: Vec<PathBuf>) -> PyResult<Guideline> {
        let name = path.to_string_lossy().to_string();
        let text = syntax::include::read_named(&path).map_err(|e| {
            // The kind picks the Python class (`FileNotFoundError`, …).
            let e = std::io::Error::from(e);
            PyErr::from(std::io::Error::new(
                e.kind(),
                format!("cannot read `{name}`: {e}"),
            ))
        })?;
        let parsed = syntax::parse_with_paths(&name, &text, &FsLoader, &include_paths);
        Guideline::build(py, name, parsed)
    }

    /// Parses and checks a guideline's text; `name` is the file name shown
    /// in diagnostics, and `include`s are read relative to it.
    #[staticmethod]
    #[pyo3(signature = (text, name = "<source>".to_string(), include_paths = Vec::new()))]
    fn from_source(
        py: Python<'_>,
        text: &str,
        name: String,
        include_paths: Vec<PathBuf>,
    ) -> PyResult<Guideline> {
        let parsed = syntax::parse_with_paths(&name, text, &FsLoader, &include_paths);
        Guideline::build(py, name, parsed)
    }

    /// The file name the guideline was loaded under.
    #[getter]
    fn name(&self) -> &str {
        &self.name
    }

    /// The checker's warnings: the rendered text and their JSON list.
    fn warnings(&self) -> (String, String) {
        let warnings = &self.checked.warnings;
        let json = warnings.to_json(&self.checked.sources);
        (
            warnings.render(&self.checked.sources, WIDTH),
            serde_json::to_string(&json).unwrap_or_else(|_| "[]".into()),
        )
    }

    /// The guideline's header, facts, definitions and recommendations, as
    /// JSON (see `model::describe`).
    fn model_json(&self) -> String {
        model::describe(&self.checked.model).to_string()
    }

    /// Evaluates the case in `case_json` (a case file's JSON) and returns
    /// the outcome's JSON, that of `cairn run --format json` (`--trace`
    /// with `trace`).
    #[pyo3(signature = (case_json, name = "<case>", trace = false))]
    fn evaluate_json(
        &self,
        py: Python<'_>,
        case_json: &str,
        name: &str,
        trace: bool,
    ) -> PyResult<String> {
        let case = self.case(py, case_json, name)?;
        let mut scratch = self.scratch();
        let outcome = self
            .program
            .evaluate_with(&case.case, &mut scratch, eval::Options { trace });
        serde_json::to_string(&outcome).map_err(|e| errors::internal(&e))
    }

    /// Explains recommendation `id` for a case: the text of `cairn
    /// explain` and the JSON list of the same trace steps.
    #[pyo3(signature = (case_json, id, name = "<case>"))]
    fn explain(
        &self,
        py: Python<'_>,
        case_json: &str,
        id: &str,
        name: &str,
    ) -> PyResult<(String, String)> {
        let case = self.case(py, case_json, name)?;
        let mut scratch = self.scratch();
        let options = eval::Options { trace: true };
        let outcome = self
            .program
            .evaluate_with(&case.case, &mut scratch, options);
        match eval::explain(&outcome, &self.checked, id) {
            Ok(steps) => {
                let text = eval::render::steps(&steps, &outcome, &self.checked, WIDTH);
                let json = serde_json::to_string(&steps).map_err(|e| errors::internal(&e))?;
                Ok((text, json))
            }
            Err(e) => Err(errors::one(py, errors::UNKNOWN_RECOMMENDATION, e)),
        }
    }

    /// The Arrow schema of a cohort: a nullable column per fact, typed
    /// from its declaration (a quantity's unit in the field's metadata).
    fn input_schema(&self) -> PySchema {
        PySchema::new(Arc::new(cairn::cohort::arrow::input_schema(&self.program)))
    }

    /// The schema of the output for inputs of `schema`; raises
    /// `CohortError` when a column does not fit the guideline.
    #[pyo3(signature = (schema, derived = false, missing = false))]
    fn output_schema(
        &self,
        py: Python<'_>,
        schema: PySchema,
        derived: bool,
        missing: bool,
    ) -> PyResult<PySchema> {
        let schema: arrow_schema::SchemaRef = schema.into();
        let options = arrow::options(derived, missing);
        arrow::output_schema(&self.program, &schema, options)
            .map(PySchema::new)
            .map_err(|e| errors::one(py, errors::COHORT, e))
    }

    /// Evaluates every row of an Arrow stream or table (anything with
    /// `__arrow_c_stream__` or `__arrow_c_array__`), the GIL released, on
    /// `threads` threads (default: every core); one output row per input row.
    #[pyo3(signature = (data, derived = false, missing = false, threads = None))]
    fn evaluate_stream(
        &self,
        py: Python<'_>,
        data: AnyRecordBatch,
        derived: bool,
        missing: bool,
        threads: Option<usize>,
    ) -> PyResult<PyTable> {
        // Reading the stream may call back into Python: with the GIL held.
        let reader = data.into_reader()?;
        let schema = reader.schema();
        let batches = reader
            .collect::<Result<Vec<RecordBatch>, _>>()
            .map_err(|e| PyValueError::new_err(e.to_string()))?;
        let (schema, out) = self.run(py, &schema, &batches, derived, missing, threads)?;
        PyTable::try_new(out, schema)
    }

    /// [`Guideline::evaluate_stream`] for one record batch, giving one.
    #[pyo3(signature = (batch, derived = false, missing = false, threads = None))]
    fn evaluate_batch(
        &self,
        py: Python<'_>,
        batch: PyRecordBatch,
        derived: bool,
        missing: bool,
        threads: Option<usize>,
    ) -> PyResult<PyRecordBatch> {
        let batch = batch.into_inner();
        let (schema, out) = self.run(py, &batch.schema(), &[batch], derived, missing, threads)?;
        arrow::concat(&schema, &out)
            .map(PyRecordBatch::new)
            .map_err(|e| errors::one(py, errors::COHORT, e))
    }
}

impl Guideline {
    /// Evaluates batches with the GIL released.
    fn run(
        &self,
        py: Python<'_>,
        schema: &arrow_schema::Schema,
        batches: &[RecordBatch],
        derived: bool,
        missing: bool,
        threads: Option<usize>,
    ) -> PyResult<(arrow_schema::SchemaRef, Vec<RecordBatch>)> {
        let options = arrow::options(derived, missing);
        let threads = threads.unwrap_or_else(arrow::default_threads);
        let program = &self.program;
        py.detach(|| arrow::evaluate(program, schema, batches, options, threads))
            .map_err(|e| errors::one(py, errors::COHORT, e))
    }
}

/// The native module.
#[pymodule]
fn _cairn(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<Guideline>()?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    Ok(())
}
