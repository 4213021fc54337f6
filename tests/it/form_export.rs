//! The library functions behind the playground: the case form described
//! from the fact declarations (`cairn::case::form`), the ask-next list on
//! its own (`eval::render::ask_next`) and the golden case written from an
//! outcome (`cairn::testing::golden`).

use cairn::case::form::form;
use cairn::eval::render;
use cairn::testing::golden::{golden_case, GoldenInput};
use cairn::{Options, Program};

const SMALL: &str = r#"guideline small {
  title "Small"
  version "1.0.0"
  status draft
}
group history "Medical history" {
  /// Any prior venous thromboembolism.
  fact prior_vte "Prior VTE": bool absent means false
  fact last_scan "Last scan": date or never
}
fact age "Age": integer 18 to 120
fact fraction "Ejection fraction": number 0 to 1
fact weight "Weight": quantity kg 1 to 500
fact meds "Current medications": list of enum { warfarin "Warfarin", apixaban } absent means none
group imaging "Imaging" {
  fact stage "Stage": enum { early "Early disease", late }
}
suggest treat {
  when not prior_vte and age >= 18 and fraction < 0.5 and weight > 50 kg and stage = early
    and not (meds contains warfarin) and last_scan <= 2026-01-01
  statement "Treat."
}
"#;

fn checked(text: &str) -> cairn::Checked {
    match cairn::parse("small.cairn", text).check() {
        Ok(c) => c,
        Err(f) => panic!("{}", f.diagnostics.render_styled(&f.sources, 100, false)),
    }
}

#[test]
fn the_form_lists_every_fact_by_group_with_labels_units_and_ranges() {
    let checked = checked(SMALL);
    let text = serde_json::to_string_pretty(&form(&checked.model)).unwrap();
    insta::assert_snapshot!(text);
}

#[test]
fn the_form_of_the_sarcoma_guideline_follows_its_groups() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/guidelines/rps/initial-management.cairn"
    );
    let checked = cairn::testing::load::guideline_with(std::path::Path::new(path), &[]).unwrap();
    let form = form(&checked.model);
    let titles: Vec<&str> = form.groups.iter().map(|g| g.title).collect();
    assert_eq!(titles[0], "Diagnosis and clinical setting");
    let count: usize = form.groups.iter().map(|g| g.facts.len()).sum();
    assert_eq!(
        count,
        checked.model.facts.len()
            - checked
                .model
                .lists
                .iter()
                .map(|l| l.slots.len())
                .sum::<usize>()
            + checked.model.lists.len()
    );
    let first: Vec<&str> = form.groups[0].facts.iter().map(|f| f.name).collect();
    assert_eq!(
        &first[..3],
        ["presentation", "pathology_confirmed", "phase"]
    );
}

#[test]
fn ask_next_is_the_notes_list_and_empty_when_nothing_is_undetermined() {
    let checked = checked(SMALL);
    let program = Program::new(&checked);
    let unknown = cairn::load_case(&checked, "u.json", r#"{"facts": {}}"#).unwrap();
    let outcome = program.evaluate(&unknown.case, Options::default());
    let list = render::ask_next(&outcome, &checked.model);
    assert!(list.contains("What to ask next: 4 fact(s)"), "{list}");
    assert!(list.contains("Ejection fraction (`fraction`)"), "{list}");
    let mut scratch = program.scratch();
    let outcome = program.evaluate_with(&unknown.case, &mut scratch, Options::default());
    let input = render::NoteInput {
        case: &unknown,
        produced: "2026-12-03 11:00 UTC",
    };
    let note = render::clinician(&outcome, &program, &mut scratch, &input);
    assert!(note.contains(&list), "{note}");

    let known = r#"{"facts": {"prior_vte": false, "age": 40, "fraction": 0.4, "weight": "70 kg",
        "stage": "early", "meds": [], "last_scan": "2025-06-01"}}"#;
    let known = cairn::load_case(&checked, "k.json", known).unwrap();
    let outcome = program.evaluate(&known.case, Options::default());
    assert_eq!(render::ask_next(&outcome, &checked.model), "");
}

#[test]
fn a_golden_case_orders_the_facts_and_expects_every_status() {
    let checked = checked(SMALL);
    let program = Program::new(&checked);
    let text = r#"{"facts": {"stage": "early", "weight": "70 kg", "prior_vte": null, "meds": ["warfarin"]}}"#;
    let case = cairn::load_case(&checked, "c.json", text).unwrap();
    let outcome = program.evaluate(&case.case, Options::default());
    let facts = match serde_json::from_str::<serde_json::Value>(text).unwrap() {
        serde_json::Value::Object(mut o) => match o.remove("facts") {
            Some(serde_json::Value::Object(f)) => f,
            _ => unreachable!(),
        },
        _ => unreachable!(),
    };
    let input = GoldenInput {
        name: None,
        description: Some("From the playground."),
        guideline: Some("../small.cairn"),
        facts: &facts,
    };
    let golden = golden_case(&checked.model, &input, &outcome).unwrap();
    insta::assert_snapshot!(golden);
    // The golden case loads, and its expectation is what the guideline gives.
    let again = cairn::load_case(&checked, "g.json", &golden).unwrap();
    let expected = again.expect.unwrap().recommendations;
    let given: std::collections::BTreeMap<String, cairn::Status> = outcome
        .recommendations
        .iter()
        .map(|r| (r.id.to_string(), r.status))
        .collect();
    assert_eq!(expected, given);
}
