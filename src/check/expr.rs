//! Check stage: resolves and types expressions into [`TExpr`].
//!
//! Names resolve in the global namespace, except that a name that is a value
//! of the enum the context expects (`histology = leiomyosarcoma`) resolves to
//! that value. Literals become constants in canonical units. A subexpression
//! with an error yields `None`, so its parents stay quiet about it and only
//! the first cause is reported.

use super::ctx::{Checker, DefSrc, DefState, Symbol};
use super::error::CheckError;
use super::model::*;
use crate::source::Span;
use crate::syntax::ast::{self, ExprKind, Literal};
use crate::value::Value;

/// The deepest expression nesting the checker types. Long chains such as
/// `a and b and c ...` nest one level per operator; the limit keeps the
/// checker (and the interpreter after it) well inside the stack.
pub const MAX_EXPR_DEPTH: usize = 128;

impl<'a> Checker<'a> {
    /// Types `e`; `expected` is the type the context wants, used to resolve
    /// enum values and to read integer literals as numbers. It is a hint:
    /// the caller still checks the result's type.
    pub(crate) fn expr(&mut self, e: &ast::Expr, expected: Option<Type>) -> Option<TExpr> {
        if self.depth >= MAX_EXPR_DEPTH {
            if !self.deep_reported {
                self.deep_reported = true;
                self.report(
                    e.span,
                    CheckError::TooDeep {
                        limit: MAX_EXPR_DEPTH,
                        span: e.span.miette(),
                    },
                );
            }
            return None;
        }
        if self.depth == 0 {
            self.deep_reported = false;
        }
        self.depth += 1;
        let typed = self.expr_inner(e, expected);
        self.depth -= 1;
        typed
    }

    fn expr_inner(&mut self, e: &ast::Expr, expected: Option<Type>) -> Option<TExpr> {
        let span = e.span;
        let (kind, ty) = match &e.kind {
            ExprKind::Literal(lit) => return self.literal(lit, expected),
            ExprKind::Name(id) => return self.name(id, expected),
            ExprKind::Field(table, column) => return self.field(table, column),
            ExprKind::Not(inner) => {
                let t = self.expr(inner, Some(Type::Bool))?;
                self.want_bool(&t, "`not`")?;
                (TExprKind::Not(Box::new(t)), Type::Bool)
            }
            ExprKind::Neg(inner) => {
                let t = self.expr(inner, expected)?;
                match t.ty {
                    Type::Int { .. } => (
                        TExprKind::Neg(Box::new(t)),
                        Type::Int {
                            min: None,
                            max: None,
                        },
                    ),
                    Type::Number | Type::Quantity { .. } => {
                        let ty = t.ty;
                        (TExprKind::Neg(Box::new(t)), ty)
                    }
                    other => {
                        let found = self.type_name(other);
                        self.mismatch(
                            t.span,
                            format!("cannot negate a value of type {found}"),
                            format!("this is {found}"),
                            None,
                            Some("`-` applies to integers, numbers and quantities".into()),
                        );
                        return None;
                    }
                }
            }
            ExprKind::Binary(op, lhs, rhs) => return self.binary(*op, lhs, rhs, span),
            ExprKind::In {
                value,
                set,
                negated,
            } => return self.in_set(value, set, *negated, span),
            ExprKind::IsKnown(inner, known) => {
                let t = self.expr(inner, None)?;
                (TExprKind::IsKnown(Box::new(t), *known), Type::Bool)
            }
            ExprKind::Quantified(q, items) => {
                let mut out = Vec::with_capacity(items.len());
                let mut ok = true;
                for item in items {
                    match self.expr(item, Some(Type::Bool)) {
                        Some(t)
                            if self
                                .want_bool(&t, "a list of `any of`/`all of`/`none of`")
                                .is_some() =>
                        {
                            out.push(t)
                        }
                        _ => ok = false,
                    }
                }
                if !ok {
                    return None;
                }
                (TExprKind::Quantified(*q, out), Type::Bool)
            }
            ExprKind::First {
                branches,
                otherwise,
            } => return self.first(branches, otherwise.as_deref(), expected, span),
        };
        Some(TExpr { kind, ty, span })
    }

    /// Reports a non-bool where `what` needs a bool.
    pub(crate) fn want_bool(&mut self, t: &TExpr, what: &str) -> Option<()> {
        if t.ty == Type::Bool {
            return Some(());
        }
        let found = self.type_name(t.ty);
        self.mismatch(
            t.span,
            format!("{what} needs a bool, but this is {found}"),
            format!("{found}, not bool"),
            None,
            Some(
                "compare it to get a bool, e.g. `grade >= 2` or `histology = leiomyosarcoma`"
                    .into(),
            ),
        );
        None
    }

    /// Reports a type mismatch.
    pub(crate) fn mismatch(
        &mut self,
        span: Span,
        message: String,
        label: String,
        other: Option<(Span, String)>,
        help: Option<String>,
    ) {
        let (other, other_label) = split_other(span, other);
        self.report(
            span,
            CheckError::TypeMismatch {
                message,
                span: span.miette(),
                label,
                other,
                other_label,
                help,
            },
        );
    }

    /// Reports a unit mismatch.
    pub(crate) fn unit_mismatch(
        &mut self,
        span: Span,
        message: String,
        label: String,
        other: Option<(Span, String)>,
        help: Option<String>,
    ) {
        let (other, other_label) = split_other(span, other);
        self.report(
            span,
            CheckError::UnitMismatch {
                message,
                span: span.miette(),
                label,
                other,
                other_label,
                help,
            },
        );
    }

    fn literal(&mut self, lit: &Literal, expected: Option<Type>) -> Option<TExpr> {
        let span = lit.span();
        let (value, ty) = match lit {
            Literal::Bool(b, _) => (Value::Bool(*b), Type::Bool),
            Literal::Number {
                value,
                is_integer: true,
                ..
            } if expected != Some(Type::Number) => (
                Value::Int(*value as i64),
                Type::Int {
                    min: None,
                    max: None,
                },
            ),
            Literal::Number { value, .. } => (Value::Number(*value), Type::Number),
            Literal::Quantity(q) => {
                let unit = self.unit(&q.unit)?;
                (
                    Value::Quantity(q.value * unit.factor),
                    Type::Quantity {
                        dim: unit.dimension,
                        unit,
                    },
                )
            }
            Literal::Date(d) => (Value::Date(self.date(d)?), Type::Date),
            Literal::Text(_) => {
                self.mismatch(
                    span,
                    "text cannot be used in an expression".into(),
                    "a string".into(),
                    None,
                    Some("strings are for descriptions and statements; enum values are written without quotes".into()),
                );
                return None;
            }
        };
        Some(TExpr {
            kind: TExprKind::Const(value),
            ty,
            span,
        })
    }

    /// Parses a date literal, reporting an impossible date.
    pub(crate) fn date(&mut self, d: &ast::DateLit) -> Option<i32> {
        let days = crate::value::parse_date(&d.text);
        if days.is_none() {
            self.report(
                d.span,
                CheckError::BadDate {
                    text: d.text.clone(),
                    span: d.span.miette(),
                },
            );
        }
        days
    }

    fn name(&mut self, id: &ast::Ident, expected: Option<Type>) -> Option<TExpr> {
        let span = id.span;
        if let Some(Type::Enum(en)) = expected {
            if let Some(ix) = self.enum_index(en, &id.name) {
                if let Some((sym @ (Symbol::Fact(_) | Symbol::Def(_)), _)) =
                    self.names.get(&id.name).copied()
                {
                    let owner = self.enum_owner(en);
                    self.report(
                        span,
                        CheckError::EnumShadows {
                            name: id.name.clone(),
                            owner,
                            found: sym.kind(),
                            span: span.miette(),
                        },
                    );
                }
                return Some(TExpr {
                    kind: TExprKind::Const(Value::Enum(ix)),
                    ty: Type::Enum(en),
                    span,
                });
            }
        }
        match self.names.get(&id.name).copied() {
            Some((Symbol::Fact(f), _)) => {
                self.use_fact(f);
                if !self.fact_ok.get(f.0 as usize).copied().unwrap_or(false) {
                    return None;
                }
                let ty = self.model.facts.get(f.0 as usize)?.ty;
                Some(TExpr {
                    kind: TExprKind::Fact(f),
                    ty,
                    span,
                })
            }
            Some((Symbol::Def(d), _)) | Some((Symbol::Table(_, d), _)) => {
                self.use_def(d, span);
                let ty = self.def_type(d)?;
                Some(TExpr {
                    kind: TExprKind::Def(d),
                    ty,
                    span,
                })
            }
            Some((sym, decl)) => {
                let declared = (decl.file == span.file).then(|| decl.miette());
                self.report(
                    span,
                    CheckError::WrongKind {
                        name: id.name.clone(),
                        found: sym.kind(),
                        expected: "a fact or definition",
                        span: span.miette(),
                        declared,
                    },
                );
                None
            }
            None => {
                if let Some(Type::Enum(en)) = expected {
                    let help = self.enum_help(en, &id.name);
                    let owner = self.enum_owner(en);
                    self.report(
                        span,
                        CheckError::UnknownEnumValue {
                            value: id.name.clone(),
                            owner,
                            span: span.miette(),
                            help,
                        },
                    );
                    return None;
                }
                let help = match self
                    .value_owners
                    .get(&id.name)
                    .and_then(|v| v.first())
                    .copied()
                {
                    Some(en) => {
                        let owner = self.enum_owner(en);
                        Some(format!(
                            "`{}` is a value of `{owner}`; compare it: `{owner} = {}`",
                            id.name, id.name
                        ))
                    }
                    None => self.value_name_help(&id.name),
                };
                self.report(
                    span,
                    CheckError::UnknownName {
                        what: "name",
                        name: id.name.clone(),
                        span: span.miette(),
                        help,
                    },
                );
                None
            }
        }
    }

    fn field(&mut self, table: &ast::Ident, column: &ast::Ident) -> Option<TExpr> {
        let span = table.span.to(column.span);
        match self.names.get(&table.name).copied() {
            Some((Symbol::Table(tid, def), _)) => {
                self.use_def(def, table.span);
                let info = self.model.tables.get(tid.0 as usize)?;
                match info.columns.iter().position(|c| c.name == column.name) {
                    Some(ix) => {
                        let ty = info.columns.get(ix)?.ty;
                        Some(TExpr {
                            kind: TExprKind::Column {
                                def,
                                table: tid,
                                column: ix as u16,
                            },
                            ty,
                            span,
                        })
                    }
                    None => {
                        let names: Vec<&str> =
                            info.columns.iter().map(|c| c.name.as_str()).collect();
                        let help =
                            crate::diagnostics::suggestion(&column.name, names.iter().copied())
                                .or_else(|| {
                                    let list: Vec<String> =
                                        names.iter().map(|n| format!("`{n}`")).collect();
                                    Some(format!("the columns are {}", list.join(", ")))
                                });
                        self.report(
                            column.span,
                            CheckError::UnknownColumn {
                                table: table.name.clone(),
                                column: column.name.clone(),
                                span: column.span.miette(),
                                help,
                            },
                        );
                        None
                    }
                }
            }
            Some((sym, decl)) => {
                let declared = (decl.file == span.file).then(|| decl.miette());
                self.report(
                    table.span,
                    CheckError::WrongKind {
                        name: table.name.clone(),
                        found: sym.kind(),
                        expected: "a table",
                        span: table.span.miette(),
                        declared,
                    },
                );
                None
            }
            None => {
                let candidates: Vec<&str> = self
                    .names
                    .iter()
                    .filter(|(_, (s, _))| matches!(s, Symbol::Table(..)))
                    .map(|(n, _)| n.as_str())
                    .collect();
                let help = crate::diagnostics::suggestion(&table.name, candidates);
                self.report(
                    table.span,
                    CheckError::UnknownName {
                        what: "table",
                        name: table.name.clone(),
                        span: table.span.miette(),
                        help,
                    },
                );
                None
            }
        }
    }

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
        if let Some(info) = self.model.defs.get_mut(ix) {
            if !declared {
                info.ty = body.ty;
            }
            info.body = DefBody::Expr(body);
        }
        true
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

fn split_other(span: Span, other: Option<(Span, String)>) -> (Option<miette::SourceSpan>, String) {
    match other {
        Some((s, l)) if s.file == span.file => (Some(s.miette()), l),
        _ => (None, String::new()),
    }
}
