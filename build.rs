//! Build script: records the commit the binary is built from, for
//! `cairn --version` (`cairn 0.1.0 (abc1234)`), or `unknown` when the
//! source is not a git checkout or git is not installed; and generates the
//! index of stable diagnostic codes (`cairn codes`) from the sources.

use std::path::{Path, PathBuf};
use std::process::Command;

/// `git ARGS` in the crate root, its trimmed output when it succeeds.
fn git(args: &[&str]) -> Option<String> {
    let out = Command::new("git").args(args).output().ok()?;
    if !out.status.success() {
        return None;
    }
    let text = String::from_utf8(out.stdout).ok()?;
    let text = text.trim();
    (!text.is_empty()).then(|| text.to_string())
}

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    // Rebuild when the checkout moves: HEAD itself (a switch of branch) and
    // the ref it names (a commit on the branch). `--git-path` finds both in
    // a linked worktree too, where `.git` is a file.
    for name in ["HEAD".to_string()]
        .into_iter()
        .chain(git(&["symbolic-ref", "-q", "HEAD"]))
    {
        if let Some(path) = git(&["rev-parse", "--git-path", &name]) {
            println!("cargo:rerun-if-changed={path}");
        }
    }
    let commit = git(&["rev-parse", "--short", "HEAD"]).unwrap_or_else(|| "unknown".to_string());
    println!("cargo:rustc-env=CAIRN_COMMIT={commit}");
    codes();
}

/// Writes `$OUT_DIR/codes.rs`, the index of every stable code: each
/// `#[diagnostic(code(cairn::…))]` of an error enum with its `#[error]`
/// message and the variant's doc comment; each `Kind::X => "cairn::…"`
/// arm with the doc of variant `X`; each `const X: &str = "cairn::…"` with
/// its doc. The first place a code is found wins.
fn codes() {
    println!("cargo:rerun-if-changed=src");
    let mut files = Vec::new();
    rust_files(Path::new("src"), &mut files);
    files.sort();
    let mut found: Vec<(String, String, String)> = Vec::new();
    for file in files {
        let Ok(text) = std::fs::read_to_string(&file) else {
            continue;
        };
        let lines: Vec<&str> = text.lines().collect();
        for (i, line) in lines.iter().enumerate() {
            let entry = if let Some(code) = between(line, "code(cairn::", &[')', ',']) {
                let error = (i.saturating_sub(8)..i)
                    .rev()
                    .find(|&j| lines[j].contains("#[error("));
                let message = error
                    .and_then(|j| {
                        literal(lines[j]).or_else(|| lines.get(j + 1).and_then(|l| literal(l)))
                    })
                    .unwrap_or_default();
                Some((code, message, doc_above(&lines, error.unwrap_or(i))))
            } else if let Some(code) = between(line, "=> \"cairn::", &['"']) {
                let variant = line.trim().split("=>").next().unwrap_or("").trim();
                let name = variant.rsplit("::").next().unwrap_or("");
                let decl = lines.iter().position(|l| {
                    let t = l.trim();
                    t == format!("{name},")
                        || t.starts_with(&format!("{name} {{"))
                        || t.starts_with(&format!("{name}("))
                });
                decl.map(|d| (code, String::new(), doc_above(&lines, d)))
            } else if line.contains(": &str = \"cairn::") && line.contains("const ") {
                between(line, "= \"cairn::", &['"'])
                    .map(|code| (code, String::new(), doc_above(&lines, i)))
            } else {
                None
            };
            if let Some((code, message, meaning)) = entry {
                let code = format!("cairn::{code}");
                if !found.iter().any(|(c, ..)| *c == code) {
                    found.push((code, message, meaning));
                }
            }
        }
    }
    found.sort();
    let mut out =
        String::from("/// Every stable code, sorted: (code, message template, meaning).\n");
    out.push_str("pub static CODES: &[(&str, &str, &str)] = &[\n");
    for (code, message, meaning) in &found {
        out.push_str(&format!("    ({code:?}, {message:?}, {meaning:?}),\n"));
    }
    out.push_str("];\n");
    let Some(dir) = std::env::var_os("OUT_DIR") else {
        return;
    };
    let _ = std::fs::write(PathBuf::from(dir).join("codes.rs"), out);
}

/// The `.rs` files under `dir`, tests left out.
fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs")
            && !path.to_string_lossy().ends_with("tests.rs")
        {
            out.push(path);
        }
    }
}

/// The text after `start` in `line`, up to the first of `ends`.
fn between(line: &str, start: &str, ends: &[char]) -> Option<String> {
    let at = line.find(start)? + start.len();
    let rest = &line[at..];
    let end = rest.find(|c| ends.contains(&c))?;
    Some(rest[..end].to_string())
}

/// The first string literal of `line`, unescaped enough to read.
fn literal(line: &str) -> Option<String> {
    let start = line.find('"')? + 1;
    let rest = &line[start..];
    let mut end = None;
    let mut escaped = false;
    for (k, c) in rest.char_indices() {
        match c {
            '\\' if !escaped => escaped = true,
            '"' if !escaped => {
                end = Some(k);
                break;
            }
            _ => escaped = false,
        }
    }
    Some(
        rest[..end?]
            .replace("\\\"", "\"")
            .replace("{{", "{")
            .replace("}}", "}"),
    )
}

/// The `///` comment right above line `at` (attributes in between are
/// skipped), joined into one line.
fn doc_above(lines: &[&str], at: usize) -> String {
    let mut j = at;
    while j > 0 && lines[j - 1].trim_start().starts_with("#[") {
        j -= 1;
    }
    let mut doc = Vec::new();
    while j > 0 {
        let Some(text) = lines[j - 1].trim_start().strip_prefix("///") else {
            break;
        };
        doc.push(text.trim());
        j -= 1;
    }
    doc.reverse();
    doc.join(" ")
}
