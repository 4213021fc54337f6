//! Issue 10, outputs: safe rewrites in `cairn fmt`, exit codes when
//! standard output cannot be written, and `cairn batch` on hostile cohorts.

use cairn::format::{read_for_rewrite, rewrite, WriteError};
use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

const MINI: &str = "tests/corpus/case/mini/mini.cairn";
const UNFORMATTED: &str = "fact  a \"A\":bool\n";
const FORMATTED: &str = "fact a \"A\": bool\n";

fn cairn() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_cairn"));
    command
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .stdin(Stdio::null());
    command
}

/// Runs `cairn args` with captured output.
fn run(args: &[&str]) -> Output {
    cairn().args(args).output().unwrap()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).to_string()
}

/// A fresh folder holding `g.cairn` with unformatted text.
fn folder() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("g.cairn");
    std::fs::write(&path, UNFORMATTED).unwrap();
    (dir, path)
}

fn names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .collect();
    names.sort();
    names
}

// ------------------------------------------------------------ safe writes

#[test]
fn fmt_temporary_file_name_is_unpredictable_so_a_planted_link_is_not_followed() {
    let (dir, path) = folder();
    let victim = dir.path().join("victim.txt");
    std::fs::write(&victim, "precious\n").unwrap();
    // The name the old code used, with this process's id (the call below
    // runs in this process).
    let planted = dir
        .path()
        .join(format!(".g.cairn.{}.fmt-tmp", std::process::id()));
    std::os::unix::fs::symlink(&victim, &planted).unwrap();
    let read = read_for_rewrite(&path).unwrap();
    rewrite(&read, FORMATTED).unwrap();
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "precious\n");
    assert_eq!(std::fs::read_to_string(&path).unwrap(), FORMATTED);
    assert!(std::fs::symlink_metadata(&planted).unwrap().is_symlink());
}

#[test]
fn fmt_refuses_a_read_only_file() {
    let (dir, path) = folder();
    std::fs::set_permissions(&path, std::os::unix::fs::PermissionsExt::from_mode(0o444)).unwrap();
    let out = run(&["fmt", path.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("is read-only, not overwritten"),
        "{}",
        stderr(&out)
    );
    assert_eq!(std::fs::read_to_string(&path).unwrap(), UNFORMATTED);
    assert_eq!(names(dir.path()), ["g.cairn"], "no temporary file is left");
}

#[test]
fn fmt_writes_the_target_of_a_symlink_and_keeps_the_link() {
    let (dir, path) = folder();
    let link = dir.path().join("link.cairn");
    std::os::unix::fs::symlink("g.cairn", &link).unwrap();
    let out = run(&["fmt", link.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(std::fs::symlink_metadata(&link).unwrap().is_symlink());
    assert_eq!(std::fs::read_to_string(&path).unwrap(), FORMATTED);
    assert_eq!(names(dir.path()), ["g.cairn", "link.cairn"]);
}

#[test]
fn fmt_keeps_a_hard_link_and_the_permissions() {
    use std::os::unix::fs::{MetadataExt, PermissionsExt};
    let (dir, path) = folder();
    std::fs::set_permissions(&path, PermissionsExt::from_mode(0o640)).unwrap();
    let other = dir.path().join("other.cairn");
    std::fs::hard_link(&path, &other).unwrap();
    let out = run(&["fmt", path.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(std::fs::read_to_string(&other).unwrap(), FORMATTED);
    let (a, b) = (path.metadata().unwrap(), other.metadata().unwrap());
    assert_eq!(a.ino(), b.ino(), "the link is not split");
    assert_eq!(a.mode() & 0o777, 0o640);
    assert_eq!(names(dir.path()), ["g.cairn", "other.cairn"]);

    // A single-link file is renamed over, and keeps its mode too.
    std::fs::remove_file(&other).unwrap();
    std::fs::write(&path, UNFORMATTED).unwrap();
    assert_eq!(run(&["fmt", path.to_str().unwrap()]).status.code(), Some(0));
    assert_eq!(path.metadata().unwrap().mode() & 0o777, 0o640);
    assert_eq!(std::fs::read_to_string(&path).unwrap(), FORMATTED);
}

#[test]
fn fmt_does_not_overwrite_an_edit_saved_between_read_and_write() {
    let (_dir, path) = folder();
    let read = read_for_rewrite(&path).unwrap();
    std::fs::write(&path, "fact  b \"B\":bool\n").unwrap();
    let err = rewrite(&read, FORMATTED).unwrap_err();
    assert!(matches!(err, WriteError::Changed { .. }), "{err}");
    assert!(
        err.to_string().contains("changed since it was read"),
        "{err}"
    );
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        "fact  b \"B\":bool\n"
    );

    // The same length, saved at once: the content comparison sees it even
    // when the clock does not.
    let read = read_for_rewrite(&path).unwrap();
    let meta = path.metadata().unwrap();
    std::fs::write(&path, "fact  c \"C\":bool\n").unwrap();
    File::options()
        .write(true)
        .open(&path)
        .unwrap()
        .set_modified(meta.modified().unwrap())
        .unwrap();
    assert!(matches!(
        rewrite(&read, FORMATTED),
        Err(WriteError::Changed { .. })
    ));
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        "fact  c \"C\":bool\n"
    );
}

#[test]
fn fmt_does_not_recreate_a_deleted_file() {
    let (dir, path) = folder();
    let read = read_for_rewrite(&path).unwrap();
    std::fs::remove_file(&path).unwrap();
    let err = rewrite(&read, FORMATTED).unwrap_err();
    assert!(matches!(err, WriteError::Deleted { .. }), "{err}");
    assert!(!path.exists());
    assert!(names(dir.path()).is_empty(), "no temporary file is left");
}

#[test]
fn fmt_refuses_a_fifo_without_blocking() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("pipe.cairn");
    assert!(Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap()
        .success());
    let out = run(&["fmt", fifo.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("is not a regular file"),
        "{}",
        stderr(&out)
    );
}

// ------------------------------------------------------------ exit codes

/// Every command that prints on standard output, with an input that makes
/// it print something.
fn printing_commands(unformatted: &str) -> Vec<Vec<String>> {
    let case = "tests/corpus/case/ddlps.json";
    let cohort = "tests/corpus/case/cohort.jsonl";
    let cases = "tests/corpus/case/mini/cases";
    let lines: &[&[&str]] = &[
        &["run", MINI, "--case", case],
        &["run", MINI, "--case", case, "--format", "json"],
        &["run", MINI, "--case", case, "--trace"],
        &["explain", MINI, "--case", case, "systemic_therapy"],
        &["test", cases],
        &["test", cases, "--format", "json"],
        &["analyze", MINI],
        &["analyze", MINI, "--format", "json"],
        &["diff", MINI, "tests/corpus/case/warn.cairn"],
        &["diff", MINI, MINI, "--format", "json"],
        &["batch", MINI, cohort],
        &["batch", MINI, cohort, "--format", "csv"],
        &["check", MINI, "--error-format", "json"],
        &["fmt", "--check", unformatted],
        &["--help"],
    ];
    lines
        .iter()
        .map(|l| l.iter().map(|s| s.to_string()).collect())
        .collect()
}

#[test]
fn every_command_exits_non_zero_when_standard_output_is_full() {
    let (_dir, path) = folder();
    for args in printing_commands(path.to_str().unwrap()) {
        let full = File::options().write(true).open("/dev/full").unwrap();
        let out = cairn().args(&args).stdout(full).output().unwrap();
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert!(
            err.contains("cannot write to standard output") || args == ["--help"],
            "{args:?}: {err}"
        );
        assert!(!err.contains("panicked"), "{args:?}: {err}");
    }
    // Commands that print nothing on standard output do not fail for it.
    for args in [vec!["check", MINI], vec!["fmt", MINI]] {
        let full = File::options().write(true).open("/dev/full").unwrap();
        let out = cairn().args(&args).stdout(full).output().unwrap();
        assert_eq!(out.status.code(), Some(0), "{args:?}: {}", stderr(&out));
    }
}

#[test]
fn every_command_exits_non_zero_and_quietly_on_a_closed_pipe() {
    let (_dir, path) = folder();
    for args in printing_commands(path.to_str().unwrap()) {
        // The reading end is closed before the command starts: every write
        // fails with a broken pipe.
        let (reader, writer) = std::io::pipe().unwrap();
        drop(reader);
        let out = cairn().args(&args).stdout(writer).output().unwrap();
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert!(!err.contains("cannot write"), "{args:?}: {err}");
        assert!(!err.contains("panicked"), "{args:?}: {err}");
    }
}

#[test]
fn batch_on_a_closed_pipe_says_it_stopped_instead_of_an_empty_summary() {
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    let out = cairn()
        .args(["batch", MINI, "tests/corpus/case/cohort.jsonl"])
        .stdout(writer)
        .output()
        .unwrap();
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains("batch stopped: the output was closed or could not be written after 0 rows"),
        "{err}"
    );
}

// ------------------------------------------------------------ batch

/// Runs `cairn batch MINI FILE` on a cohort written to a file.
fn batch(cohort: &[u8], format: &str) -> (Output, Vec<String>) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cohort.jsonl");
    std::fs::write(&path, cohort).unwrap();
    let out = run(&["batch", MINI, path.to_str().unwrap(), "--format", format]);
    let rows = String::from_utf8(out.stdout.clone())
        .unwrap()
        .lines()
        .map(str::to_string)
        .collect();
    (out, rows)
}

const GOOD: &str = r#"{"facts": {"distant_metastases": true}}"#;

#[test]
fn batch_a_latin1_byte_is_an_error_row_and_every_other_row_runs() {
    let mut cohort = format!("{GOOD}\n").into_bytes();
    cohort.extend_from_slice(b"{\"name\": \"Jos\xe9\", \"facts\": {}}\n");
    cohort.extend_from_slice(format!("{GOOD}\n").as_bytes());
    let (out, rows) = batch(&cohort, "jsonl");
    assert_eq!(out.status.code(), Some(1), "a bad line is exit 1");
    assert_eq!(rows.len(), 3, "{rows:?}");
    let bad: serde_json::Value = serde_json::from_str(&rows[1]).unwrap();
    assert_eq!(bad["line"], 2);
    assert_eq!(bad["errors"][0]["code"], "cairn::batch::not_utf8");
    assert_eq!(bad["errors"][0]["column"], 14);
    let last: serde_json::Value = serde_json::from_str(&rows[2]).unwrap();
    assert_eq!(last["line"], 3);
    assert_eq!(last["recommendations"]["systemic_therapy"], "applies");
    assert!(stderr(&out).contains("cohort.jsonl:2:14: error[cairn::batch::not_utf8]"));
    assert!(stderr(&out).contains("2 cases evaluated, 1 bad line"));
}

#[test]
fn batch_a_line_over_the_limit_is_an_error_row_not_an_allocation() {
    let mut cohort = format!("{GOOD}\n{{\"name\": \"").into_bytes();
    cohort.resize(cohort.len() + 16 * 1024 * 1024 + 10, b'a');
    cohort.extend_from_slice(format!("\"}}\n{GOOD}").as_bytes());
    let (out, rows) = batch(&cohort, "csv");
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert_eq!(
        rows,
        [
            "line,name,preoperative_rt,standard_fractionation,systemic_therapy",
            "1,,not_applicable,not_applicable,applies",
            "2,,error,error,error",
            "3,,not_applicable,not_applicable,applies",
        ]
    );
    assert!(stderr(&out).contains("line is longer than the limit of 16777216 bytes"));
}

#[test]
fn batch_an_error_past_column_65535_costs_one_row_not_the_run() {
    let pad = "a".repeat(70_000);
    let long = format!(r#"{{"description": "{pad}", "facts": {{"grade": 9}}}}"#);
    let cohort = format!("{GOOD}\n{long}\n{GOOD}\n");
    let (out, rows) = batch(cohort.as_bytes(), "jsonl");
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(!err.contains("panicked"), "{err}");
    assert_eq!(rows.len(), 3, "{err}");
    let bad: serde_json::Value = serde_json::from_str(&rows[1]).unwrap();
    assert_eq!(bad["errors"][0]["code"], "cairn::case::integer_range");
    assert!(bad["errors"][0]["column"].as_u64().unwrap() > 70_000);
    assert!(rows[2].contains("\"line\":3"), "{}", rows[2]);
}

#[test]
fn batch_csv_cells_that_look_like_formulas_are_prefixed() {
    let names = [
        "=HYPERLINK(\"http://x\",\"y\")",
        "+1",
        "-1",
        "@SUM(A1)",
        "\tx",
        "\rx",
        "ok",
    ];
    let cohort: String = names
        .iter()
        .map(|n| format!("{}\n", serde_json::json!({"name": n, "facts": {}})))
        .collect();
    let (out, rows) = batch(cohort.as_bytes(), "csv");
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = rows.join("\n");
    for cell in [
        "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\"",
        ",'+1,",
        ",'-1,",
        ",'@SUM(A1),",
        ",'\tx,",
        ",\"'\rx\",",
        ",ok,",
    ] {
        assert!(text.contains(cell), "{cell:?} in {text:?}");
    }
}

#[test]
fn batch_a_cohort_that_cannot_be_read_is_exit_two() {
    let dir = tempfile::tempdir().unwrap();
    let out = run(&["batch", MINI, dir.path().to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("cannot read"), "{}", stderr(&out));
}

#[test]
fn batch_errors_do_not_echo_terminal_escapes() {
    let cohort = "{\"facts\": {\"\\u001b]0;owned\\u0007\": 1}}\n";
    let (out, rows) = batch(cohort.as_bytes(), "jsonl");
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert_eq!(rows.len(), 1);
    assert!(err.contains("cohort.jsonl:1:"), "{err}");
    assert!(!err.contains('\u{1b}') && !err.contains('\u{7}'), "{err:?}");
    assert!(err.contains("\\u{1b}"), "{err}");
}
