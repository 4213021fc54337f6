//! Machine output: with `--error-format json` (or a command's `--format
//! json`) every command that can fail writes its diagnostics, case errors
//! included, as JSON lines on standard error, in the one shape `check
//! --error-format json` uses.

use std::io::Write;
use std::process::{Command, Stdio};

const MINI: &str = "tests/corpus/case/mini/mini.cairn";
const BROKEN: &str = "tests/corpus/case/broken.cairn";
const METASTATIC: &str = "tests/corpus/case/mini/cases/metastatic.json";

/// Runs `cairn` in the crate root; the exit code and standard error.
fn cairn(args: &[&str], stdin: &str) -> (i32, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_cairn"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stderr).unwrap(),
    )
}

/// The codes of standard error's lines, each of which must be a JSON
/// diagnostic of check's shape.
fn codes(stderr: &str) -> Vec<String> {
    stderr
        .lines()
        .map(|line| {
            let d: serde_json::Value = serde_json::from_str(line)
                .unwrap_or_else(|e| panic!("not a JSON line ({e}): {line}\n{stderr}"));
            let keys: Vec<&str> = d.as_object().unwrap().keys().map(String::as_str).collect();
            assert_eq!(
                keys,
                ["code", "file", "help", "labels", "message", "severity"],
                "{line}"
            );
            assert_eq!(d["severity"], "error", "{line}");
            d["code"].as_str().unwrap().to_string()
        })
        .collect()
}

#[test]
fn every_command_that_can_fail_writes_json_diagnostics() {
    let bad_case = r#"{"facts": {"grade": 9}}"#;
    let runs: &[(&[&str], &str, i32, &str)] = &[
        (
            &["run", MINI, "--case", "-", "--format", "json"],
            bad_case,
            1,
            "cairn::case::integer_range",
        ),
        (
            &["run", MINI, "--case", "-", "--error-format", "json"],
            bad_case,
            1,
            "cairn::case::integer_range",
        ),
        (
            &["run", BROKEN, "--case", "-", "--error-format", "json"],
            "{}",
            1,
            "cairn::check::unknown_name",
        ),
        (
            &[
                "test",
                "tests/corpus/case/failing",
                "--error-format",
                "json",
            ],
            "",
            1,
            "cairn::case::unknown_fact",
        ),
        (
            &["test", "no/such/folder", "--format", "json"],
            "",
            2,
            "cairn::cli::error",
        ),
        (
            &["batch", MINI, "-", "--error-format", "json"],
            "{\"facts\": {\"grade\": 9}}\n",
            1,
            "cairn::case::integer_range",
        ),
        (
            &["analyze", BROKEN, "--format", "json"],
            "",
            1,
            "cairn::check::unknown_name",
        ),
        (
            &["diff", BROKEN, MINI, "--format", "json"],
            "",
            1,
            "cairn::check::unknown_name",
        ),
        (
            &[
                "fmt",
                "--check",
                "tests/corpus/format/long.cairn",
                "--error-format",
                "json",
            ],
            "",
            1,
            "cairn::fmt::unformatted",
        ),
        (
            &[
                "explain",
                MINI,
                "--case",
                METASTATIC,
                "no_such_rec",
                "--error-format",
                "json",
            ],
            "",
            1,
            "cairn::eval::unknown_recommendation",
        ),
        (
            &["schema", "no/such.cairn", "--error-format", "json"],
            "",
            2,
            "cairn::cli::error",
        ),
        (
            &["check", "no/such.cairn", "--error-format", "json"],
            "",
            2,
            "cairn::cli::error",
        ),
    ];
    for (args, stdin, exit, code) in runs {
        let (got, stderr) = cairn(args, stdin);
        assert_eq!(got, *exit, "{args:?}: {stderr}");
        let found = codes(&stderr);
        assert!(
            found.iter().any(|c| c == code),
            "{args:?}: no `{code}` in {found:?}"
        );
    }
}

#[test]
fn without_json_the_diagnostics_stay_rendered() {
    let (code, stderr) = cairn(&["run", MINI, "--case", "-"], r#"{"facts": {"grade": 9}}"#);
    assert_eq!(code, 1);
    assert!(
        stderr.contains("× `grade` must be between 1 and 3"),
        "{stderr}"
    );
    assert!(serde_json::from_str::<serde_json::Value>(stderr.lines().next().unwrap()).is_err());
}
