//! Analysis of first-match branches and minimal witnesses where Kleene
//! logic alone answers differently from the exact pass: the branch taken is
//! read off the exact value of the branch index, a witness drops a fact
//! that only the exact pass shows to be unneeded, and a classification
//! whose product of regions is over the enumeration limit (searched depth
//! first, branch by branch) gets the same findings as a small one.

use cairn::analysis::{analyze, render_text, Finding, Kind};
use cairn::check::{check, Checked};
use cairn::eval::outcome::Status;
use cairn::eval::{Options, Program};
use cairn::syntax::{parse_with, FsLoader};

const HEADER: &str = "guideline g { title \"G\" version \"1.0.0\" status draft }\n";

fn checked(body: &str) -> Checked {
    let text = format!("{HEADER}{body}");
    match check(parse_with("g.cairn", &text, &FsLoader)) {
        Ok(c) => c,
        Err(f) => panic!("{}", f.diagnostics.render(&f.sources, 100)),
    }
}

/// The source lines of the findings of `kind`, as `line: text`.
fn lines(c: &Checked, findings: &[Finding], kind: Kind) -> Vec<String> {
    findings
        .iter()
        .filter(|f| f.kind == kind)
        .map(|f| {
            c.sources
                .slice(f.span)
                .lines()
                .next()
                .unwrap_or("")
                .trim()
                .to_string()
        })
        .collect()
}

/// The statuses a witness gets from `cairn run`'s path.
fn statuses(c: &Checked, witness: &serde_json::Value) -> Vec<(String, Status)> {
    let case = cairn::case::load(c, "witness.json", &witness.to_string()).unwrap();
    Program::new(c)
        .evaluate(&case.case, Options::default())
        .recommendations
        .iter()
        .map(|r| (r.id.to_string(), r.status))
        .collect()
}

#[test]
fn the_branch_taken_is_decided_by_the_exact_pass() {
    // With `x` unknown, Kleene logic cannot tell that `x > 5 or x <= 5`
    // holds; every completion does, so the first branch is taken whenever
    // `x` is unknown and the second never is.
    let c = checked(
        "fact x \"X\": integer 0 to 10\n\
         define k \"K\": integer 0 to 3 = first {\n\
           when (x > 5 or x <= 5) and x is unknown then 0\n\
           when x is unknown then 1\n\
           otherwise 2\n\
         }\n\
         suggest r { when k = 0 statement \"R\" }\n\
         suggest s { when k = 2 statement \"S\" }\n",
    );
    let a = analyze(&c);
    let report = render_text(&a, &c.sources, 100);
    assert_eq!(
        lines(&c, &a.findings, Kind::DeadBranch),
        ["x is unknown"],
        "{report}"
    );
    assert_eq!(a.error_count(), 0, "{report}");
    // And `cairn run` agrees: with `x` unknown, `k` is 0.
    let got = statuses(&c, &serde_json::json!({"facts": {}}));
    assert_eq!(got[0], ("r".to_string(), Status::Applies));
}

#[test]
fn witnesses_drop_facts_only_the_exact_pass_shows_unneeded() {
    // With a score of at least 4, `a` applies whatever the sex, though
    // Kleene logic leaves it undetermined without the sex.
    let c = checked(
        "fact sex \"Sex\": enum { male, female }\n\
         fact score \"Score\": integer 0 to 10\n\
         recommend a { about x when (sex = male and score >= 2) or (sex = female and score >= 3) statement \"A\" }\n\
         do-not-offer b { about x when score >= 4 statement \"B\" }\n",
    );
    let a = analyze(&c);
    let conflict = a
        .findings
        .iter()
        .find(|f| f.kind == Kind::Conflict)
        .unwrap_or_else(|| panic!("{}", render_text(&a, &c.sources, 100)));
    let w = conflict.witness.as_ref().unwrap();
    let facts = w["facts"].as_object().unwrap();
    assert_eq!(facts.keys().collect::<Vec<_>>(), ["score"], "{w}");
    let got = statuses(&c, w);
    assert!(got.iter().all(|(_, s)| *s == Status::Applies), "{got:?}");
}

#[test]
fn branches_over_the_enumeration_limit_are_decided_too() {
    // 42 branches splitting three facts into about 81 regions each: over
    // half a million cases, more than the 2^18 the analysis enumerates, so
    // each branch is searched depth first.
    let mut body = String::from(
        "fact a \"A\": integer 0 to 1000\n\
         fact b \"B\": integer 0 to 1000\n\
         fact c \"C\": integer 0 to 1000\n\
         define k \"K\": integer 0 to 3 = first {\n",
    );
    for i in 0..40 {
        let v = 10 + i * 20;
        body.push_str(&format!("  when a = {v} and b = {v} and c = {v} then 1\n"));
    }
    // Shadowed by the first branch.
    body.push_str("  when a = 10 and b = 10 and c = 10 then 2\n  when a > 900 then 2\n}\n");
    body.push_str("suggest r { when k = 1 statement \"R\" }\n");
    let c = checked(&body);
    let a = analyze(&c);
    let report = render_text(&a, &c.sources, 100);
    assert_eq!(
        lines(&c, &a.findings, Kind::DeadBranch),
        ["a = 10 and b = 10 and c = 10"],
        "{report}"
    );
    assert!(
        a.findings.iter().all(|f| f.kind != Kind::Undecided),
        "{report}"
    );
    // It falls through where `r` reads it, and the witness shows it: no
    // branch applies, so `r` is undetermined.
    let fall = a
        .findings
        .iter()
        .find(|f| f.kind == Kind::FallThrough)
        .unwrap_or_else(|| panic!("{report}"));
    let got = statuses(&c, fall.witness.as_ref().unwrap());
    assert_eq!(got, [("r".to_string(), Status::Undetermined)]);
}
