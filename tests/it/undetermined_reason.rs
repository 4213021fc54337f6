//! Undetermined with nothing missing: a `first` without `otherwise` that
//! falls through, and a division by zero, say what happened (a `reason` in
//! JSON, a line in the note) instead of an empty list of facts to ask for.

use cairn::check::check;
use cairn::eval::{self, Program};
use cairn::syntax::{parse_with, FsLoader};

const GUIDELINE: &str = r#"guideline u { title "U" version "1" status draft }
fact a "A": integer 0 to 9
fact b "B": number
define band "Band": enum { low, high } = first {
  when a < 3 then low
  when a > 6 then high
}
define ratio "Ratio": number = 10 / b
recommend r1 { when band = low statement "Low." }
recommend r2 { when ratio > 1 statement "Ratio." }
"#;

#[test]
fn the_outcome_says_why_nothing_can_be_asked_for() {
    let checked = check(parse_with("u.cairn", GUIDELINE, &FsLoader)).unwrap();
    // `band`'s conditions are no enum comparisons: the checker cannot see
    // its fall-through (analysis does), the outcome still names it.
    let case = cairn::case::load(&checked, "c.json", r#"{"facts": {"a": 5, "b": 0}}"#).unwrap();
    let program = Program::new(&checked);
    let mut scratch = program.scratch();
    let outcome = program.evaluate_with(&case.case, &mut scratch, eval::Options { trace: false });
    let json = serde_json::to_value(&outcome).unwrap();
    let recs = json["recommendations"].as_array().unwrap();
    assert_eq!(recs[0]["status"], "undetermined");
    assert_eq!(recs[0]["missing"], serde_json::json!([]));
    assert_eq!(
        recs[0]["reason"],
        "no branch of `band` applies to this case, and it has no `otherwise`"
    );
    assert_eq!(recs[0]["diagnostics"][0]["code"], "eval::no_branch");
    assert_eq!(recs[1]["status"], "undetermined");
    assert_eq!(recs[1]["reason"], "division by zero in `10 / b`");
    let note = eval::render::note(&outcome, &checked);
    assert!(
        note.contains("cannot be decided: no branch of `band` applies to this case"),
        "{note}"
    );

    // With a fact missing, it is asked for, and there is no reason.
    let case = cairn::case::load(&checked, "c.json", r#"{"facts": {"b": 1}}"#).unwrap();
    let outcome = program.evaluate_with(&case.case, &mut scratch, eval::Options { trace: false });
    let json = serde_json::to_value(&outcome).unwrap();
    assert_eq!(
        json["recommendations"][0]["missing"],
        serde_json::json!(["a"])
    );
    assert!(
        json["recommendations"][0].get("reason").is_none(),
        "{json:#}"
    );
}
