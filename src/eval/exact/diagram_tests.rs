//! Eval stage, exact pass: the decision diagrams against the completion
//! walk they stand in for, on the evaluator's test guidelines (the sarcoma
//! guideline among them), its golden cases and random cases.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::case::Case;
use crate::eval::outcome::Status;
use crate::eval::test_cases::{program, random_case, GUIDELINES};
use crate::eval::Program;

/// The sarcoma guideline's golden cases.
fn golden() -> Vec<Case> {
    let path = "guidelines/rps/initial-management.cairn";
    let text = std::fs::read_to_string(path).unwrap();
    let checked = crate::check::check(crate::syntax::parse_with(
        path,
        &text,
        &crate::syntax::FsLoader,
    ))
    .unwrap();
    let mut paths: Vec<_> = std::fs::read_dir("guidelines/rps/cases")
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    paths.sort();
    paths
        .iter()
        .map(|p| {
            let text = std::fs::read_to_string(p).unwrap();
            crate::load_case(&checked, &p.to_string_lossy(), &text)
                .unwrap()
                .case
        })
        .collect()
}

/// The golden cases, then cases like the benchmark's: golden cases with
/// one fact in eight replaced by a random value or made unknown.
fn perturbed(p: &Program) -> Vec<Case> {
    let golden = golden();
    let mut cases = golden.clone();
    for seed in 0..1500usize {
        let random = random_case(p.model(), seed as u64, seed as u64 * 7919, 6);
        let mut case = golden[(seed * 31) % golden.len()].clone();
        for (i, f) in case.facts.iter_mut().enumerate() {
            if (seed * 7 + i * 13).is_multiple_of(8) {
                *f = random.facts[i];
            }
        }
        cases.push(case);
    }
    cases
}

#[test]
fn the_diagrams_settle_nearly_every_sarcoma_status() {
    let p = program(GUIDELINES[0]);
    assert_eq!(p.plan.diagrams.built(), p.model().recs.len());
    let mut scratch = p.scratch();
    for case in perturbed(&p) {
        p.statuses(&case, &mut scratch);
    }
    // The rest are cases the walk flags approximate (over its bound).
    let (reached, tried) = scratch.exact_cost();
    let charted = scratch.exact_charted();
    assert!(reached > 1000, "{reached}");
    assert!(charted * 100 >= reached * 90, "{charted} of {reached}");
    assert!(tried * 10 <= reached, "{tried} completions for {reached}");
}

#[test]
fn diagrams_give_the_statuses_of_the_completion_walk() {
    for (g, path) in GUIDELINES.iter().enumerate() {
        let p = program(path);
        let mut cases = if g == 0 { golden() } else { Vec::new() };
        for seed in 0..400u64 {
            let unknown = [2, 3, 6][seed as usize % 3];
            cases.push(random_case(
                p.model(),
                seed,
                seed * 7919 + g as u64,
                unknown,
            ));
        }
        let charted = compare(&p, &cases, path);
        // Where a recommendation has a diagram, the diagrams did answer.
        assert_eq!(p.plan.diagrams.built() > 0, charted > 0, "{path}");
    }
}

/// Compares the diagrams' statuses (one case at a time and in batches)
/// with the walk's; returns how many statuses a diagram settled.
fn compare(p: &Program, cases: &[Case], path: &str) -> u64 {
    let mut fast = p.scratch();
    let mut walk = p.scratch();
    let mut want = Vec::new();
    for case in cases {
        p.run_general(case, &mut walk);
        let expected = walk.last_statuses().to_vec();
        let got = p.statuses(case, &mut fast);
        assert_eq!(
            got,
            &expected[..],
            "{path}, {}: {:?}",
            case.name,
            case.facts
        );
        want.extend(expected);
    }
    let mut batch = p.batch_scratch();
    let got = p.statuses_batch(cases, &mut batch).to_vec();
    assert_eq!(got, want, "{path}: the batch");
    assert!(want.contains(&Status::Undetermined));
    fast.exact_charted()
}
