//! Issue 10, silent wrong answers in values: enum indices, exact integers,
//! overflow, unit conversion, dates, schedules and analysis. Each test is
//! named after the finding it guards against.

use cairn::check::Checked;
use cairn::eval::outcome::Status;
use cairn::eval::{Options, Program};
use std::fmt::Write as _;

/// A guideline header followed by `decls`.
fn source(decls: &str) -> String {
    format!("guideline t {{ title \"T\" version \"1.0.0\" status draft }}\n{decls}")
}

fn checked(decls: &str) -> Checked {
    match cairn::parse("t.cairn", &source(decls)).check() {
        Ok(c) => c,
        Err(f) => panic!("does not check\n{}", f.diagnostics.render(&f.sources, 100)),
    }
}

/// The rendered diagnostics of a guideline that must fail the check.
fn check_errors(decls: &str) -> String {
    match cairn::parse("t.cairn", &source(decls)).check() {
        Ok(_) => panic!("checks, but should not"),
        Err(f) => f.diagnostics.render(&f.sources, 100),
    }
}

/// The rendered diagnostics of a case (its facts as JSON) that must not load.
fn case_errors(c: &Checked, facts: &str) -> String {
    let json = format!("{{\"facts\": {facts}}}");
    match cairn::case::load(c, "case.json", &json) {
        Ok(_) => panic!("case {facts} loads, but should not"),
        Err(f) => f.diagnostics.render(&f.sources, 100),
    }
}

/// Evaluates one case (its facts as a JSON object).
fn outcome(c: &Checked, facts: &str) -> cairn::Outcome {
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

fn status(out: &cairn::Outcome, id: &str) -> Status {
    match out.recommendations.iter().find(|r| r.id == id) {
        Some(r) => r.status,
        None => panic!("no recommendation `{id}`"),
    }
}

/// An enum fact `e` of `n` values `v0`..`v{n-1}`.
fn big_enum(n: usize) -> String {
    let mut s = String::from("fact e \"E\": enum {\n");
    for i in 0..n {
        let _ = writeln!(s, "  v{i}");
    }
    s.push_str("}\n");
    s
}

#[test]
fn enum_index_past_65536_does_not_wrap() {
    let decls = format!(
        "{}inform at_first {{ when e = v0 statement \"first\" }}\n\
         inform at_last {{ when e = v69999 statement \"last\" }}\n\
         inform at_wrapped {{ when e = v65536 statement \"wrapped\" }}\n",
        big_enum(70_000)
    );
    let c = checked(&decls);
    let out = outcome(&c, r#"{"e": "v69999"}"#);
    assert_eq!(status(&out, "at_last"), Status::Applies);
    assert_eq!(status(&out, "at_first"), Status::NotApplicable);
    assert_eq!(status(&out, "at_wrapped"), Status::NotApplicable);
    let out = outcome(&c, r#"{"e": "v65536"}"#);
    assert_eq!(status(&out, "at_wrapped"), Status::Applies);
    assert_eq!(status(&out, "at_first"), Status::NotApplicable);
    let out = outcome(&c, r#"{"e": "v0"}"#);
    assert_eq!(status(&out, "at_first"), Status::Applies);
    assert_eq!(status(&out, "at_wrapped"), Status::NotApplicable);
}

#[test]
fn enum_over_the_limit_is_a_located_error() {
    let n = cairn::check::MAX_ENUM_VALUES + 1;
    let decls = format!(
        "{}inform a {{ when e = v0 statement \"a\" }}\n",
        big_enum(n)
    );
    let errors = check_errors(&decls);
    assert!(errors.contains("cairn::check::enum_too_large"), "{errors}");
    assert!(
        errors.contains("enum `e` declares 1000001 values, more than the limit of 1000000"),
        "{}",
        &errors[..errors.len().min(2000)]
    );
}

#[test]
fn integer_literals_above_2_pow_53_are_exact() {
    let c = checked(
        "fact n \"N\": integer\n\
         inform odd { when n = 9007199254740993 statement \"odd\" }\n\
         inform max { when n = 9223372036854775807 statement \"max\" }\n",
    );
    let out = outcome(&c, r#"{"n": 9007199254740993}"#);
    assert_eq!(status(&out, "odd"), Status::Applies);
    assert_eq!(status(&out, "max"), Status::NotApplicable);
    let out = outcome(&c, r#"{"n": 9007199254740992}"#);
    assert_eq!(status(&out, "odd"), Status::NotApplicable);
    let out = outcome(&c, r#"{"n": 9223372036854775807}"#);
    assert_eq!(status(&out, "max"), Status::Applies);
}

#[test]
fn integer_literal_out_of_range_is_a_located_error() {
    let errors = check_errors(
        "fact n \"N\": integer\ninform big { when n = 9223372036854775808 statement \"b\" }\n",
    );
    assert!(errors.contains("cairn::check::integer_range"), "{errors}");
    assert!(
        errors.contains("integer `9223372036854775808` is out of range"),
        "{errors}"
    );
    assert!(errors.contains("t.cairn:3:23"), "{errors}");
}

#[test]
fn schedule_interval_of_zero_or_under_a_day_is_a_check_error() {
    for every in ["0 days", "12 hours", "0 to 2 days"] {
        let errors = check_errors(&format!(
            "fact start \"Start\": date\n\
             schedule s \"S\" from start {{ every {every} for 1 year }}\n\
             recommend r {{ statement \"r\" schedule s }}\n"
        ));
        assert!(
            errors.contains("cairn::check::schedule_interval"),
            "{errors}"
        );
        assert!(errors.contains("is shorter than a day"), "{errors}");
        assert!(errors.contains("t.cairn:3:"), "{errors}");
    }
    // A day is the shortest interval.
    checked(
        "fact start \"Start\": date\n\
         schedule s \"S\" from start { every 1 day for 1 week }\n\
         recommend r { statement \"r\" schedule s }\n",
    );
}
