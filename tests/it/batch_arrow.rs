//! `cairn batch` over Parquet and Arrow IPC: a generated cohort gives the
//! same statuses row for row from CSV, JSON lines, Parquet and Arrow IPC
//! (file and stream), in CSV and in Parquet output, as `cairn run` gives
//! case by case; a mistyped or unknown column is refused naming it; a bad
//! value costs its row only, reported with row number and column; a binary
//! output never goes to a terminal and never appears half written.

use arrow_array::cast::AsArray;
use arrow_array::types::UInt8Type;
use arrow_array::{Array, ArrayRef, Int64Array, RecordBatch, StringArray};
use arrow_schema::{Field, Schema};
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use std::path::Path;
use std::process::Command;
use std::sync::Arc;

const SARCOMA: &str = "guidelines/rps/initial-management.cairn";

fn cairn(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_cairn"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    let text = |b: Vec<u8>| String::from_utf8(b).unwrap();
    (
        out.status.code().unwrap(),
        text(out.stdout),
        text(out.stderr),
    )
}

fn path(dir: &Path, name: &str) -> String {
    dir.join(name).to_str().unwrap().to_string()
}

/// The status cells of CSV batch output, row by row (numbers and names
/// left out).
fn statuses(out: &str) -> Vec<String> {
    out.lines()
        .skip(1)
        .map(|l| l.splitn(3, ',').nth(2).unwrap().to_string())
        .collect()
}

/// The status cells of a Parquet batch output, as CSV would write them.
fn parquet_statuses(file: &str, recs: usize) -> Vec<String> {
    let reader = ParquetRecordBatchReaderBuilder::try_new(std::fs::File::open(file).unwrap())
        .unwrap()
        .build()
        .unwrap();
    let mut rows = Vec::new();
    for batch in reader {
        let batch = batch.unwrap();
        assert_eq!(batch.schema().field(0).name(), "line");
        assert_eq!(batch.schema().field(1).name(), "name");
        for row in 0..batch.num_rows() {
            let cells: Vec<String> = (2..2 + recs)
                .map(|c| {
                    let d = batch.column(c).as_dictionary::<UInt8Type>();
                    let k = d.key(row).unwrap();
                    d.values().as_string::<i32>().value(k).to_string()
                })
                .collect();
            rows.push(cells.join(","));
        }
    }
    rows
}

fn write_ipc(file: &str, batches: &[RecordBatch]) {
    let f = std::fs::File::create(file).unwrap();
    let mut w = arrow_ipc::writer::FileWriter::try_new(f, &batches[0].schema()).unwrap();
    for b in batches {
        w.write(b).unwrap();
    }
    w.finish().unwrap();
}

fn batch(columns: Vec<(&str, ArrayRef)>) -> RecordBatch {
    let fields: Vec<Field> = columns
        .iter()
        .map(|(n, a)| Field::new(*n, a.data_type().clone(), true))
        .collect();
    RecordBatch::try_new(
        Arc::new(Schema::new(fields)),
        columns.into_iter().map(|(_, a)| a).collect(),
    )
    .unwrap()
}

#[test]
fn every_format_gives_the_same_statuses_row_for_row() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let n = "3000";
    let (code, csv, _) = cairn(&["cohort", SARCOMA, "-n", n]);
    assert_eq!(code, 0);
    std::fs::write(d.join("c.csv"), &csv).unwrap();
    let (_, jsonl, _) = cairn(&["cohort", SARCOMA, "-n", n, "--format", "jsonl"]);
    std::fs::write(d.join("c.jsonl"), &jsonl).unwrap();
    for (format, file) in [
        ("parquet", "c.parquet"),
        ("arrow", "c.arrow"),
        ("arrow", "c.arrows"),
    ] {
        let (code, _, err) = cairn(&[
            "cohort",
            SARCOMA,
            "-n",
            n,
            "--format",
            format,
            "-o",
            &path(d, file),
        ]);
        assert_eq!(code, 0, "{err}");
    }
    let reference = {
        let (code, out, err) = cairn(&[
            "batch",
            SARCOMA,
            &path(d, "c.csv"),
            "--format",
            "csv",
            "--lanes",
            "1",
        ]);
        assert_eq!(code, 0, "{err}");
        statuses(&out)
    };
    assert_eq!(reference.len(), 3000);
    for file in ["c.csv", "c.jsonl", "c.parquet", "c.arrow", "c.arrows"] {
        for threads in ["1", "2"] {
            let (code, out, err) = cairn(&[
                "batch",
                SARCOMA,
                &path(d, file),
                "--format",
                "csv",
                "--threads",
                threads,
            ]);
            assert_eq!(code, 0, "{file}: {err}");
            assert!(err.contains("3000 cases evaluated, 0 bad lines"), "{err}");
            assert_eq!(statuses(&out), reference, "{file} with {threads} threads");
        }
    }
    // Parquet output, from a text cohort and from a Parquet one.
    let recs = reference[0].split(',').count();
    let (code, _, err) = cairn(&[
        "batch",
        SARCOMA,
        &path(d, "c.csv"),
        "--format",
        "parquet",
        "-o",
        &path(d, "o.parquet"),
    ]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(parquet_statuses(&path(d, "o.parquet"), recs), reference);
    // Derived values and missing facts agree between CSV and Parquet input.
    let extras = |file: &str| {
        let (code, out, err) = cairn(&[
            "batch",
            SARCOMA,
            &path(d, file),
            "--format",
            "csv",
            "--derived",
            "--missing",
        ]);
        assert_eq!(code, 0, "{err}");
        statuses(&out)
    };
    let from_csv = extras("c.csv");
    assert_eq!(from_csv, extras("c.parquet"));
    assert!(from_csv[0].split(',').count() > recs);
}

#[test]
fn the_first_rows_agree_with_cairn_run() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let (_, jsonl, _) = cairn(&["cohort", SARCOMA, "-n", "40", "--format", "jsonl"]);
    let (code, _, _) = cairn(&[
        "cohort",
        SARCOMA,
        "-n",
        "40",
        "--format",
        "parquet",
        "-o",
        &path(d, "c.parquet"),
    ]);
    assert_eq!(code, 0);
    let (code, out, err) = cairn(&["batch", SARCOMA, &path(d, "c.parquet"), "--format", "csv"]);
    assert_eq!(code, 0, "{err}");
    let header: Vec<String> = out
        .lines()
        .next()
        .unwrap()
        .split(',')
        .skip(2)
        .map(str::to_string)
        .collect();
    for (line, row) in jsonl.lines().zip(statuses(&out)) {
        let case = d.join("case.json");
        std::fs::write(&case, line).unwrap();
        let (code, json, err) = cairn(&[
            "run",
            SARCOMA,
            "--case",
            case.to_str().unwrap(),
            "--format",
            "json",
        ]);
        assert_eq!(code, 0, "{err}");
        let outcome: serde_json::Value = serde_json::from_str(&json).unwrap();
        let by_id: std::collections::HashMap<String, String> = outcome["recommendations"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| {
                (
                    r["id"].as_str().unwrap().to_string(),
                    r["status"].as_str().unwrap().to_string(),
                )
            })
            .collect();
        let expected: Vec<String> = header.iter().map(|id| by_id[id].clone()).collect();
        assert_eq!(row, expected.join(","));
    }
}

#[test]
fn bad_columns_are_refused_and_bad_rows_located() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    // A string column for an integer fact.
    write_ipc(
        &path(d, "typed.arrow"),
        &[batch(vec![(
            "grade",
            Arc::new(StringArray::from(vec!["2"])),
        )])],
    );
    let (code, _, err) = cairn(&["batch", SARCOMA, &path(d, "typed.arrow"), "--format", "csv"]);
    assert_eq!(code, 1);
    assert!(
        err.contains("cairn::cohort::column_type") && err.contains("column `grade`"),
        "{err}"
    );
    // An unknown column, with a did-you-mean.
    write_ipc(
        &path(d, "unknown.arrow"),
        &[batch(vec![("grdae", Arc::new(Int64Array::from(vec![2])))])],
    );
    let (code, _, err) = cairn(&[
        "batch",
        SARCOMA,
        &path(d, "unknown.arrow"),
        "--format",
        "csv",
    ]);
    assert_eq!(code, 1);
    assert!(
        err.contains("unknown column `grdae`") && err.contains("`grade`"),
        "{err}"
    );
    // A value out of range costs its row; the others run.
    let rows = batch(vec![
        (
            "grade",
            Arc::new(Int64Array::from(vec![Some(2), Some(7), None])),
        ),
        (
            "phase",
            Arc::new(StringArray::from(vec![
                Some("pretreatment"),
                Some("pretreatment"),
                Some("nonsense"),
            ])),
        ),
    ]);
    write_ipc(&path(d, "rows.arrow"), &[rows]);
    let (code, out, err) = cairn(&["batch", SARCOMA, &path(d, "rows.arrow"), "--format", "csv"]);
    assert_eq!(code, 1);
    assert!(
        err.contains("rows.arrow:row 2: error[cairn::case::integer_range]")
            && err.contains("(column `grade`)"),
        "{err}"
    );
    assert!(
        err.contains("rows.arrow:row 3:") && err.contains("(column `phase`)"),
        "{err}"
    );
    assert!(err.contains("1 cases evaluated, 2 bad lines"), "{err}");
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 4);
    assert!(lines[1].starts_with("1,,") && !lines[1].contains("error"));
    assert!(lines[2].starts_with("2,,error,error"));
    // In Parquet output the bad row's error cell says why.
    let (code, _, _) = cairn(&[
        "batch",
        SARCOMA,
        &path(d, "rows.arrow"),
        "--format",
        "parquet",
        "-o",
        &path(d, "o.parquet"),
    ]);
    assert_eq!(code, 1);
    let reader = ParquetRecordBatchReaderBuilder::try_new(
        std::fs::File::open(path(d, "o.parquet")).unwrap(),
    )
    .unwrap()
    .build()
    .unwrap();
    let out = reader.into_iter().next().unwrap().unwrap();
    assert_eq!(out.schema().field(0).name(), "row");
    let errors = out.column_by_name("error").unwrap().as_string::<i32>();
    assert!(errors.is_null(0));
    assert!(errors.value(1).contains("(column `grade`)"));
}

#[test]
fn binary_output_is_never_partial_and_never_on_standard_output() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let (code, _, err) = cairn(&[
        "cohort",
        SARCOMA,
        "-n",
        "20000",
        "--format",
        "arrow",
        "-o",
        &path(d, "c.arrows"),
    ]);
    assert_eq!(code, 0, "{err}");
    // A stream cut short: the batches before the cut run, then reading fails.
    let bytes = std::fs::read(d.join("c.arrows")).unwrap();
    std::fs::write(d.join("cut.arrows"), &bytes[..bytes.len() * 3 / 4]).unwrap();
    let out = d.join("out").join("o.parquet");
    std::fs::create_dir(d.join("out")).unwrap();
    let (code, _, err) = cairn(&[
        "batch",
        SARCOMA,
        &path(d, "cut.arrows"),
        "--format",
        "parquet",
        "-o",
        out.to_str().unwrap(),
    ]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("cannot read"), "{err}");
    assert_eq!(
        std::fs::read_dir(d.join("out")).unwrap().count(),
        0,
        "no file, not even a temporary one"
    );
    // The whole stream writes the file.
    let (code, _, err) = cairn(&[
        "batch",
        SARCOMA,
        &path(d, "c.arrows"),
        "--format",
        "parquet",
        "-o",
        out.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(std::fs::read_dir(d.join("out")).unwrap().count(), 1);
    // Binary output needs a file.
    let (code, stdout, err) = cairn(&[
        "batch",
        SARCOMA,
        &path(d, "c.arrows"),
        "--format",
        "parquet",
    ]);
    assert_eq!(code, 2);
    assert!(
        stdout.is_empty() && err.contains("cairn::batch::binary_stdout"),
        "{err}"
    );
}

#[test]
fn a_dictionary_column_with_no_value_reads_as_unknown() {
    // A one-case cohort leaves some enum columns null in every row: Parquet
    // stores them as dictionaries with no value at all.
    let dir = tempfile::tempdir().unwrap();
    let file = path(dir.path(), "one.parquet");
    let (code, _, err) = cairn(&[
        "cohort", SARCOMA, "-n", "1", "--format", "parquet", "-o", &file,
    ]);
    assert_eq!(code, 0, "{err}");
    let (_, csv, _) = cairn(&["cohort", SARCOMA, "-n", "1"]);
    std::fs::write(dir.path().join("one.csv"), csv).unwrap();
    let run = |file: &str| {
        let (code, out, err) = cairn(&["batch", SARCOMA, file, "--format", "csv"]);
        assert_eq!(code, 0, "{err}");
        assert!(err.contains("1 cases evaluated, 0 bad lines"), "{err}");
        statuses(&out)
    };
    assert_eq!(run(&file), run(&path(dir.path(), "one.csv")));
}
