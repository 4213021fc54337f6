//! `--color auto|always|never` and `NO_COLOR`: colour in rendered
//! diagnostics only when asked for or on a terminal, and never a raw
//! control character from the source, coloured or not.

use std::process::Command;

/// A guideline with one error (no `status`) and one warning (`a` unused).
const BAD: &str = "guideline g {\n  title \"T\"\n  version \"1\"\n}\nfact a \"A\": bool\nrecommend r { when b statement \"S\" }\n";

/// Runs `cairn check` on `text` written to a temporary file, with `args`
/// before the file and `env` set; returns the exit code and standard error.
fn check(text: &str, args: &[&str], env: &[(&str, &str)]) -> (i32, String) {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("g.cairn");
    std::fs::write(&file, text).unwrap();
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_cairn"));
    cmd.arg("check")
        .args(args)
        .arg(&file)
        .env_remove("NO_COLOR");
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().unwrap();
    // The temporary folder's name differs between runs.
    let stderr = String::from_utf8(out.stderr).unwrap();
    let stderr = stderr.replace(&dir.path().display().to_string(), "DIR");
    (out.status.code().unwrap_or(-1), stderr)
}

#[test]
fn always_colours_and_never_or_a_pipe_does_not() {
    let (code, always) = check(BAD, &["--color", "always"], &[]);
    assert_eq!(code, 1);
    assert!(
        always.contains("\u{1b}["),
        "no colour with --color always:\n{always}"
    );
    // The same diagnostics, only coloured.
    let (_, never) = check(BAD, &["--color", "never"], &[]);
    assert!(!never.contains('\u{1b}'), "{never}");
    assert!(never.contains("the header has no `status`"), "{never}");
    assert!(always.contains("the header has no `status`"));
    // `auto` (the default) on a pipe: no colour.
    let (_, auto) = check(BAD, &[], &[]);
    assert_eq!(auto, never);
}

#[test]
fn no_color_turns_auto_off_but_not_always() {
    let (_, auto) = check(BAD, &[], &[("NO_COLOR", "1")]);
    assert!(!auto.contains('\u{1b}'), "{auto}");
    // An explicit choice wins over the environment.
    let (_, always) = check(BAD, &["--color", "always"], &[("NO_COLOR", "1")]);
    assert!(always.contains("\u{1b}["), "{always}");
}

#[test]
fn a_control_character_in_the_source_is_escaped_even_in_colour() {
    // The title holds a raw escape sequence that would turn a terminal red.
    let hostile = BAD.replace("\"T\"", "\"T\u{1b}[31m\"");
    let (code, out) = check(&hostile, &["--color", "always"], &[]);
    assert_eq!(code, 1);
    assert!(
        !out.contains("\u{1b}[31m\""),
        "raw escape from the source:\n{out}"
    );
    assert!(
        out.contains("\\u{1b}[31m"),
        "the escape is shown escaped:\n{out}"
    );
    // The other diagnostic, whose excerpt is clean, is still coloured.
    assert!(out.contains("\u{1b}["), "{out}");
}
