//! Case stage tests: validation of case files against a hand-built model,
//! with snapshots of diagnostics rendered into the JSON text.

use cairn::case::{self, json};
use cairn::check::model::*;
use cairn::check::Checked;
use cairn::diagnostics::Diagnostics;
use cairn::eval::outcome::Status;
use cairn::source::{SourceMap, Span};
use cairn::syntax::ast::RecKind;
use cairn::units;
use cairn::value::Value;

fn fact(name: &str, ty: Type) -> FactInfo {
    FactInfo {
        name: name.into(),
        description: String::new(),
        doc: vec![],
        ty,
        group: None,
        span: Span::default(),
        domain: Default::default(),
    }
}

fn enum_of(owner: &str, values: &[&str]) -> EnumInfo {
    EnumInfo {
        owner: owner.into(),
        values: values
            .iter()
            .map(|v| EnumValueInfo {
                name: v.to_string(),
                label: None,
                codes: vec![],
                span: Span::default(),
            })
            .collect(),
    }
}

fn rec(id: &str) -> RecInfo {
    super::blank_rec(id, RecKind::Suggest)
}

/// A model with one fact of every type, a definition and two recommendations.
pub fn checked() -> Checked {
    let gy = units::lookup("Gy").unwrap();
    let mut model = Model::default();
    model.meta.id = "rps".into();
    model.enums = vec![
        enum_of(
            "histology",
            &[
                "well_differentiated_liposarcoma",
                "dedifferentiated_liposarcoma",
                "leiomyosarcoma",
            ],
        ),
        enum_of("resectability", &["resectable", "unresectable"]),
    ];
    model.facts = vec![
        fact("histology", Type::Enum(EnumId(0))),
        fact(
            "grade",
            Type::Int {
                min: Some(1),
                max: Some(3),
            },
        ),
        fact("distant_metastases", Type::Bool),
        fact(
            "planned_rt_total_dose",
            Type::Quantity {
                dim: units::Dimension::Dose,
                unit: gy,
            },
        ),
        fact("resection_date", Type::Date),
        fact("ratio", Type::Number),
    ];
    let ty = Type::Enum(EnumId(1));
    model.defs = vec![DefInfo {
        name: "resectability".into(),
        description: String::new(),
        doc: vec![],
        ty,
        body: DefBody::Expr(TExpr {
            kind: TExprKind::Const(Value::Enum(0)),
            ty,
            span: Span::default(),
        }),
        span: Span::default(),
        decl_span: Span::default(),
    }];
    model.recs = vec![rec("preoperative_rt"), rec("surveillance")];
    Checked {
        sources: SourceMap::new(),
        model,
        warnings: Diagnostics::new(),
    }
}

fn errors(text: &str) -> String {
    match case::load(&checked(), "case.json", text) {
        Ok(_) => panic!("expected errors"),
        Err(failed) => failed.diagnostics.render(&failed.sources, 100),
    }
}

#[test]
fn loads_every_type_and_both_quantity_forms() {
    let text = r#"{"name": "dd lps", "description": "d", "facts": {
        "histology": "dedifferentiated_liposarcoma", "grade": 2, "distant_metastases": false,
        "planned_rt_total_dose": "5040 cGy", "resection_date": "2024-01-23", "ratio": 0.5 },
        "expect": {"recommendations": {"preoperative_rt": "applies"},
                   "derived": {"resectability": "resectable"},
                   "missing": {"surveillance": ["grade"]}}}"#;
    let loaded = case::load(&checked(), "x.json", text).unwrap();
    assert_eq!(loaded.name, "dd lps");
    assert_eq!(loaded.case.facts[0], Some(Value::Enum(1)));
    assert_eq!(loaded.case.facts[1], Some(Value::Int(2)));
    assert_eq!(loaded.case.facts[2], Some(Value::Bool(false)));
    match loaded.case.facts[3] {
        Some(Value::Quantity(q)) => assert!(units::approx_eq(q, 50.4)),
        other => panic!("{other:?}"),
    }
    assert_eq!(
        loaded.case.facts[4],
        Some(Value::Date(cairn::value::parse_date("2024-01-23").unwrap()))
    );
    assert_eq!(loaded.case.facts[5], Some(Value::Number(0.5)));
    let expect = loaded.expect.unwrap();
    assert_eq!(expect.recommendations["preoperative_rt"], Status::Applies);
    assert_eq!(
        expect.derived["resectability"],
        serde_json::json!("resectable")
    );
    assert_eq!(expect.missing["surveillance"], vec!["grade".to_string()]);

    let object =
        r#"{"facts": {"planned_rt_total_dose": {"value": 50.4, "unit": "Gy"}, "grade": null}}"#;
    let loaded = case::load(&checked(), "y.json", object).unwrap();
    assert_eq!(loaded.case.facts[3], Some(Value::Quantity(50.4)));
    assert_eq!(loaded.case.facts[1], None);
    assert_eq!(loaded.name, "y.json");
    assert!(loaded.expect.is_none());
}

#[test]
fn reports_every_fact_error_with_line_and_column() {
    let text = r#"{
  "facts": {
    "histolgy": "leiomyosarcoma",
    "grade": 4,
    "distant_metastases": "no",
    "planned_rt_total_dose": 50.4,
    "resection_date": "2024-02-30",
    "ratio": 1
  },
  "exepct": {}
}
"#;
    let rendered = errors(text);
    insta::assert_snapshot!(rendered);
    assert!(rendered.contains("did you mean `histology`?"));
    assert!(rendered.contains("case.json:3:5"));
}

#[test]
fn reports_enum_unit_and_integer_errors() {
    let text = r#"{"facts": {
  "histology": "leiomyosarcom",
  "grade": 2.5,
  "planned_rt_total_dose": "50.4 cm",
  "resection_date": 20240101
},
"facts": {}}"#;
    insta::assert_snapshot!(errors(text));
    let text = r#"{"facts": {"planned_rt_total_dose": "50.4 Gyy", "grade": 1e30}}"#;
    let rendered = errors(text);
    assert!(rendered.contains("unknown unit `Gyy`"), "{rendered}");
    // 1e30 is far past 64 bits: out of range, not rounded.
    assert!(
        rendered.contains("is out of range, found `1e30`"),
        "{rendered}"
    );
}

#[test]
fn reports_bad_expectations() {
    let text = r#"{"facts": {},
 "expect": {
  "recommendations": {"preoperative_rtt": "applies", "surveillance": "applied"},
  "derived": {"resectabilty": "resectable", "resectability": "borderline"},
  "missing": {"surveillance": ["grad", 3]},
  "statuses": {}
 }
}"#;
    let rendered = errors(text);
    insta::assert_snapshot!(rendered);
    assert_eq!(rendered.matches("did you mean").count(), 4, "{rendered}");
}

#[test]
fn malformed_json_points_at_the_error() {
    let failed = case::load(&checked(), "bad.json", "{\"facts\": {\"grade\": 2,}\n}").unwrap_err();
    let json = failed.diagnostics.to_json(&failed.sources);
    assert_eq!(json.len(), 1);
    assert_eq!(json[0].code, "cairn::case::syntax");
    assert_eq!((json[0].labels[0].line, json[0].labels[0].column), (1, 23));
    insta::assert_snapshot!(failed.diagnostics.render(&failed.sources, 100));
    for bad in [
        "",
        "[",
        "{\"a\" 1}",
        "\"\\x\"",
        "01",
        "-",
        "1.",
        "{\"a\":1} x",
        "\"\\ud800\"",
        "nul",
    ] {
        assert!(json::parse(bad).is_err(), "{bad:?} should not parse");
    }
    let bom = json::parse("\u{feff}{\"facts\": {}}").unwrap();
    assert_eq!(bom.start, 3);
    let deep = "[".repeat(100_000);
    assert!(json::parse(&deep).is_err());
}

#[test]
fn reader_decodes_escapes_and_records_spans() {
    let value =
        json::parse(r#" {"k\u00e9y": ["a\n", -1.5e2, true, null, "\ud83d\ude00"]} "#).unwrap();
    assert_eq!((value.start, value.end), (1, 58));
    let json::JsonKind::Object(members) = &value.kind else {
        panic!()
    };
    assert_eq!(members[0].0.name, "kéy");
    let plain = case::convert::plain(&value);
    assert_eq!(
        plain,
        serde_json::json!({"kéy": ["a\n", -150.0, true, null, "😀"]})
    );
}

#[test]
fn top_level_must_be_an_object() {
    let rendered = errors("[1, 2]");
    assert!(
        rendered.contains("`the case` must be an object, not an array"),
        "{rendered}"
    );
}

/// Arbitrary JSON-like values, as text, for the no-panic property.
fn json_text() -> impl proptest::strategy::Strategy<Value = String> {
    use proptest::prelude::*;
    let leaf = prop_oneof![
        Just("null".to_string()),
        any::<bool>().prop_map(|b| b.to_string()),
        any::<f64>().prop_map(|n| if n.is_finite() {
            n.to_string()
        } else {
            "1e400".to_string()
        }),
        any::<i64>().prop_map(|n| n.to_string()),
        "[a-z_ %/0-9.-]{0,12}".prop_map(|s| format!("{s:?}")),
        prop_oneof![
            Just("\"50.4 Gy\""),
            Just("\"2024-02-29\""),
            Just("\"leiomyosarcoma\""),
            Just("\"applies\"")
        ]
        .prop_map(str::to_string),
    ];
    leaf.prop_recursive(4, 32, 6, |inner| {
        let keys = prop_oneof![
            Just("facts".to_string()),
            Just("expect".to_string()),
            Just("grade".to_string()),
            Just("histology".to_string()),
            Just("planned_rt_total_dose".to_string()),
            Just("recommendations".to_string()),
            Just("derived".to_string()),
            Just("missing".to_string()),
            Just("resectability".to_string()),
            Just("surveillance".to_string()),
            Just("value".to_string()),
            Just("unit".to_string()),
            "[a-z]{1,6}",
        ];
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..4)
                .prop_map(|v| format!("[{}]", v.join(","))),
            proptest::collection::vec((keys, inner), 0..5).prop_map(|kv| {
                let members: Vec<String> =
                    kv.into_iter().map(|(k, v)| format!("{k:?}: {v}")).collect();
                format!("{{{}}}", members.join(", "))
            }),
        ]
    })
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig {
        cases: 300,
        failure_persistence: Some(Box::new(proptest::test_runner::FileFailurePersistence::Direct(
            "tests/proptest-regressions/case.txt",
        ))),
        ..proptest::prelude::ProptestConfig::default()
    })]

    /// Any text, valid JSON or not, yields a case or diagnostics, never a
    /// panic; every diagnostic renders and its labels lie inside the text.
    #[test]
    fn loader_never_panics_on_arbitrary_json(text in json_text(), noise in "\\PC{0,40}") {
        let checked = checked();
        for input in [text.clone(), format!("{{\"facts\": {text}}}"), noise.clone(), format!("{text}{noise}")] {
            if let Err(failed) = case::load(&checked, "p.json", &input) {
                proptest::prop_assert!(failed.diagnostics.has_errors());
                let _ = failed.diagnostics.render(&failed.sources, 100);
                for d in failed.diagnostics.to_json(&failed.sources) {
                    for l in d.labels {
                        proptest::prop_assert!(l.end <= input.len());
                    }
                }
            }
        }
    }
}
