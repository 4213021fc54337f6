//! Conformance suite: what each evaluator of the semantics says about one
//! case, in one shape ([`View`]) so they can be compared with each other
//! and with a test's expectations.
//!
//! The evaluators: the general slot code (the reference), the compact
//! program through `statuses` (on a scratch that ran another case first,
//! so stale state would show) and through `evaluate_into`, the missing-facts
//! walker behind both, the full outcome of `evaluate`, the outcome built on
//! the general slots, the trace (raw and rendered), and the 64-lane batch
//! runner (see [`batch`]).

use super::subject::{Loaded, Subject};
use super::trace;
use crate::case::Case;
use crate::check::model::{DefId, RecId};
use crate::eval::outcome::{build, display, Outcome, Status};
use crate::eval::{Options, Program, RawStep, Scratch, LANES};
use serde_json::Value as Json;

/// What one evaluator says about a case; `None` where it says nothing.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct View {
    /// Per recommendation: its status.
    pub statuses: Vec<Option<Status>>,
    /// Per definition: its value in the outcome's JSON form.
    pub values: Vec<Option<Json>>,
    /// Per recommendation: its missing facts' names.
    pub missing: Vec<Option<Vec<String>>>,
}

impl View {
    /// A view that says nothing yet.
    pub fn empty(subject: &Subject) -> View {
        let model = &subject.checked.model;
        View {
            statuses: vec![None; model.recs.len()],
            values: vec![None; model.defs.len()],
            missing: vec![None; model.recs.len()],
        }
    }
}

/// Everything observed for one case.
pub(crate) struct Observed {
    /// `(evaluator, view)`, the reference (the general slot code) first.
    pub views: Vec<(String, View)>,
    /// The outcome of `Program::evaluate` with a trace.
    pub outcome: Outcome<'static>,
    /// The value of every expression node (see `probe`).
    pub nodes: Vec<Option<crate::value::Value>>,
    /// Disagreements found while observing (raw traces, outcomes).
    pub failures: Vec<String>,
}

/// The raw trace a scratch recorded: steps and the number of reads.
fn raw(program: &Program, scratch: &mut Scratch) -> (Vec<RawStep>, usize) {
    program.trace_into(scratch);
    (scratch.raw_trace().to_vec(), scratch.trace_leaves())
}

/// Values and missing facts read off an evaluated scratch.
fn slots(subject: &Subject, scratch: &mut Scratch, statuses: &[Status]) -> View {
    let model = &subject.checked.model;
    let p = &subject.program;
    let mut v = View::empty(subject);
    for (i, def) in model.defs.iter().enumerate() {
        // As the outcome reports it: settled by the exact pass.
        let value = p.def_value_exact(scratch, DefId(i as u32));
        v.values[i] = Some(display::json(model, def.ty, value));
    }
    v.statuses = statuses.iter().map(|s| Some(*s)).collect();
    for r in 0..model.recs.len() {
        let names = model.user_names(p.missing(scratch, RecId(r as u32)));
        v.missing[r] = Some(names);
    }
    v
}

/// What an outcome says.
pub(crate) fn outcome_view(subject: &Subject, outcome: &Outcome) -> View {
    let model = &subject.checked.model;
    let mut v = View::empty(subject);
    for (i, rec) in outcome.recommendations.iter().enumerate() {
        if let Some(s) = v.statuses.get_mut(i) {
            *s = Some(rec.status);
        }
        if let Some(m) = v.missing.get_mut(i) {
            *m = Some(rec.missing.to_vec());
        }
    }
    for (i, def) in model.defs.iter().enumerate() {
        v.values[i] = outcome.derived.get(&def.name).cloned();
    }
    v
}

/// Runs one case on every single-case evaluator. `other` is run first on
/// the compact scratch, so results left over from it would show.
pub(crate) fn observe(subject: &Subject, loaded: &Loaded, other: &Case) -> Observed {
    let p = &subject.program;
    let case = &loaded.case;
    let mut failures = Vec::new();
    let mut views = Vec::new();

    let mut general = p.scratch();
    p.run_general(case, &mut general);
    let statuses = general.last_statuses().to_vec();
    let general_trace = raw(p, &mut general);
    views.push((
        "general slot code".to_string(),
        slots(subject, &mut general, &statuses),
    ));

    let mut compact = p.scratch();
    p.statuses(other, &mut compact);
    let statuses = p.statuses(case, &mut compact).to_vec();
    // The trace first: it reads results still held in the byte encoding.
    let compact_trace = raw(p, &mut compact);
    views.push((
        "compact program (`statuses`)".to_string(),
        slots(subject, &mut compact, &statuses),
    ));

    let mut into = p.scratch();
    p.statuses(other, &mut into);
    p.evaluate_into(case, &mut into);
    let into_trace = raw(p, &mut into);
    let mut v = slots(subject, &mut into, &statuses);
    // `evaluate_into` reports no statuses of its own; the outcome does.
    v.statuses = vec![None; v.statuses.len()];
    views.push(("compact program (`evaluate_into`)".to_string(), v));

    for (name, t) in [
        ("`statuses` + `trace_into`", &compact_trace),
        ("`evaluate_into` + `trace_into`", &into_trace),
    ] {
        if *t != general_trace {
            failures.push(format!(
                "{}: the raw trace after {name} differs from the general slot code's:\n  {:?}\n  general: {:?}",
                loaded.label, t, general_trace
            ));
        }
    }

    let outcome = p.evaluate(case, Options { trace: true });
    views.push((
        "outcome (`evaluate`)".to_string(),
        outcome_view(subject, &outcome),
    ));
    views.push(("trace".to_string(), trace::view(subject, &outcome)));
    let on_general = build::outcome(p, case, &mut general, Options { trace: true });
    if let Some(path) = first_difference(
        &serde_json::to_value(&outcome).unwrap_or_default(),
        &serde_json::to_value(&on_general).unwrap_or_default(),
        "",
    ) {
        failures.push(format!(
            "{}: the outcome of `evaluate` and the outcome built on the general slot code differ at `{path}`",
            loaded.label
        ));
    }
    // The borrowed outcome in a reused scratch writes the owned one's bytes.
    let mut reused = p.scratch();
    let _ = p.evaluate_with(case, &mut reused, Options::default());
    let borrowed = p.evaluate_with(case, &mut reused, Options { trace: true });
    if serde_json::to_string(&borrowed).ok() != serde_json::to_string(&outcome).ok() {
        failures.push(format!(
            "{}: the outcome of `evaluate_with` in a reused scratch differs from `evaluate`'s",
            loaded.label
        ));
    }
    let plain = p.evaluate(case, Options::default());
    if plain.recommendations != outcome.recommendations || plain.derived != outcome.derived {
        failures.push(format!(
            "{}: `evaluate` without a trace gives other recommendations or values than with one",
            loaded.label
        ));
    }
    failures.extend(trace::checks(subject, loaded, &outcome));
    Observed {
        views,
        outcome,
        nodes: subject.probes.values(case),
        failures,
    }
}

/// The path of the first difference between two JSON values.
pub(crate) fn first_difference(a: &Json, b: &Json, at: &str) -> Option<String> {
    match (a, b) {
        (Json::Object(x), Json::Object(y)) => {
            for (k, v) in x {
                let here = format!("{at}.{k}");
                match y.get(k) {
                    Some(w) => {
                        if let Some(p) = first_difference(v, w, &here) {
                            return Some(p);
                        }
                    }
                    None => return Some(here),
                }
            }
            y.keys()
                .find(|k| !x.contains_key(*k))
                .map(|k| format!("{at}.{k}"))
        }
        (Json::Array(x), Json::Array(y)) if x.len() == y.len() => x
            .iter()
            .zip(y)
            .enumerate()
            .find_map(|(i, (v, w))| first_difference(v, w, &format!("{at}[{i}]"))),
        _ => (a != b).then(|| format!("{at} ({a} vs {b})")),
    }
}

/// The batch runner's statuses for each case: the cases sit at several
/// lanes of full batches, among filler cases, and in a partial last batch;
/// a second, shorter cohort then reuses the buffers. Returns one view per
/// case and the failures found for the fillers.
pub(crate) fn batch(subject: &Subject, cases: &[&Case]) -> (Vec<View>, Vec<String>) {
    let p = &subject.program;
    let recs = subject.checked.model.recs.len();
    let fillers = subject.fillers(cases);
    let pool: Vec<&Case> = cases.iter().copied().chain(fillers.iter()).collect();
    // Two full batches and a partial one; tested and filler cases alternate.
    let len = 2 * LANES + 1 + cases.len() % (LANES - 1);
    let cohort: Vec<(usize, Case)> = (0..len)
        .map(|i| {
            let k = if i % 2 == 0 || cases.is_empty() {
                (i / 2) % cases.len().max(1)
            } else {
                cases.len() + (i / 2) % fillers.len()
            };
            (k, pool.get(k).map(|c| (*c).clone()).unwrap_or_default())
        })
        .collect();
    let mut views: Vec<View> = cases.iter().map(|_| View::empty(subject)).collect();
    let mut failures = Vec::new();
    let mut reference = p.scratch();
    let expected: Vec<Vec<Status>> = pool
        .iter()
        .map(|c| {
            p.run_general(c, &mut reference);
            reference.last_statuses().to_vec()
        })
        .collect();
    let mut reported = std::collections::BTreeSet::new();
    let mut scratch = p.batch_scratch();
    let all: Vec<Case> = cohort.iter().map(|(_, c)| c.clone()).collect();
    for round in 0..2 {
        // The second round: the first 70 cases in reverse, on the same buffers.
        let order: Vec<usize> = if round == 0 {
            (0..len).collect()
        } else {
            (0..len.min(70)).rev().collect()
        };
        let run: Vec<Case> = order.iter().filter_map(|&i| all.get(i).cloned()).collect();
        let out = p.statuses_batch(&run, &mut scratch).to_vec();
        for (pos, &i) in order.iter().enumerate() {
            let Some((k, _)) = cohort.get(i) else {
                continue;
            };
            let got = out.get(pos * recs..(pos + 1) * recs).unwrap_or(&[]);
            let want = expected.get(*k).map(|v| &v[..]).unwrap_or(&[]);
            match views.get_mut(*k) {
                // A tested case: the first disagreeing lane is reported as its view.
                Some(v) if got != want || v.statuses.iter().all(Option::is_none) => {
                    v.statuses = got.iter().map(|s| Some(*s)).collect();
                }
                Some(_) => {}
                // A filler: its first disagreeing lane only.
                None if got != want && reported.insert(*k) => failures.push(format!(
                    "the batch runner gives filler case `{}` at lane {} of batch {} statuses {got:?}, the general slot code {want:?}",
                    pool.get(*k).map(|c| c.name.as_str()).unwrap_or(""),
                    pos % LANES,
                    pos / LANES
                )),
                None => {}
            }
        }
    }
    (views, failures)
}
