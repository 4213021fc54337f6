//! The USPSTF cervical cancer screening guideline: its golden cases run
//! through the same runner as `cairn test`, and the note and JSON show the
//! constructs it rests on (age from `years between`, `date or never` with
//! `absent means never`, USPSTF grades, schedules `until` an age with the
//! next due visit `as of` the visit date).

use cairn::check::Checked;
use cairn::eval::{render, Options, Program};
use std::path::Path;

const GUIDELINE: &str = "guidelines/cervical/screening.cairn";

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn checked() -> Checked {
    let c = cairn::testing::load::guideline(&root().join(GUIDELINE)).expect("the guideline checks");
    assert!(
        c.warnings.reports.is_empty(),
        "{}",
        c.warnings.render(&c.sources, 100)
    );
    c
}

fn outcome(c: &Checked, facts: &str) -> cairn::eval::outcome::Outcome<'static> {
    let case = cairn::case::load(c, "case.json", &format!("{{\"facts\": {facts}}}"))
        .expect("the case loads")
        .case;
    Program::new(c).evaluate(&case, Options::default())
}

#[test]
fn golden_cases_pass_with_full_coverage() {
    let options = cairn::testing::Options {
        coverage: true,
        min_coverage: Some(95.0),
        width: 100,
        filter: None,
    };
    let report = cairn::testing::run(&[root().join("guidelines/cervical")], &options);
    assert!(
        report.success(),
        "{}",
        cairn::testing::text::render(&report, true)
    );
    assert!(report.passed >= 20, "only {} cases", report.passed);
}

/// Never screened (the registry holds no test): on the 21st birthday the
/// cytology is due on the visit date; the note says what was assumed.
const NEVER_SCREENED_AT_21: &str = r#"{"date_of_birth": "2005-12-02", "visit_date": "2026-12-02",
  "hysterectomy_with_cervix_removed": false, "high_grade_precancer_or_cervical_cancer": false,
  "in_utero_des_exposure": false, "immunocompromised": false}"#;

#[test]
fn the_note_shows_the_grade_the_absent_tests_and_the_next_due_visit() {
    let c = checked();
    let o = outcome(&c, NEVER_SCREENED_AT_21);
    let note = render::note(&o, &c);
    let lines: Vec<&str> = note
        .lines()
        .filter(|l| {
            l.contains("[screen_cytology_21_to_29]")
                || l.contains("absent")
                || l.contains("next due")
                || l.starts_with("  age =")
        })
        .collect();
    insta::assert_snapshot!(lines.join("\n"));
}

#[test]
fn json_has_the_uspstf_strength_and_the_next_due_window() {
    let c = checked();
    let o = outcome(&c, NEVER_SCREENED_AT_21);
    let json = serde_json::to_value(&o).expect("the outcome serialises");
    let rec = json["recommendations"]
        .as_array()
        .and_then(|recs| recs.iter().find(|r| r["id"] == "screen_cytology_21_to_29"))
        .cloned()
        .expect("the recommendation is in the outcome");
    assert_eq!(rec["status"], "applies");
    assert_eq!(
        rec["strength"],
        serde_json::json!({"scheme": "uspstf", "grade": "A"})
    );
    let schedule = &json["schedules"][0];
    assert_eq!(schedule["name"], "cytology_every_3_years");
    assert_eq!(
        schedule["next_due"],
        serde_json::json!({"number": 1, "earliest": "2026-12-02", "latest": "2026-12-02"})
    );
}

#[test]
fn the_age_bands_turn_on_the_birthday() {
    let c = checked();
    let status = |dob: &str, id: &str| {
        let facts = NEVER_SCREENED_AT_21.replace("2005-12-02", dob);
        let json = serde_json::to_value(outcome(&c, &facts)).expect("serialises");
        json["recommendations"]
            .as_array()
            .and_then(|recs| recs.iter().find(|r| r["id"] == id))
            .map(|r| r["status"].as_str().unwrap_or("").to_string())
            .unwrap_or_default()
    };
    // The day before the 30th birthday, and on it.
    assert_eq!(status("1996-12-03", "screen_cytology_21_to_29"), "applies");
    assert_eq!(
        status("1996-12-02", "screen_cytology_21_to_29"),
        "not_applicable"
    );
    assert_eq!(status("1996-12-02", "screen_hrhpv_30_to_65"), "applies");
    // Older than 65 starts at the 66th birthday (completed years).
    assert_eq!(status("1960-12-03", "screen_cotest_30_to_65"), "applies");
    assert_eq!(
        status("1960-12-02", "screen_cotest_30_to_65"),
        "not_applicable"
    );
}
