//! FHIR stage (binding check): one `[[fact.NAME.shape]]` table checked
//! against its fact: the resource type, codes and systems, FHIRPath
//! expressions (each must parse), how the value is read (`present` or
//! `value`, with `map` values of the fact's type), units of the fact's
//! dimension, and a `pick` rule that fits the type.

use super::binding::{Coding, Expr, Filter, Literal, Pick, ResourceShape, Shape};
use super::binding_error::BindingError;
use super::binding_toml::{span, written, RawShape, Text};
use super::check::Cx;
use super::check_resources::{default_date_paths, RESOURCE_TYPES};
use super::check_value::type_words;
use crate::check::model::{FactInfo, Type};
use crate::diagnostics::suggestion;
use crate::fhir::path::Path;
use std::ops::Range;
use toml::Spanned;

/// The most codes (or map entries, or filters) in one shape.
pub const MAX_CODES: usize = 10_000;

const HELP_FHIRPATH: &str =
    "docs/fhirpath.md lists the FHIRPath subset; `cairn fhir path EXPR RESOURCE.json` tries one";

/// A checked shape, with its pick rule and the rule's span when it gives one.
type CheckedShape = (Shape, Option<(Pick, Range<usize>)>);

impl Cx<'_> {
    /// Checks one shape; `None` when it has errors (reported). The pick
    /// rule comes back with its span when the shape gives one.
    pub(super) fn shape(
        &mut self,
        fact: &FactInfo,
        shape: &Spanned<RawShape>,
    ) -> Option<CheckedShape> {
        let raw = shape.get_ref();
        let whole = shape.span();
        // The table header line, so a shape's errors point at it.
        let head = whole.start..whole.start + 1;
        if let Some(from) = &raw.from {
            return self.as_of(fact, raw, from).map(|s| (s, None));
        }
        let Some(resource) = &raw.resource else {
            self.error(BindingError::Shape {
                message: format!("a shape of `{}` names no `resource`", fact.name),
                help: "give `resource = \"Observation\"` (or another type), or `from = \"as_of\"`"
                    .into(),
                span: span(head),
            });
            return None;
        };
        let errors = self.diagnostics.error_count();
        if !RESOURCE_TYPES.contains(&resource.get_ref().as_str()) {
            let help = suggestion(resource.get_ref(), RESOURCE_TYPES.iter().copied())
                .unwrap_or_else(|| "a FHIR R4 resource type, such as `Condition`".into());
            self.error(BindingError::Shape {
                message: format!("`{}` is not a FHIR R4 resource type", resource.get_ref()),
                help,
                span: span(resource.span()),
            });
        }
        let mut codes = Vec::new();
        if let Some(list) = &raw.code {
            if list.get_ref().len() > MAX_CODES {
                self.error(BindingError::Limit {
                    what: format!("{} codes in one shape", list.get_ref().len()),
                    help: format!("a shape lists at most {MAX_CODES} codes; use a valueset file"),
                    span: span(list.span()),
                });
                return None;
            }
            if list.get_ref().is_empty() {
                self.error(BindingError::Shape {
                    message: "`code` lists no coding".into(),
                    help: "give codings such as `[\"sct|94222008\"]`, or leave `code` out".into(),
                    span: span(list.span()),
                });
            }
            for c in list.get_ref() {
                codes.extend(self.coding(c, true));
            }
        }
        if let Some(vs) = &raw.valueset {
            if !self.declared_valuesets.contains(vs.get_ref()) {
                let help = suggestion(
                    vs.get_ref(),
                    self.declared_valuesets.iter().map(String::as_str),
                )
                .unwrap_or_else(|| "declare it under `[valuesets]`".into());
                self.error(BindingError::UnknownValueset {
                    name: vs.get_ref().clone(),
                    help,
                    span: span(vs.span()),
                });
            }
        }
        let code_path = match &raw.code_path {
            Some(p) => self.expr(p),
            None => self.builtin("code"),
        };
        let mut filters = Vec::new();
        if raw.filter.len() > MAX_CODES {
            self.error(BindingError::Limit {
                what: format!("{} filters in one shape", raw.filter.len()),
                help: format!("a shape has at most {MAX_CODES} filters"),
                span: span(head.clone()),
            });
            return None;
        }
        for (path, value) in &raw.filter {
            let literal = match value.get_ref() {
                toml::Value::String(s) => Some(Literal::String(s.clone())),
                toml::Value::Boolean(b) => Some(Literal::Bool(*b)),
                toml::Value::Integer(i) => Some(Literal::Integer(*i)),
                other => {
                    self.error(BindingError::Shape {
                        message: format!("the filter value `{}` is not a string, boolean or integer", written(other)),
                        help: "a filter compares a path with one literal, e.g. `\"status\" = \"final\"`".into(),
                        span: span(value.span()),
                    });
                    None
                }
            };
            if let (Some(path), Some(value)) = (self.expr(path), literal) {
                filters.push(Filter { path, value });
            }
        }
        let where_ = raw.where_.as_ref().and_then(|w| self.expr(w));
        let read = self.read(fact, raw, &head);
        let units = self.units(fact, raw);
        let pick = self.pick(fact, raw);
        let date = match &raw.date {
            Some(d) => self.expr(d).into_iter().collect(),
            None => default_date_paths(resource.get_ref())
                .iter()
                .filter_map(|p| self.builtin(p))
                .collect(),
        };
        if self.diagnostics.error_count() > errors {
            return None;
        }
        let shape = ResourceShape {
            resource: resource.get_ref().clone(),
            codes,
            valueset: raw.valueset.as_ref().map(|v| v.get_ref().clone()),
            code_path: code_path?,
            filters,
            where_,
            read: read?,
            units,
            date,
        };
        Some((Shape::Resource(Box::new(shape)), pick))
    }

    /// `from = "as_of"`: only for dates, and alone in its shape.
    fn as_of(&mut self, fact: &FactInfo, raw: &RawShape, from: &Text) -> Option<Shape> {
        if from.get_ref() != "as_of" {
            self.error(BindingError::Shape {
                message: format!(
                    "`from = \"{}\"` is not a source Cairn knows",
                    from.get_ref()
                ),
                help: "the only one is `from = \"as_of\"`, the extraction's as-of date".into(),
                span: span(from.span()),
            });
            return None;
        }
        if fact.ty != Type::Date {
            self.error(BindingError::Shape {
                message: format!(
                    "`from = \"as_of\"` gives a date, and `{}` is {}",
                    fact.name,
                    type_words(self.model, fact)
                ),
                help: "read the fact from a resource instead".into(),
                span: span(from.span()),
            });
            return None;
        }
        let others = raw.resource.is_some()
            || raw.code.is_some()
            || raw.valueset.is_some()
            || raw.value.is_some()
            || raw.present.is_some()
            || !raw.filter.is_empty()
            || raw.where_.is_some();
        if others {
            self.error(BindingError::Shape {
                message: "a `from = \"as_of\"` shape reads no resource".into(),
                help: "remove the other keys, or put them in a shape of their own".into(),
                span: span(from.span()),
            });
            return None;
        }
        Some(Shape::AsOf)
    }

    /// `SYSTEM|code`, SYSTEM a declared name or a URI; a plain code when
    /// `system_required` is false.
    pub(super) fn coding(&mut self, c: &Text, system_required: bool) -> Option<Coding> {
        let text = c.get_ref();
        let Some((system, code)) = text.rsplit_once('|') else {
            if system_required || text.is_empty() {
                self.error(BindingError::Shape {
                    message: format!("`{text}` is not a coding `SYSTEM|code`"),
                    help: "write the system's name from `[systems]` (or its URI), `|`, then the code: `sct|94222008`".into(),
                    span: span(c.span()),
                });
                return None;
            }
            return Some(Coding {
                system: None,
                code: text.clone(),
            });
        };
        if code.is_empty() {
            self.error(BindingError::Shape {
                message: format!("`{text}` has no code after `|`"),
                help: "write the code after the system: `sct|94222008`".into(),
                span: span(c.span()),
            });
            return None;
        }
        let uri = if let Some(uri) = self.systems.get(system) {
            uri.clone()
        } else if system.contains(':') {
            system.to_string()
        } else {
            let help = suggestion(system, self.systems.keys().map(String::as_str))
                .unwrap_or_else(|| format!("declare it: `{system} = \"URI\"` under `[systems]`"));
            self.error(BindingError::UnknownSystem {
                name: system.to_string(),
                help,
                span: span(c.span()),
            });
            return None;
        };
        Some(Coding {
            system: Some(uri),
            code: code.to_string(),
        })
    }

    /// A FHIRPath expression of the binding; an error points at its string.
    pub(super) fn expr(&mut self, text: &Text) -> Option<Expr> {
        match Path::parse(text.get_ref()) {
            Ok(path) => Some(Expr {
                text: text.get_ref().clone(),
                path,
            }),
            Err(e) => {
                self.error(BindingError::FhirPath {
                    text: text.get_ref().clone(),
                    reason: e.to_string(),
                    help: HELP_FHIRPATH.into(),
                    span: span(self.inside(text, e.span())),
                });
                None
            }
        }
    }

    /// The range `within` a TOML string's value, as a range of the file:
    /// exact when the string is written without escapes (as paths are),
    /// else the whole string.
    fn inside(&self, text: &Text, within: Range<usize>) -> Range<usize> {
        let at = text.span();
        let quoted = |q: char| format!("{q}{}{q}", text.get_ref());
        let plain = self
            .text
            .get(at.clone())
            .is_some_and(|raw| raw == quoted('"') || raw == quoted('\''));
        if !plain || within.start > text.get_ref().len() {
            return at;
        }
        let start = at.start + 1 + within.start;
        let end = (at.start + 1 + within.end.min(text.get_ref().len())).max(start + 1);
        start..end.min(at.end)
    }

    /// A path Cairn writes itself (a default); it always parses.
    fn builtin(&mut self, text: &str) -> Option<Expr> {
        Path::parse(text).ok().map(|path| Expr {
            text: text.to_string(),
            path,
        })
    }

    fn pick(&mut self, fact: &FactInfo, raw: &RawShape) -> Option<(Pick, Range<usize>)> {
        let p = raw.pick.as_ref()?;
        let Some(pick) = Pick::ALL.into_iter().find(|k| k.as_str() == p.get_ref()) else {
            let help = suggestion(p.get_ref(), Pick::ALL.iter().map(|k| k.as_str()))
                .unwrap_or_else(|| "one of `agree`, `latest`, `earliest` and `any-true`".into());
            self.error(BindingError::Shape {
                message: format!("`{}` is not a pick rule", p.get_ref()),
                help,
                span: span(p.span()),
            });
            return None;
        };
        if pick == Pick::AnyTrue && fact.ty != Type::Bool {
            self.error(BindingError::Shape {
                message: format!(
                    "`any-true` picks a bool, and `{}` is {}",
                    fact.name,
                    type_words(self.model, fact)
                ),
                help: "use `agree`, `latest` or `earliest`".into(),
                span: span(p.span()),
            });
            return None;
        }
        Some((pick, p.span()))
    }
}
