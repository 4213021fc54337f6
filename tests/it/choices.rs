//! Tests of a strength and kind chosen per case (`strength 2C when c
//! otherwise none`, `kind … when … otherwise …`) and of fact constraints,
//! end to end: source text, case JSON, outcome, note, analysis and diff.

use cairn::check::Checked;
use cairn::{Options, Program, Status};

const GUIDELINE: &str = r#"guideline g {
  title "Choices"
  version "1"
  status draft
}

fact margin "Resection margin": enum { R0, R1, R2 }
fact frail "Ineligible for further resection": bool
fact symptomatic "Disease-related symptoms": bool
fact severe "Severe disease-related symptoms": bool

constraint severe_are_symptoms "Severe symptoms are disease-related symptoms":
  not (severe and symptomatic = false)

suggest surveillance {
  strength 2C when margin in {R0, R1} otherwise none
  kind suggest when margin in {R0, R1} otherwise option
  when margin in {R0, R1} or frail
  statement "Surveillance."
}

option palliative {
  when symptomatic or severe
  statement "Palliation."
}

option observe {
  about palliation
  when not symptomatic
  statement "Observation."
}

discourage no_palliation {
  about palliation
  when severe
  statement "No palliation."
}
"#;

fn checked(text: &str) -> Checked {
    match cairn::parse("g.cairn", text).check() {
        Ok(c) => c,
        Err(f) => panic!("{}", f.diagnostics.render(&f.sources, 100)),
    }
}

/// Runs one case (facts as JSON) and returns the outcome as JSON.
fn run(checked: &Checked, facts: &str) -> serde_json::Value {
    let json = format!(r#"{{"facts": {facts}}}"#);
    let case = match cairn::load_case(checked, "c.json", &json) {
        Ok(c) => c,
        Err(f) => panic!("{}", f.diagnostics.render(&f.sources, 100)),
    };
    let out = Program::new(checked).evaluate(&case.case, Options::default());
    serde_json::to_value(out).unwrap()
}

fn rec<'a>(out: &'a serde_json::Value, id: &str) -> &'a serde_json::Value {
    out["recommendations"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == id)
        .unwrap()
}

#[test]
fn strength_and_kind_follow_the_case() {
    let g = checked(GUIDELINE);
    let out = run(&g, r#"{"margin": "R1"}"#);
    let r = rec(&out, "surveillance");
    assert_eq!(
        (&r["status"], &r["kind"], &r["strength"]),
        (&"applies".into(), &"suggest".into(), &"2C".into())
    );
    assert!(r.get("grading_missing").is_none(), "{r}");
    let out = run(&g, r#"{"margin": "R2", "frail": true}"#);
    let r = rec(&out, "surveillance");
    assert_eq!(
        (&r["status"], &r["kind"], &r["strength"]),
        (
            &"applies".into(),
            &"option".into(),
            &serde_json::Value::Null
        )
    );
}

#[test]
fn an_undecided_grading_names_the_facts_that_decide_it() {
    let g = checked(GUIDELINE);
    // Every margin leads to surveillance for a frail patient, but the
    // grading depends on the margin.
    let out = run(&g, r#"{"frail": true}"#);
    let r = rec(&out, "surveillance");
    assert_eq!(r["status"], "applies");
    assert_eq!(r["kind"], "suggest", "the declared kind");
    assert_eq!(r["strength"], serde_json::Value::Null);
    assert_eq!(r["grading_missing"], serde_json::json!(["margin"]));
    // A recommendation that does not apply asks for nothing.
    let out = run(&g, r#"{"frail": false}"#);
    let r = rec(&out, "surveillance");
    assert_eq!(r["status"], "undetermined");
    assert_eq!(r["grading_missing"], serde_json::json!(["margin"]));
    let out = run(&g, r#"{"frail": false, "margin": "R2"}"#);
    let r = rec(&out, "surveillance");
    assert_eq!(r["status"], "not_applicable");
    assert!(r.get("grading_missing").is_none(), "{r}");
}

#[test]
fn the_note_shows_the_grading_of_the_case() {
    let g = checked(GUIDELINE);
    let program = Program::new(&g);
    let note = |facts: &str| {
        let json = format!(r#"{{"facts": {facts}}}"#);
        let case = cairn::load_case(&g, "c.json", &json).unwrap();
        cairn::eval::render::note(&program.evaluate(&case.case, Options::default()), &g)
    };
    let r0 = note(r#"{"margin": "R0"}"#);
    assert!(r0.contains("* SUGGEST (2C) [surveillance]"), "{r0}");
    let r2 = note(r#"{"margin": "R2", "frail": true}"#);
    assert!(r2.contains("* OPTION [surveillance]"), "{r2}");
    let unknown = note(r#"{"frail": true}"#);
    assert!(unknown.contains("* SUGGEST [surveillance]"), "{unknown}");
    assert!(
        unknown.contains("grading: undecided until margin is known (strength 2C when margin in {R0, R1} otherwise none; kind suggest when margin in {R0, R1} otherwise option)"),
        "{unknown}"
    );
}

#[test]
fn statuses_in_bulk_agree_with_the_outcome() {
    // The grading runs on demand; the hot paths give the same statuses.
    let g = checked(GUIDELINE);
    let program = Program::new(&g);
    let case = cairn::load_case(&g, "c.json", r#"{"facts": {"frail": true}}"#).unwrap();
    let mut scratch = program.scratch();
    let statuses = program.statuses(&case.case, &mut scratch).to_vec();
    let out = program.evaluate(&case.case, Options::default());
    let from_outcome: Vec<Status> = out.recommendations.iter().map(|r| r.status).collect();
    assert_eq!(statuses, from_outcome);
    let grading = program.grading(&case.case, &mut scratch, cairn::check::model::RecId(0));
    assert_eq!(grading.strength, None);
    assert_eq!(grading.missing, vec![cairn::check::model::FactId(0)]);
}

#[test]
fn a_case_that_breaks_a_constraint_is_rejected_at_its_facts() {
    let g = checked(GUIDELINE);
    let json = "{\"facts\": {\"symptomatic\": false,\n  \"severe\": true}}";
    let failed = cairn::load_case(&g, "c.json", json).unwrap_err();
    let diags = failed.diagnostics.to_json(&failed.sources);
    assert_eq!(diags.len(), 1, "{diags:?}");
    assert_eq!(diags[0].code, "cairn::case::broken_constraint");
    assert!(diags[0].message.contains("severe_are_symptoms"));
    let lines: Vec<usize> = diags[0].labels.iter().map(|l| l.line).collect();
    assert_eq!(lines, vec![1, 2], "one label per fact given");
    insta::assert_snapshot!(
        "choices_broken_constraint",
        failed.diagnostics.render(&failed.sources, 100)
    );
    // Unknown is accepted, and so are facts that agree.
    for ok in [
        r#"{"severe": true}"#,
        r#"{"symptomatic": false}"#,
        r#"{"symptomatic": true, "severe": true}"#,
        r#"{"symptomatic": false, "severe": false}"#,
    ] {
        run(&g, ok);
    }
}

#[test]
fn analysis_ignores_cases_that_break_a_constraint() {
    // `observe` and `no_palliation` are about the same thing in opposite
    // directions; they can apply together only when severe symptoms are
    // recorded without symptoms, which the constraint forbids.
    let g = checked(GUIDELINE);
    let analysis = cairn::analysis::analyze(&g);
    let conflicts: Vec<_> = analysis
        .findings
        .iter()
        .filter(|f| f.kind == cairn::analysis::Kind::Conflict)
        .collect();
    assert!(conflicts.is_empty(), "{conflicts:?}");
    let without = GUIDELINE.replace(
        "constraint severe_are_symptoms \"Severe symptoms are disease-related symptoms\":\n  not (severe and symptomatic = false)\n",
        "",
    );
    assert_ne!(without, GUIDELINE);
    let analysis = cairn::analysis::analyze(&checked(&without));
    assert!(
        analysis
            .findings
            .iter()
            .any(|f| f.kind == cairn::analysis::Kind::Conflict),
        "without the constraint the conflict is found"
    );
}

#[test]
fn diff_reports_a_strength_that_changes_for_some_cases() {
    let old = checked(GUIDELINE);
    let new = checked(&GUIDELINE.replace(
        "strength 2C when margin in {R0, R1} otherwise none",
        "strength 2C when margin = R0 otherwise none",
    ));
    let d = cairn::analysis::diff::diff(&old, &new);
    let json = cairn::analysis::diff::render_json(&d);
    let text = json.to_string();
    assert!(
        text.contains(r#""aspect":"strength""#) && text.contains(r#""before":"2C""#),
        "{text}"
    );
    assert!(
        text.contains(r#""margin":"R1""#),
        "the witness is R1: {text}"
    );
}
