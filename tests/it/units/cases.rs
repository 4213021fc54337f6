//! Units in case files: any unit of the fact's dimension or of its
//! conversions, declared ranges, wrong dimensions and suggestions, refused
//! units; literals converted through a fact's conversion; and unit
//! completion in the language server.

use super::{case_errors, check_errors, checked, outcome, status};
use cairn::eval::outcome::Status;
use cairn::units::{self, Dimension};

const RENAL: &str = "\
fact weight \"Body weight\": quantity kg 0.5 to 500
fact creatinine \"Serum creatinine\": quantity mg/dL 0 to 30 molar mass 113.12 g/mol
fact glucose \"Plasma glucose\": quantity mmol/L where 1 mmol/L = 18.016 mg/dL
fact egfr \"eGFR\": quantity mL/min/{1.73_m2}
fact temperature \"Temperature\": quantity Cel
fact fraction \"Ejection fraction\": number 0 to 1
recommend heavy { when weight > 100 kg statement \"h\" }
recommend renal { when creatinine >= 1.5 mg/dL statement \"r\" }
recommend hypo { when glucose < 3.9 mmol/L statement \"g\" }
recommend ckd { when egfr < 60 mL/min/{1.73_m2} statement \"c\" }
recommend fever { when temperature > 100.4 [degF] statement \"f\" }
recommend low_ef { when fraction <= 0.4 statement \"e\" }
";

#[test]
fn a_case_may_give_a_fact_in_any_unit_of_its_dimension_or_its_conversions() {
    let c = checked(RENAL);
    let pairs = [
        (
            "heavy",
            r#"{"weight": "101 kg"}"#,
            r#"{"weight": "222.67 [lb_av]"}"#,
        ),
        (
            "renal",
            r#"{"creatinine": "1.5 mg/dL"}"#,
            r#"{"creatinine": "133 umol/L"}"#,
        ),
        (
            "hypo",
            r#"{"glucose": "3.5 mmol/L"}"#,
            r#"{"glucose": "63 mg/dL"}"#,
        ),
        (
            "ckd",
            r#"{"egfr": "50 mL/min/{1.73_m2}"}"#,
            r#"{"egfr": {"value": 0.05, "unit": "L/min/{1.73_m2}"}}"#,
        ),
        (
            "fever",
            r#"{"temperature": "38.5 Cel"}"#,
            r#"{"temperature": "101.3 [degF]"}"#,
        ),
        ("low_ef", r#"{"fraction": 0.35}"#, r#"{"fraction": 0.3}"#),
    ];
    for (id, a, b) in pairs {
        assert_eq!(status(&outcome(&c, a), id), Status::Applies, "{id} {a}");
        assert_eq!(status(&outcome(&c, b), id), Status::Applies, "{id} {b}");
    }
    // Just under the thresholds, in the other unit.
    let out = outcome(&c, r#"{"creatinine": "132 umol/L", "glucose": "72 mg/dL"}"#);
    assert_eq!(status(&out, "renal"), Status::NotApplicable);
    assert_eq!(status(&out, "hypo"), Status::NotApplicable);
}

#[test]
fn a_value_outside_the_declared_range_is_a_located_error() {
    let c = checked(RENAL);
    let errors = case_errors(&c, r#"{"weight": "-3 kg"}"#);
    assert!(
        errors.contains("cairn::case::out_of_declared_range"),
        "{errors}"
    );
    assert!(
        errors.contains("`weight` must be within 0.5 to 500 kg, found -3 kg"),
        "{errors}"
    );
    assert!(errors.contains("case.json:1:"), "{errors}");
    // `58 mg` is a mass, so the dimension is right, but not a body weight.
    let errors = case_errors(&c, r#"{"weight": "58 mg"}"#);
    assert!(errors.contains("found 58 mg"), "{errors}");
    let errors = case_errors(&c, r#"{"fraction": 1.5}"#);
    assert!(
        errors.contains("`fraction` must be within 0 to 1, found 1.5"),
        "{errors}"
    );
    // A converted value is checked against the range too (30 mg/dL is 2652 umol/L).
    let errors = case_errors(&c, r#"{"creatinine": "3000 umol/L"}"#);
    assert!(errors.contains("out_of_declared_range"), "{errors}");
    // The bounds themselves are inside.
    let out = outcome(&c, r#"{"weight": "500 kg", "fraction": 0}"#);
    assert_eq!(status(&out, "heavy"), Status::Applies);
}

#[test]
fn a_wrong_dimension_names_the_expected_one_and_its_units() {
    let c = checked(RENAL);
    let errors = case_errors(&c, r#"{"weight": "58 mL"}"#);
    assert!(errors.contains("cairn::case::wrong_dimension"), "{errors}");
    assert!(
        errors.contains("`weight` is a mass, but `mL` measures volume"),
        "{errors}"
    );
    assert!(errors.contains("use a unit of mass: `kg`"), "{errors}");
    // Creatinine without its conversions would not take a molar unit; a mass is still wrong.
    let errors = case_errors(&c, r#"{"creatinine": "1.6 mg"}"#);
    assert!(
        errors.contains("`creatinine` is a mass concentration, but `mg` measures mass"),
        "{errors}"
    );
    assert!(errors.contains("`umol/L`"), "{errors}");
}

#[test]
fn unit_suggestions_stay_within_the_expected_dimension() {
    let c = checked("fact dose \"Dose\": quantity Gy\nfact weight \"W\": quantity kg\n");
    let errors = case_errors(&c, r#"{"dose": "50 gy"}"#);
    assert!(errors.contains("did you mean `Gy`?"), "{errors}");
    let errors = case_errors(&c, r#"{"weight": "58 kgs"}"#);
    assert!(errors.contains("did you mean `kg`?"), "{errors}");
    let errors = case_errors(&c, r#"{"weight": "58 lbs"}"#);
    assert!(!errors.contains("`lbs`?"), "{errors}");
    assert!(!errors.contains("mean `g`"), "{errors}");
}

#[test]
fn a_refused_unit_in_a_case_says_why() {
    let c = checked("fact dose \"Dose\": quantity Gy\n");
    let long = "m".repeat(units::MAX_UNIT_LEN + 1);
    let errors = case_errors(&c, &format!(r#"{{"dose": "5 {long}"}}"#));
    assert!(errors.contains("cairn::case::unknown_unit"), "{errors}");
    assert!(errors.contains("is refused: longer"), "{errors}");
    let errors = case_errors(&c, r#"{"dose": "5 dB"}"#);
    assert!(errors.contains("logarithmic"), "{errors}");
}

proptest::proptest! {
    #[test]
    fn any_unit_text_resolves_or_is_refused_without_panicking(text in "\\PC{0,80}") {
        let _ = units::parse(&text);
        let _ = units::same_dimension(Some(Dimension::Mass)).len();
    }

    #[test]
    fn ucum_shaped_text_never_panics(text in "[a-zA-Z0-9./{}\\[\\]()*^%_'-]{0,40}") {
        if let Ok(u) = units::parse(&text) {
            proptest::prop_assert!(u.factor.is_finite() && u.factor != 0.0);
            proptest::prop_assert!(u.offset.is_finite());
        }
    }
}

#[test]
fn the_language_server_completes_units_after_quantity() {
    let text =
        "guideline t { title \"T\" version \"1.0.0\" status draft }\nfact w \"W\": quantity \n";
    let mut client = super::super::lsp::Client::memory();
    client.open(text);
    let at = text.find("quantity ").unwrap() + "quantity ".len();
    let items = client.at("textDocument/completion", super::super::lsp::pos(text, at));
    let labels: Vec<&str> = items
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["label"].as_str().unwrap())
        .collect();
    for unit in ["kg", "mg/dL", "mm[Hg]", "mL/min/{1.73_m2}", "days", "GyRBE"] {
        assert!(labels.contains(&unit), "{unit} in {labels:?}");
    }
    assert!(!labels.contains(&"fact"), "{labels:?}");
    client.shutdown();
}

#[test]
fn a_literal_in_a_converted_dimension_compares_with_the_fact() {
    let c = checked(
        "fact creatinine \"Creatinine\": quantity mg/dL molar mass 113.12 g/mol\n\
         recommend r { when creatinine >= 133 umol/L statement \"r\" }\n",
    );
    let out = outcome(&c, r#"{"creatinine": "1.51 mg/dL"}"#);
    assert_eq!(status(&out, "r"), Status::Applies);
    let out = outcome(&c, r#"{"creatinine": "132 umol/L"}"#);
    assert_eq!(status(&out, "r"), Status::NotApplicable);
    // Without the conversion the dimensions still differ.
    let errors = check_errors(
        "fact creatinine \"Creatinine\": quantity mg/dL\n\
         recommend r { when creatinine >= 133 umol/L statement \"r\" }\n",
    );
    assert!(errors.contains("cairn::check::unit_mismatch"), "{errors}");
}
