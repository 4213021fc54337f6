//! Check stage: constraints, conditions on the facts every case must meet.
//!
//! A constraint is a bool condition like a `when`, but it reads facts
//! only: it is checked when a case is loaded, before anything is derived,
//! and a case that breaks it is rejected with a diagnostic at its facts.

use super::ctx::Checker;
use super::error::CheckError;
use super::model::{ConstraintInfo, FactId, TExpr, TExprKind};
use crate::syntax::ast;

impl Checker<'_> {
    /// Checks every constraint and adds it to the model.
    pub(crate) fn check_constraints(&mut self, list: &[(&ast::Constraint, &ast::Decl)]) {
        let mut names: Vec<&ast::Ident> = Vec::new();
        for (c, decl) in list {
            if let Some(first) = names.iter().find(|n| n.name == c.name.name) {
                let (first, help) = self.elsewhere(c.name.span, first.span, "first declared");
                self.report(
                    c.name.span,
                    CheckError::Duplicate {
                        what: "constraint",
                        name: c.name.name.clone(),
                        span: c.name.span.miette(),
                        first,
                        help,
                    },
                );
                continue;
            }
            names.push(&c.name);
            let Some(condition) = self.condition(&c.condition) else {
                continue;
            };
            let mut facts = Vec::new();
            if !self.facts_only(&c.name.name, &condition, &mut facts) {
                continue;
            }
            facts.sort_unstable();
            facts.dedup();
            self.model.constraints.push(ConstraintInfo {
                name: c.name.name.clone(),
                description: c.description.value.clone(),
                doc: decl.doc.clone(),
                condition,
                facts,
                span: c.name.span,
                decl_span: decl.span,
            });
        }
    }

    /// Collects the facts `e` reads; reports (and returns false for) every
    /// definition or table it reads.
    fn facts_only(&mut self, constraint: &str, e: &TExpr, facts: &mut Vec<FactId>) -> bool {
        let children: Vec<&TExpr> = match &e.kind {
            TExprKind::Const(_) => Vec::new(),
            TExprKind::Fact(f) => {
                facts.push(*f);
                Vec::new()
            }
            TExprKind::Def(d) | TExprKind::Column { def: d, .. } => {
                let name = self
                    .model
                    .defs
                    .get(d.0 as usize)
                    .map(|d| d.name.clone())
                    .unwrap_or_default();
                self.report(
                    e.span,
                    CheckError::ConstraintReadsDefinition {
                        constraint: constraint.to_string(),
                        name,
                        span: e.span.miette(),
                    },
                );
                return false;
            }
            TExprKind::Not(a) | TExprKind::Neg(a) | TExprKind::IsKnown(a, _) => vec![a],
            TExprKind::Binary(_, a, b) => vec![a, b],
            TExprKind::In { value, set, .. } => {
                std::iter::once(value.as_ref()).chain(set).collect()
            }
            TExprKind::Quantified(_, items) | TExprKind::Call(_, items) => items.iter().collect(),
            TExprKind::Score(items) => items.iter().flat_map(|(c, p)| [c, p]).collect(),
            TExprKind::First {
                branches,
                otherwise,
            } => branches
                .iter()
                .flat_map(|(c, v)| [c, v])
                .chain(otherwise.as_deref())
                .collect(),
        };
        let mut ok = true;
        for child in children {
            ok &= self.facts_only(constraint, child, facts);
        }
        ok
    }
}
