//! Benchmark of the front end: parse + check of the sarcoma guideline
//! (about 600 lines), the figure the README's Performance section quotes.

use cairn::syntax::{parse_with, FsLoader};
use criterion::{criterion_group, criterion_main, Criterion};

const PATH: &str = "guidelines/rps/initial-management.cairn";

fn parse_and_check(c: &mut Criterion) {
    let Ok(text) = std::fs::read_to_string(PATH) else {
        eprintln!("{PATH} not found; run from the crate root");
        return;
    };
    c.bench_function("parse", |b| b.iter(|| parse_with(PATH, &text, &FsLoader)));
    c.bench_function("check", |b| {
        b.iter_batched(
            || parse_with(PATH, &text, &FsLoader),
            |parsed| cairn::check::check(parsed).is_ok(),
            criterion::BatchSize::SmallInput,
        )
    });
    c.bench_function("parse + check", |b| {
        b.iter(|| cairn::check::check(parse_with(PATH, &text, &FsLoader)).is_ok())
    });
}

criterion_group!(benches, parse_and_check);
criterion_main!(benches);
