//! Language server: strengths in the guideline's grading scheme.
//!
//! The scheme is read off the parsed files the way the checker reads it
//! (the main file's header `grading NAME`, a built-in scheme or one
//! declared with `grading NAME "..." { ... }`), so hovers and completion
//! work while the guideline still has errors elsewhere.

use crate::source::FileId;
use crate::strength::{self, CustomScheme, CustomValue, Scheme};
use crate::syntax::ast::{DeclKind, HeaderValue, Module, StrengthValue};
use std::sync::Arc;

/// The grading scheme of a parsed guideline (GRADE when none is selected
/// or the selected one is not declared).
pub fn scheme(modules: &[(FileId, Module)]) -> Scheme {
    let decls = || modules.iter().flat_map(|(_, m)| &m.decls);
    let selected = decls().find_map(|d| match &d.kind {
        DeclKind::Header(h) => h.fields.iter().find_map(|f| match &f.value {
            HeaderValue::Word(w) if f.key.name == "grading" => Some(w.name.clone()),
            _ => None,
        }),
        _ => None,
    });
    let Some(name) = selected else {
        return Scheme::Grade;
    };
    if let Some(s) = Scheme::built_in(&name) {
        return s;
    }
    decls()
        .find_map(|d| match &d.kind {
            DeclKind::Grading(g) if g.name.name == name => {
                Some(Scheme::Custom(Arc::new(CustomScheme {
                    name: name.clone(),
                    title: g.title.value.clone(),
                    values: g
                        .values
                        .iter()
                        .map(|v| CustomValue {
                            name: v.name.name.clone(),
                            description: v.description.as_ref().map(|t| t.value.clone()),
                        })
                        .collect(),
                })))
            }
            _ => None,
        })
        .unwrap_or_default()
}

/// A strength in the scheme's own words ("Class 2a, LOE B-NR"), or as
/// written when it is not one of the scheme's.
pub fn words(scheme: &Scheme, value: &StrengthValue) -> String {
    match value {
        StrengthValue::Words(w, span) => {
            strength::parse(scheme, w, *span).map_or_else(|_| value.text(), |s| s.to_string())
        }
        StrengthValue::None(_) => "none".to_string(),
    }
}

/// The words typed after `strength` on the line before the cursor, when
/// the cursor is in a strength (not in a `when` condition).
pub fn typed(head: &str) -> Option<Vec<&str>> {
    let tokens: Vec<&str> = head.split_whitespace().collect();
    let start = tokens.iter().rposition(|t| *t == "strength")?;
    let rest = tokens.get(start + 1..)?;
    // In `A when COND otherwise B`, the strength being written is after the
    // last `otherwise`; after a `when` without one, it is a condition.
    let last_when = rest.iter().rposition(|t| *t == "when");
    let last_otherwise = rest.iter().rposition(|t| *t == "otherwise");
    match (last_when, last_otherwise) {
        (None, _) => Some(rest.to_vec()),
        (Some(w), Some(o)) if o > w => rest.get(o + 1..).map(<[&str]>::to_vec),
        _ => None,
    }
}
