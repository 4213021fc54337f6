//! Eval stage benchmark: parse + check of the sarcoma guideline, and
//! evaluation of many synthetic cases (golden cases perturbed, with
//! unknowns, reaching every status of every recommendation) through each API:
//! statuses only, statuses + trace data, and full outcomes (in a reused
//! scratch, with and without writing their JSON; the one-off owned form;
//! with the trace). Throughput is reported in cases per second.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use cairn::case::Case;
use cairn::check::model::{Model, Type};
use cairn::eval::{Options, Program};
use cairn::syntax::{parse_with, FsLoader};
use cairn::value::Value;
use criterion::{black_box, criterion_group, Criterion, Throughput};
use std::time::Duration;

const GUIDELINE: &str = "guidelines/rps/initial-management.cairn";
const CASES: usize = 10_000;
const CASES_DIR: &str = "guidelines/rps/cases";

/// A small deterministic generator (xorshift64*), so runs are comparable.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}

/// A random value for a fact type; about one fact in six is unknown.
fn random_value(model: &Model, ty: Type, rng: &mut Rng) -> Option<Value> {
    if rng.below(6) == 0 {
        return None;
    }
    Some(match ty {
        Type::Bool => Value::Bool(rng.below(2) == 0),
        Type::Int { min, max } => {
            let lo = min.unwrap_or(0);
            let hi = max.unwrap_or(100).max(lo);
            Value::Int(lo + rng.below((hi - lo + 1) as u64) as i64)
        }
        Type::Number => Value::Number(rng.below(1000) as f64 / 10.0),
        Type::Quantity { unit, .. } => {
            // Around typical clinical magnitudes in the fact's own unit.
            let v = if unit.symbol == "Gy" {
                [50.0, 50.4, 45.0, 60.0][rng.below(4) as usize]
            } else {
                rng.below(100) as f64
            };
            Value::Quantity(v * unit.factor)
        }
        Type::Date => Value::Date(18_000 + rng.below(3_000) as i32),
        Type::Enum(e) => {
            let n = model.enum_info(e).map(|i| i.values.len()).unwrap_or(1);
            Value::Enum(rng.below(n as u64) as u32)
        }
        Type::Row(_) => return None,
    })
}

/// The golden cases of the sarcoma guideline, which between them drive
/// every recommendation to applies and to not applicable.
fn golden(checked: &cairn::check::Checked) -> Vec<Case> {
    let mut paths: Vec<_> = std::fs::read_dir(CASES_DIR)
        .expect("the golden cases")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    paths.sort();
    paths
        .iter()
        .map(|p| {
            let text = std::fs::read_to_string(p).expect("a golden case");
            cairn::load_case(checked, &p.to_string_lossy(), &text)
                .expect("a valid golden case")
                .case
        })
        .collect()
}

/// Synthetic cases that reach every status of every recommendation: three
/// in four are a golden case with each fact, with probability 1/8, replaced
/// by a random value or made unknown; the rest are wholly random (which
/// leaves many recommendations undetermined).
fn cases(checked: &cairn::check::Checked, n: usize) -> Vec<Case> {
    let model = &checked.model;
    let seeds = golden(checked);
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    (0..n)
        .map(|i| {
            let facts = if rng.below(4) == 0 || seeds.is_empty() {
                model
                    .facts
                    .iter()
                    .map(|f| random_value(model, f.ty, &mut rng))
                    .collect()
            } else {
                let seed = &seeds[rng.below(seeds.len() as u64) as usize];
                model
                    .facts
                    .iter()
                    .enumerate()
                    .map(|(f, info)| match rng.below(8) {
                        0 => random_value(model, info.ty, &mut rng),
                        _ => seed.facts.get(f).copied().flatten(),
                    })
                    .collect()
            };
            Case {
                name: format!("case {i}"),
                facts,
                absent: Vec::new(),
            }
        })
        .collect()
}

/// Checks that the cases reach every status of every recommendation, and
/// says which they do not.
fn report_reach(program: &Program, cases: &[Case]) {
    use cairn::eval::outcome::Status;
    let recs = &program.model().recs;
    let mut reached = vec![[false; 3]; recs.len()];
    let mut scratch = program.scratch();
    for case in cases {
        for (r, s) in program.statuses(case, &mut scratch).iter().enumerate() {
            let i = match s {
                Status::Applies => 0,
                Status::NotApplicable => 1,
                Status::Undetermined => 2,
            };
            reached[r][i] = true;
        }
    }
    let gaps: Vec<String> = recs
        .iter()
        .zip(&reached)
        .filter(|(_, r)| !r.iter().all(|x| *x))
        .map(|(rec, r)| format!("{} {:?}", rec.id, r))
        .collect();
    eprintln!(
        "cases reach every status of {} of {} recommendations{}{}",
        recs.len() - gaps.len(),
        recs.len(),
        if gaps.is_empty() { "" } else { "; not: " },
        gaps.join(", ")
    );
}

fn bench(c: &mut Criterion) {
    let text = std::fs::read_to_string(GUIDELINE).expect("the sarcoma guideline");
    let mut group = c.benchmark_group("parse_check");
    group
        .measurement_time(Duration::from_secs(3))
        .sample_size(30);
    group.bench_function("rps", |b| {
        b.iter(|| {
            let parsed = parse_with(GUIDELINE, black_box(&text), &FsLoader);
            cairn::check::check(parsed).expect("checks")
        })
    });
    group.finish();

    let checked = cairn::check::check(parse_with(GUIDELINE, &text, &FsLoader)).expect("checks");
    let program = Program::new(&checked);
    let cases = cases(&checked, CASES);
    report_reach(&program, &cases);
    let mut scratch = program.scratch();

    let mut group = c.benchmark_group("evaluate");
    group
        .measurement_time(Duration::from_secs(4))
        .sample_size(20)
        .throughput(Throughput::Elements(CASES as u64));
    group.bench_function("statuses", |b| {
        b.iter(|| {
            let mut applies = 0usize;
            for case in &cases {
                applies += program
                    .statuses(case, &mut scratch)
                    .iter()
                    .filter(|s| **s == cairn::eval::outcome::Status::Applies)
                    .count();
            }
            applies
        })
    });
    let mut batch = program.batch_scratch();
    group.bench_function("statuses_batch", |b| {
        b.iter(|| {
            program
                .statuses_batch(&cases, &mut batch)
                .iter()
                .filter(|s| **s == cairn::eval::outcome::Status::Applies)
                .count()
        })
    });
    group.bench_function("statuses_and_trace_data", |b| {
        b.iter(|| {
            let mut leaves = 0usize;
            for case in &cases {
                program.evaluate_into(case, &mut scratch);
                program.trace_into(&mut scratch);
                leaves += scratch.trace_leaves();
            }
            leaves
        })
    });
    // The full outcome of the JSON contract in a reused scratch, borrowing
    // the guideline's strings; then also written as `cairn run` writes it.
    group.bench_function("outcome", |b| {
        b.iter(|| {
            let mut n = 0usize;
            for case in &cases {
                let outcome = program.evaluate_with(case, &mut scratch, Options::default());
                n += outcome.recommendations.len();
            }
            n
        })
    });
    let mut json = Vec::new();
    group.bench_function("outcome_json", |b| {
        b.iter(|| {
            let mut n = 0usize;
            for case in &cases {
                let outcome = program.evaluate_with(case, &mut scratch, Options::default());
                json.clear();
                serde_json::to_writer_pretty(&mut json, &outcome).expect("json");
                n += json.len();
            }
            n
        })
    });
    group.finish();

    // The one-off form (fresh buffers, every string owned) and the trace,
    // measured on a tenth of the cases to keep the run short.
    let few = &cases[..CASES / 10];
    let mut group = c.benchmark_group("outcome");
    group
        .measurement_time(Duration::from_secs(4))
        .sample_size(10)
        .throughput(Throughput::Elements(few.len() as u64));
    group.bench_function("owned", |b| {
        b.iter(|| {
            few.iter()
                .map(|case| program.evaluate(case, Options::default()).trace.len())
                .sum::<usize>()
        })
    });
    group.bench_function("with_trace", |b| {
        b.iter(|| {
            few.iter()
                .map(|case| {
                    let options = Options { trace: true };
                    program
                        .evaluate_with(case, &mut scratch, options)
                        .trace
                        .len()
                })
                .sum::<usize>()
        })
    });
    group.finish();
}

/// The sarcoma guideline, checked and compiled, and `CASES` synthetic cases.
fn setup(n: usize) -> (cairn::check::Checked, Program, Vec<Case>) {
    let text = std::fs::read_to_string(GUIDELINE).expect("the sarcoma guideline");
    let checked = cairn::check::check(parse_with(GUIDELINE, &text, &FsLoader)).expect("checks");
    let program = Program::new(&checked);
    let mut cases = cases(&checked, n);
    if std::env::var("CAIRN_CASES").as_deref() == Ok("decided") {
        cases = decided(&program, cases);
    }
    report_reach(&program, &cases);
    (checked, program, cases)
}

/// Only the cases whose every recommendation the Kleene pass decides (no
/// exact pass), to show what the exact pass costs where it is not needed
/// (`CAIRN_CASES=decided`).
fn decided(program: &Program, cases: Vec<Case>) -> Vec<Case> {
    let mut scratch = program.scratch();
    cases
        .into_iter()
        .filter(|case| {
            let before = scratch.exact_cost().0;
            program.statuses(case, &mut scratch);
            scratch.exact_cost().0 == before
        })
        .collect()
}

/// A plain loop over the synthetic cases `rounds` times, for instruction
/// counts under valgrind (`CAIRN_BENCH=statuses|batch|trace|outcome|outcome_json|
/// outcome_owned`, `CAIRN_ROUNDS=n`, `CAIRN_N` cases): `outcome` is `evaluate_with` in a reused
/// scratch, `outcome_json` also writes its JSON, `outcome_owned` is `evaluate`).
fn plain_loop(mode: &str) {
    let rounds: usize = std::env::var("CAIRN_ROUNDS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(1);
    // `CAIRN_N` distinct cases (default `CASES`): a larger cohort shows
    // the memo of explanations at its bound.
    let n = std::env::var("CAIRN_N")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(CASES);
    let (_, program, cases) = setup(n);
    let mut scratch = program.scratch();
    let mut batch = program.batch_scratch();
    let start = std::time::Instant::now();
    let mut sum = 0usize;
    let mut json = Vec::new();
    for _ in 0..rounds {
        if mode.starts_with("outcome") {
            for case in &cases {
                let outcome = match mode {
                    // The one-off form: fresh buffers, every string owned.
                    "outcome_owned" => program.evaluate(case, Options::default()),
                    _ => program.evaluate_with(case, &mut scratch, Options::default()),
                };
                sum += outcome.recommendations.len();
                if mode == "outcome_json" {
                    json.clear();
                    serde_json::to_writer_pretty(&mut json, &outcome).expect("json");
                    sum += json.len();
                }
            }
            continue;
        }
        if mode == "batch" {
            let statuses = program.statuses_batch(&cases, &mut batch);
            sum += statuses
                .iter()
                .filter(|s| **s == cairn::eval::outcome::Status::Applies)
                .count();
            continue;
        }
        for case in &cases {
            let statuses = program.statuses(case, &mut scratch);
            sum += statuses
                .iter()
                .filter(|s| **s == cairn::eval::outcome::Status::Applies)
                .count();
            if mode == "trace" {
                program.trace_into(&mut scratch);
                sum += scratch.trace_leaves();
            }
        }
    }
    let n = (rounds * cases.len()) as f64;
    let secs = start.elapsed().as_secs_f64();
    let (reached, tried) = scratch.exact_cost();
    eprintln!(
        "exact pass: {reached} recommendations reached it, {tried} completions run, {} charted",
        scratch.exact_charted()
    );
    println!(
        "{mode}: {} cases in {secs:.3} s = {:.0} cases/s (checksum {sum})",
        n,
        n / secs
    );
}

/// Writes a synthetic cohort as JSON lines for `cairn batch`
/// (`CAIRN_BENCH=cohort CAIRN_COHORT=path CAIRN_COHORT_SIZE=n`).
fn write_cohort() {
    use std::io::Write;
    let path = std::env::var("CAIRN_COHORT").unwrap_or_else(|_| "cohort.jsonl".to_string());
    let n: usize = std::env::var("CAIRN_COHORT_SIZE")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(100_000);
    let (checked, _, cases) = setup(n);
    let model = &checked.model;
    let mut out = std::io::BufWriter::new(std::fs::File::create(&path).expect("cohort file"));
    for case in &cases {
        let mut facts = serde_json::Map::new();
        for (info, v) in model.facts.iter().zip(&case.facts) {
            if v.is_some() {
                let json = cairn::value::json::encode(model, info.ty, *v);
                facts.insert(info.name.clone(), json);
            }
        }
        let line = serde_json::json!({ "name": case.name, "facts": facts });
        writeln!(out, "{line}").expect("write cohort");
    }
    out.flush().expect("write cohort");
    println!("wrote {n} cases to {path}");
}

criterion_group!(benches, bench);

fn main() {
    match std::env::var("CAIRN_BENCH").as_deref() {
        Ok("cohort") => write_cohort(),
        Ok(
            mode @ ("statuses" | "batch" | "trace" | "outcome" | "outcome_json" | "outcome_owned"),
        ) => plain_loop(mode),
        _ => {
            benches();
            Criterion::default().configure_from_args().final_summary();
        }
    }
}
