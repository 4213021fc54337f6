//! Units from UCUM (issue 11, item 1): unit expressions in declarations,
//! literals and case files, Cairn's older spellings, analyte conversions,
//! `number` facts, ranges, suggestions within the expected dimension, and
//! the limits on unit expressions. Case loading is in `cases.rs`.

mod cases;

use cairn::check::Checked;
use cairn::eval::outcome::Status;
use cairn::eval::{Options, Program};
use cairn::units::{self, Dimension};

pub(super) fn source(decls: &str) -> String {
    format!("guideline t {{ title \"T\" version \"1.0.0\" status draft }}\n{decls}")
}

pub(super) fn checked(decls: &str) -> Checked {
    match cairn::parse("t.cairn", &source(decls)).check() {
        Ok(c) => c,
        Err(f) => panic!("does not check\n{}", f.diagnostics.render(&f.sources, 100)),
    }
}

pub(super) fn check_errors(decls: &str) -> String {
    match cairn::parse("t.cairn", &source(decls)).check() {
        Ok(_) => panic!("checks, but should not:\n{decls}"),
        Err(f) => f.diagnostics.render(&f.sources, 100),
    }
}

pub(super) fn case_errors(c: &Checked, facts: &str) -> String {
    let json = format!("{{\"facts\": {facts}}}");
    match cairn::case::load(c, "case.json", &json) {
        Ok(_) => panic!("case {facts} loads, but should not"),
        Err(f) => f.diagnostics.render(&f.sources, 100),
    }
}

pub(super) fn outcome(c: &Checked, facts: &str) -> cairn::Outcome<'static> {
    let json = format!("{{\"facts\": {facts}}}");
    let case = match cairn::case::load(c, "case.json", &json) {
        Ok(c) => c,
        Err(f) => panic!(
            "case {facts} does not load\n{}",
            f.diagnostics.render(&f.sources, 100)
        ),
    };
    Program::new(c).evaluate(&case.case, Options::default())
}

pub(super) fn status(out: &cairn::Outcome, id: &str) -> Status {
    match out.recommendations.iter().find(|r| r.id == id) {
        Some(r) => r.status,
        None => panic!("no recommendation `{id}`"),
    }
}

pub(super) fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * a.abs().max(b.abs()).max(1.0)
}

/// `amount` of unit `from` in unit `to`, through the canonical unit.
pub(super) fn convert(amount: f64, from: &str, to: &str) -> f64 {
    let (f, t) = (units::parse(from).unwrap(), units::parse(to).unwrap());
    assert_eq!(f.dimension, t.dimension, "{from} vs {to}");
    t.from_canonical(f.canonical_of(amount))
}

#[test]
fn every_clinical_ucum_expression_resolves_with_its_dimension() {
    let cases: &[(&str, Dimension)] = &[
        ("kg", Dimension::Mass),
        ("[lb_av]", Dimension::Mass),
        ("mg/dL", Dimension::Mass.times_for_test(-3)),
        ("kg/m2", Dimension::DosePerArea),
        ("Cel", Dimension::Temperature),
        ("[degF]", Dimension::Temperature),
    ];
    for (unit, dim) in cases {
        assert_eq!(units::parse(unit).map(|u| u.dimension), Ok(*dim), "{unit}");
    }
    // The others by name: the dimension is UCUM's exponent vector.
    for (unit, name) in [
        ("umol/L", "substance concentration"),
        ("mmol/L", "substance concentration"),
        ("mL/min", "volume flow"),
        ("mL/min/{1.73_m2}", "volume flow"),
        ("mm[Hg]", "pressure"),
        ("/min", "rate"),
        ("mg/(kg.d)", "rate"),
        ("kg.m-2", "mass per area"),
        ("10*9/L", "substance concentration"),
        ("µmol/L", "substance concentration"),
    ] {
        let u = units::parse(unit).unwrap_or_else(|e| panic!("{unit}: {e:?}"));
        assert_eq!(u.dimension.name(), name, "{unit}");
    }
}

/// A test-only way to name mass per volume^k without a named constant.
trait TimesForTest {
    fn times_for_test(self, length: i8) -> Dimension;
}

impl TimesForTest for Dimension {
    fn times_for_test(self, length: i8) -> Dimension {
        let mut d = self;
        d.exponents[0] += length;
        d
    }
}

#[test]
fn conversions_follow_ucum_including_temperatures() {
    assert!(close(convert(1.0, "[lb_av]", "kg"), 0.45359237));
    assert!(close(convert(98.6, "[degF]", "Cel"), 37.0));
    assert!(close(convert(310.15, "K", "Cel"), 37.0));
    assert!(close(convert(1.0, "mm[Hg]", "kPa"), 0.133322));
    assert!(close(convert(1.0, "mmol/L", "umol/L"), 1000.0));
    assert!(close(convert(5040.0, "cGy", "Gy"), 50.4));
    assert!(close(convert(1.0, "/min", "/h"), 60.0));
}

#[test]
fn the_older_spellings_keep_their_meaning_and_canonical_values() {
    // (spelling, value of 1 of it in the canonical unit, as before UCUM)
    let old: &[(&str, f64)] = &[
        ("Gy", 1.0),
        ("cGy", 0.01),
        ("GyRBE", 1.0),
        ("mm", 0.1),
        ("cm", 1.0),
        ("m", 100.0),
        ("day", 1.0),
        ("days", 1.0),
        ("week", 7.0),
        ("weeks", 7.0),
        ("month", 30.436875),
        ("months", 30.436875),
        ("year", 365.2425),
        ("years", 365.2425),
        ("minutes", 1.0 / 1440.0),
        ("hours", 1.0 / 24.0),
        ("%", 1.0),
        ("percent", 1.0),
        ("mg/m2", 1.0),
        ("g/m2", 1000.0),
        ("mg", 1.0),
        ("g", 1000.0),
        ("C", 1.0),
    ];
    for (symbol, factor) in old {
        let u = units::parse(symbol).unwrap_or_else(|e| panic!("{symbol}: {e:?}"));
        assert!(close(u.canonical_of(1.0), *factor), "{symbol}: {u:?}");
        assert_eq!(u.symbol, *symbol);
    }
    // `C` is degrees Celsius, as it always was in Cairn (not the coulomb).
    assert!(close(convert(37.0, "C", "[degF]"), 98.6));
    // Calendar units shift dates on the calendar; UCUM's Julian `mo` does not.
    for (symbol, calendar) in [
        ("months", true),
        ("years", true),
        ("mo_g", true),
        ("mo", false),
    ] {
        let u = units::parse(symbol).unwrap();
        assert_eq!(units::is_calendar(u), calendar, "{symbol}");
    }
}

#[test]
fn number_facts_work_in_every_evaluator() {
    let c = checked(
        "fact fraction \"EF\": number 0 to 1\n\
         fact age \"Age\": integer 0 to 120\n\
         recommend r { when fraction <= 0.4 and age >= 18 statement \"r\" }\n",
    );
    // Unknown fraction: the exact pass names the threshold.
    let out = outcome(&c, r#"{"age": 40}"#);
    assert_eq!(status(&out, "r"), Status::Undetermined);
    let rec = out.recommendations.iter().find(|r| r.id == "r").unwrap();
    assert_eq!(rec.missing, ["fraction"]);
    let note = cairn::eval::outcome::render::note(&out, &c);
    assert!(note.contains("0.4"), "{note}");
    // The analysis runs over a number fact without findings.
    let analysis = cairn::analysis::analyze(&c);
    assert_eq!(analysis.error_count(), 0, "{:?}", analysis.findings);
}

#[test]
fn declarations_with_ranges_and_conversions_format_and_reparse() {
    let text = source(
        "fact  crea \"C\" :  quantity  mg/dL   0 to 30   molar mass 113.12 g/mol\n\
         fact glu \"G\": quantity mmol/L where 1 mmol/L = 18.016 mg/dL\n\
         fact ratio \"R\": number -1 to 1.5\nfact hr \"H\": quantity /min\n",
    );
    let formatted = cairn::format::format_source("t.cairn", &text).unwrap();
    assert!(
        formatted.contains("fact crea \"C\": quantity mg/dL 0 to 30 molar mass 113.12 g/mol\n"),
        "{formatted}"
    );
    assert!(
        formatted.contains("quantity mmol/L where 1 mmol/L = 18.016 mg/dL"),
        "{formatted}"
    );
    assert!(formatted.contains("number -1 to 1.5"), "{formatted}");
    assert!(formatted.contains("quantity /min"), "{formatted}");
    let again = cairn::format::format_source("t.cairn", &formatted).unwrap();
    assert_eq!(again, formatted);
}

#[test]
fn unit_limits_and_bad_declarations_are_located_diagnostics() {
    let long = "m".repeat(units::MAX_UNIT_LEN + 1);
    let errors = check_errors(&format!("fact a \"A\": quantity {long}\n"));
    assert!(errors.contains("longer than 64 characters"), "{errors}");
    let errors = check_errors("fact a \"A\": quantity m/(s/(s/(s/(s/(s)))))\n");
    assert!(errors.contains("nested deeper than 4 levels"), "{errors}");
    let errors = check_errors("fact a \"A\": quantity dB\n");
    assert!(errors.contains("logarithmic"), "{errors}");
    let errors = check_errors("fact a \"A\": quantity 10*40.g\n");
    assert!(errors.contains("a factor beyond 1e30"), "{errors}");
    let errors = check_errors("fact a \"A\": quantity kg 5 to 1\n");
    assert!(errors.contains("cairn::check::bad_range"), "{errors}");
    let errors = check_errors("define a \"A\": number 0 to 1 = 0.5\n");
    assert!(
        errors.contains("cairn::check::domain_outside_fact"),
        "{errors}"
    );
    let errors = check_errors("fact a \"A\": quantity mg/dL molar mass 113 mL\n");
    assert!(
        errors.contains("a molar mass is a mass per amount"),
        "{errors}"
    );
    let errors = check_errors("fact a \"A\": quantity mg/dL where 1 kg = 2 m\n");
    assert!(errors.contains("cairn::check::bad_conversion"), "{errors}");
    let errors = check_errors("fact a \"A\": quantity mmHg\n");
    assert!(errors.contains("did you mean `mm[Hg]`?"), "{errors}");
}

#[test]
fn a_magnitude_past_the_limit_in_a_declared_range_is_an_error() {
    let big = format!("1{}", "0".repeat(260));
    let errors = check_errors(&format!("fact a \"A\": quantity Gy 0 to {big}\n"));
    assert!(errors.contains("cairn::check::quantity_range"), "{errors}");
}
