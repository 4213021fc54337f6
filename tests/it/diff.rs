//! Diff tests: versions that differ only in layout, comments and order
//! show no change; known changes are found with witnesses that the
//! interpreter confirms on both versions.

use cairn::analysis::diff::{diff, render_text};
use cairn::check::{check, Checked};
use cairn::eval::{Options, Program};
use cairn::syntax::{parse_with, FsLoader};

fn load(name: &str) -> Checked {
    let path = format!("tests/corpus/analysis/diff/{name}");
    let text = std::fs::read_to_string(&path).unwrap();
    match check(parse_with(&path, &text, &FsLoader)) {
        Ok(c) => c,
        Err(f) => panic!("{}", f.diagnostics.render(&f.sources, 100)),
    }
}

fn status(c: &Checked, witness: &serde_json::Value, id: &str) -> String {
    let case = cairn::case::load(c, "w.json", &witness.to_string()).unwrap();
    let o = Program::new(c).evaluate(&case.case, Options::default());
    o.recommendations
        .iter()
        .find(|r| r.id == id)
        .map(|r| r.status.as_str().to_string())
        .unwrap_or_else(|| "absent".into())
}

#[test]
fn layout_comments_and_order_are_no_change() {
    let d = diff(&load("base.cairn"), &load("layout.cairn"));
    assert!(d.regions.is_empty(), "{}", render_text(&d));
    assert!(d.text.is_empty(), "{:?}", d.text);
    assert!(render_text(&d).starts_with("no change in behaviour\n"));
}

#[test]
fn known_changes_are_found_and_witnesses_reproduce() {
    let (old, new) = (load("base.cairn"), load("changed.cairn"));
    let d = diff(&old, &new);
    let summary: Vec<(String, &str, String, String)> = d
        .regions
        .iter()
        .map(|r| (r.name.clone(), r.aspect, r.before.clone(), r.after.clone()))
        .collect();
    let has = |name: &str, aspect: &str, b: &str, a: &str| {
        summary
            .iter()
            .any(|(n, x, y, z)| n == name && *x == aspect && y == b && z == a)
    };
    assert!(
        has("rt", "status", "not_applicable", "applies"),
        "{summary:?}"
    );
    assert!(has("rt", "strength", "2C", "1B"), "{summary:?}");
    assert!(has("high_risk", "value", "false", "true"), "{summary:?}");
    // `surgery` only changed its text.
    assert!(!summary.iter().any(|(n, ..)| n == "surgery"), "{summary:?}");
    for r in d
        .regions
        .iter()
        .filter(|r| r.item == "recommendation" && r.aspect == "status")
    {
        assert_eq!(status(&old, &r.witness, &r.name), r.before, "{}", r.witness);
        assert_eq!(status(&new, &r.witness, &r.name), r.after, "{}", r.witness);
    }
    let region = d
        .regions
        .iter()
        .find(|r| r.name == "rt" && r.after == "applies")
        .unwrap();
    assert!(
        region.rules.iter().any(|r| r.starts_with("high_risk:")),
        "{:?}",
        region.rules
    );
    for expected in [
        "version: `1` became `2`",
        "`surgery` statement: `Resect.` became `Resect completely.`",
        "`surgery` citations: `1` became `1, 2`",
        "`rt` strength: `2C` became `1B`",
        "reference [2] added",
    ] {
        assert!(
            d.text.iter().any(|t| t == expected),
            "{expected} not in {:?}",
            d.text
        );
    }
    insta::assert_snapshot!(render_text(&d));
}

#[test]
fn a_version_against_itself_is_no_change() {
    let c = load("changed.cairn");
    let d = diff(&c, &load("changed.cairn"));
    assert!(d.regions.is_empty() && d.text.is_empty());
}
