//! Case stage: a list fact's value, into the list's bool slots.
//!
//! A case gives a list fact as an array of value names (known, exactly
//! these: every other value is known absent), as `null` (unknown), or as
//! `{"includes": [...], "excludes": [...]}` (some values known in, some
//! known out, the rest unknown). Left out, it is unknown unless the
//! guideline says `absent means none`.

use super::error::{help_for, CaseError};
use super::json::{Json, JsonKind, Key};
use super::Loader;
use crate::check::model::ListInfo;
use crate::value::Value;

impl Loader<'_> {
    /// Fills the slots of `list` from its JSON `value`.
    pub(super) fn list(
        &mut self,
        list: &ListInfo,
        key: &Key,
        value: &Json,
        slots: &mut [Option<Value>],
    ) {
        let mut known: Vec<Option<bool>> = vec![None; list.slots.len()];
        match &value.kind {
            JsonKind::Null => {}
            JsonKind::Array(items) => {
                known = vec![Some(false); list.slots.len()];
                self.members(list, items, true, &mut known);
            }
            JsonKind::Object(members) => {
                for (k, v) in members {
                    let member = match k.name.as_ref() {
                        "includes" => true,
                        "excludes" => false,
                        _ => {
                            self.unknown_key(
                                k,
                                &format!("the list `{}`", list.name),
                                &["includes", "excludes"],
                            );
                            continue;
                        }
                    };
                    match &v.kind {
                        JsonKind::Array(items) => self.members(list, items, member, &mut known),
                        _ => self.push(CaseError::Shape {
                            key: format!("{}.{}", list.name, k.name),
                            expected: "an array of value names".into(),
                            found: v.type_name().into(),
                            span: v.span(),
                        }),
                    }
                }
            }
            _ => {
                self.push(CaseError::Shape {
                    key: list.name.clone(),
                    expected: "an array of value names, null, or {\"includes\": [...], \"excludes\": [...]}"
                        .into(),
                    found: value.type_name().into(),
                    span: value.span(),
                });
                return;
            }
        }
        if self.fact_spans.len() < slots.len() {
            self.fact_spans.resize(slots.len(), None);
        }
        for (slot, k) in list.slots.iter().zip(known) {
            let i = slot.0 as usize;
            if let Some(s) = slots.get_mut(i) {
                *s = k.map(Value::Bool);
            }
            // Given (even as `null`): `absent means none` does not apply.
            if let Some(span) = self.fact_spans.get_mut(i) {
                *span = Some(key.span());
            }
        }
    }

    /// Marks each named value of `items` as `member` (in or out).
    fn members(
        &mut self,
        list: &ListInfo,
        items: &[Json],
        member: bool,
        known: &mut [Option<bool>],
    ) {
        let values: Vec<String> = self
            .model
            .enum_info(list.values)
            .map(|e| e.values.iter().map(|v| v.name.clone()).collect())
            .unwrap_or_default();
        for item in items {
            let JsonKind::String(name) = &item.kind else {
                self.push(CaseError::Shape {
                    key: list.name.clone(),
                    expected: "a list of value names (strings)".into(),
                    found: item.type_name().into(),
                    span: item.span(),
                });
                continue;
            };
            let Some(i) = values.iter().position(|v| v == name.as_ref()) else {
                let listed: Vec<String> = values.iter().map(|v| format!("`{v}`")).collect();
                let fallback = format!("the values are {}", listed.join(", "));
                self.push(CaseError::UnknownEnumValue {
                    name: list.name.clone(),
                    value: name.to_string(),
                    help: help_for(name, values.iter().map(String::as_str), &fallback),
                    span: item.span(),
                });
                continue;
            };
            if let Some(k) = known.get_mut(i) {
                *k = Some(member);
            }
        }
    }
}
