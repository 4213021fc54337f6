//! Values: tests of the JSON codec.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use super::*;
use crate::check::model::{DefBody, Model, Type};
use proptest::prelude::*;
use serde_json::json;

const GUIDELINE: &str = r#"
guideline codec {
  title "Codec"
  version "1"
  status draft
}
fact grade "Grade": integer 1 to 3
fact count "Count": integer
fact size "Size": quantity cm
fact dose "Dose": quantity Gy
fact surgery "Surgery": date
fact fit "Fit": bool
fact histology "Histology": enum { lps, lms }
table plan "Plan" {
  key histology
  column dose "Dose": quantity Gy
  column n_fractions "Fractions": integer
  row lps -> 50.4 Gy, 28
  row lms -> 5000 cGy, 25
}
recommend r {
  when fit and grade >= 2 and size > 5 cm and dose > 1 Gy and surgery > 2020-01-01
    and count > 0 and plan.n_fractions > 1
  statement "S"
}
"#;

fn model() -> Model {
    let parsed = crate::syntax::parse_with("codec.cairn", GUIDELINE, &crate::syntax::FsLoader);
    crate::check::check(parsed).unwrap().model
}

fn ty(model: &Model, fact: &str) -> Type {
    model.facts[model.fact(fact).unwrap().0 as usize].ty
}

fn row_type(model: &Model) -> Type {
    let plan = &model.defs[model.def("plan").unwrap().0 as usize];
    assert!(matches!(plan.body, DefBody::Table(_)));
    plan.ty
}

/// Encodes, then decodes the encoding.
fn round_trip(model: &Model, ty: Type, v: Option<Value>) -> Option<Value> {
    let json = encode(model, ty, v);
    decode(model, ty, &Shape::of(&json)).unwrap_or_else(|e| panic!("{json}: {e:?}"))
}

#[test]
fn every_type_round_trips() {
    let m = model();
    let cases = [
        ("grade", Value::Int(2), json!(2)),
        ("count", Value::Int(-7), json!(-7)),
        (
            "size",
            Value::Quantity(5.5),
            json!({"value": 5.5, "unit": "cm"}),
        ),
        (
            "dose",
            Value::Quantity(50.4),
            json!({"value": 50.4, "unit": "Gy"}),
        ),
        ("surgery", Value::Date(19723), json!("2024-01-01")),
        ("fit", Value::Bool(true), json!(true)),
        ("histology", Value::Enum(1), json!("lms")),
    ];
    for (fact, value, written) in cases {
        let t = ty(&m, fact);
        assert_eq!(encode(&m, t, Some(value)), written, "{fact}");
        assert_eq!(round_trip(&m, t, Some(value)), Some(value), "{fact}");
        // Unknown is `null`, both ways.
        assert_eq!(encode(&m, t, None), json!(null));
        assert_eq!(round_trip(&m, t, None), None);
    }
    assert_eq!(
        round_trip(&m, Type::Number, Some(Value::Number(0.25))),
        Some(Value::Number(0.25))
    );
}

#[test]
fn a_row_is_written_as_its_cells_and_never_read() {
    let m = model();
    let t = row_type(&m);
    let written = encode(&m, t, Some(Value::Row(1)));
    assert_eq!(
        written,
        json!({"dose": {"value": 50, "unit": "Gy"}, "n_fractions": 25})
    );
    assert_eq!(
        decode(&m, t, &Shape::of(&written)),
        Err(DecodeError::Mismatch)
    );
}

#[test]
fn numbers_are_rounded_to_nine_decimals() {
    assert_eq!(number(50.4 / 28.0), json!(1.8));
    assert_eq!(number(50.0), json!(50));
    assert_eq!(number(-0.5), json!(-0.5));
}

#[test]
fn quantities_are_read_in_any_unit_of_their_dimension() {
    let m = model();
    let t = ty(&m, "dose");
    for written in [
        json!("5040 cGy"),
        json!("50.4 Gy"),
        json!({"value": 5040, "unit": "cGy"}),
    ] {
        let v = decode(&m, t, &Shape::of(&written)).unwrap();
        let Some(Value::Quantity(q)) = v else {
            panic!("{v:?}")
        };
        assert!(crate::units::approx_eq(q, 50.4), "{written}: {q}");
    }
}

#[test]
fn wrong_values_say_why() {
    let m = model();
    let cases = [
        ("grade", json!(2.5), DecodeError::NotInteger),
        ("grade", json!(4), DecodeError::OutOfRange),
        ("grade", json!("2"), DecodeError::Mismatch),
        ("fit", json!(1), DecodeError::Mismatch),
        ("surgery", json!("2024-02-30"), DecodeError::BadDate),
        ("histology", json!("LPS"), DecodeError::UnknownEnumValue),
        ("histology", json!([]), DecodeError::Mismatch),
        ("dose", json!(50), DecodeError::MissingUnit("50".into())),
        ("dose", json!("50"), DecodeError::MissingUnit("50".into())),
        (
            "dose",
            json!({"value": 50}),
            DecodeError::MissingUnit("50".into()),
        ),
        (
            "dose",
            json!({"value": 50, "unit": "Gy", "x": 1}),
            DecodeError::Mismatch,
        ),
        (
            "dose",
            json!("50 Gyy"),
            DecodeError::UnknownUnit("Gyy".into()),
        ),
        ("dose", json!("five Gy"), DecodeError::Mismatch),
        (
            "dose",
            json!("5 cm"),
            DecodeError::WrongDimension {
                unit: "cm".into(),
                found: Dimension::Length,
            },
        ),
    ];
    for (fact, written, why) in cases {
        let t = ty(&m, fact);
        assert_eq!(
            decode(&m, t, &Shape::of(&written)),
            Err(why),
            "{fact} = {written}"
        );
    }
}

#[test]
fn same_compares_numbers_to_a_tolerance() {
    assert!(same(
        &json!({"value": 1.8, "unit": "Gy"}),
        &json!({"value": 1.7999999999, "unit": "Gy"})
    ));
    assert!(!same(
        &json!({"value": 1.8, "unit": "Gy"}),
        &json!({"value": 1.9, "unit": "Gy"})
    ));
    assert!(!same(
        &json!({"value": 1.8}),
        &json!({"value": 1.8, "unit": "Gy"})
    ));
    assert!(same(&json!([1, "a"]), &json!([1.0, "a"])));
    assert!(!same(&json!([1]), &json!([1, 1])));
    assert!(!same(&json!("resectable"), &json!(null)));
}

proptest! {
    /// Any known value of any fact type reads back as itself.
    #[test]
    fn known_values_round_trip(
        grade in 1i64..=3,
        count in any::<i64>(),
        size in -1e6f64..1e6,
        dose in 0f64..1e4,
        day in -100_000i32..100_000,
        fit in any::<bool>(),
        histology in 0u32..2,
    ) {
        let m = model();
        for (fact, v) in [
            ("grade", Value::Int(grade)),
            ("count", Value::Int(count)),
            ("surgery", Value::Date(day)),
            ("fit", Value::Bool(fit)),
            ("histology", Value::Enum(histology)),
        ] {
            prop_assert_eq!(round_trip(&m, ty(&m, fact), Some(v)), Some(v));
        }
        for (fact, q) in [("size", size), ("dose", dose)] {
            let back = round_trip(&m, ty(&m, fact), Some(Value::Quantity(q)));
            let Some(Value::Quantity(b)) = back else { panic!("{back:?}") };
            prop_assert!(crate::units::approx_eq(b, q) || (b - q).abs() < 1e-6, "{} vs {}", b, q);
        }
    }
}

/// The streaming writer writes exactly the bytes of the tree `encode`
/// builds, for every type, unknown, odd floats and out-of-range enums.
#[test]
fn the_streaming_writer_matches_encode_byte_for_byte() {
    let m = model();
    let values: Vec<(Type, Option<Value>)> = vec![
        (ty(&m, "fit"), Some(Value::Bool(true))),
        (ty(&m, "count"), Some(Value::Int(-7))),
        (ty(&m, "grade"), None),
        (Type::Number, Some(Value::Number(0.1 + 0.2))),
        (Type::Number, Some(Value::Number(1e300))),
        (Type::Number, Some(Value::Number(f64::NAN))),
        (Type::Number, Some(Value::Number(-3.0))),
        (ty(&m, "size"), Some(Value::Quantity(0.0523))),
        (ty(&m, "dose"), Some(Value::Quantity(50.4))),
        (ty(&m, "surgery"), Some(Value::Date(19_000))),
        (ty(&m, "histology"), Some(Value::Enum(1))),
        (ty(&m, "histology"), Some(Value::Enum(9))),
        (row_type(&m), Some(Value::Row(0))),
    ];
    for (t, v) in values {
        let tree = serde_json::to_string(&encode(&m, t, v)).unwrap();
        let encoded = Encoded {
            model: &m,
            ty: t,
            value: v,
        };
        assert_eq!(serde_json::to_string(&encoded).unwrap(), tree, "{v:?}");
        let pretty = serde_json::to_string_pretty(&encode(&m, t, v)).unwrap();
        assert_eq!(serde_json::to_string_pretty(&encoded).unwrap(), pretty);
    }
}
