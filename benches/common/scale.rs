//! Shared by the benchmarks: guidelines made of renamed copies of one
//! guideline, so that a benchmark can measure how a stage scales.

use cairn::check::{check, Checked};
use cairn::syntax::{parse_with, FsLoader};
use std::collections::BTreeSet;

/// Parses and checks `text`, panicking with the rendered diagnostics.
pub fn checked(name: &str, text: &str) -> Checked {
    match check(parse_with(name, text, &FsLoader)) {
        Ok(c) => c,
        Err(f) => panic!("{}", f.diagnostics.render(&f.sources, 100)),
    }
}

/// The guideline body repeated `k` times with every declared name (and
/// every name in `extra`, e.g. groups and tables) given the suffix
/// `_<copy>`, under one header and one reference list.
pub fn scaled(text: &str, k: usize, extra: &[&str]) -> String {
    let model = checked("base", text).model;
    let mut names: BTreeSet<String> = BTreeSet::new();
    names.extend(model.facts.iter().map(|f| f.name.clone()));
    names.extend(model.defs.iter().map(|d| d.name.clone()));
    names.extend(model.recs.iter().map(|r| r.id.clone()));
    names.extend(model.sections.iter().map(|s| s.id.clone()));
    names.extend(model.schedules.iter().map(|s| s.name.clone()));
    names.extend(model.constraints.iter().map(|c| c.name.clone()));
    names.extend(extra.iter().map(|s| s.to_string()));
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
