//! FHIR stage (binding check): every value of a bound enum or bool fact
//! must be reachable from some shape, else a warning — a bool bound only by
//! `present = true` shapes can never be extracted as false, an enum value
//! with no code never at all.

use super::binding::{FactBinding, Read, Shape};
use super::binding_error::BindingWarning;
use super::binding_toml::{span, RawFact, Text};
use super::check::Cx;
use super::check_value::{path_reads, Reads};
use crate::check::model::Type;
use serde_json::Value as J;
use std::collections::BTreeMap;
use toml::Spanned;

impl Cx<'_> {
    /// Warns about each value of a bound enum or bool fact no shape (and
    /// no closed world) can give.
    pub(super) fn reachability(
        &mut self,
        facts: &[FactBinding],
        raw: &BTreeMap<Text, Spanned<RawFact>>,
    ) {
        for f in facts {
            let Some(info) = self.model.facts.get(f.fact.0 as usize) else {
                continue;
            };
            // Each value, with whether a value path reaches it without a map
            // entry (an enum value by its own codes, a bool by a boolean).
            let values: Vec<(J, bool)> = match info.ty {
                Type::Enum(e) => {
                    let Some(enum_info) = self.model.enum_info(e) else {
                        continue;
                    };
                    enum_info
                        .values
                        .iter()
                        .map(|v| {
                            let by_code = v.codes.iter().any(|(s, _)| self.systems.contains_key(s));
                            (J::String(v.name.clone()), by_code && reads_values(f))
                        })
                        .collect()
                }
                Type::Bool => {
                    let read = f.shapes.iter().any(|s| match s {
                        Shape::Resource(r) => match &r.read {
                            Read::Value { path, .. } => {
                                matches!(path_reads(&path.text), None | Some(Reads::Bool))
                            }
                            Read::Present(_) => false,
                        },
                        Shape::AsOf => false,
                    });
                    vec![(J::Bool(true), read), (J::Bool(false), read)]
                }
                _ => continue,
            };
            for (value, by_path) in values {
                if by_path || given(f, &value) {
                    continue;
                }
                let at = raw
                    .get_key_value(f.name.as_str())
                    .map_or(0..0, |(k, _)| k.span());
                self.diagnostics.push(
                    self.file,
                    BindingWarning::UnreachableValue {
                        fact: f.name.clone(),
                        value: match &value {
                            J::String(s) => s.clone(),
                            other => other.to_string(),
                        },
                        written: value.to_string(),
                        span: span(at),
                    },
                );
            }
        }
    }
}

/// True when some shape reads a value by a path (not `present`).
fn reads_values(f: &FactBinding) -> bool {
    f.shapes
        .iter()
        .any(|s| matches!(s, Shape::Resource(r) if matches!(r.read, Read::Value { .. })))
}

/// True when a shape's `present` or `map`, or the closed world, gives `value`.
fn given(f: &FactBinding, value: &J) -> bool {
    let by_shape = f.shapes.iter().any(|s| match s {
        Shape::Resource(r) => match &r.read {
            Read::Present(p) => p == value,
            Read::Value { map, .. } => map.iter().any(|(_, to)| to == value),
        },
        Shape::AsOf => false,
    });
    by_shape || f.closed_world.as_ref().is_some_and(|c| c.value == *value)
}
