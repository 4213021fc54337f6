//! Diff tests: versions that differ only in layout, comments and order
//! show no change; known changes are found with witnesses that the
//! interpreter confirms on both versions; large cones are searched exactly
//! or reported as not decided, an error; the sarcoma guideline with one
//! edited threshold is diffed exactly.

use cairn::analysis::diff::{diff, diff_with_budget, render_text, Diff};
use cairn::check::{check, Checked};
use cairn::eval::{Options, Program};
use cairn::syntax::{parse_with, FsLoader};
use std::collections::BTreeSet;

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

// ---------------------------------------------------------------------
// Exactness: no sampling, witnesses re-run, "could not decide" as errors.

pub(super) fn checked(name: &str, text: &str) -> Checked {
    match check(parse_with(name, text, &FsLoader)) {
        Ok(c) => c,
        Err(f) => panic!("{}\n{text}", f.diagnostics.render(&f.sources, 100)),
    }
}

/// What `cairn run` reports for `id` (a recommendation's status, and its
/// strength when it applies; or a derived value) on a witness case file.
fn observed(c: &Checked, witness: &serde_json::Value, item: &str, id: &str) -> (String, String) {
    let case = cairn::case::load(c, "w.json", &witness.to_string()).unwrap();
    let o = Program::new(c).evaluate(&case.case, Options::default());
    if item == "derived" {
        let v = o
            .derived
            .get(id)
            .cloned()
            .unwrap_or(serde_json::Value::Null);
        let text = if v.is_null() {
            "unknown".into()
        } else {
            v.to_string()
        };
        return (text, String::new());
    }
    match o.recommendations.iter().find(|r| r.id == id) {
        Some(r) => (
            r.status.as_str().to_string(),
            r.strength
                .as_ref()
                .map_or_else(|| "none".into(), |g| g.to_string()),
        ),
        None => ("absent".into(), String::new()),
    }
}

/// Every region's witness, loaded from its JSON and run on both versions,
/// shows the region's change.
pub(super) fn witnesses_reproduce(old: &Checked, new: &Checked, d: &Diff) {
    for r in &d.regions {
        let (a, b) = (
            observed(old, &r.witness, r.item, &r.name),
            observed(new, &r.witness, r.item, &r.name),
        );
        match r.aspect {
            "strength" => {
                assert_eq!((a.0.as_str(), b.0.as_str()), ("applies", "applies"));
                assert_eq!(
                    (a.1.as_str(), b.1.as_str()),
                    (r.before.as_str(), r.after.as_str()),
                    "{}",
                    r.witness
                );
            }
            _ => assert_eq!(
                (a.0.as_str(), b.0.as_str()),
                (r.before.as_str(), r.after.as_str()),
                "{} {}",
                r.name,
                r.witness
            ),
        }
        assert_ne!(a, b, "{} {}", r.name, r.witness);
    }
}

#[test]
fn sarcoma_with_one_edited_threshold_is_exact() {
    let path = "guidelines/rps/initial-management.cairn";
    let text = std::fs::read_to_string(path).unwrap();
    let from = "(histology = dedifferentiated_liposarcoma and grade <= 2)";
    assert!(text.contains(from));
    let old = checked(path, &text);
    let new = checked(
        path,
        &text.replace(
            from,
            "(histology = dedifferentiated_liposarcoma and grade <= 1)",
        ),
    );
    let d = diff(&old, &new);
    let out = render_text(&d);
    assert!(d.undecided.is_empty(), "{out}");
    assert!(d.regions.iter().all(|r| r.exhaustive), "{out}");
    let names: BTreeSet<&str> = d.regions.iter().map(|r| r.name.as_str()).collect();
    let want: BTreeSet<&str> = [
        "dose_escalation_in_trial",
        "preoperative_rt",
        "rt_no_clear_role",
        "rt_select_histology",
    ]
    .into();
    assert_eq!(names, want, "{out}");
    // Partial cases change too: with grade 2 and the histology known, the
    // rest unknown, preoperative RT is now ruled out.
    assert!(
        d.regions.iter().any(|r| r.name == "preoperative_rt"
            && r.before == "undetermined"
            && r.after == "not_applicable"),
        "{out}"
    );
    witnesses_reproduce(&old, &new, &d);
    assert!(
        !serde_json::to_string(&cairn::analysis::diff::render_json(&d))
            .unwrap()
            .contains(r#""sampled":true"#)
    );
}

pub(super) const HEAD: &str = "guideline g { title \"G\" version \"1\" status draft }\n";

#[test]
fn a_threshold_moved_between_two_old_regions_is_found() {
    // Old regions {<20, 20, >20} and new {<18, 18, >18}: the union of their
    // representatives misses (18, 20), the only cases that change.
    let facts = "fact q \"q\": quantity cm\n";
    let old = checked(
        "old.cairn",
        &format!("{HEAD}{facts}suggest r {{ when q >= 20 cm statement \"r\" }}\n"),
    );
    let new = checked(
        "new.cairn",
        &format!("{HEAD}{facts}suggest r {{ when q > 18 cm statement \"r\" }}\n"),
    );
    let d = diff(&old, &new);
    let out = render_text(&d);
    let r = d
        .regions
        .iter()
        .find(|r| r.before == "not_applicable" && r.after == "applies")
        .unwrap_or_else(|| panic!("{out}"));
    let q = r.witness["facts"]["q"]["value"].as_f64().unwrap();
    assert!(q > 18.0 && q < 20.0, "{out}");
    witnesses_reproduce(&old, &new, &d);
    assert!(d.undecided.is_empty() && r.exhaustive, "{out}");
}

/// Twenty integer facts 0 to 100 and one recommendation needing all of
/// them at 37 (3^20 regions, far past any enumeration); `last` is the
/// value the new version wants for `f19`, and `order` reverses the
/// conjunction (the same behaviour, written differently).
fn twenty(last: u32, reverse: bool) -> String {
    let mut text = String::from(HEAD);
    for i in 0..20 {
        text += &format!("fact f{i} \"F{i}\": integer 0 to 100\n");
    }
    let mut conds: Vec<String> = (0..19).map(|i| format!("f{i} = 37")).collect();
    conds.push(format!("f19 = {last}"));
    if reverse {
        conds.reverse();
    }
    text + &format!(
        "suggest r {{ when {} statement \"r\" }}\n",
        conds.join(" and ")
    )
}

#[test]
fn a_large_cone_that_used_to_be_sampled_is_searched_exactly() {
    let old = checked("old.cairn", &twenty(37, false));
    let new = checked("new.cairn", &twenty(38, false));
    // The change lives in two cases out of 102^20: found within a small budget.
    let d = diff_with_budget(&old, &new, 20_000);
    let out = render_text(&d);
    let applies = d
        .regions
        .iter()
        .find(|r| r.before == "applies" && r.after == "not_applicable")
        .unwrap_or_else(|| panic!("{out}"));
    assert_eq!(
        applies.witness["facts"]["f19"],
        serde_json::json!(37),
        "{out}"
    );
    assert!(
        d.regions
            .iter()
            .any(|r| r.before == "not_applicable" && r.after == "applies"),
        "{out}"
    );
    witnesses_reproduce(&old, &new, &d);
    // A change is proved; the budget only leaves the list of changes open,
    // and the report says so.
    assert!(d.undecided.is_empty(), "{out}");
    assert!(
        !applies.exhaustive && out.contains("not exhaustive"),
        "{out}"
    );
}

#[test]
fn a_large_cone_not_decided_within_the_budget_is_an_error() {
    let old = checked("old.cairn", &twenty(37, false));
    let new = checked("new.cairn", &twenty(37, true));
    let d = diff_with_budget(&old, &new, 20_000);
    let out = render_text(&d);
    assert!(d.regions.is_empty(), "{out}");
    assert_eq!(d.undecided.len(), 1, "{out}");
    let u = &d.undecided[0];
    assert_eq!(
        (u.name.as_str(), u.reason, u.code),
        ("r", "budget", "cairn::analysis::undecided")
    );
    assert!(u.evaluations >= 20_000, "{out}");
    assert_eq!(d.error_count(), 1, "never a clean result");
    assert!(
        out.contains("could not decide within the budget") && out.contains("new.cairn"),
        "{out}"
    );
    assert!(!out.starts_with("no change in behaviour\n"), "{out}");
    let json = cairn::analysis::diff::render_json(&d);
    assert_eq!(json["errors"], serde_json::json!(1));
    assert_eq!(json["undecided"][0]["reason"], serde_json::json!("budget"));
    // Acknowledged in the source, it no longer fails.
    let acked = twenty(37, true).replace(
        "statement \"r\"",
        "statement \"r\" acknowledge undecided \"reordered by hand\"",
    );
    let d = diff_with_budget(&old, &checked("new.cairn", &acked), 20_000);
    assert_eq!(d.error_count(), 0, "{}", render_text(&d));
    assert!(render_text(&d).contains("reordered by hand"));
}

#[test]
fn diff_exits_non_zero_on_an_undecided_item_unless_acknowledged() {
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("diff_undecided");
    std::fs::create_dir_all(&dir).unwrap();
    let old = "tests/corpus/analysis/sound/two_facts.cairn";
    let text = std::fs::read_to_string(old).unwrap();
    let new = dir.join("two_facts.cairn");
    std::fs::write(
        &new,
        text.replace(
            "when assessment_date >= date_of_birth + 75 years",
            "when not (assessment_date < date_of_birth + 75 years)",
        ),
    )
    .unwrap();
    let new = new.to_str().unwrap();
    let run = |extra: &[&str]| {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_cairn"))
            .args(["diff", old, new])
            .args(extra)
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .output()
            .unwrap();
        (out.status.code(), String::from_utf8(out.stdout).unwrap())
    };
    let (code, out) = run(&[]);
    assert_eq!(code, Some(1), "{out}");
    assert!(
        out.contains("cairn::analysis::undecided") && out.contains("`elderly`"),
        "{out}"
    );
    let (code, out) = run(&["--format", "json"]);
    assert_eq!(code, Some(1), "{out}");
    let json: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(
        json["undecided"][0]["name"],
        serde_json::json!("elderly"),
        "{out}"
    );
    assert_eq!(
        json["undecided"][0]["reason"],
        serde_json::json!("split"),
        "{out}"
    );
    assert_eq!(json["sampled"], serde_json::json!(false));
    let (code, out) = run(&["--acknowledge-undecided", "checked by hand"]);
    assert_eq!(code, Some(0), "{out}");
    assert!(out.contains("reason: checked by hand"), "{out}");
    // Unchanged versions: exit 0.
    let (code, out) = run_same(old);
    assert_eq!(code, Some(0), "{out}");
}

fn run_same(path: &str) -> (Option<i32>, String) {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_cairn"))
        .args(["diff", path, path])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    (out.status.code(), String::from_utf8(out.stdout).unwrap())
}

#[test]
fn is_known_settles_nothing_before_its_fact_is_assigned() {
    // With `n` unknown both versions apply, yet once `n` is known they
    // differ: `is unknown` is not monotone, so that case settles nothing.
    let facts = "fact n \"n\": integer\nfact a \"a\": bool\nfact b \"b\": bool\n";
    let rec = |x: &str| {
        format!("{HEAD}{facts}suggest r {{ when n is unknown or {x} statement \"r\" }}\n")
    };
    let (old, new) = (
        checked("old.cairn", &rec("a")),
        checked("new.cairn", &rec("b")),
    );
    let d = diff(&old, &new);
    let out = render_text(&d);
    assert!(
        d.regions
            .iter()
            .any(|r| r.before == "applies" && r.after == "not_applicable"),
        "{out}"
    );
    assert!(
        d.regions.iter().all(|r| r.exhaustive) && d.undecided.is_empty(),
        "{out}"
    );
    witnesses_reproduce(&old, &new, &d);
}
