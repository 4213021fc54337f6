//! Benchmark of the front end: parse + check of the sarcoma guideline
//! (about 600 lines), the figure the README's Performance section quotes,
//! and the hostile sizes of issue 10 (error recovery and rendering must stay
//! linear: 4,000 unterminated strings, 8,000 declarations with one syntax
//! error, 10,000 rendered diagnostics).

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

fn hostile(c: &mut Criterion) {
    let mut group = c.benchmark_group("hostile");
    group.sample_size(10);
    let strings: String = (0..4000)
        .map(|i| format!("fact f{i} \"open: bool\n"))
        .collect();
    group.bench_function("recover 4000 unterminated strings", |b| {
        b.iter(|| parse_with("s.cairn", &strings, &FsLoader))
    });
    let mut decls: String = (0..8000)
        .map(|i| format!("fact f{i} \"F{i}\": integer 1 to 3\n"))
        .collect();
    decls.push_str("fact broken \"B\" bool\n");
    group.bench_function("recover 8000 declarations, one error", |b| {
        b.iter(|| parse_with("d.cairn", &decls, &FsLoader))
    });
    let lines: String = (0..10_000)
        .map(|i| format!("fact f{i} \"F\": bool\n"))
        .collect();
    let mut sources = cairn::source::SourceMap::new();
    let file = sources.add("w.cairn", lines.as_str());
    let mut diagnostics = cairn::diagnostics::Diagnostics::new();
    let mut offset = 0;
    for line in lines.split_inclusive('\n') {
        diagnostics.push(
            file,
            cairn::syntax::SyntaxError::ControlCharacter {
                escaped: "\\u{1b}".to_string(),
                span: (offset, 4).into(),
            },
        );
        offset += line.len();
    }
    group.bench_function("render 10000 diagnostics", |b| {
        b.iter(|| diagnostics.render(&sources, 100).len())
    });
    group.finish();
}

criterion_group!(benches, parse_and_check, hostile);
criterion_main!(benches);
