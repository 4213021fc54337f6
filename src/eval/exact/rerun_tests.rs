//! Eval stage tests: completions that re-run only what their changed facts
//! reach (`rerun`) give the same outcomes as re-running every live
//! instruction per completion, on random cases of the three encoded
//! guidelines and the test corpus.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::eval::test_cases::{programs, random_case};
use crate::eval::{Options, Program, Scratch};
use proptest::prelude::*;

/// The full outcome of a case as JSON, with the trace, and the exact
/// pass's cost (so that a reference run that ran no completion shows).
fn outcome(p: &Program, case: &crate::case::Case, s: &mut Scratch) -> (String, u64) {
    let before = s.exact.tried;
    let o = p.evaluate_with(case, s, Options { trace: true });
    (serde_json::to_string(&o).unwrap(), s.exact.tried - before)
}

#[test]
fn incremental_completions_agree_with_full_reruns() {
    let programs = programs();
    let config = ProptestConfig {
        failure_persistence: None,
        cases: 96,
        ..ProptestConfig::default()
    };
    let tried = std::cell::Cell::new(0u64);
    proptest!(config, |(seed in any::<u64>(), unknown in 2u64..5)| {
        for (path, p) in &programs {
            let mut warm = p.scratch();
            let mut cold = p.scratch();
            cold.exact.cold = true;
            // The same scratch runs two cases, so that state left by the
            // first would show in the second.
            let first = random_case(p.model(), seed, seed ^ 0x5555, unknown);
            let _ = outcome(p, &first, &mut warm);
            // Not the memo's answers (`memo_tests` compares those): this
            // compares the walks.
            warm.memo = super::Memo::default();
            let case = random_case(p.model(), seed, seed, unknown);
            let (a, n) = outcome(p, &case, &mut warm);
            let (b, m) = outcome(p, &case, &mut cold);
            prop_assert_eq!(n, m, "{}: completions", path);
            prop_assert_eq!(a, b, "{}", path);
            tried.set(tried.get() + n);
        }
    });
    // The cases reach the completion walk, so the comparison means something.
    assert!(tried.get() > 1000, "only {} completions ran", tried.get());
}
