//! Check stage: checks lookup tables: keys, row patterns and cells.
//!
//! Keys must be enum-typed facts or definitions; each row names one value of
//! each key's enum (or `_`) and has one literal per column, converted to the
//! column's type (quantities in canonical units).

use super::ctx::Checker;
use super::error::CheckError;
use super::model::*;
use crate::syntax::ast::{self, Literal};
use crate::value::Value;

impl<'a> Checker<'a> {
    /// Checks a table and fills in its keys and rows; false on errors.
    pub(crate) fn check_table(&mut self, tid: TableId, t: &ast::Table) -> bool {
        let mut ok = true;
        let mut keys = Vec::with_capacity(t.keys.len());
        let mut key_enums = Vec::with_capacity(t.keys.len());
        for key in &t.keys {
            let e = ast::Expr {
                kind: ast::ExprKind::Name(key.clone()),
                span: key.span,
            };
            match self.expr(&e, None) {
                Some(k) => match k.ty {
                    Type::Enum(en) => {
                        key_enums.push(Some(en));
                        keys.push(k);
                    }
                    other => {
                        let found = self.type_name(other);
                        self.report(
                            key.span,
                            CheckError::TableKey {
                                name: key.name.clone(),
                                found,
                                span: key.span.miette(),
                            },
                        );
                        key_enums.push(None);
                        ok = false;
                    }
                },
                None => {
                    key_enums.push(None);
                    ok = false;
                }
            }
        }
        let columns: Vec<(String, Type)> = self
            .model
            .tables
            .get(tid.0 as usize)
            .map(|i| i.columns.iter().map(|c| (c.name.clone(), c.ty)).collect())
            .unwrap_or_default();
        let mut rows = Vec::with_capacity(t.rows.len());
        for row in &t.rows {
            if let Some(r) = self.row(row, &key_enums, &columns, &t.name.name) {
                rows.push(r);
            } else {
                ok = false;
            }
        }
        let cites = self.cites(&t.cites);
        if let Some(info) = self.model.tables.get_mut(tid.0 as usize) {
            info.keys = keys;
            info.rows = rows;
            info.cites = cites;
        }
        ok
    }

    fn row(
        &mut self,
        row: &ast::Row,
        key_enums: &[Option<EnumId>],
        columns: &[(String, Type)],
        table: &str,
    ) -> Option<RowInfo> {
        let mut ok = true;
        if row.keys.len() != key_enums.len() {
            self.report(
                row.span,
                CheckError::RowArity {
                    found: count(row.keys.len(), "key"),
                    expected: count(key_enums.len(), "key"),
                    span: row.span.miette(),
                },
            );
            ok = false;
        }
        if row.cells.len() != columns.len() {
            self.report(
                row.span,
                CheckError::RowArity {
                    found: count(row.cells.len(), "cell"),
                    expected: count(columns.len(), "cell"),
                    span: row.span.miette(),
                },
            );
            ok = false;
        }
        let mut keys = Vec::with_capacity(row.keys.len());
        for (pattern, en) in row.keys.iter().zip(key_enums) {
            let (Some(id), Some(en)) = (pattern, en) else {
                keys.push(None);
                continue;
            };
            match self.enum_index(*en, &id.name) {
                Some(ix) => keys.push(Some(ix)),
                None => {
                    let help = self.enum_help(*en, &id.name);
                    let owner = self.enum_owner(*en);
                    self.report(
                        id.span,
                        CheckError::UnknownEnumValue {
                            value: id.name.clone(),
                            owner,
                            span: id.span.miette(),
                            help,
                        },
                    );
                    ok = false;
                }
            }
        }
        let mut cells = Vec::with_capacity(row.cells.len());
        for (lit, (name, ty)) in row.cells.iter().zip(columns) {
            match self.cell(lit, *ty, &format!("{table}.{name}")) {
                Some(v) => cells.push(v),
                None => ok = false,
            }
        }
        ok.then_some(RowInfo {
            keys,
            cells,
            span: row.span,
        })
    }

    /// Converts a literal cell to a value of the column's type.
    fn cell(&mut self, lit: &Literal, ty: Type, column: &str) -> Option<Value> {
        let span = lit.span();
        let value = match (lit, ty) {
            (Literal::Bool(b, _), Type::Bool) => Some(Value::Bool(*b)),
            (
                Literal::Number {
                    value,
                    is_integer: true,
                    ..
                },
                Type::Int { min, max },
            ) => {
                let v = self.int_literal(*value, span)?;
                if min.is_some_and(|m| v < m) || max.is_some_and(|m| v > m) {
                    self.report(
                        span,
                        CheckError::OutOfRange {
                            value: v,
                            name: column.to_string(),
                            min: min.map(|m| m.to_string()).unwrap_or_default(),
                            max: max.map(|m| m.to_string()).unwrap_or_default(),
                            span: span.miette(),
                            label: "outside the column's range",
                            help: None,
                        },
                    );
                    return None;
                }
                Some(Value::Int(v))
            }
            (Literal::Quantity(q), Type::Quantity { dim, .. }) => {
                let unit = self.unit(&q.unit)?;
                if unit.dimension != dim {
                    self.unit_mismatch(
                        span,
                        format!(
                            "column `{column}` holds {}, but this is {}",
                            dim.name(),
                            unit.dimension.name()
                        ),
                        format!("a {}", unit.dimension.name()),
                        None,
                        Some(format!(
                            "write the value in a unit of {}, e.g. `{}`",
                            dim.name(),
                            dim.canonical()
                        )),
                    );
                    return None;
                }
                Some(Value::Quantity(
                    self.quantity_literal(q.value, unit, q.span)?,
                ))
            }
            (Literal::Date(d), Type::Date) => Some(Value::Date(self.date(d)?)),
            (Literal::Text(t), Type::Enum(en)) => match self.enum_index(en, &t.value) {
                Some(ix) => Some(Value::Enum(ix)),
                None => {
                    let help = self.enum_help(en, &t.value);
                    self.report(
                        span,
                        CheckError::UnknownEnumValue {
                            value: t.value.clone(),
                            owner: column.to_string(),
                            span: span.miette(),
                            help,
                        },
                    );
                    return None;
                }
            },
            _ => None,
        };
        if value.is_none() {
            let want = self.type_name(ty);
            let help = match (lit, ty) {
                (Literal::Number { .. }, Type::Quantity { dim, .. }) => Some(format!(
                    "write the unit, e.g. `{} {}`",
                    self.sources.slice(span),
                    dim.canonical()
                )),
                _ => None,
            };
            let message = format!("column `{column}` holds {want}, but this cell is not");
            let label = format!("expected {want}");
            if matches!(ty, Type::Quantity { .. }) {
                self.unit_mismatch(span, message, label, None, help);
            } else {
                self.mismatch(span, message, label, None, help);
            }
        }
        value
    }
}

/// `1 key`, `2 keys`.
fn count(n: usize, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}
