//! Diagnostics that name the real problem: a syntax error does not cascade
//! into false warnings (in `cairn check` and through the language server),
//! and each error of tests/corpus/cascade says what is really wrong.

use super::lsp::{Client, URI};
use cairn::check::{check, Checked, Failed};
use cairn::syntax::{parse_with, FsLoader};
use std::process::Command;

const SARCOMA: &str = include_str!("../../guidelines/rps/initial-management.cairn");

/// The sarcoma guideline with a stray `and` on a line of its own, between
/// two declarations of a section in the middle of the file.
fn stray_and() -> String {
    let anchor = "      define rt_select_histology";
    let at = SARCOMA.find(anchor).expect("the anchor declaration");
    format!("{}  and\n{}", &SARCOMA[..at], &SARCOMA[at..])
}

/// The codes `cairn::check::check` reports for `text`, with the rendering.
fn checked(name: &str, text: &str) -> (Vec<String>, String) {
    let result: Result<Checked, Failed> = check(parse_with(name, text, &FsLoader));
    let (d, s) = match &result {
        Ok(c) => (&c.warnings, &c.sources),
        Err(f) => (&f.diagnostics, &f.sources),
    };
    (
        d.reports.iter().map(|r| r.code()).collect(),
        d.render(s, 100),
    )
}

#[test]
fn a_stray_and_gives_one_syntax_error_and_no_warning_in_check() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("initial-management.cairn");
    std::fs::write(&path, stray_and()).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_cairn"))
        .args(["check", "--error-format", "json"])
        .arg(&path)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout)
        .or_else(|_| serde_json::from_slice(&out.stderr))
        .unwrap();
    let all = json.as_array().unwrap();
    assert_eq!(all.len(), 1, "one diagnostic: {json:#}");
    assert_eq!(all[0]["severity"], "error");
    assert_eq!(all[0]["code"], "cairn::syntax::unexpected");
    let help = all[0]["help"].as_str().unwrap();
    assert!(!help.contains("reserved word"), "{help}");
    assert!(help.contains("stray `and`"), "{help}");
}

#[test]
fn a_stray_and_gives_one_syntax_error_and_no_warning_in_the_language_server() {
    let mut client = Client::memory();
    let published = client.open(&stray_and());
    let diagnostics = published["diagnostics"].as_array().unwrap();
    assert_eq!(diagnostics.len(), 1, "one diagnostic: {published:#}");
    assert_eq!(diagnostics[0]["code"], "cairn::syntax::unexpected");
    assert_eq!(diagnostics[0]["severity"], 1, "an error");

    // Typed into a clean document (the incremental path), the same.
    client.notify(
        "textDocument/didChange",
        serde_json::json!({
            "textDocument": { "uri": URI, "version": 2 },
            "contentChanges": [{ "text": SARCOMA }],
        }),
    );
    let clean = client.diagnostics(URI);
    assert_eq!(
        clean["diagnostics"].as_array().unwrap().len(),
        0,
        "{clean:#}"
    );
    let line = stray_and()[..SARCOMA.find("      define rt_select_histology").unwrap()]
        .matches('\n')
        .count();
    client.notify(
        "textDocument/didChange",
        serde_json::json!({
            "textDocument": { "uri": URI, "version": 3 },
            "contentChanges": [{
                "range": { "start": { "line": line, "character": 0 }, "end": { "line": line, "character": 0 } },
                "text": "  and\n",
            }],
        }),
    );
    let typed = client.diagnostics(URI);
    let diagnostics = typed["diagnostics"].as_array().unwrap();
    assert_eq!(diagnostics.len(), 1, "one diagnostic: {typed:#}");
    assert_eq!(diagnostics[0]["code"], "cairn::syntax::unexpected");
    client.shutdown();
}

/// Each file of tests/corpus/cascade: the codes reported, and what the
/// rendering must not say (the false advice or follow-on error it once gave).
const CORPUS: &[(&str, &[&str], &[&str])] = &[
    (
        "broken_define",
        // The real `never used` stays: only the names the broken define reads are exempt.
        &["cairn::check::unused", "cairn::syntax::unexpected"],
        &["placeholder", "`x` is never used", "`r`"],
    ),
    (
        "broken_header",
        &["cairn::syntax::unexpected"],
        &["no header"],
    ),
    (
        "dangling_and",
        &["cairn::syntax::unexpected", "cairn::syntax::unexpected"],
        &[
            "reserved word",
            "n_and",
            "never used",
            "a recommendation holds",
        ],
    ),
    (
        "numeric_name",
        &["cairn::syntax::unexpected"],
        &["did you mean"],
    ),
    (
        "too_deep",
        &["cairn::syntax::too_deep"],
        &["no header", "never used"],
    ),
    (
        "type_without_fact",
        &["cairn::syntax::type_without_fact"],
        &["expected a declaration"],
    ),
];

#[test]
fn each_error_names_the_real_problem() {
    let mut files: Vec<String> = std::fs::read_dir("tests/corpus/cascade")
        .unwrap()
        .map(|e| {
            e.unwrap()
                .path()
                .file_stem()
                .unwrap()
                .to_string_lossy()
                .to_string()
        })
        .collect();
    files.sort();
    let listed: Vec<&str> = CORPUS.iter().map(|(name, ..)| *name).collect();
    assert_eq!(files, listed, "every corpus file is listed here");
    for (name, codes, never) in CORPUS {
        let display = format!("corpus/cascade/{name}.cairn");
        let text = std::fs::read_to_string(format!("tests/corpus/cascade/{name}.cairn")).unwrap();
        let (found, out) = checked(&display, &text);
        assert_eq!(&found, codes, "{name}:\n{out}");
        for phrase in *never {
            assert!(!out.contains(phrase), "{name} says `{phrase}`:\n{out}");
        }
        insta::assert_snapshot!(format!("cascade_{name}"), out);
    }
}

#[test]
fn a_number_too_large_for_a_quantity_is_out_of_range_not_a_unit() {
    let out = Command::new(env!("CARGO_BIN_EXE_cairn"))
        .args(["run", "tests/corpus/case/mini/mini.cairn", "--case", "-"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .and_then(|mut child| {
            use std::io::Write;
            child
                .stdin
                .take()
                .unwrap()
                .write_all(br#"{"facts": {"planned_rt_total_dose": "1e400 Gy"}}"#)?;
            child.wait_with_output()
        })
        .unwrap();
    let err = String::from_utf8(out.stderr).unwrap();
    assert_ne!(out.status.code(), Some(0));
    assert!(err.contains("cairn::case::value_out_of_range"), "{err}");
    assert!(!err.contains("unknown unit"), "{err}");
    // An exponent with its digits is part of the number; `5e1 Gy` is 50 Gy.
    let ok = Command::new(env!("CARGO_BIN_EXE_cairn"))
        .args([
            "run",
            "tests/corpus/case/mini/mini.cairn",
            "--case",
            "-",
            "--format",
            "json",
        ])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .and_then(|mut child| {
            use std::io::Write;
            child.stdin.take().unwrap().write_all(
                br#"{"facts": {"planned_rt_total_dose": "5e1 Gy", "planned_rt_fractions": 25}}"#,
            )?;
            child.wait_with_output()
        })
        .unwrap();
    assert_eq!(
        ok.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );
    let out = String::from_utf8(ok.stdout).unwrap();
    let json: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(json["derived"]["dose_per_fraction"]["value"], 2, "{out}");
}
