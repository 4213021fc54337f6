//! Counting over list facts (grammar README, "Lists"): `count of L`,
//! `count of L in {...}`, `at least` / `at most` / `exactly k of L in
//! {...}` as intervals over partial lists; the checker's errors (a value
//! not in the enum, counted twice, a `k` out of reach, a count of a
//! non-list); `cairn fmt` keeps every form.

use super::lists::{checked, codes, outcome, status, HEADER};
use cairn::eval::outcome::Status;

const DECLS: &str = r#"fact meds "Current medications": list of enum { warfarin, apixaban, aspirin, clopidogrel }
define n "values present": integer = count of meds
define anti "antithrombotics": integer = count of meds in {warfarin, apixaban, aspirin}
suggest many { when count of meds >= 2 statement "{n} drugs." }
suggest two_anti { when at least 2 of meds in {warfarin, apixaban, aspirin} statement "B." }
suggest few { when at most 1 of meds in {warfarin, apixaban} statement "C." }
suggest one { when exactly 1 of meds statement "D." }
"#;

const RECS: &[&str] = &["many", "two_anti", "few", "one"];

fn statuses(facts: &str) -> Vec<Status> {
    let o = outcome(&checked(DECLS), facts);
    RECS.iter().map(|id| status(&o, id)).collect()
}

use Status::{Applies as A, NotApplicable as N, Undetermined as U};

#[test]
fn a_closed_list_counts_its_values() {
    let o = outcome(&checked(DECLS), r#"{"meds": ["warfarin", "clopidogrel"]}"#);
    assert_eq!(o.derived["n"], 2);
    assert_eq!(o.derived["anti"], 1);
    assert_eq!(
        statuses(r#"{"meds": ["warfarin", "clopidogrel"]}"#),
        [A, N, A, N]
    );
    assert_eq!(statuses(r#"{"meds": []}"#), [N, N, A, N]);
    assert_eq!(statuses(r#"{"meds": ["aspirin"]}"#), [N, N, A, A]);
}

/// Two values known present decide `count of meds >= 2` and `at least 2
/// of` whatever the others are; the count itself stays unknown, shown as
/// its interval.
#[test]
fn a_partial_list_decides_as_soon_as_the_interval_does() {
    let facts = r#"{"meds": {"includes": ["warfarin", "aspirin"]}}"#;
    let o = outcome(&checked(DECLS), facts);
    assert!(o.derived["n"].is_null());
    assert_eq!(o.ranges.get("n"), Some((2.0, 4.0)));
    assert_eq!(statuses(facts), [A, A, U, N]);
    let rec = o.recommendations.iter().find(|r| r.id == "many").unwrap();
    assert_eq!(rec.statement, "2 to 4 drugs.");
    // Everything but one value known out: at most one present.
    let out = r#"{"meds": {"excludes": ["warfarin", "apixaban", "aspirin"]}}"#;
    assert_eq!(statuses(out), [N, N, A, U]);
}

#[test]
fn an_unknown_list_leaves_every_count_undetermined_and_asks_for_it_once() {
    let o = outcome(&checked(DECLS), "{}");
    for id in RECS {
        let rec = o.recommendations.iter().find(|r| r.id == *id).unwrap();
        assert_eq!(rec.status, U, "{id}");
        assert_eq!(rec.missing, ["meds"], "{id}");
    }
}

#[test]
fn absent_means_none_counts_zero() {
    let c = checked(
        "fact history \"Comorbidities\": list of enum { diabetes, stroke } absent means none\n\
         suggest multimorbid { when count of history >= 2 statement \"M.\" }\n",
    );
    assert_eq!(status(&outcome(&c, "{}"), "multimorbid"), N);
    assert_eq!(
        status(&outcome(&c, r#"{"history": null}"#), "multimorbid"),
        U
    );
}

fn case(when: &str) -> String {
    format!(
        "fact meds \"M\": list of enum {{ warfarin, apixaban }}\nfact n \"N\": integer\n\
         suggest r {{ when {when} statement \"S.\" }}\n"
    )
}

#[test]
fn the_checker_rejects_misused_counts_with_stable_codes() {
    let one = |when: &str| codes(&case(when));
    assert_eq!(
        one("at least 3 of meds in {warfarin, apixaban}"),
        ["cairn::check::count_beyond"]
    );
    assert_eq!(one("exactly 3 of meds"), ["cairn::check::count_beyond"]);
    assert_eq!(one("at most -1 of meds"), ["cairn::check::count_beyond"]);
    assert_eq!(
        one("at least 3 of [n > 1, n > 2]"),
        ["cairn::check::count_beyond"]
    );
    assert_eq!(
        one("count of meds in {warfrin} >= 1"),
        ["cairn::check::unknown_enum_value"]
    );
    assert_eq!(
        one("exactly 1 of meds in {warfarin, warfarin}"),
        ["cairn::check::repeated_value"]
    );
    assert_eq!(one("count of n >= 1"), ["cairn::check::not_a_list"]);
    assert_eq!(one("count of med >= 1"), ["cairn::check::not_a_list"]);
    assert!(one("exactly 2 of meds in {warfarin, apixaban}").is_empty());
}

#[test]
fn count_errors_are_located_with_a_suggestion() {
    use cairn::syntax::{parse_with, FsLoader};
    let text = format!(
        "{HEADER}{}",
        case("count of meds in {warfrin} >= 1 or count of med >= 1 or at least 3 of meds")
    );
    let Err(f) = cairn::check::check(parse_with("t.cairn", &text, &FsLoader)) else {
        panic!("expected errors");
    };
    let out = f.diagnostics.render(&f.sources, 100);
    insta::assert_snapshot!("list_count_errors", out);
}

#[test]
fn fmt_keeps_every_count_form() {
    let text = format!(
        "{HEADER}fact meds \"M\": list of enum {{ a, b, c }}\n\
         define k \"K\": integer = count  of  meds\n\
         suggest r {{ when at  least 2 of meds in {{a,b}} and at most 1 of  meds and exactly 1 of meds in {{c}} or (count of meds) in {{1, 2}} statement \"S.\" }}\n"
    );
    let out = cairn::format::format_source("a.cairn", &text).unwrap();
    assert!(
        out.contains("define k \"K\": integer = count of meds\n"),
        "{out}"
    );
    assert!(
        out.contains("when (at least 2 of meds in {a, b} and at most 1 of meds and exactly 1 of meds in {c})\n    or (count of meds) in {1, 2}\n"),
        "{out}"
    );
    let again = cairn::format::format_source("a.cairn", &out).unwrap();
    assert_eq!(again, out);
    // The parentheses keep `in {1, 2}` a test of the count.
    let c = checked(&out[out.find("fact").unwrap()..]);
    assert_eq!(status(&outcome(&c, r#"{"meds": ["c"]}"#), "r"), A);
}

/// Coverage reads `count of meds >= 2` as the author's one condition, not
/// one branch per hidden value slot.
#[test]
fn coverage_counts_a_list_count_as_one_branch() {
    use cairn::eval::{Options, Program};
    let c = checked(
        "fact meds \"M\": list of enum { a, b, c }\n\
         suggest two { when count of meds >= 2 statement \"T.\" }\n",
    );
    let program = Program::new(&c);
    let mut collector = cairn::testing::coverage::Collector::new("g", &program, &c.sources);
    for facts in [r#"{"meds": ["a", "b"]}"#, r#"{"meds": ["c"]}"#] {
        let json = format!("{{\"facts\": {facts}}}");
        let case = cairn::case::load(&c, "case.json", &json).unwrap().case;
        let o = program.evaluate(&case, Options::default());
        collector.record(&case, &o);
    }
    let cov = collector.finish();
    let texts: Vec<(&str, &str)> = cov
        .branches
        .iter()
        .map(|b| (b.role.as_str(), b.text.as_str()))
        .collect();
    assert_eq!(
        texts,
        [("when", "count of meds >= 2")],
        "{:#?}",
        cov.branches
    );
    assert_eq!(cov.percent, 100.0);
}
