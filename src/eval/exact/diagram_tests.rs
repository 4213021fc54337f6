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

#[test]
fn every_sarcoma_recommendation_has_a_diagram() {
    let p = program(GUIDELINES[0]);
    assert_eq!(p.plan.diagrams.built(), p.model().recs.len());
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
