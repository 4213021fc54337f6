//! FHIR stage, output: the actions of a GuidanceResponse's RequestGroup,
//! one per applicable recommendation.
//!
//! The mapping (R4 has no field for most of what a recommendation says):
//! - `id` is the recommendation's id, `title` its id in words, and
//!   `description` its statement (placeholders filled in);
//! - the kind is the action's `code`, in Cairn's kind code system
//!   (`recommend`, `do-not-offer`, …); `do-not-offer` and `discourage` also
//!   carry the do-not-perform extension, since R4 actions cannot say "not";
//! - the strength is an extension with the strength as written (`2C`) and
//!   one with its grading scheme; a GRADE strength adds its certainty of
//!   evidence (`A` high, `B` moderate, `C` low); the strength in words
//!   (GRADE: strong or weak, with the certainty) is `textEquivalent`;
//! - citations are `documentation` of type `citation` (label `[n]`, the
//!   reference's text), rationale texts `documentation` of type
//!   `justification`.

use super::guidance_ids::{
    EXT_CERTAINTY, EXT_DO_NOT_PERFORM, EXT_SCHEME, EXT_STRENGTH, KIND_SYSTEM,
};
use crate::check::Checked;
use crate::eval::outcome::{Outcome, RecOutcome, Status};
use crate::strength::Strength;
use serde_json::{json, Map, Value};

/// One action per applicable recommendation, in document order.
pub(super) fn actions(checked: &Checked, outcome: &Outcome<'_>) -> Vec<Value> {
    outcome
        .recommendations
        .iter()
        .filter(|r| r.status == Status::Applies)
        .map(|r| action(checked, r))
        .collect()
}

fn action(checked: &Checked, rec: &RecOutcome<'_>) -> Value {
    let mut a = Map::new();
    a.insert("id".into(), json!(rec.id));
    let mut extensions = Vec::new();
    if let Some(s) = &rec.strength {
        extensions.extend(strength_extensions(checked, s));
    }
    if matches!(&*rec.kind, "do-not-offer" | "discourage") {
        extensions.push(json!({ "url": EXT_DO_NOT_PERFORM, "valueBoolean": true }));
    }
    if !extensions.is_empty() {
        a.insert("extension".into(), Value::Array(extensions));
    }
    a.insert("title".into(), json!(rec.id.replace('_', " ")));
    a.insert("description".into(), json!(rec.statement));
    if let Some(s) = &rec.strength {
        a.insert("textEquivalent".into(), json!(strength_words(s)));
    }
    a.insert(
        "code".into(),
        json!([{ "coding": [{
            "system": KIND_SYSTEM,
            "code": rec.kind,
            "display": rec.kind.replace('-', " "),
        }] }]),
    );
    let docs = documentation(checked, rec);
    if !docs.is_empty() {
        a.insert("documentation".into(), Value::Array(docs));
    }
    Value::Object(a)
}

/// The strength as written, its scheme and, for GRADE, its certainty.
fn strength_extensions(checked: &Checked, s: &Strength) -> Vec<Value> {
    let mut ext = vec![
        json!({ "url": EXT_STRENGTH, "valueString": s.source() }),
        json!({ "url": EXT_SCHEME, "valueCode": checked.model.grading.name() }),
    ];
    if let Strength::Grade(g) = s {
        if let Some(c) = certainty(g.quality) {
            ext.push(json!({ "url": EXT_CERTAINTY, "valueCode": c }));
        }
    }
    ext
}

/// GRADE's quality of evidence in its own words.
fn certainty(quality: char) -> Option<&'static str> {
    match quality {
        'A' => Some("high"),
        'B' => Some("moderate"),
        'C' => Some("low"),
        _ => None,
    }
}

/// The strength in words: GRADE's level as strong or weak, with the
/// certainty; any other scheme's own words.
fn strength_words(s: &Strength) -> String {
    match s {
        Strength::Grade(g) => {
            let level = if g.level == 1 { "strong" } else { "weak" };
            let cert = certainty(g.quality).unwrap_or("unknown");
            format!("Grade {g}: {level} recommendation, {cert}-certainty evidence")
        }
        other => format!("Strength: {other}"),
    }
}

/// Citations (with the bibliography's text) and rationale.
fn documentation(checked: &Checked, rec: &RecOutcome<'_>) -> Vec<Value> {
    let mut docs: Vec<Value> = rec
        .citations
        .iter()
        .map(|n| {
            let mut d = json!({ "type": "citation", "label": format!("[{n}]") });
            if let Some(text) = checked.model.references.get(n) {
                d["citation"] = json!(text);
            }
            d
        })
        .collect();
    docs.extend(
        rec.rationale
            .iter()
            .map(|r| json!({ "type": "justification", "display": r })),
    );
    docs
}
