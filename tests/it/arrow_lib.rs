//! `cairn::cohort::arrow`: record batches evaluated straight from their
//! arrays agree with the JSON case loader and `Program::statuses`; nulls are
//! unknown; a column naming no fact, or of a type that cannot hold the
//! fact, is an error naming it; a bad value costs its row only.

use arrow_array::cast::AsArray;
use arrow_array::types::UInt8Type;
use arrow_array::{
    Array, ArrayRef, BooleanArray, Float64Array, Int64Array, RecordBatch, StringArray,
};
use arrow_schema::{DataType, Field, Schema};
use cairn::cohort::arrow::{self, Error, Options};
use cairn::{Checked, Program, Status};
use std::path::Path;
use std::sync::Arc;

fn sarcoma() -> (Checked, Program) {
    let path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("guidelines/rps/initial-management.cairn");
    let checked = cairn::parse_file(&path).unwrap().check().unwrap();
    let program = Program::new(&checked);
    (checked, program)
}

fn batch(columns: Vec<(&str, ArrayRef)>) -> RecordBatch {
    let fields: Vec<Field> = columns
        .iter()
        .map(|(n, a)| Field::new(*n, a.data_type().clone(), true))
        .collect();
    let arrays = columns.into_iter().map(|(_, a)| a).collect();
    RecordBatch::try_new(Arc::new(Schema::new(fields)), arrays).unwrap()
}

/// The statuses of output row `row`, `None` for a row in error.
fn statuses(out: &RecordBatch, recs: usize, row: usize) -> Option<Vec<String>> {
    (0..recs)
        .map(|r| {
            let d = out.column(r).as_dictionary::<UInt8Type>();
            let values = d.values().as_string::<i32>();
            d.key(row).map(|k| values.value(k).to_string())
        })
        .collect()
}

fn expected(checked: &Checked, program: &Program, json: &str) -> Vec<String> {
    let case = cairn::load_case(checked, "case.json", json).unwrap();
    let mut scratch = program.scratch();
    program
        .statuses(&case.case, &mut scratch)
        .iter()
        .map(|s| s.as_str().to_string())
        .collect()
}

#[test]
fn the_input_schema_is_typed_from_the_facts() {
    let (_, program) = sarcoma();
    let schema = arrow::input_schema(&program);
    let dose = schema.field_with_name("planned_rt_total_dose").unwrap();
    assert_eq!(dose.data_type(), &DataType::Float64);
    assert_eq!(dose.metadata().get("unit").map(String::as_str), Some("Gy"));
    assert_eq!(
        schema.field_with_name("grade").unwrap().data_type(),
        &DataType::Int64
    );
    assert!(matches!(
        schema.field_with_name("histology").unwrap().data_type(),
        DataType::Dictionary(..)
    ));
    assert_eq!(
        schema
            .field_with_name("resection_date")
            .unwrap()
            .data_type(),
        &DataType::Date32
    );
}

#[test]
fn rows_agree_with_the_json_loader_and_nulls_are_unknown() {
    let (checked, program) = sarcoma();
    let recs = program.model().recs.len();
    let input = batch(vec![
        (
            "phase",
            Arc::new(StringArray::from(vec![
                Some("pretreatment"),
                None,
                Some("pretreatment"),
            ])),
        ),
        (
            "grade",
            Arc::new(Int64Array::from(vec![Some(2), None, Some(7)])),
        ),
        (
            "histology",
            Arc::new(StringArray::from(vec![
                Some("dedifferentiated_liposarcoma"),
                None,
                Some("leiomyosarcoma"),
            ])),
        ),
        (
            "pathology_confirmed",
            Arc::new(BooleanArray::from(vec![Some(true), None, Some(true)])),
        ),
        (
            "planned_rt_total_dose[cGy]",
            Arc::new(Float64Array::from(vec![Some(5040.0), None, None])),
        ),
    ]);
    let out = arrow::evaluate_batch(&program, &input, &Options::default()).unwrap();
    assert_eq!(out.num_rows(), 3);
    let first = r#"{"facts": {"phase": "pretreatment", "grade": 2, "histology": "dedifferentiated_liposarcoma", "pathology_confirmed": true, "planned_rt_total_dose": "50.4 Gy"}}"#;
    assert_eq!(
        statuses(&out, recs, 0).unwrap(),
        expected(&checked, &program, first)
    );
    let second = r#"{"facts": {"phase": null, "grade": null, "histology": null, "pathology_confirmed": null, "planned_rt_total_dose": null}}"#;
    assert_eq!(
        statuses(&out, recs, 1).unwrap(),
        expected(&checked, &program, second)
    );
    assert!(statuses(&out, recs, 1)
        .unwrap()
        .iter()
        .any(|s| s == Status::Undetermined.as_str()));
    // The bad row: statuses null, the error names the column; the others ran.
    assert_eq!(statuses(&out, recs, 2), None);
    let errors = out.column_by_name("error").unwrap().as_string::<i32>();
    assert!(errors.is_null(0) && errors.is_null(1));
    let error = errors.value(2);
    assert!(error.contains("cairn::case::integer_range"), "{error}");
    assert!(error.contains("(column `grade`)"), "{error}");
}

#[test]
fn an_empty_text_cell_is_unknown_as_in_csv() {
    let (checked, program) = sarcoma();
    let recs = program.model().recs.len();
    let input = batch(vec![
        (
            "phase",
            Arc::new(StringArray::from(vec![Some("pretreatment"), Some("")])),
        ),
        (
            "histology",
            Arc::new(StringArray::from(vec![Some(""), Some("leiomyosarcoma")])),
        ),
    ]);
    let out = arrow::evaluate_batch(&program, &input, &Options::default()).unwrap();
    let errors = out.column_by_name("error").unwrap().as_string::<i32>();
    assert!(errors.is_null(0) && errors.is_null(1));
    let first = r#"{"facts": {"phase": "pretreatment", "histology": null}}"#;
    let second = r#"{"facts": {"phase": null, "histology": "leiomyosarcoma"}}"#;
    assert_eq!(
        statuses(&out, recs, 0).unwrap(),
        expected(&checked, &program, first)
    );
    assert_eq!(
        statuses(&out, recs, 1).unwrap(),
        expected(&checked, &program, second)
    );
}

#[test]
fn derived_values_and_missing_facts_are_columns() {
    let (_, program) = sarcoma();
    let input = batch(vec![("grade", Arc::new(Int64Array::from(vec![Some(2)])))]);
    let options = Options {
        derived: true,
        missing: true,
        ..Options::default()
    };
    let out = arrow::evaluate_batch(&program, &input, &options).unwrap();
    let rec = &program.model().recs[0].id;
    let missing = out
        .column_by_name(&format!("missing.{rec}"))
        .unwrap()
        .as_list::<i32>();
    assert_eq!(missing.len(), 1);
    let def = &program.model().defs[0].name;
    assert!(out.column_by_name(&format!("derived.{def}")).is_some());
    // Some recommendation is undetermined with nothing known but the grade,
    // and names what it misses.
    let total: usize = (0..program.model().recs.len())
        .map(|r| {
            let id = &program.model().recs[r].id;
            let l = out
                .column_by_name(&format!("missing.{id}"))
                .unwrap()
                .as_list::<i32>();
            l.value(0).len()
        })
        .sum();
    assert!(total > 0);
}

#[test]
fn unknown_columns_and_mistyped_columns_are_errors_naming_them() {
    let (_, program) = sarcoma();
    let input = batch(vec![("grdae", Arc::new(Int64Array::from(vec![Some(2)])))]);
    match arrow::evaluate_batch(&program, &input, &Options::default()) {
        Err(Error::UnknownColumn { column, help }) => {
            assert_eq!(column, "grdae");
            assert!(help.contains("grade"), "{help}");
        }
        other => panic!("{other:?}"),
    }
    let input = batch(vec![(
        "grade",
        Arc::new(StringArray::from(vec![Some("2")])),
    )]);
    match arrow::evaluate_batch(&program, &input, &Options::default()) {
        Err(e @ Error::ColumnType { .. }) => {
            let text = e.to_string();
            assert!(
                text.contains("`grade`") && text.contains("integer"),
                "{text}"
            );
        }
        other => panic!("{other:?}"),
    }
}
