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
fn outcome(c: &Checked, facts: &str) -> cairn::Outcome<'static> {
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

/// An enum of `n` values with short names (`v0`, `v1`, ... in base 36, one
/// per line), so that a million of them stay under the file size limit.
fn big_enum_short(n: usize) -> String {
    let mut s = String::from("fact e \"E\": enum {\n");
    for mut i in 0..n {
        let mut name = Vec::new();
        loop {
            name.push(b"0123456789abcdefghijklmnopqrstuvwxyz"[i % 36]);
            i /= 36;
            if i == 0 {
                break;
            }
        }
        name.reverse();
        let _ = writeln!(s, "v{}", String::from_utf8_lossy(&name));
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
        big_enum_short(n)
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

/// The diagnostic codes of one recommendation.
fn rec_codes(out: &cairn::Outcome, id: &str) -> Vec<String> {
    let rec = out.recommendations.iter().find(|r| r.id == id);
    rec.map(|r| r.diagnostics.iter().map(|d| d.code.clone()).collect())
        .unwrap_or_default()
}

#[test]
fn case_integers_above_2_pow_53_are_exact_or_rejected() {
    let c = checked("fact n \"N\": integer\ninform a { when n > 0 statement \"a\" }\n");
    let out = outcome(&c, r#"{"n": 9223372036854775807}"#);
    assert_eq!(status(&out, "a"), Status::Applies);
    let out = outcome(&c, r#"{"n": -9223372036854775808}"#);
    assert_eq!(status(&out, "a"), Status::NotApplicable);
    // Written as digits with a fraction or an exponent, a number past 2^53
    // has lost its last digits: rejected rather than rounded.
    for raw in ["9007199254740993.0", "1e17", "9223372036854775808", "-1e19"] {
        let errors = case_errors(&c, &format!(r#"{{"n": {raw}}}"#));
        assert!(
            errors.contains("cairn::case::value_out_of_range"),
            "{errors}"
        );
        assert!(errors.contains(&format!("found `{raw}`")), "{errors}");
        assert!(errors.contains("case.json:1:"), "{errors}");
    }
    // Exact floats still read as integers.
    let out = outcome(&c, r#"{"n": 2.0}"#);
    assert_eq!(status(&out, "a"), Status::Applies);
}

#[test]
fn integer_overflow_is_a_runtime_diagnostic_not_a_silent_unknown() {
    let c = checked(
        "fact n \"N\": integer\n\
         fact dose \"Dose\": quantity Gy\n\
         fact k \"K\": integer\n\
         define times \"T\": integer = n * 9223372036854775807\n\
         define plus \"P\": integer = n + 9223372036854775807\n\
         define minus \"M\": integer = -n\n\
         define heavy \"H\": quantity Gy = dose * k\n\
         inform r_times { when times > 0 statement \"t\" }\n\
         inform r_plus { when plus > 0 statement \"p\" }\n\
         inform r_minus { when minus > 0 statement \"m\" }\n\
         inform r_heavy { when heavy > 1 Gy statement \"h\" }\n",
    );
    let out = outcome(
        &c,
        r#"{"n": -9223372036854775808, "dose": {"value": 1e240, "unit": "Gy"}, "k": 9223372036854775807}"#,
    );
    // `n * MAX` and `-n` overflow for `n = MIN`; `n + MAX` is -1.
    assert_eq!(status(&out, "r_plus"), Status::NotApplicable);
    for id in ["r_times", "r_minus", "r_heavy"] {
        assert_eq!(status(&out, id), Status::Undetermined, "{id}");
        assert_eq!(rec_codes(&out, id), ["eval::overflow"], "{id}");
        let rec = out.recommendations.iter().find(|r| r.id == id);
        assert!(rec.is_some_and(|r| r.missing.is_empty()), "{id}");
    }
    let codes: Vec<&str> = out.diagnostics.iter().map(|d| d.code.as_str()).collect();
    assert_eq!(codes, ["eval::overflow"; 3]);
    let note = cairn::eval::outcome::render::note(&out, &c);
    assert!(
        note.contains("cannot be decided: the result of `-n` is out of range"),
        "{note}"
    );
}

#[test]
fn unit_conversion_overflow_never_prints_a_known_value_as_null() {
    let c = checked(
        "fact dose \"Dose\": quantity Gy\n\
         define in_cgy \"In cGy\": quantity cGy = dose * 1.0\n\
         inform r { when in_cgy > 1 cGy statement \"r\" }\n",
    );
    // 1e308 Gy is finite, but 1e310 cGy is not: rejected when loaded.
    let errors = case_errors(&c, r#"{"dose": {"value": 1e308, "unit": "Gy"}}"#);
    assert!(
        errors.contains("cairn::case::value_out_of_range"),
        "{errors}"
    );
    let errors = case_errors(&c, r#"{"dose": {"value": 1e308, "unit": "cGy"}}"#);
    assert!(
        errors.contains("cairn::case::value_out_of_range"),
        "{errors}"
    );
    // The largest value in range converts into every unit (factors are
    // within `units::MAX_FACTOR`).
    let max = cairn::units::MAX_MAGNITUDE;
    assert!((max * cairn::units::MAX_FACTOR).is_finite());
    let out = outcome(&c, r#"{"dose": {"value": 1e250, "unit": "Gy"}}"#);
    let json = serde_json::to_value(&out).unwrap();
    let in_cgy = json["derived"]["in_cgy"]["value"].as_f64().unwrap();
    assert!(cairn::units::approx_eq(in_cgy, 1e252), "{in_cgy}");
    assert_eq!(status(&out, "r"), Status::Applies);
}

#[test]
fn non_iso_dates_are_rejected_with_did_you_mean() {
    let c = checked("fact d \"D\": date\ninform r { when d > 2000-01-01 statement \"r\" }\n");
    for raw in [
        "20240101",
        "2024-01-01T23:59:59",
        "2024-1-1",
        "+002024-01-01",
    ] {
        let errors = case_errors(&c, &format!(r#"{{"d": "{raw}"}}"#));
        assert!(errors.contains("cairn::case::bad_date"), "{errors}");
        assert!(errors.contains("did you mean `2024-01-01`?"), "{errors}");
    }
    let errors = case_errors(&c, r#"{"d": "0000-01-01"}"#);
    assert!(errors.contains("cairn::case::bad_date"), "{errors}");
    let out = outcome(&c, r#"{"d": "9999-12-31"}"#);
    assert_eq!(status(&out, "r"), Status::Applies);
}

#[test]
fn date_arithmetic_out_of_range_is_a_diagnostic_not_a_fake_date() {
    let c = checked(
        "fact d \"D\": date\n\
         define later \"Later\": date = d + 9000 years\n\
         define earlier \"Earlier\": date = d - 3000 years\n\
         define next \"Next\": date = d + 1 day\n\
         inform r_later { when later > d statement \"l\" }\n\
         inform r_earlier { when earlier < d statement \"e\" }\n\
         inform r_next { when next > d statement \"n\" }\n",
    );
    let out = outcome(&c, r#"{"d": "2024-01-01"}"#);
    for id in ["r_later", "r_earlier"] {
        assert_eq!(status(&out, id), Status::Undetermined, "{id}");
        assert_eq!(rec_codes(&out, id), ["eval::date_out_of_range"], "{id}");
    }
    let json = serde_json::to_string(&out).unwrap();
    assert!(!json.contains("\"day "), "{json}");
    let out = outcome(&c, r#"{"d": "9999-12-31"}"#);
    assert_eq!(status(&out, "r_next"), Status::Undetermined);
    assert_eq!(rec_codes(&out, "r_next"), ["eval::date_out_of_range"]);
    let json = serde_json::to_value(&out).unwrap();
    assert_eq!(json["derived"]["next"], serde_json::Value::Null);
}

#[test]
fn schedule_past_1000_visits_says_it_is_truncated() {
    let c = checked(
        "fact start \"Start\": date\n\
         schedule s \"S\" from start { every 1 day for 10 years }\n\
         recommend r { statement \"r\" schedule s }\n",
    );
    let out = outcome(&c, r#"{"start": "2024-01-01"}"#);
    assert_eq!(out.schedules.len(), 1);
    assert_eq!(out.schedules[0].visits.len(), 1000);
    let codes: Vec<&str> = out.diagnostics.iter().map(|d| d.code.as_str()).collect();
    assert_eq!(codes, ["eval::schedule_truncated"]);
    let note = cairn::eval::outcome::render::note(&out, &c);
    assert!(
        note.contains("schedule `s` truncated at 1,000 visits"),
        "{note}"
    );
    // Near the end of the supported dates the visits stop at 9999-12-31.
    let out = outcome(&c, r#"{"start": "9999-06-01"}"#);
    let last = out.schedules[0].visits.last().map(|v| v.latest.clone());
    assert_eq!(last.as_deref(), Some("9999-12-31"));
    assert_eq!(out.schedules[0].visits.len(), 213);
    let codes: Vec<&str> = out.diagnostics.iter().map(|d| d.code.as_str()).collect();
    assert_eq!(codes, ["eval::date_out_of_range"]);
    // A schedule of exactly 1,000 visits is not cut.
    let c = checked(
        "fact start \"Start\": date\n\
         schedule s \"S\" from start { every 1 day for 1000 days }\n\
         recommend r { statement \"r\" schedule s }\n",
    );
    let out = outcome(&c, r#"{"start": "2024-01-01"}"#);
    assert_eq!(out.schedules[0].visits.len(), 1000);
    assert!(out.diagnostics.is_empty(), "{:?}", out.diagnostics);
}

fn load_corpus(name: &str) -> Checked {
    let path = format!("tests/corpus/analysis/{name}.cairn");
    let text = std::fs::read_to_string(&path).unwrap();
    cairn::parse(&path, &text).check().unwrap()
}

#[test]
fn analyze_finds_the_conflict_among_20_integer_facts() {
    // 3^20 regions: the old sampled search missed the one case where both
    // apply and exited clean; the depth-first search prunes to it.
    let c = load_corpus("conflict_20_facts");
    let a = cairn::analysis::analyze(&c);
    let kinds: Vec<_> = a.findings.iter().map(|f| f.kind).collect();
    assert_eq!(kinds, [cairn::analysis::Kind::Conflict]);
    assert_eq!(a.error_count(), 1);
    let w = a.findings[0].witness.clone().unwrap_or_default();
    assert_eq!(w["facts"]["f19"], serde_json::json!(37));
    assert_eq!(w["facts"]["f0"], serde_json::json!(37));
}

#[test]
fn analyze_says_undecided_within_the_budget_as_an_error() {
    let c = load_corpus("undecided_parity");
    let a = cairn::analysis::analyze_with_budget(&c.model, 10_000);
    let kinds: Vec<_> = a.findings.iter().map(|f| f.kind).collect();
    assert_eq!(kinds, [cairn::analysis::Kind::Undecided]);
    assert!(a.findings[0].message.contains("within the budget"));
    assert_eq!(a.error_count(), 1, "never clean");
    // Acknowledged, it no longer fails.
    let path = "tests/corpus/analysis/undecided_parity.cairn";
    let text = std::fs::read_to_string(path).unwrap().replace(
        "  statement \"Never.\"",
        "  statement \"Never.\"\n  acknowledge undecided \"Parity is checked by hand.\"",
    );
    let c = cairn::parse(path, &text).check().unwrap();
    let a = cairn::analysis::analyze_with_budget(&c.model, 10_000);
    assert_eq!(a.error_count(), 0);
    assert!(a.findings.iter().all(|f| f.acknowledged.is_some()));
}
