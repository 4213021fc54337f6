//! Check stage, first pass: declares every name of every file.
//!
//! Facts get their types here (a fact's type never depends on anything
//! else); definitions, tables, recommendations, sections and schedules get
//! a slot with a placeholder body that later passes fill in. Remembering the
//! AST of each item lets the later passes run in any order over the model.

use super::ctx::{Checker, DefSrc, DefState, Symbol};
use super::error::CheckError;
use super::model::*;
use crate::source::Span;
use crate::syntax::ast::{self, DeclKind, TypeExpr};
use crate::value::Value;
use std::collections::HashMap;

/// The items later passes work on, with their AST.
#[derive(Default)]
pub(crate) struct Pending<'a> {
    /// Every header, with the file it is in.
    pub headers: Vec<&'a ast::Header>,
    /// Declared grading schemes.
    pub gradings: Vec<&'a ast::Grading>,
    /// Sections with their enclosing section.
    pub sections: Vec<(SectionId, &'a ast::Section)>,
    /// Recommendations.
    pub recs: Vec<(RecId, &'a ast::Recommendation)>,
    /// Schedules.
    pub schedules: Vec<(ScheduleId, &'a ast::Schedule)>,
    /// Constraints, with their declaration.
    pub constraints: Vec<(&'a ast::Constraint, &'a ast::Decl)>,
    /// Where each reference number was first declared.
    pub reference_spans: HashMap<u32, Span>,
}

/// A placeholder expression for slots whose real value comes later.
pub(crate) fn placeholder(span: Span) -> TExpr {
    TExpr {
        kind: TExprKind::Const(Value::Bool(false)),
        ty: Type::Bool,
        span,
    }
}

impl<'a> Checker<'a> {
    /// Declares the items of `decls`, nested in `section`.
    pub(crate) fn collect(
        &mut self,
        decls: &'a [ast::Decl],
        section: Option<SectionId>,
        pending: &mut Pending<'a>,
    ) {
        for decl in decls {
            match &decl.kind {
                DeclKind::Header(h) => pending.headers.push(h),
                DeclKind::Include(path) => {
                    // The parser follows top-level includes only.
                    if section.is_some() {
                        self.report(
                            path.span,
                            CheckError::NestedInclude {
                                span: path.span.miette(),
                            },
                        );
                    }
                }
                DeclKind::Fact(f) => self.collect_fact(f, &decl.doc, None),
                DeclKind::Group(g) => {
                    let title = (g.name.name.clone(), g.title.value.clone());
                    self.model.group_titles.push(title);
                    for (doc, f, _) in &g.facts {
                        self.collect_fact(f, doc, Some(&g.name.name));
                    }
                }
                DeclKind::Define(d) => self.collect_define(d, decl),
                DeclKind::Constraint(c) => pending.constraints.push((c, decl)),
                DeclKind::Grading(g) => pending.gradings.push(g),
                DeclKind::Table(t) => self.collect_table(t, decl),
                DeclKind::Schedule(s) => {
                    let id = ScheduleId(self.model.schedules.len() as u32);
                    self.declare(&s.name, Symbol::Schedule(id));
                    self.model.schedules.push(ScheduleInfo {
                        name: s.name.name.clone(),
                        title: s.title.value.clone(),
                        from: None,
                        as_of: None,
                        phases: Vec::new(),
                        studies: Vec::new(),
                        span: decl.span,
                    });
                    pending.schedules.push((id, s));
                }
                DeclKind::Section(s) => {
                    let id = SectionId(self.model.sections.len() as u32);
                    self.declare(&s.id, Symbol::Section(id));
                    let head_end = s
                        .when
                        .as_ref()
                        .map(|w| w.span.end)
                        .unwrap_or(s.title.span.end);
                    self.model.sections.push(SectionInfo {
                        id: s.id.name.clone(),
                        title: s.title.value.clone(),
                        parent: section,
                        condition: None,
                        exhaustive: s.exhaustive,
                        span: Span {
                            end: head_end.max(decl.span.start),
                            ..decl.span
                        },
                    });
                    pending.sections.push((id, s));
                    self.collect(&s.items, Some(id), pending);
                }
                DeclKind::References(refs) => {
                    for r in refs {
                        if let Some(first) = pending.reference_spans.get(&r.number).copied() {
                            let (first_label, help) =
                                self.elsewhere(r.span, first, "first declared");
                            self.report(
                                r.span,
                                CheckError::Duplicate {
                                    what: "reference",
                                    name: format!("[{}]", r.number),
                                    span: r.span.miette(),
                                    first: first_label,
                                    help,
                                },
                            );
                        } else {
                            pending.reference_spans.insert(r.number, r.span);
                            self.model.references.insert(r.number, r.text.value.clone());
                        }
                    }
                }
                DeclKind::Recommendation(r) => {
                    let id = RecId(self.model.recs.len() as u32);
                    self.declare(&r.id, Symbol::Rec(id));
                    self.model.recs.push(RecInfo {
                        id: r.id.name.clone(),
                        kind: r.kind,
                        strength: None,
                        varies: Varies::default(),
                        about: None,
                        condition: None,
                        section,
                        statement: String::new(),
                        rationale: Vec::new(),
                        alternatives: Vec::new(),
                        notes: Vec::new(),
                        details: Vec::new(),
                        schedule: None,
                        cites: Vec::new(),
                        see: Vec::new(),
                        excludes: Vec::new(),
                        acknowledged: Vec::new(),
                        doc: decl.doc.clone(),
                        span: r.id.span,
                        decl_span: decl.span,
                    });
                    pending.recs.push((id, r));
                }
            }
        }
    }

    fn collect_fact(&mut self, f: &ast::Fact, doc: &[String], group: Option<&str>) {
        if let TypeExpr::List { values, span } = &f.ty {
            return self.collect_list(f, values, *span, doc, group);
        }
        let id = FactId(self.model.facts.len() as u32);
        let ty = self.type_expr(&f.ty, &f.name.name);
        let mut domain = self.domain(&f.ty, ty, true);
        self.absence(f, ty, &mut domain);
        let unique = self.declare(&f.name, Symbol::Fact(id));
        self.model.facts.push(FactInfo {
            name: f.name.name.clone(),
            description: f.description.value.clone(),
            doc: doc.to_vec(),
            ty: ty.unwrap_or(Type::Bool),
            group: group.map(str::to_string),
            span: f.name.span,
            domain,
        });
        self.fact_ok.push(ty.is_some());
        // A duplicate cannot be read by name; it is reported once, as a duplicate.
        self.fact_used.push(!unique);
    }

    fn new_def(&mut self, info: DefInfo, src: DefSrc<'a>, declared: bool) -> DefId {
        let id = DefId(self.model.defs.len() as u32);
        self.model.defs.push(info);
        self.def_src.push(src);
        self.def_state.push(DefState::Todo);
        self.def_declared.push(declared);
        self.def_deps.push(Vec::new());
        self.def_used.push(false);
        id
    }

    fn collect_define(&mut self, d: &'a ast::Define, decl: &ast::Decl) {
        let ty = d.ty.as_ref().map(|t| {
            let resolved = self.type_expr(t, &d.name.name);
            self.domain(t, resolved, false);
            resolved
        });
        let declared = matches!(ty, Some(Some(_)));
        let info = DefInfo {
            name: d.name.name.clone(),
            description: d.description.value.clone(),
            doc: decl.doc.clone(),
            ty: ty.flatten().unwrap_or(Type::Bool),
            body: DefBody::Expr(placeholder(d.body.span)),
            span: d.name.span,
            decl_span: decl.span,
        };
        let id = self.new_def(info, DefSrc::Define(d), declared);
        if let Some(None) = ty {
            // The declared type was wrong; readers must not trust the placeholder.
            if let Some(s) = self.def_state.get_mut(id.0 as usize) {
                *s = DefState::Done(false);
            }
        }
        if !self.declare(&d.name, Symbol::Def(id)) {
            self.def_used[id.0 as usize] = true;
        }
    }

    fn collect_table(&mut self, t: &'a ast::Table, decl: &ast::Decl) {
        let table = TableId(self.model.tables.len() as u32);
        let info = DefInfo {
            name: t.name.name.clone(),
            description: t.title.value.clone(),
            doc: decl.doc.clone(),
            ty: Type::Row(table),
            body: DefBody::Table(table),
            span: t.name.span,
            decl_span: decl.span,
        };
        let def = self.new_def(info, DefSrc::Table(table, t), true);
        let mut columns = Vec::new();
        let mut seen: HashMap<&str, Span> = HashMap::new();
        for c in &t.columns {
            if let Some(first) = seen.get(c.name.name.as_str()).copied() {
                let (first, help) = self.elsewhere(c.name.span, first, "first declared");
                self.report(
                    c.name.span,
                    CheckError::Duplicate {
                        what: "column",
                        name: c.name.name.clone(),
                        span: c.name.span.miette(),
                        first,
                        help,
                    },
                );
            }
            seen.insert(&c.name.name, c.name.span);
            let owner = format!("{}.{}", t.name.name, c.name.name);
            let ty = self.type_expr(&c.ty, &owner);
            self.domain(&c.ty, ty, false);
            columns.push(ColumnInfo {
                name: c.name.name.clone(),
                label: c.label.value.clone(),
                ty: ty.unwrap_or(Type::Bool),
            });
        }
        self.model.tables.push(TableInfo {
            def,
            title: t.title.value.clone(),
            keys: Vec::new(),
            columns,
            rows: Vec::new(),
            cites: Vec::new(),
        });
        if !self.declare(&t.name, Symbol::Table(table, def)) {
            self.def_used[def.0 as usize] = true;
        }
    }

    /// Resolves a type as written; `owner` names the enum for messages.
    /// Returns `None` after reporting an error.
    pub(crate) fn type_expr(&mut self, ty: &TypeExpr, owner: &str) -> Option<Type> {
        match ty {
            TypeExpr::Bool(_) => Some(Type::Bool),
            TypeExpr::Date(_) => Some(Type::Date),
            TypeExpr::Integer { range, span } => match range {
                Some((lo, hi)) if lo > hi => {
                    self.report(
                        *span,
                        CheckError::BadRange {
                            low: lo.to_string(),
                            high: hi.to_string(),
                            span: span.miette(),
                        },
                    );
                    None
                }
                Some((lo, hi)) => Some(Type::Int {
                    min: Some(*lo),
                    max: Some(*hi),
                }),
                None => Some(Type::Int {
                    min: None,
                    max: None,
                }),
            },
            TypeExpr::List { span, .. } => {
                // Only a fact may be a list (`collect_list`); a definition's
                // or a column's type is one value.
                self.report(
                    *span,
                    CheckError::NotAList {
                        what: "list of",
                        found: format!("the definition or column `{owner}`"),
                        help: "declare the list as a fact; a definition is one value".into(),
                        span: span.miette(),
                    },
                );
                None
            }
            TypeExpr::Number { .. } => Some(Type::Number),
            TypeExpr::Quantity { unit, .. } => {
                let u = self.unit(unit)?;
                Some(Type::Quantity {
                    dim: u.dimension,
                    unit: u,
                })
            }
            TypeExpr::Enum { values, .. } => {
                if let Some(over) = values.get(super::limits::MAX_ENUM_VALUES) {
                    self.enum_too_large(owner, values.len(), over.name.span);
                    return None;
                }
                let id = EnumId(self.model.enums.len() as u32);
                let mut infos: Vec<EnumValueInfo> = Vec::with_capacity(values.len());
                let mut seen: HashMap<&str, Span> = HashMap::new();
                for v in values {
                    if let Some(first) = seen.get(v.name.name.as_str()).copied() {
                        let (first, help) = self.elsewhere(v.name.span, first, "first declared");
                        self.report(
                            v.name.span,
                            CheckError::Duplicate {
                                what: "enum value",
                                name: v.name.name.clone(),
                                span: v.name.span.miette(),
                                first,
                                help,
                            },
                        );
                        continue;
                    }
                    seen.insert(&v.name.name, v.name.span);
                    self.value_owners
                        .entry(v.name.name.clone())
                        .or_default()
                        .push(id);
                    infos.push(EnumValueInfo {
                        name: v.name.name.clone(),
                        label: v.label.as_ref().map(|l| l.value.clone()),
                        codes: v
                            .codes
                            .iter()
                            .map(|c| (c.system.name.clone(), c.code.value.clone()))
                            .collect(),
                        span: v.name.span,
                    });
                }
                self.model.enums.push(EnumInfo {
                    owner: owner.to_string(),
                    values: infos,
                });
                Some(Type::Enum(id))
            }
        }
    }

    /// Looks up a unit, reporting an unknown one with "did you mean".
    pub(crate) fn unit(&mut self, unit: &ast::Ident) -> Option<crate::units::Unit> {
        use crate::units::UnitError;
        let why = match crate::units::parse(&unit.name) {
            Ok(u) => return Some(u),
            Err(why) => why,
        };
        let help = match why {
            UnitError::Unknown | UnitError::Syntax => {
                let all = crate::units::same_dimension(None);
                crate::diagnostics::suggestion(&unit.name, all.iter().map(String::as_str)).or_else(
                    || {
                        Some(
                            "units are UCUM expressions, e.g. `kg`, `mg/dL`, `umol/L`, `mm[Hg]`, \
                             `mL/min/{1.73_m2}`"
                                .into(),
                        )
                    },
                )
            }
            _ => None,
        };
        self.report(
            unit.span,
            CheckError::UnknownUnit {
                unit: unit.name.clone(),
                reason: why.reason(),
                span: unit.span.miette(),
                help,
            },
        );
        None
    }
}
