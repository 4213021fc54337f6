//! Eval stage tests: outcomes built with a warm memo of the exact pass
//! (`memo`) are those built in a fresh scratch, on cohorts of random cases
//! of the three encoded guidelines and the test corpus in which the same
//! fact combinations come back, as in a real cohort.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use super::memo::{Item, Memo, CAPACITY};
use crate::eval::test_cases::{programs, random_case};
use crate::eval::Options;
use crate::value::Value;
use proptest::prelude::*;

#[test]
fn a_warm_memo_gives_the_outcomes_of_a_fresh_scratch() {
    let programs = programs();
    let config = ProptestConfig {
        failure_persistence: None,
        cases: 24,
        ..ProptestConfig::default()
    };
    let hits = std::cell::Cell::new(0u64);
    proptest!(config, |(seed in any::<u64>(), unknown in 2u64..5, picks in proptest::collection::vec(0u64..6, 12))| {
        for (path, p) in &programs {
            let mut warm = p.scratch();
            // Six distinct cases, drawn twelve times: repeats hit the memo.
            for &k in &picks {
                let case = random_case(p.model(), seed, seed ^ k, unknown);
                let a = p.evaluate_with(&case, &mut warm, Options { trace: true });
                let a = serde_json::to_string(&a).unwrap();
                let b = p.evaluate_with(&case, &mut p.scratch(), Options { trace: true });
                let b = serde_json::to_string(&b).unwrap();
                prop_assert_eq!(a, b, "{}: case {}", path, k);
            }
            hits.set(hits.get() + warm.memo.hits);
        }
    });
    // Answers came from the memo, so the comparison means something.
    assert!(
        hits.get() > 1000,
        "only {} answers from the memo",
        hits.get()
    );
}

#[test]
fn distinct_cases_sharing_what_the_walk_reads_share_an_answer() {
    // Every case is new (no combination of the cone's facts comes back),
    // so every answer from the memo came from another case whose facts
    // differ but whose undecided part reads the same: the outcome must
    // still be that of a fresh scratch.
    let programs = programs();
    let config = ProptestConfig {
        failure_persistence: None,
        cases: 12,
        ..ProptestConfig::default()
    };
    let hits = std::cell::Cell::new(0u64);
    proptest!(config, |(seed in any::<u64>(), unknown in 2u64..6)| {
        for (path, p) in &programs {
            let mut warm = p.scratch();
            for k in 0..40u64 {
                let case = random_case(p.model(), seed, seed ^ (k * 0x9e37_79b9), unknown);
                let a = p.evaluate_with(&case, &mut warm, Options { trace: true });
                let a = serde_json::to_string(&a).unwrap();
                let b = p.evaluate_with(&case, &mut p.scratch(), Options { trace: true });
                let b = serde_json::to_string(&b).unwrap();
                prop_assert_eq!(a, b, "{}: case {}", path, k);
            }
            hits.set(hits.get() + warm.memo.hits);
        }
    });
    assert!(
        hits.get() > 1000,
        "only {} answers from the memo",
        hits.get()
    );
}

#[test]
fn a_memo_forgets_another_programs_answers_and_stays_bounded() {
    let mut memo = Memo::default();
    let vals = [Some(Value::Int(3)), None];
    memo.key(1, Item::Def(0), &[0, 1], &vals);
    memo.put_def(Some(Value::Bool(true)));
    memo.key(1, Item::Def(0), &[0, 1], &vals);
    assert_eq!(memo.def(), Some(Some(Value::Bool(true))));
    // Another value, another item, another program: no answer.
    memo.key(1, Item::Def(0), &[0, 1], &[Some(Value::Int(4)), None]);
    assert_eq!(memo.def(), None);
    memo.key(1, Item::Rec(0), &[0, 1], &vals);
    assert!(memo.rec().is_none());
    memo.key(2, Item::Def(0), &[0, 1], &vals);
    assert_eq!(memo.def(), None);
    assert_eq!(memo.len(), 0);
    for i in 0..CAPACITY as i64 + 10 {
        memo.key(2, Item::Def(0), &[0], &[Some(Value::Int(i))]);
        memo.put_def(None);
    }
    assert!(memo.len() <= CAPACITY);
}
