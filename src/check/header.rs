//! Check stage: the `guideline` header.
//!
//! A guideline has exactly one header, in its main file. Keys are checked
//! against the known fields (with "did you mean"), values against each
//! field's shape, and `title`, `version` and `status` are required.

use super::ctx::Checker;
use super::error::CheckError;
use super::model::Meta;
use crate::source::{FileId, Span};
use crate::syntax::ast::{self, HeaderValue};

/// The header fields the language knows.
const KEYS: &[&str] = &[
    "title",
    "version",
    "status",
    "source",
    "authors",
    "reviewers",
    "last_reviewed",
    "grading",
];

/// The statuses a guideline can have.
const STATUSES: &[&str] = &["draft", "active", "retired"];

impl<'a> Checker<'a> {
    /// Checks the headers found in all files and fills in the model's metadata.
    pub(crate) fn check_headers(&mut self, headers: &[&ast::Header], main: FileId) {
        let Some(first) = headers
            .iter()
            .find(|h| h.id.span.file == main)
            .or(headers.first())
        else {
            // A header that failed to parse is not missing.
            if self.skipped.header {
                return;
            }
            self.report(
                Span::new(main, 0, 0),
                CheckError::MissingHeader {
                    span: (0, 0).into(),
                },
            );
            return;
        };
        if first.id.span.file != main {
            self.report(
                Span::new(main, 0, 0),
                CheckError::MissingHeader {
                    span: (0, 0).into(),
                },
            );
        }
        for h in headers {
            if std::ptr::eq(*h, *first) {
                continue;
            }
            let (label, help) = self.elsewhere(h.id.span, first.id.span, "the header is");
            self.report(
                h.id.span,
                CheckError::Duplicate {
                    what: "header",
                    name: h.id.name.clone(),
                    span: h.id.span.miette(),
                    first: label,
                    help: help.or(Some(
                        "a guideline has exactly one `guideline` header".into(),
                    )),
                },
            );
        }
        self.model.meta = self.header(first);
    }

    fn header(&mut self, h: &ast::Header) -> Meta {
        let mut meta = Meta {
            id: h.id.name.clone(),
            ..Meta::default()
        };
        let mut seen: Vec<(&str, Span)> = Vec::new();
        for field in &h.fields {
            let key = field.key.name.as_str();
            if !KEYS.contains(&key) {
                let help = crate::diagnostics::suggestion(key, KEYS.iter().copied())
                    .or_else(|| Some(format!("the header fields are {}", KEYS.join(", "))));
                self.report(
                    field.key.span,
                    CheckError::HeaderKey {
                        key: key.to_string(),
                        span: field.key.span.miette(),
                        help,
                    },
                );
                continue;
            }
            if let Some((_, first)) = seen.iter().find(|(k, _)| *k == key).copied() {
                let (first, help) = self.elsewhere(field.span, first, "first given");
                self.report(
                    field.key.span,
                    CheckError::Duplicate {
                        what: "header field",
                        name: key.to_string(),
                        span: field.key.span.miette(),
                        first,
                        help,
                    },
                );
                continue;
            }
            seen.push((key, field.key.span));
            self.header_field(field, &mut meta);
        }
        for (key, example) in [
            ("title", "\"...\""),
            ("version", "\"1.0.0\""),
            ("status", "draft"),
        ] {
            if !seen.iter().any(|(k, _)| *k == key) {
                self.report(
                    h.id.span,
                    CheckError::HeaderMissing {
                        field: key,
                        example,
                        span: h.id.span.miette(),
                    },
                );
            }
        }
        meta
    }

    fn header_field(&mut self, field: &ast::HeaderField, meta: &mut Meta) {
        let key = field.key.name.as_str();
        // The field's own span can run on over the blank space after it.
        let value_span = match &field.value {
            HeaderValue::Texts(texts, dated) => dated
                .as_ref()
                .map(|d| d.span)
                .or(texts.last().map(|t| t.span))
                .unwrap_or(field.key.span),
            HeaderValue::Date(d) => d.span,
            HeaderValue::Word(w) => w.span,
        };
        let span = field.key.span.to(value_span);
        let bad = |expected: &'static str, help: Option<String>| CheckError::HeaderValue {
            key: key.to_string(),
            expected,
            span: span.miette(),
            help,
        };
        match (key, &field.value) {
            ("title" | "version", HeaderValue::Texts(texts, None)) if texts.len() == 1 => {
                let value = texts.first().map(|t| t.value.clone()).unwrap_or_default();
                if key == "title" {
                    meta.title = value;
                } else {
                    meta.version = value;
                }
            }
            ("title" | "version", _) => {
                let help = Some(format!("write `{key} \"...\"`"));
                self.report(span, bad("one string", help));
            }
            ("status", HeaderValue::Word(w)) => {
                if STATUSES.contains(&w.name.as_str()) {
                    meta.status = w.name.clone();
                } else {
                    let help = crate::diagnostics::suggestion(&w.name, STATUSES.iter().copied())
                        .or_else(|| Some("the status is `draft`, `active` or `retired`".into()));
                    self.report(
                        w.span,
                        CheckError::HeaderValue {
                            key: key.to_string(),
                            expected: "draft, active or retired",
                            span: w.span.miette(),
                            help,
                        },
                    );
                }
            }
            ("status", _) => {
                let help = Some(
                    "write `status draft`, `status active` or `status retired`, without quotes"
                        .into(),
                );
                self.report(span, bad("draft, active or retired", help));
            }
            ("source", HeaderValue::Texts(texts, dated)) if texts.len() == 1 => {
                meta.source = texts.first().map(|t| t.value.clone()).unwrap_or_default();
                if let Some(d) = dated {
                    if self.date(d).is_some() {
                        meta.source_date = Some(d.text.clone());
                    }
                }
            }
            ("source", _) => {
                let help = Some("write `source \"Document title\" dated 2024-01-23`".into());
                self.report(span, bad("one string, optionally dated", help));
            }
            ("authors" | "reviewers", HeaderValue::Texts(texts, None)) => {
                let names = texts.iter().map(|t| t.value.clone()).collect();
                if key == "authors" {
                    meta.authors = names;
                } else {
                    meta.reviewers = names;
                }
            }
            ("authors" | "reviewers", _) => {
                let help = Some(format!("write `{key} \"A. Author\", \"B. Author\"`"));
                self.report(span, bad("a list of strings", help));
            }
            // The scheme is resolved in `grading`, once the declared ones are known.
            ("grading", HeaderValue::Word(_)) => {}
            ("grading", _) => {
                let help = Some(format!(
                    "write `grading acc_aha` without quotes; the built-in schemes are {}",
                    crate::strength::BUILT_IN.join(", ")
                ));
                self.report(span, bad("the name of a grading scheme", help));
            }
            ("last_reviewed", HeaderValue::Date(d)) => {
                if self.date(d).is_some() {
                    meta.last_reviewed = Some(d.text.clone());
                }
            }
            _ => {
                let help = Some("write `last_reviewed 2024-01-23`".into());
                self.report(span, bad("a date", help));
            }
        }
    }
}
