//! Format stage: `cairn fmt`, the one canonical layout of a `.cairn` file.
//!
//! The file is parsed to the AST (a file with syntax errors is never
//! formatted), laid out from the AST as a `doc::Doc`, and rendered at a
//! width of [`WIDTH`] columns. Plain `//` comments are not in the AST; they
//! are recovered by a lexical scan (`comments`) and re-attached by source
//! position, so comments and blank-line grouping survive formatting.
//!
//! Every call checks that the output parses to the same AST as the input
//! (spans aside), so formatting can never change what a guideline means;
//! the tests also check that formatting is idempotent.

mod comments;
mod decls;
mod doc;
mod expr;
mod io;

pub use io::{read_for_rewrite, rewrite, unified_diff, ReadFile, WriteError};

use crate::check::Failed;
use crate::diagnostics::Diagnostics;
use crate::source::{SourceMap, Span};
use crate::syntax::ast::*;
use crate::syntax::parse_module;
use miette::Diagnostic;
use thiserror::Error;

/// The line width the formatter aims for.
pub const WIDTH: usize = 100;

/// Problems the formatter itself reports (syntax errors come from the parser).
#[derive(Debug, Error, Diagnostic)]
pub enum FormatError {
    /// The formatted text would not mean the same as the input; this is a
    /// formatter bug, and the file is left as it is.
    #[error("formatting `{name}` would change its meaning; the file was left unchanged")]
    #[diagnostic(
        code(cairn::format::changes_meaning),
        help("please report this with the file; until it is fixed, keep the file's own layout")
    )]
    ChangesMeaning {
        /// The file's name.
        name: String,
    },
}

/// Formats one file's text. Includes are not followed: each file is
/// formatted on its own. Returns the syntax errors (and nothing else) when
/// the text does not parse.
pub fn format_source(name: &str, text: &str) -> Result<String, Failed> {
    let mut sources = SourceMap::new();
    let file = sources.add(name, text);
    let parsed = parse_module(file, text);
    if parsed.diagnostics.has_errors() {
        return Err(Failed {
            sources,
            diagnostics: parsed.diagnostics,
        });
    }
    let out = layout(text, &parsed.module);
    let reparsed = parse_module(file, &out);
    if reparsed.diagnostics.has_errors() || !same_ast(&parsed.module, &reparsed.module) {
        let mut diagnostics = Diagnostics::new();
        diagnostics.push(
            file,
            FormatError::ChangesMeaning {
                name: name.to_string(),
            },
        );
        return Err(Failed {
            sources,
            diagnostics,
        });
    }
    Ok(out)
}

/// Checks that a file is formatted: `Ok(None)` when it is, `Ok(Some(diff))`
/// with a unified diff from the file to its formatted form when it is not.
pub fn check_formatted(name: &str, text: &str) -> Result<Option<String>, Failed> {
    let formatted = format_source(name, text)?;
    if formatted == text {
        Ok(None)
    } else {
        Ok(Some(unified_diff(name, text, &formatted)))
    }
}

/// True when two modules are the same tree, ignoring spans. The comparison
/// goes through the derived `Debug` form with every span blanked out, so it
/// cannot miss a field added to the AST later.
pub fn same_ast(a: &Module, b: &Module) -> bool {
    strip_spans(&format!("{a:?}")) == strip_spans(&format!("{b:?}"))
}

/// The `Debug` text of an AST with every `Span { .. }` replaced by `_`.
pub fn strip_spans(debug: &str) -> String {
    const OPEN: &str = "Span { file: FileId(";
    let mut out = String::with_capacity(debug.len());
    let mut rest = debug;
    while let Some(i) = rest.find(OPEN) {
        out.push_str(rest.get(..i).unwrap_or(""));
        let after = rest.get(i..).unwrap_or("");
        match after.find('}') {
            Some(j) => {
                out.push('_');
                rest = after.get(j + 1..).unwrap_or("");
            }
            None => {
                rest = after;
                break;
            }
        }
    }
    out.push_str(rest);
    out
}

/// Lays out a parsed module, re-attaching the comments of `text`.
fn layout(text: &str, module: &Module) -> String {
    let mut units = Vec::new();
    for d in &module.decls {
        decl_units(d, &mut units);
    }
    let scan = comments::scan(text, &units);
    let positions: Vec<usize> = scan.comments.iter().map(|c| c.start).collect();
    let mut trivia: Vec<(usize, usize)> = scan
        .comments
        .iter()
        .map(|c| (c.start, c.start + c.text.len()))
        .chain(scan.docs.iter().map(|d| (*d, line_end(text, *d))))
        .collect();
    trivia.sort_unstable();
    let lay = Layout {
        src: text,
        docs: &scan.docs,
        comments: &positions,
        trivia: &trivia,
    };
    let doc = lay.decls(&module.decls);
    doc::Renderer::new(WIDTH, text, &scan.comments).finish(&doc)
}

/// What the layout code needs from the source besides the AST.
pub(crate) struct Layout<'a> {
    /// The source text.
    src: &'a str,
    /// Byte ranges of every comment and doc comment, sorted.
    trivia: &'a [(usize, usize)],
    /// Offsets of `///` doc comments.
    docs: &'a [usize],
    /// Offsets of `//` comments.
    comments: &'a [usize],
}

impl Layout<'_> {
    /// True when a `//` comment starts inside `span`.
    fn has_comment_in(&self, span: Span) -> bool {
        let end = self.content_end(span);
        let start = self.comments.partition_point(|c| *c < span.start as usize);
        self.comments.get(start).is_some_and(|c| *c < end)
    }

    /// The end of the code in `span`. The spans of some expressions run on
    /// over the whitespace and comments after them (the parser skips them
    /// while looking for an optional operator), so those are trimmed off.
    fn content_end(&self, span: Span) -> usize {
        let start = span.start as usize;
        let mut end = (span.end as usize).min(self.src.len());
        loop {
            while end > start
                && self
                    .src
                    .as_bytes()
                    .get(end - 1)
                    .is_some_and(u8::is_ascii_whitespace)
            {
                end -= 1;
            }
            match self.trivia.iter().find(|(s, e)| *s < end && end <= *e) {
                Some((s, _)) if *s >= start => end = *s,
                _ => return end,
            }
        }
    }

    /// The offset of the closing `}` of a block spanning `span`.
    fn close(&self, span: Span) -> usize {
        (span.end as usize).saturating_sub(1)
    }

    /// The offsets of the `count` doc comments just before `start`.
    fn doc_positions(&self, start: usize, count: usize) -> Vec<usize> {
        let end = self.docs.partition_point(|d| *d < start);
        let begin = end.saturating_sub(count);
        self.docs
            .get(begin..end)
            .map(<[usize]>::to_vec)
            .unwrap_or_default()
    }
}

/// The offset of the end of the line containing `from`.
fn line_end(text: &str, from: usize) -> usize {
    text.get(from..)
        .and_then(|r| r.find('\n'))
        .map_or(text.len(), |p| from + p)
}

/// Collects the spans of every unit in a declaration: `//` inside them is
/// part of the unit, not a comment.
fn decl_units(d: &Decl, out: &mut Vec<Span>) {
    match &d.kind {
        DeclKind::Fact(f) => type_units(&f.ty, out),
        DeclKind::Group(g) => g.facts.iter().for_each(|(_, f, _)| type_units(&f.ty, out)),
        DeclKind::Define(def) => {
            if let Some(t) = &def.ty {
                type_units(t, out);
            }
            expr_units(&def.body, out);
        }
        DeclKind::Constraint(c) => expr_units(&c.condition, out),
        DeclKind::Grading(_) => {}
        DeclKind::Table(t) => {
            t.columns.iter().for_each(|c| type_units(&c.ty, out));
            for cell in t.rows.iter().flat_map(|r| &r.cells) {
                if let Literal::Quantity(q) = cell {
                    out.push(q.unit.span);
                }
            }
        }
        DeclKind::Schedule(s) => {
            for p in &s.phases {
                out.push(p.every.unit.span);
                match &p.length {
                    PhaseLength::For(a) | PhaseLength::Until { total: a, .. } => {
                        out.push(a.unit.span)
                    }
                    PhaseLength::UntilDate { after, .. } => {
                        out.extend(after.iter().map(|a| a.unit.span))
                    }
                }
            }
            s.studies
                .iter()
                .filter_map(|s| s.when.as_ref())
                .for_each(|e| expr_units(e, out));
        }
        DeclKind::Section(s) => {
            if let Some(w) = &s.when {
                expr_units(w, out);
            }
            s.items.iter().for_each(|d| decl_units(d, out));
        }
        DeclKind::Recommendation(r) => {
            for f in &r.fields {
                match f {
                    RecField::When(e) => expr_units(e, out),
                    RecField::Strength(c) => {
                        c.branches.iter().for_each(|(e, _)| expr_units(e, out))
                    }
                    RecField::Kind(c) => c.branches.iter().for_each(|(e, _)| expr_units(e, out)),
                    RecField::Detail(_, values) => {
                        for v in values {
                            match v {
                                DetailValue::Dose { total: q, .. } | DetailValue::Quantity(q) => {
                                    out.push(q.unit.span)
                                }
                                DetailValue::Interval { range, .. } => out.push(range.unit.span),
                                DetailValue::Text(_) => {}
                            }
                        }
                    }
                    _ => {}
                }
            }
        }
        DeclKind::Header(_) | DeclKind::Include(_) | DeclKind::References(_) => {}
    }
}

fn type_units(t: &TypeExpr, out: &mut Vec<Span>) {
    if let TypeExpr::Quantity {
        unit, conversions, ..
    } = t
    {
        out.push(unit.span);
        for c in conversions {
            out.extend(c.units().into_iter().map(|u| u.span));
        }
    }
}

fn expr_units(e: &Expr, out: &mut Vec<Span>) {
    match &e.kind {
        ExprKind::Literal(Literal::Quantity(q)) => out.push(q.unit.span),
        ExprKind::Not(x) | ExprKind::Neg(x) | ExprKind::IsKnown(x, _) | ExprKind::IsEmpty(x) => {
            expr_units(x, out)
        }
        ExprKind::InUnit(x, unit) | ExprKind::AsUnit(x, unit) => {
            expr_units(x, out);
            out.push(unit.span);
        }
        ExprKind::Contains { list, values, .. } => {
            expr_units(list, out);
            values.iter().for_each(|x| expr_units(x, out));
        }
        ExprKind::Binary(_, l, r) | ExprKind::Implies { a: l, b: r, .. } => {
            expr_units(l, out);
            expr_units(r, out);
        }
        ExprKind::In { value, set, .. } => {
            expr_units(value, out);
            set.iter().for_each(|x| expr_units(x, out));
        }
        ExprKind::Quantified(_, items) | ExprKind::Call(_, items) => {
            items.iter().for_each(|x| expr_units(x, out))
        }
        ExprKind::Count { bound, items } => {
            bound.iter().for_each(|(_, k)| expr_units(k, out));
            items.iter().for_each(|x| expr_units(x, out));
        }
        ExprKind::CountList {
            bound,
            list,
            values,
        } => {
            bound.iter().for_each(|(_, k)| expr_units(k, out));
            expr_units(list, out);
            values.iter().flatten().for_each(|x| expr_units(x, out));
        }
        ExprKind::Score(items) => {
            for item in items {
                expr_units(&item.points, out);
                item.when.iter().for_each(|c| expr_units(c, out));
            }
        }
        ExprKind::First {
            branches,
            otherwise,
        } => {
            for (c, v) in branches {
                expr_units(c, out);
                expr_units(v, out);
            }
            if let Some(o) = otherwise {
                expr_units(o, out);
            }
        }
        ExprKind::Literal(_) | ExprKind::Name(_) | ExprKind::Field(..) => {}
    }
}
