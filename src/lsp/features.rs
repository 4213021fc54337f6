//! Language server: hover, navigation, completion and the outline.
//!
//! Every feature works on an [`Analysis`] of the document: the cursor is
//! turned into a byte offset once, looked up in the symbol index, and the
//! answer's spans are turned back into protocol ranges.

use super::analysis::{Analysis, MAIN};
use super::index::{Key, SymbolKind as Kind};
use super::text::LineIndex;
use crate::syntax::ast::{Decl, DeclKind};
use lsp_types::{
    CompletionItem, CompletionItemKind, DocumentSymbol, Hover, HoverContents, Location,
    MarkupContent, MarkupKind, Position, SymbolKind, TextEdit,
};

/// Every keyword of the language, for completion (kept equal to the `kw_*`
/// rules of `grammar/cairn.pest` by a test).
pub const KEYWORDS: &[&str] = &[
    "and",
    "or",
    "not",
    "in",
    "is",
    "known",
    "unknown",
    "true",
    "false",
    "when",
    "then",
    "otherwise",
    "first",
    "any",
    "all",
    "none",
    "of",
    "to",
    "after",
    "fractions",
    "guideline",
    "dated",
    "include",
    "grading",
    "fact",
    "group",
    "bool",
    "integer",
    "number",
    "quantity",
    "molar",
    "mass",
    "where",
    "date",
    "never",
    "absent",
    "means",
    "enum",
    "code",
    "define",
    "constraint",
    "table",
    "key",
    "column",
    "row",
    "schedule",
    "from",
    "as",
    "every",
    "for",
    "until",
    "at",
    "least",
    "most",
    "exactly",
    "between",
    "implies",
    "count",
    "score",
    "point",
    "points",
    "study",
    "alternating",
    "section",
    "references",
    "recommend",
    "suggest",
    "option",
    "consider",
    "do-not-offer",
    "discourage",
    "refer",
    "inform",
    "strength",
    "kind",
    "about",
    "statement",
    "rationale",
    "alternative",
    "note",
    "detail",
    "cite",
    "see",
    "excludes",
    "acknowledge",
    "with",
    "exhaustive",
];

/// The key under the cursor: the narrowest occurrence containing it.
pub(super) fn key_at(analysis: &Analysis, position: Position) -> Vec<(Key, crate::source::Span)> {
    let offset = analysis.offset(position);
    let found = analysis.index.at(MAIN, offset);
    let Some(narrowest) = found.first().map(|o| o.span) else {
        return Vec::new();
    };
    found
        .into_iter()
        .filter(|o| o.span == narrowest)
        .map(|o| (o.key.clone(), o.span))
        .collect()
}

/// Hover text for the symbol under the cursor.
pub fn hover(analysis: &Analysis, position: Position) -> Option<Hover> {
    let keys = key_at(analysis, position);
    let span = keys.first()?.1;
    let texts: Vec<&str> = keys
        .iter()
        .filter_map(|(k, _)| analysis.index.symbols.get(k))
        .map(|s| s.hover.as_str())
        .collect();
    if texts.is_empty() {
        return None;
    }
    Some(Hover {
        contents: HoverContents::Markup(MarkupContent {
            kind: MarkupKind::Markdown,
            value: texts.join("\n\n---\n\n"),
        }),
        range: Some(analysis.range(span)),
    })
}

/// Where the symbol under the cursor is declared.
pub fn definition(analysis: &Analysis, position: Position) -> Vec<Location> {
    key_at(analysis, position)
        .iter()
        .filter_map(|(k, _)| analysis.index.symbols.get(k))
        .filter_map(|s| analysis.location(s.span))
        .collect()
}

/// Every use of the symbol under the cursor.
pub fn references(analysis: &Analysis, position: Position, declaration: bool) -> Vec<Location> {
    let mut out = Vec::new();
    for (k, _) in key_at(analysis, position) {
        let decl = analysis.index.symbols.get(&k).map(|s| s.span);
        for o in analysis.index.references(&k) {
            if !declaration && Some(o.span) == decl {
                continue;
            }
            if let Some(location) = analysis.location(o.span) {
                if !out.contains(&location) {
                    out.push(location);
                }
            }
        }
    }
    out
}

/// Completion items for the cursor's context.
///
/// The context comes from `text`, the document as it is now (with `lines`,
/// its line index); the names come from `analysis`, which may be a few
/// edits older while a new one is being made.
pub fn completion(
    analysis: &Analysis,
    text: &str,
    lines: &LineIndex,
    position: Position,
) -> Vec<CompletionItem> {
    let offset = lines.offset(text, position);
    let line_start = text
        .get(..offset)
        .and_then(|t| t.rfind('\n'))
        .map(|i| i + 1)
        .unwrap_or(0);
    let before = text.get(line_start..offset).unwrap_or("");
    let word = super::text::trailing(before, |c| c.is_ascii_alphanumeric() || c == '_');
    let head = &before[..before.len() - word.len()];
    if let Some(items) = cite_context(analysis, head) {
        return items;
    }
    if unit_context(head) {
        return crate::units::completion_units()
            .into_iter()
            .map(|(unit, dimension)| item(&unit, CompletionItemKind::UNIT, Some(dimension)))
            .collect();
    }
    if rec_context(head) {
        return analysis
            .index
            .symbols
            .iter()
            .filter(|(_, s)| s.kind == Kind::Recommendation)
            .filter_map(|(k, s)| match k {
                Key::Name(name) => Some(item(
                    name,
                    CompletionItemKind::FUNCTION,
                    Some(s.detail.clone()),
                )),
                _ => None,
            })
            .collect();
    }
    // `grading acc_aha` in the header: the built-in schemes.
    if head.trim() == "grading" {
        return crate::strength::BUILT_IN
            .iter()
            .map(|w| {
                item(
                    w,
                    CompletionItemKind::ENUM_MEMBER,
                    Some("grading scheme".into()),
                )
            })
            .collect();
    }
    if let Some(typed) = super::strength::typed(head) {
        return crate::strength::complete::next_words(&analysis.index.grading, &typed)
            .into_iter()
            .map(|(w, detail)| item(&w, CompletionItemKind::ENUM_MEMBER, detail))
            .collect();
    }
    if let Some(key) = super::rows::row_key(text.get(..line_start).unwrap_or(""), head) {
        return match analysis.index.enums.get(&key) {
            Some(values) => std::iter::once(item("_", CompletionItemKind::KEYWORD, None))
                .chain(values.iter().map(|v| {
                    let k = Key::EnumValue(key.clone(), v.clone());
                    let detail = analysis.index.symbols.get(&k).map(|s| s.detail.clone());
                    item(v, CompletionItemKind::ENUM_MEMBER, detail)
                }))
                .collect(),
            None => super::rows::NUMBER_PATTERNS
                .iter()
                .map(|(p, what)| item(p, CompletionItemKind::OPERATOR, Some(what.to_string())))
                .collect(),
        };
    }
    // `count of ` and `at least 2 of `: a list fact (or `[` for truths).
    if count_context(head) {
        return analysis
            .index
            .lists
            .iter()
            .map(|name| {
                let detail = analysis.index.symbols.get(&Key::Name(name.clone()));
                item(
                    name,
                    CompletionItemKind::FIELD,
                    detail.map(|s| s.detail.clone()),
                )
            })
            .collect();
    }
    if let Some(owner) = enum_context(head) {
        if let Some(values) = analysis.index.enums.get(&owner) {
            return values
                .iter()
                .map(|v| {
                    let k = Key::EnumValue(owner.clone(), v.clone());
                    let detail = analysis.index.symbols.get(&k).map(|s| s.detail.clone());
                    item(v, CompletionItemKind::ENUM_MEMBER, detail)
                })
                .collect();
        }
    }
    let mut items: Vec<CompletionItem> = KEYWORDS
        .iter()
        .map(|k| item(k, CompletionItemKind::KEYWORD, None))
        .collect();
    for (k, symbol) in &analysis.index.symbols {
        let (Key::Name(name), kind) = (k, symbol.kind) else {
            continue;
        };
        let kind = match kind {
            Kind::Fact => CompletionItemKind::FIELD,
            Kind::Define => CompletionItemKind::CONSTANT,
            Kind::Table => CompletionItemKind::STRUCT,
            Kind::Schedule => CompletionItemKind::EVENT,
            _ => continue,
        };
        items.push(item(name, kind, Some(symbol.detail.clone())));
    }
    items
}

fn item(label: &str, kind: CompletionItemKind, detail: Option<String>) -> CompletionItem {
    CompletionItem {
        label: label.to_string(),
        kind: Some(kind),
        detail,
        ..CompletionItem::default()
    }
}

/// True right after `count of ` or `at least k of ` (`at most`,
/// `exactly`), where a count over a list names the list.
fn count_context(head: &str) -> bool {
    if !head.ends_with(char::is_whitespace) {
        return false;
    }
    let words: Vec<&str> = head.split_whitespace().rev().take(4).collect();
    matches!(
        words.as_slice(),
        ["of", "count", ..] | ["of", _, "exactly", ..] | ["of", _, "least" | "most", "at", ..]
    )
}

/// True right after `quantity `, `weight in ` or `formula as `, where a
/// unit is expected (after `not in ` a set is).
fn unit_context(head: &str) -> bool {
    let mut words = head
        .trim_end()
        .rsplit(|c: char| !(c.is_ascii_alphanumeric() || c == '_'));
    let last = words.next();
    let before = words.next();
    head.ends_with(char::is_whitespace)
        && match last {
            Some("quantity" | "as") => true,
            Some("in") => before != Some("not"),
            _ => false,
        }
}

/// True after `excludes`, `excludes a,` or `acknowledge finding with`,
/// where only recommendation ids fit.
fn rec_context(head: &str) -> bool {
    let trimmed = head.trim_end();
    let words: Vec<&str> = trimmed.split_whitespace().collect();
    match words.as_slice() {
        [.., "excludes"] => true,
        [.., "acknowledge", _, "with"] => true,
        [first, .., last] => *first == "excludes" && last.ends_with(','),
        _ => false,
    }
}

/// Reference numbers inside an unclosed `cite [`.
fn cite_context(analysis: &Analysis, head: &str) -> Option<Vec<CompletionItem>> {
    // `rfind` of an ASCII byte gives a character boundary, so both slices
    // are safe.
    let (before, after) = head.split_at(head.rfind('[')?);
    if after.contains(']') || !before.trim_end().ends_with("cite") {
        return None;
    }
    let items = analysis
        .index
        .symbols
        .iter()
        .filter_map(|(k, s)| match k {
            Key::Reference(n) => Some(item(
                &n.to_string(),
                CompletionItemKind::REFERENCE,
                Some(s.detail.clone()),
            )),
            _ => None,
        })
        .collect();
    Some(items)
}

/// The enum owner whose values fit after `x =`, `x !=` or `x in {a, `.
fn enum_context(head: &str) -> Option<String> {
    let trimmed = head.trim_end();
    let subject = if let Some(rest) = trimmed
        .strip_suffix("!=")
        .or_else(|| trimmed.strip_suffix('≠'))
    {
        rest
    } else if let Some(rest) = trimmed.strip_suffix('=') {
        if rest.ends_with(['<', '>']) {
            return None;
        }
        rest
    } else {
        let (before, after) = trimmed.split_at(trimmed.rfind('{')?);
        if after.contains('}') {
            return None;
        }
        before.trim_end().strip_suffix("in")?
    };
    // The subject is the run of name characters before the operator; a
    // letter outside ASCII (`für =`) belongs to the run, so such a subject
    // is no name at all rather than its ASCII tail.
    let name = super::text::trailing(subject.trim_end(), |c| {
        c.is_alphanumeric() || c == '_' || c == '.'
    });
    (!name.is_empty() && name.is_ascii()).then(|| name.to_string())
}

/// The whole document (`text`, named `name`, with its line index `lines`)
/// formatted by `cairn fmt`'s formatter, as one edit; no edit when it is
/// already formatted, and none when it does not parse (the diagnostics
/// already say why).
pub fn formatting(name: &str, text: &str, lines: &LineIndex) -> Option<Vec<TextEdit>> {
    let formatted = crate::format::format_source(name, text).ok()?;
    if formatted == text {
        return Some(Vec::new());
    }
    let range = lines.range(text, 0, text.len());
    Some(vec![TextEdit::new(range, formatted)])
}

/// The outline: sections with their contents, recommendations and the
/// other declarations of the main document.
pub fn symbols(analysis: &Analysis, decls: &[Decl]) -> Vec<DocumentSymbol> {
    decls.iter().map(|d| symbol(analysis, d)).collect()
}

#[allow(deprecated)] // `DocumentSymbol::deprecated` must still be written.
fn symbol(analysis: &Analysis, decl: &Decl) -> DocumentSymbol {
    let (name, detail, kind, selection, children) = match &decl.kind {
        DeclKind::Header(h) => (
            h.id.name.clone(),
            "guideline".into(),
            SymbolKind::FILE,
            h.id.span,
            None,
        ),
        DeclKind::Include(t) => (
            t.value.clone(),
            "include".into(),
            SymbolKind::FILE,
            t.span,
            None,
        ),
        DeclKind::Fact(f) => (
            f.name.name.clone(),
            f.description.value.clone(),
            SymbolKind::FIELD,
            f.name.span,
            None,
        ),
        DeclKind::Group(g) => {
            let children = g
                .facts
                .iter()
                .map(|(_, f, span)| {
                    leaf(
                        analysis,
                        &f.name.name,
                        &f.description.value,
                        SymbolKind::FIELD,
                        *span,
                        f.name.span,
                    )
                })
                .collect();
            (
                g.name.name.clone(),
                g.title.value.clone(),
                SymbolKind::STRUCT,
                g.name.span,
                Some(children),
            )
        }
        DeclKind::Define(d) => (
            d.name.name.clone(),
            d.description.value.clone(),
            SymbolKind::CONSTANT,
            d.name.span,
            None,
        ),
        DeclKind::Constraint(c) => (
            c.name.name.clone(),
            c.description.value.clone(),
            SymbolKind::BOOLEAN,
            c.name.span,
            None,
        ),
        DeclKind::Grading(g) => (
            g.name.name.clone(),
            g.title.value.clone(),
            SymbolKind::ENUM,
            g.name.span,
            None,
        ),
        DeclKind::Table(t) => (
            t.name.name.clone(),
            t.title.value.clone(),
            SymbolKind::STRUCT,
            t.name.span,
            None,
        ),
        DeclKind::Schedule(s) => (
            s.name.name.clone(),
            s.title.value.clone(),
            SymbolKind::EVENT,
            s.name.span,
            None,
        ),
        DeclKind::Section(s) => (
            s.id.name.clone(),
            s.title.value.clone(),
            SymbolKind::NAMESPACE,
            s.id.span,
            Some(symbols(analysis, &s.items)),
        ),
        DeclKind::References(refs) => {
            let children = refs
                .iter()
                .map(|r| {
                    leaf(
                        analysis,
                        &format!("[{}]", r.number),
                        &r.text.value,
                        SymbolKind::KEY,
                        r.span,
                        r.span,
                    )
                })
                .collect();
            (
                "references".into(),
                String::new(),
                SymbolKind::ARRAY,
                decl.span,
                Some(children),
            )
        }
        DeclKind::Recommendation(r) => (
            r.id.name.clone(),
            r.kind.keyword().into(),
            SymbolKind::FUNCTION,
            r.id.span,
            None,
        ),
    };
    let mut s = leaf(analysis, &name, &detail, kind, decl.span, selection);
    s.children = children;
    s
}

#[allow(deprecated)] // `DocumentSymbol::deprecated` must still be written.
fn leaf(
    analysis: &Analysis,
    name: &str,
    detail: &str,
    kind: SymbolKind,
    full: crate::source::Span,
    selection: crate::source::Span,
) -> DocumentSymbol {
    DocumentSymbol {
        name: if name.is_empty() {
            "_".into()
        } else {
            name.to_string()
        },
        detail: (!detail.is_empty()).then(|| detail.to_string()),
        kind,
        tags: None,
        deprecated: None,
        range: analysis.range(full),
        selection_range: analysis.range(selection),
        children: None,
    }
}
