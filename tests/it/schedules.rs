//! Schedule tests: schedules that start from a date definition, end at a
//! date or an age, and report the next due visit as of a date
//! (`grammar/SEMANTICS.md`, "Schedules"), in the outcome, the text note,
//! golden cases, the checker and the formatter.

use cairn::case::Case;
use cairn::check::{check, Checked};
use cairn::eval::outcome::{Outcome, ScheduleOutcome};
use cairn::eval::{render, Options, Program};
use cairn::syntax::{parse_with, FsLoader};

const HEADER: &str = "guideline schedules { title \"Schedules\" version \"1\" status draft }\n";

/// Screening from the latest of two tests until the 65th birthday, with
/// the 65th birthday also as a definition to compare with.
const SCREENING: &str = "fact born \"born\": date\n\
     fact last_pap \"last_pap\": date\n\
     fact last_hpv \"last_hpv\": date\n\
     fact seen \"seen\": date\n\
     define last_screen \"last_screen\": date = latest of [last_pap, last_hpv]\n\
     define birthday_65 \"birthday_65\": date = born + 65 years\n\
     schedule s \"Screening\" from last_screen as of seen {\n  every 3 years until 65 years after born\n}\n\
     inform r { statement \"r\" schedule s }\n";

fn checked(decls: &str) -> Result<Checked, String> {
    let text = format!("{HEADER}{decls}");
    check(parse_with("s.cairn", &text, &FsLoader))
        .map_err(|f| f.diagnostics.render(&f.sources, 100))
}

fn case(c: &Checked, facts: &str) -> Case {
    let json = format!("{{\"facts\": {facts}}}");
    match cairn::case::load(c, "case", &json) {
        Ok(file) => file.case,
        Err(f) => panic!("{}", f.diagnostics.render(&f.sources, 100)),
    }
}

fn run(c: &Checked, facts: &str) -> Outcome<'static> {
    Program::new(c).evaluate(&case(c, facts), Options::default())
}

fn derived(o: &Outcome, name: &str) -> String {
    o.derived[name].as_str().unwrap_or("null").to_string()
}

fn only<'o, 'p>(o: &'o Outcome<'p>) -> &'o ScheduleOutcome<'p> {
    assert_eq!(o.schedules.len(), 1);
    &o.schedules[0]
}

#[test]
fn a_schedule_starts_from_a_definition_and_ends_at_an_age() {
    let c = checked(SCREENING).unwrap();
    let p = Program::new(&c);
    // Dates of birth over two years (29 February included), each with a
    // start that leaves a few visits before the 65th birthday.
    for day in (-2_000..-2_000 + 731).step_by(7) {
        let born = cairn::value::format_date(day);
        let year: i32 = born[..4].parse().unwrap();
        let facts = format!(
            "{{\"born\": \"{born}\", \"last_pap\": \"{}-01-31\", \"last_hpv\": \"{}-07-15\"}}",
            year + 50,
            year + 51
        );
        let o = p.evaluate(&case(&c, &facts), Options::default());
        let s = only(&o);
        assert_eq!(
            s.start.as_deref(),
            Some(derived(&o, "last_screen").as_str())
        );
        let end = derived(&o, "birthday_65");
        let last = s.visits.last().unwrap();
        assert!(last.earliest <= end, "born {born}: {last:?} after {end}");
        // The next visit, three years on, would open after the birthday.
        let next: i32 = last.earliest[..4].parse::<i32>().unwrap() + 3;
        assert!(
            format!("{next}{}", &last.earliest[4..]) > end,
            "born {born}"
        );
        assert_eq!(s.needs, ["seen"], "only the `as of` date is unknown");
        assert_eq!(s.next_due, None, "no `seen`: no next due");
    }
}

#[test]
fn next_due_is_the_first_window_not_closed() {
    let c = checked(
        "fact start \"start\": date\nfact seen \"seen\": date\n\
         schedule s \"S\" from start as of seen {\n  every 3 to 6 months for 2 years\n  \
         then every 1 year until at least 5 years\n}\n\
         inform r { statement \"r\" schedule s }\n",
    )
    .unwrap();
    let p = Program::new(&c);
    for day in (19_000..19_000 + 2_200).step_by(3) {
        let seen = cairn::value::format_date(day);
        let k = case(
            &c,
            &format!("{{\"start\": \"2022-01-31\", \"seen\": \"{seen}\"}}"),
        );
        let o = p.evaluate(&k, Options::default());
        let s = only(&o);
        let open: Vec<_> = s.visits.iter().filter(|v| v.latest >= seen).collect();
        match (open.first(), &s.next_due) {
            (Some(v), Some(n)) => {
                assert_eq!(
                    (v.number, &v.earliest, &v.latest),
                    (n.number, &n.earliest, &n.latest)
                );
                // Every window before it closed before `seen`.
                let before = s.visits.iter().filter(|w| w.number < n.number);
                assert!(before.into_iter().all(|w| w.latest < seen), "{seen}");
            }
            (None, None) => assert!(s.visits.iter().all(|v| v.latest < seen)),
            other => panic!("as of {seen}: {other:?}"),
        }
    }
}

#[test]
fn a_phase_ending_at_a_date_hands_over_at_that_date() {
    let c = checked(
        "fact start \"start\": date\n\
         schedule s \"S\" from start {\n  every 1 year until 2030-01-01\n  \
         then every 2 years until at least 2034-06-01\n}\n\
         inform r { statement \"r\" schedule s }\n",
    )
    .unwrap();
    let dates = |start: &str| -> Vec<(u32, String)> {
        let o = run(&c, &format!("{{\"start\": \"{start}\"}}"));
        only(&o)
            .visits
            .iter()
            .map(|v| (v.phase, v.earliest.clone()))
            .collect()
    };
    let want = |v: &[(u32, &str)]| -> Vec<(u32, String)> {
        v.iter().map(|(p, d)| (*p, d.to_string())).collect()
    };
    assert_eq!(
        dates("2027-03-10"),
        want(&[
            (1, "2028-03-10"),
            (1, "2029-03-10"),
            (2, "2032-01-01"),
            (2, "2034-01-01")
        ])
    );
    // An end already past: the first phase is empty, the second counts on
    // from the start.
    assert_eq!(dates("2031-03-01"), want(&[(2, "2033-03-01")]));
}

#[test]
fn unknown_dates_say_which_facts_they_need() {
    let c = checked(SCREENING).unwrap();
    let o = run(&c, r#"{"born": "1970-05-20", "last_pap": "2020-03-01"}"#);
    let s = only(&o);
    assert_eq!(s.start, None);
    assert!(s.visits.is_empty());
    assert_eq!(s.needs, ["last_hpv", "seen"]);
    let o = run(
        &c,
        r#"{"last_pap": "2020-03-01", "last_hpv": "2022-02-01", "seen": "2026-12-02"}"#,
    );
    let s = only(&o);
    assert!(s.visits.is_empty(), "the end is unknown: no visits");
    assert_eq!(s.needs, ["born"]);
    let note = render::note(&o, &c);
    assert!(note.contains("  needs: `born`\n"), "{note}");
    let json = serde_json::to_value(&o).unwrap();
    assert_eq!(json["schedules"][0]["needs"], serde_json::json!(["born"]));
    assert_eq!(json["schedules"][0]["next_due"], serde_json::Value::Null);
}

#[test]
fn the_text_note_and_json_show_the_next_due_visit() {
    let c = checked(SCREENING).unwrap();
    let facts = r#"{"born": "1970-05-20", "last_pap": "2020-03-01", "last_hpv": "2022-02-01", "seen": "2026-12-02"}"#;
    let o = run(&c, facts);
    let note = render::note(&o, &c);
    assert!(
        note.contains("  next due: 2028-02-01 to 2028-02-01\n"),
        "{note}"
    );
    assert!(
        note.contains("every 3 years until 65 years after born"),
        "{note}"
    );
    let json = serde_json::to_value(&o).unwrap();
    assert_eq!(
        json["schedules"][0]["next_due"],
        serde_json::json!({"number": 2, "earliest": "2028-02-01", "latest": "2028-02-01"})
    );
}

#[test]
fn golden_cases_expect_the_next_due_visit() {
    let c = checked(SCREENING).unwrap();
    let facts = r#"{"born": "1970-05-20", "last_pap": "2020-03-01", "last_hpv": "2022-02-01", "seen": "2026-12-02"}"#;
    let load = |next: &str| {
        let json = format!("{{\"facts\": {facts}, \"expect\": {{\"next_due\": {{{next}}}}}}}");
        cairn::case::load(&c, "case.json", &json)
    };
    let o = run(&c, facts);
    let good = load(r#""s": "2028-02-01 to 2028-02-01""#).unwrap();
    assert!(cairn::testing::compare::differences(&good.expect.unwrap(), &o).is_empty());
    let bad = load(r#""s": null"#).unwrap();
    let diffs = cairn::testing::compare::differences(&bad.expect.unwrap(), &o);
    assert_eq!(diffs.len(), 1);
    assert_eq!(diffs[0].kind, "next_due");
    assert_eq!(diffs[0].actual, "2028-02-01 to 2028-02-01");
    let err = load(r#""t": null"#).unwrap_err();
    assert!(err
        .diagnostics
        .render(&err.sources, 100)
        .contains("cairn::case::unknown_schedule"));
    let err = load(r#""s": "2028-02-01""#).unwrap_err();
    assert!(err
        .diagnostics
        .render(&err.sources, 100)
        .contains("cairn::case::shape"));
}

#[test]
fn a_schedule_reads_only_dates() {
    for (decls, name) in [
        ("define d \"d\" = 1 > 0\nschedule s \"S\" from d { every 1 year for 2 years }", "d"),
        ("fact d \"d\": date\nfact n \"n\": integer\nschedule s \"S\" from d as of n { every 1 year for 2 years }", "n"),
        ("fact d \"d\": date\nfact b \"b\": bool\nschedule s \"S\" from d { every 1 year until 65 years after b }", "b"),
    ] {
        let err = checked(&format!("{decls}\ninform r {{ statement \"r\" schedule s }}\n")).unwrap_err();
        assert!(err.contains("cairn::check::schedule_start"), "{err}");
        assert!(err.contains(&format!("`{name}` is")), "{err}");
    }
    let err = checked("fact d \"d\": date\nschedule s \"S\" from d { every 1 year until nowhere }\ninform r { statement \"r\" schedule s }\n").unwrap_err();
    assert!(err.contains("nowhere"), "{err}");
    let err = checked("fact d \"d\": date\nschedule s \"S\" from d { every 1 year until 2030-02-30 }\ninform r { statement \"r\" schedule s }\n").unwrap_err();
    assert!(err.contains("2030-02-30"), "{err}");
}

#[test]
fn the_formatter_keeps_the_new_forms() {
    let text = format!(
        "{HEADER}\nfact born \"Born\": date\nfact seen \"Seen\": date\n\n\
         schedule s \"S\" from born as of seen {{\n  every 3 years until 65 years after born\n  \
         then every 1 year until 2040-01-01\n  then every 2 years until at least seen\n}}\n\n\
         inform r {{\n  statement \"r\"\n  schedule s\n}}\n"
    );
    let once = cairn::format::format_source("s.cairn", &text).unwrap();
    assert!(
        once.contains("schedule s \"S\" from born as of seen {"),
        "{once}"
    );
    assert!(
        once.contains("  every 3 years until 65 years after born\n"),
        "{once}"
    );
    assert!(
        once.contains("  then every 1 year until 2040-01-01\n"),
        "{once}"
    );
    assert!(
        once.contains("  then every 2 years until at least seen\n"),
        "{once}"
    );
    assert_eq!(
        cairn::format::format_source("s.cairn", &once).unwrap(),
        once
    );
}

#[test]
fn analysis_counts_the_dates_a_schedule_reads_as_used() {
    // `age_65` is read only as a phase end, `last_screen` only as the
    // start, `seen_day` only as the `as of` date; `spare` by nothing.
    let c = checked(
        "fact born \"born\": date\nfact last_pap \"last_pap\": date\nfact seen \"seen\": date\n\
         define last_screen \"last_screen\": date = last_pap + 0 days\n\
         define age_65 \"age_65\": date = born + 65 years\n\
         define seen_day \"seen_day\": date = seen + 0 days\n\
         define spare \"spare\": date = seen + 1 day\n\
         schedule s \"S\" from last_screen as of seen_day {\n  every 3 years until age_65\n}\n\
         inform r { statement \"r\" schedule s }\n",
    );
    let c = c.unwrap_or_else(|e| panic!("{e}"));
    let a = cairn::analysis::analyze(&c);
    let unused: Vec<&str> = a
        .findings
        .iter()
        .filter(|f| f.kind == cairn::analysis::Kind::Unused)
        .map(|f| f.message.as_str())
        .collect();
    assert_eq!(unused.len(), 1, "{unused:?}");
    assert!(unused[0].contains("`spare`"), "{unused:?}");
}
