//! Check stage: recommendations: fields, conditions, details, placeholders.
//!
//! Single-valued fields (`strength`, `kind`, `about`, `when`, `statement`,
//! `schedule`) may appear once; a case-dependent strength or kind is
//! checked in `choices`. Details are normalised (doses to Gy), and
//! `{name}` placeholders in statements must name a fact or definition.

use super::ctx::{Checker, Symbol};
use super::error::CheckError;
use super::model::*;
use super::warning::CheckWarning;
use crate::source::Span;
use crate::syntax::ast::{self, DetailValue, RecField};
use crate::units::Dimension;

impl<'a> Checker<'a> {
    /// Checks one recommendation and fills in its slot.
    pub(crate) fn check_rec(&mut self, id: RecId, r: &ast::Recommendation) {
        let mut info = match self.model.recs.get(id.0 as usize) {
            Some(i) => i.clone(),
            None => return,
        };
        let mut seen: Vec<(&'static str, Span)> = Vec::new();
        let mut has_statement = false;
        for field in &r.fields {
            match field {
                RecField::Strength(c) => {
                    let first = c
                        .branches
                        .first()
                        .map_or(c.otherwise.span(), |b| b.1.span());
                    if self.once(&mut seen, "strength", first) {
                        (info.strength, info.varies.strength) = self.strength_choice(c, r.kind);
                    }
                }
                RecField::Kind(c) => {
                    let first = c.branches.first().map_or(c.otherwise.1, |b| b.1 .1);
                    if self.once(&mut seen, "kind", first) {
                        info.varies.kind = self.kind_choice(r.kind, r.kind_span, c);
                    }
                }
                RecField::About(a) => {
                    if self.once(&mut seen, "about", a.span) {
                        info.about = Some(a.name.clone());
                    }
                }
                RecField::When(e) => {
                    if self.once(&mut seen, "when", e.span) {
                        info.condition = self.condition(e);
                    }
                }
                RecField::Statement(t) => {
                    has_statement = true;
                    if self.once(&mut seen, "statement", t.span) {
                        self.placeholders(t);
                        info.statement = t.value.clone();
                    }
                }
                RecField::Rationale(t) => info.rationale.push(t.value.clone()),
                RecField::Note(t) => info.notes.push(t.value.clone()),
                RecField::See(t) => info.see.push(t.value.clone()),
                RecField::Alternative(target, text) => {
                    let target = target.as_ref().and_then(|t| self.rec_ref(t));
                    info.alternatives.push((target, text.value.clone()));
                }
                RecField::Detail(name, values) => {
                    let details = values.iter().filter_map(|v| self.detail(v)).collect();
                    info.details.push((name.name.clone(), details));
                }
                RecField::Schedule(s) => {
                    if self.once(&mut seen, "schedule", s.span) {
                        info.schedule = self.schedule_ref(s);
                    }
                }
                RecField::Cite(items) => {
                    let mut cites = self.cites(items);
                    info.cites.append(&mut cites);
                }
                RecField::Excludes(ids) => {
                    for other in ids {
                        if let Some(r) = self.rec_ref(other) {
                            info.excludes.push(r);
                        }
                    }
                }
                RecField::Acknowledge {
                    finding,
                    with,
                    reason,
                } => {
                    let with = with.as_ref().and_then(|w| self.rec_ref(w));
                    info.acknowledged.push(Acknowledgement {
                        finding: finding.name.clone(),
                        with,
                        reason: reason.value.clone(),
                        span: finding.span.to(reason.span),
                    });
                }
            }
        }
        if !has_statement {
            self.report(
                r.id.span,
                CheckWarning::NoStatement {
                    id: r.id.name.clone(),
                    span: r.id.span.miette(),
                },
            );
        }
        if let Some(slot) = self.model.recs.get_mut(id.0 as usize) {
            *slot = info;
        }
    }

    /// Types a `when` condition, which must be a bool, and warns when it is constant.
    pub(crate) fn condition(&mut self, e: &ast::Expr) -> Option<TExpr> {
        let t = self.expr(e, Some(Type::Bool))?;
        self.want_bool(&t, "a `when` condition")?;
        self.constant_condition(&t);
        Some(t)
    }

    /// Records a single-valued field; reports it when it was already given.
    fn once(
        &mut self,
        seen: &mut Vec<(&'static str, Span)>,
        field: &'static str,
        span: Span,
    ) -> bool {
        if let Some((_, first)) = seen.iter().find(|(f, _)| *f == field).copied() {
            let (first, _) = self.elsewhere(span, first, "first given");
            self.report(
                span,
                CheckError::DuplicateField {
                    field,
                    span: span.miette(),
                    first,
                },
            );
            return false;
        }
        seen.push((field, span));
        true
    }

    fn rec_ref(&mut self, id: &ast::Ident) -> Option<RecId> {
        match self.names.get(&id.name).copied() {
            Some((Symbol::Rec(r), _)) => Some(r),
            found => {
                self.not_a(id, found, "recommendation", "a recommendation", |s| {
                    matches!(s, Symbol::Rec(_))
                });
                None
            }
        }
    }

    /// Resolves a schedule name.
    fn schedule_ref(&mut self, id: &ast::Ident) -> Option<ScheduleId> {
        match self.names.get(&id.name).copied() {
            Some((Symbol::Schedule(s), _)) => Some(s),
            found => {
                self.not_a(id, found, "schedule", "a schedule", |s| {
                    matches!(s, Symbol::Schedule(_))
                });
                None
            }
        }
    }

    /// Reports a name that should be a `what` but is something else or nothing.
    pub(crate) fn not_a(
        &mut self,
        id: &ast::Ident,
        found: Option<(Symbol, Span)>,
        what: &'static str,
        expected: &'static str,
        wanted: impl Fn(&Symbol) -> bool,
    ) {
        match found {
            Some((sym, decl)) => {
                let declared = (decl.file == id.span.file).then(|| decl.miette());
                self.report(
                    id.span,
                    CheckError::WrongKind {
                        name: id.name.clone(),
                        found: sym.kind(),
                        expected,
                        span: id.span.miette(),
                        declared,
                    },
                );
            }
            // Declared by a declaration that failed to parse.
            None if self.declared_by_skipped(&id.name) => {}
            None => {
                let candidates: Vec<&str> = self
                    .names
                    .iter()
                    .filter(|(_, (s, _))| wanted(s))
                    .map(|(n, _)| n.as_str())
                    .collect();
                let help = crate::diagnostics::suggestion(&id.name, candidates);
                self.report(
                    id.span,
                    CheckError::UnknownName {
                        what,
                        name: id.name.clone(),
                        span: id.span.miette(),
                        help,
                    },
                );
            }
        }
    }

    fn detail(&mut self, v: &DetailValue) -> Option<Detail> {
        Some(match v {
            DetailValue::Dose {
                total, fractions, ..
            } => {
                let unit = self.unit(&total.unit)?;
                if unit.dimension != Dimension::Dose {
                    self.wrong_unit(&total.unit, unit, Dimension::Dose);
                    return None;
                }
                Detail::Dose {
                    total_gy: total.value * unit.factor,
                    unit,
                    fractions: *fractions,
                }
            }
            DetailValue::Interval { range, after } => {
                let unit = self.unit(&range.unit)?;
                if range.low > range.high {
                    self.report(
                        range.span,
                        CheckError::BadRange {
                            low: crate::units::format_number(range.low),
                            high: crate::units::format_number(range.high),
                            span: range.span.miette(),
                        },
                    );
                    return None;
                }
                Detail::Interval {
                    low: range.low,
                    high: range.high,
                    unit,
                    after: after.as_ref().map(|a| a.value.clone()),
                }
            }
            DetailValue::Quantity(q) => {
                let unit = self.unit(&q.unit)?;
                Detail::Quantity(unit.canonical_of(q.value), unit)
            }
            DetailValue::Text(t) => Detail::Text(t.value.clone()),
        })
    }

    /// Reports a unit of the wrong dimension.
    pub(crate) fn wrong_unit(
        &mut self,
        id: &ast::Ident,
        unit: crate::units::Unit,
        want: Dimension,
    ) {
        self.report(
            id.span,
            CheckError::WrongUnit {
                unit: id.name.clone(),
                found: unit.dimension.name().into_owned(),
                expected: want.name().into_owned(),
                span: id.span.miette(),
                help: Some(format!(
                    "use a unit of {}, e.g. `{}`",
                    want.name(),
                    want.canonical()
                )),
            },
        );
    }

    /// Reports a placeholder's `: unit` that is not a unit of its
    /// quantity's dimension.
    fn placeholder_unit(&mut self, name: &str, ty: Type, unit: &str, span: Span) {
        let parsed = crate::units::parse(unit);
        let (why, help) = match (ty, parsed) {
            (Type::Quantity { dim, .. }, Ok(u)) if u.dimension == dim => return,
            (Type::Quantity { dim, .. }, Ok(u)) => {
                let units = crate::units::same_dimension(Some(dim));
                (
                    format!(
                        "`{name}` is a {}, `{unit}` a {}",
                        dim.name(),
                        u.dimension.name()
                    ),
                    crate::diagnostics::suggestion(unit, units.iter().map(String::as_str))
                        .or_else(|| Some(format!("e.g. `{}`", dim.canonical()))),
                )
            }
            (Type::Quantity { dim, .. }, Err(e)) => {
                let units = crate::units::same_dimension(Some(dim));
                (
                    e.reason(),
                    crate::diagnostics::suggestion(unit, units.iter().map(String::as_str)),
                )
            }
            _ => (
                format!("`{name}` is not a quantity"),
                Some("a `: unit` format applies to quantities only".into()),
            ),
        };
        self.report(
            span,
            CheckError::PlaceholderUnit {
                name: name.to_string(),
                unit: unit.to_string(),
                span: span.miette(),
                why,
                help,
            },
        );
    }

    /// Checks the `{name}` placeholders of a statement and marks them read.
    fn placeholders(&mut self, text: &ast::Text) {
        let raw = self.sources.slice(text.span);
        let (body, base) = if raw.is_empty() {
            (text.value.as_str(), None)
        } else {
            (raw, Some(text.span.start))
        };
        let found: Vec<(String, Option<u8>, Option<String>, Span)> =
            super::placeholder::placeholders(body)
                .map(|p| {
                    let span = match base {
                        Some(b) => Span {
                            start: b + p.start as u32,
                            end: b + p.end as u32,
                            file: text.span.file,
                        },
                        None => text.span,
                    };
                    (
                        p.name.to_string(),
                        p.digits,
                        p.unit.map(str::to_string),
                        span,
                    )
                })
                .collect();
        for (name, digits, unit, span) in found {
            let ty = match self.names.get(&name).copied() {
                Some((Symbol::Fact(f), _)) => {
                    self.use_fact(f);
                    self.model.facts.get(f.0 as usize).map(|i| i.ty)
                }
                Some((Symbol::Def(d), _)) => {
                    self.use_def(d, span);
                    self.model.defs.get(d.0 as usize).map(|i| i.ty)
                }
                _ => None,
            };
            if let (Some(ty), Some(unit)) = (ty, &unit) {
                self.placeholder_unit(&name, ty, unit, span);
            }
            if let (Some(ty), Some(digits)) = (ty, digits) {
                let numeric = matches!(ty, Type::Int { .. } | Type::Number | Type::Quantity { .. });
                if !numeric || digits > crate::check::func::MAX_DIGITS as u8 {
                    let why = if numeric {
                        format!("at most {} decimals", crate::check::func::MAX_DIGITS)
                    } else {
                        format!("`{name}` is not a number")
                    };
                    self.report(
                        span,
                        CheckError::PlaceholderFormat {
                            name,
                            digits,
                            span: span.miette(),
                            why,
                        },
                    );
                }
                continue;
            }
            match self.names.get(&name).copied() {
                Some((Symbol::Fact(_) | Symbol::Def(_), _)) => {}
                // Declared by a declaration that failed to parse.
                None if self.declared_by_skipped(&name) => {}
                _ => {
                    let help = match name.split_once('.') {
                        Some((table, column)) => {
                            if let Some((Symbol::Table(_, d), _)) = self.names.get(table).copied() {
                                // Read, so the table is not also reported as unused.
                                self.use_def(d, span);
                            }
                            Some(format!(
                                "placeholders name a fact or definition: \
                                 define `{column} \"...\" = {name}` and write `{{{column}}}`"
                            ))
                        }
                        None => self.value_name_help(&name),
                    };
                    self.report(
                        span,
                        CheckError::UnknownPlaceholder {
                            name,
                            span: span.miette(),
                            help,
                        },
                    );
                }
            }
        }
    }
}
