//! Case loading: the `expect.strengths` block of a golden case.
//!
//! A strength is expected as the guideline writes it (`"2C"`, `"class 2a
//! level B-NR"`, read in the guideline's grading scheme, so a typo is a
//! located error with "did you mean"), as its JSON form from the outcome
//! (`{"scheme": "acc_aha", "class": "2a", "level": "B-NR"}`, compared as
//! JSON), or `null` for no strength.

use super::error::CaseError;
use super::json::{Json, JsonKind};
use super::{convert, Expect, Loader};
use crate::source::Span;
use crate::syntax::ast::Ident;

impl Loader<'_> {
    pub(super) fn expect_strengths(&mut self, json: &Json, expect: &mut Expect) {
        let Some(members) = self.object("expect.strengths", json) else {
            return;
        };
        for (key, value) in members {
            let known = self.rec_known(key);
            let expected = match &value.kind {
                JsonKind::Null | JsonKind::Object(_) => Some(convert::plain(value)),
                JsonKind::String(s) => self.written_strength(s, value),
                _ => {
                    self.push(CaseError::Shape {
                        key: key.name.to_string(),
                        expected: "a strength as written (`\"2C\"`), its JSON object, or null"
                            .to_string(),
                        found: value.type_name().to_string(),
                        span: value.span(),
                    });
                    None
                }
            };
            if let (true, Some(e)) = (known, expected) {
                expect.strengths.insert(key.name.to_string(), e);
            }
        }
    }

    /// A strength written as in the guideline, in its JSON form.
    fn written_strength(&mut self, text: &str, value: &Json) -> Option<serde_json::Value> {
        if text == "none" {
            return Some(serde_json::Value::Null);
        }
        let nowhere = Span::new(self.file, 0, 0);
        let words: Vec<Ident> = text
            .split_whitespace()
            .map(|w| Ident {
                name: w.to_string(),
                span: nowhere,
            })
            .collect();
        match crate::strength::parse(&self.model.grading, &words, nowhere) {
            Ok(s) => Some(s.json()),
            Err(p) => {
                let scheme = self.model.grading.title().to_string();
                self.push(CaseError::BadStrength {
                    text: text.to_string(),
                    problem: p.message,
                    help: p
                        .help
                        .unwrap_or_else(|| format!("write {}", self.model.grading.example())),
                    scheme,
                    span: value.span(),
                });
                None
            }
        }
    }
}
