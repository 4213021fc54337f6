//! Case stage: the `"extraction"` block a case extracted from FHIR
//! resources carries (`cairn fhir extract`): the provenance of each fact,
//! the closed worlds used and the warnings. It is validated here, so a
//! hand-edited block cannot carry anything else, and kept for the output;
//! evaluation ignores it.

use super::error::CaseError;
use super::json::{Json, JsonKind};
use super::{convert, Loader};

const KEYS: &[&str] = &["provenance", "closed_world", "warnings", "subject", "as_of"];
const WARNING_KEYS: &[&str] = &["code", "message", "resources"];

impl Loader<'_> {
    /// Validates the block; its plain JSON when valid.
    pub(super) fn extraction(&mut self, json: &Json) -> Option<serde_json::Value> {
        let members = self.object("extraction", json)?;
        let errors = self.diagnostics.error_count();
        for (key, value) in members {
            match key.name.as_ref() {
                "provenance" => {
                    if let Some(facts) = self.object("provenance", value) {
                        for (fact, from) in facts {
                            self.known(fact.name.as_ref(), fact.span());
                            self.strings(&format!("provenance.{}", fact.name), from);
                        }
                    }
                }
                "closed_world" => {
                    if let Some(facts) = self.object("closed_world", value) {
                        for (fact, reason) in facts {
                            self.known(fact.name.as_ref(), fact.span());
                            self.required_string(&format!("closed_world.{}", fact.name), reason);
                        }
                    }
                }
                "warnings" => self.warnings(value),
                "subject" | "as_of" => {
                    self.required_string(&key.name, value);
                }
                _ => self.unknown_key(key, "extraction", KEYS),
            }
        }
        (self.diagnostics.error_count() == errors).then(|| convert::plain(json))
    }

    fn warnings(&mut self, json: &Json) {
        let JsonKind::Array(items) = &json.kind else {
            self.shape("warnings", "an array", json);
            return;
        };
        for w in items {
            let Some(members) = self.object("a warning", w) else {
                continue;
            };
            for (key, value) in members {
                match key.name.as_ref() {
                    "code" | "message" => {
                        self.required_string(&key.name, value);
                    }
                    "resources" => self.strings("resources", value),
                    _ => self.unknown_key(key, "a warning", WARNING_KEYS),
                }
            }
        }
    }

    /// An array of strings.
    fn strings(&mut self, key: &str, json: &Json) {
        let JsonKind::Array(items) = &json.kind else {
            self.shape(key, "an array of strings", json);
            return;
        };
        for item in items {
            self.required_string(key, item);
        }
    }

    fn required_string(&mut self, key: &str, json: &Json) {
        if !matches!(json.kind, JsonKind::String(_)) {
            self.shape(key, "a string", json);
        }
    }

    fn shape(&mut self, key: &str, expected: &str, json: &Json) {
        self.push(CaseError::Shape {
            key: key.to_string(),
            expected: expected.to_string(),
            found: json.type_name().to_string(),
            span: json.span(),
        });
    }

    /// A fact named in the block must be one of the guideline's.
    fn known(&mut self, name: &str, span: miette::SourceSpan) {
        if self.model.fact(name).is_some() || self.model.list(name).is_some() {
            return;
        }
        let names = self.model.facts.iter().map(|f| f.name.as_str());
        self.push(CaseError::UnknownFact {
            name: name.to_string(),
            help: super::error::help_for(
                name,
                names,
                "the extraction block names the case's facts",
            ),
            span,
            guideline: self.model.meta.id.clone(),
        });
    }
}
