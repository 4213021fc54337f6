//! Declared ranges of `number` and `quantity` facts as the domain of the
//! analysis, `cairn diff` and the table checks: no witness, change or gap
//! outside them.

use cairn::analysis::diff::{diff, render_text};
use cairn::analysis::{analyze, Kind};
use cairn::check::{check, Checked};
use cairn::eval::outcome::Status;
use cairn::eval::{Options, Program};
use cairn::syntax::{parse_with, FsLoader};

const HEADER: &str = "guideline g { title \"T\" version \"1\" status draft }\n";

fn checked(body: &str) -> Checked {
    let text = format!("{HEADER}{body}");
    match check(parse_with("t.cairn", &text, &FsLoader)) {
        Ok(c) => c,
        Err(f) => panic!("{}", f.diagnostics.render(&f.sources, 100)),
    }
}

/// Loads a witness as `cairn run` does (the loader rejects values outside
/// a declared range) and returns a recommendation's status.
fn status(c: &Checked, witness: &serde_json::Value, id: &str) -> Status {
    let text = witness.to_string();
    let case = cairn::case::load(c, "w.json", &text)
        .unwrap_or_else(|e| panic!("witness does not load: {text}: {e:?}"));
    let o = Program::new(c).evaluate(&case.case, Options::default());
    o.recommendations
        .iter()
        .find(|r| r.id == id)
        .map(|r| r.status)
        .unwrap()
}

/// The weight of a witness, in kg.
fn weight(w: &serde_json::Value) -> f64 {
    let q = &w["facts"]["weight"];
    assert_eq!(q["unit"], "kg", "{w}");
    q["value"].as_f64().unwrap_or_else(|| panic!("{w}"))
}

const SECTION: &str = "fact weight \"Weight\": quantity kg 30 to 150
section s \"S\" exhaustive {
  recommend a { about x when weight >= 40 kg statement \"A.\" }
}
";

#[test]
fn a_gap_witness_is_inside_the_declared_range() {
    let c = checked(SECTION);
    let a = analyze(&c);
    let gap = a.findings.iter().find(|f| f.kind == Kind::Gap).unwrap();
    let w = gap.witness.as_ref().unwrap();
    let x = weight(w);
    assert!((30.0..40.0).contains(&x), "{w}");
    assert_eq!(status(&c, w, "a"), Status::NotApplicable);
}

#[test]
fn a_condition_outside_the_range_is_dead_and_one_covering_it_constant() {
    let c = checked(
        "fact weight \"Weight\": quantity kg 30 to 150
inform light { when weight < 20 kg statement \"Below the range.\" }
inform any { when weight >= 30 kg or weight < 10 kg statement \"Always.\" }
",
    );
    let a = analyze(&c);
    let mut kinds: Vec<Kind> = a.findings.iter().map(|f| f.kind).collect();
    kinds.sort_by_key(|k| k.code());
    assert!(kinds.contains(&Kind::Dead), "{kinds:?}");
    assert!(kinds.contains(&Kind::Constant), "{kinds:?}");
    // Without the range both are ordinary recommendations.
    let c = checked(
        "fact weight \"Weight\": quantity kg
inform light { when weight < 20 kg statement \"Below the range.\" }
inform any { when weight >= 30 kg or weight < 10 kg statement \"Always.\" }
",
    );
    let kinds: Vec<Kind> = analyze(&c).findings.iter().map(|f| f.kind).collect();
    assert!(!kinds.contains(&Kind::Dead), "{kinds:?}");
    assert!(!kinds.contains(&Kind::Constant), "{kinds:?}");
}

/// The codes of a body's warnings, and their text.
fn warnings(body: &str) -> (Vec<String>, String) {
    let c = checked(body);
    let codes = c.warnings.reports.iter().map(|r| r.code()).collect();
    (codes, c.warnings.render(&c.sources, 100))
}

fn table(fact: &str, rows: &[&str]) -> String {
    let rows: String = rows.iter().map(|r| format!("  row {r}\n")).collect();
    format!(
        "{fact}\ntable t \"T\" {{\n  key k\n  column v \"V\": integer\n{rows}}}\ninform r {{ when t.v = 1 statement \"s\" }}\n"
    )
}

#[test]
fn a_table_covering_the_declared_range_has_no_gap() {
    let rows = ["<= 50 kg -> 1", "<= 200 kg -> 2"];
    let (codes, out) = warnings(&table("fact k \"K\": quantity kg 0 to 200", &rows));
    assert!(codes.is_empty(), "{out}");
    // The same rows where the range reaches further leave a gap above.
    let (codes, out) = warnings(&table("fact k \"K\": quantity kg 0 to 300", &rows));
    assert_eq!(codes, ["cairn::check::table_gap"], "{out}");
    assert!(out.contains("above 200 kg"), "{out}");
    // And one starting at its lower end with the end left out, a gap at 0.
    let rows = ["> 0 kg -> 1"];
    let (codes, out) = warnings(&table("fact k \"K\": quantity kg 0 to 200", &rows));
    assert_eq!(codes, ["cairn::check::table_gap"], "{out}");
    assert!(out.contains("`0 kg`") || out.contains(" 0 kg"), "{out}");
    assert!(!out.contains("between"), "{out}");
}

#[test]
fn a_gap_outside_the_range_is_none_and_a_row_outside_it_unreachable() {
    let rows = ["< 0 -> 1", "1 to 2 -> 2", "> 2 -> 3"];
    let (codes, out) = warnings(&table("fact k \"K\": number", &rows));
    assert_eq!(codes, ["cairn::check::table_gap"], "{out}");
    let (codes, out) = warnings(&table("fact k \"K\": number 1 to 5", &rows));
    assert_eq!(codes, ["cairn::check::unreachable_row"], "{out}");
}

#[test]
fn diff_compares_only_values_inside_both_ranges() {
    let old = checked(
        "fact weight \"Weight\": quantity kg 0 to 500
inform low { when weight < 0 kg or weight >= 400 kg statement \"s\" }
",
    );
    // Below zero is no case: moving that threshold changes nothing.
    let same = checked(
        "fact weight \"Weight\": quantity kg 0 to 500
inform low { when weight < -5 kg or weight >= 400 kg statement \"s\" }
",
    );
    let d = diff(&old, &same);
    assert!(d.regions.is_empty(), "{}", render_text(&d));
    assert!(d.undecided.is_empty(), "{}", render_text(&d));
    // Moving the other one does, with a witness in the range.
    let moved = checked(
        "fact weight \"Weight\": quantity kg 0 to 500
inform low { when weight < 0 kg or weight >= 300 kg statement \"s\" }
",
    );
    let d = diff(&old, &moved);
    assert_eq!(d.regions.len(), 1, "{}", render_text(&d));
    let w = &d.regions[0].witness;
    assert!((300.0..400.0).contains(&weight(w)), "{w}");
    assert_eq!(status(&old, w, "low"), Status::NotApplicable);
    assert_eq!(status(&moved, w, "low"), Status::Applies);
}
