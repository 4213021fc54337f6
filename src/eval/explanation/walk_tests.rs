//! Eval stage tests: the walk on flat tables (`walk::decisive`) finds the
//! same decisive reads, in the same order, as the reference walker over the
//! compiled instructions (`why::decisive`), for every slot of every
//! guideline that exercises connectives, quantifiers, `first` and tables.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::case::Case;
use crate::check::model::Model;
use crate::eval::run::Slots;
use crate::eval::test_cases::{program, random_case, GUIDELINES};
use crate::eval::{fast_run, walk, why};

/// Cases per guideline: enough to reach every branch of the small corpus
/// files many times over while keeping the test quick.
const CASES: u64 = 3_000;

fn case(model: &Model, seed: u64) -> Case {
    random_case(model, seed, seed.wrapping_mul(0x9e37_79b9_7f4a_7c15), 3)
}

#[test]
fn flat_walk_agrees_with_reference_walker_on_every_slot() {
    for path in GUIDELINES {
        let p = program(path);
        let code = &p.code;
        let mut scratch = p.scratch();
        let (mut got, mut want) = (Vec::new(), Vec::new());
        let mut leaves = 0;
        for seed in 0..CASES {
            // Both the compact program and the general code, since they
            // leave different slots (skipped blocks) unknown.
            let c = case(p.model(), seed);
            if seed % 2 == 0 {
                p.evaluate_into(&c, &mut scratch);
            } else {
                p.run_general(&c, &mut scratch);
            }
            for pc in 0..code.ops.len() as u32 + 2 {
                got.clear();
                want.clear();
                walk::Walker::new(code, scratch.vals.as_slice(), &mut got).decisive(pc);
                why::decisive(code, scratch.vals.as_slice(), pc, &mut want);
                assert_eq!(got, want, "{path}, seed {seed}, slot {pc}");
                leaves += got.len();
            }
        }
        assert!(leaves > 0, "{path}: the walk found some reads");
    }
}

#[test]
fn walk_lists_the_programs_steps_with_their_slots() {
    for path in GUIDELINES {
        let p = program(path);
        let kinds: Vec<_> = p.code.walk.steps().iter().map(|s| s.kind).collect();
        assert_eq!(kinds, p.steps, "{path}");
    }
}

/// The trace recorded by `trace_into` is the one the reference walker
/// gives step by step on the synced slots, whether the case's results are
/// still in the compact encoding (read in place), already synced, or from
/// the general code.
#[test]
fn recorded_trace_agrees_with_reference_walker() {
    for path in GUIDELINES {
        let p = program(path);
        let code = &p.code;
        let steps = code.walk.steps();
        let mut scratch = p.scratch();
        let mut want = Vec::new();
        for seed in 0..CASES {
            let c = case(p.model(), seed);
            match seed % 3 {
                0 => {
                    p.statuses(&c, &mut scratch);
                    assert!(scratch.stale, "{path}: results left in bytes");
                }
                1 => p.evaluate_into(&c, &mut scratch),
                _ => p.run_general(&c, &mut scratch),
            }
            p.trace_into(&mut scratch);
            p.sync(&mut scratch);
            want.clear();
            for (step, raw) in steps.iter().zip(scratch.raw_trace()) {
                assert_eq!(step.kind, raw.kind);
                if let Some(pc) = step.condition(scratch.vals.as_slice()) {
                    why::decisive(code, scratch.vals.as_slice(), pc, &mut want);
                }
                assert_eq!(raw.end as usize, want.len(), "{path}, seed {seed}");
            }
            assert_eq!(scratch.leaves, want, "{path}, seed {seed}");
        }
    }
}

/// Reading the compact encoding in place gives every slot the value `sync`
/// copies into it.
#[test]
fn synced_view_reads_what_sync_writes() {
    for path in GUIDELINES {
        let p = program(path);
        let fast = p.code.fast.as_ref().unwrap();
        let mut scratch = p.scratch();
        for seed in 0..CASES / 10 {
            p.statuses(&case(p.model(), seed), &mut scratch);
            let view: Vec<_> = {
                let synced = fast_run::View::new(fast, &scratch.bytes, &scratch.vals);
                (0..p.code.ops.len() as u32 + 2)
                    .map(|pc| synced.slot(pc))
                    .collect()
            };
            p.sync(&mut scratch);
            let after: Vec<_> = (0..p.code.ops.len() as u32 + 2)
                .map(|pc| scratch.vals.as_slice().slot(pc))
                .collect();
            assert_eq!(view, after, "{path}, seed {seed}");
        }
    }
}

/// A program too large for the flat tables records the same trace with the
/// reference walker.
#[test]
fn program_without_tables_records_the_same_trace() {
    for path in GUIDELINES {
        let p = program(path);
        let mut q = p.clone();
        q.code.walk.drop_tables();
        let (mut a, mut b) = (p.scratch(), q.scratch());
        for seed in 0..CASES / 10 {
            let c = case(p.model(), seed);
            p.statuses(&c, &mut a);
            q.statuses(&c, &mut b);
            p.trace_into(&mut a);
            q.trace_into(&mut b);
            assert_eq!(a.raw_trace(), b.raw_trace(), "{path}, seed {seed}");
            assert_eq!(a.leaves, b.leaves, "{path}, seed {seed}");
        }
    }
}
