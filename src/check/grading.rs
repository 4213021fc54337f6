//! Check stage: the guideline's grading scheme and each strength in it.
//!
//! The header's `grading NAME` selects a built-in scheme (see
//! [`crate::strength`]) or one declared with `grading NAME "..." { ... }`;
//! without it the scheme is GRADE. It is settled before recommendations are
//! checked, so every strength is read in it: a word outside the scheme is an
//! error, a strength that contradicts its recommendation's kind a warning.

use super::ctx::Checker;
use super::error::CheckError;
use super::warning::CheckWarning;
use crate::source::{FileId, Span};
use crate::strength::{self, CustomScheme, CustomValue, Scheme, Strength};
use crate::syntax::ast::{self, HeaderValue, RecKind, StrengthValue};
use std::sync::Arc;

/// The most values a declared grading scheme may have.
pub const MAX_GRADING_VALUES: usize = 100;

impl Checker<'_> {
    /// Checks the declared schemes and settles the one the header selects.
    pub(crate) fn check_grading(
        &mut self,
        headers: &[&ast::Header],
        main: FileId,
        declared: &[&ast::Grading],
    ) {
        let mut schemes: Vec<(Arc<CustomScheme>, Span)> = Vec::new();
        for g in declared {
            if let Some(s) = self.declared_scheme(g, &schemes) {
                schemes.push((Arc::new(s), g.name.span));
            }
        }
        // The header `check_headers` reads: the main file's, else the first.
        let header = headers
            .iter()
            .find(|h| h.id.span.file == main)
            .or(headers.first());
        let selected = header.and_then(|h| {
            h.fields.iter().find_map(|f| match &f.value {
                HeaderValue::Word(w) if f.key.name == "grading" => Some(w),
                _ => None,
            })
        });
        let mut used = None;
        if let Some(w) = selected {
            if let Some(s) = Scheme::built_in(&w.name) {
                self.model.grading = s;
            } else if let Some(i) = schemes.iter().position(|(s, _)| s.name == w.name) {
                used = Some(i);
                if let Some((s, _)) = schemes.get(i) {
                    self.model.grading = Scheme::Custom(s.clone());
                }
            } else {
                let names = strength::BUILT_IN
                    .iter()
                    .copied()
                    .chain(schemes.iter().map(|(s, _)| s.name.as_str()));
                let help = crate::diagnostics::suggestion(&w.name, names).or_else(|| {
                    Some(format!(
                        "the built-in schemes are {}; declare another with `grading {} \"Title\" {{ ... }}`",
                        strength::BUILT_IN.join(", "),
                        w.name
                    ))
                });
                self.report(
                    w.span,
                    CheckError::UnknownName {
                        what: "grading scheme",
                        name: w.name.clone(),
                        span: w.span.miette(),
                        help,
                    },
                );
            }
        }
        for (i, (s, span)) in schemes.iter().enumerate() {
            if used != Some(i) {
                self.report(
                    *span,
                    CheckWarning::UnusedGrading {
                        name: s.name.clone(),
                        span: span.miette(),
                    },
                );
            }
        }
    }

    /// Checks one declared scheme: a new name, distinct values, within the limit.
    fn declared_scheme(
        &mut self,
        g: &ast::Grading,
        before: &[(Arc<CustomScheme>, Span)],
    ) -> Option<CustomScheme> {
        let name = &g.name;
        if Scheme::built_in(&name.name).is_some() {
            self.report(
                name.span,
                CheckError::Duplicate {
                    what: "grading scheme",
                    name: name.name.clone(),
                    span: name.span.miette(),
                    first: None,
                    help: Some("this is a built-in scheme; select it with `grading` in the header, or give yours another name".into()),
                },
            );
            return None;
        }
        if let Some((_, first)) = before.iter().find(|(s, _)| s.name == name.name) {
            let (first, help) = self.elsewhere(name.span, *first, "first declared");
            self.report(
                name.span,
                CheckError::Duplicate {
                    what: "grading scheme",
                    name: name.name.clone(),
                    span: name.span.miette(),
                    first,
                    help,
                },
            );
            return None;
        }
        if let Some(past) = g.values.get(MAX_GRADING_VALUES) {
            self.report(
                past.name.span,
                CheckError::GradingTooLarge {
                    name: name.name.clone(),
                    count: g.values.len(),
                    limit: MAX_GRADING_VALUES,
                    span: past.name.span.miette(),
                },
            );
            return None;
        }
        let mut values: Vec<CustomValue> = Vec::with_capacity(g.values.len());
        let mut spans: Vec<Span> = Vec::with_capacity(g.values.len());
        for v in &g.values {
            // `strength none` means no strength, so `none` could never be given.
            if v.name.name == "none" {
                self.report(
                    v.name.span,
                    CheckError::BadStrength {
                        message: "`none` cannot be a grading value".into(),
                        scheme: name.name.clone(),
                        span: v.name.span.miette(),
                        help: Some(
                            "`strength none` means no strength; give the value another name".into(),
                        ),
                    },
                );
                continue;
            }
            if let Some(i) = values.iter().position(|x| x.name == v.name.name) {
                let (first, help) = spans
                    .get(i)
                    .map(|f| self.elsewhere(v.name.span, *f, "first declared"))
                    .unwrap_or_default();
                self.report(
                    v.name.span,
                    CheckError::Duplicate {
                        what: "grading value",
                        name: v.name.name.clone(),
                        span: v.name.span.miette(),
                        first,
                        help,
                    },
                );
                continue;
            }
            values.push(CustomValue {
                name: v.name.name.clone(),
                description: v.description.as_ref().map(|d| d.value.clone()),
            });
            spans.push(v.name.span);
        }
        Some(CustomScheme {
            name: name.name.clone(),
            title: g.title.value.clone(),
            values,
        })
    }

    /// Reads one strength in the guideline's scheme and warns when it
    /// contradicts the recommendation's declared kind. `none` is no strength.
    pub(crate) fn strength(&mut self, v: &StrengthValue, kind: RecKind) -> Option<Strength> {
        let StrengthValue::Words(words, span) = v else {
            return None;
        };
        let scheme = &self.model.grading;
        match strength::parse(scheme, words, *span) {
            Ok(s) => {
                if let Some((problem, help)) = strength::inconsistency(&s, kind) {
                    self.report(
                        *span,
                        CheckWarning::InconsistentStrength {
                            problem,
                            span: span.miette(),
                            help,
                        },
                    );
                }
                Some(s)
            }
            // GRADE keeps its own error, with the grades in the label.
            Err(_) if *scheme == Scheme::Grade => {
                self.report(
                    *span,
                    CheckError::BadGrade {
                        text: v.text(),
                        span: span.miette(),
                    },
                );
                None
            }
            Err(p) => {
                let scheme = scheme.title().to_string();
                self.report(
                    p.span,
                    CheckError::BadStrength {
                        message: p.message,
                        scheme,
                        span: p.span.miette(),
                        help: p.help,
                    },
                );
                None
            }
        }
    }
}
