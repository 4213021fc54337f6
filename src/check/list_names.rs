//! Check stage (model): how a list fact's value slots are shown to users.
//!
//! A list fact is lowered to one bool slot fact per value (see
//! `check::lists`), named `"meds contains v"` inside the model. That name
//! is an implementation detail: every renderer of fact names (missing
//! facts, "regardless of", "leads to", absent values, witnesses,
//! sensitivity, explanations, traces, hovers) goes through these functions,
//! so a user reads the list as written: `meds`, asked for once; a read of
//! one value as `meds contains a` or `meds does not contain c`; and in
//! case-file JSON (witnesses, the absent echo) the form a case gives
//! (`["a", "c"]` or `{"includes": [...], "excludes": [...]}`).

use super::model::{FactId, ListInfo, Model};
use crate::value::Value;
use serde_json::json;

/// A list slot: its list, and the value it stands for.
pub struct Slot<'a> {
    /// The list fact.
    pub list: &'a ListInfo,
    /// The value's name.
    pub value: &'a str,
}

impl Model {
    /// The list and value slot fact `f` stands for, if it is a slot.
    pub fn slot(&self, f: FactId) -> Option<Slot<'_>> {
        let (list, value) = self.slot_of(f)?;
        Some(Slot { list, value })
    }

    /// The name users know fact `f` by: a list's slot is its list.
    pub fn user_name(&self, f: FactId) -> Option<&str> {
        match self.slot_of(f) {
            Some((list, _)) => Some(&list.name),
            None => self.facts.get(f.0 as usize).map(|i| i.name.as_str()),
        }
    }

    /// A label for fact `f` alone: its name, or for a list's slot the list
    /// and the value (`meds (apixaban)`), where one slot is meant (the
    /// sensitivity to one unknown membership).
    pub fn user_label(&self, f: FactId) -> Option<String> {
        match self.slot_of(f) {
            Some((list, value)) => Some(format!("{} ({value})", list.name)),
            None => self.facts.get(f.0 as usize).map(|i| i.name.clone()),
        }
    }

    /// The names users know `facts` by, each once, in order of first
    /// appearance: the slots of one list are that list, asked for once.
    pub fn user_names(&self, facts: impl IntoIterator<Item = FactId>) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for f in facts {
            if let Some(name) = self.user_name(f) {
                if !out.iter().any(|n| n == name) {
                    out.push(name.to_string());
                }
            }
        }
        out
    }

    /// What the fact or list users call `name` means (its description).
    pub fn user_description(&self, name: &str) -> Option<&str> {
        match self.list(name) {
            Some(l) => Some(&l.description),
            None => self
                .fact(name)
                .and_then(|f| self.facts.get(f.0 as usize))
                .map(|i| i.description.as_str()),
        }
    }

    /// A slot's membership in words: `contains v` or `does not contain v`.
    pub fn slot_words(&self, f: FactId, member: bool) -> Option<String> {
        let (_, value) = self.slot_of(f)?;
        Some(if member {
            format!("contains {value}")
        } else {
            format!("does not contain {value}")
        })
    }

    /// A read of slot `f` in a trace: `meds contains a`, `meds does not
    /// contain a`, `unknown: meds not given` (nothing of the list known)
    /// or `unknown: meds does not say whether it contains a`.
    pub fn slot_read(&self, f: FactId, value: impl Fn(FactId) -> Option<Value>) -> Option<String> {
        let (list, name) = self.slot_of(f)?;
        let l = &list.name;
        Some(match value(f) {
            Some(Value::Bool(true)) => format!("{l} contains {name}"),
            Some(_) => format!("{l} does not contain {name}"),
            None if list.slots.iter().all(|s| value(*s).is_none()) => {
                format!("unknown: {l} not given")
            }
            None => format!("unknown: {l} does not say whether it contains {name}"),
        })
    }

    /// Two trace reads of one list at one place (`count of meds` reads
    /// every value there) as one: `meds contains a` and `meds contains b`
    /// become `meds contains a, b`; `None` when they are not alike.
    pub fn merge_reads(&self, a: &str, b: &str) -> Option<String> {
        const WAYS: [&str; 3] = [
            " does not say whether it contains ",
            " does not contain ",
            " contains ",
        ];
        WAYS.iter().find_map(|way| {
            let (head, x) = a.split_once(way)?;
            let (other, y) = b.split_once(way)?;
            let list = head.strip_prefix("unknown: ").unwrap_or(head);
            (head == other && self.list(list).is_some()).then(|| format!("{head}{way}{x}, {y}"))
        })
    }

    /// The list's value in case-file JSON from its slots' values
    /// (`value(slot)`): an array when every slot is known, else
    /// `{"includes": [...], "excludes": [...]}`; `None` when none is known.
    pub fn list_json(
        &self,
        list: &ListInfo,
        value: impl Fn(FactId) -> Option<Value>,
    ) -> Option<serde_json::Value> {
        let (includes, excludes, unknown) = self.members(list, value);
        case_form(&includes, &excludes, unknown > 0)
    }

    /// Rewrites case-file `facts` keyed by inner fact names (a diff's
    /// witness, built fact by fact over two versions): the slots of each
    /// list of `models` become the list, in the form a case gives it (an
    /// array when every value either version has is fixed).
    pub fn fold_slots(models: &[&Model], facts: &mut serde_json::Map<String, serde_json::Value>) {
        let mut lists: Vec<&str> = Vec::new();
        for m in models {
            for l in &m.lists {
                if !lists.contains(&l.name.as_str()) {
                    lists.push(&l.name);
                }
            }
        }
        for name in lists {
            let (mut includes, mut excludes, mut unknown) = (Vec::new(), Vec::new(), false);
            let mut seen: Vec<&str> = Vec::new();
            for m in models {
                let Some(list) = m.list(name) else { continue };
                let values = m.enum_info(list.values).map(|e| e.values.as_slice());
                for (i, slot) in list.slots.iter().enumerate() {
                    let value = values.and_then(|v| v.get(i)).map(|v| v.name.as_str());
                    let inner = m.facts.get(slot.0 as usize).map(|f| f.name.as_str());
                    let (Some(value), Some(inner)) = (value, inner) else {
                        continue;
                    };
                    let given = facts.remove(inner).and_then(|v| v.as_bool());
                    if seen.contains(&value) {
                        continue;
                    }
                    seen.push(value);
                    match given {
                        Some(true) => includes.push(value),
                        Some(false) => excludes.push(value),
                        None => unknown = true,
                    }
                }
            }
            if let Some(v) = case_form(&includes, &excludes, unknown) {
                facts.insert(name.to_string(), v);
            }
        }
    }

    /// The list's values known in, known out, and the number unknown.
    fn members(
        &self,
        list: &ListInfo,
        value: impl Fn(FactId) -> Option<Value>,
    ) -> (Vec<&str>, Vec<&str>, usize) {
        let names = self.enum_info(list.values).map(|e| e.values.as_slice());
        let (mut includes, mut excludes, mut unknown) = (Vec::new(), Vec::new(), 0);
        for (i, slot) in list.slots.iter().enumerate() {
            let Some(name) = names.and_then(|n| n.get(i)).map(|v| v.name.as_str()) else {
                continue;
            };
            match value(*slot) {
                Some(Value::Bool(true)) => includes.push(name),
                Some(_) => excludes.push(name),
                None => unknown += 1,
            }
        }
        (includes, excludes, unknown)
    }
}

/// A list in case-file JSON: the array of the values in when none is left
/// unknown, else `{"includes": [...], "excludes": [...]}` (an empty side
/// left out); `None` when nothing is known.
fn case_form(includes: &[&str], excludes: &[&str], unknown: bool) -> Option<serde_json::Value> {
    if !unknown {
        return Some(json!(includes));
    }
    let mut form = serde_json::Map::new();
    if !includes.is_empty() {
        form.insert("includes".into(), json!(includes));
    }
    if !excludes.is_empty() {
        form.insert("excludes".into(), json!(excludes));
    }
    (!form.is_empty()).then_some(serde_json::Value::Object(form))
}
