//! Language server stage tests: the checker, the outcome and the language
//! server read the same placeholders out of a statement (one parser,
//! `check::placeholder`).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use super::analysis::analyse;
use super::index::Key;
use crate::eval::{Options, Program};
use std::collections::HashMap;
use std::path::Path;

const TEXT: &str = r#"guideline p {
  title "P"
  version "1"
  status draft
}
fact grade "Grade": integer 1 to 3
fact dose "Dose": quantity Gy
recommend r {
  when grade >= 2 and dose > 1 Gy
  statement "Dose {dose}; {{grade}}; {not one}; { grade }; {grade"
}
"#;

#[test]
fn every_reader_sees_the_same_placeholders() {
    // The checker accepts the statement: braces that are no placeholder
    // are text, not unknown names.
    let parsed = crate::syntax::parse_with("p.cairn", TEXT, &crate::syntax::FsLoader);
    let checked = crate::check::check(parsed).unwrap();
    // The outcome fills exactly `{dose}` and the `{grade}` inside `{{grade}}`.
    let program = Program::new(&checked);
    let case = crate::case::load(
        &checked,
        "c.json",
        r#"{"facts": {"grade": 2, "dose": "50 Gy"}}"#,
    )
    .unwrap()
    .case;
    let outcome = program.evaluate(&case, Options::default());
    assert_eq!(
        outcome.recommendations[0].statement,
        "Dose 50 Gy; {2}; {not one}; { grade }; {grade"
    );
    // The language server indexes the same two, at their names.
    let analysis = analyse(Path::new("p.cairn"), TEXT, &HashMap::new());
    let statement = TEXT.find("statement \"").unwrap();
    let end = statement + TEXT[statement..].find('\n').unwrap();
    let mut seen: Vec<(String, &str)> = analysis
        .index
        .occurrences
        .iter()
        .filter(|o| (statement..end).contains(&(o.span.start as usize)))
        .map(|o| match &o.key {
            Key::Name(n) => (n.clone(), &TEXT[o.span.start as usize..o.span.end as usize]),
            other => panic!("{other:?}"),
        })
        .collect();
    seen.sort();
    assert_eq!(
        seen,
        [("dose".to_string(), "dose"), ("grade".to_string(), "grade")]
    );
    let grade = analysis
        .index
        .occurrences
        .iter()
        .filter(|o| o.key == Key::Name("grade".into()))
        .map(|o| o.span.start as usize)
        .max()
        .unwrap();
    assert_eq!(grade, TEXT.find("{{grade}}").unwrap() + 2);
}

/// An unknown placeholder is reported once, at its braces.
#[test]
fn an_unknown_placeholder_is_reported_at_its_braces() {
    let text = TEXT.replace("{not one}", "{sise}");
    let parsed = crate::syntax::parse_with("p.cairn", &text, &crate::syntax::FsLoader);
    let failed = crate::check::check(parsed).unwrap_err();
    let json = failed.diagnostics.to_json(&failed.sources);
    let unknown: Vec<_> = json
        .iter()
        .filter(|d| d.code == "cairn::check::unknown_placeholder")
        .collect();
    assert_eq!(unknown.len(), 1, "{json:?}");
    assert!(
        unknown[0].message.contains("`{sise}`"),
        "{}",
        unknown[0].message
    );
}
