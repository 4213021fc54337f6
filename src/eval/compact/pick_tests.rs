//! Eval stage tests: `first` chains decided by search (`pick`) and the
//! condition slots computed on demand (`lazy`). The differential property
//! test over random chains is `testing::conformance::chains`; these check
//! the shape of the compact program (so that the cost per case does not
//! grow with the branches) and the paths that random checked cases do not
//! reach.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::case::Case;
use crate::check::model::DefId;
use crate::eval::compile::Op;
use crate::eval::fast::{Ins, NO_SLOT};
use crate::eval::Program;
use crate::value::Value;

fn program(body: &str) -> Program {
    let text = format!("guideline g {{ title \"G\" version \"1.0.0\" status draft }}\n{body}");
    let parsed = crate::syntax::parse_with("g.cairn", &text, &crate::syntax::FsLoader);
    Program::new(&crate::check::check(parsed).unwrap())
}

/// A chain of `n` branches `when <cond i> then lo`, its fallback and a reader.
fn chain(fact: &str, n: usize, cond: impl Fn(usize) -> String) -> Program {
    let mut s = format!("{fact}\ndefine k \"K\": enum {{ lo, hi }} = first {{\n");
    for i in 0..n {
        s += &format!("  when {} then lo\n", cond(i));
    }
    s += "  otherwise hi\n}\nsuggest r { when k = lo statement \"R\" }\n";
    program(&s)
}

/// (instructions run per case, deferred instructions, picks).
fn shape(p: &Program) -> (usize, usize, usize) {
    let fast = p.code.fast.as_ref().unwrap();
    (fast.ins.len(), fast.lazy.len(), fast.picks.len())
}

#[test]
fn a_chain_over_one_fact_runs_the_same_instructions_whatever_its_length() {
    let int = "fact n \"N\": integer 0 to 5000";
    let date = "fact t \"T\": date";
    let cases: [(&str, &dyn Fn(usize) -> String); 4] = [
        (int, &|i| format!("n = {i}")),
        (int, &|i| format!("n < {}", 10 * i)),
        (int, &|i| format!("{i} >= n")),
        (date, &|i| {
            let (y, m, d) = (2000 + i / 336, i / 28 % 12 + 1, i % 28 + 1);
            format!("t >= {y}-{m:02}-{d:02}")
        }),
    ];
    for (fact, cond) in cases {
        let (small, large) = (chain(fact, 20, cond), chain(fact, 400, cond));
        let (a, b) = (shape(&small), shape(&large));
        assert_eq!(a.0, b.0, "{}: instructions per case", cond(1));
        assert_eq!((a.2, b.2), (1, 1), "{}: one pick", cond(1));
        assert_eq!(b.1, 400, "{}: every condition deferred", cond(1));
    }
    let e = chain("fact e \"E\": enum { a, b, c, d }", 30, |i| {
        ["e = a", "e != b", "e in {c, d}", "e not in {a}"][i % 4].to_string()
    });
    assert_eq!(shape(&e).2, 1);
}

#[test]
fn a_condition_read_elsewhere_is_still_computed() {
    let p = program(
        "fact n \"N\": integer 0 to 10\n\
         define two \"Two\": bool = n = 2\n\
         define k \"K\": enum { lo, hi } = first { when n = 1 then lo when two then lo otherwise hi }\n\
         suggest r { when k = lo statement \"R\" }\n\
         suggest s { when two statement \"S\" }\n",
    );
    let fast = p.code.fast.as_ref().unwrap();
    assert_eq!(fast.picks.len(), 1);
    let compares = |list: &[Ins]| {
        list.iter()
            .filter(|i| matches!(i, Ins::Compare { .. }))
            .count()
    };
    // `two` is read by `s` too; only `n = 1` is deferred.
    assert_eq!((compares(&fast.ins), compares(&fast.lazy)), (1, 1));
}

#[test]
fn every_value_and_unknown_agree_with_the_general_code() {
    let p = chain("fact n \"N\": integer 0 to 40", 12, |i| {
        [
            format!("n = {i}"),
            format!("n > {}", 30 - i),
            format!("{i} != n"),
        ][i % 3]
            .clone()
    });
    let cases: Vec<Case> = (0..=41)
        .map(|v| Case {
            name: String::new(),
            facts: vec![(v <= 40).then_some(Value::Int(v))],
            absent: Vec::new(),
        })
        .collect();
    let (mut fast, mut general) = (p.scratch(), p.scratch());
    let mut expected = Vec::new();
    for c in &cases {
        p.statuses(c, &mut fast);
        p.run_general(c, &mut general);
        assert_eq!(fast.statuses, general.statuses, "{:?}", c.facts);
        assert_eq!(
            p.def_value(&fast, DefId(0)),
            p.def_value(&general, DefId(0)),
            "{:?}",
            c.facts
        );
        // Every slot a walker reads, the deferred conditions included.
        p.sync(&mut fast);
        assert_eq!(fast.vals, general.vals, "{:?}", c.facts);
        expected.extend_from_slice(&general.statuses);
    }
    let mut batch = p.batch_scratch();
    assert_eq!(p.statuses_batch(&cases, &mut batch), expected);
}

#[test]
fn a_value_of_another_kind_is_tested_branch_by_branch() {
    let p = chain("fact n \"N\": integer 0 to 40", 3, |i| {
        format!("n < {}", i + 1)
    });
    let fast = p.code.fast.as_ref().unwrap();
    let pick = fast.picks.first().unwrap();
    let constant = |s: u32| match p.code.ops.get(s as usize) {
        Some(Op::Const(v)) => Some(*v),
        _ => None,
    };
    // 1.5 is not an integer: no region applies, the branches are tested
    // in turn (`1.5 < 1` is false, `1.5 < 2` true).
    let as_number = |s: u32| constant(s).or(Some(Value::Number(1.5)));
    let chosen = pick.choose(&fast.masks, |_| 0, as_number);
    let by_int = pick.choose(&fast.masks, |_| 0, |s| constant(s).or(Some(Value::Int(1))));
    assert_ne!(chosen, NO_SLOT);
    assert_eq!(chosen, by_int, "1.5 takes the branch 1 takes");
    let unknown = pick.choose(&fast.masks, |_| 0, constant);
    assert_eq!(unknown, NO_SLOT, "an unknown value gives unknown");
}

#[test]
fn a_chain_beyond_sixty_five_thousand_slots_keeps_its_compact_form() {
    // Slot indices were `u16`: a program of 65,535 slots or more had no
    // compact form and tested every branch per case (issue 10).
    let fact = "fact n \"N\": integer 0 to 40000";
    let small = chain(fact, 20, |i| format!("n = {i}"));
    let wide = chain(fact, 24_000, |i| format!("n = {i}"));
    assert!(
        wide.code.ops.len() > 65_536,
        "{} slots",
        wide.code.ops.len()
    );
    let (a, b) = (shape(&small), shape(&wide));
    assert_eq!(a.0, b.0, "instructions per case");
    assert_eq!(b.2, 1, "one pick");
    assert_eq!(b.1, 24_000, "every condition deferred");
    assert!(wide.code.fast.as_ref().unwrap().width > 65_536);
    let (mut fast, mut general) = (wide.scratch(), wide.scratch());
    for v in [
        None,
        Some(0),
        Some(1),
        Some(23_999),
        Some(24_000),
        Some(40_000),
    ] {
        let c = Case {
            name: String::new(),
            facts: vec![v.map(Value::Int)],
            absent: Vec::new(),
        };
        wide.statuses(&c, &mut fast);
        wide.run_general(&c, &mut general);
        assert_eq!(fast.statuses, general.statuses, "{v:?}");
        assert_eq!(
            wide.def_value(&fast, DefId(0)),
            wide.def_value(&general, DefId(0)),
            "{v:?}"
        );
    }
}
