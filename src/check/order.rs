//! Check stage: the order in which definitions are typed.
//!
//! A definition without a declared type takes its type from its body, so
//! everything it reads must be typed first. Typing on demand would recurse
//! once per link of a chain of definitions; instead the names each body
//! mentions are collected from the AST (without typing) and the definitions
//! are typed in a depth-first post-order of that graph, so each one finds
//! its dependencies already typed. Cycles are reported later, from the
//! reads the typing records.

use super::ctx::{Checker, DefSrc, Symbol};
use super::model::DefId;
use crate::syntax::ast::{Expr, ExprKind};

impl<'a> Checker<'a> {
    /// The definitions in an order where each comes after the definitions
    /// its body mentions (cycles broken arbitrarily).
    pub(crate) fn typing_order(&self) -> Vec<DefId> {
        let graph: Vec<Vec<usize>> = self.def_src.iter().map(|src| self.mentions(src)).collect();
        let n = graph.len();
        let mut seen = vec![false; n];
        let mut order = Vec::with_capacity(n);
        for root in 0..n {
            if seen[root] {
                continue;
            }
            seen[root] = true;
            let mut stack: Vec<(usize, usize)> = vec![(root, 0)];
            while let Some(&mut (node, ref mut next)) = stack.last_mut() {
                match graph.get(node).and_then(|deps| deps.get(*next)).copied() {
                    Some(dep) => {
                        *next += 1;
                        if dep < n && !seen[dep] {
                            seen[dep] = true;
                            stack.push((dep, 0));
                        }
                    }
                    None => {
                        order.push(DefId(node as u32));
                        stack.pop();
                    }
                }
            }
        }
        order
    }

    /// The definitions a definition's source mentions by name.
    fn mentions(&self, src: &DefSrc<'a>) -> Vec<usize> {
        let mut out = Vec::new();
        let mut add = |name: &str| {
            if let Some((Symbol::Def(d) | Symbol::Table(_, d), _)) = self.names.get(name) {
                out.push(d.0 as usize);
            }
        };
        match src {
            DefSrc::Table(_, table) => {
                for key in &table.keys {
                    add(&key.name);
                }
            }
            DefSrc::Define(def) => {
                let mut stack: Vec<&Expr> = vec![&def.body];
                while let Some(e) = stack.pop() {
                    match &e.kind {
                        ExprKind::Literal(_) => {}
                        ExprKind::Name(id) => add(&id.name),
                        ExprKind::Field(table, _) => add(&table.name),
                        ExprKind::Implies { a, b, .. } => {
                            stack.push(a);
                            stack.push(b);
                        }
                        ExprKind::Not(x)
                        | ExprKind::Neg(x)
                        | ExprKind::IsKnown(x, _)
                        | ExprKind::IsEmpty(x)
                        | ExprKind::InUnit(x, _)
                        | ExprKind::AsUnit(x, _) => stack.push(x),
                        ExprKind::Contains { list, values, .. } => {
                            stack.push(list);
                            stack.extend(values.iter());
                        }
                        ExprKind::Binary(_, a, b) => {
                            stack.push(a);
                            stack.push(b);
                        }
                        ExprKind::In { value, set, .. } => {
                            stack.push(value);
                            stack.extend(set.iter());
                        }
                        ExprKind::Quantified(_, items) | ExprKind::Call(_, items) => {
                            stack.extend(items.iter())
                        }
                        ExprKind::Count { bound, items } => {
                            stack.extend(bound.iter().map(|(_, k)| k.as_ref()));
                            stack.extend(items.iter());
                        }
                        ExprKind::CountList {
                            bound,
                            list,
                            values,
                        } => {
                            stack.extend(bound.iter().map(|(_, k)| k.as_ref()));
                            stack.push(list);
                            stack.extend(values.iter().flatten());
                        }
                        ExprKind::Score(items) => {
                            for item in items {
                                stack.push(&item.points);
                                stack.extend(item.when.iter());
                            }
                        }
                        ExprKind::First {
                            branches,
                            otherwise,
                        } => {
                            for (c, v) in branches {
                                stack.push(c);
                                stack.push(v);
                            }
                            if let Some(o) = otherwise {
                                stack.push(o);
                            }
                        }
                    }
                }
            }
        }
        out
    }
}
