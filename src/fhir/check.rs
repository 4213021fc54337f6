//! FHIR stage (binding check): turns a binding file into a checked
//! [`Binding`] against one checked guideline, reporting every problem with
//! a span into the TOML.
//!
//! The file-level checks are here: the `[systems]`, `[valuesets]` and
//! `[unbound]` tables, that every bound fact exists, that every fact of the
//! guideline is bound or listed as unbound with a reason, closed worlds,
//! and that every enum value is reachable from some code. Each shape is
//! checked in `check_shape`.

use super::binding::{Binding, ClosedWorld, FactBinding, Pick, ValueSet};
use super::binding_error::{BindingError, BindingWarning};
use super::binding_toml::{self as raw, span, RawFact, Text};
use super::check_value::fact_value;
use crate::check::model::{FactId, Model};
use crate::check::{Checked, Failed};
use crate::diagnostics::{suggestion, Diagnostics};
use crate::source::{FileId, SourceMap};
use std::collections::BTreeMap;
use std::path::Path;
use toml::Spanned;

/// The most shapes one fact may have.
pub const MAX_SHAPES: usize = 64;

/// Parses and checks a binding against a checked guideline; `base` is the
/// folder of the binding file (valueset files are read relative to it).
/// On success, the warnings come with the binding (render them with
/// [`Binding::sources`]); on failure, every problem found.
pub fn load_binding(
    checked: &Checked,
    name: &str,
    text: &str,
    base: &Path,
) -> Result<(Binding, Diagnostics), Failed> {
    let mut sources = SourceMap::new();
    let file = sources.add(name, text);
    let raw = match raw::read(text) {
        Ok(r) => r,
        Err(e) => {
            let mut diagnostics = Diagnostics::new();
            diagnostics.push(file, e);
            return Err(Failed {
                sources,
                diagnostics,
            });
        }
    };
    let mut cx = Cx {
        model: &checked.model,
        text,
        file,
        diagnostics: Diagnostics::new(),
        systems: BTreeMap::new(),
        valuesets: BTreeMap::new(),
        declared_valuesets: raw.valuesets.keys().map(|k| k.get_ref().clone()).collect(),
    };
    cx.systems(&raw.systems);
    cx.valuesets(&raw.valuesets, base);
    let unbound = cx.unbound(&raw.unbound, &raw.fact);
    let mut facts = Vec::new();
    for (fact_name, table) in &raw.fact {
        if let Some(f) = cx.fact(fact_name, table) {
            facts.push(f);
        }
    }
    facts.sort_by_key(|f| f.fact);
    // With errors, shapes are missing from `facts`: the warnings would
    // only repeat them.
    if !cx.diagnostics.has_errors() {
        cx.unbound_warnings(&facts, &unbound, raw.binding.span());
        cx.reachability(&facts, &raw.fact);
    }
    let header = raw.binding.into_inner();
    let Cx {
        diagnostics,
        systems,
        valuesets,
        ..
    } = cx;
    if diagnostics.has_errors() {
        return Err(Failed {
            sources,
            diagnostics,
        });
    }
    let binding = Binding {
        source: header.source.into_inner(),
        version: header.version.map(Spanned::into_inner),
        guideline: header.guideline.map(Spanned::into_inner),
        systems,
        valuesets,
        unbound,
        facts,
        sources,
        file,
    };
    Ok((binding, diagnostics))
}

/// The state of one check.
pub(super) struct Cx<'a> {
    pub(super) model: &'a Model,
    /// The binding's text, to point inside its strings.
    pub(super) text: &'a str,
    pub(super) file: FileId,
    pub(super) diagnostics: Diagnostics,
    pub(super) systems: BTreeMap<String, String>,
    pub(super) valuesets: BTreeMap<String, ValueSet>,
    /// Every name `[valuesets]` declares, loaded or not (a file that
    /// failed is reported once, not again at each use).
    pub(super) declared_valuesets: std::collections::BTreeSet<String>,
}

impl Cx<'_> {
    /// Reports an error.
    pub(super) fn error(&mut self, e: BindingError) {
        self.diagnostics.push(self.file, e);
    }

    fn systems(&mut self, systems: &BTreeMap<Text, Text>) {
        for (name, uri) in systems {
            if !uri.get_ref().contains(':') || uri.get_ref().contains(char::is_whitespace) {
                self.error(BindingError::Shape {
                    message: format!("the system `{}` is not a URI", uri.get_ref()),
                    help: "a system is a URI such as `http://snomed.info/sct`".into(),
                    span: span(uri.span()),
                });
            }
            self.systems
                .insert(name.get_ref().clone(), uri.get_ref().clone());
        }
    }

    fn valuesets(&mut self, valuesets: &BTreeMap<Text, Text>, base: &Path) {
        for (name, path) in valuesets {
            match super::binding_valueset::load(base, path.get_ref()) {
                Ok(set) => {
                    self.valuesets.insert(name.get_ref().clone(), set);
                }
                Err((reason, help)) => self.error(BindingError::Valueset {
                    path: path.get_ref().clone(),
                    reason,
                    help: help.into(),
                    span: span(path.span()),
                }),
            }
        }
    }

    /// The fact `name` of the guideline, or an error with "did you mean".
    fn known_fact(&mut self, name: &Text) -> Option<FactId> {
        let written = name.get_ref();
        // A list's value slots are facts of the model, but not names a
        // case (or a binding) can give.
        let id = self.model.fact(written);
        if let Some(id) = id.filter(|id| self.model.slot_of(*id).is_none()) {
            return Some(id);
        }
        if self.model.list(written).is_some() {
            self.error(BindingError::Shape {
                message: format!("the list fact `{written}` cannot be bound yet"),
                help: format!("list it under `[unbound]` with a reason: `{written} = \"...\"`"),
                span: span(name.span()),
            });
            return None;
        }
        let help = suggestion(written, self.model.facts.iter().map(|f| f.name.as_str()))
            .unwrap_or_else(|| "`cairn schema GUIDELINE` lists the facts".into());
        self.error(BindingError::UnknownFact {
            name: written.clone(),
            help,
            span: span(name.span()),
        });
        None
    }

    fn unbound(
        &mut self,
        unbound: &BTreeMap<Text, Text>,
        facts: &BTreeMap<Text, Spanned<RawFact>>,
    ) -> BTreeMap<String, String> {
        let mut out = BTreeMap::new();
        for (name, reason) in unbound {
            let known =
                self.model.list(name.get_ref()).is_some() || self.known_fact(name).is_some();
            if !known {
                continue;
            }
            if facts.contains_key(name.get_ref().as_str()) {
                self.error(BindingError::BoundAndUnbound {
                    name: name.get_ref().clone(),
                    span: span(name.span()),
                });
            }
            if reason.get_ref().trim().is_empty() {
                self.error(BindingError::Shape {
                    message: format!(
                        "the reason for leaving `{}` unbound is empty",
                        name.get_ref()
                    ),
                    help: "say why this source does not record it".into(),
                    span: span(reason.span()),
                });
            }
            out.insert(name.get_ref().clone(), reason.get_ref().clone());
        }
        out
    }

    fn fact(&mut self, name: &Text, table: &Spanned<RawFact>) -> Option<FactBinding> {
        let id = self.known_fact(name)?;
        let info = self.model.facts.get(id.0 as usize)?;
        let raw_fact = table.get_ref();
        if raw_fact.shape.is_empty() {
            self.error(BindingError::Shape {
                message: format!("fact `{}` has no shape", name.get_ref()),
                help: format!(
                    "add a `[[fact.{}.shape]]` table saying which resources record it",
                    name.get_ref()
                ),
                span: span(name.span()),
            });
        }
        if raw_fact.shape.len() > MAX_SHAPES {
            self.error(BindingError::Limit {
                what: format!("{} shapes for `{}`", raw_fact.shape.len(), name.get_ref()),
                help: format!("a fact has at most {MAX_SHAPES} shapes"),
                span: span(name.span()),
            });
            return None;
        }
        let closed_world = raw_fact.closed_world.as_ref().and_then(|cw| {
            let value = match fact_value(self.model, info, cw.get_ref().value.get_ref()) {
                Ok(v) => Some(v),
                Err(help) => {
                    self.error(BindingError::ValueType {
                        value: raw::written(cw.get_ref().value.get_ref()),
                        fact: info.name.clone(),
                        expected: super::check_value::type_words(self.model, info),
                        help,
                        span: span(cw.get_ref().value.span()),
                    });
                    None
                }
            };
            let reason = cw.get_ref().reason.get_ref().trim().to_string();
            if reason.is_empty() {
                self.error(BindingError::ClosedWorldReason {
                    fact: info.name.clone(),
                    span: span(cw.get_ref().reason.span()),
                });
            }
            Some(ClosedWorld {
                value: value?,
                reason,
            })
        });
        let mut picks: Vec<(Pick, std::ops::Range<usize>)> = Vec::new();
        let mut shapes = Vec::new();
        for shape in &raw_fact.shape {
            if let Some((s, pick)) = self.shape(info, shape) {
                shapes.push(s);
                picks.extend(pick);
            }
        }
        let pick = picks.first().map_or(Pick::Agree, |(p, _)| *p);
        if let Some((other, at)) = picks.iter().find(|(p, _)| *p != pick) {
            self.error(BindingError::Shape {
                message: format!(
                    "the shapes of `{}` pick `{}` and `{}`",
                    info.name,
                    pick.as_str(),
                    other.as_str()
                ),
                help: "one pick rule combines every candidate of a fact: give the same `pick` in each shape".into(),
                span: span(at.clone()),
            });
        }
        Some(FactBinding {
            name: info.name.clone(),
            fact: id,
            closed_world,
            pick,
            shapes,
        })
    }

    fn unbound_warnings(
        &mut self,
        facts: &[FactBinding],
        unbound: &BTreeMap<String, String>,
        header: std::ops::Range<usize>,
    ) {
        // The header's first line (`[binding]`) is where the warning points.
        let header = header.start..header.start + "[binding]".len().min(header.len());
        for (i, f) in self.model.facts.iter().enumerate() {
            let id = FactId(i as u32);
            if self.model.slot_of(id).is_some()
                || facts.iter().any(|b| b.fact == id)
                || unbound.contains_key(&f.name)
            {
                continue;
            }
            self.diagnostics.push(
                self.file,
                BindingWarning::Unbound {
                    name: f.name.clone(),
                    span: span(header.clone()),
                },
            );
        }
        for l in &self.model.lists {
            if !unbound.contains_key(&l.name) {
                self.diagnostics.push(
                    self.file,
                    BindingWarning::Unbound {
                        name: l.name.clone(),
                        span: span(header.clone()),
                    },
                );
            }
        }
    }
}
