//! Tables by numbers, quantities and dates: the checker's warnings about
//! rows (unreachable, overlapping, gaps), and what it accepts cleanly.

use cairn::check::{check, Checked};
use cairn::syntax::{parse_with, FsLoader};

const HEADER: &str = "guideline g { title \"T\" version \"1\" status draft }\n";

fn checked(body: &str) -> Checked {
    let text = format!("{HEADER}{body}");
    match check(parse_with("t.cairn", &text, &FsLoader)) {
        Ok(c) => c,
        Err(f) => panic!("{}", f.diagnostics.render(&f.sources, 100)),
    }
}

/// The warnings' codes and rendered text.
fn warnings(body: &str) -> (Vec<String>, String) {
    let c = checked(body);
    let codes = c.warnings.reports.iter().map(|r| r.code()).collect();
    (codes, c.warnings.render(&c.sources, 100))
}

fn table(key: &str, rows: &[&str]) -> String {
    let rows: String = rows.iter().map(|r| format!("  row {r}\n")).collect();
    format!(
        "{key}\ntable t \"T\" {{\n  key k\n  column v \"V\": integer\n{rows}}}\ninform r {{ when t.v = 1 statement \"s\" }}\n"
    )
}

#[test]
fn bands_written_as_first_match_bounds_are_clean() {
    let body = table(
        "fact k \"eGFR\": quantity mL/min/{1.73_m2}",
        &[
            ">= 90 mL/min/{1.73_m2} -> 1",
            ">= 60 mL/min/{1.73_m2} -> 2",
            ">= 30 mL/min/{1.73_m2} -> 3",
            "_ -> 4",
        ],
    );
    let (codes, out) = warnings(&body);
    assert!(codes.is_empty(), "{out}");
}

#[test]
fn integer_bands_that_meet_are_clean_and_a_missing_band_is_a_gap() {
    let key = "fact k \"Score\": integer 0 to 9";
    let whole = table(
        key,
        &[
            "0 -> 1",
            "1 -> 2",
            "2 to 3 -> 3",
            "4 to 5 -> 4",
            ">= 6 -> 5",
        ],
    );
    let (codes, out) = warnings(&whole);
    assert!(codes.is_empty(), "{out}");
    let gap = table(key, &["0 -> 1", "1 -> 2", "2 to 3 -> 3", ">= 6 -> 5"]);
    let (codes, out) = warnings(&gap);
    assert_eq!(codes, ["cairn::check::table_gap"], "{out}");
    assert!(out.contains("covers `k` 4 to 5"), "{out}");
}

#[test]
fn a_continuous_key_has_a_gap_between_59_and_60() {
    let body = table(
        "fact k \"CrCl\": quantity mL/min",
        &[
            "< 30 mL/min -> 1",
            "30 to 59 mL/min -> 2",
            ">= 60 mL/min -> 3",
        ],
    );
    let (codes, out) = warnings(&body);
    assert_eq!(codes, ["cairn::check::table_gap"], "{out}");
    assert!(out.contains("between 59 mL/min and 60 mL/min"), "{out}");
}

#[test]
fn a_row_outside_the_declared_range_or_behind_a_wider_row_is_unreachable() {
    let key = "fact k \"Score\": integer 0 to 9";
    let (codes, out) = warnings(&table(key, &["10 -> 1", "_ -> 2"]));
    assert_eq!(codes, ["cairn::check::unreachable_row"], "{out}");
    let (codes, out) = warnings(&table(key, &["<= 4 -> 1", "2 to 3 -> 2", "_ -> 3"]));
    assert_eq!(codes, ["cairn::check::unreachable_row"], "{out}");
    // Strict and inclusive bounds of an integer are the same interval.
    let (codes, out) = warnings(&table(key, &["< 5 -> 1", "<= 4 -> 2", "_ -> 3"]));
    assert_eq!(codes, ["cairn::check::unreachable_row"], "{out}");
}

#[test]
fn bands_sharing_an_edge_overlap_but_a_fallback_does_not() {
    let key = "fact k \"Score\": integer 0 to 9";
    let (codes, out) = warnings(&table(key, &["0 to 4 -> 1", "4 to 9 -> 2"]));
    assert_eq!(codes, ["cairn::check::overlapping_rows"], "{out}");
    let (codes, out) = warnings(&table(key, &["2 to 4 -> 1", "_ -> 2"]));
    assert!(codes.is_empty(), "{out}");
}

#[test]
fn a_bound_in_another_unit_is_converted() {
    // 1.8 L/h is 30 mL/min: the second row starts where the first ends.
    let body = table(
        "fact k \"CrCl\": quantity mL/min",
        &["< 1.8 L/h -> 1", ">= 30 mL/min -> 2"],
    );
    let (codes, out) = warnings(&body);
    assert!(codes.is_empty(), "{out}");
}
