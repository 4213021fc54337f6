//! Benchmarks `cairn analyze` on the sarcoma guideline and on guidelines
//! made of 10 and 100 renamed copies of it (the case space grows from
//! roughly 10^17 to 10^170 and 10^1700 combinations; the cost should grow
//! about linearly). Figures are recorded in the README's Performance
//! section and /work/notes/perf-analysis.md.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use cairn::analysis::analyze;
use criterion::{criterion_group, criterion_main, Criterion};

#[path = "common/scale.rs"]
mod scale;
use scale::{checked, scaled};

const SARCOMA: &str = "guidelines/rps/initial-management.cairn";

fn bench(c: &mut Criterion) {
    let text = std::fs::read_to_string(SARCOMA).unwrap();
    let mut group = c.benchmark_group("analyze");
    group.sample_size(10);
    for k in [1usize, 10, 100] {
        let source = if k == 1 {
            text.clone()
        } else {
            scaled(&text, k, &[])
        };
        let guideline = checked("scaled.cairn", &source);
        let result = analyze(&guideline);
        eprintln!(
            "x{k}: {} facts, {} definitions, {} recommendations, {} questions, {} errors",
            guideline.model.facts.len(),
            guideline.model.defs.len(),
            guideline.model.recs.len(),
            result.queries,
            result.error_count()
        );
        group.bench_function(format!("sarcoma_x{k}"), |b| b.iter(|| analyze(&guideline)));
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
