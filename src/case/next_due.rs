//! Case loading: the `expect.next_due` block of a golden case.
//!
//! Per schedule name, the window of the next due visit as the text note
//! prints it (`"2028-02-01 to 2028-05-01"`), or `null` when no visit is due
//! (unknown dates, every visit past, or the schedule not laid out).

use super::error::help_for;
use super::error::CaseError;
use super::json::{Json, JsonKind};
use super::{Expect, Loader};

impl Loader<'_> {
    pub(super) fn expect_next_due(&mut self, json: &Json, expect: &mut Expect) {
        let Some(members) = self.object("expect.next_due", json) else {
            return;
        };
        for (key, value) in members {
            let known = self.model.schedules.iter().any(|s| *s.name == *key.name);
            if !known {
                let names = self.model.schedules.iter().map(|s| s.name.as_str());
                self.push(CaseError::UnknownSchedule {
                    name: key.name.to_string(),
                    help: help_for(&key.name, names, "see `cairn run` for the schedules"),
                    span: key.span(),
                });
                continue;
            }
            let window = match &value.kind {
                JsonKind::Null => Some(None),
                JsonKind::String(s) => window(s).map(Some),
                _ => None,
            };
            match window {
                Some(w) => {
                    expect.next_due.insert(key.name.to_string(), w);
                }
                None => self.push(CaseError::Shape {
                    key: key.name.to_string(),
                    expected: "a window `\"YYYY-MM-DD to YYYY-MM-DD\"` or null".to_string(),
                    found: value.type_name().to_string(),
                    span: value.span(),
                }),
            }
        }
    }
}

/// `"2028-02-01 to 2028-05-01"` as its two dates, both valid.
fn window(text: &str) -> Option<(String, String)> {
    let (a, b) = text.split_once(" to ")?;
    let ok = |d: &str| crate::value::parse_date(d.trim()).is_some();
    (ok(a) && ok(b)).then(|| (a.trim().to_string(), b.trim().to_string()))
}
