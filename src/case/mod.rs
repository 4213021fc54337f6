//! Case stage: loads a case file (JSON) and validates its facts, and its
//! optional `expect` block, against a checked guideline's declarations.
//!
//! Every problem becomes a diagnostic pointing into the JSON text (through
//! the span-recording reader in [`json`]), and all of them are reported in
//! one run. An absent fact is unknown unless the guideline declares what
//! its absence means (`absent means false`); `null` is always unknown.

mod constraints;
pub mod convert;
pub mod csv;
pub mod error;
mod extraction;
pub mod form;
pub mod json;
mod lists;
mod next_due;
pub mod row;
mod row_quick;
#[cfg(test)]
mod row_quick_tests;
pub mod schema;
mod strengths;
pub mod typed;

use crate::check::model::{FactId, Model, Type};
use crate::check::{Checked, Failed};
use crate::diagnostics::Diagnostics;
use crate::eval::outcome::Status;
use crate::source::{FileId, SourceMap};
use crate::value::Value;
use error::{help_for, CaseError};
use json::{Json, JsonKind, Key};
use std::collections::hash_map::Entry;
use std::collections::{BTreeMap, HashMap};

/// A validated case: one slot per fact of the model, `None` when unknown.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Case {
    /// A name for output (the file name or the case's `name`).
    pub name: String,
    /// Fact values indexed by [`crate::check::model::FactId`].
    pub facts: Vec<Option<Value>>,
    /// The facts (by id, ascending) the case left out that took the value
    /// their `absent means` declares; the outcome echoes them.
    pub absent: Vec<u32>,
}

/// A loaded case file: the case plus what the test runner needs.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct CaseFile {
    /// The validated case.
    pub case: Case,
    /// The case's `name`, or the file name when it has none.
    pub name: String,
    /// What the case tests.
    pub description: Option<String>,
    /// The guideline the case asks to be run against (relative path), if any.
    pub guideline: Option<String>,
    /// The expectations, when the file has an `expect` block.
    pub expect: Option<Expect>,
    /// The `"extraction"` block of a case extracted from FHIR resources
    /// (provenance, closed worlds, warnings), validated; evaluation
    /// ignores it, the output echoes it.
    pub extraction: Option<serde_json::Value>,
}

/// The `expect` block of a case, validated against the model.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Expect {
    /// Expected status per recommendation id.
    pub recommendations: BTreeMap<String, Status>,
    /// Expected value per definition name, in the outcome's JSON form
    /// (quantities in the declared unit, enums by name); `null` is unknown.
    pub derived: BTreeMap<String, serde_json::Value>,
    /// Expected missing facts per recommendation id (an exact set).
    pub missing: BTreeMap<String, Vec<String>>,
    /// Expected strength per recommendation id, in the outcome's JSON form
    /// (`null` for none).
    pub strengths: BTreeMap<String, serde_json::Value>,
    /// Expected next due window (earliest, latest) per schedule name;
    /// `None` for no visit due.
    pub next_due: BTreeMap<String, Option<(String, String)>>,
}

const TOP_KEYS: &[&str] = &[
    "name",
    "description",
    "facts",
    "expect",
    "guideline",
    "extraction",
];
const EXPECT_KEYS: &[&str] = &[
    "recommendations",
    "derived",
    "missing",
    "strengths",
    "next_due",
];
const STATUSES: &[(&str, Status)] = &[
    ("applies", Status::Applies),
    ("not_applicable", Status::NotApplicable),
    ("undetermined", Status::Undetermined),
];

/// Loads the case file `name` with text `json_text` for a checked guideline.
pub fn load(checked: &Checked, name: &str, json_text: &str) -> Result<CaseFile, Failed> {
    load_with(checked, name, json_text, None)
}

/// [`load`] with the guideline's constraints compiled once by the caller,
/// for many cases (`cairn batch`); `None` compiles them for this case.
pub fn load_with(
    checked: &Checked,
    name: &str,
    json_text: &str,
    constraints: Option<&crate::eval::constraints::Constraints>,
) -> Result<CaseFile, Failed> {
    let mut sources = SourceMap::new();
    let file = sources.add(name, json_text);
    let mut loader = Loader {
        model: &checked.model,
        file,
        diagnostics: Diagnostics::new(),
        fact_spans: Vec::new(),
    };
    let result = match json::parse(json_text) {
        Ok(root) => {
            let case = loader.root(name, &root);
            if !loader.diagnostics.has_errors() {
                match constraints {
                    Some(c) => {
                        loader.broken_constraints(&checked.sources, c.broken(&case.case.facts))
                    }
                    None => loader.constraints(checked, &case.case.facts),
                }
            }
            case
        }
        Err(e) => {
            // miette draws nothing for an empty span past the last line, so
            // an error at the end of the file points at its last character.
            let end = json_text.trim_end().len();
            let span = if e.offset >= end && end > 0 {
                let last = json_text
                    .get(..end)
                    .and_then(|t| t.chars().last())
                    .map_or(1, char::len_utf8);
                (end - last, last).into()
            } else {
                (e.offset, 0).into()
            };
            loader.push(CaseError::Syntax {
                message: e.message,
                span,
            });
            CaseFile::default()
        }
    };
    if loader.diagnostics.has_errors() {
        Err(Failed {
            sources,
            diagnostics: loader.diagnostics,
        })
    } else {
        Ok(result)
    }
}

struct Loader<'a> {
    model: &'a Model,
    file: FileId,
    diagnostics: Diagnostics,
    /// Where each fact is given in the JSON, by fact id.
    fact_spans: Vec<Option<miette::SourceSpan>>,
}

impl Loader<'_> {
    fn push(&mut self, error: CaseError) {
        self.diagnostics.push(self.file, error);
    }

    /// The members of an object, reporting duplicates; `None` (and a
    /// diagnostic) when `json` is not an object.
    fn object<'j, 't>(
        &mut self,
        key: &str,
        json: &'j Json<'t>,
    ) -> Option<Vec<&'j (Key<'t>, Json<'t>)>> {
        let JsonKind::Object(members) = &json.kind else {
            self.push(CaseError::Shape {
                key: key.to_string(),
                expected: "an object".to_string(),
                found: json.type_name().to_string(),
                span: json.span(),
            });
            return None;
        };
        // A hash map with one lookup per key: this runs for every line of
        // a cohort.
        let mut seen: HashMap<&str, &Key> = HashMap::with_capacity(members.len());
        let mut unique = Vec::with_capacity(members.len());
        for member in members {
            match seen.entry(member.0.name.as_ref()) {
                Entry::Occupied(first) => {
                    let first = first.get().span();
                    self.push(CaseError::DuplicateKey {
                        key: member.0.name.to_string(),
                        span: member.0.span(),
                        first,
                    });
                }
                Entry::Vacant(slot) => {
                    slot.insert(&member.0);
                    unique.push(member);
                }
            }
        }
        Some(unique)
    }

    fn string(&mut self, key: &str, json: &Json) -> Option<String> {
        match &json.kind {
            JsonKind::String(s) => Some(s.to_string()),
            JsonKind::Null => None,
            _ => {
                self.push(CaseError::Shape {
                    key: key.to_string(),
                    expected: "a string".to_string(),
                    found: json.type_name().to_string(),
                    span: json.span(),
                });
                None
            }
        }
    }

    fn unknown_key(&mut self, key: &Key, place: &str, allowed: &[&str]) {
        let fallback = format!("the keys are {}", convert::list(allowed));
        self.push(CaseError::UnknownKey {
            key: key.name.to_string(),
            place: place.to_string(),
            help: help_for(&key.name, allowed.iter().copied(), &fallback),
            span: key.span(),
        });
    }

    fn root(&mut self, file_name: &str, root: &Json) -> CaseFile {
        let mut out = CaseFile {
            name: file_name.to_string(),
            ..CaseFile::default()
        };
        out.case.facts = vec![None; self.model.facts.len()];
        let Some(members) = self.object("the case", root) else {
            return out;
        };
        for (key, value) in members {
            match key.name.as_ref() {
                "name" => {
                    if let Some(n) = self.string("name", value) {
                        out.name = n;
                    }
                }
                "description" => out.description = self.string("description", value),
                "guideline" => out.guideline = self.string("guideline", value),
                "facts" => self.facts(value, &mut out.case.facts),
                "expect" => out.expect = self.expect(value),
                "extraction" => out.extraction = self.extraction(value),
                _ => self.unknown_key(key, "the case", TOP_KEYS),
            }
        }
        self.absent(&mut out.case);
        out.case.name = out.name.clone();
        out
    }

    /// Gives every fact the case leaves out (no key; an explicit `null`
    /// stays unknown) the value its `absent means` declares.
    fn absent(&mut self, case: &mut Case) {
        for (i, info) in self.model.facts.iter().enumerate() {
            let Some(v) = info.domain.absent else {
                continue;
            };
            let given = self.fact_spans.get(i).is_some_and(Option::is_some);
            if let (false, Some(slot)) = (given, case.facts.get_mut(i)) {
                *slot = Some(v);
                case.absent.push(i as u32);
            }
        }
    }

    fn facts(&mut self, json: &Json, slots: &mut [Option<Value>]) {
        let Some(members) = self.object("facts", json) else {
            return;
        };
        for (key, value) in members {
            if let Some(list) = self.model.list(&key.name) {
                self.list(list, key, value, slots);
                continue;
            }
            // A list's slots are given by the list, never by their inner names.
            let fact = self.model.fact(&key.name);
            let Some(id) = fact.filter(|f| self.model.slot(*f).is_none()) else {
                let names = (0..self.model.facts.len() as u32)
                    .filter(|f| self.model.slot(FactId(*f)).is_none())
                    .filter_map(|f| self.model.facts.get(f as usize))
                    .map(|f| f.name.as_str())
                    .chain(self.model.lists.iter().map(|l| l.name.as_str()));
                let help = match fact.and_then(|f| self.model.slot(f)) {
                    Some(s) => format!(
                        "give the list instead: `\"{}\": [\"{}\"]` (the values it contains), or `{{\"includes\": [...], \"excludes\": [...]}}` when some are not known",
                        s.list.name, s.value
                    ),
                    None => help_for(
                        &key.name,
                        names,
                        "remove it, or declare it in the guideline",
                    ),
                };
                self.push(CaseError::UnknownFact {
                    name: key.name.to_string(),
                    help,
                    span: key.span(),
                    guideline: self.model.meta.id.clone(),
                });
                continue;
            };
            let Some(info) = self.model.facts.get(id.0 as usize) else {
                continue;
            };
            match convert::to_value(self.model, &info.name, info.ty, Some(&info.domain), value) {
                Ok(v) => {
                    if let Some(slot) = slots.get_mut(id.0 as usize) {
                        *slot = v;
                    }
                    if self.fact_spans.len() < slots.len() {
                        self.fact_spans.resize(slots.len(), None);
                    }
                    if let Some(span) = self.fact_spans.get_mut(id.0 as usize) {
                        *span = Some(key.span());
                    }
                }
                Err(e) => self.push(e),
            }
        }
    }

    fn expect(&mut self, json: &Json) -> Option<Expect> {
        let members = self.object("expect", json)?;
        let mut expect = Expect::default();
        for (key, value) in members {
            match key.name.as_ref() {
                "recommendations" => self.expect_recs(value, &mut expect),
                "derived" => self.expect_derived(value, &mut expect),
                "missing" => self.expect_missing(value, &mut expect),
                "strengths" => self.expect_strengths(value, &mut expect),
                "next_due" => self.expect_next_due(value, &mut expect),
                _ => self.unknown_key(key, "`expect`", EXPECT_KEYS),
            }
        }
        Some(expect)
    }

    fn rec_known(&mut self, key: &Key) -> bool {
        if self.model.rec(&key.name).is_some() {
            return true;
        }
        let ids = self.model.recs.iter().map(|r| r.id.as_str());
        self.push(CaseError::UnknownRec {
            id: key.name.to_string(),
            help: help_for(&key.name, ids, "see `cairn run` for the recommendation ids"),
            span: key.span(),
        });
        false
    }

    fn expect_recs(&mut self, json: &Json, expect: &mut Expect) {
        let Some(members) = self.object("expect.recommendations", json) else {
            return;
        };
        for (key, value) in members {
            let known = self.rec_known(key);
            let status = match &value.kind {
                JsonKind::String(s) => {
                    match STATUSES.iter().find(|(n, _)| n == s) {
                        Some((_, st)) => Some(*st),
                        None => {
                            let names = STATUSES.iter().map(|(n, _)| *n);
                            self.push(CaseError::UnknownStatus {
                            status: s.to_string(),
                            help: help_for(s, names, "the statuses are `applies`, `not_applicable` and `undetermined`"),
                            span: value.span(),
                        });
                            None
                        }
                    }
                }
                _ => {
                    self.push(CaseError::Shape {
                        key: key.name.to_string(),
                        expected: "a status string".to_string(),
                        found: value.type_name().to_string(),
                        span: value.span(),
                    });
                    None
                }
            };
            if let (true, Some(st)) = (known, status) {
                expect.recommendations.insert(key.name.to_string(), st);
            }
        }
    }

    fn expect_derived(&mut self, json: &Json, expect: &mut Expect) {
        let Some(members) = self.object("expect.derived", json) else {
            return;
        };
        for (key, value) in members {
            let Some(def) = self
                .model
                .def(&key.name)
                .and_then(|d| self.model.defs.get(d.0 as usize))
            else {
                let names = self.model.defs.iter().map(|d| d.name.as_str());
                self.push(CaseError::UnknownDef {
                    name: key.name.to_string(),
                    help: help_for(
                        &key.name,
                        names,
                        "see `cairn run --format json` for the derived values",
                    ),
                    span: key.span(),
                });
                continue;
            };
            // Rows are compared column by column as JSON; every other type
            // is validated like a fact and normalised to the outcome's form.
            if let Type::Row(_) = def.ty {
                expect
                    .derived
                    .insert(key.name.to_string(), convert::plain(value));
                continue;
            }
            match convert::to_value(self.model, &def.name, def.ty, None, value) {
                Ok(v) => {
                    let normal = crate::value::json::encode(self.model, def.ty, v);
                    expect.derived.insert(key.name.to_string(), normal);
                }
                Err(e) => self.push(e),
            }
        }
    }

    fn expect_missing(&mut self, json: &Json, expect: &mut Expect) {
        let Some(members) = self.object("expect.missing", json) else {
            return;
        };
        for (key, value) in members {
            let known = self.rec_known(key);
            let JsonKind::Array(items) = &value.kind else {
                self.push(CaseError::Shape {
                    key: key.name.to_string(),
                    expected: "an array of fact names".to_string(),
                    found: value.type_name().to_string(),
                    span: value.span(),
                });
                continue;
            };
            let mut names = Vec::new();
            for item in items {
                match &item.kind {
                    // Missing facts name a list as the list, never its slots.
                    JsonKind::String(s)
                        if self.model.list(s).is_some()
                            || self
                                .model
                                .fact(s)
                                .is_some_and(|f| self.model.slot(f).is_none()) =>
                    {
                        names.push(s.to_string())
                    }
                    JsonKind::String(s) => {
                        let facts = (0..self.model.facts.len() as u32)
                            .filter_map(|f| self.model.user_name(FactId(f)));
                        self.push(CaseError::UnknownMissingFact {
                            name: s.to_string(),
                            help: help_for(s, facts, "list fact names declared in the guideline"),
                            span: item.span(),
                        });
                    }
                    _ => self.push(CaseError::Shape {
                        key: key.name.to_string(),
                        expected: "an array of fact names".to_string(),
                        found: format!("an array holding {}", item.type_name()),
                        span: item.span(),
                    }),
                }
            }
            if known {
                expect.missing.insert(key.name.to_string(), names);
            }
        }
    }
}
