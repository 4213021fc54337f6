//! Language server stage tests: completion of counts over list facts
//! (`count of ` offers the list facts; `count of L in {` the list's values).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use super::analysis::analyse;
use super::features::completion;
use super::text::LineIndex;
use std::collections::HashMap;
use std::path::Path;

const TEXT: &str = r#"guideline p {
  title "P"
  version "1"
  status draft
}
fact meds "Medications": list of enum { warfarin, aspirin }
fact age "Age": integer
suggest r {
  when count of meds >= 1 and at least 1 of meds in {aspirin} and age > 1
  statement "S."
}
"#;

/// The completion labels right after the first `after` in the text.
fn labels(after: &str) -> Vec<String> {
    let analysis = analyse(Path::new("p.cairn"), TEXT, &HashMap::new());
    let lines = LineIndex::new(TEXT);
    let offset = TEXT.find(after).unwrap() + after.len();
    let position = lines.position(TEXT, offset);
    completion(&analysis, TEXT, &lines, position)
        .into_iter()
        .map(|i| i.label)
        .collect()
}

#[test]
fn count_of_offers_the_list_facts_only() {
    assert_eq!(labels("count of "), ["meds"]);
    assert_eq!(labels("at least 1 of "), ["meds"]);
}

#[test]
fn the_set_of_a_count_offers_the_lists_values() {
    assert_eq!(labels("meds in {"), ["warfarin", "aspirin"]);
}

#[test]
fn elsewhere_completion_is_general() {
    let general = labels("and age");
    assert!(general.iter().any(|l| l == "count"), "{general:?}");
    assert!(general.iter().any(|l| l == "age"), "{general:?}");
}
