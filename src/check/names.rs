//! Check stage: resolves names and `table.column` in expressions.
//!
//! A name is looked up in the global namespace, except that a value of the
//! enum the context expects wins (with a warning when it hides a fact or
//! definition of the same name). Unknown names get "did you mean" help, and
//! an enum value used out of context gets a hint naming its enum.

use super::ctx::{Checker, Symbol};
use super::error::CheckError;
use super::model::*;
use super::warning::CheckWarning;
use crate::syntax::ast;
use crate::value::Value;

impl<'a> Checker<'a> {
    /// Resolves a bare name; `expected` enables enum values.
    pub(crate) fn name(&mut self, id: &ast::Ident, expected: Option<Type>) -> Option<TExpr> {
        let span = id.span;
        if let Some(Type::Enum(en)) = expected {
            if let Some(ix) = self.enum_index(en, &id.name) {
                if let Some((sym @ (Symbol::Fact(_) | Symbol::Def(_)), _)) =
                    self.names.get(&id.name).copied()
                {
                    let owner = self.enum_owner(en);
                    self.report(
                        span,
                        CheckWarning::EnumShadows {
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
            Some((Symbol::List(_), _)) => {
                self.report(
                    span,
                    CheckError::ListAsValue {
                        name: id.name.clone(),
                        span: span.miette(),
                    },
                );
                None
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
            // Declared by a declaration that failed to parse: the syntax
            // error says it all.
            None if self.declared_by_skipped(&id.name) => None,
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

    /// Resolves `table.column`.
    pub(crate) fn field(&mut self, table: &ast::Ident, column: &ast::Ident) -> Option<TExpr> {
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
            None if self.declared_by_skipped(&table.name) => None,
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
}
