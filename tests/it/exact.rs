//! Exact statuses under unknown facts (its conformance examples run in the
//! conformance suite, `src/testing/conformance`): the JSON
//! contract and text of the exact pass, a brute-force check of its splits
//! on a dense grid of completions, its allocation-free status path and its
//! cost on the sarcoma golden cases.

use cairn::case::Case;
use cairn::check::Checked;
use cairn::eval::outcome::Status;
use cairn::eval::{self, Options, Program};

/// Evaluates one case (its facts as a JSON object) of a checked guideline.
fn outcome(checked: &Checked, facts: &str) -> cairn::Outcome<'static> {
    let json = format!("{{\"facts\": {facts}}}");
    let case = match cairn::case::load(checked, "case.json", &json) {
        Ok(c) => c,
        Err(f) => panic!(
            "case {facts} does not load\n{}",
            f.diagnostics.render(&f.sources, 100)
        ),
    };
    Program::new(checked).evaluate(&case.case, Options::default())
}

fn checked(decls: &str) -> Checked {
    let text = format!("guideline t {{ title \"T\" version \"1.0.0\" status draft }}\n{decls}");
    cairn::parse("t.cairn", &text).check().unwrap()
}

const SCORE: &str = r#"
fact sex "Sex": enum { male "Male" female "Female" }
fact score "Score": integer 0 to 10
fact size "Size": quantity cm
suggest r {
  when (sex = male and score >= 2) or (sex = female and score >= 3)
  statement "r"
}
inform large { when size >= 5 cm or score > 20 statement "Large." }
"#;

#[test]
fn outcome_says_what_each_value_leads_to() {
    let c = checked(SCORE);
    let out = outcome(&c, "{}");
    let json = serde_json::to_value(&out.recommendations[0]).unwrap();
    assert_eq!(json["missing"], serde_json::json!(["sex", "score"]));
    assert_eq!(
        json["leads_to"],
        serde_json::json!([{"fact": "score", "outcomes": [
            {"values": "0 to 1", "status": "not_applicable"},
            {"values": "2", "status": "undetermined"},
            {"values": "3 to 10", "status": "applies"},
        ]}])
    );
    // Additive fields are left out when empty or false.
    assert!(json.get("approximate").is_none());
    assert!(json.get("regardless_of").is_none());
    let large = serde_json::to_value(&out.recommendations[1]).unwrap();
    assert_eq!(
        large["leads_to"],
        serde_json::json!([{"fact": "size", "outcomes": [
            {"values": "< 5 cm", "status": "not_applicable"},
            {"values": ">= 5 cm", "status": "applies"},
        ]}])
    );
    // A fact read whose values never change the answer.
    let c2 = checked(
        r#"
fact x "x": integer 0 to 9
fact y "y": bool
inform r { when (x >= 5 and y) or (x >= 5 and not y) statement "r" }
"#,
    );
    let json = serde_json::to_value(&outcome(&c2, "{}").recommendations[0]).unwrap();
    assert_eq!(json["missing"], serde_json::json!(["x"]));
    assert_eq!(json["regardless_of"], serde_json::json!(["y"]));
    // Settled: applies whatever the sex is.
    let out = outcome(&c, r#"{"score": 4}"#);
    let json = serde_json::to_value(&out.recommendations[0]).unwrap();
    assert_eq!(json["status"], "applies");
    assert_eq!(json["regardless_of"], serde_json::json!(["sex"]));
}

#[test]
fn note_and_trace_explain_the_exact_pass() {
    let c = checked(SCORE);
    let program = Program::new(&c);
    let load = |facts: &str| {
        cairn::case::load(&c, "c.json", &format!("{{\"facts\": {facts}}}"))
            .unwrap()
            .case
    };
    let out = program.evaluate(
        &load(r#"{"score": 4, "size": "1 cm"}"#),
        Options { trace: true },
    );
    let note = eval::render::note(&out, &c);
    assert!(note.contains("      applies whatever `sex` is\n"), "{note}");
    let step = out.trace.iter().find(|s| s.name == "r").unwrap();
    assert_eq!(
        step.reason,
        "applies whatever `sex` is: every value of its unknown facts gives the same status"
    );
    let out = program.evaluate(&load(r#"{"sex": "female"}"#), Options { trace: true });
    let note = eval::render::note(&out, &c);
    assert!(
        note.contains("      score: 0 to 2 -> not applicable; 3 to 10 -> applies\n"),
        "{note}"
    );
    let step = out.trace.iter().find(|s| s.name == "r").unwrap();
    assert_eq!(
        step.reason,
        "undetermined: needs score (score: 0 to 2 -> not applicable; 3 to 10 -> applies)"
    );
}

#[test]
fn an_approximate_status_is_flagged_in_json_and_text() {
    let c = checked(
        r#"
fact dose "Dose": quantity Gy
fact n "Fractions": integer 1 to 30
inform high { when dose / n >= 2 Gy statement "High." }
"#,
    );
    let out = outcome(&c, "{}");
    let json = serde_json::to_value(&out.recommendations[0]).unwrap();
    assert_eq!(json["approximate"], true);
    assert_eq!(json["missing"], serde_json::json!(["dose", "n"]));
    let note = eval::render::note(&out, &c);
    assert!(note.contains("(approximate:"), "{note}");
}

fn golden_cases(c: &Checked) -> Vec<Case> {
    let mut paths: Vec<_> = std::fs::read_dir("guidelines/rps/cases")
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    paths.sort();
    paths
        .iter()
        .map(|p| {
            let text = std::fs::read_to_string(p).unwrap();
            cairn::case::load(c, "c.json", &text).unwrap().case
        })
        .collect()
}

fn sarcoma() -> Checked {
    let path = "guidelines/rps/initial-management.cairn";
    let text = std::fs::read_to_string(path).unwrap();
    cairn::parse(path, &text).check().unwrap()
}

#[test]
fn statuses_do_not_allocate_once_warm_even_with_the_exact_pass() {
    let c = sarcoma();
    let p = Program::new(&c);
    let cases = golden_cases(&c);
    let mut scratch = p.scratch();
    let mut batch = p.batch_scratch();
    let run = |scratch: &mut eval::Scratch, batch: &mut eval::BatchScratch| {
        for case in &cases {
            p.statuses(case, scratch);
            p.evaluate_into(case, scratch);
            for r in 0..p.model().recs.len() {
                p.missing_into(scratch, cairn::check::model::RecId(r as u32));
            }
        }
        p.statuses_batch(&cases, batch);
    };
    run(&mut scratch, &mut batch);
    let info = allocation_counter::measure(|| run(&mut scratch, &mut batch));
    assert_eq!(info.count_total, 0, "{info:?}");
    // The counter does count: building an outcome allocates.
    let info = allocation_counter::measure(|| {
        p.evaluate(&cases[0], Options::default());
    });
    assert!(info.count_total > 0);
}

/// The cost of the exact pass on the golden cases: how many
/// recommendations reach it and how many completions it runs.
#[test]
fn exact_pass_cost_on_the_golden_cases() {
    let c = sarcoma();
    let p = Program::new(&c);
    let cases = golden_cases(&c);
    let mut scratch = p.scratch();
    let mut undetermined_by_kleene = 0;
    let mut decided_cases = 0;
    for case in &cases {
        let before = scratch.exact_cost();
        let statuses = p.statuses(case, &mut scratch).to_vec();
        let (reached, _) = scratch.exact_cost();
        undetermined_by_kleene += reached - before.0;
        if reached == before.0 {
            decided_cases += 1;
            assert!(!statuses.contains(&Status::Undetermined));
        }
    }
    let (reached, tried) = scratch.exact_cost();
    println!(
        "exact pass on {} golden cases: {reached} recommendations reached it, {tried} completions ({decided_cases} cases decided by Kleene logic alone)",
        cases.len()
    );
    assert_eq!(reached, undetermined_by_kleene);
    assert!(reached > 20 && reached < 200, "{reached}");
    // A handful of completions each: the split follows the thresholds.
    assert!(tried <= reached * 16, "{tried} completions for {reached}");
    assert!(decided_cases > 10);
}
