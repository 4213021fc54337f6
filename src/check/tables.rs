//! Check stage: checks lookup tables: keys, row patterns and cells.
//!
//! Keys are facts or definitions of enum, integer, number, quantity or date
//! type. Each row has one pattern per key - an enum value, `_`, or for the
//! others an exact value, a range or a bound, converted to the key's type -
//! and one literal per column, converted to the column's type (quantities
//! in canonical units). `table_rows` then warns about rows no case reaches.

use super::ctx::Checker;
use super::error::CheckError;
use super::model::*;
use crate::syntax::ast::{self, Literal, RowKey};
use crate::value::Value;

impl<'a> Checker<'a> {
    /// Checks a table and fills in its keys and rows; false on errors.
    pub(crate) fn check_table(&mut self, tid: TableId, t: &ast::Table) -> bool {
        let mut ok = true;
        let mut keys = Vec::with_capacity(t.keys.len());
        let mut key_types = Vec::with_capacity(t.keys.len());
        for key in &t.keys {
            let e = ast::Expr {
                kind: ast::ExprKind::Name(key.clone()),
                span: key.span,
            };
            match self.expr(&e, None) {
                Some(k) => match k.ty {
                    Type::Enum(_)
                    | Type::Int { .. }
                    | Type::Number
                    | Type::Quantity { .. }
                    | Type::Date => {
                        key_types.push(Some(k.ty));
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
                        key_types.push(None);
                        ok = false;
                    }
                },
                None => {
                    key_types.push(None);
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
            if let Some(r) = self.row(row, &key_types, &t.keys, &columns, &t.name.name) {
                rows.push(r);
            } else {
                ok = false;
            }
        }
        if ok {
            // A key that is a `number` or `quantity` fact: its declared range.
            let ranges: Vec<Option<(f64, f64)>> = keys
                .iter()
                .map(|k| match k.kind {
                    TExprKind::Fact(f) => self
                        .model
                        .facts
                        .get(f.0 as usize)
                        .and_then(|i| i.domain.range),
                    _ => None,
                })
                .collect();
            self.check_reach(t, &rows, &key_types, &ranges);
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
        key_types: &[Option<Type>],
        key_names: &[ast::Ident],
        columns: &[(String, Type)],
        table: &str,
    ) -> Option<RowInfo> {
        let mut ok = true;
        if row.keys.len() != key_types.len() {
            self.report(
                row.span,
                CheckError::RowArity {
                    found: count(row.keys.len(), "key"),
                    expected: count(key_types.len(), "key"),
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
        for ((pattern, ty), name) in row.keys.iter().zip(key_types).zip(key_names) {
            let Some(ty) = ty else {
                keys.push(Pattern::Any);
                continue;
            };
            match self.pattern(pattern, *ty, name) {
                Some(p) => keys.push(p),
                None => ok = false,
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

    /// Checks one row pattern against its key's type.
    fn pattern(&mut self, pattern: &RowKey, ty: Type, key: &ast::Ident) -> Option<Pattern> {
        let owner = format!("key `{}`", key.name);
        // Bounds are not held to the key's declared range: a band may reach
        // past it (`>= 6` on a score of at most 9).
        let ty_open = match ty {
            Type::Int { .. } => Type::Int {
                min: None,
                max: None,
            },
            other => other,
        };
        let bound = |this: &mut Self, lit: &Literal, inclusive| {
            let value = this.convert(lit, ty_open, "key", &key.name)?;
            Some(Bound { value, inclusive })
        };
        match (pattern, ty) {
            (RowKey::Any(_), _) => Some(Pattern::Any),
            (RowKey::Value(id), Type::Enum(en)) => match self.enum_index(en, &id.name) {
                Some(ix) => Some(Pattern::Enum(ix)),
                None => {
                    let help = self.enum_help(en, &id.name);
                    let owner = self.enum_owner(en);
                    self.report(
                        id.span,
                        CheckError::UnknownEnumValue {
                            value: id.name.clone(),
                            owner,
                            span: id.span.miette(),
                            help,
                        },
                    );
                    None
                }
            },
            (RowKey::Value(_), _) | (_, Type::Enum(_)) => {
                let want = self.type_name(ty);
                let span = pattern.span();
                let help = match ty {
                    Type::Enum(_) => "write one of the enum's values, or `_`".to_string(),
                    _ => "write a value (`2`), a range (`2 to 3`), a bound (`>= 6`) or `_`"
                        .to_string(),
                };
                self.mismatch(
                    span,
                    format!("{owner} is {want}, but this pattern is not"),
                    format!("expected {want}"),
                    None,
                    Some(help),
                );
                None
            }
            (RowKey::Exact(lit), _) => {
                let b = bound(self, lit, true)?;
                Some(Pattern::Range {
                    lo: Some(b),
                    hi: Some(b),
                })
            }
            (RowKey::Range { from, to, .. }, _) => {
                // `30 to 59 mL/min`: the unit written once is both ends'.
                let from = match (from, to) {
                    (Literal::Number { value, span, .. }, Literal::Quantity(q)) => {
                        Literal::Quantity(ast::QuantityLit {
                            value: *value,
                            unit: q.unit.clone(),
                            span: *span,
                        })
                    }
                    _ => from.clone(),
                };
                let lo = bound(self, &from, true)?;
                let hi = bound(self, to, true)?;
                Some(Pattern::Range {
                    lo: Some(lo),
                    hi: Some(hi),
                })
            }
            (RowKey::Bound { op, value, .. }, _) => {
                let inclusive = matches!(op, ast::BinOp::Le | ast::BinOp::Ge);
                let b = Some(bound(self, value, inclusive)?);
                Some(match op {
                    ast::BinOp::Lt | ast::BinOp::Le => Pattern::Range { lo: None, hi: b },
                    _ => Pattern::Range { lo: b, hi: None },
                })
            }
        }
    }

    /// Converts a literal cell to a value of the column's type.
    fn cell(&mut self, lit: &Literal, ty: Type, column: &str) -> Option<Value> {
        self.convert(lit, ty, "column", column)
    }

    /// Converts a literal to a value of `ty`, for `owner` (`column `x``).
    fn convert(&mut self, lit: &Literal, ty: Type, role: &str, name: &str) -> Option<Value> {
        let what = if role == "column" { "cell" } else { "value" };
        let column = &format!("{role} `{name}`");
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
                            name: name.to_string(),
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
            (Literal::Number { value, .. }, Type::Number) => Some(Value::Number(*value)),
            (Literal::Quantity(q), Type::Quantity { dim, .. }) => {
                let unit = self.unit(&q.unit)?;
                if unit.dimension != dim {
                    self.unit_mismatch(
                        span,
                        format!(
                            "{column} holds {}, but this is {}",
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
                            owner: name.to_string(),
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
            let message = format!("{column} holds {want}, but this {what} is not");
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
