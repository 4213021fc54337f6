//! The contract of `cairn run`: on every golden case of the three shipped
//! guidelines, the JSON (with and without the trace), the text note and
//! the rendered trace are byte-for-byte what they were before the outcome
//! borrowed the guideline's strings (issue 14 item 3). The snapshot keeps
//! each output's length and an FNV-1a hash, taken on the old code path;
//! any changed byte changes a line.
//!
//! It also bounds the allocations of one full outcome: they grow with the
//! statements that have placeholders (the only per-case strings), not with
//! the number of recommendations.

use cairn::check::Checked;
use cairn::eval::{render, Options, Program};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

const GUIDELINES: [&str; 3] = [
    "guidelines/rps/initial-management.cairn",
    "guidelines/cervical/screening.cairn",
    "guidelines/vte/diagnosis-treatment.cairn",
];

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn checked(path: &str) -> Checked {
    let text = std::fs::read_to_string(root().join(path)).expect("guideline is readable");
    let parsed = cairn::syntax::parse_with(path, &text, &cairn::syntax::FsLoader);
    match cairn::check::check(parsed) {
        Ok(c) => c,
        Err(f) => panic!("{}", f.diagnostics.render(&f.sources, 100)),
    }
}

/// The golden cases of a guideline, sorted, as (file name, text).
fn golden(guideline: &str) -> Vec<(String, String)> {
    let dir: PathBuf = root().join(guideline).with_file_name("cases");
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("cases folder")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    paths.sort();
    paths
        .into_iter()
        .map(|p| {
            let name = p.file_name().map(|n| n.to_string_lossy().into_owned());
            let text = std::fs::read_to_string(&p).expect("golden case is readable");
            (name.unwrap_or_default(), text)
        })
        .collect()
}

/// FNV-1a, 64 bits: a stable hash without a dependency.
fn fnv(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3)
    })
}

fn line(out: &mut String, what: &str, text: &str) {
    let _ = writeln!(
        out,
        "  {what}: {} bytes, {:016x}",
        text.len(),
        fnv(text.as_bytes())
    );
}

#[test]
fn run_output_of_every_golden_case_is_unchanged() {
    let mut out = String::new();
    for guideline in GUIDELINES {
        let checked = checked(guideline);
        let program = Program::new(&checked);
        // One scratch for every case, as `cairn batch` reuses it.
        let mut scratch = program.scratch();
        for (name, text) in golden(guideline) {
            let case = match cairn::load_case(&checked, &name, &text) {
                Ok(c) => c,
                Err(f) => panic!("{}", f.diagnostics.render(&f.sources, 100)),
            };
            let _ = writeln!(out, "{guideline} {name}");
            for trace in [false, true] {
                let options = Options { trace };
                let outcome = program.evaluate_with(&case.case, &mut scratch, options);
                let json = serde_json::to_string_pretty(&outcome).expect("json");
                // The owned convenience form writes the same bytes.
                let owned = program.evaluate(&case.case, options);
                let same = serde_json::to_string_pretty(&owned).expect("json") == json;
                assert!(same, "{name}: `evaluate` and `evaluate_with` differ");
                if trace {
                    line(&mut out, "json --trace", &json);
                    line(&mut out, "trace", &render::trace(&outcome, &checked, 100));
                } else {
                    line(&mut out, "json", &json);
                    line(&mut out, "note", &render::note(&outcome, &checked));
                }
            }
        }
    }
    insta::assert_snapshot!(out);
}

/// A guideline of `plain` recommendations whose statements are plain text
/// and `filled` ones whose statements fill placeholders; all apply.
fn many(plain: usize, filled: usize) -> Checked {
    let mut text = String::from("guideline a { title \"A\" version \"1\" status draft }\n");
    text.push_str("fact fit \"Fit\": bool\nfact grade \"Grade\": integer 1 to 3\n");
    text.push_str("fact kind \"Kind\": enum { lps, lms }\n");
    text.push_str("define high \"High\": bool = grade >= 2 and kind in {lps, lms}\n");
    for i in 0..plain {
        let _ = writeln!(
            text,
            "recommend plain_{i} {{\n  when fit and high\n  statement \"Plain text {i}.\"\n  rationale \"Why {i}.\"\n  note \"Note {i}.\"\n}}"
        );
    }
    for i in 0..filled {
        let _ = writeln!(
            text,
            "recommend filled_{i} {{\n  when fit\n  statement \"Grade {{grade}}, {{kind}}, high {{high}} ({i}).\"\n}}"
        );
    }
    let parsed = cairn::syntax::parse_with("a.cairn", &text, &cairn::syntax::FsLoader);
    match cairn::check::check(parsed) {
        Ok(c) => c,
        Err(f) => panic!("{}", f.diagnostics.render(&f.sources, 100)),
    }
}

/// Allocations of one full outcome of `checked` in a warm scratch, and
/// the outcome's JSON.
fn allocations(checked: &Checked) -> (u64, String) {
    let program = Program::new(checked);
    let json = r#"{"facts": {"fit": true, "grade": 3, "kind": "lms"}}"#;
    let case = match cairn::load_case(checked, "case", json) {
        Ok(c) => c.case,
        Err(f) => panic!("{}", f.diagnostics.render(&f.sources, 100)),
    };
    let mut scratch = program.scratch();
    let _ = program.evaluate_with(&case, &mut scratch, Options::default());
    let mut text = String::new();
    let info = allocation_counter::measure(|| {
        let outcome = program.evaluate_with(&case, &mut scratch, Options::default());
        assert_eq!(outcome.recommendations.len(), checked.model.recs.len());
        assert!(outcome
            .recommendations
            .iter()
            .all(|r| r.status == cairn::Status::Applies));
        text = outcome
            .recommendations
            .last()
            .map_or(String::new(), |r| r.statement.to_string());
    });
    (info.count_total, text)
}

#[test]
fn an_outcome_allocates_per_placeholder_statement_not_per_recommendation() {
    // The outcome's vectors, whatever the number of recommendations.
    let (few, _) = allocations(&many(4, 0));
    let (lots, _) = allocations(&many(200, 0));
    assert_eq!(few, lots, "plain recommendations allocate");
    assert!(
        few <= 4,
        "{few} allocations for an outcome without placeholders"
    );
    // One string per statement with placeholders (its values written in
    // place), whatever the plain recommendations beside them.
    let (filled, text) = allocations(&many(4, 10));
    assert_eq!(text, "Grade 3, lms, high true (9).");
    assert!(
        filled <= few + 10,
        "{filled} allocations for 10 filled statements"
    );
    let (filled_lots, _) = allocations(&many(200, 10));
    assert_eq!(filled, filled_lots);
}
