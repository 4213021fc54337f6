//! Check stage tests: a corpus of small guidelines with snapshots of the
//! rendered diagnostics, and tests of the model the checker builds.

use cairn::check::{check, model::*, Checked, Failed};
use cairn::syntax::{parse_with, FsLoader, Loader};
use std::path::Path;

/// Loads includes from a fixed set of in-memory files.
struct Mem(Vec<(&'static str, &'static str)>);

impl Loader for Mem {
    fn load(&self, path: &Path) -> std::io::Result<String> {
        self.0
            .iter()
            .find(|(name, _)| Path::new(name) == path)
            .map(|(_, text)| text.to_string())
            .ok_or_else(|| std::io::Error::new(std::io::ErrorKind::NotFound, "no such file"))
    }
}

fn run(name: &str, text: &str) -> Result<Checked, Failed> {
    check(parse_with(name, text, &FsLoader))
}

/// Renders whatever the checker reported, errors and warnings.
fn rendered(result: &Result<Checked, Failed>) -> String {
    match result {
        Ok(c) => c.warnings.render(&c.sources, 100),
        Err(f) => f.diagnostics.render(&f.sources, 100),
    }
}

fn codes(result: &Result<Checked, Failed>) -> Vec<String> {
    let d = match result {
        Ok(c) => &c.warnings,
        Err(f) => &f.diagnostics,
    };
    d.reports.iter().map(|r| r.code()).collect()
}

fn ok(text: &str) -> Checked {
    match run("t.cairn", text) {
        Ok(c) => c,
        Err(f) => panic!("{}", f.diagnostics.render(&f.sources, 100)),
    }
}

const HEADER: &str = "guideline g { title \"T\" version \"1\" status draft }\n";

fn corpus(name: &str) -> (String, String) {
    let path = format!("tests/corpus/check/{name}");
    let text = std::fs::read_to_string(&path).unwrap();
    (path, text)
}

#[test]
fn valid_sample_builds_a_faithful_model() {
    let (path, text) = corpus("valid_sample.cairn");
    let c = match run(&path, &text) {
        Ok(c) => c,
        Err(f) => panic!("{}", f.diagnostics.render(&f.sources, 100)),
    };
    assert!(
        c.warnings.is_empty(),
        "{}",
        c.warnings.render(&c.sources, 100)
    );
    let m = &c.model;
    assert_eq!(m.meta.id, "rps_initial_management");
    assert_eq!(m.meta.status, "active");
    assert_eq!(m.meta.source_date.as_deref(), Some("2024-01-23"));
    assert_eq!(m.meta.authors, vec!["A. Author", "B. Author"]);
    assert_eq!(m.meta.last_reviewed.as_deref(), Some("2026-11-28"));

    let names: Vec<&str> = m.facts.iter().map(|f| f.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "grade",
            "histology",
            "dose",
            "n_fractions",
            "resection_date",
            "peritoneal_implants",
            "bilateral"
        ]
    );
    assert_eq!(
        m.facts[0].ty,
        Type::Int {
            min: Some(1),
            max: Some(3)
        }
    );
    assert_eq!(m.facts[5].group.as_deref(), Some("imaging"));
    assert_eq!(m.facts[5].doc, vec!["doc"]);
    assert_eq!(m.facts[0].group, None);
    let Type::Enum(hist) = m.facts[1].ty else {
        panic!("histology is not an enum")
    };
    let e = m.enum_info(hist).unwrap();
    assert_eq!(e.values.len(), 3);
    assert_eq!(
        e.values[0].codes,
        vec![("icdo3".to_string(), "8850/3".to_string())]
    );
    assert_eq!(
        e.values[0].label.as_deref(),
        Some("Well-differentiated liposarcoma")
    );

    // per_fraction = dose / n_fractions: a dose quantity shown in Gy.
    let pf = m.def("per_fraction").unwrap();
    let Type::Quantity { dim, unit } = m.defs[pf.0 as usize].ty else {
        panic!("not a quantity")
    };
    assert_eq!(dim, cairn::units::Dimension::Dose);
    assert_eq!(unit.symbol, "Gy");

    // cat's first: branch values resolve to the declared enum's indices.
    let cat = m.def("cat").unwrap();
    let DefBody::Expr(body) = &m.defs[cat.0 as usize].body else {
        panic!("cat is a table")
    };
    let TExprKind::First {
        branches,
        otherwise,
    } = &body.kind
    else {
        panic!("not first")
    };
    assert!(matches!(
        branches[0].1.kind,
        TExprKind::Const(cairn::value::Value::Enum(1))
    ));
    assert!(matches!(
        otherwise.as_ref().unwrap().kind,
        TExprKind::Const(cairn::value::Value::Enum(0))
    ));

    // The table: key histology, 35 % canonical, wildcard row.
    let t = &m.tables[0];
    assert_eq!(m.defs[t.def.0 as usize].name, "prognosis");
    assert!(matches!(t.keys[0].kind, TExprKind::Fact(FactId(1))));
    assert_eq!(t.rows[0].keys, vec![Pattern::Enum(0)]);
    assert_eq!(t.rows[1].keys, vec![Pattern::Any]);
    assert_eq!(t.rows[0].cells, vec![cairn::value::Value::Quantity(35.0)]);
    assert_eq!(t.cites, vec![66]);

    // Every definition comes after the ones it reads.
    let pos = |n: &str| {
        m.def_order
            .iter()
            .position(|d| *d == m.def(n).unwrap())
            .unwrap()
    };
    assert_eq!(m.def_order.len(), m.defs.len());
    assert!(pos("cat") < m.def_order.len());

    // Sections, recommendations and their fields.
    assert_eq!(m.sections.len(), 1);
    assert!(m.sections[0].condition.is_some());
    let rec = &m.recs[m.rec("preop_rt").unwrap().0 as usize];
    assert_eq!(rec.section, Some(SectionId(0)));
    assert_eq!(
        rec.strength,
        Some(Strength::Grade(Grade {
            level: 2,
            quality: 'C',
        }))
    );
    assert_eq!(rec.about.as_deref(), Some("preoperative_rt"));
    assert_eq!(rec.cites, vec![25, 21, 22, 23]);
    assert_eq!(
        rec.alternatives,
        vec![(m.rec("chemo"), "Surgery alone".to_string())]
    );
    assert_eq!(rec.schedule, Some(ScheduleId(0)));
    assert_eq!(rec.details.len(), 3);
    match &rec.details[0].1[1] {
        Detail::Dose {
            total_gy,
            fractions,
            unit,
        } => {
            assert!((total_gy - 50.4).abs() < 1e-9);
            assert_eq!(*fractions, 28);
            assert_eq!(unit.symbol, "Gy");
        }
        other => panic!("not a dose: {other:?}"),
    }
    assert!(
        matches!(&rec.details[1].1[0], Detail::Interval { low, high, after: Some(a), .. }
        if *low == 4.0 && *high == 6.0 && a == "completion of RT")
    );
    assert_eq!(
        rec.details[2].1,
        vec![Detail::Text("five days a week".into())]
    );
    let cond = rec.condition.as_ref().unwrap();
    assert_eq!(cond.ty, Type::Bool);

    // The schedule.
    let s = &m.schedules[0];
    assert_eq!(
        s.from,
        Some(cairn::check::model::DateRef::Fact(
            m.fact("resection_date").unwrap()
        ))
    );
    assert_eq!(s.phases.len(), 3);
    assert_eq!(s.phases[0].every.unit.symbol, "months");
    assert!(matches!(
        s.phases[2].length,
        PhaseLengthInfo::Until { at_least: true, .. }
    ));
    assert!(s.studies[1].alternating && s.studies[1].condition.is_some());
}

#[test]
fn definitions_are_ordered_after_what_they_read() {
    let text = format!(
        "{HEADER}fact a \"A\": integer\ndefine c \"C\" = b + 1\ndefine b \"B\" = a * 2\n\
         define d \"D\": bool = c > b\nrecommend r {{ when d statement \"s\" }}\n"
    );
    let c = ok(&text);
    let m = &c.model;
    let order: Vec<&str> = m
        .def_order
        .iter()
        .map(|d| m.defs[d.0 as usize].name.as_str())
        .collect();
    assert_eq!(order, ["b", "c", "d"]);
    // `c` had no declared type: it was inferred from its body.
    assert_eq!(
        m.defs[m.def("c").unwrap().0 as usize].ty,
        Type::Int {
            min: None,
            max: None
        }
    );
}

#[test]
fn quantity_constants_are_canonical() {
    let text = format!(
        "{HEADER}fact d \"D\": quantity Gy\nfact t \"T\": quantity weeks\n\
         recommend r {{ when d >= 5040 cGy and t < 2 months statement \"s\" }}\n"
    );
    let c = ok(&text);
    let cond = c.model.recs[0].condition.as_ref().unwrap();
    let TExprKind::Binary(_, l, r) = &cond.kind else {
        panic!()
    };
    let TExprKind::Binary(_, _, dose) = &l.kind else {
        panic!()
    };
    let TExprKind::Binary(_, _, time) = &r.kind else {
        panic!()
    };
    assert!(
        matches!(dose.kind, TExprKind::Const(cairn::value::Value::Quantity(v)) if (v - 50.4).abs() < 1e-9)
    );
    assert!(
        matches!(time.kind, TExprKind::Const(cairn::value::Value::Quantity(v)) if (v - 60.87375).abs() < 1e-9)
    );
}

#[test]
fn includes_and_nested_sections() {
    let main = "guideline g { title \"T\" version \"1\" status draft }\ninclude \"vocab.cairn\"\n\
                section outer \"Outer\" when x {\n  section inner \"Inner\" {\n    recommend r { statement \"s\" }\n  }\n\
                recommend q { statement \"s\" }\n}\n";
    let loader = Mem(vec![("vocab.cairn", "fact x \"X\": bool\n")]);
    let c = check(parse_with("main.cairn", main, &loader))
        .unwrap_or_else(|f| panic!("{}", f.diagnostics.render(&f.sources, 100)));
    let m = &c.model;
    assert_eq!(m.facts[0].name, "x");
    assert_eq!(m.sections[1].parent, Some(SectionId(0)));
    assert_eq!(m.recs[0].section, Some(SectionId(1)));
    assert_eq!(m.recs[1].section, Some(SectionId(0)));
    assert_eq!(
        m.section_chain(m.recs[0].section),
        vec![SectionId(0), SectionId(1)]
    );
}

/// The codes a corpus file's first line says must fire (`// expect: a, b`).
fn expected_codes(text: &str) -> Vec<String> {
    text.lines()
        .next()
        .and_then(|l| l.strip_prefix("// expect:"))
        .map(|rest| {
            rest.split(',')
                .map(|c| c.trim().to_string())
                .filter(|c| !c.is_empty())
                .collect()
        })
        .unwrap_or_default()
}

/// Runs every file of tests/corpus/check: `valid_*` must give no
/// diagnostics, `warn_*` only warnings, `err_*` must fail; every code the
/// file's `// expect:` line names must fire; the rendered diagnostics are
/// snapshotted so reviewers can read each one.
#[test]
fn corpus_diagnostics() {
    let mut files: Vec<_> = std::fs::read_dir("tests/corpus/check")
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "cairn"))
        .collect();
    files.sort();
    assert!(files.len() >= 15, "the corpus is missing");
    for path in files {
        let name = path.file_stem().unwrap().to_string_lossy().to_string();
        let display = format!("corpus/{}", path.file_name().unwrap().to_string_lossy());
        let text = std::fs::read_to_string(&path).unwrap();
        let result = run(&display, &text);
        let out = rendered(&result);
        let found = codes(&result);
        if name.starts_with("valid_") {
            assert!(
                result.is_ok() && found.is_empty(),
                "{name} should be clean:\n{out}"
            );
        } else if name.starts_with("warn_") {
            assert!(result.is_ok(), "{name} should pass with warnings:\n{out}");
            assert!(!found.is_empty(), "{name} should warn");
        } else {
            assert!(result.is_err(), "{name} should fail:\n{out}");
        }
        for code in expected_codes(&text) {
            assert!(
                found.iter().any(|f| f.ends_with(&format!("::{code}"))),
                "{name}: expected `{code}` among {found:?}\n{out}"
            );
        }
        insta::assert_snapshot!(format!("corpus_{name}"), out);
    }
}

#[test]
fn every_diagnostic_code_has_a_corpus_file() {
    // Every code of the checker's error enum must be expected somewhere in the corpus.
    let source = std::fs::read_to_string("src/check/error.rs").unwrap()
        + &std::fs::read_to_string("src/check/warning.rs").unwrap();
    let declared: Vec<&str> = source
        .split("code(cairn::check::")
        .skip(1)
        .filter_map(|rest| rest.split(')').next())
        .collect();
    let mut expected = Vec::new();
    for entry in std::fs::read_dir("tests/corpus/check").unwrap() {
        let text = std::fs::read_to_string(entry.unwrap().path()).unwrap();
        expected.extend(expected_codes(&text));
    }
    for code in declared {
        assert!(
            expected.iter().any(|e| e == code),
            "no corpus file expects `{code}`"
        );
    }
}

#[test]
fn a_clean_file_gives_no_diagnostics() {
    let c = ok(&format!(
        "{HEADER}fact x \"X\": bool\nrecommend r {{ when x statement \"s\" }}\n"
    ));
    assert!(c.warnings.is_empty());
    assert_eq!(c.model.recs.len(), 1);
}

#[test]
fn warnings_do_not_make_the_check_fail() {
    let c = ok(&format!(
        "{HEADER}fact x \"X\": bool\nfact y \"Y\": bool\nrecommend r {{ when true }}\n"
    ));
    let found: Vec<String> = c.warnings.reports.iter().map(|r| r.code()).collect();
    assert_eq!(
        found,
        [
            "cairn::check::unused",
            "cairn::check::unused",
            "cairn::check::no_statement",
            "cairn::check::constant_condition"
        ]
    );
    assert!(!c.warnings.has_errors());
}

#[test]
fn every_error_in_a_file_is_reported_in_one_run() {
    // One error in each of five declarations, of five different kinds.
    let text = format!(
        "{HEADER}fact grade \"G\": integer 1 to 3\nfact size \"S\": quantity cm\n\
         define a \"A\": bool = grad > 1\ndefine b \"B\": bool = size > 5 Gy\n\
         define c \"C\": bool = grade and true\nrecommend r {{ when a and b and c strength 3D statement \"s\" cite [4] }}\n"
    );
    let r = run("t.cairn", &text);
    let found = codes(&r);
    assert!(r.is_err());
    for code in [
        "unknown_name",
        "unit_mismatch",
        "type_mismatch",
        "bad_grade",
        "unknown_reference",
    ] {
        assert!(
            found.contains(&format!("cairn::check::{code}")),
            "{code} missing from {found:?}"
        );
    }
    assert_eq!(found.len(), 5, "{found:?}");
}

#[test]
fn syntax_errors_fail_but_the_rest_is_still_checked() {
    let text = format!("{HEADER}fact x \"bad\": integr\ndefine y \"Y\": bool = nothing > 1\nrecommend r {{ when y statement \"s\" }}\n");
    let r = run("t.cairn", &text);
    assert_eq!(
        codes(&r),
        ["cairn::syntax::unexpected", "cairn::check::unknown_name"]
    );
}

#[test]
fn enum_values_resolve_on_either_side_and_in_sets() {
    let c = ok(&format!(
        "{HEADER}fact h \"H\": enum {{ a, b, c }}\n\
         recommend r {{ when c = h and h != a and h in {{b, c}} statement \"s\" }}\n"
    ));
    let cond = c.model.recs[0].condition.as_ref().unwrap();
    let TExprKind::Binary(_, left, set) = &cond.kind else {
        panic!()
    };
    let TExprKind::Binary(_, first, _) = &left.kind else {
        panic!()
    };
    let TExprKind::Binary(_, value, fact) = &first.kind else {
        panic!()
    };
    // `c` is the enum value (index 2), not a name.
    assert!(matches!(
        value.kind,
        TExprKind::Const(cairn::value::Value::Enum(2))
    ));
    assert!(matches!(fact.kind, TExprKind::Fact(FactId(0))));
    let TExprKind::In { set, .. } = &set.kind else {
        panic!()
    };
    assert!(matches!(
        set[1].kind,
        TExprKind::Const(cairn::value::Value::Enum(2))
    ));
}

#[test]
fn unread_facts_of_an_included_vocabulary_are_not_warned_about() {
    let main = "guideline g { title \"T\" version \"1\" status draft }\ninclude \"v.cairn\"\n\
                fact y \"Y\": bool\nrecommend r { when x statement \"s\" }\n";
    let loader = Mem(vec![(
        "v.cairn",
        "fact x \"X\": bool\nfact spare \"Spare\": bool\n",
    )]);
    let c = check(parse_with("main.cairn", main, &loader))
        .unwrap_or_else(|f| panic!("{:?}", f.diagnostics));
    let out = c.warnings.render(&c.sources, 100);
    // `y` in the main file is reported; `spare` in the vocabulary is not.
    assert_eq!(c.warnings.reports.len(), 1, "{out}");
    assert!(out.contains("fact `y` is never used"), "{out}");
}

#[test]
fn cross_file_duplicates_point_at_the_other_file_in_help() {
    let main = "guideline g { title \"T\" version \"1\" status draft }\ninclude \"v.cairn\"\nfact x \"X\": bool\n";
    let loader = Mem(vec![("v.cairn", "fact x \"X\": bool\n")]);
    let r = check(parse_with("main.cairn", main, &loader));
    let Err(f) = r else {
        panic!("duplicate accepted")
    };
    let out = f.diagnostics.render(&f.sources, 100);
    assert!(out.contains("first declared at main.cairn:3:6"), "{out}");
}

#[test]
fn checking_a_large_guideline_is_linear() {
    // 200 facts, 200 chained definitions, 200 recommendations: about 600 lines.
    let mut text = String::from(HEADER);
    for i in 0..200 {
        text.push_str(&format!("fact f{i} \"F\": integer 0 to 100\n"));
    }
    text.push_str("define d0 \"D\" = f0 + 1\n");
    for i in 1..200 {
        text.push_str(&format!("define d{i} \"D\" = d{} + f{i}\n", i - 1));
    }
    for i in 0..200 {
        text.push_str(&format!(
            "recommend r{i} {{ when d{i} > 10 and f{i} in {{1, 2, 3}} statement \"s\" }}\n"
        ));
    }
    let parsed = parse_with("big.cairn", &text, &FsLoader);
    let start = std::time::Instant::now();
    let c = check(parsed).unwrap_or_else(|f| panic!("{}", f.diagnostics.render(&f.sources, 100)));
    let elapsed = start.elapsed();
    assert_eq!(c.model.def_order.len(), 200);
    assert_eq!(c.model.def_order[0], DefId(0));
    // Even unoptimised, checking this takes a few milliseconds; quadratic work would not.
    assert!(elapsed.as_millis() < 250, "check took {elapsed:?}");
}

mod mutations {
    //! The checker never panics, and fails exactly when it reports an error,
    //! on mutations of valid guidelines (the kind of half-edited text an
    //! editor sends while the user types).
    use super::*;
    use proptest::prelude::*;

    const TOKENS: &[&str] = &[
        "",
        " ",
        "x",
        "grade",
        "histology",
        "=",
        "<",
        "and",
        "not",
        "(",
        ")",
        "{",
        "}",
        "first",
        "when",
        "then",
        "1",
        "2.5",
        "3 Gy",
        "2024-02-30",
        "\"s\"",
        "lps",
        "_",
        ",",
        "in",
        "is known",
        "prognosis.lr",
        "define",
        "fact",
        "table",
        "-",
        "/",
        "*",
        "%",
    ];

    fn mutate(text: &str, at: usize, len: usize, token: &str) -> String {
        let mut start = at % (text.len() + 1);
        while !text.is_char_boundary(start) {
            start -= 1;
        }
        let mut end = (start + len).min(text.len());
        while !text.is_char_boundary(end) {
            end += 1;
        }
        format!("{}{}{}", &text[..start], token, &text[end..])
    }

    proptest! {
        #![proptest_config(ProptestConfig {
            cases: 200,
            failure_persistence: Some(Box::new(
                proptest::test_runner::FileFailurePersistence::Direct(
                    "tests/proptest-regressions/check.txt",
                ),
            )),
            ..ProptestConfig::default()
        })]
        #[test]
        fn check_is_total_and_consistent(
            file in 0usize..2,
            at in 0usize..4000,
            len in 0usize..12,
            token in 0usize..TOKENS.len(),
        ) {
            let name = ["valid_sample.cairn", "valid_expressions.cairn"][file];
            let (_, text) = corpus(name);
            let mutated = mutate(&text, at, len, TOKENS[token]);
            match run("m.cairn", &mutated) {
                Ok(c) => prop_assert!(!c.warnings.has_errors()),
                Err(f) => prop_assert!(f.diagnostics.has_errors()),
            }
        }
    }
}
