//! List-valued facts (grammar README, "Lists"): `contains`, `contains any
//! of` / `all of` / `none of`, `is empty` and `is known` under Kleene
//! semantics; a case gives a closed array, `null`, or a partial
//! `{"includes", "excludes"}` form; `absent means none`; the checker's and
//! the case loader's errors; `cairn fmt` keeps the forms and parentheses.

use cairn::check::{check, Checked};
use cairn::eval::outcome::{Outcome, Status};
use cairn::eval::{Options, Program};
use cairn::syntax::{parse_with, FsLoader};

pub(super) const HEADER: &str = "guideline lists { title \"Lists\" version \"1\" status draft }\n";

const DECLS: &str = r#"fact meds "Current medications": list of enum { warfarin, apixaban, aspirin, clopidogrel }
fact history "Comorbidities": list of enum { diabetes, stroke } absent means none
suggest on_apixaban { when meds contains apixaban statement "A." }
suggest antiplatelet { when meds contains any of {aspirin, clopidogrel} statement "B." }
suggest dual { when meds contains all of {aspirin, clopidogrel} statement "C." }
suggest no_anticoagulant { when meds contains none of {warfarin, apixaban} statement "D." }
suggest nothing { when meds is empty statement "E." }
suggest listed { when meds is known statement "F." }
suggest not_apixaban { when not (meds contains apixaban) statement "G." }
suggest healthy { when history is empty statement "H." }
"#;

pub(super) fn checked(decls: &str) -> Checked {
    let text = format!("{HEADER}{decls}");
    match check(parse_with("a.cairn", &text, &FsLoader)) {
        Ok(c) => c,
        Err(f) => panic!("{}", f.diagnostics.render(&f.sources, 100)),
    }
}

pub(super) fn outcome(c: &Checked, facts: &str) -> Outcome<'static> {
    let json = format!("{{\"facts\": {facts}}}");
    let case = match cairn::case::load(c, "case.json", &json) {
        Ok(f) => f.case,
        Err(f) => panic!("{}", f.diagnostics.render(&f.sources, 100)),
    };
    Program::new(c).evaluate(&case, Options::default())
}

pub(super) fn status(o: &Outcome, id: &str) -> Status {
    o.recommendations
        .iter()
        .find(|r| r.id == id)
        .map(|r| r.status)
        .unwrap_or_else(|| panic!("no recommendation {id}"))
}

fn statuses(o: &Outcome, ids: &[&str]) -> Vec<&'static str> {
    ids.iter().map(|id| status(o, id).as_str()).collect()
}

const ALL: &[&str] = &[
    "on_apixaban",
    "antiplatelet",
    "dual",
    "no_anticoagulant",
    "nothing",
    "listed",
    "not_apixaban",
];

#[test]
fn a_closed_array_decides_every_test() {
    let c = checked(DECLS);
    let o = outcome(&c, r#"{"meds": ["aspirin", "clopidogrel"]}"#);
    assert_eq!(
        statuses(&o, ALL),
        [
            "not_applicable",
            "applies",
            "applies",
            "applies",
            "not_applicable",
            "applies",
            "applies"
        ]
    );
}

#[test]
fn the_empty_list_is_known_and_empty() {
    let c = checked(DECLS);
    let o = outcome(&c, r#"{"meds": []}"#);
    assert_eq!(
        statuses(&o, ALL),
        [
            "not_applicable",
            "not_applicable",
            "not_applicable",
            "applies",
            "applies",
            "applies",
            "applies"
        ]
    );
}

#[test]
fn null_and_absent_are_unknown_not_empty() {
    let c = checked(DECLS);
    for facts in [r#"{"meds": null}"#, "{}"] {
        let o = outcome(&c, facts);
        assert_eq!(
            statuses(&o, ALL),
            [
                "undetermined",
                "undetermined",
                "undetermined",
                "undetermined",
                "undetermined",
                "not_applicable",
                "undetermined"
            ],
            "{facts}"
        );
    }
}

#[test]
fn a_partial_list_decides_what_its_known_members_decide() {
    let c = checked(DECLS);
    let o = outcome(
        &c,
        r#"{"meds": {"includes": ["aspirin"], "excludes": ["apixaban"]}}"#,
    );
    assert_eq!(
        statuses(&o, ALL),
        [
            "not_applicable",
            "applies",
            "undetermined",
            "undetermined",
            "not_applicable",
            "not_applicable",
            "applies"
        ]
    );
}

#[test]
fn missing_facts_name_the_list_once() {
    let c = checked(DECLS);
    let o = outcome(&c, "{}");
    let rec = o
        .recommendations
        .iter()
        .find(|r| r.id == "on_apixaban")
        .unwrap();
    assert_eq!(rec.missing, ["meds"]);
}

#[test]
fn absent_means_none_makes_a_left_out_list_empty_but_null_stays_unknown() {
    let c = checked(DECLS);
    assert_eq!(status(&outcome(&c, "{}"), "healthy"), Status::Applies);
    assert_eq!(
        status(&outcome(&c, r#"{"history": null}"#), "healthy"),
        Status::Undetermined
    );
    assert_eq!(
        status(&outcome(&c, r#"{"history": ["stroke"]}"#), "healthy"),
        Status::NotApplicable
    );
}

fn case_errors(facts: &str) -> String {
    let c = checked(DECLS);
    let json = format!("{{\"facts\": {facts}}}");
    match cairn::case::load(&c, "case.json", &json) {
        Ok(_) => String::new(),
        Err(f) => f.diagnostics.render(&f.sources, 100),
    }
}

#[test]
fn the_case_loader_locates_unknown_values_and_wrong_shapes() {
    let out = case_errors(r#"{"meds": ["apixiban"]}"#);
    assert!(out.contains("unknown_enum_value"), "{out}");
    assert!(out.contains("apixaban"), "did you mean: {out}");
    let out = case_errors(r#"{"meds": [3]}"#);
    assert!(out.contains("cairn::case::shape"), "{out}");
    let out = case_errors(r#"{"meds": "aspirin"}"#);
    assert!(out.contains("cairn::case::shape"), "{out}");
    let out = case_errors(r#"{"meds": {"include": []}}"#);
    assert!(
        out.contains("unknown_key") && out.contains("includes"),
        "{out}"
    );
    let out = case_errors(r#"{"med": []}"#);
    assert!(out.contains("meds"), "did you mean the list: {out}");
}

pub(super) fn codes(decls: &str) -> Vec<String> {
    super::error_codes(&format!("{HEADER}{decls}"))
}

#[test]
fn the_checker_rejects_misused_lists_with_stable_codes() {
    let list = "fact meds \"M\": list of enum { warfarin, apixaban }\nfact n \"N\": integer\n";
    let case = |when: &str| format!("{list}suggest r {{ when {when} statement \"S.\" }}\n");
    assert_eq!(
        codes(&case("n contains warfarin")),
        ["cairn::check::not_a_list"]
    );
    assert_eq!(
        codes(&case("meds = warfarin")),
        ["cairn::check::list_as_value"]
    );
    assert_eq!(
        codes(&case("meds contains heparin")),
        ["cairn::check::unknown_enum_value"]
    );
    let define = codes(&format!("{list}define d \"D\": list of enum {{ a }} = 1\n"));
    assert_eq!(
        define.first().map(String::as_str),
        Some("cairn::check::not_a_list")
    );
    assert_eq!(
        codes("fact meds \"M\": list of enum { a } absent means false\n"),
        ["cairn::check::bad_absent"]
    );
}

#[test]
fn fmt_keeps_lists_and_parentheses() {
    let text = format!(
        "{HEADER}fact  meds \"M\" :  list  of  enum {{ a,b }} absent  means  none\n\
         suggest r {{ when not (meds  contains a) and meds contains  any  of {{a, b}} or meds is  empty statement \"S.\" }}\n"
    );
    let out = cairn::format::format_source("a.cairn", &text).unwrap();
    assert!(
        out.contains("fact meds \"M\": list of enum { a, b } absent means none\n"),
        "{out}"
    );
    assert!(
        out.contains("(not (meds contains a) and meds contains any of {a, b}) or meds is empty"),
        "{out}"
    );
    let again = cairn::format::format_source("a.cairn", &out).unwrap();
    assert_eq!(again, out);
}

/// Coverage counts `L is empty` as one branch, the author's, not one
/// operand per hidden value slot (which would all carry the same text and
/// report outcomes the author never wrote). Two cases, empty and not,
/// reach both outcomes: full coverage of that condition.
#[test]
fn coverage_counts_is_empty_as_one_branch() {
    let c = checked(
        "fact history \"Comorbidities\": list of enum { diabetes, stroke }\n\
         suggest healthy { when history is empty statement \"H.\" }\n",
    );
    let program = Program::new(&c);
    let mut collector = cairn::testing::coverage::Collector::new("g", &program, &c.sources);
    for facts in [r#"{"history": []}"#, r#"{"history": ["stroke"]}"#] {
        let json = format!("{{\"facts\": {facts}}}");
        let case = cairn::case::load(&c, "case.json", &json).unwrap().case;
        let o = program.evaluate(&case, Options::default());
        collector.record(&case, &o);
    }
    let cov = collector.finish();
    let roles: Vec<&str> = cov.branches.iter().map(|b| b.role.as_str()).collect();
    assert_eq!(roles, ["when"], "{:#?}", cov.branches);
    assert!(cov.branches[0].reached.yes && cov.branches[0].reached.no);
    assert_eq!(cov.percent, 100.0);
}
