//! Check stage: list-valued facts (`list of enum { ... }`).
//!
//! A list fact is lowered to one bool fact per value of its enum, the
//! value's slot ("does the list contain v?"). `contains`, `contains any of`,
//! `all of`, `none of`, `is empty` and `is known` become expressions over the
//! slots, so every evaluator (Kleene, exact pass, fast forms, analysis)
//! reads lists without knowing of them; the case loader fills the slots
//! from the list a case gives (see `case::lists`). `count of L` and the
//! bounded counts over a list are counts of its slots (`check::score`).

use super::ctx::{Checker, Symbol};
use super::error::CheckError;
use super::model::*;
use crate::source::Span;
use crate::syntax::ast::{self, ExprKind, Quantifier, TypeExpr};
use crate::value::Value;

impl<'a> Checker<'a> {
    /// Declares the list fact `f` and a bool slot fact per value.
    pub(crate) fn collect_list(
        &mut self,
        f: &ast::Fact,
        values: &[ast::EnumValue],
        span: Span,
        doc: &[String],
        group: Option<&str>,
    ) {
        let as_enum = TypeExpr::Enum {
            values: values.to_vec(),
            span,
        };
        let Some(Type::Enum(id)) = self.type_expr(&as_enum, &f.name.name) else {
            return;
        };
        let absent_none = match &f.absent {
            None => false,
            Some(a) if a.value == ast::AbsentValue::Empty => true,
            Some(a) => {
                let written = match &a.value {
                    ast::AbsentValue::Bool(b) => b.to_string(),
                    ast::AbsentValue::Name(n) => n.name.clone(),
                    _ => "never".into(),
                };
                self.report(
                    a.span,
                    CheckError::BadAbsent {
                        value: written,
                        fact: f.name.name.clone(),
                        reason: "a list fact's absence means `none` (the empty list)".into(),
                        span: a.span.miette(),
                    },
                );
                false
            }
        };
        let names: Vec<(String, Span)> = self
            .model
            .enum_info(id)
            .map(|e| e.values.iter().map(|v| (v.name.clone(), v.span)).collect())
            .unwrap_or_default();
        let mut slots = Vec::with_capacity(names.len());
        for (value, at) in names {
            let slot = FactId(self.model.facts.len() as u32);
            let domain = Domain {
                absent: absent_none.then_some(Value::Bool(false)),
                ..Domain::default()
            };
            self.model.facts.push(FactInfo {
                name: format!("{} contains {value}", f.name.name),
                description: format!("{}: contains {value}?", f.description.value),
                doc: doc.to_vec(),
                ty: Type::Bool,
                group: group.map(str::to_string),
                span: at,
                domain,
            });
            self.fact_ok.push(true);
            // A value the guideline never tests is not an unused fact: the
            // case still gives the whole list.
            self.fact_used.push(true);
            slots.push(slot);
        }
        let index = self.model.lists.len() as u32;
        self.declare(&f.name, Symbol::List(index));
        self.model.lists.push(ListInfo {
            name: f.name.name.clone(),
            description: f.description.value.clone(),
            values: id,
            slots,
            absent_none,
            span: f.name.span,
        });
    }

    /// True when `e` names a list fact.
    pub(crate) fn is_list(&self, e: &ast::Expr) -> bool {
        matches!(&e.kind, ExprKind::Name(id)
            if matches!(self.names.get(&id.name), Some((Symbol::List(_), _))))
    }

    /// The list fact `e` names, or a reported error.
    fn list_of(&mut self, e: &ast::Expr, what: &'static str) -> Option<ListInfo> {
        if let ExprKind::Name(id) = &e.kind {
            if let Some((Symbol::List(i), _)) = self.names.get(&id.name).copied() {
                return self.model.lists.get(i as usize).cloned();
            }
        }
        let found = match &e.kind {
            ExprKind::Name(id) => match self.names.get(&id.name).copied() {
                Some((sym, _)) => format!("the {} `{}`", sym.kind(), id.name),
                None => format!("the unknown name `{}`", id.name),
            },
            _ => "an expression".into(),
        };
        let lists = self.model.lists.iter().map(|l| l.name.as_str());
        let name = match &e.kind {
            ExprKind::Name(id) => id.name.as_str(),
            _ => "",
        };
        let help = crate::diagnostics::suggestion(name, lists).unwrap_or_else(|| {
            "declare a list fact: `fact current_medications \"...\": list of enum { a, b }`".into()
        });
        self.report(
            e.span,
            CheckError::NotAList {
                what,
                found,
                help,
                span: e.span.miette(),
            },
        );
        None
    }

    /// The slot of `value` in `list`, or a reported "not a value" error.
    fn slot(&mut self, list: &ListInfo, value: &ast::Expr) -> Option<TExpr> {
        let index = match &value.kind {
            ExprKind::Name(id) => self.enum_index(list.values, &id.name),
            _ => None,
        };
        let Some(slot) = index.and_then(|i| list.slots.get(i as usize).copied()) else {
            let written = match &value.kind {
                ExprKind::Name(id) => id.name.clone(),
                _ => "this expression".into(),
            };
            let help = self.enum_help(list.values, &written);
            self.report(
                value.span,
                CheckError::UnknownEnumValue {
                    value: written,
                    owner: list.name.clone(),
                    span: value.span.miette(),
                    help,
                },
            );
            return None;
        };
        self.use_fact(slot);
        Some(TExpr {
            kind: TExprKind::Fact(slot),
            ty: Type::Bool,
            span: value.span,
        })
    }

    /// `L contains v`, `L contains any of {..}`, `all of`, `none of`.
    pub(crate) fn contains(
        &mut self,
        list: &ast::Expr,
        quantifier: Option<Quantifier>,
        values: &[ast::Expr],
        span: Span,
    ) -> Option<TExpr> {
        let info = self.list_of(list, "contains")?;
        let mut slots = Vec::with_capacity(values.len());
        let mut ok = true;
        for v in values {
            match self.slot(&info, v) {
                Some(s) => slots.push(s),
                None => ok = false,
            }
        }
        if !ok {
            return None;
        }
        let kind = match (quantifier, slots.len()) {
            (None, 1) => return slots.pop().map(|s| TExpr { span, ..s }),
            (q, _) => TExprKind::Quantified(q.unwrap_or(Quantifier::Any), slots),
        };
        Some(TExpr {
            kind,
            ty: Type::Bool,
            span,
        })
    }

    /// `L is empty`: none of its values.
    pub(crate) fn is_empty(&mut self, list: &ast::Expr, span: Span) -> Option<TExpr> {
        let info = self.list_of(list, "is empty")?;
        Some(TExpr {
            kind: TExprKind::Quantified(Quantifier::None, self.slot_exprs(&info, span)),
            ty: Type::Bool,
            span,
        })
    }

    /// `L is known` (every value known in or out) or `L is unknown`.
    pub(crate) fn list_known(
        &mut self,
        list: &ast::Expr,
        known: bool,
        span: Span,
    ) -> Option<TExpr> {
        let info = self.list_of(list, "is known")?;
        let each = self
            .slot_exprs(&info, span)
            .into_iter()
            .map(|s| TExpr {
                kind: TExprKind::IsKnown(Box::new(s), true),
                ty: Type::Bool,
                span,
            })
            .collect();
        let all = TExpr {
            kind: TExprKind::Quantified(Quantifier::All, each),
            ty: Type::Bool,
            span,
        };
        Some(if known {
            all
        } else {
            TExpr {
                kind: TExprKind::Not(Box::new(all)),
                ty: Type::Bool,
                span,
            }
        })
    }

    /// `count of L`, `count of L in {a, b}` and the bounded forms (`at
    /// least k of L in {...}`): the count of the values' slots, through
    /// the same 1-point score as `count of [...]`, so a count is an
    /// interval while some values are unknown.
    pub(crate) fn count_list(
        &mut self,
        bound: Option<&(ast::CountBound, Box<ast::Expr>)>,
        list: &ast::Expr,
        values: Option<&[ast::Expr]>,
        span: Span,
    ) -> Option<TExpr> {
        let info = self.list_of(list, "count of")?;
        let Some(values) = values else {
            let slots = self.slot_exprs(&info, list.span);
            return self.counted(bound, slots, span);
        };
        let mut slots: Vec<TExpr> = Vec::with_capacity(values.len());
        let mut ok = true;
        for v in values {
            let Some(s) = self.slot(&info, v) else {
                ok = false;
                continue;
            };
            let fact = |t: &TExpr| match t.kind {
                TExprKind::Fact(f) => Some(f),
                _ => None,
            };
            if let Some(first) = slots.iter().find(|t| fact(t) == fact(&s)) {
                let value = match &v.kind {
                    ExprKind::Name(id) => id.name.clone(),
                    _ => String::new(),
                };
                let first = first.span.miette();
                self.report(
                    v.span,
                    CheckError::RepeatedValue {
                        value,
                        list: info.name.clone(),
                        span: v.span.miette(),
                        first,
                    },
                );
                ok = false;
                continue;
            }
            slots.push(s);
        }
        if !ok {
            return None;
        }
        self.counted(bound, slots, span)
    }

    fn slot_exprs(&mut self, info: &ListInfo, span: Span) -> Vec<TExpr> {
        info.slots
            .iter()
            .map(|s| {
                self.use_fact(*s);
                TExpr {
                    kind: TExprKind::Fact(*s),
                    ty: Type::Bool,
                    span,
                }
            })
            .collect()
    }
}
