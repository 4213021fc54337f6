//! Language reference tests: every ```cairn example in grammar/README.md
//! parses, checks and is already formatted.
//!
//! The info string of a block says how it is tested:
//! - `cairn`: declarations. A block with its own `guideline` header is a
//!   whole file; any other block is appended to the `prelude` block, which
//!   declares the header and the facts the examples share.
//! - `cairn,prelude`: the shared header and facts; checked on its own.
//! - `cairn,expr`: one expression, checked as `define example "Example" = …`
//!   after the prelude.
//! - `cairn,file=NAME`: a file other examples `include` as `NAME`.
//! - `cairn,error=CODE`: an example of a mistake; parsing or checking it (on
//!   its own, or after the prelude) must fail with the diagnostic `CODE`.

use cairn::format::format_source;
use cairn::syntax::{parse_with, Loader};
use std::collections::HashMap;
use std::path::Path;

/// One fenced example.
struct Block {
    /// The info string after the fence, e.g. `cairn,expr`.
    info: String,
    /// The example's text.
    text: String,
    /// The README line the block starts on, for messages.
    line: usize,
}

fn blocks(readme: &str) -> Vec<Block> {
    let mut out = Vec::new();
    let mut current: Option<Block> = None;
    for (i, line) in readme.lines().enumerate() {
        match current.as_mut() {
            None => {
                if let Some(info) = line.strip_prefix("```") {
                    current = Some(Block {
                        info: info.trim().to_string(),
                        text: String::new(),
                        line: i + 1,
                    });
                }
            }
            Some(block) => {
                if line.trim_end() == "```" {
                    out.extend(current.take());
                } else {
                    block.text.push_str(line);
                    block.text.push('\n');
                }
            }
        }
    }
    assert!(
        current.is_none(),
        "unterminated code block in grammar/README.md"
    );
    out.into_iter()
        .filter(|b| b.info.starts_with("cairn"))
        .collect()
}

/// Serves the `cairn,file=NAME` blocks to `include`.
struct Files(HashMap<String, String>);

impl Loader for Files {
    fn load(&self, path: &Path) -> std::io::Result<String> {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().to_string())
            .unwrap_or_default();
        self.0
            .get(&name)
            .cloned()
            .ok_or_else(|| std::io::Error::new(std::io::ErrorKind::NotFound, name))
    }
}

/// Parses and checks `text`; `Err` holds the rendered diagnostics.
fn check(text: &str, files: &Files) -> Result<(), String> {
    let parsed = parse_with("example.cairn", text, files);
    match parsed.check() {
        Ok(_) => Ok(()),
        Err(failed) => Err(failed.diagnostics.render(&failed.sources, 100)),
    }
}

fn readme() -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("grammar/README.md"))
        .unwrap()
}

#[test]
fn every_example_in_the_reference_parses_checks_and_is_formatted() {
    let blocks = blocks(&readme());
    assert!(blocks.len() >= 25, "only {} examples", blocks.len());
    let prelude = blocks
        .iter()
        .find(|b| b.info == "cairn,prelude")
        .expect("a prelude block")
        .text
        .clone();
    let files = Files(
        blocks
            .iter()
            .filter_map(|b| {
                b.info
                    .strip_prefix("cairn,file=")
                    .map(|n| (n.to_string(), b.text.clone()))
            })
            .collect(),
    );
    let mut failures = Vec::new();
    for b in &blocks {
        if let Some(code) = b.info.strip_prefix("cairn,error=") {
            let alone = check(&b.text, &files).err().unwrap_or_default();
            let after = check(&format!("{prelude}\n{}", b.text), &files)
                .err()
                .unwrap_or_default();
            if !alone.contains(code) && !after.contains(code) {
                failures.push(format!(
                    "line {}: expected `{code}`, got:\n{alone}\n{after}",
                    b.line
                ));
            }
            continue;
        }
        let (to_check, to_format) = match b.info.as_str() {
            "cairn,expr" => {
                let define = format!("define example \"Example\" = {}", b.text);
                (format!("{prelude}\n{define}"), define)
            }
            "cairn,prelude" => (b.text.clone(), b.text.clone()),
            info if info.starts_with("cairn,file=") => (b.text.clone(), b.text.clone()),
            "cairn" if b.text.contains("guideline ") => (b.text.clone(), b.text.clone()),
            "cairn" => (format!("{prelude}\n{}", b.text), b.text.clone()),
            other => {
                failures.push(format!("line {}: unknown block kind `{other}`", b.line));
                continue;
            }
        };
        let is_file = b.info.starts_with("cairn,file=");
        if !is_file {
            if let Err(diagnostics) = check(&to_check, &files) {
                failures.push(format!("line {}: does not check:\n{diagnostics}", b.line));
                continue;
            }
        }
        match format_source("example.cairn", &to_format) {
            Ok(formatted) if formatted == to_format => {}
            Ok(formatted) => failures.push(format!(
                "line {}: not formatted; `cairn fmt` gives:\n{formatted}",
                b.line
            )),
            Err(e) => failures.push(format!(
                "line {}: does not format:\n{}",
                b.line,
                e.diagnostics.render(&e.sources, 100)
            )),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn the_reference_lists_every_unit_and_reserved_word() {
    let text = readme();
    let aliases = cairn::units::ucum::ALIASES.iter();
    for unit in aliases.flat_map(|(alias, ucum)| [*alias, *ucum]) {
        assert!(
            text.contains(&format!("`{unit}`")),
            "unit `{unit}` is not in the reference"
        );
    }
    let grammar =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("grammar/cairn.pest"))
            .unwrap();
    let keywords = grammar
        .split("keyword = _{")
        .nth(1)
        .and_then(|rest| rest.split('}').next())
        .unwrap();
    let words: Vec<&str> = keywords.split('"').skip(1).step_by(2).collect();
    assert!(words.len() >= 10);
    for word in words {
        assert!(
            text.contains(&format!("`{word}`")),
            "reserved word `{word}` is not in the reference"
        );
    }
}

/// "One example per construct": every keyword of the grammar appears in
/// at least one example.
#[test]
fn the_examples_use_every_keyword_of_the_grammar() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let grammar = std::fs::read_to_string(root.join("grammar/cairn.pest")).unwrap();
    let examples: Vec<String> = blocks(&readme()).into_iter().map(|b| b.text).collect();
    let words: std::collections::HashSet<&str> = examples
        .iter()
        .flat_map(|t| t.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '-')))
        .collect();
    let mut keywords = 0;
    for line in grammar.lines().filter(|l| l.starts_with("kw_")) {
        let word = line.split('"').nth(1).unwrap();
        keywords += 1;
        assert!(words.contains(word), "no example uses `{word}`");
    }
    assert!(keywords >= 50, "only {keywords} keywords found");
}

#[test]
fn block_extraction_sees_kinds_and_lines() {
    let text = "intro\n```cairn,expr\na and b\n```\n```rust\nx\n```\n";
    let b = blocks(text);
    assert_eq!(b.len(), 1);
    assert_eq!(b[0].info, "cairn,expr");
    assert_eq!(b[0].text, "a and b\n");
    assert_eq!(b[0].line, 2);
}
