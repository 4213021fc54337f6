//! Analysis soundness on date arithmetic, ratios and comparisons between
//! facts (`tests/corpus/analysis/sound/`): every witness reproduces with
//! `cairn run`, and every "applies in no case", "always true" and "never
//! taken" claim holds on a dense grid of cases (every day of five years,
//! every twentieth of a unit, every integer of a range), enumerated
//! independently of the analysis' own split of the facts into regions.

use cairn::analysis::{analyze, render_text, Analysis, Finding, Kind};
use cairn::case::Case;
use cairn::check::model::{DefBody, DefId, TExprKind, Type};
use cairn::check::Checked;
use cairn::eval::outcome::Status;
use cairn::eval::{Options, Program};
use cairn::value::{parse_date, Value};

fn load(name: &str) -> Checked {
    let path = format!("tests/corpus/analysis/sound/{name}.cairn");
    let text = std::fs::read_to_string(&path).unwrap();
    cairn::parse(&path, &text).check().unwrap()
}

fn kinds(a: &Analysis) -> Vec<Kind> {
    let mut k: Vec<Kind> = a.findings.iter().map(|f| f.kind).collect();
    k.sort_by_key(|k| k.code());
    k
}

/// The dense grid of one fact's values.
fn grid(ty: Type) -> Vec<Value> {
    match ty {
        Type::Bool => vec![Value::Bool(false), Value::Bool(true)],
        Type::Int { min, max } => (min.unwrap()..=max.unwrap()).map(Value::Int).collect(),
        Type::Date => (parse_date("2022-01-01").unwrap()..=parse_date("2026-12-31").unwrap())
            .map(Value::Date)
            .collect(),
        Type::Quantity { unit, .. } => (-40..=240)
            .map(|i| Value::Quantity(f64::from(i) * 0.05 * unit.factor))
            .collect(),
        other => panic!("no grid for {other:?}"),
    }
}

/// Every case of the grid of every fact, with the program's scratch.
fn every_case(c: &Checked, mut visit: impl FnMut(&Program, &mut cairn::eval::Scratch, &Case)) {
    let p = Program::new(c);
    let axes: Vec<Vec<Value>> = c.model.facts.iter().map(|f| grid(f.ty)).collect();
    let total: usize = axes.iter().map(Vec::len).product();
    assert!(total < 50_000, "grid of {total} cases");
    let mut scratch = p.scratch();
    let mut case = Case {
        name: String::new(),
        facts: vec![None; axes.len()],
        absent: Vec::new(),
    };
    for i in 0..total {
        let mut rest = i;
        for (slot, axis) in case.facts.iter_mut().zip(&axes) {
            *slot = Some(axis[rest % axis.len()]);
            rest /= axis.len();
        }
        p.evaluate_into(&case, &mut scratch);
        visit(&p, &mut scratch, &case);
    }
}

/// Checks a negative claim on the dense grid; returns what it checked.
fn verify_claim(c: &Checked, f: &Finding) -> String {
    let model = &c.model;
    match f.kind {
        Kind::Dead => {
            let (r, rec) = model
                .recs
                .iter()
                .enumerate()
                .find(|(_, r)| f.message.contains(&format!("`{}`", r.id)))
                .unwrap();
            every_case(c, |p, s, case| {
                let st = p.statuses(case, s)[r];
                assert_ne!(st, Status::Applies, "`{}` applies in {case:?}", rec.id);
            });
            format!("dead {}", rec.id)
        }
        Kind::Constant => {
            let (r, rec) = model
                .recs
                .iter()
                .enumerate()
                .find(|(_, r)| r.condition.as_ref().map(|c| c.span) == Some(f.span))
                .unwrap();
            assert!(rec.section.is_none());
            every_case(c, |p, s, case| {
                let st = p.statuses(case, s)[r];
                assert_eq!(st, Status::Applies, "`{}` in {case:?}", rec.id);
            });
            format!("constant {}", rec.id)
        }
        Kind::DeadBranch => {
            for (d, def) in model.defs.iter().enumerate() {
                let DefBody::Expr(e) = &def.body else {
                    continue;
                };
                let TExprKind::First { branches, .. } = &e.kind else {
                    continue;
                };
                let Some((_, value)) = branches.iter().find(|(cond, _)| cond.span == f.span) else {
                    continue;
                };
                let TExprKind::Const(v) = value.kind else {
                    panic!("branch value is not a constant")
                };
                every_case(c, |p, s, case| {
                    let got = p.def_value(s, DefId(d as u32));
                    assert_ne!(got, Some(v), "`{}` took the branch in {case:?}", def.name);
                });
                return format!("never taken in {}", def.name);
            }
            panic!("no branch at the finding's span")
        }
        _ => String::new(),
    }
}

/// Runs every witness with `cairn run`'s path and checks what it shows.
fn verify_witness(c: &Checked, f: &Finding) {
    let Some(w) = &f.witness else { return };
    let case = cairn::case::load(c, "witness.json", &w.to_string())
        .unwrap()
        .case;
    let out = Program::new(c).evaluate(&case, Options::default());
    match f.kind {
        Kind::FallThrough => {
            let name = c
                .model
                .defs
                .iter()
                .find(|d| f.message.contains(&format!("`{}`", d.name)))
                .unwrap();
            assert_eq!(out.derived[&name.name], serde_json::Value::Null, "{w}");
        }
        other => panic!("unexpected witness for {other:?}"),
    }
}

#[test]
fn date_arithmetic_findings_are_proved() {
    let c = load("dates");
    let a = analyze(&c);
    let report = render_text(&a, &c.sources, 100);
    assert_eq!(
        kinds(&a),
        vec![
            Kind::Constant,
            Kind::Dead,
            Kind::DeadBranch,
            Kind::FallThrough
        ],
        "{report}"
    );
    let mut claims: Vec<String> = a.findings.iter().map(|f| verify_claim(&c, f)).collect();
    claims.retain(|s| !s.is_empty());
    assert_eq!(
        claims,
        ["dead never_both", "constant dated", "never taken in phase"]
    );
    a.findings.iter().for_each(|f| verify_witness(&c, f));
}

#[test]
fn ratio_findings_are_proved() {
    let c = load("ratios");
    let a = analyze(&c);
    let report = render_text(&a, &c.sources, 100);
    assert_eq!(
        kinds(&a),
        vec![Kind::Constant, Kind::Dead, Kind::DeadBranch],
        "{report}"
    );
    let claims: Vec<String> = a.findings.iter().map(|f| verify_claim(&c, f)).collect();
    assert_eq!(
        claims,
        [
            "dead impossible_ratio",
            "constant any_dose",
            "never taken in band"
        ]
    );
    // The dose decides `high_q`: its influence is not zero.
    let s = a
        .sensitivity
        .iter()
        .find(|s| s.recommendation == "high_q")
        .unwrap();
    assert_eq!(s.facts, vec![("q".to_string(), 1.0)]);
}

#[test]
fn comparisons_between_facts_are_never_called_dead() {
    let c = load("two_facts");
    let a = analyze(&c);
    let report = render_text(&a, &c.sources, 100);
    // No negative claim: only "could not decide" for the rule no case
    // tried makes apply.
    assert_eq!(kinds(&a), vec![Kind::Incomplete], "{report}");
    assert!(
        a.findings[0].message.contains("`contradiction`"),
        "{report}"
    );
    assert!(report.contains("could not decide"));
    assert_eq!(a.error_count(), 0);
    // Both dates decide `elderly`, and both doses the fractionation.
    let share = |rec: &str, fact: &str| {
        a.sensitivity
            .iter()
            .find(|s| s.recommendation == rec)
            .and_then(|s| s.facts.iter().find(|(f, _)| f == fact))
            .map_or(0.0, |(_, x)| *x)
    };
    for (rec, fact) in [
        ("elderly", "assessment_date"),
        ("elderly", "date_of_birth"),
        ("standard_fractionation", "total"),
        ("standard_fractionation", "n_fractions"),
    ] {
        assert!(share(rec, fact) > 0.0, "{rec}: {fact}\n{report}");
    }
}

/// A checked guideline from a text with one line replaced.
fn variant(name: &str, from: &str, to: &str) -> Checked {
    let path = format!("tests/corpus/analysis/sound/{name}.cairn");
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains(from), "{from}");
    cairn::parse(&path, &text.replace(from, to))
        .check()
        .unwrap()
}

#[test]
fn diff_finds_a_moved_ratio_threshold_and_its_witness_reproduces() {
    let old = load("ratios");
    let new = variant("ratios", "when q / 1 mg >= 1.5", "when q / 1 mg >= 2");
    let d = cairn::analysis::diff::diff(&old, &new);
    let text = cairn::analysis::diff::render_text(&d);
    let r = d
        .regions
        .iter()
        .find(|r| r.name == "high_q" && r.aspect == "status")
        .unwrap_or_else(|| panic!("{text}"));
    assert_eq!(
        (r.before.as_str(), r.after.as_str()),
        ("applies", "not_applicable")
    );
    for (c, want) in [(&old, "applies"), (&new, "not_applicable")] {
        let case = cairn::case::load(c, "w.json", &r.witness.to_string()).unwrap();
        let o = Program::new(c).evaluate(&case.case, Options::default());
        let got = o.recommendations.iter().find(|x| x.id == "high_q").unwrap();
        assert_eq!(got.status.as_str(), want, "{}", r.witness);
    }
    assert!(d.undecided.is_empty(), "{text}");
}

#[test]
fn diff_does_not_claim_no_change_between_facts_it_cannot_split() {
    let old = load("two_facts");
    // The same behaviour written differently: not provable by regions.
    let new = variant(
        "two_facts",
        "when assessment_date >= date_of_birth + 75 years",
        "when not (assessment_date < date_of_birth + 75 years)",
    );
    let d = cairn::analysis::diff::diff(&old, &new);
    let text = cairn::analysis::diff::render_text(&d);
    assert!(d.regions.is_empty(), "{text}");
    assert!(d.undecided.iter().any(|u| u.name == "elderly"), "{text}");
    assert!(!text.starts_with("no change in behaviour\n"), "{text}");
    assert!(text.contains("could not decide"), "{text}");
    // Where the regions are exact, an unchanged rule is proved unchanged.
    let same = cairn::analysis::diff::diff(&load("ratios"), &load("ratios"));
    assert!(cairn::analysis::diff::render_text(&same).starts_with("no change in behaviour\n"));
}
