//! Language server: the symbol index of one guideline.
//!
//! Built from the syntax tree of every file of the guideline (the open file
//! and its includes), so navigation keeps working while the checker still
//! reports errors. It records each declared name with its hover text and
//! every place a name is used. Enum values are resolved by context the way
//! the checker does: in `x = v`, `x != v`, `x in {v}`, a table row key and
//! a `first` whose declared type is an enum, `v` names a value of `x`'s enum.

use crate::source::{SourceMap, Span};
use crate::syntax::ast::*;
use std::collections::BTreeMap;

/// What a name refers to.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Key {
    /// A fact, definition, table, recommendation, section, schedule or group.
    Name(String),
    /// A value of the enum owned by a fact, definition or `table.column`.
    EnumValue(String, String),
    /// A column of a table.
    Column(String, String),
    /// A numbered reference.
    Reference(u32),
    /// An included file, by the name it has in the source map.
    File(String),
}

/// The kind of a declared symbol.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SymbolKind {
    /// `fact`
    Fact,
    /// `define`
    Define,
    /// `table`
    Table,
    /// A table column.
    Column,
    /// `schedule`
    Schedule,
    /// `section`
    Section,
    /// `group`
    Group,
    /// A recommendation of any kind.
    Recommendation,
    /// An enum value.
    EnumValue,
    /// A numbered reference.
    Reference,
    /// An included file.
    File,
}

/// A declared symbol.
#[derive(Debug, Clone)]
pub struct Symbol {
    /// What it declares.
    pub kind: SymbolKind,
    /// The span of its name (or of `[n]` for a reference).
    pub span: Span,
    /// Markdown shown on hover.
    pub hover: String,
    /// A one-line description for completion.
    pub detail: String,
}

/// A use (or the declaration) of a symbol.
#[derive(Debug, Clone)]
pub struct Occurrence {
    /// What is referred to.
    pub key: Key,
    /// Where.
    pub span: Span,
}

/// Every symbol of a guideline and every place one is named.
#[derive(Debug, Default)]
pub struct Index {
    /// Declared symbols by key.
    pub symbols: BTreeMap<Key, Symbol>,
    /// Enum values by owner (a fact or definition name, or `table.column`).
    pub enums: BTreeMap<String, Vec<String>>,
    /// The list facts' names, offered after `count of`.
    pub lists: Vec<String>,
    /// Every occurrence, declarations included, in walk order.
    pub occurrences: Vec<Occurrence>,
    /// The guideline's grading scheme, for strengths in hovers and completion.
    pub grading: crate::strength::Scheme,
    /// The spans of the `first` expressions without `otherwise`, which a
    /// code action completes.
    pub open_firsts: Vec<Span>,
}

impl Index {
    /// Indexes the modules of a parsed guideline.
    pub fn build(sources: &SourceMap, modules: &[(crate::source::FileId, Module)]) -> Index {
        let mut index = Index {
            grading: super::strength::scheme(modules),
            ..Index::default()
        };
        for (file, module) in modules {
            for decl in &module.decls {
                index.declare(decl);
                if let DeclKind::Include(text) = &decl.kind {
                    index.include(sources, *file, text);
                }
            }
        }
        for (_, module) in modules {
            for decl in &module.decls {
                index.uses(sources, decl);
            }
        }
        index
    }

    /// The occurrences whose span contains `offset` in `file`, narrowest first.
    pub fn at(&self, file: crate::source::FileId, offset: usize) -> Vec<&Occurrence> {
        let mut found: Vec<&Occurrence> = self
            .occurrences
            .iter()
            .filter(|o| {
                o.span.file == file
                    && (o.span.start as usize) <= offset
                    && offset <= o.span.end as usize
            })
            .collect();
        found.sort_by_key(|o| o.span.len());
        found
    }

    /// Every occurrence of `key`.
    pub fn references<'a>(&'a self, key: &'a Key) -> impl Iterator<Item = &'a Occurrence> {
        self.occurrences.iter().filter(move |o| &o.key == key)
    }

    fn add(&mut self, key: Key, kind: SymbolKind, span: Span, hover: String, detail: String) {
        self.occurrences.push(Occurrence {
            key: key.clone(),
            span,
        });
        self.symbols.entry(key).or_insert(Symbol {
            kind,
            span,
            hover,
            detail,
        });
    }

    /// Links `include "x.cairn"` to the start of the included file, which
    /// the parser loaded under its path relative to the including file.
    fn include(&mut self, sources: &SourceMap, file: crate::source::FileId, text: &Text) {
        let Some(including) = sources.get(file) else {
            return;
        };
        let base = std::path::Path::new(&including.name)
            .parent()
            .map(std::path::Path::to_path_buf)
            .unwrap_or_default();
        let target = base.join(&text.value).to_string_lossy().to_string();
        let Some(id) = sources.find(&target) else {
            return;
        };
        let k = Key::File(target.clone());
        self.occurrences.push(Occurrence {
            key: k.clone(),
            span: text.span,
        });
        let lines = sources.get(id).map(|f| f.text.lines().count()).unwrap_or(0);
        self.symbols.entry(k).or_insert(Symbol {
            kind: SymbolKind::File,
            span: Span::new(id, 0, 0),
            hover: format!("**include** `{target}` ({lines} lines)"),
            detail: target,
        });
    }

    fn typed(&mut self, owner: &str, ty: &TypeExpr) {
        if let TypeExpr::Enum { values, .. } | TypeExpr::List { values, .. } = ty {
            for v in values {
                let label = v
                    .label
                    .as_ref()
                    .map(|l| l.value.clone())
                    .unwrap_or_default();
                let mut hover = format!("enum value `{}` of `{owner}`", v.name.name);
                push_para(&mut hover, &label);
                push_para(&mut hover, &v.doc.join("\n"));
                let key = Key::EnumValue(owner.to_string(), v.name.name.clone());
                self.add(key, SymbolKind::EnumValue, v.name.span, hover, label);
            }
            let names = values.iter().map(|v| v.name.name.clone()).collect();
            self.enums.insert(owner.to_string(), names);
        }
    }

    fn fact(&mut self, doc: &[String], fact: &Fact) {
        let name = &fact.name.name;
        let mut hover = format!("**fact** `{name}`: {}", fact_type_text(fact));
        push_para(&mut hover, &fact.description.value);
        if fact.absent.is_some() {
            push_para(
                &mut hover,
                "Left out of a case, it takes the declared value (and the outcome says so); \
                 `null` keeps it unknown.",
            );
        }
        push_para(&mut hover, &doc.join("\n"));
        if let TypeExpr::Enum { values, .. } | TypeExpr::List { values, .. } = &fact.ty {
            push_para(&mut hover, &values_list(values));
        }
        let detail = format!("{} ({})", fact.description.value, fact_type_text(fact));
        self.add(key(name), SymbolKind::Fact, fact.name.span, hover, detail);
        if matches!(fact.ty, TypeExpr::List { .. }) {
            self.lists.push(name.clone());
        }
        self.typed(name, &fact.ty);
    }

    fn declare(&mut self, decl: &Decl) {
        let doc = decl.doc.join("\n");
        match &decl.kind {
            DeclKind::Fact(fact) => self.fact(&decl.doc, fact),
            DeclKind::Group(group) => {
                let hover = format!("**group** `{}`\n\n{}", group.name.name, group.title.value);
                let detail = group.title.value.clone();
                self.add(
                    key(&group.name.name),
                    SymbolKind::Group,
                    group.name.span,
                    hover,
                    detail,
                );
                for (doc, fact, _) in &group.facts {
                    self.fact(doc, fact);
                }
            }
            DeclKind::Define(def) => {
                let name = &def.name.name;
                let ty = def.ty.as_ref().map(type_text);
                let mut hover = format!("**define** `{name}`");
                if let Some(ty) = &ty {
                    hover.push_str(&format!(": {ty}"));
                }
                push_para(&mut hover, &def.description.value);
                push_para(&mut hover, &doc);
                if let Some(TypeExpr::Enum { values, .. }) = &def.ty {
                    push_para(&mut hover, &values_list(values));
                }
                let detail = def.description.value.clone();
                self.add(key(name), SymbolKind::Define, def.name.span, hover, detail);
                if let Some(ty) = &def.ty {
                    self.typed(name, ty);
                }
            }
            DeclKind::Table(table) => {
                let name = &table.name.name;
                let keys: Vec<&str> = table.keys.iter().map(|k| k.name.as_str()).collect();
                let mut hover = format!("**table** `{name}`");
                push_para(&mut hover, &table.title.value);
                push_para(&mut hover, &format!("keyed by `{}`", keys.join("`, `")));
                for column in &table.columns {
                    let c = &column.name.name;
                    hover.push_str(&format!("\n- `{name}.{c}`: {}", type_text(&column.ty)));
                    let mut col_hover =
                        format!("**column** `{name}.{c}`: {}", type_text(&column.ty));
                    push_para(&mut col_hover, &column.label.value);
                    let k = Key::Column(name.clone(), c.clone());
                    let label = column.label.value.clone();
                    self.add(k, SymbolKind::Column, column.name.span, col_hover, label);
                    self.typed(&format!("{name}.{c}"), &column.ty);
                }
                let detail = table.title.value.clone();
                self.add(key(name), SymbolKind::Table, table.name.span, hover, detail);
            }
            DeclKind::Schedule(s) => {
                let mut hover = format!("**schedule** `{}` from `{}`", s.name.name, s.from.name);
                if let Some(a) = &s.as_of {
                    hover.push_str(&format!(", next due as of `{}`", a.name));
                }
                push_para(&mut hover, &s.title.value);
                let detail = s.title.value.clone();
                self.add(
                    key(&s.name.name),
                    SymbolKind::Schedule,
                    s.name.span,
                    hover,
                    detail,
                );
            }
            DeclKind::Section(section) => {
                let mut hover = format!("**section** `{}`", section.id.name);
                push_para(&mut hover, &section.title.value);
                let detail = section.title.value.clone();
                self.add(
                    key(&section.id.name),
                    SymbolKind::Section,
                    section.id.span,
                    hover,
                    detail,
                );
                for item in &section.items {
                    self.declare(item);
                }
            }
            DeclKind::References(refs) => {
                for r in refs {
                    let hover = format!("**[{}]** {}", r.number, r.text.value);
                    let detail = r.text.value.clone();
                    let k = Key::Reference(r.number);
                    self.add(k, SymbolKind::Reference, r.span, hover, detail);
                }
            }
            DeclKind::Recommendation(rec) => {
                let hover = rec_hover(rec, &doc, &self.grading);
                let detail = rec.kind.keyword().to_string();
                self.add(
                    key(&rec.id.name),
                    SymbolKind::Recommendation,
                    rec.id.span,
                    hover,
                    detail,
                );
            }
            // Constraints and gradings are never named in expressions; only
            // constraints' reads are indexed.
            DeclKind::Header(_)
            | DeclKind::Include(_)
            | DeclKind::Constraint(_)
            | DeclKind::Grading(_) => {}
        }
    }

    fn uses(&mut self, sources: &SourceMap, decl: &Decl) {
        match &decl.kind {
            DeclKind::Define(def) => {
                let owner =
                    matches!(def.ty, Some(TypeExpr::Enum { .. })).then(|| def.name.name.clone());
                self.expr(&def.body, owner.as_deref());
            }
            DeclKind::Constraint(c) => self.expr(&c.condition, None),
            DeclKind::Table(table) => {
                for k in &table.keys {
                    self.name(k);
                }
                for row in &table.rows {
                    for (pattern, k) in row.keys.iter().zip(&table.keys) {
                        if let RowKey::Value(v) = pattern {
                            self.value_or_name(v, Some(&k.name));
                        }
                    }
                }
                self.cites(&table.cites);
            }
            DeclKind::Schedule(s) => {
                self.name(&s.from);
                if let Some(a) = &s.as_of {
                    self.name(a);
                }
                for p in &s.phases {
                    if let crate::syntax::ast::PhaseLength::UntilDate {
                        date: crate::syntax::ast::UntilAnchor::Name(n),
                        ..
                    } = &p.length
                    {
                        self.name(n);
                    }
                }
                for study in &s.studies {
                    if let Some(when) = &study.when {
                        self.expr(when, None);
                    }
                }
            }
            DeclKind::Section(section) => {
                if let Some(when) = &section.when {
                    self.expr(when, None);
                }
                for item in &section.items {
                    self.uses(sources, item);
                }
            }
            DeclKind::Recommendation(rec) => {
                for field in &rec.fields {
                    match field {
                        RecField::When(e) => self.expr(e, None),
                        RecField::Strength(c) => {
                            c.branches.iter().for_each(|(e, _)| self.expr(e, None))
                        }
                        RecField::Kind(c) => {
                            c.branches.iter().for_each(|(e, _)| self.expr(e, None))
                        }
                        RecField::Schedule(s) => self.name(s),
                        RecField::Cite(c) => self.cites(c),
                        RecField::Statement(t) => self.placeholders(sources, t),
                        RecField::Excludes(ids) => ids.iter().for_each(|id| self.name(id)),
                        RecField::Acknowledge { with: Some(id), .. } => self.name(id),
                        _ => {}
                    }
                }
            }
            _ => {}
        }
    }

    fn name(&mut self, ident: &Ident) {
        self.occurrences.push(Occurrence {
            key: key(&ident.name),
            span: ident.span,
        });
    }

    fn value_or_name(&mut self, ident: &Ident, owner: Option<&str>) {
        let is_value = owner
            .and_then(|o| self.enums.get(o))
            .is_some_and(|values| values.contains(&ident.name));
        let k = match owner {
            Some(o) if is_value => Key::EnumValue(o.to_string(), ident.name.clone()),
            _ => key(&ident.name),
        };
        self.occurrences.push(Occurrence {
            key: k,
            span: ident.span,
        });
    }

    fn cites(&mut self, cites: &[Cite]) {
        for c in cites {
            for n in c.from..=c.to.min(c.from.saturating_add(100)) {
                self.occurrences.push(Occurrence {
                    key: Key::Reference(n),
                    span: c.span,
                });
            }
        }
    }

    /// Records `{name}` and `{table.column}` placeholders in a statement.
    fn placeholders(&mut self, sources: &SourceMap, text: &Text) {
        let raw = sources.slice(text.span);
        let base = text.span.start as usize;
        for p in crate::check::placeholder::placeholders(raw) {
            let (first, column) = p.parts();
            if !is_ident(first) {
                continue;
            }
            let start = base + p.name_start();
            let span = Span::new(text.span.file, start, start + first.len());
            self.occurrences.push(Occurrence {
                key: key(first),
                span,
            });
            if let Some(column) = column.filter(|c| is_ident(c)) {
                let cstart = start + first.len() + 1;
                let span = Span::new(text.span.file, cstart, cstart + column.len());
                let k = Key::Column(first.to_string(), column.to_string());
                self.occurrences.push(Occurrence { key: k, span });
            }
        }
    }

    /// The enum owner an expression's value belongs to, if it has one.
    fn owner(&self, e: &Expr) -> Option<String> {
        let owner = match &e.kind {
            ExprKind::Name(n) => n.name.clone(),
            ExprKind::Field(t, c) => format!("{}.{}", t.name, c.name),
            _ => return None,
        };
        self.enums.contains_key(&owner).then_some(owner)
    }

    fn expr(&mut self, e: &Expr, expected: Option<&str>) {
        match &e.kind {
            ExprKind::Literal(_) => {}
            ExprKind::Name(n) => self.value_or_name(n, expected),
            ExprKind::Field(t, c) => {
                self.name(t);
                let k = Key::Column(t.name.clone(), c.name.clone());
                self.occurrences.push(Occurrence {
                    key: k,
                    span: c.span,
                });
            }
            ExprKind::Not(inner)
            | ExprKind::Neg(inner)
            | ExprKind::IsKnown(inner, _)
            | ExprKind::IsEmpty(inner)
            | ExprKind::InUnit(inner, _)
            | ExprKind::AsUnit(inner, _) => self.expr(inner, None),
            ExprKind::Contains { list, values, .. } => {
                let owner = self.owner(list);
                self.expr(list, None);
                for item in values {
                    self.expr(item, owner.as_deref());
                }
            }
            ExprKind::Implies { a, b, .. } => {
                self.expr(a, None);
                self.expr(b, None);
            }
            ExprKind::Binary(op, a, b) => {
                let (oa, ob) = match op {
                    BinOp::Eq | BinOp::Ne => (self.owner(b), self.owner(a)),
                    _ => (None, None),
                };
                self.expr(a, oa.as_deref());
                self.expr(b, ob.as_deref());
            }
            ExprKind::In { value, set, .. } => {
                let owner = self.owner(value);
                self.expr(value, None);
                for item in set {
                    self.expr(item, owner.as_deref());
                }
            }
            ExprKind::Quantified(_, items) | ExprKind::Call(_, items) => {
                for item in items {
                    self.expr(item, None);
                }
            }
            ExprKind::Count { bound, items } => {
                if let Some((_, k)) = bound {
                    self.expr(k, None);
                }
                for item in items {
                    self.expr(item, None);
                }
            }
            ExprKind::CountList {
                bound,
                list,
                values,
            } => {
                if let Some((_, k)) = bound {
                    self.expr(k, None);
                }
                let owner = self.owner(list);
                self.expr(list, None);
                for item in values.iter().flatten() {
                    self.expr(item, owner.as_deref());
                }
            }
            ExprKind::Score(items) => {
                for item in items {
                    self.expr(&item.points, None);
                    if let Some(c) = &item.when {
                        self.expr(c, None);
                    }
                }
            }
            ExprKind::First {
                branches,
                otherwise,
            } => {
                for (cond, value) in branches {
                    self.expr(cond, None);
                    self.expr(value, expected);
                }
                match otherwise {
                    Some(o) => self.expr(o, expected),
                    None => self.open_firsts.push(e.span),
                }
            }
        }
    }
}

fn key(name: &str) -> Key {
    Key::Name(name.to_string())
}

fn is_ident(s: &str) -> bool {
    let mut chars = s.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

fn push_para(out: &mut String, text: &str) {
    if !text.trim().is_empty() {
        out.push_str("\n\n");
        out.push_str(text.trim());
    }
}

/// A fact's type with its `or never` and `absent means` as written, for
/// hover and completion details: what a case may give and what leaving
/// the fact out means.
pub fn fact_type_text(fact: &Fact) -> String {
    let mut out = type_text(&fact.ty);
    if fact.or_never.is_some() {
        out.push_str(" or never");
    }
    if let Some(a) = &fact.absent {
        let word = match &a.value {
            AbsentValue::Bool(b) => b.to_string(),
            AbsentValue::Never => "never".into(),
            AbsentValue::Empty => "none".into(),
            AbsentValue::Name(n) => n.name.clone(),
        };
        out.push_str(&format!(" absent means {word}"));
    }
    out
}

/// A type as the user wrote it, for hover and completion details.
pub fn type_text(ty: &TypeExpr) -> String {
    match ty {
        TypeExpr::Bool(_) => "bool".into(),
        TypeExpr::Integer { range: None, .. } => "integer".into(),
        TypeExpr::Integer {
            range: Some((lo, hi)),
            ..
        } => format!("integer {lo} to {hi}"),
        TypeExpr::Number { .. } | TypeExpr::Quantity { .. } => {
            ty.decimal_text().unwrap_or_default()
        }
        TypeExpr::Date(_) => "date".into(),
        TypeExpr::Enum { values, .. } => {
            let names: Vec<&str> = values.iter().map(|v| v.name.name.as_str()).collect();
            format!("enum {{ {} }}", names.join(", "))
        }
        TypeExpr::List { values, .. } => {
            let names: Vec<&str> = values.iter().map(|v| v.name.name.as_str()).collect();
            format!("list of enum {{ {} }}", names.join(", "))
        }
    }
}

fn values_list(values: &[EnumValue]) -> String {
    let mut out = String::from("Values:");
    for v in values {
        out.push_str(&format!("\n- `{}`", v.name.name));
        if let Some(label) = &v.label {
            out.push_str(&format!(" — {}", label.value));
        }
    }
    out
}

fn rec_hover(rec: &Recommendation, doc: &str, scheme: &crate::strength::Scheme) -> String {
    let words = |v| super::strength::words(scheme, v);
    let mut hover = format!("**{}** `{}`", rec.kind.keyword(), rec.id.name);
    for field in &rec.fields {
        match field {
            RecField::Strength(c) if c.branches.is_empty() => {
                hover.push_str(&format!(" (strength {})", words(&c.otherwise)));
            }
            // A strength or kind per case: the values it can take.
            RecField::Strength(c) => {
                let values: Vec<String> = c.branches.iter().map(|b| words(&b.1)).collect();
                hover.push_str(&format!(
                    " (strength {} or {}, by case)",
                    values.join(", "),
                    words(&c.otherwise)
                ));
            }
            RecField::Kind(c) => {
                let values: Vec<&str> = c.branches.iter().map(|b| b.1 .0.keyword()).collect();
                hover.push_str(&format!(
                    " (kind {} or {}, by case)",
                    values.join(", "),
                    c.otherwise.0.keyword()
                ));
            }
            _ => {}
        }
    }
    for field in &rec.fields {
        if let RecField::Statement(t) = field {
            push_para(&mut hover, &t.value);
        }
    }
    push_para(&mut hover, doc);
    hover
}
