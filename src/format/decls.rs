//! Format stage: layout of declarations.
//!
//! Every block (`guideline`, `group`, `table`, `schedule`, `section`,
//! `references`, recommendations, vertical enums and `first`) opens with `{`
//! at the end of its first line, holds one item per line indented two
//! spaces, and closes with `}` on its own line. Items keep their source
//! order; a blank line separates block declarations from their neighbours,
//! and blank lines the author put between items are kept (collapsed to one).

use super::doc::{cat, flush, flush_close, group, nest, text, Blank, Doc, Renderer};
use super::expr::{number, quantity, quote};
use super::Layout;
use crate::source::Span;
use crate::syntax::ast::*;

impl Layout<'_> {
    /// The declarations of one file or section, one after another.
    pub fn decls(&self, decls: &[Decl]) -> Doc {
        let mut parts = Vec::new();
        for (i, d) in decls.iter().enumerate() {
            let blank = match i.checked_sub(1).and_then(|p| decls.get(p)) {
                Some(prev) if is_block(prev) || is_block(d) => Blank::Force,
                _ => Blank::Keep,
            };
            if i > 0 {
                parts.push(Doc::Hard);
            }
            parts.push(self.item_docs(&d.doc, d.span, blank));
            parts.push(self.decl(d));
        }
        cat(parts)
    }

    /// The flush point of an item and its `///` lines, each preceded by its
    /// own flush point so comments between them stay in place.
    fn item_docs(&self, docs: &[String], span: Span, blank: Blank) -> Doc {
        let start = span.start as usize;
        let positions = self.doc_positions(start, docs.len());
        let mut parts = Vec::new();
        for (i, line) in docs.iter().enumerate() {
            let pos = positions.get(i).copied().unwrap_or(start);
            parts.push(flush(pos, if i == 0 { blank } else { Blank::Never }));
            parts.push(text(if line.is_empty() {
                "///".to_string()
            } else {
                format!("/// {line}")
            }));
            parts.push(Doc::Hard);
        }
        let first = if docs.is_empty() { blank } else { Blank::Never };
        parts.push(flush(start, first));
        cat(parts)
    }

    /// A block: `head {`, the items one per line, `}`.
    fn block(&self, head: Doc, items: Vec<Doc>, span: Span) -> Doc {
        let close = self.close(span);
        if items.is_empty() && !self.has_comment_in(span) {
            return cat(vec![head, text(" {}")]);
        }
        let mut body = Vec::new();
        for item in items {
            body.push(Doc::Hard);
            body.push(item);
        }
        cat(vec![
            head,
            text(" {"),
            nest(2, cat(body)),
            Doc::Hard,
            flush_close(close),
            text("}"),
        ])
    }

    /// One line item of a block, with its flush point.
    fn line(&self, pos: Span, doc: Doc) -> Doc {
        cat(vec![flush(pos.start as usize, Blank::Keep), doc])
    }

    fn decl(&self, d: &Decl) -> Doc {
        match &d.kind {
            DeclKind::Header(h) => {
                let items = h
                    .fields
                    .iter()
                    .map(|f| self.line(f.span, header_field(f)))
                    .collect();
                self.block(text(format!("guideline {}", h.id.name)), items, d.span)
            }
            DeclKind::Include(t) => text(format!("include {}", quote(&t.value))),
            DeclKind::Fact(f) => self.fact(f),
            DeclKind::Group(g) => {
                let items = g
                    .facts
                    .iter()
                    .map(|(doc, f, span)| {
                        cat(vec![self.item_docs(doc, *span, Blank::Keep), self.fact(f)])
                    })
                    .collect();
                let head = text(format!("group {} {}", g.name.name, quote(&g.title.value)));
                self.block(head, items, d.span)
            }
            DeclKind::Define(def) => self.define(def),
            DeclKind::Constraint(c) => {
                let head = format!(
                    "constraint {} {}:",
                    c.name.name,
                    quote(&c.description.value)
                );
                cat(vec![
                    text(head),
                    group(
                        nest(2, cat(vec![Doc::Line, self.expr(&c.condition)])),
                        false,
                    ),
                ])
            }
            DeclKind::Grading(g) => {
                let items = g
                    .values
                    .iter()
                    .map(|v| {
                        let line = match &v.description {
                            Some(t) => format!("{} {}", v.name.name, quote(&t.value)),
                            None => v.name.name.clone(),
                        };
                        cat(vec![
                            self.item_docs(&v.doc, v.span, Blank::Keep),
                            text(line),
                        ])
                    })
                    .collect();
                let head = text(format!("grading {} {}", g.name.name, quote(&g.title.value)));
                self.block(head, items, d.span)
            }
            DeclKind::Table(t) => self.table(t, d.span),
            DeclKind::Schedule(s) => self.schedule(s, d.span),
            DeclKind::Section(s) => {
                let mut clause = Vec::new();
                if let Some(w) = &s.when {
                    clause.push(Doc::Line);
                    clause.push(text("when "));
                    let cond = self.expr(w);
                    // `2 exhaustive` would read back as a quantity with the
                    // unit `exhaustive`, so such a condition keeps parentheses.
                    if s.exhaustive && ends_with_digit(&cond) {
                        clause.push(cat(vec![text("("), cond, text(")")]));
                    } else {
                        clause.push(cond);
                    }
                }
                if s.exhaustive {
                    clause.push(text(" exhaustive"));
                }
                let head = text(format!("section {} {}", s.id.name, quote(&s.title.value)));
                let empty = s.items.is_empty() && !self.has_comment_in(d.span);
                // A heading too long for one line puts its condition on the
                // next line and the brace on a line of its own.
                let opening = group(
                    cat(vec![
                        head,
                        nest(4, cat(clause)),
                        Doc::Line,
                        text(if empty { "{}" } else { "{" }),
                    ]),
                    false,
                );
                if empty {
                    return opening;
                }
                cat(vec![
                    opening,
                    nest(2, cat(vec![Doc::Hard, self.decls(&s.items)])),
                    Doc::Hard,
                    flush_close(self.close(d.span)),
                    text("}"),
                ])
            }
            DeclKind::References(refs) => {
                let items = refs
                    .iter()
                    .map(|r| {
                        self.line(
                            r.span,
                            text(format!("[{}] {}", r.number, quote(&r.text.value))),
                        )
                    })
                    .collect();
                self.block(text("references"), items, d.span)
            }
            DeclKind::Recommendation(r) => {
                let items = r.fields.iter().map(|f| self.rec_field(f)).collect();
                self.block(
                    text(format!("{} {}", r.kind.keyword(), r.id.name)),
                    items,
                    d.span,
                )
            }
        }
    }

    fn fact(&self, f: &Fact) -> Doc {
        cat(vec![
            text(format!(
                "fact {} {}: ",
                f.name.name,
                quote(&f.description.value)
            )),
            self.type_expr(&f.ty),
            text(if f.or_never.is_some() {
                " or never"
            } else {
                ""
            }),
            text(match &f.absent {
                None => String::new(),
                Some(a) => format!(" absent means {}", absent_word(&a.value)),
            }),
        ])
    }

    fn type_expr(&self, t: &TypeExpr) -> Doc {
        match t {
            TypeExpr::Bool(_) => text("bool"),
            TypeExpr::Date(_) => text("date"),
            TypeExpr::Integer { range: None, .. } => text("integer"),
            TypeExpr::Integer {
                range: Some((lo, hi)),
                ..
            } => text(format!("integer {lo} to {hi}")),
            TypeExpr::Number { .. } | TypeExpr::Quantity { .. } => {
                text(t.decimal_text().unwrap_or_default())
            }
            TypeExpr::List { values, span } => {
                cat(vec![text("list of "), self.enum_type(values, *span)])
            }
            TypeExpr::Enum { values, span } => self.enum_type(values, *span),
        }
    }

    /// `enum { ... }`, one value per line when any has a label, code, doc
    /// or comment.
    fn enum_type(&self, values: &[EnumValue], span: Span) -> Doc {
        {
            {
                let force = self.has_comment_in(span)
                    || values
                        .iter()
                        .any(|v| !v.doc.is_empty() || v.label.is_some() || !v.codes.is_empty());
                // One value per line needs no commas, unless a value is
                // named `code`: `a code b "B"` would read as a code binding.
                let commas = values.iter().any(|v| v.name.name == "code");
                let mut inner = Vec::new();
                for (i, v) in values.iter().enumerate() {
                    if i > 0 {
                        inner.push(if commas { text(",") } else { Doc::IfFlat(",") });
                    }
                    inner.push(Doc::Line);
                    inner.push(self.item_docs(&v.doc, v.name.span, Blank::Keep));
                    inner.push(text(enum_value(v)));
                }
                if commas {
                    inner.push(Doc::IfBreak(","));
                }
                group(
                    cat(vec![
                        text("enum {"),
                        nest(2, cat(inner)),
                        Doc::Line,
                        flush_close(self.close(span)),
                        text("}"),
                    ]),
                    force,
                )
            }
        }
    }

    fn define(&self, d: &Define) -> Doc {
        let mut head = format!("define {} {}", d.name.name, quote(&d.description.value));
        let mut parts = Vec::new();
        if let Some(ty) = &d.ty {
            head.push_str(": ");
            parts.push(text(head));
            parts.push(self.type_expr(ty));
        } else {
            parts.push(text(head));
        }
        parts.push(text(" ="));
        match &d.body.kind {
            ExprKind::First { .. }
            | ExprKind::Quantified(..)
            | ExprKind::Score(_)
            | ExprKind::Count { .. } => {
                parts.push(text(" "));
                parts.push(self.expr(&d.body));
            }
            _ => parts.push(group(
                nest(2, cat(vec![Doc::Line, self.expr(&d.body)])),
                false,
            )),
        }
        cat(parts)
    }

    fn table(&self, t: &Table, span: Span) -> Doc {
        let mut items = Vec::new();
        if let Some(first) = t.keys.first() {
            let names: Vec<&str> = t.keys.iter().map(|k| k.name.as_str()).collect();
            items.push(self.line(first.span, text(format!("key {}", names.join(", ")))));
        }
        for c in &t.columns {
            items.push(self.line(
                c.name.span,
                cat(vec![
                    text(format!(
                        "column {} {}: ",
                        c.name.name,
                        quote(&c.label.value)
                    )),
                    self.type_expr(&c.ty),
                ]),
            ));
        }
        let rows: Vec<(Vec<String>, Vec<String>)> = t
            .rows
            .iter()
            .map(|r| {
                let keys = r.keys.iter().map(row_key).collect();
                let cells = r.cells.iter().map(super::expr::literal).collect();
                (keys, cells)
            })
            .collect();
        let key_widths = widths(rows.iter().map(|r| &r.0));
        let cell_widths = widths(rows.iter().map(|r| &r.1));
        for (row, (keys, cells)) in t.rows.iter().zip(&rows) {
            let mut line = String::from("row ");
            line.push_str(&aligned(keys, &key_widths, true));
            line.push_str(" -> ");
            line.push_str(&aligned(cells, &cell_widths, false));
            items.push(self.line(row.span, text(line.trim_end().to_string())));
        }
        if let Some(first) = t.cites.first() {
            items.push(self.line(first.span, text(cites(&t.cites))));
        }
        let head = text(format!("table {} {}", t.name.name, quote(&t.title.value)));
        self.block(head, items, span)
    }

    fn schedule(&self, s: &Schedule, span: Span) -> Doc {
        let mut items = Vec::new();
        for (i, p) in s.phases.iter().enumerate() {
            let then = if i == 0 { "" } else { "then " };
            let length = match &p.length {
                PhaseLength::For(a) => format!("for {}", amount(a)),
                PhaseLength::Until { total, at_least } => format!(
                    "until {}{}",
                    if *at_least { "at least " } else { "" },
                    amount(total)
                ),
                PhaseLength::UntilDate {
                    date,
                    after,
                    at_least,
                } => format!(
                    "until {}{}{}",
                    if *at_least { "at least " } else { "" },
                    after
                        .as_ref()
                        .map(|a| format!("{} after ", amount(a)))
                        .unwrap_or_default(),
                    match date {
                        UntilAnchor::Date(d) => d.text.as_str(),
                        UntilAnchor::Name(n) => n.name.as_str(),
                    }
                ),
            };
            items.push(self.line(
                p.span,
                text(format!("{then}every {} {length}", amount(&p.every))),
            ));
        }
        for st in &s.studies {
            let names: Vec<String> = st.names.iter().map(|n| quote(&n.value)).collect();
            let mut parts = vec![text(if st.alternating {
                format!("study alternating ({})", names.join(", "))
            } else {
                format!("study {}", names.join(", "))
            })];
            if let Some(w) = &st.when {
                parts.push(text(" when "));
                parts.push(self.expr(w));
            }
            items.push(self.line(st.span, cat(parts)));
        }
        let as_of = s
            .as_of
            .as_ref()
            .map(|a| format!(" as of {}", a.name))
            .unwrap_or_default();
        let head = text(format!(
            "schedule {} {} from {}{as_of}",
            s.name.name,
            quote(&s.title.value),
            s.from.name
        ));
        self.block(head, items, span)
    }

    fn rec_field(&self, f: &RecField) -> Doc {
        let (pos, doc) = match f {
            RecField::Strength(c) => {
                let pos = c
                    .branches
                    .first()
                    .map_or(c.otherwise.span(), |b| b.1.span());
                (pos, self.choice("strength", c, |v| v.text().to_string()))
            }
            RecField::Kind(c) => {
                let pos = c.branches.first().map_or(c.otherwise.1, |b| b.1 .1);
                (pos, self.choice("kind", c, |v| v.0.keyword().to_string()))
            }
            RecField::About(a) => (a.span, text(format!("about {}", a.name))),
            RecField::When(e) => (e.span, cat(vec![text("when "), self.expr(e)])),
            RecField::Statement(t) => (t.span, text(format!("statement {}", quote(&t.value)))),
            RecField::Rationale(t) => (t.span, text(format!("rationale {}", quote(&t.value)))),
            RecField::Note(t) => (t.span, text(format!("note {}", quote(&t.value)))),
            RecField::See(t) => (t.span, text(format!("see {}", quote(&t.value)))),
            RecField::Schedule(s) => (s.span, text(format!("schedule {}", s.name))),
            RecField::Alternative(id, t) => {
                let s = match id {
                    Some(id) => format!("alternative {} {}", id.name, quote(&t.value)),
                    None => format!("alternative {}", quote(&t.value)),
                };
                (id.as_ref().map_or(t.span, |i| i.span), text(s))
            }
            RecField::Excludes(ids) => {
                let names: Vec<&str> = ids.iter().map(|i| i.name.as_str()).collect();
                let pos = ids.first().map_or(Span::default(), |i| i.span);
                (pos, text(format!("excludes {}", names.join(", "))))
            }
            RecField::Acknowledge {
                finding,
                with,
                reason,
            } => {
                let with = with
                    .as_ref()
                    .map(|w| format!(" with {}", w.name))
                    .unwrap_or_default();
                let s = format!(
                    "acknowledge {}{with} {}",
                    finding.name,
                    quote(&reason.value)
                );
                (finding.span, text(s))
            }
            RecField::Cite(c) => (
                c.first().map_or(Span::default(), |c| c.span),
                text(cites(c)),
            ),
            RecField::Detail(name, values) => {
                let mut inner = Vec::new();
                for (i, v) in values.iter().enumerate() {
                    if i > 0 {
                        inner.push(text(","));
                    }
                    inner.push(Doc::Line);
                    inner.push(text(detail_value(v)));
                }
                let doc = group(
                    cat(vec![
                        text(format!("detail {} =", name.name)),
                        nest(2, cat(inner)),
                    ]),
                    false,
                );
                (name.span, doc)
            }
        };
        self.line(pos, doc)
    }
}

impl Layout<'_> {
    /// `field A when COND otherwise B …`, on one line (a long condition
    /// breaks as in a `when` field).
    fn choice<T>(&self, field: &str, c: &Choice<T>, word: impl Fn(&T) -> String) -> Doc {
        let mut parts = vec![text(format!("{field} "))];
        for (cond, value) in &c.branches {
            parts.push(text(format!("{} when ", word(value))));
            parts.push(self.expr(cond));
            parts.push(text(" otherwise "));
        }
        parts.push(text(word(&c.otherwise)));
        cat(parts)
    }
}

/// True when `doc` laid out flat ends with a digit.
fn ends_with_digit(doc: &Doc) -> bool {
    Renderer::new(usize::MAX / 4, "", &[])
        .finish(doc)
        .trim_end()
        .ends_with(|c: char| c.is_ascii_digit())
}

/// True for declarations laid out as a block over several lines.
fn is_block(d: &Decl) -> bool {
    !matches!(
        d.kind,
        DeclKind::Include(_) | DeclKind::Fact(_) | DeclKind::Define(_) | DeclKind::Constraint(_)
    )
}

fn header_field(f: &HeaderField) -> Doc {
    let value = match &f.value {
        HeaderValue::Texts(texts, dated) => {
            let mut s: Vec<String> = texts.iter().map(|t| quote(&t.value)).collect();
            if let Some(d) = dated {
                if let Some(last) = s.last_mut() {
                    last.push_str(&format!(" dated {}", d.text));
                }
            }
            s.join(", ")
        }
        HeaderValue::Date(d) => d.text.clone(),
        HeaderValue::Word(w) => w.name.clone(),
    };
    text(format!("{} {}", f.key.name, value))
}

fn enum_value(v: &EnumValue) -> String {
    let mut s = v.name.name.clone();
    if let Some(label) = &v.label {
        s.push(' ');
        s.push_str(&quote(&label.value));
    }
    for c in &v.codes {
        s.push_str(&format!(" code {} {}", c.system.name, quote(&c.code.value)));
    }
    s
}

fn amount(a: &AmountRange) -> String {
    if a.high == a.low {
        format!("{} {}", number(a.low), a.unit.name)
    } else {
        format!("{} to {} {}", number(a.low), number(a.high), a.unit.name)
    }
}

fn detail_value(v: &DetailValue) -> String {
    match v {
        DetailValue::Dose {
            total, fractions, ..
        } => format!("{} in {} fractions", quantity(total), fractions),
        // An interval always spells out `to`: without it the value would
        // read back as a plain quantity.
        DetailValue::Interval { range, after } => {
            let mut s = format!(
                "{} to {} {}",
                number(range.low),
                number(range.high),
                range.unit.name
            );
            if let Some(a) = after {
                s.push_str(&format!(" after {}", quote(&a.value)));
            }
            s
        }
        DetailValue::Quantity(q) => quantity(q),
        DetailValue::Text(t) => quote(&t.value),
    }
}

fn cites(c: &[Cite]) -> String {
    let items: Vec<String> = c
        .iter()
        .map(|c| {
            if c.to == c.from {
                c.from.to_string()
            } else {
                format!("{}-{}", c.from, c.to)
            }
        })
        .collect();
    format!("cite [{}]", items.join(", "))
}

/// The widest entry (comma included) at each position of the rows.
fn widths<'r>(rows: impl Iterator<Item = &'r Vec<String>>) -> Vec<usize> {
    let mut w: Vec<usize> = Vec::new();
    for row in rows {
        for (i, s) in row.iter().enumerate() {
            let len = s.chars().count() + usize::from(i + 1 < row.len());
            match w.get_mut(i) {
                Some(x) => *x = (*x).max(len),
                None => w.push(len),
            }
        }
    }
    w
}

/// Entries joined by `, ` and padded to the column widths; the last entry
/// is padded only when `pad_last` (so the `->` of every row lines up).
fn aligned(entries: &[String], widths: &[usize], pad_last: bool) -> String {
    let mut out = String::new();
    for (i, e) in entries.iter().enumerate() {
        let last = i + 1 == entries.len();
        let cell = if last { e.clone() } else { format!("{e},") };
        out.push_str(&cell);
        if !last || pad_last {
            let w = widths.get(i).copied().unwrap_or(0);
            let pad = w.saturating_sub(cell.chars().count());
            out.push_str(&" ".repeat(pad));
        }
        if !last {
            out.push(' ');
        }
    }
    out
}

/// A row pattern as written: `_`, `lms`, `0`, `2 to 3`, `< 30 mL/min`.
fn row_key(k: &RowKey) -> String {
    match k {
        RowKey::Any(_) => "_".to_string(),
        RowKey::Value(i) => i.name.clone(),
        RowKey::Exact(l) => super::expr::literal(l),
        RowKey::Range { from, to, .. } => format!(
            "{} to {}",
            super::expr::literal(from),
            super::expr::literal(to)
        ),
        RowKey::Bound { op, value, .. } => {
            let op = match op {
                BinOp::Lt => "<",
                BinOp::Le => "<=",
                BinOp::Gt => ">",
                _ => ">=",
            };
            format!("{op} {}", super::expr::literal(value))
        }
    }
}

/// The value of an `absent means` clause as written.
fn absent_word(v: &AbsentValue) -> String {
    match v {
        AbsentValue::Bool(b) => b.to_string(),
        AbsentValue::Never => "never".into(),
        AbsentValue::Empty => "none".into(),
        AbsentValue::Name(n) => n.name.clone(),
    }
}
