//! Conformance suite: comparing the evaluators' views with each other and
//! with a test's expectations.

use super::format::Expect;
use super::subject::Subject;
use super::views::View;
use crate::eval::outcome::Outcome;
use crate::testing::compare::same;
use serde_json::Value as Json;

fn show<T: Shown>(v: &Option<T>) -> String {
    match v {
        Some(v) => v.shown(),
        None => "nothing".into(),
    }
}

/// Every place where a view says something other than the reference (the
/// first view).
pub(crate) fn agreement(subject: &Subject, label: &str, views: &[(String, View)]) -> Vec<String> {
    let model = &subject.checked.model;
    let mut out = Vec::new();
    let Some((reference, base)) = views.first() else {
        return out;
    };
    for (name, v) in views.iter().skip(1) {
        for (i, rec) in model.recs.iter().enumerate() {
            let (mine, theirs) = (
                v.statuses.get(i).cloned().flatten(),
                base.statuses.get(i).cloned().flatten(),
            );
            if mine.is_some() && mine != theirs {
                out.push(format!(
                    "{label}: {name} says `{}` {}, the {reference} says {}",
                    rec.id,
                    show(&mine),
                    show(&theirs)
                ));
            }
            let (mine, theirs) = (
                v.missing.get(i).cloned().flatten(),
                base.missing.get(i).cloned().flatten(),
            );
            if mine.is_some() && mine != theirs {
                out.push(format!(
                    "{label}: {name} says `{}` misses {}, the {reference} says {}",
                    rec.id,
                    show(&mine),
                    show(&theirs)
                ));
            }
        }
        for (i, def) in model.defs.iter().enumerate() {
            let (mine, theirs) = (
                v.values.get(i).cloned().flatten(),
                base.values.get(i).cloned().flatten(),
            );
            if mine.is_some() && mine != theirs {
                out.push(format!(
                    "{label}: {name} says `{}` = {}, the {reference} says {}",
                    def.name,
                    show(&mine),
                    show(&theirs)
                ));
            }
        }
    }
    out
}

/// A value as the suite's messages show it: JSON as JSON, the rest as Rust.
trait Shown {
    fn shown(&self) -> String;
}

impl Shown for Json {
    fn shown(&self) -> String {
        self.to_string()
    }
}

impl Shown for crate::eval::outcome::Status {
    fn shown(&self) -> String {
        self.as_str().to_string()
    }
}

impl Shown for Vec<String> {
    fn shown(&self) -> String {
        format!("[{}]", self.join(", "))
    }
}

/// The evaluators that say something other than `want` about one item.
fn disagreeing<T: Shown>(
    views: &[(String, View)],
    get: impl Fn(&View) -> Option<T>,
    ok: impl Fn(&T) -> bool,
) -> Vec<String> {
    views
        .iter()
        .filter_map(|(name, v)| {
            let got = get(v)?;
            (!ok(&got)).then(|| format!("{name} says {}", got.shown()))
        })
        .collect()
}

/// Every expectation of a case that some evaluator does not meet.
pub(crate) fn expectations(
    subject: &Subject,
    label: &str,
    expects: &[Expect],
    views: &[(String, View)],
    outcome: &Outcome,
) -> Vec<String> {
    let model = &subject.checked.model;
    let json = serde_json::to_value(outcome).unwrap_or_default();
    let mut out = Vec::new();
    for e in expects {
        let (what, wrong): (String, Vec<String>) = match e {
            Expect::Status(id, status) => {
                let Some(r) = model.rec(id) else {
                    out.push(format!("{label}: no recommendation `{id}`"));
                    continue;
                };
                let i = r.0 as usize;
                let wrong = disagreeing(
                    views,
                    |v| v.statuses.get(i).copied().flatten(),
                    |s| s.as_str() == status,
                );
                (format!("`{id}: {status}`"), wrong)
            }
            Expect::Missing(id, names) => {
                let Some(r) = model.rec(id) else {
                    out.push(format!("{label}: no recommendation `{id}`"));
                    continue;
                };
                let i = r.0 as usize;
                let mut want = names.clone();
                want.sort();
                let wrong = disagreeing(
                    views,
                    |v| v.missing.get(i).cloned().flatten(),
                    |got| {
                        let mut got = got.clone();
                        got.sort();
                        got == want
                    },
                );
                (format!("`{id}` missing {}", names.shown()), wrong)
            }
            Expect::Value(name, value) => {
                let Some(d) = model.def(name) else {
                    out.push(format!("{label}: no definition `{name}`"));
                    continue;
                };
                let i = d.0 as usize;
                let wrong = disagreeing(
                    views,
                    |v| v.values.get(i).cloned().flatten(),
                    |got| same(value, got),
                );
                (format!("`{name} = {value}`"), wrong)
            }
            Expect::Approximate(id) => {
                let Some(r) = model.rec(id) else {
                    out.push(format!("{label}: no recommendation `{id}`"));
                    continue;
                };
                let flag = json
                    .pointer(&format!("/recommendations/{}/approximate", r.0))
                    .cloned();
                let wrong = match flag {
                    Some(Json::Bool(true)) => vec![],
                    Some(other) => vec![format!("the outcome says `approximate: {other}`")],
                    None => vec!["the outcome has no `approximate` flag for it".to_string()],
                };
                (format!("`{id}` approximate"), wrong)
            }
            Expect::NextDue(name, want) => {
                // Schedules are laid out in the full outcome only.
                let Some(s) = outcome.schedules.iter().find(|s| &s.name == name) else {
                    out.push(format!("{label}: no schedule `{name}` laid out"));
                    continue;
                };
                let got = s
                    .next_due
                    .as_ref()
                    .map(|n| format!("{} to {}", n.earliest, n.latest));
                let shown = |w: &Option<String>| w.clone().unwrap_or_else(|| "-".into());
                let wrong = if got == *want {
                    vec![]
                } else {
                    vec![format!("the outcome says `{}`", shown(&got))]
                };
                (format!("`{name}` next due {}", shown(want)), wrong)
            }
            Expect::Needs(name, want) => {
                let Some(s) = outcome.schedules.iter().find(|s| &s.name == name) else {
                    out.push(format!("{label}: no schedule `{name}` laid out"));
                    continue;
                };
                let mut want = want.clone();
                want.sort();
                let wrong = if s.needs == want {
                    vec![]
                } else {
                    vec![format!("the outcome says {}", s.needs.shown())]
                };
                (format!("`{name}` needs {}", want.shown()), wrong)
            }
            Expect::Error(code) => {
                let codes: Vec<String> = match json.get("diagnostics") {
                    Some(Json::Array(items)) => items
                        .iter()
                        .filter_map(|d| d.get("code")?.as_str().map(str::to_string))
                        .collect(),
                    _ => Vec::new(),
                };
                let wrong = if codes.iter().any(|c| c == code) {
                    vec![]
                } else if json.get("diagnostics").is_none() {
                    vec!["the outcome has no `diagnostics` field".to_string()]
                } else {
                    vec![format!("the outcome's diagnostics are {codes:?}")]
                };
                (format!("`error {code}`"), wrong)
            }
        };
        if !wrong.is_empty() {
            out.push(format!(
                "{label}: expected {what}, but {}",
                wrong.join("; ")
            ));
        }
    }
    out
}
