//! Analysis of an age band computed from two unknown dates: the exact pass
//! must find a case for `age >= 21 and age <= 29` when `age` is the years
//! between two date facts, not give up as incomplete (the cervical
//! screening guideline's age bands).

use cairn::analysis::{analyze, render_text, Kind};

const SOURCE: &str = r#"guideline ages {
  title "Age bands"
  version "1"
  status draft
}

fact dob "Date of birth": date
fact visit "Date of the visit": date

define age "Age in years": integer = years between dob and visit

inform young {
  when age < 21
  statement "Under 21."
}

inform band {
  when age >= 21 and age <= 29
  statement "From 21 to 29."
}

inform later {
  when age >= 30 and age <= 65
  statement "From 30 to 65."
}
"#;

#[test]
fn age_band_from_two_unknown_dates_is_decided() {
    let c = cairn::parse("ages.cairn", SOURCE).check().unwrap();
    let a = analyze(&c);
    // Before the fix, `band` and `later` were `cairn::analysis::incomplete`.
    assert!(
        !a.findings.iter().any(|f| f.kind == Kind::Incomplete),
        "{}",
        render_text(&a, &c.sources, 100)
    );
    assert!(
        a.findings.is_empty(),
        "{}",
        render_text(&a, &c.sources, 100)
    );
}

/// A table keyed by a formula over several unknown facts (a
/// Cockcroft-Gault clearance from two dates, a weight and a creatinine).
const KEYED: &str = r#"guideline keyed {
  title "Keyed by a formula"
  version "1"
  status draft
}

fact dob "Date of birth": date
fact visit "Date of the visit": date
fact weight "Body weight": quantity kg 1 to 500
fact creatinine "Serum creatinine": quantity mg/dL 0.05 to 30

define age "Age in years": integer = years between dob and visit

define clearance "Creatinine clearance": quantity mL/min =
  (140 - age) * (weight / 1 kg) / (72 * (creatinine / 1 mg/dL)) * 1 mL/min

table renal "Renal bands" {
  key clearance
  column failure "Below 15 mL/min": bool
  row < 15 mL/min -> true
  row _           -> false
}

define failure "Renal failure": bool = renal.failure

inform renal_failure {
  when failure
  statement "Renal failure."
}
"#;

#[test]
fn table_keyed_by_a_formula_of_several_facts_is_reached() {
    let c = cairn::parse("keyed.cairn", KEYED).check().unwrap();
    let a = analyze(&c);
    // Before the fix, `renal_failure` was `cairn::analysis::incomplete`:
    // the key's row bounds were never used to propose a case.
    assert!(
        a.findings.is_empty(),
        "{}",
        render_text(&a, &c.sources, 100)
    );
}
