//! Check stage output: the one traversal of the typed expression tree.
//!
//! Code that only needs to *visit* the nodes of a [`TExpr`] (to collect the
//! facts it reads, find its `first` expressions, measure coverage) uses
//! [`TExpr::children`] and the iterators built on it instead of matching
//! every kind itself, so a new expression kind is added in one place.
//! Evaluators that give each kind its meaning (the compiler, constant
//! folding) keep their own `match`.
//!
//! The children come in the order the compiler gives their slots: operands
//! left to right, a set's tested value before its members, a `first`'s
//! branches as condition then value, the fallback last. So
//! [`TExpr::post_order`] lists the nodes in the order the compiler finishes
//! them (see `eval::ir::probe`).

use super::model::{TExpr, TExprKind};

/// The direct sub-expressions of one expression, in order.
#[derive(Debug, Clone)]
pub struct Children<'a> {
    /// Up to two single operands, yielded first.
    head: [Option<&'a TExpr>; 2],
    /// Then a list of operands (set members, quantified items).
    list: std::slice::Iter<'a, TExpr>,
    /// Then `first` branches, condition before value.
    pairs: std::slice::Iter<'a, (TExpr, TExpr)>,
    /// The value of the branch whose condition was just yielded.
    value: Option<&'a TExpr>,
    /// Then a `first`'s fallback.
    tail: Option<&'a TExpr>,
}

impl<'a> Iterator for Children<'a> {
    type Item = &'a TExpr;

    fn next(&mut self) -> Option<&'a TExpr> {
        for slot in &mut self.head {
            if let Some(e) = slot.take() {
                return Some(e);
            }
        }
        if let Some(e) = self.list.next() {
            return Some(e);
        }
        if let Some(v) = self.value.take() {
            return Some(v);
        }
        if let Some((c, v)) = self.pairs.next() {
            self.value = Some(v);
            return Some(c);
        }
        self.tail.take()
    }
}

impl TExpr {
    /// The direct sub-expressions, in the order the compiler evaluates them.
    pub fn children(&self) -> Children<'_> {
        let mut out = Children {
            head: [None, None],
            list: [].iter(),
            pairs: [].iter(),
            value: None,
            tail: None,
        };
        match &self.kind {
            TExprKind::Const(_)
            | TExprKind::Fact(_)
            | TExprKind::Def(_)
            | TExprKind::Column { .. } => {}
            TExprKind::Not(a) | TExprKind::Neg(a) | TExprKind::IsKnown(a, _) => {
                out.head[0] = Some(a);
            }
            TExprKind::Binary(_, a, b) => out.head = [Some(a), Some(b)],
            TExprKind::In { value, set, .. } => {
                out.head[0] = Some(value);
                out.list = set.iter();
            }
            TExprKind::Quantified(_, items) | TExprKind::Call(_, items) => out.list = items.iter(),
            TExprKind::Score(items) => out.pairs = items.iter(),
            TExprKind::First {
                branches,
                otherwise,
            } => {
                out.pairs = branches.iter();
                out.tail = otherwise.as_deref();
            }
        }
        out
    }

    /// This expression and every expression inside it, parents first
    /// (pre-order).
    pub fn pre_order(&self) -> PreOrder<'_> {
        PreOrder { stack: vec![self] }
    }

    /// Every expression inside this one and then itself, children first
    /// (post-order): the order the compiler finishes the nodes in.
    pub fn post_order(&self) -> PostOrder<'_> {
        PostOrder {
            stack: vec![(self, false)],
        }
    }
}

/// Pre-order iterator, see [`TExpr::pre_order`].
#[derive(Debug, Clone)]
pub struct PreOrder<'a> {
    stack: Vec<&'a TExpr>,
}

impl<'a> Iterator for PreOrder<'a> {
    type Item = &'a TExpr;

    fn next(&mut self) -> Option<&'a TExpr> {
        let e = self.stack.pop()?;
        let start = self.stack.len();
        self.stack.extend(e.children());
        // Pushed reversed, so the first child is visited next.
        if let Some(pushed) = self.stack.get_mut(start..) {
            pushed.reverse();
        }
        Some(e)
    }
}

/// Post-order iterator, see [`TExpr::post_order`].
#[derive(Debug, Clone)]
pub struct PostOrder<'a> {
    /// Nodes to visit; `true` once their children have been pushed.
    stack: Vec<(&'a TExpr, bool)>,
}

impl<'a> Iterator for PostOrder<'a> {
    type Item = &'a TExpr;

    fn next(&mut self) -> Option<&'a TExpr> {
        loop {
            let (e, expanded) = self.stack.pop()?;
            if expanded {
                return Some(e);
            }
            self.stack.push((e, true));
            let start = self.stack.len();
            self.stack.extend(e.children().map(|c| (c, false)));
            if let Some(pushed) = self.stack.get_mut(start..) {
                pushed.reverse();
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::model::{DefId, FactId, Type};
    use crate::source::Span;
    use crate::syntax::ast::{BinOp, Quantifier};
    use crate::value::Value;

    fn leaf(kind: TExprKind) -> TExpr {
        TExpr {
            kind,
            ty: Type::Bool,
            span: Span::default(),
        }
    }

    fn fact(i: u32) -> TExpr {
        leaf(TExprKind::Fact(FactId(i)))
    }

    /// The fact and definition ids of a node sequence, as labels.
    fn labels<'a>(nodes: impl Iterator<Item = &'a TExpr>) -> Vec<String> {
        nodes
            .map(|e| match &e.kind {
                TExprKind::Fact(f) => format!("f{}", f.0),
                TExprKind::Def(d) => format!("d{}", d.0),
                TExprKind::Const(_) => "c".into(),
                TExprKind::Not(_) => "not".into(),
                TExprKind::Binary(..) => "bin".into(),
                TExprKind::In { .. } => "in".into(),
                TExprKind::Quantified(..) => "any".into(),
                TExprKind::First { .. } => "first".into(),
                _ => "?".into(),
            })
            .collect()
    }

    /// `first { f0 -> f1, not f2 -> d0, otherwise f3 in {f4, c} } or any(f5, f6)`
    fn sample() -> TExpr {
        let first = leaf(TExprKind::First {
            branches: vec![
                (fact(0), fact(1)),
                (
                    leaf(TExprKind::Not(Box::new(fact(2)))),
                    leaf(TExprKind::Def(DefId(0))),
                ),
            ],
            otherwise: Some(Box::new(leaf(TExprKind::In {
                value: Box::new(fact(3)),
                set: vec![fact(4), leaf(TExprKind::Const(Value::Bool(true)))],
                negated: false,
            }))),
        });
        let any = leaf(TExprKind::Quantified(
            Quantifier::Any,
            vec![fact(5), fact(6)],
        ));
        leaf(TExprKind::Binary(BinOp::Or, Box::new(first), Box::new(any)))
    }

    #[test]
    fn children_come_in_evaluation_order() {
        let e = sample();
        assert_eq!(labels(e.children()), ["first", "any"]);
        let first = e.children().next().unwrap();
        assert_eq!(labels(first.children()), ["f0", "f1", "not", "d0", "in"]);
        let otherwise = first.children().last().unwrap();
        assert_eq!(labels(otherwise.children()), ["f3", "f4", "c"]);
        assert_eq!(labels(fact(0).children()), Vec::<String>::new());
    }

    #[test]
    fn pre_order_visits_parents_first() {
        let e = sample();
        assert_eq!(
            labels(e.pre_order()),
            [
                "bin", "first", "f0", "f1", "not", "f2", "d0", "in", "f3", "f4", "c", "any", "f5",
                "f6"
            ]
        );
    }

    #[test]
    fn post_order_visits_children_first() {
        let e = sample();
        assert_eq!(
            labels(e.post_order()),
            [
                "f0", "f1", "f2", "not", "d0", "f3", "f4", "c", "in", "first", "f5", "f6", "any",
                "bin"
            ]
        );
    }
}
