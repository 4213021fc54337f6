//! Check stage: types definitions and stores their bodies in the model.
//!
//! A definition with a declared type is read with that type; one without
//! takes its body's type, so it is typed before its readers (see
//! `order.rs`). A definition met again while it is being typed is part of a
//! cycle; its readers stay quiet and `cycles.rs` reports the cycle.

use super::ctx::{Checker, DefSrc, DefState};
use super::error::CheckError;
use super::model::*;
use crate::syntax::ast;
use crate::value::Value;

impl<'a> Checker<'a> {
    /// The type of a definition, typing its body first when the type is
    /// inferred. `None` when the definition has errors or is part of a cycle
    /// (the cycle is reported separately).
    pub(crate) fn def_type(&mut self, d: DefId) -> Option<Type> {
        let ix = d.0 as usize;
        let declared = self.def_declared.get(ix).copied().unwrap_or(false);
        match self.def_state.get(ix).copied()? {
            DefState::Done(false) => None,
            DefState::Done(true) => Some(self.model.defs.get(ix)?.ty),
            DefState::Busy | DefState::Todo if declared => Some(self.model.defs.get(ix)?.ty),
            DefState::Busy => None,
            DefState::Todo => {
                self.check_def(d);
                self.def_type(d)
            }
        }
    }

    /// Types a definition's body (or a table) and stores it in the model.
    pub(crate) fn check_def(&mut self, d: DefId) {
        let ix = d.0 as usize;
        if self.def_state.get(ix) != Some(&DefState::Todo) {
            return;
        }
        if let Some(s) = self.def_state.get_mut(ix) {
            *s = DefState::Busy;
        }
        self.reading.push(d);
        let (depth, reported) = (self.depth, self.deep_reported);
        self.depth = 0;
        let ok = match self.def_src.get(ix).copied() {
            Some(DefSrc::Define(def)) => self.check_define(d, def),
            Some(DefSrc::Table(tid, table)) => self.check_table(tid, table),
            None => false,
        };
        self.reading.pop();
        (self.depth, self.deep_reported) = (depth, reported);
        if let Some(s) = self.def_state.get_mut(ix) {
            *s = DefState::Done(ok);
        }
    }

    fn check_define(&mut self, d: DefId, def: &ast::Define) -> bool {
        let ix = d.0 as usize;
        let declared = self.def_declared.get(ix).copied().unwrap_or(false);
        let declared_ty = self.model.defs.get(ix).map(|i| i.ty);
        let expected = if declared { declared_ty } else { None };
        let Some(body) = self.expr(&def.body, expected) else {
            return false;
        };
        if let (Some(want), true) = (declared_ty, declared) {
            if !assignable(body.ty, want) {
                let found = self.type_name(body.ty);
                let want_name = self.type_name(want);
                let ty_span = def
                    .ty
                    .as_ref()
                    .map(|t| (t.span(), format!("declared {want_name}")));
                let message = format!(
                    "definition `{}` is declared {want_name}, but its body is {found}",
                    def.name.name
                );
                let label = format!("this is {found}");
                if matches!(
                    (body.ty, want),
                    (Type::Quantity { .. }, Type::Quantity { .. })
                ) {
                    self.unit_mismatch(body.span, message, label, ty_span, None);
                } else {
                    self.mismatch(body.span, message, label, ty_span, None);
                }
                return false;
            }
        }
        if let (
            true,
            Some(Type::Int {
                min: Some(lo),
                max: Some(hi),
            }),
        ) = (declared, declared_ty)
        {
            self.result_range(&body, lo, hi, &def.name.name);
        }
        if let Some(info) = self.model.defs.get_mut(ix) {
            if !declared {
                info.ty = body.ty;
            }
            info.body = DefBody::Expr(body);
        }
        true
    }
}

impl<'a> Checker<'a> {
    /// Reports integer literals a definition declared `integer lo to hi`
    /// can yield (directly or as a `first` value) that are outside the range.
    fn result_range(&mut self, body: &TExpr, lo: i64, hi: i64, name: &str) {
        let mut stack = vec![body];
        while let Some(e) = stack.pop() {
            match &e.kind {
                TExprKind::Const(Value::Int(v)) if !(lo..=hi).contains(v) => {
                    self.report(
                        e.span,
                        CheckError::OutOfRange {
                            value: *v,
                            name: name.to_string(),
                            min: lo.to_string(),
                            max: hi.to_string(),
                            span: e.span.miette(),
                            label: "outside the declared range",
                            help: Some(
                                "correct the value or the definition's declared range".into(),
                            ),
                        },
                    );
                }
                TExprKind::First {
                    branches,
                    otherwise,
                } => {
                    stack.extend(branches.iter().map(|(_, v)| v));
                    stack.extend(otherwise.as_deref());
                }
                _ => {}
            }
        }
    }
}

/// True when a value of type `actual` can be stored where `target` is declared.
pub(crate) fn assignable(actual: Type, target: Type) -> bool {
    match (actual, target) {
        (Type::Int { .. }, Type::Int { .. }) => true,
        (Type::Quantity { dim: a, .. }, Type::Quantity { dim: b, .. }) => a == b,
        (a, b) => a == b,
    }
}
