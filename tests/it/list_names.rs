//! A list fact's inner value slots (`meds contains v`) never reach users
//! (grammar README, "Lists"; SEMANTICS.md, "Lists"): the note and the JSON
//! outcome ask for the list once, `leads_to` and the trace read
//! memberships in words, the absent echo gives `[]`, analysis and diff
//! witnesses give the list in case form, sensitivity labels one
//! membership `meds (v)`, `cairn batch` rows and golden cases' `missing`
//! name the list.

use super::lists::{checked, outcome};
use cairn::check::Checked;
use cairn::eval::{Options, Program};

const DECLS: &str = r#"fact meds "Current medications": list of enum { warfarin, apixaban, aspirin, clopidogrel }
fact history "Comorbidities": list of enum { diabetes, stroke } absent means none
fact age "Age": integer 0 to 120
suggest on_apixaban { when meds contains apixaban and age >= 18 statement "A." }
suggest antiplatelet { when meds contains any of {aspirin, clopidogrel} statement "B." }
suggest two { when count of meds >= 2 statement "C." }
suggest healthy { when history is empty statement "H." }
suggest adult { when (meds contains aspirin and age >= 18) or (not (meds contains aspirin) and age >= 18) statement "E." }
"#;

fn json(c: &Checked, facts: &str) -> String {
    serde_json::to_string_pretty(&outcome(c, facts)).unwrap()
}

/// Asserts that no slot shows as a fact of its own in `out`. A slot's inner
/// name (`meds contains aspirin`) reads like the author's condition, which
/// outputs may quote, so what is looked for is the slot used as a fact: a
/// JSON string (`quoted`), a name before `:`, ` = `, ` not given` or a
/// share, and the slot's inner description.
fn assert_no_slots(c: &Checked, out: &str, quoted: bool) {
    let m = &c.model;
    for s in m.lists.iter().flat_map(|l| l.slots.iter()) {
        let info = &m.facts[s.0 as usize];
        let name = &info.name;
        let mut uses = vec![
            format!("{name}:"),
            format!("{name} ="),
            format!("{name} not given"),
            format!("{name} 5"),
            info.description.clone(),
        ];
        if quoted {
            uses.push(format!("\"{name}\""));
        }
        for u in uses {
            assert!(!out.contains(&u), "`{u}` in:\n{out}");
        }
    }
}

fn assert_no_slot_names(c: &Checked, out: &str) {
    assert_no_slots(c, out, true);
}

#[test]
fn the_note_asks_for_the_list_once_and_echoes_an_absent_list_as_empty() {
    let c = checked(DECLS);
    let note = cairn::eval::render::note(&outcome(&c, r#"{"age": 30}"#), &c);
    assert_no_slot_names(&c, &note);
    insta::assert_snapshot!("list_names_note", note);
}

#[test]
fn the_json_outcome_names_the_list() {
    let c = checked(DECLS);
    let out = json(&c, r#"{"age": 30}"#);
    assert_no_slot_names(&c, &out);
    let o = outcome(&c, r#"{"age": 30}"#);
    let rec = |id: &str| o.recommendations.iter().find(|r| r.id == id).unwrap();
    assert_eq!(rec("antiplatelet").missing, ["meds"]);
    assert_eq!(rec("two").missing, ["meds"]);
    let lead = &rec("on_apixaban").leads_to[0];
    assert_eq!(lead.fact, "meds");
    let values: Vec<&str> = lead.outcomes.iter().map(|o| o.values.as_str()).collect();
    assert_eq!(values, ["does not contain apixaban", "contains apixaban"]);
    // Several memberships that matter are one entry for the list.
    let leads = &rec("antiplatelet").leads_to;
    assert_eq!(leads.len(), 1, "{leads:?}");
    assert_eq!(leads[0].fact, "meds");
    assert_eq!(leads[0].outcomes.len(), 4, "{leads:?}");
    let absent = serde_json::to_value(&o.absent).unwrap();
    assert_eq!(
        absent,
        serde_json::json!([{"fact": "history", "value": []}])
    );
    // `regardless_of` names the list too.
    let rec = o.recommendations.iter().find(|r| r.id == "adult");
    assert_eq!(rec.unwrap().regardless_of, ["meds"]);
}

#[test]
fn the_trace_reads_memberships_in_words() {
    let c = checked(DECLS);
    let program = Program::new(&c);
    let traced = |facts: &str| {
        let json = format!("{{\"facts\": {facts}}}");
        let case = cairn::case::load(&c, "case.json", &json).unwrap().case;
        let o = program.evaluate(&case, Options { trace: true });
        serde_json::to_string(&o.trace).unwrap()
    };
    let out = traced(r#"{"age": 30, "meds": {"includes": ["aspirin"]}}"#);
    // A known membership reads as the author's condition: `meds contains
    // aspirin` is a label, not a fact name.
    assert_no_slots(&c, &out, false);
    assert!(out.contains("meds contains aspirin"), "{out}");
    assert!(out.contains("history does not contain diabetes"), "{out}");
    assert!(
        out.contains("unknown: meds does not say whether it contains apixaban"),
        "{out}"
    );
    assert!(out.contains("needs meds"), "{out}");
    let out = traced(r#"{"age": 30}"#);
    assert!(out.contains("unknown: meds not given"), "{out}");
    // `count of meds` reads every value at one place: one label for them.
    let out = traced(r#"{"age": 30, "meds": {"includes": ["aspirin"], "excludes": ["warfarin"]}}"#);
    assert!(
        out.contains(
            r#""text":"unknown: meds does not say whether it contains apixaban, clopidogrel""#
        ),
        "{out}"
    );
}

#[test]
fn analysis_witnesses_give_the_list_as_a_case_would() {
    let c = checked(&format!(
        "{DECLS}section s \"S\" exhaustive {{\n\
           suggest x {{ when meds contains aspirin and age > 3 statement \"x\" }}\n\
           suggest y {{ when meds contains none of {{aspirin, warfarin}} statement \"y\" }}\n\
         }}\n"
    ));
    let analysis = cairn::analysis::analyze(&c);
    let text = cairn::analysis::render_text(&analysis, &c.sources, 100);
    // The located diagnostics quote the source.
    assert_no_slots(&c, &text, false);
    let gap = analysis
        .findings
        .iter()
        .find(|f| f.kind == cairn::analysis::Kind::Gap);
    let witness = gap
        .and_then(|f| f.witness.clone())
        .expect("a gap with a witness");
    assert_eq!(
        witness["facts"]["meds"],
        serde_json::json!({"includes": ["warfarin"], "excludes": ["aspirin"]}),
        "{witness}"
    );
    // The witness is a case file the loader reads back.
    let case = cairn::case::load(&c, "w.json", &witness.to_string());
    assert!(case.is_ok());
    // Sensitivity is per membership, labelled as the list and the value.
    let two = analysis
        .sensitivity
        .iter()
        .find(|s| s.recommendation == "two");
    let labels: Vec<&str> = two.unwrap().facts.iter().map(|f| f.0.as_str()).collect();
    assert!(labels.contains(&"meds (aspirin)"), "{labels:?}");
}

#[test]
fn diffs_name_list_values_and_fold_witnesses() {
    let old = checked(DECLS);
    let new = checked(
        &DECLS
            .replace("clopidogrel }", "heparin }")
            .replace("{aspirin, clopidogrel}", "{aspirin, heparin}"),
    );
    let d = cairn::analysis::diff::diff(&old, &new);
    let text = cairn::analysis::diff::render_text(&d);
    assert_no_slot_names(&old, &text);
    assert_no_slot_names(&new, &text);
    assert!(
        text.contains("list `meds` value `clopidogrel` removed"),
        "{text}"
    );
    assert!(text.contains("list `meds` value `heparin` added"), "{text}");
    assert!(text.contains(r#""meds":"#), "{text}");
}

#[test]
fn golden_cases_name_the_list_in_expected_missing_facts() {
    let c = checked(DECLS);
    let load = |missing: &str| {
        let json = format!(
            r#"{{"facts": {{"age": 30}}, "expect": {{"missing": {{"antiplatelet": ["{missing}"]}}}}}}"#
        );
        cairn::case::load(&c, "case.json", &json).map(|_| ())
    };
    assert!(load("meds").is_ok());
    let Err(f) = load("meds contains aspirin") else {
        panic!("a slot's inner name is not a fact name")
    };
    let out = f.diagnostics.render(&f.sources, 100);
    assert!(out.contains("unknown_missing_fact"), "{out}");
}

#[test]
fn a_case_cannot_give_a_slot_by_its_inner_name() {
    let c = checked(DECLS);
    let json = r#"{"facts": {"meds contains aspirin": true}}"#;
    let Err(f) = cairn::case::load(&c, "case.json", json) else {
        panic!("a slot's inner name is not a fact of the case")
    };
    let out = f.diagnostics.render(&f.sources, 100);
    assert!(out.contains("cairn::case::unknown_fact"), "{out}");
    assert!(
        out.contains(r#"give the list instead: `"meds": ["aspirin"]`"#),
        "{out}"
    );
}
