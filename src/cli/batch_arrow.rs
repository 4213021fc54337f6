//! Command line: `cairn batch` and `cairn cohort` over Arrow: a cohort read
//! from Parquet or Arrow IPC (file or stream) one record batch at a time,
//! and Parquet or Arrow IPC output written atomically (into a temporary
//! file in the target's folder, renamed over the target only once
//! complete, so a failed run leaves no partial file), and an output batch
//! written as CSV rows.

use super::batch_rows::csv;
use arrow_array::cast::AsArray;
use arrow_array::types::{UInt32Type, UInt8Type};
use arrow_array::{Array, ArrayRef, RecordBatch, UInt64Array};
use arrow_schema::{DataType, Field, Schema, SchemaRef};
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use parquet::arrow::ArrowWriter;
use parquet::basic::Compression;
use parquet::file::properties::WriterProperties;
use std::fmt::Write as _;
use std::io::{BufReader, BufWriter};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Rows per record batch read from Parquet.
pub const BATCH_ROWS: usize = 8192;

/// Rows per Parquet row group written: the writer holds one in memory.
const ROW_GROUP_ROWS: usize = 65_536;

/// The record batches of a cohort, in order.
pub type Batches = Box<dyn Iterator<Item = Result<RecordBatch, String>> + Send>;

/// The binary layouts read and written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    Parquet,
    /// Arrow IPC file (`.arrow`, `.feather`).
    IpcFile,
    /// Arrow IPC stream (`.arrows`, `.ipc`; standard input).
    IpcStream,
}

impl Layout {
    /// The layout a file's extension names, if any.
    pub fn of(path: &Path) -> Option<Layout> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        match ext.as_str() {
            "parquet" | "pq" => Some(Layout::Parquet),
            "arrow" | "feather" => Some(Layout::IpcFile),
            "arrows" | "ipc" => Some(Layout::IpcStream),
            _ => None,
        }
    }
}

/// Opens a cohort for reading: its schema and its batches.
pub fn open(path: &Path, layout: Layout) -> Result<(SchemaRef, Batches), String> {
    let stdin = path == Path::new("-");
    if stdin && layout != Layout::IpcStream {
        return Err("standard input is read as an Arrow IPC stream only".into());
    }
    let file = || std::fs::File::open(path).map_err(|e| e.to_string());
    match layout {
        Layout::Parquet => {
            let builder = ParquetRecordBatchReaderBuilder::try_new(file()?)
                .map_err(|e| e.to_string())?
                .with_batch_size(BATCH_ROWS);
            let reader = builder.build().map_err(|e| e.to_string())?;
            let schema = arrow_array::RecordBatchReader::schema(&reader);
            Ok((
                schema,
                Box::new(reader.map(|b| b.map_err(|e| e.to_string()))),
            ))
        }
        Layout::IpcFile => {
            let reader = arrow_ipc::reader::FileReader::try_new(BufReader::new(file()?), None)
                .map_err(|e| e.to_string())?;
            let schema = reader.schema();
            Ok((
                schema,
                Box::new(reader.map(|b| b.map_err(|e| e.to_string()))),
            ))
        }
        Layout::IpcStream => {
            let input: Box<dyn std::io::Read + Send> = if stdin {
                Box::new(std::io::stdin())
            } else {
                Box::new(file()?)
            };
            let reader = arrow_ipc::reader::StreamReader::try_new(BufReader::new(input), None)
                .map_err(|e| e.to_string())?;
            let schema = reader.schema();
            Ok((
                schema,
                Box::new(reader.map(|b| b.map_err(|e| e.to_string()))),
            ))
        }
    }
}

enum Writer {
    Parquet(ArrowWriter<std::fs::File>),
    Ipc(arrow_ipc::writer::FileWriter<BufWriter<std::fs::File>>),
    Stream(arrow_ipc::writer::StreamWriter<BufWriter<std::fs::File>>),
}

/// A binary output file being written: it appears at its path only when
/// [`Output::finish`] succeeds.
pub struct Output {
    writer: Writer,
    temp: tempfile::NamedTempFile,
    path: PathBuf,
}

impl Output {
    /// Starts writing batches of `schema` to `path`.
    pub fn create(path: &Path, layout: Layout, schema: &SchemaRef) -> Result<Output, String> {
        let dir = match path.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        let temp = tempfile::Builder::new()
            .prefix(".cairn-")
            .tempfile_in(&dir)
            .map_err(|e| format!("cannot create a file in `{}`: {e}", dir.display()))?;
        let file = temp.as_file().try_clone().map_err(|e| e.to_string())?;
        let writer = match layout {
            Layout::Parquet => {
                let props = WriterProperties::builder()
                    .set_compression(Compression::SNAPPY)
                    .set_max_row_group_row_count(Some(ROW_GROUP_ROWS))
                    .build();
                Writer::Parquet(
                    ArrowWriter::try_new(file, schema.clone(), Some(props))
                        .map_err(|e| e.to_string())?,
                )
            }
            Layout::IpcFile => Writer::Ipc(
                arrow_ipc::writer::FileWriter::try_new(BufWriter::new(file), schema)
                    .map_err(|e| e.to_string())?,
            ),
            Layout::IpcStream => Writer::Stream(
                arrow_ipc::writer::StreamWriter::try_new(BufWriter::new(file), schema)
                    .map_err(|e| e.to_string())?,
            ),
        };
        Ok(Output {
            writer,
            temp,
            path: path.to_path_buf(),
        })
    }

    /// Appends a batch.
    pub fn write(&mut self, batch: &RecordBatch) -> Result<(), String> {
        match &mut self.writer {
            Writer::Parquet(w) => w.write(batch).map_err(|e| e.to_string()),
            Writer::Ipc(w) => w.write(batch).map_err(|e| e.to_string()),
            Writer::Stream(w) => w.write(batch).map_err(|e| e.to_string()),
        }
    }

    /// Completes the file and moves it to its path.
    pub fn finish(self) -> Result<(), String> {
        let done = match self.writer {
            Writer::Parquet(w) => w.close().map(|_| ()).map_err(|e| e.to_string()),
            Writer::Ipc(mut w) => w.finish().map_err(|e| e.to_string()),
            Writer::Stream(mut w) => w.finish().map_err(|e| e.to_string()),
        };
        done?;
        self.temp.as_file().sync_all().map_err(|e| e.to_string())?;
        readable(self.temp.as_file());
        self.temp
            .persist(&self.path)
            .map(|_| ())
            .map_err(|e| format!("cannot write `{}`: {}", self.path.display(), e.error))
    }
}

/// Makes a finished output file readable as a file created directly would
/// be (a temporary file is private to its owner).
pub fn readable(file: &std::fs::File) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let _ = file.set_permissions(std::fs::Permissions::from_mode(0o644));
    }
    #[cfg(not(unix))]
    let _ = file;
}

/// The output schema with a first column numbering the rows (`line` for
/// text cohorts, `row` for Arrow ones).
pub fn numbered(schema: &Schema, number: &str) -> SchemaRef {
    let mut fields = vec![Arc::new(Field::new(number, DataType::UInt64, false))];
    fields.extend(schema.fields().iter().cloned());
    Arc::new(Schema::new(fields))
}

/// `batch` with its rows numbered first (`numbers`, one per row).
pub fn with_numbers(
    schema: &SchemaRef,
    batch: &RecordBatch,
    numbers: Vec<u64>,
) -> Result<RecordBatch, String> {
    let mut columns: Vec<ArrayRef> = vec![Arc::new(UInt64Array::from(numbers))];
    columns.extend(batch.columns().iter().cloned());
    RecordBatch::try_new(schema.clone(), columns).map_err(|e| e.to_string())
}

/// Writes the rows of an evaluated batch as CSV (`row,name,statuses...,
/// derived...,missing...`), the first numbered from `first`; a row in error
/// has `error` in every status cell, as the text cohorts' rows do.
pub fn csv_rows(batch: &RecordBatch, recs: usize, first: usize, out: &mut String) {
    let schema = batch.schema();
    let has_name = schema.field(0).name() == "name";
    let start = usize::from(has_name);
    let errors = batch
        .column_by_name("error")
        .and_then(|e| e.as_string_opt::<i32>());
    let last = batch.num_columns().saturating_sub(1);
    // Each dictionary column's values as cells, once per batch (statuses,
    // enum values): a row's cell is then one copy.
    let dictionaries: Vec<Option<(Vec<usize>, Vec<String>)>> = batch
        .columns()
        .iter()
        .map(|c| dictionary_cells(c.as_ref()))
        .collect();
    for row in 0..batch.num_rows() {
        let _ = write!(out, "{},", first + row);
        if has_name {
            cell(batch.column(0).as_ref(), row, out);
        }
        let bad = errors.is_some_and(|e| e.is_valid(row));
        for (i, column) in batch.columns().iter().enumerate().take(last).skip(start) {
            out.push(',');
            if bad && i < start + recs {
                out.push_str("error");
            } else if let Some(Some((keys, cells))) = dictionaries.get(i) {
                if column.is_valid(row) {
                    let k = keys.get(row).copied().unwrap_or(usize::MAX);
                    out.push_str(cells.get(k).map_or("", String::as_str));
                }
            } else {
                cell(column.as_ref(), row, out);
            }
        }
        out.push('\n');
    }
}

/// A dictionary column's keys and its values as CSV cells.
fn dictionary_cells(array: &dyn Array) -> Option<(Vec<usize>, Vec<String>)> {
    let d = array.as_any_dictionary_opt()?;
    let values = d.values().as_string_opt::<i32>()?;
    let cells = (0..values.len()).map(|i| csv(values.value(i))).collect();
    Some((d.normalized_keys(), cells))
}

/// One cell of an output column, as the text cohorts' CSV writes it.
pub fn cell(array: &dyn Array, row: usize, out: &mut String) {
    if array.is_null(row) {
        return;
    }
    match array.data_type() {
        DataType::Dictionary(key, _) => {
            let (k, values) = match key.as_ref() {
                DataType::UInt8 => {
                    let d = array.as_dictionary::<UInt8Type>();
                    (d.keys().value(row) as usize, d.values())
                }
                DataType::UInt32 => {
                    let d = array.as_dictionary::<UInt32Type>();
                    (d.keys().value(row) as usize, d.values())
                }
                _ => return,
            };
            if let Some(v) = values.as_string_opt::<i32>().filter(|v| k < v.len()) {
                out.push_str(&csv(v.value(k)));
            }
        }
        DataType::Utf8 => out.push_str(&csv(array.as_string::<i32>().value(row))),
        DataType::Boolean => {
            let _ = write!(out, "{}", array.as_boolean().value(row));
        }
        DataType::Int64 => {
            let v = array.as_primitive::<arrow_array::types::Int64Type>();
            let _ = write!(out, "{}", v.value(row));
        }
        DataType::Float64 => {
            let v = array.as_primitive::<arrow_array::types::Float64Type>();
            let _ = write!(out, "{}", cairn::value::json::number(v.value(row)));
        }
        DataType::Date32 => {
            let v = array.as_primitive::<arrow_array::types::Date32Type>();
            out.push_str(&cairn::value::format_date(v.value(row)));
        }
        DataType::List(_) => {
            let l = array.as_list::<i32>();
            let items = l.value(row);
            let names: Vec<&str> = items
                .as_string_opt::<i32>()
                .map(|s| s.iter().flatten().collect())
                .unwrap_or_default();
            out.push_str(&csv(&names.join(";")));
        }
        _ => {}
    }
}
