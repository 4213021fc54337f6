//! Python bindings: cohorts as Arrow data, zero-copy in (the Arrow
//! PyCapsule interface, through `pyo3-arrow`: pyarrow, polars, pandas,
//! arro3, DuckDB results), one output row per input row out.
//!
//! The decoding and encoding are the library's
//! (`cairn::cohort::arrow::Evaluator`): columns typed from the fact
//! declarations, nulls unknown, an `error` cell for a bad row. This module
//! only spreads the batches over threads with the GIL released: the input
//! is cut into slices of [`SLICE`] rows (views, not copies), each worker
//! evaluates slices with its own evaluator, and the output keeps the input's
//! order.

use arrow_array::RecordBatch;
use arrow_schema::{Schema, SchemaRef};
use cairn::cohort::arrow::{Error, Evaluator, Options};
use cairn::eval::Program;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

/// Rows per unit of work: large enough to amortise a slice, small enough
/// to keep both cores busy to the end.
const SLICE: usize = 16 * 1024;

/// The output options of an evaluation.
pub fn options(derived: bool, missing: bool) -> Options {
    Options {
        derived,
        missing,
        ..Options::default()
    }
}

/// The schema of the output for inputs of `input`'s schema.
pub fn output_schema(
    program: &Program,
    input: &Schema,
    options: Options,
) -> Result<SchemaRef, Error> {
    Ok(Evaluator::new(program, input, options)?.schema())
}

/// Evaluates every row of `batches` (all of `schema`) on up to `threads`
/// threads; the output batches are in input order, one per slice.
pub fn evaluate(
    program: &Program,
    schema: &Schema,
    batches: &[RecordBatch],
    options: Options,
    threads: usize,
) -> Result<(SchemaRef, Vec<RecordBatch>), Error> {
    let output = output_schema(program, schema, options)?;
    let slices: Vec<RecordBatch> = batches
        .iter()
        .flat_map(|b| {
            (0..b.num_rows())
                .step_by(SLICE)
                .map(move |at| b.slice(at, SLICE.min(b.num_rows() - at)))
        })
        .collect();
    let threads = threads.clamp(1, slices.len().max(1));
    let next = AtomicUsize::new(0);
    let done: Mutex<Vec<Option<Result<RecordBatch, Error>>>> =
        Mutex::new((0..slices.len()).map(|_| None).collect());
    let work = || -> Result<(), Error> {
        let mut evaluator = Evaluator::new(program, schema, options)?;
        loop {
            let i = next.fetch_add(1, Ordering::Relaxed);
            let Some(slice) = slices.get(i) else {
                return Ok(());
            };
            let out = evaluator.evaluate(slice);
            let mut done = done.lock().unwrap_or_else(|e| e.into_inner());
            if let Some(cell) = done.get_mut(i) {
                *cell = Some(out);
            }
        }
    };
    if threads == 1 {
        work()?;
    } else {
        std::thread::scope(|s| {
            let handles: Vec<_> = (0..threads).map(|_| s.spawn(work)).collect();
            handles.into_iter().try_for_each(|h| {
                h.join()
                    .unwrap_or_else(|_| Err(Error::Arrow("a worker panicked".into())))
            })
        })?;
    }
    let done = done.into_inner().unwrap_or_else(|e| e.into_inner());
    let out = done
        .into_iter()
        .map(|r| r.unwrap_or_else(|| Err(Error::Arrow("a slice was not evaluated".into()))))
        .collect::<Result<Vec<_>, Error>>()?;
    Ok((output, out))
}

/// One batch of `batches`, concatenated (the output of a single input
/// batch, which was evaluated in slices).
pub fn concat(schema: &SchemaRef, batches: &[RecordBatch]) -> Result<RecordBatch, Error> {
    arrow_select::concat::concat_batches(schema, batches).map_err(|e| Error::Arrow(e.to_string()))
}

/// The default number of threads: every core.
pub fn default_threads() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}
