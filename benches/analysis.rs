//! Benchmarks `cairn analyze` on the sarcoma guideline and on guidelines
//! made of 10 and 100 renamed copies of it (the case space grows from
//! roughly 10^17 to 10^170 and 10^1700 combinations; the cost should grow
//! about linearly). Figures are recorded in the README's Performance
//! section and /work/notes/perf-analysis.md.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use cairn::analysis::analyze;
use cairn::check::{check, Checked};
use cairn::syntax::{parse_with, FsLoader};
use criterion::{criterion_group, criterion_main, Criterion};
use std::collections::BTreeSet;

const SARCOMA: &str = "guidelines/rps/initial-management.cairn";

fn checked(name: &str, text: &str) -> Checked {
    match check(parse_with(name, text, &FsLoader)) {
        Ok(c) => c,
        Err(f) => panic!("{}", f.diagnostics.render(&f.sources, 100)),
    }
}

/// The guideline body repeated `k` times with every declared name given
/// the suffix `_<copy>`, under one header and one reference list.
fn scaled(text: &str, k: usize) -> String {
    let model = checked("base", text).model;
    let mut names: BTreeSet<String> = BTreeSet::new();
    names.extend(model.facts.iter().map(|f| f.name.clone()));
    names.extend(model.defs.iter().map(|d| d.name.clone()));
    names.extend(model.recs.iter().map(|r| r.id.clone()));
    names.extend(model.sections.iter().map(|s| s.id.clone()));
    names.extend(model.schedules.iter().map(|s| s.name.clone()));
    let start = text.find("\n}\n").unwrap() + 3;
    let end = text.find("\nreferences {").unwrap();
    let (head, body, refs) = (&text[..start], &text[start..end], &text[end..]);
    let mut out = head.to_string();
    for copy in 0..k {
        out.push_str(&rename(body, &names, copy));
    }
    out.push_str(refs);
    out
}

/// Appends `_<copy>` to every identifier in `names`.
fn rename(body: &str, names: &BTreeSet<String>, copy: usize) -> String {
    let mut out = String::with_capacity(body.len() + 1024);
    let mut word = String::new();
    let flush = |word: &mut String, out: &mut String| {
        out.push_str(word);
        if names.contains(word.as_str()) {
            out.push_str(&format!("_{copy}"));
        }
        word.clear();
    };
    for ch in body.chars() {
        if ch.is_ascii_alphanumeric() || ch == '_' {
            word.push(ch);
        } else {
            flush(&mut word, &mut out);
            out.push(ch);
        }
    }
    flush(&mut word, &mut out);
    out
}

fn bench(c: &mut Criterion) {
    let text = std::fs::read_to_string(SARCOMA).unwrap();
    let mut group = c.benchmark_group("analyze");
    group.sample_size(10);
    for k in [1usize, 10, 100] {
        let source = if k == 1 {
            text.clone()
        } else {
            scaled(&text, k)
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
