//! The index of stable diagnostic codes (`cairn codes`): generated from the
//! code enums, it holds every code the sources report and no other, and the
//! README's table is that index.

use std::collections::BTreeSet;
use std::path::Path;
use std::process::Command;

/// Every `cairn::stage::name` the library and binary sources name, in a
/// `#[diagnostic(code(...))]` or as a string, tests left out.
fn codes_in_sources() -> BTreeSet<String> {
    fn walk(dir: &Path, out: &mut BTreeSet<String>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(&path, out);
                continue;
            }
            let name = path.to_string_lossy();
            if !name.ends_with(".rs") || name.ends_with("tests.rs") {
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            for (start, _) in text.match_indices("cairn::") {
                let rest = &text[start..];
                let code: String = rest
                    .chars()
                    .take_while(|c| {
                        c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '_' || *c == ':'
                    })
                    .collect();
                let quoted = text[..start].ends_with('"') || text[..start].ends_with("code(");
                if quoted && code.matches("::").count() == 2 {
                    out.insert(code);
                }
            }
        }
    }
    let mut out = BTreeSet::new();
    walk(Path::new("src"), &mut out);
    out
}

#[test]
fn the_index_holds_every_code_of_the_sources_and_no_other() {
    let index: BTreeSet<String> = cairn::codes::all().map(|c| c.code.to_string()).collect();
    let sources = codes_in_sources();
    assert!(sources.len() > 100, "the scan found the codes: {sources:?}");
    let missing: Vec<_> = sources.difference(&index).collect();
    assert!(missing.is_empty(), "codes not in the index: {missing:?}");
    let stale: Vec<_> = index.difference(&sources).collect();
    assert!(
        stale.is_empty(),
        "codes in the index that nothing reports: {stale:?}"
    );
    for c in cairn::codes::all() {
        assert!(
            !c.meaning.is_empty() || !c.message.is_empty(),
            "`{}` says nothing of what it means",
            c.code
        );
    }
}

#[test]
fn the_readme_lists_the_index() {
    let readme = std::fs::read_to_string("README.md").unwrap();
    let table = readme
        .split("<!-- codes:start -->\n")
        .nth(1)
        .and_then(|rest| rest.split("<!-- codes:end -->").next())
        .expect("README has the codes section");
    assert_eq!(
        table,
        cairn::codes::markdown(),
        "regenerate the README's table from `cairn::codes::markdown()`"
    );
}

#[test]
fn cairn_codes_explains_one_code_and_suggests_a_misspelt_one() {
    let run = |args: &[&str]| {
        let out = Command::new(env!("CARGO_BIN_EXE_cairn"))
            .args(args)
            .output()
            .unwrap();
        (
            out.status.code(),
            String::from_utf8(out.stdout).unwrap(),
            String::from_utf8(out.stderr).unwrap(),
        )
    };
    let (code, out, _) = run(&["codes", "check::unused"]);
    assert_eq!(code, Some(0));
    assert!(
        out.starts_with("cairn::check::unused\n  A fact or definition that nothing reads."),
        "{out}"
    );
    let (code, _, err) = run(&["codes", "cairn::check::unsued"]);
    assert_eq!(code, Some(1));
    assert!(err.contains("did you mean `check::unused`?"), "{err}");
    let (code, out, _) = run(&["codes", "--format", "json"]);
    assert_eq!(code, Some(0));
    let all: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(all.as_array().unwrap().len(), cairn::codes::all().count());
}
