//! Semantics tests: the cases `grammar/SEMANTICS.md` names (set membership
//! with unknown members, partly known table keys, calendar dates, division
//! by zero), checked on every way of running a case: the full outcome, the
//! single-case status path and the 64-lane batch, and the text note.

use cairn::case::Case;
use cairn::check::{check, Checked};
use cairn::eval::outcome::{Outcome, Status};
use cairn::eval::{render, Options, Program};
use cairn::syntax::{parse_with, FsLoader};

const HEADER: &str = "guideline semantics { title \"Semantics\" version \"1\" status draft }\n";

/// Checks declarations under a fixed header.
fn checked(decls: &str) -> Checked {
    let text = format!("{HEADER}{decls}");
    match check(parse_with("s.cairn", &text, &FsLoader)) {
        Ok(c) => c,
        Err(f) => panic!("{}", f.diagnostics.render(&f.sources, 100)),
    }
}

fn case(c: &Checked, facts: &str) -> Case {
    let json = format!("{{\"facts\": {facts}}}");
    match cairn::case::load(c, "case", &json) {
        Ok(file) => file.case,
        Err(f) => panic!("{}", f.diagnostics.render(&f.sources, 100)),
    }
}

/// Runs the cases every way and checks that the statuses agree; returns
/// the full outcomes.
fn outcomes(c: &Checked, facts: &[&str]) -> Vec<Outcome<'static>> {
    let p = Program::new(c);
    let cases: Vec<Case> = facts.iter().map(|f| case(c, f)).collect();
    let out: Vec<Outcome> = cases
        .iter()
        .map(|k| p.evaluate(k, Options { trace: true }))
        .collect();
    let mut s = p.scratch();
    let mut batch = p.batch_scratch();
    let all = p.statuses_batch(&cases, &mut batch).to_vec();
    let n = c.model.recs.len();
    for (i, (k, o)) in cases.iter().zip(&out).enumerate() {
        let full: Vec<Status> = o.recommendations.iter().map(|r| r.status).collect();
        assert_eq!(p.statuses(k, &mut s), full.as_slice(), "{}", facts[i]);
        assert_eq!(&all[i * n..(i + 1) * n], full.as_slice(), "{}", facts[i]);
    }
    out
}

fn rec<'o>(o: &'o Outcome, id: &str) -> (Status, &'o [String]) {
    let r = o
        .recommendations
        .iter()
        .find(|r| r.id == id)
        .unwrap_or_else(|| panic!("no recommendation {id}"));
    (r.status, &r.missing)
}

#[test]
fn in_is_true_when_a_known_member_matches() {
    let c = checked(
        "fact g \"g\": integer\nfact h \"h\": integer\n\
         define x \"x\": bool = g in {1, h}\n\
         define y \"y\": bool = g not in {1, h}\n\
         suggest r { when x statement \"r\" }\n\
         suggest s { when y statement \"s\" }\n",
    );
    let o = outcomes(
        &c,
        &[
            r#"{"g": 1}"#,
            r#"{"g": 2}"#,
            r#"{"g": 2, "h": 2}"#,
            r#"{"h": 1}"#,
        ],
    );
    assert_eq!(o[0].derived["x"], serde_json::json!(true));
    assert_eq!(rec(&o[0], "r"), (Status::Applies, &[][..]));
    assert_eq!(rec(&o[0], "s"), (Status::NotApplicable, &[][..]));
    assert_eq!(o[1].derived["x"], serde_json::Value::Null);
    assert_eq!(
        rec(&o[1], "r"),
        (Status::Undetermined, &["h".to_string()][..])
    );
    assert_eq!(
        rec(&o[1], "s"),
        (Status::Undetermined, &["h".to_string()][..])
    );
    assert_eq!(rec(&o[2], "r").0, Status::Applies);
    assert_eq!(
        rec(&o[3], "r"),
        (Status::Undetermined, &["g".to_string()][..])
    );
    // The trace of the true `in` names only what decided it: `g`, not `h`.
    let step = o[0].trace.iter().find(|t| t.name == "x").unwrap();
    let labels: Vec<&str> = step.labels.iter().map(|l| l.text.as_str()).collect();
    assert_eq!(labels, ["g = 1"]);
}

#[test]
fn checker_folds_in_with_literal_members() {
    let c = checked(
        "fact g \"g\": integer\nfact h \"h\": integer\n\
         suggest r { when 1 in {g, 1} statement \"r\" }\n\
         suggest s { when g in {1, h} statement \"s\" }\n",
    );
    let codes: Vec<String> = c.warnings.reports.iter().map(|r| r.code()).collect();
    assert_eq!(codes, ["cairn::check::constant_condition"]);
    let text = c.warnings.render(&c.sources, 100);
    assert!(text.contains("1 in {g, 1}"), "{text}");
}

#[test]
fn table_row_with_a_wildcard_matches_when_the_other_key_is_unknown() {
    let c = checked(
        "fact a \"a\": enum { x, y }\nfact b \"b\": enum { p, q }\n\
         table t \"t\" {\n  key a, b\n  column v \"v\": integer\n  row x, p -> 1\n  row _, q -> 2\n}\n\
         suggest r { when t.v = 2 statement \"r\" }\n",
    );
    let o = outcomes(
        &c,
        &[r#"{"b": "q"}"#, r#"{"b": "p"}"#, r#"{"a": "y", "b": "p"}"#],
    );
    assert_eq!(o[0].derived["t"], serde_json::json!({"v": 2}));
    assert_eq!(rec(&o[0], "r"), (Status::Applies, &[][..]));
    assert_eq!(
        rec(&o[1], "r"),
        (Status::Undetermined, &["a".to_string()][..])
    );
    // No row matches: unknown, but no fact is missing.
    assert_eq!(rec(&o[2], "r"), (Status::Undetermined, &[][..]));
}

/// A guideline whose definitions shift one date fact.
fn dates() -> Checked {
    checked(
        "fact start \"start\": date\nfact seen \"seen\": date\n\
         fact delay \"delay\": quantity months\nfact gap \"gap\": quantity weeks\n\
         define plus_year \"plus_year\" = start + 1 year\n\
         define plus_month \"plus_month\" = start + 1 month\n\
         define minus_3_months \"minus_3_months\" = start - 3 months\n\
         define plus_10_days \"plus_10_days\" = start + 10 days\n\
         define reversed \"reversed\" = 1 year + start\n\
         define by_delay \"by_delay\" = start + delay\n\
         define by_gap \"by_gap\" = start + gap\n\
         define aged_75 \"aged_75\" = seen >= start + 75 years\n\
         suggest old { when aged_75 statement \"old\" }\n",
    )
}

fn derived(o: &Outcome, name: &str) -> String {
    match &o.derived[name] {
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

#[test]
fn dates_shift_by_calendar_months_and_years() {
    let c = dates();
    let o = outcomes(
        &c,
        &[
            r#"{"start": "2023-04-01", "seen": "2098-04-01"}"#,
            r#"{"start": "2023-04-01", "seen": "2098-03-31"}"#,
            r#"{"start": "2024-01-31", "delay": "1 month", "gap": "2 weeks"}"#,
            r#"{"start": "2023-01-31", "delay": "30 days", "gap": "1 month"}"#,
            r#"{"start": "2024-02-29"}"#,
            r#"{"start": "2024-05-31"}"#,
        ],
    );
    assert_eq!(derived(&o[0], "plus_year"), "2024-04-01");
    assert_eq!(derived(&o[0], "reversed"), "2024-04-01");
    assert_eq!(derived(&o[0], "minus_3_months"), "2023-01-01");
    assert_eq!(derived(&o[0], "plus_10_days"), "2023-04-11");
    assert_eq!(rec(&o[0], "old").0, Status::Applies);
    assert_eq!(rec(&o[1], "old").0, Status::NotApplicable);
    assert_eq!(derived(&o[2], "plus_month"), "2024-02-29");
    assert_eq!(derived(&o[2], "by_delay"), "2024-02-29");
    assert_eq!(derived(&o[2], "by_gap"), "2024-02-14");
    assert_eq!(derived(&o[3], "plus_month"), "2023-02-28");
    // 30 days declared in months: no whole month, the rest rounds to 30 days.
    assert_eq!(derived(&o[3], "by_delay"), "2023-03-02");
    // 1 month declared in weeks: 30.44 days, rounded to 30.
    assert_eq!(derived(&o[3], "by_gap"), "2023-03-02");
    assert_eq!(derived(&o[4], "plus_year"), "2025-02-28");
    assert_eq!(derived(&o[4], "minus_3_months"), "2023-11-29");
    assert_eq!(derived(&o[5], "minus_3_months"), "2024-02-29");
}

#[test]
fn schedules_and_expressions_shift_dates_alike() {
    let c = checked(
        "fact start \"start\": date\n\
         schedule follow \"Follow-up\" from start {\n  every 1 to 2 months for 1 year\n  \
         then every 1 to 3 weeks for 6 weeks\n  then every 1 year until at least 3 years\n  \
         study \"CT\"\n}\n\
         define m1 \"m1\" = start + 1 month\ndefine m2 \"m2\" = start + 2 months - 1 day\n\
         define end1 \"end1\" = start + 1 year\n\
         define w1 \"w1\" = end1 + 1 week\ndefine w3 \"w3\" = end1 + 2 weeks - 1 day\n\
         define third \"third\" = start + 2 years + 6 weeks\n\
         recommend r { statement \"r\" schedule follow }\n",
    );
    let p = Program::new(&c);
    // Every start date of two years, month ends and 29 February included. A
    // window closes the day before the next visit's opens (no overlap).
    for day in 19_358..19_358 + 731 {
        let date = cairn::value::format_date(day);
        let k = case(&c, &format!("{{\"start\": \"{date}\"}}"));
        let o = p.evaluate(&k, Options::default());
        let visits = &o.schedules[0].visits;
        let first = &visits[0];
        assert_eq!(first.earliest, derived(&o, "m1"), "from {date}");
        assert_eq!(first.latest, derived(&o, "m2"), "from {date}");
        let second = visits.iter().find(|v| v.phase == 2).unwrap();
        assert_eq!(second.earliest, derived(&o, "w1"), "from {date}");
        assert_eq!(second.latest, derived(&o, "w3"), "from {date}");
        // The third phase starts where the second ends, six weeks later;
        // offsets count from the start, calendar months first.
        let third = visits.iter().find(|v| v.phase == 3).unwrap();
        assert_eq!(third.earliest, derived(&o, "third"), "from {date}");
    }
    // The example of `grammar/SEMANTICS.md`, "Schedules".
    let c = checked(
        "fact start \"start\": date\n\
         schedule follow \"Follow-up\" from start {\n  every 3 months for 1 year\n  study \"CT\"\n}\n\
         recommend r { statement \"r\" schedule follow }\n",
    );
    let o = Program::new(&c).evaluate(&case(&c, r#"{"start": "2023-11-30"}"#), Options::default());
    let dates: Vec<&str> = o.schedules[0]
        .visits
        .iter()
        .map(|v| v.earliest.as_str())
        .collect();
    assert_eq!(
        dates,
        ["2024-02-29", "2024-05-30", "2024-08-30", "2024-11-30"]
    );
}

fn division() -> Checked {
    checked(
        "fact total \"Total dose\": quantity Gy\nfact sessions \"Sessions\": integer 0 to 40\n\
         fact boost \"Boost planned\": bool\n\
         define per_session \"Dose per session\" = total / sessions\n\
         suggest r { when per_session > 2 Gy statement \"r\" }\n\
         suggest s { when boost or per_session > 2 Gy statement \"s\" }\n",
    )
}

#[test]
fn division_by_zero_is_reported_in_json() {
    let c = division();
    let o = outcomes(
        &c,
        &[
            r#"{"total": "50 Gy", "sessions": 0}"#,
            r#"{"total": "50 Gy", "sessions": 25}"#,
            r#"{"sessions": 0}"#,
        ],
    );
    let json = serde_json::to_value(&o[0]).unwrap();
    let expected = serde_json::json!([{
        "code": "eval::division_by_zero",
        "message": "division by zero in `total / sessions`",
        "location": "s.cairn:5:41",
    }]);
    assert_eq!(json["diagnostics"], expected);
    assert_eq!(json["recommendations"][0]["status"], "undetermined");
    assert_eq!(json["recommendations"][0]["missing"], serde_json::json!([]));
    assert_eq!(json["recommendations"][0]["diagnostics"], expected);
    // `s` also needs `boost`, and says both.
    assert_eq!(
        json["recommendations"][1]["missing"],
        serde_json::json!(["boost"])
    );
    assert_eq!(json["recommendations"][1]["diagnostics"], expected);
    // Nothing to report when the divisor is not zero, or not known.
    for o in &o[1..] {
        let json = serde_json::to_value(o).unwrap();
        assert!(json.get("diagnostics").is_none(), "{json}");
        assert!(json["recommendations"][0].get("diagnostics").is_none());
    }
    // A zero divisor leaves `r` unknown whatever the total is: no value of
    // `total` decides it, so nothing is missing (exact statuses).
    assert_eq!(rec(&o[2], "r"), (Status::Undetermined, &[][..]));
}

#[test]
fn division_by_zero_is_a_warning_in_the_note_and_the_trace() {
    let c = division();
    let o = outcomes(
        &c,
        &[r#"{"total": "50 Gy", "sessions": 0, "boost": false}"#],
    );
    let note = render::note(&o[0], &c);
    assert!(
        note.contains(
            "Warning: division by zero in `total / sessions` (s.cairn:5:41) [eval::division_by_zero]"
        ),
        "{note}"
    );
    assert!(
        note.contains(
            "  * [r] r\n      cannot be decided: division by zero in `total / sessions` (s.cairn:5:41)\n"
        ),
        "{note}"
    );
    assert!(!note.contains("no missing fact decides it"), "{note}");
    let reason = |name: &str| {
        o[0].trace
            .iter()
            .find(|t| t.name == name)
            .map(|t| t.reason.clone())
            .unwrap_or_default()
    };
    assert_eq!(
        reason("per_session"),
        "unknown: division by zero in `total / sessions`"
    );
    assert_eq!(
        reason("r"),
        "undetermined: division by zero in `total / sessions`"
    );
}

#[test]
fn guarded_division_is_not_reported() {
    let c = checked(
        "fact total \"t\": quantity Gy\nfact sessions \"s\": integer 0 to 40\n\
         define per_session \"p\" = first {\n  when sessions = 0 then 0 Gy\n  \
         otherwise total / sessions\n}\n\
         suggest r { when sessions > 0 and total / sessions > 2 Gy statement \"r\" }\n\
         suggest s { when per_session > 2 Gy statement \"s\" }\n",
    );
    let o = outcomes(&c, &[r#"{"total": "50 Gy", "sessions": 0}"#]);
    assert!(o[0].diagnostics.is_empty(), "{:?}", o[0].diagnostics);
    assert_eq!(rec(&o[0], "r").0, Status::NotApplicable);
    assert_eq!(rec(&o[0], "s").0, Status::NotApplicable);
}

#[test]
fn overflow_is_reported_like_division_by_zero() {
    let c = checked(
        "fact a \"a\": integer\nfact start \"start\": date\n\
         define square \"square\" = a * a\ndefine far \"far\" = start + 20000 years\n\
         suggest r { when square > 0 statement \"r\" }\n",
    );
    let o = outcomes(
        &c,
        &[
            r#"{"a": 3037000500, "start": "2024-01-01"}"#,
            r#"{"a": 3037000499}"#,
        ],
    );
    let codes: Vec<&str> = o[0].diagnostics.iter().map(|d| d.code.as_str()).collect();
    assert_eq!(codes, ["eval::overflow", "eval::date_out_of_range"]);
    assert_eq!(
        o[0].diagnostics[0].message,
        "the result of `a * a` is out of range"
    );
    assert_eq!(o[0].derived["far"], serde_json::Value::Null);
    assert_eq!(rec(&o[0], "r").0, Status::Undetermined);
    assert!(o[1].diagnostics.is_empty());
    assert_eq!(rec(&o[1], "r").0, Status::Applies);
}

#[test]
fn statements_show_labels_units_and_unknown() {
    let c = checked(
        "fact histology \"h\": enum { lms \"Leiomyosarcoma\", other }\n\
         fact size \"s\": quantity cm\n\
         inform r { statement \"A {histology} of {size}\" }\n",
    );
    let o = outcomes(&c, &[r#"{"histology": "lms", "size": "50 mm"}"#, "{}"]);
    assert_eq!(
        o[0].recommendations[0].statement,
        "A Leiomyosarcoma of 5 cm"
    );
    assert_eq!(o[1].recommendations[0].statement, "A unknown of unknown");
}
