//! `cairn completions SHELL` and `cairn man`: generated from the command
//! line's own definition, so they name every subcommand and option.

use std::process::Command;

fn cairn(args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_cairn"))
        .args(args)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{args:?}");
    String::from_utf8(out.stdout).unwrap()
}

/// The subcommands `cairn --help` lists.
fn subcommands() -> Vec<String> {
    let help = cairn(&["--help"]);
    help.split("Commands:\n")
        .nth(1)
        .unwrap()
        .lines()
        .take_while(|l| l.starts_with("  "))
        .filter_map(|l| l.split_whitespace().next())
        .filter(|c| *c != "help")
        .map(str::to_string)
        .collect()
}

#[test]
fn completions_name_every_subcommand() {
    let commands = subcommands();
    assert!(commands.len() >= 15, "{commands:?}");
    for shell in ["bash", "zsh", "fish", "elvish", "powershell"] {
        let script = cairn(&["completions", shell]);
        for c in &commands {
            assert!(script.contains(c.as_str()), "{shell}: no `{c}`");
        }
    }
    let bash = cairn(&["completions", "bash"]);
    assert!(bash.contains("--error-format"), "global options too");
}

#[test]
fn the_man_page_lists_every_subcommand() {
    let page = cairn(&["man"]);
    assert!(page.contains(".TH cairn 1"), "{page}");
    for c in subcommands() {
        assert!(
            page.contains(&format!("cairn\\-{c}")) || page.contains(&c),
            "no `{c}`"
        );
    }
}
