//! Eval stage tests: Kleene logic, first-match, tables, units, dates,
//! missing facts, schedules, outcome building, traces and rendering.
//!
//! Models are built by hand (the `Mb` builder below), so these tests do not
//! depend on the checker; the trace and note snapshots use a small source
//! text whose spans the builder finds by substring.

use cairn::case::Case;
use cairn::check::model::*;
use cairn::check::Checked;
use cairn::diagnostics::Diagnostics;
use cairn::eval::outcome::Status;
use cairn::eval::{self, Options, Program};
use cairn::source::{FileId, SourceMap, Span};
use cairn::syntax::ast::{BinOp, Quantifier, RecKind};
use cairn::units::{self, Dimension};
use cairn::value::{parse_date, Value};

/// A model builder with a source text for spans.
struct Mb {
    src: String,
    m: Model,
}

fn unit(s: &str) -> units::Unit {
    units::lookup(s).unwrap()
}

fn qty(s: &str) -> Type {
    let u = unit(s);
    Type::Quantity {
        dim: u.dimension,
        unit: u,
    }
}

const INT: Type = Type::Int {
    min: None,
    max: None,
};

fn e(kind: TExprKind, ty: Type) -> TExpr {
    TExpr {
        kind,
        ty,
        span: Span::default(),
    }
}

fn c(v: Value, ty: Type) -> TExpr {
    e(TExprKind::Const(v), ty)
}

fn bin(op: BinOp, a: TExpr, b: TExpr) -> TExpr {
    let ty = match op {
        BinOp::Add | BinOp::Sub | BinOp::Mul | BinOp::Div => a.ty,
        _ => Type::Bool,
    };
    e(TExprKind::Binary(op, Box::new(a), Box::new(b)), ty)
}

fn and(a: TExpr, b: TExpr) -> TExpr {
    bin(BinOp::And, a, b)
}

fn or(a: TExpr, b: TExpr) -> TExpr {
    bin(BinOp::Or, a, b)
}

fn not(a: TExpr) -> TExpr {
    e(TExprKind::Not(Box::new(a)), Type::Bool)
}

impl Mb {
    fn new(src: &str) -> Mb {
        let mut m = Model::default();
        m.meta.id = "test".into();
        m.meta.title = "Test guideline".into();
        m.meta.version = "1.0".into();
        Mb {
            src: src.to_string(),
            m,
        }
    }

    /// The span of the `n`th (0-based) occurrence of `needle`.
    fn sp(&self, needle: &str, n: usize) -> Span {
        let start = self
            .src
            .match_indices(needle)
            .nth(n)
            .unwrap_or_else(|| panic!("`{needle}` #{n} not in source"))
            .0;
        Span::new(FileId(0), start, start + needle.len())
    }

    /// `x` placed at `inner` within the first occurrence of `outer`.
    fn within(&self, mut x: TExpr, outer: &str, inner: &str) -> TExpr {
        let o = self.sp(outer, 0);
        let off = outer.find(inner).unwrap();
        x.span = Span::new(
            FileId(0),
            o.start as usize + off,
            o.start as usize + off + inner.len(),
        );
        x
    }

    fn at(&self, mut x: TExpr, needle: &str, n: usize) -> TExpr {
        x.span = self.sp(needle, n);
        x
    }

    fn fact(&mut self, name: &str, ty: Type) -> FactId {
        self.m.facts.push(FactInfo {
            name: name.into(),
            description: format!("the {name}"),
            doc: vec![],
            ty,
            group: None,
            span: Span::default(),
            domain: Default::default(),
        });
        FactId(self.m.facts.len() as u32 - 1)
    }

    fn enum_ty(&mut self, owner: &str, values: &[&str]) -> Type {
        self.m.enums.push(EnumInfo {
            owner: owner.into(),
            values: values
                .iter()
                .map(|v| EnumValueInfo {
                    name: v.to_string(),
                    label: None,
                    codes: vec![],
                    span: Span::default(),
                })
                .collect(),
        });
        Type::Enum(EnumId(self.m.enums.len() as u32 - 1))
    }

    /// A read of fact `name`.
    fn f(&self, name: &str) -> TExpr {
        let id = self.m.fact(name).unwrap();
        e(TExprKind::Fact(id), self.m.facts[id.0 as usize].ty)
    }

    /// A read of definition `name`.
    fn d(&self, name: &str) -> TExpr {
        let id = self.m.def(name).unwrap();
        e(TExprKind::Def(id), self.m.defs[id.0 as usize].ty)
    }

    /// An enum value of the type of fact or def `owner`.
    fn ev(&self, ty: Type, name: &str) -> TExpr {
        let Type::Enum(id) = ty else {
            panic!("not an enum")
        };
        let i = self.m.enums[id.0 as usize]
            .values
            .iter()
            .position(|v| v.name == name)
            .unwrap();
        c(Value::Enum(i as u32), ty)
    }

    fn define(&mut self, name: &str, ty: Type, body: DefBody) -> DefId {
        self.m.defs.push(DefInfo {
            name: name.into(),
            description: format!("the {name}"),
            doc: vec![],
            ty,
            body,
            span: Span::default(),
            decl_span: Span::default(),
        });
        let id = DefId(self.m.defs.len() as u32 - 1);
        self.m.def_order.push(id);
        id
    }

    fn section(&mut self, id: &str, parent: Option<SectionId>, cond: Option<TExpr>) -> SectionId {
        self.m.sections.push(SectionInfo {
            id: id.into(),
            title: format!("Section {id}"),
            parent,
            condition: cond,
            exhaustive: false,
            span: Span::default(),
        });
        SectionId(self.m.sections.len() as u32 - 1)
    }

    fn rec(&mut self, id: &str, section: Option<SectionId>, cond: Option<TExpr>) -> RecId {
        self.m.recs.push(RecInfo {
            condition: cond,
            section,
            statement: format!("do {id}"),
            ..super::blank_rec(id, RecKind::Recommend)
        });
        RecId(self.m.recs.len() as u32 - 1)
    }

    fn checked(&self) -> Checked {
        let mut sources = SourceMap::new();
        sources.add("test.cairn", self.src.clone());
        Checked {
            sources,
            model: self.m.clone(),
            warnings: Diagnostics::new(),
        }
    }

    fn program(&self) -> Program {
        Program::new(&self.checked())
    }

    fn case(&self, facts: &[(&str, Option<Value>)]) -> Case {
        let mut case = Case {
            name: "case".into(),
            facts: vec![None; self.m.facts.len()],
            absent: Vec::new(),
        };
        for (name, v) in facts {
            case.facts[self.m.fact(name).unwrap().0 as usize] = *v;
        }
        case
    }
}

fn tri(v: Option<bool>) -> Option<Value> {
    v.map(Value::Bool)
}

const TRI: [Option<bool>; 3] = [Some(true), Some(false), None];

/// Evaluates one condition as a recommendation over facts a, b, c; returns
/// its status and missing facts.
fn cond_status(
    build: impl Fn(&Mb) -> TExpr,
    a: Option<bool>,
    b: Option<bool>,
    cc: Option<bool>,
) -> (Status, Vec<String>) {
    let mut mb = Mb::new("");
    for n in ["a", "b", "c"] {
        mb.fact(n, Type::Bool);
    }
    let cond = build(&mb);
    mb.rec("r", None, Some(cond));
    let p = mb.program();
    let case = mb.case(&[("a", tri(a)), ("b", tri(b)), ("c", tri(cc))]);
    let out = p.evaluate(&case, Options::default());
    (
        out.recommendations[0].status,
        out.recommendations[0].missing.to_vec(),
    )
}

fn to_status(v: Option<bool>) -> Status {
    match v {
        Some(true) => Status::Applies,
        Some(false) => Status::NotApplicable,
        None => Status::Undetermined,
    }
}

#[test]
fn kleene_truth_tables() {
    // Reference Kleene tables written out rather than computed.
    let kand = |x: Option<bool>, y: Option<bool>| match (x, y) {
        (Some(false), _) | (_, Some(false)) => Some(false),
        (Some(true), Some(true)) => Some(true),
        _ => None,
    };
    let kor = |x: Option<bool>, y: Option<bool>| match (x, y) {
        (Some(true), _) | (_, Some(true)) => Some(true),
        (Some(false), Some(false)) => Some(false),
        _ => None,
    };
    for a in TRI {
        assert_eq!(
            cond_status(|m| not(m.f("a")), a, None, None).0,
            to_status(a.map(|x| !x))
        );
        for b in TRI {
            let (s, miss) = cond_status(|m| and(m.f("a"), m.f("b")), a, b, None);
            assert_eq!(s, to_status(kand(a, b)), "{a:?} and {b:?}");
            let expect: Vec<String> = [("a", a), ("b", b)]
                .iter()
                .filter(|(_, v)| v.is_none() && kand(a, b).is_none())
                .map(|(n, _)| n.to_string())
                .collect();
            assert_eq!(miss, expect, "missing of {a:?} and {b:?}");
            assert_eq!(
                cond_status(|m| or(m.f("a"), m.f("b")), a, b, None).0,
                to_status(kor(a, b))
            );
            // Implication style: `not a or b`.
            let (s, miss) = cond_status(|m| or(not(m.f("a")), m.f("b")), a, b, None);
            assert_eq!(s, to_status(kor(a.map(|x| !x), b)), "not {a:?} or {b:?}");
            if s == Status::Undetermined {
                assert!(!miss.is_empty());
            }
        }
    }
    // Named cases from `grammar/SEMANTICS.md`, "Missing facts".
    assert_eq!(
        cond_status(|m| and(m.f("a"), m.f("b")), Some(false), None, None),
        (Status::NotApplicable, vec![])
    );
    assert_eq!(
        cond_status(|m| or(m.f("a"), m.f("b")), None, None, None),
        (Status::Undetermined, vec!["a".to_string(), "b".to_string()])
    );
}

#[test]
fn quantifiers_follow_kleene() {
    let q = |qq: Quantifier| {
        move |m: &Mb| {
            e(
                TExprKind::Quantified(qq, vec![m.f("a"), m.f("b"), m.f("c")]),
                Type::Bool,
            )
        }
    };
    let t = Some(true);
    let f = Some(false);
    assert_eq!(
        cond_status(q(Quantifier::Any), f, None, t).0,
        Status::Applies
    );
    assert_eq!(
        cond_status(q(Quantifier::Any), f, None, f),
        (Status::Undetermined, vec!["b".into()])
    );
    assert_eq!(
        cond_status(q(Quantifier::Any), f, f, f).0,
        Status::NotApplicable
    );
    assert_eq!(cond_status(q(Quantifier::All), t, t, t).0, Status::Applies);
    assert_eq!(
        cond_status(q(Quantifier::All), None, f, t).0,
        Status::NotApplicable
    );
    assert_eq!(
        cond_status(q(Quantifier::All), None, t, None),
        (Status::Undetermined, vec!["a".into(), "c".into()])
    );
    assert_eq!(cond_status(q(Quantifier::None), f, f, f).0, Status::Applies);
    assert_eq!(
        cond_status(q(Quantifier::None), f, t, None).0,
        Status::NotApplicable
    );
    assert_eq!(
        cond_status(q(Quantifier::None), f, None, f),
        (Status::Undetermined, vec!["b".into()])
    );
}

/// A model with int fact x, bool facts a b, and `out = first {...}`.
fn first_model(otherwise: bool) -> Mb {
    let mut mb = Mb::new("");
    mb.fact("a", Type::Bool);
    mb.fact("b", Type::Bool);
    mb.fact("x", INT);
    let branches = vec![(mb.f("a"), c(Value::Int(1), INT)), (mb.f("b"), mb.f("x"))];
    let body = e(
        TExprKind::First {
            branches,
            otherwise: otherwise.then(|| Box::new(c(Value::Int(3), INT))),
        },
        INT,
    );
    mb.define("out", INT, DefBody::Expr(body));
    let cond = bin(BinOp::Ge, mb.d("out"), c(Value::Int(2), INT));
    mb.rec("r", None, Some(cond));
    mb
}

#[test]
fn first_match_stops_at_unknown_branch() {
    let mb = first_model(true);
    let p = mb.program();
    let run = |facts: &[(&str, Option<Value>)]| {
        let out = p.evaluate(&mb.case(facts), Options::default());
        (
            out.derived["out"].clone(),
            out.recommendations[0].status,
            out.recommendations[0].missing.to_vec(),
        )
    };
    let t = Some(Value::Bool(true));
    let f = Some(Value::Bool(false));
    assert_eq!(run(&[("a", t)]).0, serde_json::json!(1));
    // An unknown first condition stops the match even though b holds.
    assert_eq!(
        run(&[("a", None), ("b", t), ("x", Some(Value::Int(5)))]),
        (
            serde_json::Value::Null,
            Status::Undetermined,
            vec!["a".to_string()]
        )
    );
    // With b true the result follows x, with b false it is 3 >= 2: both
    // facts can change the answer, so both are missing.
    assert_eq!(
        run(&[("a", f), ("b", None)]),
        (
            serde_json::Value::Null,
            Status::Undetermined,
            vec!["b".to_string(), "x".to_string()]
        )
    );
    // The chosen branch's value is unknown: only x is missing.
    assert_eq!(
        run(&[("a", f), ("b", t)]),
        (
            serde_json::Value::Null,
            Status::Undetermined,
            vec!["x".to_string()]
        )
    );
    assert_eq!(
        run(&[("a", f), ("b", t), ("x", Some(Value::Int(7)))]).0,
        serde_json::json!(7)
    );
    assert_eq!(run(&[("a", f), ("b", f)]).0, serde_json::json!(3));
    // Without otherwise, no branch applying is unknown but nothing is missing.
    let mb = first_model(false);
    let out = mb
        .program()
        .evaluate(&mb.case(&[("a", f), ("b", f)]), Options::default());
    assert_eq!(out.derived["out"], serde_json::Value::Null);
    assert_eq!(out.recommendations[0].status, Status::Undetermined);
    assert!(out.recommendations[0].missing.is_empty());
}

#[test]
fn in_sets_and_is_known() {
    let mut mb = Mb::new("");
    let h = mb.enum_ty("histology", &["ddlps", "wdlps", "lms", "other"]);
    mb.fact("histology", h);
    let set = |m: &Mb, negated| {
        e(
            TExprKind::In {
                value: Box::new(m.f("histology")),
                set: vec![m.ev(h, "ddlps"), m.ev(h, "wdlps")],
                negated,
            },
            Type::Bool,
        )
    };
    let c1 = set(&mb, false);
    let c2 = set(&mb, true);
    let c3 = e(
        TExprKind::IsKnown(Box::new(mb.f("histology")), true),
        Type::Bool,
    );
    let c4 = e(
        TExprKind::IsKnown(Box::new(mb.f("histology")), false),
        Type::Bool,
    );
    mb.rec("lipo", None, Some(c1));
    mb.rec("not_lipo", None, Some(c2));
    mb.rec("known", None, Some(c3));
    mb.rec("unknown", None, Some(c4));
    let p = mb.program();
    let mut s = p.scratch();
    assert_eq!(
        p.statuses(&mb.case(&[("histology", Some(Value::Enum(1)))]), &mut s),
        &[
            Status::Applies,
            Status::NotApplicable,
            Status::Applies,
            Status::NotApplicable
        ]
    );
    assert_eq!(
        p.statuses(&mb.case(&[("histology", Some(Value::Enum(2)))]), &mut s),
        &[
            Status::NotApplicable,
            Status::Applies,
            Status::Applies,
            Status::NotApplicable
        ]
    );
    // `is known` is never unknown.
    assert_eq!(
        p.statuses(&mb.case(&[]), &mut s),
        &[
            Status::Undetermined,
            Status::Undetermined,
            Status::NotApplicable,
            Status::Applies
        ]
    );
}

/// Evaluates `lhs op rhs` as a one-rec model with facts given as values.
fn compare(facts: &[(&str, Type, Value)], build: impl Fn(&Mb) -> TExpr) -> Status {
    let mut mb = Mb::new("");
    for (n, ty, _) in facts {
        mb.fact(n, *ty);
    }
    let cond = build(&mb);
    mb.rec("r", None, Some(cond));
    let case = mb.case(
        &facts
            .iter()
            .map(|(n, _, v)| (*n, Some(*v)))
            .collect::<Vec<_>>(),
    );
    mb.program()
        .evaluate(&case, Options::default())
        .recommendations[0]
        .status
}

#[test]
fn quantities_convert_units() {
    let gy = qty("Gy");
    let cgy = qty("cGy");
    // Case values are canonical (Gy), whatever unit the fact displays in.
    let dose = Value::Quantity(5040.0 * unit("cGy").factor);
    assert_eq!(
        compare(&[("dose", cgy, dose)], |m| bin(
            BinOp::Eq,
            m.f("dose"),
            c(Value::Quantity(50.4), gy)
        )),
        Status::Applies
    );
    assert_eq!(
        compare(&[("dose", cgy, dose)], |m| bin(
            BinOp::Le,
            m.f("dose"),
            c(Value::Quantity(50.4), gy)
        )),
        Status::Applies
    );
    assert_eq!(
        compare(&[("dose", cgy, dose)], |m| bin(
            BinOp::Lt,
            m.f("dose"),
            c(Value::Quantity(50.4), gy)
        )),
        Status::NotApplicable
    );
    // 6 weeks is less than 2 months.
    let wk = Value::Quantity(6.0 * unit("weeks").factor);
    assert_eq!(
        compare(&[("gap", qty("weeks"), wk)], |m| bin(
            BinOp::Lt,
            m.f("gap"),
            c(Value::Quantity(2.0 * unit("months").factor), qty("months"))
        )),
        Status::Applies
    );
    // Dose per fraction = total / fractions, displayed in the def's unit.
    let mut mb = Mb::new("");
    mb.fact("total", gy);
    mb.fact("fractions", INT);
    let per = bin(BinOp::Div, mb.f("total"), mb.f("fractions"));
    mb.define("per_fraction", cgy, DefBody::Expr(per));
    let ratio = e(
        TExprKind::Binary(
            BinOp::Div,
            Box::new(mb.f("total")),
            Box::new(c(Value::Quantity(45.0), gy)),
        ),
        Type::Number,
    );
    mb.define("ratio", Type::Number, DefBody::Expr(ratio));
    let cond = bin(BinOp::Eq, mb.d("per_fraction"), c(Value::Quantity(1.8), gy));
    mb.rec("conventional", None, Some(cond));
    let case = mb.case(&[
        ("total", Some(Value::Quantity(50.4))),
        ("fractions", Some(Value::Int(28))),
    ]);
    let out = mb.program().evaluate(&case, Options::default());
    assert_eq!(
        out.derived["per_fraction"],
        serde_json::json!({"value": 180, "unit": "cGy"})
    );
    assert_eq!(out.derived["ratio"], serde_json::json!(1.12));
    assert_eq!(out.recommendations[0].status, Status::Applies);
    // Division by zero fractions is unknown, not a panic or infinity.
    let case = mb.case(&[
        ("total", Some(Value::Quantity(50.4))),
        ("fractions", Some(Value::Int(0))),
    ]);
    let out = mb.program().evaluate(&case, Options::default());
    assert_eq!(out.derived["per_fraction"], serde_json::Value::Null);
    assert!(out.recommendations[0].missing.is_empty());
}

#[test]
fn date_arithmetic() {
    let days = qty("days");
    let mut mb = Mb::new("");
    mb.fact("surgery", Type::Date);
    mb.fact("today", Type::Date);
    let since = bin(BinOp::Sub, mb.f("today"), mb.f("surgery"));
    mb.define("since", qty("weeks"), DefBody::Expr(since));
    let due = bin(
        BinOp::Add,
        mb.f("surgery"),
        c(Value::Quantity(3.0 * unit("months").factor), qty("months")),
    );
    mb.define("due", Type::Date, DefBody::Expr(due));
    let cond = bin(
        BinOp::Gt,
        mb.d("since"),
        c(Value::Quantity(12.0 * 7.0), days),
    );
    mb.rec("late", None, Some(cond));
    let cond = bin(BinOp::Ge, mb.f("today"), mb.d("due"));
    mb.rec("overdue", None, Some(cond));
    let p = mb.program();
    let d = |s: &str| Some(Value::Date(parse_date(s).unwrap()));
    let out = p.evaluate(
        &mb.case(&[("surgery", d("2024-01-10")), ("today", d("2024-04-10"))]),
        Options::default(),
    );
    assert_eq!(
        out.derived["since"],
        serde_json::json!({"value": 13, "unit": "weeks"})
    );
    // 3 calendar months: 10 January to 10 April.
    assert_eq!(out.derived["due"], serde_json::json!("2024-04-10"));
    assert_eq!(out.recommendations[0].status, Status::Applies);
    assert_eq!(out.recommendations[1].status, Status::Applies);
    let out = p.evaluate(
        &mb.case(&[("surgery", d("2024-01-10"))]),
        Options::default(),
    );
    assert_eq!(out.recommendations[0].missing, vec!["today".to_string()]);
}

/// Histology x grade table with wildcards; `risk` reads its column.
fn table_model() -> (Mb, Type, Type) {
    let mut mb = Mb::new("");
    let h = mb.enum_ty("histology", &["ddlps", "wdlps", "lms"]);
    let g = mb.enum_ty("grade", &["g1", "g2", "g3"]);
    mb.fact("histology", h);
    mb.fact("grade", g);
    mb.m.tables.push(TableInfo {
        def: DefId(0),
        title: "Outcomes".into(),
        keys: vec![mb.f("histology"), mb.f("grade")],
        columns: vec![ColumnInfo {
            name: "os5".into(),
            label: "5-year OS".into(),
            ty: qty("%"),
        }],
        rows: vec![
            RowInfo {
                keys: vec![Pattern::Enum(0), Pattern::Enum(2)],
                cells: vec![Value::Quantity(40.0)],
                span: Span::default(),
            },
            RowInfo {
                keys: vec![Pattern::Enum(0), Pattern::Any],
                cells: vec![Value::Quantity(60.0)],
                span: Span::default(),
            },
            RowInfo {
                keys: vec![Pattern::Enum(1), Pattern::Any],
                cells: vec![Value::Quantity(90.0)],
                span: Span::default(),
            },
        ],
        cites: vec![3],
    });
    mb.define(
        "outcomes",
        Type::Row(TableId(0)),
        DefBody::Table(TableId(0)),
    );
    let col = e(
        TExprKind::Column {
            def: DefId(0),
            table: TableId(0),
            column: 0,
        },
        qty("%"),
    );
    let cond = bin(BinOp::Lt, col, c(Value::Quantity(50.0), qty("%")));
    mb.rec("poor", None, Some(cond));
    (mb, h, g)
}

#[test]
fn tables_match_first_row_with_wildcards() {
    let (mb, _, _) = table_model();
    let p = mb.program();
    let run = |h: Option<u32>, g: Option<u32>| {
        let out = p.evaluate(
            &mb.case(&[
                ("histology", h.map(Value::Enum)),
                ("grade", g.map(Value::Enum)),
            ]),
            Options::default(),
        );
        (
            out.derived["outcomes"].clone(),
            out.recommendations[0].status,
            out.recommendations[0].missing.to_vec(),
        )
    };
    assert_eq!(
        run(Some(0), Some(2)).0,
        serde_json::json!({"os5": {"value": 40, "unit": "%"}})
    );
    assert_eq!(run(Some(0), Some(2)).1, Status::Applies);
    assert_eq!(
        run(Some(0), Some(0)).0,
        serde_json::json!({"os5": {"value": 60, "unit": "%"}})
    );
    // The first row compares grade, which is unknown: the lookup stops.
    assert_eq!(
        run(Some(0), None),
        (
            serde_json::Value::Null,
            Status::Undetermined,
            vec!["grade".to_string()]
        )
    );
    // A wildcard row matches an unknown grade once earlier rows are ruled out.
    assert_eq!(
        run(Some(1), None).0,
        serde_json::json!({"os5": {"value": 90, "unit": "%"}})
    );
    assert_eq!(run(Some(1), None).1, Status::NotApplicable);
    // No row: unknown, but no fact is missing.
    assert_eq!(
        run(Some(2), Some(0)),
        (serde_json::Value::Null, Status::Undetermined, vec![])
    );
    assert_eq!(run(None, Some(0)).2, vec!["histology".to_string()]);
}

#[test]
fn missing_facts_are_minimal_and_in_declaration_order() {
    let mut mb = Mb::new("");
    // Declared c, b, a so declaration order differs from alphabetical.
    mb.fact("c", Type::Bool);
    mb.fact("b", Type::Bool);
    mb.fact("a", Type::Bool);
    mb.fact("size", qty("cm"));
    let big = bin(BinOp::Gt, mb.f("size"), c(Value::Quantity(10.0), qty("cm")));
    mb.define("big", Type::Bool, DefBody::Expr(big));
    let top = mb.section("top", None, Some(mb.f("c")));
    let cond = or(mb.f("a"), and(mb.f("b"), mb.d("big")));
    mb.rec("r", Some(top), Some(cond));
    let p = mb.program();
    let mut s = p.scratch();
    let t = Some(Value::Bool(true));
    let f = Some(Value::Bool(false));
    let miss = |p: &Program, s: &mut eval::Scratch, case: &Case| {
        p.evaluate_into(case, s);
        p.missing(s, RecId(0))
            .iter()
            .map(|f| mb.m.facts[f.0 as usize].name.clone())
            .collect::<Vec<_>>()
    };
    assert_eq!(miss(&p, &mut s, &mb.case(&[])), vec!["c", "b", "a", "size"]);
    // b is false: the conjunction is decided, so neither b nor size is asked for.
    assert_eq!(miss(&p, &mut s, &mb.case(&[("b", f)])), vec!["c", "a"]);
    assert_eq!(
        miss(&p, &mut s, &mb.case(&[("c", t), ("b", t)])),
        vec!["a", "size"]
    );
    // The section is false: not applicable, nothing missing.
    assert_eq!(
        miss(&p, &mut s, &mb.case(&[("c", f)])),
        Vec::<String>::new()
    );
    assert_eq!(s.raw_trace().len(), 0);
}

#[test]
fn statement_placeholders_and_details() {
    let mut mb = Mb::new("");
    let h = mb.enum_ty("histology", &["ddlps", "lms"]);
    mb.fact("histology", h);
    mb.fact("age", INT);
    let r = mb.rec("rt", None, None);
    let rec = &mut mb.m.recs[r.0 as usize];
    rec.statement = "For {histology} at age {age} {not_a_name}, give RT.".into();
    rec.strength = Some(Strength::Grade(Grade {
        level: 2,
        quality: 'C',
    }));
    rec.details = vec![
        (
            "dose".into(),
            vec![Detail::Dose {
                total_gy: 50.4,
                unit: unit("Gy"),
                fractions: 28,
            }],
        ),
        (
            "timing".into(),
            vec![Detail::Interval {
                low: 4.0,
                high: 6.0,
                unit: unit("weeks"),
                after: Some("completion of RT".into()),
            }],
        ),
    ];
    rec.cites = vec![25, 27];
    let out = mb.program().evaluate(
        &mb.case(&[("histology", Some(Value::Enum(1)))]),
        Options::default(),
    );
    let r = &out.recommendations[0];
    assert_eq!(r.statement, "For lms at age unknown {not_a_name}, give RT.");
    assert_eq!(
        r.strength.as_ref().map(|s| s.to_string()).as_deref(),
        Some("2C")
    );
    assert_eq!(r.status, Status::Applies);
    assert_eq!(
        serde_json::Value::Object(r.details.clone().into_owned()),
        serde_json::json!({
            "dose": [{"text": "50.4 Gy in 28 fractions", "total": {"value": 50.4, "unit": "Gy"}, "fractions": 28,
                      "dose_per_fraction": {"value": 1.8, "unit": "Gy"}}],
            "timing": [{"text": "4 to 6 weeks after completion of RT", "low": 4, "high": 6, "unit": "weeks",
                        "after": "completion of RT"}]
        })
    );
}

fn tr(low: f64, high: f64, u: &str) -> TimeRange {
    TimeRange {
        low,
        high,
        unit: unit(u),
    }
}

/// A rec with a three-phase follow-up schedule from `surgery_date`.
fn schedule_model() -> Mb {
    let src = "study \"CT chest\" when high_grade\n";
    let mut mb = Mb::new(src);
    mb.fact("surgery_date", Type::Date);
    mb.fact("high_grade", Type::Bool);
    let cond = mb.at(mb.f("high_grade"), "high_grade", 0);
    mb.m.schedules.push(ScheduleInfo {
        name: "follow".into(),
        title: "Surveillance imaging".into(),
        from: Some(cairn::check::model::DateRef::Fact(FactId(0))),
        as_of: None,
        phases: vec![
            PhaseInfo {
                every: tr(3.0, 6.0, "months"),
                length: PhaseLengthInfo::For(tr(2.0, 3.0, "years")),
            },
            PhaseInfo {
                every: tr(6.0, 6.0, "months"),
                length: PhaseLengthInfo::Until {
                    total: tr(5.0, 5.0, "years"),
                    at_least: true,
                },
            },
            PhaseInfo {
                every: tr(1.0, 1.0, "year"),
                length: PhaseLengthInfo::Until {
                    total: tr(10.0, 10.0, "years"),
                    at_least: true,
                },
            },
        ],
        studies: vec![
            StudyInfo {
                names: vec!["CT abdomen/pelvis".into(), "MRI abdomen/pelvis".into()],
                alternating: true,
                condition: None,
            },
            StudyInfo {
                names: vec!["CT chest".into()],
                alternating: false,
                condition: Some(cond),
            },
        ],
        span: Span::default(),
    });
    let r = mb.rec("surveil", None, None);
    mb.m.recs[r.0 as usize].schedule = Some(ScheduleId(0));
    mb
}

#[test]
fn schedule_layout_dates() {
    let mb = schedule_model();
    let p = mb.program();
    let start = Some(Value::Date(parse_date("2024-01-31").unwrap()));
    let out = p.evaluate(&mb.case(&[("surgery_date", start)]), Options::default());
    let s = &out.schedules[0];
    assert_eq!(s.recommendation, "surveil");
    assert_eq!(
        s.phases,
        vec![
            "every 3-6 months for 2 years (up to 3 years)",
            "every 6 months until at least 5 years",
            "every 1 year until at least 10 years"
        ]
    );
    let v: Vec<(u32, &str, &str)> = s
        .visits
        .iter()
        .map(|v| (v.phase, v.earliest.as_str(), v.latest.as_str()))
        .collect();
    // Calendar months clamp to the month's end, counted from the start date
    // every time (so the 31st does not drift to the 30th), and a window
    // closes the day before the next one opens.
    assert_eq!(v[0], (1, "2024-04-30", "2024-07-30"));
    assert_eq!(v[1], (1, "2024-07-31", "2024-10-30"));
    assert_eq!(v[2], (1, "2024-10-31", "2025-01-30"));
    assert_eq!(v[7], (1, "2026-01-31", "2026-04-29"));
    assert_eq!(v[8], (2, "2026-07-31", "2026-07-31"));
    // Phase 1 has 8 visits (3-monthly for 2 years), phase 2 six (to year 5),
    // phase 3 five (to year 10).
    assert_eq!(v.iter().filter(|x| x.0 == 1).count(), 8);
    assert_eq!(v.iter().filter(|x| x.0 == 2).count(), 6);
    assert_eq!(v.iter().filter(|x| x.0 == 3).count(), 5);
    assert_eq!(v.last().unwrap().1, "2034-01-31");
    assert_eq!(
        s.visits[0].studies,
        vec!["CT abdomen/pelvis", "CT chest (if high_grade)"]
    );
    assert_eq!(s.visits[1].studies[0], "MRI abdomen/pelvis");
    let out = p.evaluate(
        &mb.case(&[
            ("surgery_date", start),
            ("high_grade", Some(Value::Bool(false))),
        ]),
        Options::default(),
    );
    assert_eq!(
        out.schedules[0].visits[0].studies,
        vec!["CT abdomen/pelvis"]
    );
    // Unknown start: the schedule is listed without dates.
    let out = p.evaluate(&mb.case(&[]), Options::default());
    assert_eq!(out.schedules[0].start, None);
    assert!(out.schedules[0].visits.is_empty());
}

/// A small guideline with source text, for trace and note snapshots.
const DOC: &str = r#"guideline rps { title "RPS demo" version "0.1" }
fact histology "Histological subtype": enum { ddlps, wdlps, lms }
fact grade "FNCLCC grade": integer 1 to 3
fact phase "Phase of care": enum { pre_treatment, post_resection }
define high_risk "High risk disease": bool = first {
  when histology = lms then true
  when grade >= 2 then true
  otherwise false
}
section preop "Preoperative management" when phase = pre_treatment {
  suggest rt_preop {
    strength 2C
    when high_risk and histology != wdlps
    statement "Consider preoperative RT for {histology}."
    detail dose = 50.4 Gy in 28 fractions
    cite [25, 27]
  }
}
section post "After resection" when phase = post_resection {
  recommend surveillance {
    strength 1B
    statement "Follow up with imaging."
  }
}
"#;

fn doc_model() -> Mb {
    let mut mb = Mb::new(DOC);
    mb.m.meta.title = "RPS demo".into();
    mb.m.meta.version = "0.1".into();
    let h = mb.enum_ty("histology", &["ddlps", "wdlps", "lms"]);
    let ph = mb.enum_ty("phase", &["pre_treatment", "post_resection"]);
    mb.fact("histology", h);
    mb.m.facts[0].description = "Histological subtype".into();
    mb.fact(
        "grade",
        Type::Int {
            min: Some(1),
            max: Some(3),
        },
    );
    mb.m.facts[1].description = "FNCLCC grade".into();
    mb.fact("phase", ph);
    mb.m.facts[2].description = "Phase of care".into();
    let b1 = mb.at(
        bin(
            BinOp::Eq,
            mb.within(mb.f("histology"), "histology = lms", "histology"),
            mb.ev(h, "lms"),
        ),
        "histology = lms",
        0,
    );
    let b2 = mb.at(
        bin(
            BinOp::Ge,
            mb.within(mb.f("grade"), "grade >= 2", "grade"),
            c(Value::Int(2), INT),
        ),
        "grade >= 2",
        0,
    );
    let first = e(
        TExprKind::First {
            branches: vec![
                (b1, c(Value::Bool(true), Type::Bool)),
                (b2, c(Value::Bool(true), Type::Bool)),
            ],
            otherwise: Some(Box::new(c(Value::Bool(false), Type::Bool))),
        },
        Type::Bool,
    );
    let d = mb.define("high_risk", Type::Bool, DefBody::Expr(first));
    mb.m.defs[d.0 as usize].decl_span = mb
        .sp("define high_risk", 0)
        .to(mb.sp("otherwise false\n}", 0));
    mb.m.defs[d.0 as usize].description = "High risk disease".into();
    let pre = mb.at(
        bin(
            BinOp::Eq,
            mb.within(mb.f("phase"), "phase = pre_treatment", "phase"),
            mb.ev(ph, "pre_treatment"),
        ),
        "phase = pre_treatment",
        0,
    );
    let post = mb.at(
        bin(
            BinOp::Eq,
            mb.within(mb.f("phase"), "phase = post_resection", "phase"),
            mb.ev(ph, "post_resection"),
        ),
        "phase = post_resection",
        0,
    );
    let s1 = mb.section("preop", None, Some(pre));
    mb.m.sections[0].title = "Preoperative management".into();
    mb.m.sections[0].span = mb.sp("section preop", 0);
    let s2 = mb.section("post", None, Some(post));
    mb.m.sections[1].title = "After resection".into();
    mb.m.sections[1].span = mb.sp("section post", 0);
    let hr = mb.within(mb.d("high_risk"), "high_risk and", "high_risk");
    let not_wd = mb.at(
        bin(
            BinOp::Ne,
            mb.within(mb.f("histology"), "histology != wdlps", "histology"),
            mb.ev(h, "wdlps"),
        ),
        "histology != wdlps",
        0,
    );
    let cond = mb.at(and(hr, not_wd), "high_risk and histology != wdlps", 0);
    let r = mb.rec("rt_preop", Some(s1), Some(cond));
    let rec = &mut mb.m.recs[r.0 as usize];
    rec.kind = RecKind::Suggest;
    rec.strength = Some(Strength::Grade(Grade {
        level: 2,
        quality: 'C',
    }));
    rec.statement = "Consider preoperative RT for {histology}.".into();
    rec.details = vec![(
        "dose".into(),
        vec![Detail::Dose {
            total_gy: 50.4,
            unit: unit("Gy"),
            fractions: 28,
        }],
    )];
    rec.cites = vec![25, 27];
    let span = mb.sp("rt_preop", 0);
    mb.m.recs[r.0 as usize].span = span;
    let r = mb.rec("surveillance", Some(s2), None);
    let span = mb.sp("surveillance", 0);
    let rec = &mut mb.m.recs[r.0 as usize];
    rec.span = span;
    rec.strength = Some(Strength::Grade(Grade {
        level: 1,
        quality: 'B',
    }));
    rec.statement = "Follow up with imaging.".into();
    mb
}

#[test]
fn trace_labels_only_deciding_values() {
    let mb = doc_model();
    let p = mb.program();
    let pre = Some(Value::Enum(0));
    let case = mb.case(&[("phase", pre), ("histology", Some(Value::Enum(0)))]);
    let out = p.evaluate(&case, Options { trace: true });
    let names: Vec<(&str, &str, &str)> = out
        .trace
        .iter()
        .map(|s| (s.kind.as_str(), s.name.as_str(), s.text.as_str()))
        .collect();
    assert_eq!(
        names,
        vec![
            ("definition", "high_risk", "unknown"),
            ("section", "preop", "applies"),
            ("recommendation", "rt_preop", "undetermined"),
            ("section", "post", "not_applicable"),
            ("recommendation", "surveillance", "not_applicable"),
        ]
    );
    // high_risk: histology = lms is false, grade unknown stopped the match.
    assert_eq!(out.trace[0].reason, "undetermined: needs grade");
    assert_eq!(
        out.trace[0]
            .labels
            .iter()
            .map(|l| l.text.as_str())
            .collect::<Vec<_>>(),
        vec!["unknown: grade not given"]
    );
    // rt_preop: histology != wdlps holds, so only high_risk is labelled;
    // the reason says what each grade leads to.
    assert_eq!(
        out.trace[2].reason,
        "undetermined: needs grade (grade: 1 -> not applicable; 2 to 3 -> applies)"
    );
    assert_eq!(
        out.trace[2]
            .labels
            .iter()
            .map(|l| l.text.as_str())
            .collect::<Vec<_>>(),
        vec!["unknown: high_risk undetermined"]
    );
    assert_eq!(
        out.trace[4].reason,
        "not applicable: section `post` does not apply (`phase = post_resection` is false)"
    );
    // Under a false section the rec's own condition is skipped; the trace
    // must still give the section as the reason (fresh and reused scratch).
    let post = mb.case(&[
        ("phase", Some(Value::Enum(1))),
        ("histology", Some(Value::Enum(0))),
    ]);
    let out_post = p.evaluate(&post, Options { trace: true });
    assert_eq!(out_post.trace[2].text, "not_applicable");
    assert_eq!(
        out_post.trace[2].reason,
        "not applicable: section `preop` does not apply (`phase = pre_treatment` is false)"
    );
    assert!(out_post.trace[2].labels.is_empty());
    let explained = eval::explain(&out, &mb.checked(), "rt_preop").unwrap();
    assert_eq!(
        explained
            .iter()
            .map(|s| s.name.as_str())
            .collect::<Vec<_>>(),
        vec!["high_risk", "preop", "rt_preop"]
    );
    assert!(matches!(
        eval::explain(&out, &mb.checked(), "rt_preopp"),
        Err(eval::ExplainError::UnknownRecommendation { help: Some(_), .. })
    ));
}

#[test]
fn rendered_trace_snapshot() {
    let mb = doc_model();
    let case = mb.case(&[
        ("phase", Some(Value::Enum(0))),
        ("histology", Some(Value::Enum(0))),
        ("grade", Some(Value::Int(3))),
    ]);
    let out = mb.program().evaluate(&case, Options { trace: true });
    let text = eval::render::trace(&out, &mb.checked(), 100);
    assert!(text.contains("grade = 3"));
    insta::assert_snapshot!(text);
}

#[test]
fn rendered_note_snapshot() {
    let mb = doc_model();
    let case = mb.case(&[
        ("phase", Some(Value::Enum(0))),
        ("histology", Some(Value::Enum(2))),
    ]);
    let out = mb.program().evaluate(&case, Options::default());
    assert_eq!(out.recommendations[0].status, Status::Applies);
    let text = eval::render::note(&out, &mb.checked());
    assert!(text.contains("Consider preoperative RT for lms."));
    insta::assert_snapshot!(text);
    let case = mb.case(&[("phase", Some(Value::Enum(0)))]);
    let out = mb.program().evaluate(&case, Options::default());
    let text = eval::render::note(&out, &mb.checked());
    assert!(text.contains("- histology: Histological subtype"));
    insta::assert_snapshot!("note_undetermined", text);
}

#[test]
fn fast_paths_agree_with_outcome() {
    let mb = doc_model();
    let p = mb.program();
    let mut s = p.scratch();
    for ph in [None, Some(0u32), Some(1)] {
        for h in [None, Some(0u32), Some(1), Some(2)] {
            for g in [None, Some(1i64), Some(3)] {
                let case = mb.case(&[
                    ("phase", ph.map(Value::Enum)),
                    ("histology", h.map(Value::Enum)),
                    ("grade", g.map(Value::Int)),
                ]);
                let full: Vec<Status> = p
                    .evaluate(&case, Options::default())
                    .recommendations
                    .iter()
                    .map(|r| r.status)
                    .collect();
                assert_eq!(p.statuses(&case, &mut s), full.as_slice());
            }
        }
    }
    // A case with fewer slots than facts reads the rest as unknown.
    let short = Case {
        name: "short".into(),
        facts: vec![],
        absent: Vec::new(),
    };
    assert_eq!(
        p.statuses(&short, &mut s),
        &[Status::Undetermined, Status::Undetermined]
    );
    let _ = Dimension::Dose;
}

/// The sarcoma guideline, checked, and one of its cases loaded from JSON.
fn sarcoma(facts: &str) -> (Checked, Case) {
    let path = "guidelines/rps/initial-management.cairn";
    let text = std::fs::read_to_string(path).unwrap();
    let parsed = cairn::syntax::parse_with(path, &text, &cairn::syntax::FsLoader);
    let checked = cairn::check::check(parsed).unwrap();
    let json = format!("{{\"facts\": {facts}}}");
    let case = cairn::case::load(&checked, "case", &json).unwrap().case;
    (checked, case)
}

#[test]
fn statements_show_enum_labels_and_trace_labels_show_table_keys() {
    let (checked, case) = sarcoma(
        r#"{"presentation": "primary", "phase": "post_resection", "pathology_confirmed": true,
            "histology": "dedifferentiated_liposarcoma", "grade": 3}"#,
    );
    let program = Program::new(&checked);
    let out = program.evaluate(&case, Options { trace: true });
    let with_histology: Vec<&str> = out
        .recommendations
        .iter()
        .zip(&checked.model.recs)
        .filter(|(_, rec)| rec.statement.contains("{histology}"))
        .map(|(r, _)| &*r.statement)
        .collect();
    assert!(!with_histology.is_empty());
    for s in &with_histology {
        assert!(s.contains("Dedifferentiated liposarcoma"), "{s}");
        assert!(!s.contains("dedifferentiated_liposarcoma"), "{s}");
    }
    let labels: Vec<&str> = out
        .trace
        .iter()
        .flat_map(|s| s.labels.iter().map(|l| l.text.as_str()))
        .filter(|t| t.contains("(row "))
        .collect();
    assert!(!labels.is_empty());
    let table = out
        .trace
        .iter()
        .find(|s| s.name == "prognosis_8_year")
        .unwrap();
    assert_eq!(
        table.text,
        "row prognosis_group = dedifferentiated_liposarcoma_g3"
    );
    assert!(
        labels
            .iter()
            .all(|t| t.contains("(row prognosis_group = dedifferentiated_liposarcoma_g3)")),
        "{labels:?}"
    );
}
