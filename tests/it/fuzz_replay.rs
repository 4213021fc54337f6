//! Fuzz replay: every committed corpus input (`fuzz/corpus/TARGET/`) and
//! regression input (`fuzz/regressions/TARGET/`) through the same body the
//! fuzz target runs (`cairn::testing::fuzz`), so CI checks what campaigns
//! found without fuzzing (and without nightly). A body's `Err` or panic
//! fails the input. Regressions not fixed on this branch yet are listed in
//! `fuzz/regressions/pending.txt` as `TARGET/FILE`; each must still fail,
//! so the list shrinks when the fix lands.

use cairn::testing::fuzz::TARGETS;
use std::path::{Path, PathBuf};

const FUZZ: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/fuzz");

fn inputs(dir: &Path) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|d| d.flatten().map(|e| e.path()).collect())
        .unwrap_or_default();
    out.retain(|p| p.is_file());
    out.sort();
    out
}

/// The body's verdict on one input: `None` when it holds.
fn verdict(body: cairn::testing::fuzz::Body, data: &[u8]) -> Option<String> {
    match std::panic::catch_unwind(|| body(data)) {
        Ok(Ok(())) => None,
        Ok(Err(violation)) => Some(violation),
        Err(_) => Some("panicked".into()),
    }
}

fn pending() -> Vec<String> {
    let text = std::fs::read_to_string(Path::new(FUZZ).join("regressions/pending.txt"))
        .unwrap_or_default();
    text.lines()
        .map(|l| l.split('#').next().unwrap_or("").trim().to_string())
        .filter(|l| !l.is_empty())
        .collect()
}

#[test]
fn fuzz_corpora_and_regressions_replay_clean() {
    let pending = pending();
    let mut problems = Vec::new();
    let mut seen = Vec::new();
    for (target, body) in TARGETS {
        let corpus = inputs(&Path::new(FUZZ).join("corpus").join(target));
        assert!(
            !corpus.is_empty(),
            "fuzz/corpus/{target} is empty: run `fuzz/run.sh cmin`"
        );
        let regressions = inputs(&Path::new(FUZZ).join("regressions").join(target));
        for path in corpus.iter().chain(&regressions) {
            let data = std::fs::read(path).unwrap();
            let name = format!("{target}/{}", path.file_name().unwrap().to_string_lossy());
            let expected_to_fail = pending.contains(&name);
            seen.push(name.clone());
            match (verdict(*body, &data), expected_to_fail) {
                (Some(violation), false) => {
                    let short: String = violation.chars().take(2000).collect();
                    problems.push(format!("{}: {short}", path.display()));
                }
                (None, true) => problems.push(format!(
                    "{name} passes now: remove it from fuzz/regressions/pending.txt"
                )),
                _ => {}
            }
        }
    }
    for p in &pending {
        assert!(
            seen.contains(p),
            "fuzz/regressions/pending.txt names no input `{p}`"
        );
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
