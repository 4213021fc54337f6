//! Editor consistency tests: every keyword of `grammar/cairn.pest` (its
//! `kw_*` rules) is highlighted by each editor grammar and known to the
//! language server's completion, so the grammars cannot drift apart silently.
//!
//! Each editor is checked twice: its grammar file names the keyword as a
//! keyword, and its engine test file (run by `editors/test.sh` with the real
//! engine) asserts the keyword's highlighting at a position.

use std::collections::BTreeSet;
use std::path::Path;

fn read(path: &str) -> String {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(root.join(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// The words of the `kw_*` rules.
fn keywords() -> BTreeSet<String> {
    let grammar = read("grammar/cairn.pest");
    let words: BTreeSet<String> = grammar
        .lines()
        .filter(|l| l.trim_start().starts_with("kw_"))
        .filter_map(|l| l.split('"').nth(1).map(str::to_string))
        .collect();
    assert!(words.len() > 50, "found the kw_ rules: {words:?}");
    words
}

fn missing(words: &BTreeSet<String>, have: &BTreeSet<String>) -> Vec<String> {
    words.difference(have).cloned().collect()
}

/// Words named as whole alternatives in a regex: `(?:a|b)`, `(a)`, `\<a\>`.
fn regex_words(regex: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let mut word = String::new();
    let mut prev = ' ';
    let mut start = ' ';
    for c in regex.chars().chain(std::iter::once(' ')) {
        if c.is_ascii_alphanumeric() || c == '_' || c == '-' {
            if word.is_empty() {
                start = prev;
            }
            word.push(c);
        } else {
            if !word.is_empty()
                && matches!(start, '(' | '|' | ':' | '<')
                && matches!(c, ')' | '|' | '\\')
            {
                out.insert(word.clone());
            }
            word.clear();
        }
        prev = c;
    }
    out
}

/// Keywords of the TextMate grammar: words in patterns whose scope is a
/// keyword, storage, type or language-constant scope.
fn textmate_words() -> BTreeSet<String> {
    let grammar: serde_json::Value =
        serde_json::from_str(&read("editors/vscode/syntaxes/cairn.tmLanguage.json")).unwrap();
    let mut out = BTreeSet::new();
    let keyword_scope = |s: &str| {
        [
            "keyword.",
            "storage.",
            "support.type.",
            "constant.language.",
        ]
        .iter()
        .any(|p| s.starts_with(p))
    };
    let mut stack = vec![&grammar];
    while let Some(v) = stack.pop() {
        match v {
            serde_json::Value::Object(map) => {
                if let Some(regex) = map.get("match").and_then(|m| m.as_str()) {
                    let name = map.get("name").and_then(|n| n.as_str()).unwrap_or("");
                    let first = map
                        .get("captures")
                        .and_then(|c| c["1"]["name"].as_str())
                        .unwrap_or("");
                    if keyword_scope(name) || keyword_scope(first) {
                        out.extend(regex_words(regex));
                    }
                }
                stack.extend(map.values());
            }
            serde_json::Value::Array(items) => stack.extend(items),
            _ => {}
        }
    }
    out
}

/// Keywords of the Vim syntax: `syn keyword` lists and `\<word\>` matches of
/// keyword groups.
fn vim_words() -> BTreeSet<String> {
    let syntax = read("editors/vim/syntax/cairn.vim");
    let mut out = BTreeSet::new();
    for line in syntax.lines() {
        let mut parts = line.split_whitespace();
        match (parts.next(), parts.next(), parts.next()) {
            (Some("syn"), Some("keyword"), Some(group)) if group != "cairnTodo" => {
                out.extend(
                    parts
                        .filter(|w| !w.contains('=') && *w != "skipwhite" && *w != "contained")
                        .map(str::to_string),
                );
            }
            (Some("syn"), Some("match"), Some("cairnRecKind")) => {
                out.extend(regex_words(line));
            }
            _ => {}
        }
    }
    out
}

/// The text each assertion of an engine test file marks: assertion lines
/// start with `marker` and check the nearest non-assertion line above.
fn asserted(path: &str, marker: &str) -> BTreeSet<String> {
    let text = read(path);
    let mut out = BTreeSet::new();
    let mut target: Vec<char> = Vec::new();
    for line in text.lines() {
        let Some(rest) = line.strip_prefix(marker) else {
            target = line.chars().collect();
            continue;
        };
        let spec: String = rest
            .split_whitespace()
            .next()
            .map(|_| rest.to_string())
            .unwrap_or_default();
        let (first, len) = if let Some(arrow) = spec.trim_start().strip_prefix('<') {
            let offset = arrow.chars().take_while(|c| *c == '~').count();
            let len = arrow.chars().skip(offset).take_while(|c| *c == '-').count();
            (offset, len)
        } else {
            let first = marker.chars().count() + spec.chars().take_while(|c| *c == ' ').count();
            (
                first,
                spec.trim_start().chars().take_while(|c| *c == '^').count(),
            )
        };
        out.insert(target.iter().skip(first).take(len).collect());
    }
    out
}

#[test]
fn textmate_grammar_names_every_keyword() {
    let gaps = missing(&keywords(), &textmate_words());
    assert!(
        gaps.is_empty(),
        "not highlighted by the TextMate grammar: {gaps:?}"
    );
}

#[test]
fn textmate_engine_tests_assert_every_keyword() {
    let have = asserted("editors/vscode/test/grammar.test.cairn", "//");
    let gaps = missing(&keywords(), &have);
    assert!(
        gaps.is_empty(),
        "no vscode-tmgrammar-test assertion for: {gaps:?}"
    );
}

#[test]
fn vim_syntax_names_every_keyword() {
    let gaps = missing(&keywords(), &vim_words());
    assert!(
        gaps.is_empty(),
        "not highlighted by the Vim syntax: {gaps:?}"
    );
}

#[test]
fn vim_engine_tests_assert_every_keyword() {
    let have = asserted("editors/vim/test/syntax.cairn", "//~");
    let gaps = missing(&keywords(), &have);
    assert!(gaps.is_empty(), "no vim -es assertion for: {gaps:?}");
}

#[test]
fn language_server_completes_every_keyword() {
    let have: BTreeSet<String> = cairn::lsp::KEYWORDS.iter().map(|k| k.to_string()).collect();
    assert_eq!(keywords(), have);
}

#[test]
fn keyword_extraction_finds_alternatives_only() {
    let words = regex_words(r"(?<![\w-])(?:and|or|do-not-offer)(?![\w-])\s+(fact)\s+\<row\>");
    let want: BTreeSet<String> = ["and", "or", "do-not-offer", "fact", "row"]
        .map(String::from)
        .into();
    assert_eq!(words, want);
}

/// Keywords of the Emacs mode: the strings of its `cairn-*-keywords` lists.
fn emacs_words() -> BTreeSet<String> {
    let mode = read("editors/emacs/cairn-mode.el");
    let mut out = BTreeSet::new();
    for block in mode.split("(defconst cairn-").skip(1) {
        let (name, body) = block.split_once('\n').unwrap_or((block, ""));
        if !name.contains("-keywords") || name.contains("font-lock") {
            continue;
        }
        let list = body.split(")\n").next().unwrap_or("");
        out.extend(list.split('"').skip(1).step_by(2).map(str::to_string));
    }
    out
}

#[test]
fn emacs_mode_names_every_keyword() {
    let gaps = missing(&keywords(), &emacs_words());
    assert!(
        gaps.is_empty(),
        "not highlighted by cairn-mode.el: {gaps:?}"
    );
}

/// Keywords the tree-sitter highlight queries capture (`"word"` tokens).
fn query_words(path: &str) -> BTreeSet<String> {
    let query = read(path);
    query
        .lines()
        .filter(|l| !l.trim_start().starts_with(';'))
        .flat_map(|l| {
            l.split('"')
                .skip(1)
                .step_by(2)
                .map(str::to_string)
                .collect::<Vec<_>>()
        })
        .collect()
}

#[test]
fn tree_sitter_queries_name_every_keyword() {
    for path in [
        "editors/tree-sitter-cairn/queries/highlights.scm",
        "editors/vim/queries/cairn/highlights.scm",
    ] {
        let gaps = missing(&keywords(), &query_words(path));
        assert!(gaps.is_empty(), "not highlighted by {path}: {gaps:?}");
    }
}

#[test]
fn tree_sitter_grammar_has_every_keyword() {
    let grammar = read("editors/tree-sitter-cairn/grammar.js");
    // Every `'word'` literal; apostrophes in comments produce other pieces
    // that are never keywords, so a loose scan is enough.
    let tokens: BTreeSet<String> = grammar
        .split('\'')
        .filter(|t| !t.is_empty() && t.chars().all(|c| c.is_ascii_lowercase() || c == '-'))
        .map(str::to_string)
        .collect();
    let gaps = missing(&keywords(), &tokens);
    assert!(gaps.is_empty(), "not in grammar.js: {gaps:?}");
}

#[test]
fn editor_docs_claim_what_the_files_hold() {
    // The committed parser's ABI is the one the README states a runtime for.
    let parser = read("editors/tree-sitter-cairn/src/parser.c");
    assert!(parser.lines().any(|l| l == "#define LANGUAGE_VERSION 15"));
    let readme = read("editors/README.md");
    assert!(readme.contains("ABI 15 needs a tree-sitter library 0.25 or later"));
    // Helix: the grammars folder is created before the build, the build is
    // restricted to Cairn, and folding (which Helix lacks) is not claimed.
    let helix = read("editors/helix/languages.toml");
    assert!(helix.contains("\nuse-grammars = { only = [\"cairn\"] }\n"));
    for text in [&readme, &helix] {
        let mkdir = text
            .find("mkdir -p ~/.config/helix/runtime/grammars")
            .unwrap();
        assert!(mkdir < text.find("hx --grammar build").unwrap());
    }
    let helix_section =
        &readme[readme.find("## Helix").unwrap()..readme.find("## tree-sitter").unwrap()];
    assert!(!helix_section.contains("folds and"), "{helix_section}");
    assert!(helix_section.contains("Helix has no code folding"));
}
