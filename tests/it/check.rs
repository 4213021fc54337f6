//! Check stage tests: a corpus of small guidelines with snapshots of the
//! rendered diagnostics, and tests of the model the checker builds.

use cairn::check::{check, model::*, Checked, Failed};
use cairn::syntax::{parse_with, FsLoader, Loader};
use std::path::{Path, PathBuf};

/// Loads includes from a fixed set of in-memory files.
struct Mem(Vec<(&'static str, &'static str)>);

impl Loader for Mem {
    fn load(&self, path: &Path) -> std::io::Result<String> {
        self.0
            .iter()
            .find(|(name, _)| Path::new(name) == path)
            .map(|(_, text)| text.to_string())
            .ok_or_else(|| std::io::Error::new(std::io::ErrorKind::NotFound, "no such file"))
    }
}

fn run(name: &str, text: &str) -> Result<Checked, Failed> {
    check(parse_with(name, text, &FsLoader))
}

/// Renders whatever the checker reported, errors and warnings.
fn rendered(result: &Result<Checked, Failed>) -> String {
    match result {
        Ok(c) => c.warnings.render(&c.sources, 100),
        Err(f) => f.diagnostics.render(&f.sources, 100),
    }
}

fn codes(result: &Result<Checked, Failed>) -> Vec<String> {
    let d = match result {
        Ok(c) => &c.warnings,
        Err(f) => &f.diagnostics,
    };
    d.reports.iter().map(|r| r.code()).collect()
}

fn ok(text: &str) -> Checked {
    match run("t.cairn", text) {
        Ok(c) => c,
        Err(f) => panic!("{}", f.diagnostics.render(&f.sources, 100)),
    }
}

const HEADER: &str = "guideline g { title \"T\" version \"1\" status draft }\n";

#[test]
fn sample_dump() {
    let text = std::fs::read_to_string("/tmp/t/a.cairn").unwrap_or_default();
    let r = run("a.cairn", &text);
    println!("{}", rendered(&r));
    println!("{:?}", codes(&r));
}
