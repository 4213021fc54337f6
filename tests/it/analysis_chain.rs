//! The scan of `first` chains over one ordered fact (`analysis::chain`)
//! against the general path (every case of the product enumerated): on
//! random chains over an integer, a date or an enum fact, with overlaps,
//! gaps, dead branches, `!=`, constants on either side, branches that read
//! another fact (which the scan leaves to the general path), unknowns
//! tried (an `is known` elsewhere), constraints and missing fallbacks, the
//! two give the same findings with the same witnesses.

use cairn::analysis::{analyze, analyze_without_chain_scan, Analysis};
use cairn::check::{check, Checked};
use cairn::syntax::{parse_with, FsLoader};
use proptest::prelude::*;

fn checked(text: &str) -> Checked {
    match check(parse_with("g.cairn", text, &FsLoader)) {
        Ok(c) => c,
        Err(f) => panic!("{}\n{text}", f.diagnostics.render(&f.sources, 100)),
    }
}

/// Every finding as comparable text: kind, span, message, witness.
fn summary(a: &Analysis) -> Vec<String> {
    a.findings
        .iter()
        .map(|f| {
            format!(
                "{:?} {}..{} {} {:?} {:?}",
                f.kind, f.span.start, f.span.end, f.message, f.witness, f.acknowledged
            )
        })
        .collect()
}

/// One branch: operator index, constant, operands swapped, an `and` of the
/// other fact.
type Branch = (usize, i64, bool, bool);

/// The guideline of a chain over fact `x` of kind `kind` (0 integer, 1
/// date, 2 enum).
fn guideline(
    kind: usize,
    branches: &[Branch],
    otherwise: bool,
    unknown: bool,
    constraint: bool,
) -> String {
    let mut s = String::from("guideline g { title \"G\" version \"1.0.0\" status draft }\n");
    s.push_str(match kind {
        0 => "fact x \"X\": integer 0 to 20\n",
        1 => "fact x \"X\": date\n",
        _ => "fact x \"X\": enum { a, b, c, d, e }\n",
    });
    s.push_str("fact y \"Y\": bool\n");
    s.push_str("define k \"K\": enum { lo, mid, hi } = first {\n");
    let ops = ["=", "!=", "<", "<=", ">", ">="];
    for (i, &(op, c, swap, and_y)) in branches.iter().enumerate() {
        let (op, c) = match kind {
            0 => (ops[op % 6], format!("{c}")),
            1 => (ops[op % 6], format!("2020-01-{:02}", c + 1)),
            _ => (
                ops[op % 2],
                ["a", "b", "c", "d", "e"][c as usize % 5].to_string(),
            ),
        };
        let cond = if swap {
            format!("{c} {op} x")
        } else {
            format!("x {op} {c}")
        };
        let cond = if and_y { format!("{cond} and y") } else { cond };
        let value = ["lo", "mid", "hi"][i % 3];
        s.push_str(&format!("  when {cond} then {value}\n"));
    }
    if otherwise {
        s.push_str("  otherwise hi\n");
    }
    s.push_str("}\nsuggest r { when k = lo statement \"R\" }\n");
    s.push_str("suggest w { when y statement \"W\" }\n");
    if unknown {
        s.push_str("suggest u { when x is known statement \"U\" }\n");
    }
    if constraint {
        let c = match kind {
            0 => "x != 7",
            1 => "x != 2020-01-08",
            _ => "x != c",
        };
        s.push_str(&format!("constraint z \"Z\": {c}\n"));
    }
    s
}

fn branch() -> impl Strategy<Value = Branch> {
    (
        0usize..6,
        0i64..21,
        any::<bool>(),
        prop::bool::weighted(0.1),
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(160))]

    #[test]
    fn the_scan_finds_what_the_enumeration_finds(
        kind in 0usize..3,
        branches in prop::collection::vec(branch(), 1..14),
        otherwise in any::<bool>(),
        unknown in prop::bool::weighted(0.3),
        constraint in prop::bool::weighted(0.2),
    ) {
        let text = guideline(kind, &branches, otherwise, unknown, constraint);
        let c = checked(&text);
        let fast = summary(&analyze(&c));
        let general = summary(&analyze_without_chain_scan(&c.model));
        prop_assert_eq!(fast, general, "{}", text);
    }
}

#[test]
fn a_chain_of_dead_and_overlapping_branches_is_reported_alike() {
    // `x = 2` after `x <= 3` is dead, `x < 5` overlaps it, `x > 20` is
    // dead (the integer is 0 to 20), and `10 != x` leaves 10 to the
    // fallback.
    let text = guideline(
        0,
        &[
            (3, 3, false, false),
            (0, 2, false, false),
            (2, 5, false, false),
            (4, 20, false, false),
            (1, 10, true, false),
        ],
        true,
        false,
        false,
    );
    let c = checked(&text);
    let fast = analyze(&c);
    let dead = fast
        .findings
        .iter()
        .filter(|f| f.kind == cairn::analysis::Kind::DeadBranch)
        .count();
    assert_eq!(dead, 2, "{:#?}", summary(&fast));
    assert_eq!(
        summary(&fast),
        summary(&analyze_without_chain_scan(&c.model))
    );
}
