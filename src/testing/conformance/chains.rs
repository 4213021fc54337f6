//! Conformance suite: the differential property test of `first` chains
//! over one fact, which the compact program decides by search
//! (`eval::compact::pick`) and whose condition slots it computes only on
//! demand (`eval::compact::lazy`). Random chains of equalities, `!=` and
//! ranges over an integer, a date and an enum fact (`in` and `not in`
//! too), the constant on either side, with and without `otherwise`,
//! sometimes with a branch of another shape (so the chain is tested in
//! turn) or a condition also read elsewhere (so it stays computed), are
//! run on random cases, every fact known or unknown, through every
//! evaluator and consumer of `super` (`check_runs`): the general slot code
//! is the reference; the compact program (one case and the 64-lane
//! batch), the trace, missing facts, outcome, coverage and, on one seed in
//! four, the analysis queries must agree with it.

use super::subject::Subject;
use super::{check_runs, Analysis, Run};
use proptest::prelude::*;
use proptest::test_runner::RngSeed;

/// A deterministic generator, so a seed replays its guideline.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n.max(1) as u64) as usize
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items.get(self.below(items.len())).copied().unwrap_or("")
    }

    fn chance(&mut self, one_in: usize) -> bool {
        self.below(one_in) == 0
    }
}

const FACTS: &str = r#"fact n "n": integer -3 to 14
fact m "m": integer
fact e "e": enum { a, b, c, d, f }
fact t "t": date
fact b0 "b0": bool
"#;

const OPS: &[&str] = &["=", "!=", "<", "<=", ">", ">="];
const ENUMS: &[&str] = &["a", "b", "c", "d", "f"];
const DATES: &[&str] = &["2024-01-01", "2024-01-15", "2024-02-29", "2024-03-01"];

/// One condition over the chain's fact `on` (or, one time in twelve, of
/// another shape).
fn condition(rng: &mut Rng, on: &str) -> String {
    if rng.chance(12) {
        return format!("{} and b0", condition(rng, on));
    }
    let constant = match on {
        "n" => (rng.below(16) as i64 - 2).to_string(),
        "m" => (rng.below(9) as i64 - 4).to_string(),
        "t" => rng.pick(DATES).to_string(),
        _ => {
            let v = rng.pick(ENUMS);
            return match rng.below(4) {
                0 => format!("e = {v}"),
                1 => format!("e != {v}"),
                2 => format!("e in {{{v}, {}}}", rng.pick(ENUMS)),
                _ => format!("e not in {{{v}}}"),
            };
        }
    };
    let op = rng.pick(OPS);
    if rng.chance(4) {
        // The constant on the left: the builder flips the comparison.
        format!("{constant} {op} {on}")
    } else {
        format!("{on} {op} {constant}")
    }
}

/// A guideline with one or two chains and readers of them, and its cases.
fn sample(seed: u64) -> (String, Vec<String>) {
    let mut rng = Rng(seed | 1);
    let mut out =
        format!("guideline chains {{ title \"Chains\" version \"1.0.0\" status draft }}\n{FACTS}");
    let chains = 1 + rng.below(2);
    let mut shared = Vec::new();
    for k in 0..chains {
        let on = rng.pick(&["n", "m", "e", "t"]);
        out += &format!("define k{k} \"k{k}\": enum {{ lo, mid, hi }} = first {{\n");
        for _ in 0..1 + rng.below(12) {
            let c = condition(&mut rng, on);
            if rng.chance(6) {
                shared.push(c.clone());
            }
            out += &format!("  when {c} then {}\n", rng.pick(&["lo", "mid", "hi"]));
        }
        if rng.chance(2) {
            out += "  otherwise hi\n";
        }
        out += "}\n";
        for v in ["lo", "mid", "hi"] {
            out += &format!("suggest r{k}{v} {{ when k{k} = {v} statement \"r\" }}\n");
        }
        if rng.chance(3) {
            out += &format!("suggest u{k} {{ when k{k} is unknown statement \"u\" }}\n");
        }
    }
    // A condition of a chain also read by a recommendation.
    for (i, c) in shared.iter().enumerate() {
        out += &format!("suggest s{i} {{ when {c} statement \"s\" }}\n");
    }
    let cases = (0..6)
        .map(|_| {
            let mut members = Vec::new();
            let pools: [(&str, Vec<String>); 5] = [
                ("n", (-3..15).map(|x| x.to_string()).collect()),
                ("m", (-5..6).map(|x| x.to_string()).collect()),
                ("e", ENUMS.iter().map(|v| format!("\"{v}\"")).collect()),
                (
                    "t",
                    [
                        "2023-12-31",
                        "2024-01-01",
                        "2024-01-20",
                        "2024-02-29",
                        "2024-03-02",
                    ]
                    .iter()
                    .chain(DATES)
                    .map(|d| format!("\"{d}\""))
                    .collect(),
                ),
                ("b0", vec!["true".into(), "false".into()]),
            ];
            for (name, pool) in pools {
                if !rng.chance(4) {
                    let v = pool.get(rng.below(pool.len())).cloned().unwrap_or_default();
                    members.push(format!("\"{name}\": {v}"));
                }
            }
            format!("{{{}}}", members.join(", "))
        })
        .collect();
    (out, cases)
}

/// Runs every evaluator on a seed's chains; the failures.
fn differences(seed: u64, analysis: Analysis) -> Result<Vec<String>, String> {
    let (text, cases) = sample(seed);
    let subject = Subject::from_text(&format!("chains-{seed}.cairn"), text)?;
    let mut runs = Vec::new();
    let mut failures = Vec::new();
    for (i, facts) in cases.iter().enumerate() {
        match subject.load(i + 1, 0, facts) {
            Ok(loaded) => runs.push(Run {
                loaded,
                facts,
                expects: &[],
            }),
            Err(e) => failures.push(e),
        }
    }
    failures.extend(check_runs(&subject, &runs, analysis));
    Ok(failures)
}

#[test]
fn every_evaluator_agrees_on_random_first_chains() {
    let config = ProptestConfig {
        cases: 96,
        failure_persistence: None,
        rng_seed: RngSeed::Fixed(0x0f1e_2d3c),
        ..ProptestConfig::default()
    };
    proptest!(config, |(seed in any::<u64>())| {
        let analysis = if seed % 4 == 0 { Analysis::Queries } else { Analysis::Skip };
        let failures = differences(seed, analysis);
        let text = sample(seed).0;
        // Every generated chain checks: a failure to check is a failure.
        prop_assert!(failures.is_ok(), "seed {seed}:\n{text}\n{:?}", failures.err());
        let failures = failures.unwrap_or_default();
        prop_assert!(
            failures.is_empty(),
            "seed {seed}:\n{text}\n{}",
            failures.join("\n")
        );
    });
}

/// Most generated chains are decided by search (the others have a branch
/// of another shape), so the property test
/// exercises the picks rather than the branch-by-branch instruction.
#[test]
fn most_random_chains_are_picks() {
    let (mut chains, mut picks) = (0, 0);
    for seed in 0..40u64 {
        let (text, _) = sample(seed);
        let subject = Subject::from_text("chains.cairn", text).unwrap();
        chains += subject.checked.model.defs.len();
        picks += subject.program.picks();
    }
    assert!(picks * 2 >= chains, "{picks} picks of {chains} chains");
}
