//! Incremental re-analysis in the language server: after any sequence of
//! edits, parsing again only the declarations an edit touched gives what a
//! full parse of the same text gives (declarations, spans and diagnostics),
//! and the server publishes the diagnostics and hovers a fresh server would.

use super::lsp::{pos, Client, URI};
use cairn::syntax::{parse_incremental, parse_with, FsLoader, ParseCache, Parsed};
use serde_json::{json, Value};

const SARCOMA: &str = include_str!("../../guidelines/rps/initial-management.cairn");

/// A small deterministic generator (xorshift), so a failure replays.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// Text typed by the random edits: blanks, names, brackets and quotes left
/// open, doc comments (also cut off from their declaration by a comment),
/// declaration keywords at a line start, multi-byte characters.
const SNIPPETS: &[&str] = &[
    " ",
    "x",
    "_2",
    "(",
    ")",
    "{",
    "}",
    "\"",
    "\n",
    "not ",
    " and ",
    "é≥",
    "// note\n",
    "/// doc\n",
    "/// doc\n// plain\n",
    "\nfact extra_fact \"Extra\": bool\n",
    "\ndefine extra_def \"Extra\" = true\n",
    "\nrecommend",
    "99999999999999999999",
];

/// A random edit of `text`: an insertion, a deletion of up to 40 bytes or
/// a repeated line, always at character boundaries.
fn edit(text: &str, rng: &mut Rng) -> String {
    let boundary = |rng: &mut Rng| {
        let mut at = rng.below(text.len() + 1);
        while !text.is_char_boundary(at) {
            at -= 1;
        }
        at
    };
    let at = boundary(rng);
    let mut out = text.to_string();
    match rng.below(4) {
        0 | 1 => out.insert_str(at, SNIPPETS[rng.below(SNIPPETS.len())]),
        2 => {
            let mut end = (at + 1 + rng.below(40)).min(text.len());
            while !text.is_char_boundary(end) {
                end += 1;
            }
            out.replace_range(at..end, "");
        }
        _ => {
            let start = text[..at].rfind('\n').map_or(0, |i| i + 1);
            let end = text[at..].find('\n').map_or(text.len(), |i| at + i + 1);
            out.insert_str(start, &text[start..end]);
        }
    }
    out
}

/// The diagnostics of a parse as `cairn check` renders them.
fn rendered(parsed: &Parsed) -> String {
    parsed.diagnostics.render(&parsed.sources, 100)
}

/// Random edits, each parsed incrementally with one cache and in full: the
/// two agree after every edit, while most declarations are reused.
#[test]
fn incremental_parse_equals_a_full_parse_after_random_edits() {
    let name = "guidelines/rps/initial-management.cairn";
    let mut rng = Rng(0x5eed_cafe_f00d_0001);
    let mut cache = ParseCache::new();
    let mut text = SARCOMA.to_string();
    let mut reused = 0usize;
    let mut broken = 0usize;
    for step in 0..120 {
        // Now and then the edits are undone, as an editor's undo would.
        text = if step % 25 == 24 {
            SARCOMA.to_string()
        } else {
            edit(&text, &mut rng)
        };
        let incremental = parse_incremental(name, &text, &FsLoader, &mut cache);
        let full = parse_with(name, &text, &FsLoader);
        // The declarations with every span, and the diagnostics.
        assert!(
            incremental.modules == full.modules,
            "step {step}: declarations differ, text:\n{text}"
        );
        assert_eq!(rendered(&incremental), rendered(&full), "step {step}");
        broken += usize::from(full.diagnostics.has_errors());
        let (hits, parsed) = cache.last_parse();
        assert!(hits + parsed > 0);
        reused += hits;
    }
    // The edits reach both paths: clean texts and texts with syntax errors;
    // and the cache serves most declarations.
    assert!(broken > 10 && broken < 110, "{broken} broken texts");
    assert!(reused > 120 * 10, "only {reused} declarations reused");
}

/// Files that between them use every kind of syntax node: scores, counts,
/// functions, gradings, units with ranges and conversions.
const EVERY_NODE: &[&str] = &[
    include_str!("../corpus/format/scores.cairn"),
    include_str!("../corpus/format/functions.cairn"),
    include_str!("../corpus/format/units.cairn"),
    include_str!("../corpus/format/long.cairn"),
    include_str!("../corpus/grading/custom/custom.cairn"),
    include_str!("../corpus/check/valid_ucum.cairn"),
];

/// Text added above every declaration moves every declaration: all are
/// reused from the cache with their spans moved, and each tree equals the
/// one a full parse gives, whatever nodes it holds.
#[test]
fn every_node_moves_with_its_declaration() {
    let name = "guidelines/rps/initial-management.cairn";
    let text = format!("{SARCOMA}\n{}", EVERY_NODE.join("\n"));
    let mut cache = ParseCache::new();
    let first = parse_incremental(name, &text, &FsLoader, &mut cache);
    assert!(!first.diagnostics.has_errors(), "{}", rendered(&first));
    // Identical pieces (the same declaration twice) are reused even in the
    // first parse.
    let (hits, parsed) = cache.last_parse();
    let declarations = hits + parsed;
    for above in ["\n", "// a comment\n\n", "", "\n\n\n"] {
        let moved = format!("{above}{text}");
        let incremental = parse_incremental(name, &moved, &FsLoader, &mut cache);
        let full = parse_with(name, &moved, &FsLoader);
        assert_eq!(cache.last_parse(), (declarations, 0), "all reused");
        assert!(incremental.modules == full.modules, "moved by {above:?}");
        assert_eq!(rendered(&incremental), rendered(&full));
    }
}

/// Where recovery's split differs from the grammar's (a doc comment cut
/// off from its declaration by a plain comment still attaches to it), the
/// pieces fail on their own while the whole file parses: the incremental
/// parse answers as the whole file does, with no error.
#[test]
fn incremental_parse_follows_the_whole_file_where_pieces_disagree() {
    let name = "guidelines/rps/initial-management.cairn";
    let at = SARCOMA.find("\ngroup ").unwrap() + 1;
    let mut text = SARCOMA.to_string();
    text.insert_str(at, "/// doc\n// plain\n");
    let mut cache = ParseCache::new();
    for round in 0..2 {
        let incremental = parse_incremental(name, &text, &FsLoader, &mut cache);
        let full = parse_with(name, &text, &FsLoader);
        assert!(!full.diagnostics.has_errors(), "{}", rendered(&full));
        assert!(incremental.modules == full.modules, "round {round}");
        assert_eq!(rendered(&incremental), rendered(&full));
    }
    // A broken declaration after it: the pieces and the whole file fail;
    // recovery's errors are reported, the same both ways.
    let broken = format!("{text}\nfact broken \"B\": \n");
    let incremental = parse_incremental(name, &broken, &FsLoader, &mut cache);
    let full = parse_with(name, &broken, &FsLoader);
    assert!(full.diagnostics.has_errors());
    assert!(incremental.modules == full.modules);
    assert_eq!(rendered(&incremental), rendered(&full));
}

/// The diagnostics of a publication (its version aside).
fn published(params: &Value) -> Value {
    params["diagnostics"].clone()
}

/// A server that sees every edit as an incremental `didChange` publishes,
/// for each version, the diagnostics a fresh server publishes when it opens
/// that text, and hovers the same.
#[test]
fn incremental_server_publishes_what_a_fresh_server_does() {
    let mut rng = Rng(0x0dd_ba11_2026_0010);
    let mut client = Client::memory();
    let mut text = SARCOMA.to_string();
    client.open(&text);
    for version in 2..32 {
        let new = edit(&text, &mut rng);
        // One ranged change: the common prefix and suffix stay.
        let prefix = text
            .bytes()
            .zip(new.bytes())
            .take_while(|(a, b)| a == b)
            .count();
        let mut prefix = prefix;
        while !text.is_char_boundary(prefix) || !new.is_char_boundary(prefix) {
            prefix -= 1;
        }
        let max_suffix = text.len().min(new.len()) - prefix;
        let mut suffix = text
            .bytes()
            .rev()
            .zip(new.bytes().rev())
            .take(max_suffix)
            .take_while(|(a, b)| a == b)
            .count();
        while !text.is_char_boundary(text.len() - suffix) {
            suffix -= 1;
        }
        let change = json!({
            "range": { "start": pos(&text, prefix), "end": pos(&text, text.len() - suffix) },
            "text": &new[prefix..new.len() - suffix],
        });
        client.notify(
            "textDocument/didChange",
            json!({
                "textDocument": { "uri": URI, "version": version },
                "contentChanges": [change],
            }),
        );
        text = new;
        let got = loop {
            let p = client.diagnostics(URI);
            if p["version"] == version {
                break p;
            }
        };
        let mut fresh = Client::memory();
        let expected = fresh.open(&text);
        assert_eq!(
            published(&got),
            published(&expected),
            "version {version}, text:\n{text}"
        );
        // A hover somewhere in the middle of the document.
        let at = text.len() / 2;
        let mut at = text[..at].rfind(' ').map_or(0, |i| i + 1);
        while !text.is_char_boundary(at) {
            at -= 1;
        }
        let position = pos(&text, at);
        let params = json!({ "textDocument": { "uri": URI }, "position": position });
        assert_eq!(
            client.request("textDocument/hover", params.clone()),
            fresh.request("textDocument/hover", params),
            "hover at {position}, version {version}"
        );
        fresh.shutdown();
    }
    client.shutdown();
}
