//! `cairn check` on folders, as `test` and `fmt` take them: every `.cairn`
//! file with a `guideline` header under the folder is checked; a file
//! without one (a shared vocabulary) only through what includes it.

use std::process::Command;

fn check(args: &[&str]) -> (Option<i32>, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_cairn"))
        .arg("check")
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    (out.status.code(), String::from_utf8(out.stderr).unwrap())
}

#[test]
fn check_takes_a_folder_of_guidelines() {
    let (code, err) = check(&["guidelines"]);
    assert_eq!(code, Some(0), "{err}");
    for g in [
        "cervical/screening",
        "rps/initial-management",
        "vte/diagnosis-treatment",
    ] {
        assert!(err.contains(&format!("guidelines/{g}.cairn: ok")), "{err}");
    }
}

#[test]
fn a_broken_guideline_in_a_folder_fails_and_a_vocabulary_is_checked_through_its_includer() {
    let dir = tempfile::tempdir().unwrap();
    let header = "guideline g { title \"T\" version \"1\" status draft }\n";
    std::fs::write(
        dir.path().join("main.cairn"),
        format!("{header}include \"vocab.cairn\"\nrecommend r {{ when x statement \"S\" }}\n"),
    )
    .unwrap();
    std::fs::write(dir.path().join("vocab.cairn"), "fact x \"X\": bool\n").unwrap();
    std::fs::create_dir(dir.path().join("sub")).unwrap();
    std::fs::write(
        dir.path().join("sub/broken.cairn"),
        format!("{header}recommend r {{ when y statement \"S\" }}\n"),
    )
    .unwrap();
    let path = dir.path().to_str().unwrap();
    let (code, err) = check(&[path]);
    assert_eq!(code, Some(1), "{err}");
    assert!(err.contains("main.cairn: ok"), "{err}");
    assert!(err.contains("broken.cairn: failed"), "{err}");
    assert!(
        !err.contains("vocab.cairn:"),
        "checked through main.cairn only: {err}"
    );
    assert!(!err.contains("no header"), "{err}");
}
