//! Hardening of the inputs (issue 10): the include policy, special files,
//! size and count limits, long lines, control characters and the BOM. Each
//! test is named after the finding it guards against; outside files carry a
//! secret marker that must never appear in any output.

use cairn::syntax::{parse_module, parse_with, FsLoader};
use std::path::Path;
use std::process::Command;

const SECRET: &str = "SECRET-MARKER-7f3a";

const HEADER: &str = "guideline g {\n  title \"G\"\n  version \"1.0.0\"\n  status draft\n}\n";

/// Runs `cairn` in `dir`; returns exit code and standard output + error.
fn cairn(dir: &Path, args: &[&str]) -> (i32, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_cairn"))
        .args(args)
        .current_dir(dir)
        .env("CAIRN_TEST_SECRET", SECRET)
        .output()
        .unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.code().unwrap_or(-1), text)
}

fn write(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

/// A guideline folder `g/` with `main.cairn` including `include`, and an
/// outside file `secret.txt` next to `g/` holding the marker.
fn tree(include: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    write(
        &dir.path().join("secret.txt"),
        &format!("root:{SECRET}:19000:0:99999:7:::\n"),
    );
    write(
        &dir.path().join("g/main.cairn"),
        &format!("{HEADER}include \"{include}\"\n"),
    );
    dir
}

/// `cairn check` of `g/main.cairn`, in both error formats: code and output.
fn check_both(dir: &Path) -> (i32, String) {
    let (code, human) = cairn(dir, &["check", "g/main.cairn"]);
    let (_, json) = cairn(dir, &["check", "g/main.cairn", "--error-format", "json"]);
    (code, format!("{human}\n{json}"))
}

#[test]
fn include_with_dotdot_outside_the_tree_is_refused_and_discloses_nothing() {
    let dir = tree("../secret.txt");
    let (code, out) = check_both(dir.path());
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("cairn::syntax::include_outside"), "{out}");
    assert!(!out.contains(SECRET), "{out}");
}

#[test]
fn include_of_an_absolute_path_is_refused_and_discloses_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let secret = dir.path().join("secret.txt");
    let dir = tree(&secret.display().to_string());
    write(&secret, &format!("root:{SECRET}\n"));
    let (code, out) = check_both(dir.path());
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("cairn::syntax::include_outside"), "{out}");
    assert!(!out.contains(SECRET), "{out}");
}

#[test]
fn include_of_proc_self_environ_discloses_nothing() {
    let dir = tree("/proc/self/environ");
    let (code, out) = check_both(dir.path());
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("cairn::syntax::include_outside"), "{out}");
    assert!(!out.contains(SECRET), "{out}");
    let dir = tree("/etc/shadow");
    let (_, out) = check_both(dir.path());
    assert!(out.contains("cairn::syntax::include_outside"), "{out}");
    assert!(!out.contains("root:"), "{out}");
}

#[cfg(unix)]
#[test]
fn include_through_a_symlink_pointing_out_is_refused() {
    let dir = tree("link.cairn");
    std::os::unix::fs::symlink(
        dir.path().join("secret.txt"),
        dir.path().join("g/link.cairn"),
    )
    .unwrap();
    let (code, out) = check_both(dir.path());
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("cairn::syntax::include_outside"), "{out}");
    assert!(!out.contains(SECRET), "{out}");
}

#[test]
fn include_path_admits_a_folder_outside_the_tree() {
    let dir = tree("../lib/vocab.cairn");
    write(
        &dir.path().join("lib/vocab.cairn"),
        "fact grade \"Grade\": integer 1 to 3\n",
    );
    let (code, out) = cairn(dir.path(), &["check", "g/main.cairn"]);
    assert_eq!(code, 1, "{out}");
    let (code, out) = cairn(
        dir.path(),
        &["check", "g/main.cairn", "--include-path", "lib"],
    );
    assert_eq!(code, 0, "{out}");
}

#[test]
fn included_file_that_is_not_cairn_is_shown_by_location_only() {
    let dir = tree("notes.txt");
    write(
        &dir.path().join("g/notes.txt"),
        &format!("password={SECRET}\nmore {SECRET}\n"),
    );
    let (code, out) = check_both(dir.path());
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("cairn::syntax::include_not_cairn"), "{out}");
    assert!(out.contains("line 1, column"), "{out}");
    assert!(!out.contains(SECRET), "{out}");
}

#[test]
fn included_cairn_file_with_a_syntax_error_still_shows_its_excerpt() {
    let dir = tree("vocab.cairn");
    write(
        &dir.path().join("g/vocab.cairn"),
        "fact grade \"Grade\": integer 1 to 3\nfact size \"Size\" bool\n",
    );
    let (code, out) = cairn(dir.path(), &["check", "g/main.cairn"]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("cairn::syntax::unexpected"), "{out}");
    assert!(out.contains("fact size \"Size\" bool"), "{out}");
}

#[cfg(unix)]
#[test]
fn include_of_a_fifo_is_refused_without_blocking() {
    let dir = tree("pipe.cairn");
    let status = Command::new("mkfifo")
        .arg(dir.path().join("g/pipe.cairn"))
        .status()
        .unwrap();
    assert!(status.success());
    let (code, out) = check_both(dir.path());
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("cairn::syntax::include_not_file"), "{out}");
}

#[cfg(unix)]
#[test]
fn include_of_dev_zero_is_refused_without_reading() {
    let dir = tree("/dev/zero");
    let (code, out) = cairn(
        dir.path(),
        &["check", "g/main.cairn", "--include-path", "/dev"],
    );
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("cairn::syntax::include_not_file"), "{out}");
}

#[test]
fn include_larger_than_the_limit_is_refused() {
    let dir = tree("big.cairn");
    let big = std::fs::File::create(dir.path().join("g/big.cairn")).unwrap();
    big.set_len(cairn::syntax::MAX_FILE_BYTES as u64 + 1)
        .unwrap();
    let (code, out) = check_both(dir.path());
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("cairn::syntax::file_too_large"), "{out}");
}

#[test]
fn include_of_invalid_utf8_is_a_diagnostic() {
    let dir = tree("latin1.cairn");
    std::fs::write(
        dir.path().join("g/latin1.cairn"),
        b"fact caf\xe9 \"x\": bool\n",
    )
    .unwrap();
    let (code, out) = check_both(dir.path());
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("cairn::syntax::not_utf8"), "{out}");
    assert!(out.contains("invalid UTF-8 at byte 8"), "{out}");
}

#[test]
fn include_cycles_spelt_differently_are_detected_by_canonical_path() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("sub")).unwrap();
    let main = dir.path().join("fan.cairn");
    let text = format!("{HEADER}include \"sub/../fan.cairn\"\ninclude \"sub/./../fan.cairn\"\n");
    write(&main, &text);
    let parsed = parse_with(&main.to_string_lossy(), &text, &FsLoader);
    let codes: Vec<String> = parsed
        .diagnostics
        .reports
        .iter()
        .map(|r| r.code())
        .collect();
    assert_eq!(
        codes,
        [
            "cairn::syntax::include_cycle",
            "cairn::syntax::include_cycle"
        ]
    );
    assert_eq!(parsed.sources.iter().count(), 1);
}

#[test]
fn guideline_key_of_a_case_outside_its_tree_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    write(
        &dir.path().join("outside.cairn"),
        &format!("{HEADER}fact x \"{SECRET}\" bogus\n"),
    );
    write(
        &dir.path().join("g/cases/c.json"),
        "{\"guideline\": \"../../outside.cairn\", \"facts\": {}, \"expect\": {}}\n",
    );
    let (code, out) = cairn(dir.path(), &["test", "g/cases"]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("cairn::syntax::include_outside"), "{out}");
    assert!(!out.contains(SECRET), "{out}");
}

#[cfg(unix)]
#[test]
fn cairn_test_on_a_fifo_named_json_does_not_hang() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("cases")).unwrap();
    let status = Command::new("mkfifo")
        .arg(dir.path().join("cases/pipe.json"))
        .status()
        .unwrap();
    assert!(status.success());
    let (code, out) = cairn(dir.path(), &["test", "cases"]);
    assert_eq!(code, 2, "{out}");
    assert!(out.contains("not a regular file"), "{out}");
}

#[test]
fn diagnostic_past_column_65535_does_not_panic() {
    let text = format!("{HEADER}fact a \"{}\": bool bogus\n", "x".repeat(70_000));
    let parsed = parse_with("long.cairn", &text, &FsLoader);
    let rendered = parsed.diagnostics.render(&parsed.sources, 100);
    assert!(rendered.contains("long.cairn:6:70017"), "{rendered}");
    assert!(rendered.len() < 2_000, "{}", rendered.len());
}

#[test]
fn long_case_line_renders_without_panic() {
    let text = format!(
        "{HEADER}fact grade \"G\": integer 1 to 3\nsuggest s {{ when grade = 1 statement \"s\" }}\n"
    );
    let checked = cairn::parse("g.cairn", &text).check().unwrap();
    let case = format!(
        "{{\"name\": \"{}\", \"facts\": {{\"grade\": \"x\"}}}}",
        "n".repeat(70_000)
    );
    let failed = cairn::load_case(&checked, "c.json", &case).unwrap_err();
    let rendered = failed.diagnostics.render(&failed.sources, 100);
    assert!(rendered.contains("c.json:1:"), "{rendered}");
}

#[test]
fn syntax_errors_past_the_cap_are_counted_not_dropped() {
    let text: String = (0..150)
        .map(|i| format!("fact f{i} \"x\" bool\n"))
        .collect();
    let parsed = parse_module(cairn::source::FileId(0), &text);
    let codes: Vec<String> = parsed
        .diagnostics
        .reports
        .iter()
        .map(|r| r.code())
        .collect();
    assert_eq!(codes.len(), cairn::syntax::MAX_SYNTAX_ERRORS + 1);
    assert_eq!(codes.last().unwrap(), "cairn::syntax::too_many_errors");
    let last = parsed.diagnostics.reports.last().unwrap().inner.to_string();
    assert_eq!(last, "50 more syntax errors in this file are not shown");
}

#[test]
fn declarations_past_the_limit_are_a_diagnostic() {
    let limit = cairn::syntax::MAX_DECLARATIONS;
    let text: String = (0..=limit)
        .map(|i| format!("fact f{i} \"x\": bool\n"))
        .collect();
    let parsed = parse_with("many.cairn", &text, &FsLoader);
    let codes: Vec<String> = parsed
        .diagnostics
        .reports
        .iter()
        .map(|r| r.code())
        .collect();
    assert_eq!(codes, ["cairn::syntax::too_many_declarations"]);
    assert_eq!(parsed.modules[0].1.decls.len(), limit);
}

#[test]
fn main_file_larger_than_the_limit_is_a_diagnostic() {
    let text = " ".repeat(cairn::syntax::MAX_FILE_BYTES + 1);
    let parsed = parse_with("big.cairn", &text, &FsLoader);
    let codes: Vec<String> = parsed
        .diagnostics
        .reports
        .iter()
        .map(|r| r.code())
        .collect();
    assert_eq!(codes, ["cairn::syntax::file_too_large"]);
}

#[test]
fn utf8_bom_at_the_start_is_accepted_with_spans_right() {
    let text = format!("\u{feff}{HEADER}fact grade \"G\": integer 1 to 3\n");
    let parsed = parse_with("bom.cairn", &text, &FsLoader);
    assert!(parsed.diagnostics.is_empty(), "{:?}", parsed.diagnostics);
    let decls = &parsed.modules[0].1.decls;
    assert_eq!(decls[0].span.start, 3);
    assert!(parsed
        .sources
        .slice(decls[1].span)
        .starts_with("fact grade"));
    let lc = parsed.sources.line_col(decls[0].span);
    assert_eq!((lc.line, lc.column), (1, 1));
}

#[test]
fn control_characters_are_a_diagnostic_and_never_echoed_raw() {
    let text = format!(
        "{HEADER}fact a \"x\": bool \u{1b}[2J\u{7}\n// \u{1b}]0;title\u{7}\nfact b bogus\n"
    );
    let parsed = parse_with("ctl.cairn", &text, &FsLoader);
    let codes: Vec<String> = parsed
        .diagnostics
        .reports
        .iter()
        .map(|r| r.code())
        .collect();
    assert!(
        codes.contains(&"cairn::syntax::control_character".to_string()),
        "{codes:?}"
    );
    let rendered = parsed.diagnostics.render(&parsed.sources, 100);
    assert!(rendered.contains("`\\u{1b}`"), "{rendered}");
    assert!(
        !rendered.contains('\u{1b}') && !rendered.contains('\u{7}'),
        "{rendered}"
    );
}
