//! Check stage tests: a corpus of small guidelines with snapshots of the
//! rendered diagnostics, and tests of the model the checker builds.

use cairn::check::{check, model::*, Checked, Failed};
use cairn::syntax::{parse_with, FsLoader, Loader};
use std::path::{Path, PathBuf};

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
    assert_eq!(t.rows[0].keys, vec![Some(0)]);
    assert_eq!(t.rows[1].keys, vec![None]);
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
        Some(Grade {
            level: 2,
            quality: 'C'
        })
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
    assert_eq!(s.from, m.fact("resection_date").unwrap());
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
