//! Benchmarks `cairn analyze` on the sarcoma guideline and on guidelines
//! made of 10 and 100 renamed copies of it (the case space grows from
//! roughly 10^17 to 10^170 and 10^1700 combinations; the cost should grow
//! about linearly), and on one `first` chain of 2,000, 4,000, 8,000 and
//! 16,000 branches over one integer fact (the hostile-input row
//! `first_branches_4000`; `-- first_` runs only those; the cost should
//! double with the branches, see `eval::compact::pick`). Figures are recorded in the README's
//! Performance section and /work/notes/perf-analysis.md.

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
    for n in [2000usize, 4000, 8000, 16000] {
        let guideline = checked("first.cairn", &first_chain(n));
        group.bench_function(format!("first_{n}"), |b| b.iter(|| analyze(&guideline)));
    }
    group.finish();
}

/// A classification `first` of `n` branches `when n = i then lo` over one
/// integer fact (a region per branch), with a fallback and one reader: the
/// shape of the hostile-input row `first_branches_4000`.
fn first_chain(n: usize) -> String {
    let mut s = String::from(
        "guideline g { title \"G\" version \"1.0.0\" status draft }\n\
         fact n \"N\": integer 0 to 20000\n\
         define k \"K\": enum { lo, hi } = first {\n",
    );
    for i in 0..n {
        s.push_str(&format!("  when n = {i} then lo\n"));
    }
    s.push_str("  otherwise hi\n}\nsuggest r { when k = lo statement \"R\" }\n");
    s
}

criterion_group!(benches, bench);
criterion_main!(benches);
