//! Conformance suite: the tests. One test per `.conf` file (so a failure
//! names its topic), one for any other `.conf` file, one for the examples
//! of `grammar/*.md`, and one that the data exercise every construct of
//! the language with known, unknown and partly known inputs.

use super::format::{self, Test};
use super::run_test;
use super::subject::Subject;
use crate::check::model::{DefBody, TExprKind};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The `.conf` files, by stem.
fn conf_files() -> Vec<(String, PathBuf)> {
    let dir = root().join("tests/conformance");
    let mut out: Vec<(String, PathBuf)> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("cannot read `{}`: {e}", dir.display()))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "conf"))
        .map(|p| (p.file_stem().unwrap().to_string_lossy().to_string(), p))
        .collect();
    out.sort();
    out
}

fn relative(path: &Path) -> String {
    path.strip_prefix(root())
        .unwrap_or(path)
        .display()
        .to_string()
}

fn read_conf(path: &Path) -> Vec<Test> {
    let text = std::fs::read_to_string(path).unwrap();
    format::parse(&relative(path), &text, 1).unwrap_or_else(|e| panic!("{e}"))
}

/// The tests of the Markdown files in `grammar/` (none when they have no
/// conformance blocks).
fn markdown_tests() -> Vec<Test> {
    let mut out = Vec::new();
    let mut paths: Vec<PathBuf> = std::fs::read_dir(root().join("grammar"))
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "md"))
        .collect();
    paths.sort();
    for p in paths {
        let text = std::fs::read_to_string(&p).unwrap();
        out.extend(format::markdown(&relative(&p), &text).unwrap_or_else(|e| panic!("{e}")));
    }
    out
}

fn run_all(what: &str, tests: &[Test]) {
    assert!(!tests.is_empty(), "{what}: no tests");
    let mut failing = 0;
    let mut report = String::new();
    for t in tests {
        let failures = run_test(t);
        if !failures.is_empty() {
            failing += 1;
            for f in failures.iter().take(20) {
                report.push_str(f);
                report.push('\n');
            }
            if failures.len() > 20 {
                report.push_str(&format!("… and {} more\n", failures.len() - 20));
            }
        }
    }
    assert!(
        failing == 0,
        "{what}: {failing} of {} tests fail:\n{report}",
        tests.len()
    );
}

macro_rules! files {
    ($($name:ident),* $(,)?) => {
        /// The topics that have a test of their own.
        const TOPICS: &[&str] = &[$(stringify!($name)),*];
        $(
            #[test]
            fn $name() {
                let path = root().join(concat!("tests/conformance/", stringify!($name), ".conf"));
                run_all(&relative(&path), &read_conf(&path));
            }
        )*
    };
}

files!(
    logic,
    compare,
    sets,
    quantifiers,
    first,
    tables,
    arithmetic,
    quantities,
    dates,
    known,
    sections,
    missing,
);

#[test]
fn other_conformance_files() {
    // Files added without a test of their own (e.g. `exact.conf`) run here.
    let others: Vec<Test> = conf_files()
        .into_iter()
        .filter(|(stem, _)| !TOPICS.contains(&stem.as_str()))
        .flat_map(|(_, p)| read_conf(&p))
        .collect();
    if !others.is_empty() {
        run_all("other conformance files", &others);
    }
    for t in TOPICS {
        assert!(
            conf_files().iter().any(|(s, _)| s == t),
            "tests/conformance/{t}.conf is missing"
        );
    }
}

#[test]
fn semantics_examples() {
    let tests = markdown_tests();
    // Before `grammar/SEMANTICS.md` exists there is nothing to run.
    if !tests.is_empty() {
        run_all("grammar/*.md", &tests);
    }
}

/// What the suite's data drove one construct to.
#[derive(Debug, Default, Clone, Copy)]
struct Seen {
    known: bool,
    unknown: bool,
    partial: bool,
    inputs_unknown: bool,
}

const NARY: &[&str] = &[
    "and",
    "or",
    "in",
    "not in",
    "any of",
    "all of",
    "none of",
    "first with otherwise",
    "first without otherwise",
    "table lookup",
    "= on integer",
    "< on integer",
    "<= on quantity",
    "< on date",
    "= on enum",
    "integer + integer",
    "integer / integer",
    "quantity / integer",
    "date + quantity",
    "date - date",
];

const REQUIRED: &[&str] = &[
    "not",
    "negation",
    "is known",
    "is unknown",
    "table column",
    "section when",
    "recommendation when",
    "!= on integer",
    "<= on integer",
    "> on integer",
    ">= on integer",
    "!= on enum",
    "= on quantity",
    "< on quantity",
    ">= on quantity",
    ">= on date",
    "= on date",
    "integer - integer",
    "integer * integer",
    "quantity + quantity",
    "quantity - quantity",
    "quantity * integer",
    "quantity / quantity",
    "date - quantity",
    "= on bool",
    "definition read (bool)",
    "fact read (bool)",
    "fact read (integer)",
    "fact read (quantity)",
    "fact read (date)",
    "fact read (enum)",
];

#[test]
fn the_suite_covers_every_construct() {
    let mut seen: BTreeMap<String, Seen> = BTreeMap::new();
    for (_, path) in conf_files() {
        for test in read_conf(&path) {
            let Ok(subject) = Subject::new(&test) else {
                continue;
            };
            let model = &subject.checked.model;
            let nodes = &subject.probes.nodes;
            let mut roles: BTreeMap<usize, &str> = BTreeMap::new();
            for s in &model.sections {
                if let Some(n) = s.condition.as_ref().and_then(|c| subject.probes.at(c.span)) {
                    roles.insert(n, "section when");
                }
            }
            for r in &model.recs {
                if let Some(n) = r.condition.as_ref().and_then(|c| subject.probes.at(c.span)) {
                    roles.entry(n).or_insert("recommendation when");
                }
            }
            for (i, c) in test.cases.iter().enumerate() {
                let Ok(loaded) = subject.load(i + 1, c.line, &c.facts) else {
                    continue;
                };
                let values = subject.probes.values(&loaded.case);
                let mut note = |name: &str, result: bool, inputs: &[bool]| {
                    let s = seen.entry(name.to_string()).or_default();
                    let known = inputs.iter().filter(|k| **k).count();
                    s.known |= result;
                    s.unknown |= !result;
                    s.partial |= known > 0 && known < inputs.len();
                    s.inputs_unknown |= !inputs.is_empty() && known == 0;
                };
                for (n, node) in nodes.iter().enumerate() {
                    let inputs: Vec<bool> = node
                        .children
                        .iter()
                        .filter(|&&c| !matches!(nodes[c].expr.kind, TExprKind::Const(_)))
                        .map(|&c| values[c].is_some())
                        .collect();
                    let result = values[n].is_some();
                    if let Some(name) = &node.construct {
                        note(name, result, &inputs);
                    }
                    if let Some(role) = roles.get(&n) {
                        note(role, result, &inputs);
                    }
                }
                // Table lookups are definitions, not expression nodes.
                for (d, def) in model.defs.iter().enumerate() {
                    let DefBody::Table(t) = def.body else {
                        continue;
                    };
                    let keys: Vec<bool> = model.tables[t.0 as usize]
                        .keys
                        .iter()
                        .filter_map(|k| nodes.iter().position(|n| n.expr.span == k.span))
                        .map(|k| values[k].is_some())
                        .collect();
                    let mut scratch = subject.program.scratch();
                    subject.program.run_general(&loaded.case, &mut scratch);
                    let result = subject
                        .program
                        .def_value(&scratch, crate::check::model::DefId(d as u32))
                        .is_some();
                    note("table lookup", result, &keys);
                }
            }
        }
    }
    let mut gaps = Vec::new();
    for name in NARY.iter().chain(REQUIRED) {
        let s = seen.get(*name).copied().unwrap_or_default();
        let mut want: BTreeSet<&str> = BTreeSet::new();
        want.insert("a known result");
        if name.starts_with("is ") {
            want.insert("an unknown operand");
        } else {
            want.insert("an unknown result");
        }
        if NARY.contains(name) {
            want.insert("partly known operands");
        }
        for w in want {
            let ok = match w {
                "a known result" => s.known,
                "an unknown result" => s.unknown,
                "an unknown operand" => s.inputs_unknown,
                _ => s.partial,
            };
            if !ok {
                gaps.push(format!("`{name}` with {w}"));
            }
        }
    }
    assert!(
        gaps.is_empty(),
        "the conformance data never exercise:\n{}\n(seen: {:?})",
        gaps.join("\n"),
        seen.keys().collect::<Vec<_>>()
    );
}
