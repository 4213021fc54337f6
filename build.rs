//! Build script: records the commit the binary is built from, for
//! `cairn --version` (`cairn 0.1.0 (abc1234)`), or `unknown` when the
//! source is not a git checkout or git is not installed.

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
}
