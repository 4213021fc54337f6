//! Syntax stage tests: error recovery, the corpus of syntax errors rendered
//! with miette, the nesting guard, and no panic on arbitrary text.

use cairn::source::FileId;
use cairn::syntax::ast::{DeclKind, ExprKind, RecField};
use cairn::syntax::{parse_module, parse_with, FsLoader, Loader, MAX_DEPTH};
use proptest::prelude::*;
use std::path::{Path, PathBuf};

fn corpus_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus/syntax")
}

#[test]
fn recovers_one_error_per_declaration() {
    let text = "fact grade \"FNCLCC grade\": integer 1 to 3\nfact x \"bad\": integr\ndefine z \"bad\" = (grade <=\nsuggest r { when grade = 1 statement \"ok\" }\n";
    let parsed = parse_with("t.cairn", text, &FsLoader);
    assert_eq!(parsed.diagnostics.error_count(), 2);
    // The two good declarations survive around the two broken ones.
    assert_eq!(parsed.modules[0].1.decls.len(), 2);
}

#[test]
fn corpus_of_syntax_errors() {
    let mut names: Vec<_> = std::fs::read_dir(corpus_dir())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "cairn"))
        .collect();
    names.sort();
    assert!(names.len() >= 7);
    for path in names {
        let name = format!(
            "tests/corpus/syntax/{}",
            path.file_name().unwrap().to_string_lossy()
        );
        let text = std::fs::read_to_string(&path).unwrap();
        let parsed = parse_with(&name, &text, &FsLoader);
        assert!(parsed.diagnostics.has_errors(), "{name} should not parse");
        let rendered = parsed.diagnostics.render(&parsed.sources, 100);
        let stem = path.file_stem().unwrap().to_string_lossy().to_string();
        insta::assert_snapshot!(format!("syntax_{stem}"), rendered);
    }
}

#[test]
fn every_broken_declaration_is_reported() {
    let text = std::fs::read_to_string(corpus_dir().join("many_errors.cairn")).unwrap();
    let parsed = parse_with("many_errors.cairn", &text, &FsLoader);
    // `boolean`, the missing colon, the dangling `and` and the empty
    // statement are four separate mistakes in four declarations.
    assert_eq!(parsed.diagnostics.error_count(), 4);
    let kept: Vec<_> = parsed.modules[0]
        .1
        .decls
        .iter()
        .map(|d| match &d.kind {
            DeclKind::Header(h) => h.id.name.clone(),
            DeclKind::Fact(f) => f.name.name.clone(),
            _ => "other".into(),
        })
        .collect();
    assert_eq!(kept, vec!["g", "e"]);
}

#[test]
fn deep_nesting_is_a_diagnostic_not_a_stack_overflow() {
    let open = "(".repeat(100_000);
    let text = format!("define x \"X\": bool = {open}true");
    let parsed = parse_module(FileId(0), &text);
    assert_eq!(parsed.diagnostics.error_count(), 1);
    assert_eq!(
        parsed.diagnostics.reports[0].code(),
        "cairn::syntax::too_deep"
    );
    let nots = "not ".repeat(100_000);
    let parsed = parse_module(FileId(0), &format!("define x \"X\": bool = {nots}true"));
    assert_eq!(
        parsed.diagnostics.reports[0].code(),
        "cairn::syntax::too_deep"
    );
    // Nesting within the limit is fine.
    let ok = format!(
        "define x \"X\": bool = {}true{}",
        "(".repeat(MAX_DEPTH - 2),
        ")".repeat(MAX_DEPTH - 2)
    );
    assert!(!parse_module(FileId(0), &ok).diagnostics.has_errors());
}

#[test]
fn precedence_and_spans_follow_the_grammar() {
    let text = "define x \"X\": bool = a or b and not c // why\n";
    let parsed = parse_module(FileId(0), text);
    assert!(!parsed.diagnostics.has_errors());
    let DeclKind::Define(d) = &parsed.module.decls[0].kind else {
        panic!("expected a define");
    };
    let ExprKind::Binary(op, _, rhs) = &d.body.kind else {
        panic!("expected `or` at the top");
    };
    assert_eq!(op.symbol(), "or");
    assert!(matches!(rhs.kind, ExprKind::Binary(_, _, _)));
    // The expression's span stops at `c`, before the comment.
    assert_eq!(
        &text[d.body.span.start as usize..d.body.span.end as usize],
        "a or b and not c"
    );
}

#[test]
fn doc_comment_after_an_expression_is_not_a_division() {
    let text = "define x \"X\": bool = a\n/// The next fact.\nfact f \"F\": bool\n";
    let parsed = parse_module(FileId(0), text);
    assert!(!parsed.diagnostics.has_errors());
    assert_eq!(parsed.module.decls.len(), 2);
    assert_eq!(parsed.module.decls[1].doc, vec!["The next fact."]);
}

#[test]
fn acknowledgements_and_exclusions_parse() {
    let text =
        "suggest a { excludes b, c acknowledge conflict with b \"intended\" statement \"s\" }\n";
    let parsed = parse_module(FileId(0), text);
    assert!(!parsed.diagnostics.has_errors());
    let DeclKind::Recommendation(r) = &parsed.module.decls[0].kind else {
        panic!("expected a recommendation");
    };
    assert!(matches!(&r.fields[0], RecField::Excludes(ids) if ids.len() == 2));
    assert!(matches!(&r.fields[1], RecField::Acknowledge { with: Some(w), .. } if w.name == "b"));
}

struct Memory(Vec<(&'static str, &'static str)>);

impl Loader for Memory {
    fn load(&self, path: &Path) -> std::io::Result<String> {
        self.0
            .iter()
            .find(|(p, _)| Path::new(p) == path)
            .map(|(_, t)| t.to_string())
            .ok_or_else(|| std::io::Error::new(std::io::ErrorKind::NotFound, "not found"))
    }
}

#[test]
fn includes_are_read_once_relative_to_the_including_file() {
    let loader = Memory(vec![(
        "g/vocab.cairn",
        "fact grade \"G\": integer 1 to 3\ninclude \"main.cairn\"\n",
    )]);
    let parsed = parse_with(
        "g/main.cairn",
        "include \"vocab.cairn\"\ninclude \"missing.cairn\"\n",
        &loader,
    );
    assert_eq!(parsed.modules.len(), 2);
    let codes: Vec<_> = parsed
        .diagnostics
        .reports
        .iter()
        .map(|r| r.code())
        .collect();
    assert_eq!(
        codes,
        vec!["cairn::syntax::include", "cairn::syntax::include_cycle"]
    );
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 512,
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    /// Arbitrary text never panics the parser, and every diagnostic points
    /// inside the text.
    #[test]
    fn arbitrary_text_never_panics(text in "\\PC{0,300}") {
        let parsed = parse_module(FileId(0), &text);
        for report in &parsed.diagnostics.reports {
            if let Some(labels) = report.inner.labels() {
                for label in labels {
                    prop_assert!(label.offset() <= text.len());
                }
            }
        }
    }

    /// Text made of the language's own tokens, in random order, never
    /// panics either; this reaches deeper into the grammar than random bytes.
    #[test]
    fn token_soup_never_panics(tokens in proptest::collection::vec(prop_oneof![
        Just("fact"), Just("define"), Just("suggest"), Just("section"), Just("when"),
        Just("and"), Just("or"), Just("not"), Just("("), Just(")"), Just("{"), Just("}"),
        Just("["), Just("]"), Just("\"s\""), Just("x"), Just("2"), Just("50.4 Gy"),
        Just("="), Just("<="), Just(":"), Just("bool"), Just("enum"), Just("first"),
        Just("then"), Just("otherwise"), Just("///"), Just("//"), Just("\n"), Just(","),
        Just("in"), Just("any of"), Just("2024-01-23"), Just("->"), Just("_"),
    ], 0..60)) {
        let text = tokens.join(" ");
        let _ = parse_with("soup.cairn", &text, &Memory(vec![]));
    }
}

/// A field word that starts like a reserved word (`note`, `not`) after a
/// number is a field, not the number's unit; `implies` is reserved, so
/// `5 implies` is never a quantity either.
#[test]
fn a_number_before_note_or_implies_is_not_a_quantity() {
    let text = "fact n \"n\": integer\nfact b \"b\": bool\n\
                suggest r { when n > 5 note \"x\" statement \"r\" }\n\
                define c \"c\" = n = 5 implies b\n";
    let module = parse_module(FileId(0), text);
    assert!(
        !module.diagnostics.has_errors(),
        "{:?}",
        module
            .diagnostics
            .reports
            .iter()
            .map(|r| r.code())
            .collect::<Vec<_>>()
    );
}
