//! FHIR stage (binding check): how a shape reads its fact's value
//! (`present` or `value` with `map`) and the units it expects, checked
//! against the fact's type and dimension.

use super::binding::Read;
use super::binding_error::BindingError;
use super::binding_toml::{span, written, RawShape};
use super::check::Cx;
use super::check_shape::MAX_CODES;
use super::check_value::{fact_value, path_reads, type_words};
use crate::check::model::{FactInfo, Type};
use crate::units;
use std::ops::Range;

impl Cx<'_> {
    /// `present` or `value` (exactly one), with `map` only beside `value`.
    pub(super) fn read(
        &mut self,
        fact: &FactInfo,
        raw: &RawShape,
        head: &Range<usize>,
    ) -> Option<Read> {
        match (&raw.present, &raw.value) {
            (Some(_), Some(v)) => {
                self.error(BindingError::Shape {
                    message: "a shape gives both `present` and `value`".into(),
                    help: "`present` asserts a value for every matching resource; `value` reads it: keep one".into(),
                    span: span(v.span()),
                });
                None
            }
            (None, None) => {
                self.error(BindingError::Shape {
                    message: format!("a shape of `{}` says neither `present` nor `value`", fact.name),
                    help: "give `present = true` (a matching resource asserts the value) or `value = \"valueQuantity\"` (a FHIRPath)".into(),
                    span: span(head.clone()),
                });
                None
            }
            (Some(p), None) => {
                if !raw.map.is_empty() {
                    self.error(BindingError::Shape {
                        message: "`map` needs `value`".into(),
                        help: "a `map` translates the codes `value` reads; with `present`, every matching resource gives one value".into(),
                        span: span(head.clone()),
                    });
                }
                self.value_of(fact, p).map(Read::Present)
            }
            (None, Some(v)) => {
                let path = self.expr(v);
                if raw.map.len() > MAX_CODES {
                    self.error(BindingError::Limit {
                        what: format!("{} map entries", raw.map.len()),
                        help: format!("a map has at most {MAX_CODES} entries"),
                        span: span(v.span()),
                    });
                    return None;
                }
                let mut map = Vec::new();
                for (key, to) in &raw.map {
                    let coding = self.coding(key, false);
                    let value = self.value_of(fact, to);
                    if let (Some(c), Some(v)) = (coding, value) {
                        map.push((c, v));
                    }
                }
                if let Some(reads) = path_reads(v.get_ref()) {
                    let enum_codes = matches!(fact.ty, Type::Enum(_));
                    if !reads.fits(fact.ty, !map.is_empty()) {
                        let help = if matches!(reads, super::check_value::Reads::Code)
                            && !enum_codes
                        {
                            "add a `map` from codings to values".to_string()
                        } else {
                            "read an element of the fact's type (`valueBoolean`, `valueQuantity`, `valueInteger`, `valueCodeableConcept`, `effective`, ...)".to_string()
                        };
                        self.error(BindingError::PathType {
                            path: v.get_ref().clone(),
                            found: reads.words().into(),
                            fact: fact.name.clone(),
                            expected: type_words(self.model, fact),
                            help,
                            span: span(v.span()),
                        });
                    }
                }
                if let Type::Enum(e) = fact.ty {
                    self.enum_systems(e, v.span());
                }
                Some(Read::Value { path: path?, map })
            }
        }
    }

    /// Every system the enum's own `code SYSTEM "x"` bindings name must be
    /// declared, since a shape that reads codes resolves them.
    fn enum_systems(&mut self, e: crate::check::model::EnumId, at: Range<usize>) {
        let Some(info) = self.model.enum_info(e) else {
            return;
        };
        let mut missing: Vec<String> = info
            .values
            .iter()
            .flat_map(|v| v.codes.iter().map(|(s, _)| s.clone()))
            .filter(|s| !self.systems.contains_key(s))
            .collect();
        missing.sort();
        missing.dedup();
        for name in missing {
            self.error(BindingError::UnknownSystem {
                help: format!("the guideline's enum codes name it: declare `{name} = \"URI\"` under `[systems]`"),
                name,
                span: span(at.clone()),
            });
        }
    }

    /// A fact value written in the binding, checked against the fact.
    fn value_of(
        &mut self,
        fact: &FactInfo,
        v: &toml::Spanned<toml::Value>,
    ) -> Option<serde_json::Value> {
        match fact_value(self.model, fact, v.get_ref()) {
            Ok(j) => Some(j),
            Err(help) => {
                self.error(BindingError::ValueType {
                    value: written(v.get_ref()),
                    fact: fact.name.clone(),
                    expected: type_words(self.model, fact),
                    help,
                    span: span(v.span()),
                });
                None
            }
        }
    }

    /// `unit`: only for quantities; each UCUM and of the fact's dimension
    /// (or one its declared conversions accept).
    pub(super) fn units(&mut self, fact: &FactInfo, raw: &RawShape) -> Vec<String> {
        let Some(given) = &raw.unit else {
            return Vec::new();
        };
        let Some(list) = super::binding_toml::units(given) else {
            self.error(BindingError::Shape {
                message: "`unit` is not a unit or a list of units".into(),
                help: "write `unit = \"Gy\"` or `unit = [\"mg/L\", \"ug/L\"]`".into(),
                span: span(given.span()),
            });
            return Vec::new();
        };
        let Type::Quantity { dim, unit: shown } = fact.ty else {
            self.error(BindingError::Unit {
                unit: list
                    .first()
                    .map(|u| u.get_ref().clone())
                    .unwrap_or_default(),
                fact: fact.name.clone(),
                reason: format!(
                    "the fact is {}, not a quantity",
                    type_words(self.model, fact)
                ),
                help: "remove `unit`".into(),
                span: span(given.span()),
            });
            return Vec::new();
        };
        let mut out = Vec::new();
        for u in &list {
            let reason = match units::parse(u.get_ref()) {
                Err(e) => Some(e.reason()),
                Ok(parsed) => {
                    let converts = fact
                        .domain
                        .conversions
                        .iter()
                        .any(|c| c.other == parsed.dimension);
                    (parsed.dimension != dim && !converts).then(|| {
                        format!(
                            "it measures {}, not {}",
                            parsed.dimension.name(),
                            dim.name()
                        )
                    })
                }
            };
            match reason {
                Some(reason) => self.error(BindingError::Unit {
                    unit: u.get_ref().clone(),
                    fact: fact.name.clone(),
                    reason,
                    help: format!("units of {}, such as `{}`", dim.name(), shown.symbol),
                    span: span(u.span()),
                }),
                None => out.push(u.get_ref().clone()),
            }
        }
        out
    }
}
