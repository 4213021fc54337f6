//! Eval stage tests: the compact per-case program gives the same results as
//! the general instructions it is translated from, on random cases of every
//! guideline that uses the operations it specialises.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::case::Case;
use crate::check::model::{DefId, Model, RecId};
use crate::eval::test_cases::{program, random_case, GUIDELINES};
use crate::eval::{Program, Scratch};
use proptest::prelude::*;

fn case(model: &Model, seed: u64) -> Case {
    random_case(model, seed, seed, 4)
}

/// Everything a caller can observe after evaluating a case.
fn observe(p: &Program, s: &mut Scratch) -> String {
    let model = p.model();
    let mut out = format!("{:?}\n", s.statuses);
    for d in 0..model.defs.len() {
        out += &format!("def {d}: {:?}\n", p.def_value(s, DefId(d as u32)));
    }
    for r in 0..model.recs.len() {
        out += &format!("missing {r}: {:?}\n", p.missing(s, RecId(r as u32)));
    }
    p.trace_into(s);
    out += &format!("{:?}\n{:?}\n", s.steps, s.leaves);
    out
}

#[test]
fn compact_program_agrees_with_general_code() {
    let programs: Vec<(&str, Program)> = GUIDELINES.iter().map(|&g| (g, program(g))).collect();
    // Failing seeds are reported, not written next to the sources.
    let config = ProptestConfig {
        failure_persistence: None,
        ..ProptestConfig::default()
    };
    proptest!(config, |(seed in any::<u64>())| {
        for (path, p) in &programs {
            prop_assert!(p.code.fast.is_some(), "{path} has a compact program");
            let c = case(p.model(), seed);
            let p: &Program = p;
            let mut fast = p.scratch();
            let mut general = p.scratch();
            // The same scratch runs two cases, so stale values from the
            // first would show up in the second.
            p.statuses(&case(p.model(), seed ^ 0x5555), &mut fast);
            p.statuses(&c, &mut fast);
            p.run_general(&c, &mut general);
            prop_assert_eq!(observe(p, &mut fast), observe(p, &mut general), "{}", path);
        }
    });
}

#[test]
fn sarcoma_program_is_compact_and_shares_subexpressions() {
    let p = program(GUIDELINES[0]);
    let fast = p.code.fast.as_ref().unwrap();
    let general = fast
        .ins
        .iter()
        .filter(|i| matches!(i, crate::eval::fast::Ins::General { .. }))
        .count();
    // Only the dose-per-fraction division needs the general operation.
    assert_eq!(general, 1, "{:?}", fast.ins);
    assert!(fast.byte_only.iter().any(|&(slot, held, _)| slot != held));
}

#[test]
fn batches_agree_with_single_cases() {
    for path in GUIDELINES {
        let p = program(path);
        // Not a multiple of the batch width, so the last batch is partial
        // and its unused lanes hold the previous batch's cases.
        let cases: Vec<Case> = (0..150).map(|i| case(p.model(), i * 7919 + 3)).collect();
        let mut one = p.scratch();
        let expected: Vec<_> = cases
            .iter()
            .flat_map(|c| p.statuses(c, &mut one).to_vec())
            .collect();
        let mut batch = p.batch_scratch();
        assert_eq!(p.statuses_batch(&cases, &mut batch), expected, "{path}");
        // A second, shorter cohort reuses the buffers.
        let n = 5 * p.model().recs.len();
        assert_eq!(
            p.statuses_batch(&cases[..5], &mut batch),
            &expected[..n],
            "{path}"
        );
    }
}

#[test]
fn programs_without_a_compact_form_run_the_general_code() {
    for path in GUIDELINES {
        let fast = program(path);
        // What a program too large for the byte encoding looks like.
        let mut general = program(path);
        general.code.fast = None;
        let cases: Vec<Case> = (0..70)
            .map(|i| case(fast.model(), i * 104_729 + 11))
            .collect();
        let (mut a, mut b) = (fast.scratch(), general.scratch());
        for c in &cases {
            fast.statuses(c, &mut a);
            general.statuses(c, &mut b);
            assert_eq!(observe(&fast, &mut a), observe(&general, &mut b), "{path}");
        }
        let (mut x, mut y) = (fast.batch_scratch(), general.batch_scratch());
        assert_eq!(
            fast.statuses_batch(&cases, &mut x),
            general.statuses_batch(&cases, &mut y),
            "{path}"
        );
    }
}
