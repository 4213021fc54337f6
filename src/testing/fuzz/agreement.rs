//! Testing stage: the `evaluator_agreement` fuzz body. The input's bytes
//! are the choices of a small guideline generator (facts of every type,
//! nested connectives, quantifiers, comparisons, arithmetic, dates, `in`,
//! `is known`, a `first`, sections with `when`) and of a few cases, every
//! fact known or unknown; the evaluators must then agree on every case.
//!
//! The reference is the general slot code (`run_general`); compared with it
//! are the compact program (`statuses` on a scratch that ran another case
//! first), the missing-facts walker, the full outcome (`evaluate`, with and
//! without a trace), the rendered trace's recommendation steps, and the
//! 64-lane batch runner with the cases at several lanes among other cases.
//! The conformance suite (`conformance::random`) runs a wider set of
//! consumers on seeded guidelines but is compiled for unit tests only; this
//! body is in every build so the integration tests can replay its corpus.

use crate::case::Case;
use crate::check::model::{DefId, RecId};
use crate::eval::outcome::{display, Outcome, Status};
use crate::eval::{Options, Program, LANES};

/// Reads choices off the input; an exhausted input always chooses 0.
struct Choices<'a> {
    data: &'a [u8],
    pos: usize,
}

impl Choices<'_> {
    fn below(&mut self, n: usize) -> usize {
        let byte = self.data.get(self.pos).copied().unwrap_or(0);
        self.pos += 1;
        usize::from(byte) % n.max(1)
    }

    fn pick<'s>(&mut self, items: &[&'s str]) -> &'s str {
        items.get(self.below(items.len())).copied().unwrap_or("")
    }
}

const HEADER: &str = "guideline fuzz { title \"Fuzz\" version \"1.0.0\" status draft }\n";

const FACTS: &str = r#"fact b0 "b0": bool
fact b1 "b1": bool
fact e0 "e0": enum { x, y, z }
fact n0 "n0": integer 0 to 10
fact n1 "n1": integer
fact q0 "q0": quantity cm
fact w0 "w0": quantity days
fact d0 "d0": date
fact d1 "d1": date
"#;

/// Conditions on the facts (and on `k` and earlier definitions, below).
const ATOMS: &[&str] = &[
    "b0",
    "not b1",
    "b1 = true",
    "b0 != false",
    "e0 = x",
    "e0 != y",
    "e0 in {x, z}",
    "e0 not in {y}",
    "n0 >= 3",
    "n0 < 7",
    "n0 = 5",
    "n1 > 2",
    "n1 <= -1",
    "n0 > n1",
    "n0 in {1, n1}",
    "n0 * 2 + n1 > 7",
    "n0 - n1 >= 2",
    "n1 / n0 > 1",
    "-n1 < 3",
    "q0 > 5 cm",
    "q0 <= 30 mm",
    "q0 / 2 cm >= 1.5",
    "q0 + 1 cm = 6 cm",
    "d0 < 2024-03-01",
    "d0 + 1 month >= d1",
    "d1 - d0 > 30 days",
    "d0 + w0 <= d1",
    "w0 >= 2 weeks",
    "d0 in {2024-01-31, d1}",
    "b0 is known",
    "n1 is unknown",
    "d0 is known",
];

/// Conditions on the `first` definition `k`, declared before the recommendations.
const K_ATOMS: &[&str] = &["k = lo", "k != hi", "k in {lo, mid}", "k is known"];

/// Per fact: its JSON values (an unknown fact is left out).
const POOLS: &[(&str, &[&str])] = &[
    ("b0", &["true", "false"]),
    ("b1", &["true", "false"]),
    ("e0", &["\"x\"", "\"y\"", "\"z\""]),
    ("n0", &["0", "1", "3", "5", "7", "10"]),
    ("n1", &["-2", "-1", "0", "2", "3", "12"]),
    (
        "q0",
        &["\"3 cm\"", "\"5 cm\"", "\"50 mm\"", "\"31 mm\"", "\"0 cm\""],
    ),
    ("w0", &["\"0 days\"", "\"10 days\"", "\"2 weeks\""]),
    (
        "d0",
        &["\"2024-01-31\"", "\"2024-02-29\"", "\"2023-02-28\""],
    ),
    (
        "d1",
        &["\"2024-01-31\"", "\"2024-03-31\"", "\"2024-02-05\""],
    ),
];

struct Gen<'a> {
    choices: Choices<'a>,
    /// Bool definitions declared so far.
    defs: usize,
    /// True once `k` is declared.
    k: bool,
}

impl Gen<'_> {
    fn atom(&mut self) -> String {
        match self.choices.below(8) {
            0 if self.defs > 0 => format!("c{}", self.choices.below(self.defs)),
            1 if self.k => self.choices.pick(K_ATOMS).to_string(),
            _ => self.choices.pick(ATOMS).to_string(),
        }
    }

    fn cond(&mut self, depth: usize) -> String {
        if depth == 0 {
            return self.atom();
        }
        let d = depth - 1;
        match self.choices.below(9) {
            0 | 1 => format!("({} and {})", self.cond(d), self.cond(d)),
            2 | 3 => format!("({} or {})", self.cond(d), self.cond(d)),
            4 => format!("not ({})", self.cond(d)),
            5 => {
                let q = self.choices.pick(&["any", "all", "none"]);
                let n = 1 + self.choices.below(3);
                let items: Vec<String> = (0..n).map(|_| self.cond(d)).collect();
                format!("{q} of [{}]", items.join(", "))
            }
            _ => self.atom(),
        }
    }

    fn guideline(&mut self) -> String {
        let mut out = format!("{HEADER}{FACTS}");
        for i in 0..1 + self.choices.below(3) {
            let c = self.cond(2);
            out += &format!("define c{i} \"c{i}\": bool = {c}\n");
            self.defs += 1;
        }
        let (a, b) = (self.cond(1), self.cond(1));
        let otherwise = ["", "  otherwise hi\n"][self.choices.below(2)];
        out += &format!(
            "define k \"k\": enum {{ lo, mid, hi }} = first {{\n  when {a} then lo\n  when {b} then mid\n{otherwise}}}\n"
        );
        self.k = true;
        for r in 0..1 + self.choices.below(4) {
            let when = match self.choices.below(5) {
                0 => String::new(),
                _ => format!("when {} ", self.cond(2)),
            };
            let rec = format!("suggest r{r} {{ {when}statement \"r{r}: {{k}}\" }}\n");
            if self.choices.below(3) == 0 {
                let c = self.cond(1);
                out += &format!("section s{r} \"S{r}\" when {c} {{\n  {rec}}}\n");
            } else {
                out += &rec;
            }
        }
        out
    }

    fn case(&mut self) -> String {
        let mut members = Vec::new();
        for (name, pool) in POOLS {
            let k = self.choices.below(pool.len() + 1);
            if let Some(value) = pool.get(k) {
                members.push(format!("\"{name}\": {value}"));
            }
        }
        format!("{{\"facts\": {{{}}}}}", members.join(", "))
    }
}

/// What one evaluator says about one case.
#[derive(Debug, PartialEq)]
struct Said {
    statuses: Vec<Status>,
    missing: Vec<Vec<String>>,
}

/// The reference: the general slot code.
fn reference(p: &Program, case: &Case) -> (Said, Vec<serde_json::Value>) {
    let model = p.model();
    let mut scratch = p.scratch();
    p.run_general(case, &mut scratch);
    let statuses = scratch.last_statuses().to_vec();
    let missing = (0..model.recs.len())
        .map(|r| names(p, &p.missing(&mut scratch, RecId(r as u32))))
        .collect();
    let values = (0..model.defs.len())
        .map(|d| {
            let ty = model.defs.get(d).map(|def| def.ty);
            let value = p.def_value_exact(&mut scratch, DefId(d as u32));
            ty.map(|ty| display::json(model, ty, value))
                .unwrap_or_default()
        })
        .collect();
    (Said { statuses, missing }, values)
}

fn names(p: &Program, facts: &[crate::check::model::FactId]) -> Vec<String> {
    // As the outcome names them: a list's slots as the list, once.
    p.model().user_names(facts.iter().copied())
}

fn from_outcome(outcome: &Outcome) -> Said {
    Said {
        statuses: outcome.recommendations.iter().map(|r| r.status).collect(),
        missing: outcome
            .recommendations
            .iter()
            .map(|r| r.missing.to_vec())
            .collect(),
    }
}

/// The statuses the rendered trace's recommendation steps give.
fn from_trace(outcome: &Outcome) -> Vec<Option<Status>> {
    outcome
        .recommendations
        .iter()
        .map(|rec| {
            let step = outcome
                .trace
                .iter()
                .find(|s| s.kind == "recommendation" && s.name == rec.id)?;
            [Status::Applies, Status::NotApplicable, Status::Undetermined]
                .into_iter()
                .find(|s| s.as_str() == step.text)
        })
        .collect()
}

/// `evaluator_agreement`: every evaluator agrees with the general slot code
/// on every case of the generated guideline.
pub fn evaluator_agreement(data: &[u8]) -> Result<(), String> {
    let mut g = Gen {
        choices: Choices { data, pos: 0 },
        defs: 0,
        k: false,
    };
    let text = g.guideline();
    let jsons: Vec<String> = (0..1 + g.choices.below(4)).map(|_| g.case()).collect();
    // The generator's vocabulary is typed; a guideline that does not check
    // (a constant condition is only a warning) has nothing to compare.
    let Ok(checked) = crate::syntax::parse_with("fuzz.cairn", &text, &super::NoFiles).check()
    else {
        return Ok(());
    };
    let p = Program::new(&checked);
    let mut cases = Vec::new();
    for json in &jsons {
        let file = crate::load_case(&checked, "case.json", json)
            .map_err(|f| format!("{json} does not load: {:?}", f.diagnostics))?;
        cases.push(file.case);
    }
    let fail = |what: String| format!("{what}\n--- guideline\n{text}--- cases\n{jsons:?}");
    let blank = Case {
        name: "blank".into(),
        facts: vec![None; checked.model.facts.len()],
        absent: Vec::new(),
    };
    let mut wanted = Vec::new();
    for (i, case) in cases.iter().enumerate() {
        let (want, values) = reference(&p, case);
        let mut compact = p.scratch();
        p.statuses(cases.get(i + 1).unwrap_or(&blank), &mut compact);
        let statuses = p.statuses(case, &mut compact).to_vec();
        let missing = (0..checked.model.recs.len())
            .map(|r| names(&p, &p.missing(&mut compact, RecId(r as u32))))
            .collect();
        let got = Said { statuses, missing };
        if got != want {
            return Err(fail(format!(
                "case {i}: the compact program says {got:?}, the general slot code {want:?}"
            )));
        }
        let outcome = p.evaluate(case, Options { trace: true });
        let got = from_outcome(&outcome);
        if got != want {
            return Err(fail(format!(
                "case {i}: the outcome says {got:?}, the general slot code {want:?}"
            )));
        }
        let plain = p.evaluate(case, Options::default());
        if plain.recommendations != outcome.recommendations || plain.derived != outcome.derived {
            return Err(fail(format!("case {i}: the outcome depends on the trace")));
        }
        let traced = from_trace(&outcome);
        if traced != want.statuses.iter().map(|s| Some(*s)).collect::<Vec<_>>() {
            return Err(fail(format!(
                "case {i}: the trace says {traced:?}, the general slot code {:?}",
                want.statuses
            )));
        }
        let derived: Vec<serde_json::Value> = checked
            .model
            .defs
            .iter()
            .map(|d| outcome.derived.get(&d.name).cloned().unwrap_or_default())
            .collect();
        if derived != values {
            return Err(fail(format!(
                "case {i}: the outcome's values are {derived:?}, the general slot code's {values:?}"
            )));
        }
        wanted.push(want.statuses);
    }
    batch(&p, &cases, &blank, &wanted).map_err(fail)
}

/// The batch runner: the cases alternate with an all-unknown case over two
/// full batches and a partial one, so each sits at several lanes.
fn batch(p: &Program, cases: &[Case], blank: &Case, wanted: &[Vec<Status>]) -> Result<(), String> {
    let (want_blank, _) = reference(p, blank);
    let len = 2 * LANES + 1 + cases.len();
    let pick = |i: usize| match i % 2 {
        0 => cases
            .get((i / 2) % cases.len().max(1))
            .map(|c| (c, (i / 2) % cases.len().max(1))),
        _ => None,
    };
    let cohort: Vec<Case> = (0..len)
        .map(|i| pick(i).map(|(c, _)| c).unwrap_or(blank).clone())
        .collect();
    let mut scratch = p.batch_scratch();
    let out = p.statuses_batch(&cohort, &mut scratch).to_vec();
    let recs = p.model().recs.len();
    for i in 0..len {
        let got = out.get(i * recs..(i + 1) * recs).unwrap_or(&[]);
        let want = match pick(i) {
            Some((_, k)) => wanted.get(k).map(Vec::as_slice).unwrap_or(&[]),
            None => &want_blank.statuses[..],
        };
        if got != want {
            return Err(format!(
                "lane {} of batch {}: the batch runner says {got:?}, the general slot code {want:?}",
                i % LANES,
                i / LANES
            ));
        }
    }
    Ok(())
}
