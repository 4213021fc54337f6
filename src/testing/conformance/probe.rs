//! Conformance suite: the value of every sub-expression of a guideline,
//! computed by the real program.
//!
//! Coverage, the checker's constant folding and the analysis all make
//! claims about conditions *inside* a rule (an operand of an `and`, a
//! `first` branch). To check those claims against the semantics without
//! writing a second evaluator, every expression node of the model becomes
//! a synthetic definition of a copy of the model, compiled with
//! [`Program::from_model`] and run on the general slot code, the reference
//! interpreter.

use crate::case::Case;
use crate::check::model::{DefBody, DefId, DefInfo, Model, TExpr, TExprKind, Type};
use crate::check::Checked;
use crate::eval::Program;
use crate::source::Span;
use crate::syntax::ast::{BinOp, Quantifier};
use crate::value::Value;

/// One expression node of the model.
#[derive(Debug, Clone)]
pub(crate) struct Node {
    /// The expression.
    pub expr: TExpr,
    /// Its operand nodes.
    pub children: Vec<usize>,
    /// Inside a `first` branch condition: the conditions of the earlier
    /// branches (the branch is reached when they are all false). As in
    /// coverage, the operands of a branch condition share its gate, and a
    /// `first` nested inside has gates of its own.
    pub gate: Vec<usize>,
    /// What the node is, for the suite's construct coverage (`None` for
    /// constants).
    pub construct: Option<String>,
}

/// Every expression node of a model and a program that computes them.
pub(crate) struct Probes {
    /// The nodes, parents before children.
    pub nodes: Vec<Node>,
    program: Program,
    /// The id of the first node's synthetic definition.
    first: u32,
}

impl Probes {
    /// Collects the nodes of every expression of `checked` (definition
    /// bodies, table keys, section, recommendation and study conditions).
    pub fn new(checked: &Checked) -> Probes {
        let model = &checked.model;
        let mut nodes = Vec::new();
        let mut roots: Vec<&TExpr> = Vec::new();
        for d in &model.defs {
            if let DefBody::Expr(e) = &d.body {
                roots.push(e);
            }
        }
        roots.extend(model.tables.iter().flat_map(|t| t.keys.iter()));
        roots.extend(model.sections.iter().filter_map(|s| s.condition.as_ref()));
        roots.extend(model.recs.iter().filter_map(|r| r.condition.as_ref()));
        for s in &model.schedules {
            roots.extend(s.studies.iter().filter_map(|st| st.condition.as_ref()));
        }
        for r in roots {
            add(r, Vec::new(), &mut nodes);
        }
        let mut probe_model = model.clone();
        let first = probe_model.defs.len() as u32;
        for (i, n) in nodes.iter().enumerate() {
            probe_model.def_order.push(DefId(first + i as u32));
            probe_model.defs.push(DefInfo {
                name: format!("probe {i}"),
                description: String::new(),
                doc: Vec::new(),
                ty: n.expr.ty,
                body: DefBody::Expr(n.expr.clone()),
                span: n.expr.span,
                decl_span: n.expr.span,
            });
        }
        Probes {
            nodes,
            program: Program::from_model(probe_model, checked.sources.clone()),
            first,
        }
    }

    /// The value of every node for `case`, on the general slot code, as
    /// the exact pass settles it under unknown facts.
    pub fn values(&self, case: &Case) -> Vec<Option<Value>> {
        let mut scratch = self.program.scratch();
        self.program.run_general(case, &mut scratch);
        (0..self.nodes.len())
            .map(|i| {
                self.program
                    .def_value_exact(&mut scratch, DefId(self.first + i as u32))
            })
            .collect()
    }

    /// The first bool node at `span`.
    pub fn at(&self, span: Span) -> Option<usize> {
        self.nodes
            .iter()
            .position(|n| n.expr.span == span && n.expr.ty == Type::Bool)
    }
}

/// Adds `e` and its sub-expressions; returns `e`'s index.
fn add(e: &TExpr, gate: Vec<usize>, nodes: &mut Vec<Node>) -> usize {
    let me = nodes.len();
    nodes.push(Node {
        expr: e.clone(),
        children: Vec::new(),
        gate: gate.clone(),
        construct: construct(e),
    });
    let mut children = Vec::new();
    match &e.kind {
        TExprKind::Const(_) | TExprKind::Fact(_) | TExprKind::Def(_) | TExprKind::Column { .. } => {
        }
        TExprKind::Not(a) | TExprKind::Neg(a) | TExprKind::IsKnown(a, _) => {
            children.push(add(a, gate.clone(), nodes))
        }
        TExprKind::Binary(_, a, b) => {
            children.push(add(a, gate.clone(), nodes));
            children.push(add(b, gate.clone(), nodes));
        }
        TExprKind::In { value, set, .. } => {
            children.push(add(value, gate.clone(), nodes));
            for m in set {
                children.push(add(m, gate.clone(), nodes));
            }
        }
        TExprKind::Quantified(_, items) | TExprKind::Call(_, items) => {
            for i in items {
                children.push(add(i, gate.clone(), nodes));
            }
        }
        TExprKind::Score(items) => {
            for (c, p) in items {
                children.push(add(c, gate.clone(), nodes));
                children.push(add(p, gate.clone(), nodes));
            }
        }
        TExprKind::First {
            branches,
            otherwise,
        } => {
            let mut earlier = Vec::new();
            for (c, v) in branches {
                let cond = add(c, earlier.clone(), nodes);
                earlier.push(cond);
                children.push(cond);
                children.push(add(v, Vec::new(), nodes));
            }
            if let Some(o) = otherwise {
                children.push(add(o, Vec::new(), nodes));
            }
        }
    }
    if let Some(n) = nodes.get_mut(me) {
        n.children = children;
    }
    me
}

/// A short type class for construct names.
fn class(ty: Type) -> &'static str {
    match ty {
        Type::Bool => "bool",
        Type::Int { .. } => "integer",
        Type::Number => "number",
        Type::Quantity { .. } => "quantity",
        Type::Date => "date",
        Type::Enum(_) => "enum",
        Type::Row(_) => "row",
    }
}

/// The construct a node is, e.g. `and`, `< on quantity`, `date + quantity`.
fn construct(e: &TExpr) -> Option<String> {
    Some(match &e.kind {
        TExprKind::Const(_) => return None,
        TExprKind::Fact(_) => format!("fact read ({})", class(e.ty)),
        TExprKind::Def(_) => format!("definition read ({})", class(e.ty)),
        TExprKind::Column { .. } => "table column".into(),
        TExprKind::Not(_) => "not".into(),
        TExprKind::Neg(_) => "negation".into(),
        TExprKind::Binary(op @ (BinOp::And | BinOp::Or), _, _) => op.symbol().into(),
        TExprKind::Binary(op, a, b)
            if e.ty == Type::Bool
                && [a, b].iter().any(|x| matches!(x.kind, TExprKind::Score(_))) =>
        {
            format!("{} on a score", op.symbol())
        }
        TExprKind::Binary(op, a, _) if e.ty == Type::Bool => {
            format!("{} on {}", op.symbol(), class(a.ty))
        }
        TExprKind::Binary(op, a, b) => {
            format!("{} {} {}", class(a.ty), op.symbol(), class(b.ty))
        }
        TExprKind::In { negated: false, .. } => "in".into(),
        TExprKind::In { negated: true, .. } => "not in".into(),
        TExprKind::IsKnown(_, true) => "is known".into(),
        TExprKind::IsKnown(_, false) => "is unknown".into(),
        TExprKind::Quantified(Quantifier::Any, _) => "any of".into(),
        TExprKind::Quantified(Quantifier::All, _) => "all of".into(),
        TExprKind::Quantified(Quantifier::None, _) => "none of".into(),
        TExprKind::Score(_) => format!("score ({})", class(e.ty)),
        TExprKind::Call(f, args) => format!(
            "{} on {}",
            f.word(),
            args.first().map_or("nothing", |a| class(a.ty))
        ),
        TExprKind::First {
            otherwise: Some(_), ..
        } => "first with otherwise".into(),
        TExprKind::First {
            otherwise: None, ..
        } => "first without otherwise".into(),
    })
}

/// The recommendations' full conditions (their sections' and their own,
/// joined with `and`), as the analysis asks about them.
pub(crate) fn applies(model: &Model, r: usize) -> TExpr {
    let Some(rec) = model.recs.get(r) else {
        return constant_true(Span::default());
    };
    let mut conds: Vec<TExpr> = model
        .section_chain(rec.section)
        .iter()
        .filter_map(|s| model.sections.get(s.0 as usize)?.condition.clone())
        .collect();
    conds.extend(rec.condition.clone());
    let mut out: Option<TExpr> = None;
    for c in conds {
        out = Some(match out {
            None => c,
            Some(acc) => TExpr {
                span: acc.span,
                ty: Type::Bool,
                kind: TExprKind::Binary(BinOp::And, Box::new(acc), Box::new(c)),
            },
        });
    }
    out.unwrap_or_else(|| constant_true(rec.span))
}

fn constant_true(span: Span) -> TExpr {
    TExpr {
        kind: TExprKind::Const(Value::Bool(true)),
        ty: Type::Bool,
        span,
    }
}
