//! Eval stage tests: explanations whose completion grid is read off a
//! decision diagram (`diagram_grid`) are those of the completion walk, on
//! random cases of the three encoded guidelines and the test corpus.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::eval::test_cases::{programs, random_case};
use crate::eval::Options;
use crate::value::Value;
use proptest::prelude::*;

#[test]
fn grids_read_off_diagrams_explain_as_the_walk_does() {
    let programs = programs();
    let config = ProptestConfig {
        failure_persistence: None,
        cases: 64,
        ..ProptestConfig::default()
    };
    let gridded = std::cell::Cell::new(0u64);
    proptest!(config, |(seed in any::<u64>(), unknown in 2u64..6)| {
        for (path, p) in &programs {
            let case = random_case(p.model(), seed, seed, unknown);
            // Fresh scratches: no answer comes from a memo.
            let mut read = p.scratch();
            let a = p.evaluate_with(&case, &mut read, Options { trace: true });
            let a = serde_json::to_string(&a).unwrap();
            let mut walked = p.scratch();
            walked.exact.walk_only = true;
            let b = p.evaluate_with(&case, &mut walked, Options { trace: true });
            let b = serde_json::to_string(&b).unwrap();
            prop_assert_eq!(walked.exact.gridded, 0);
            prop_assert_eq!(a, b, "{}", path);
            gridded.set(gridded.get() + read.exact.gridded);
        }
    });
    // Grids came from diagrams, so the comparison means something.
    assert!(
        gridded.get() > 100,
        "only {} grids read off diagrams",
        gridded.get()
    );
}

/// Thresholds of other recommendations split a fact's diagram variable
/// finer than one recommendation's walk does (`age` at 10 and 18, `dose`
/// at 20 and 50 Gy): each region of the walk must find the diagram's
/// region holding its representative, not the region of the same index.
const FINER: &str = r#"guideline finer {
  title "Diagram regions finer than a walk's"
  version "1"
  status draft
  source "Test corpus"
}

fact age "Age": integer 0 to 120
fact flag "Flag": bool
fact dose "Dose": quantity Gy

recommend adult {
  when age >= 18 and flag
  statement "Adult."
}

recommend child {
  when age >= 10
  statement "Child."
}

recommend dosed {
  when dose >= 50 Gy and flag
  statement "Dosed."
}

recommend low {
  when dose < 20 Gy
  statement "Low."
}
"#;

#[test]
fn a_walk_region_maps_to_the_diagram_region_holding_its_value() {
    let parsed = crate::syntax::parse_with("finer.cairn", FINER, &crate::syntax::FsLoader);
    let p = crate::eval::Program::new(&crate::check::check(parsed).unwrap());
    let mut gridded = 0;
    let (age, flag, dose) = (Value::Int, Value::Bool, Value::Quantity);
    let cases = [
        [None, None, None],
        [None, Some(flag(true)), None],
        [Some(age(30)), None, Some(dose(10.0))],
        [Some(age(12)), None, Some(dose(60.0))],
        [None, Some(flag(true)), Some(dose(30.0))],
    ];
    for facts in cases {
        let case = crate::case::Case {
            name: "finer".into(),
            facts: facts.to_vec(),
            absent: Vec::new(),
        };
        let mut read = p.scratch();
        let a = p.evaluate_with(&case, &mut read, Options::default());
        let mut walked = p.scratch();
        walked.exact.walk_only = true;
        let b = p.evaluate_with(&case, &mut walked, Options::default());
        assert_eq!(
            serde_json::to_string(&a).unwrap(),
            serde_json::to_string(&b).unwrap(),
            "{facts:?}"
        );
        gridded += read.exact.gridded;
    }
    assert!(gridded >= 4, "only {gridded} grids read off diagrams");
}
