//! Conformance suite: reading the shared test format (described in
//! `tests/conformance/README.md`): `.conf` files, and the
//! ```` ```conformance ```` blocks of the Markdown files under `grammar/`.

use serde_json::Value as Json;

/// One test: declarations and the cases run against them.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Test {
    /// Where it comes from: `tests/conformance/logic.conf:12`.
    pub origin: String,
    /// The title after `===`.
    pub title: String,
    /// The declarations, without the `guideline` header.
    pub decls: String,
    /// The cases, in order.
    pub cases: Vec<CaseSpec>,
}

/// One `--- case` line and the expectations under it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct CaseSpec {
    /// The line of `--- case`, 1-based, in the test's file.
    pub line: usize,
    /// The case's facts, as written (a JSON object).
    pub facts: String,
    /// What the case expects.
    pub expects: Vec<Expect>,
}

/// One expectation line.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Expect {
    /// `name = JSON`: a derived value.
    Value(String, Json),
    /// `id: status`.
    Status(String, String),
    /// `id missing: a, b` (empty for `-`).
    Missing(String, Vec<String>),
    /// `id approximate`.
    Approximate(String),
    /// `error code`.
    Error(String),
    /// `schedule next due: 2028-01-01 to 2028-04-01` (`None` for `-`).
    NextDue(String, Option<String>),
    /// `schedule needs: a, b` (empty for `-`).
    Needs(String, Vec<String>),
}

/// The fixed header every test's declarations are wrapped in.
pub(crate) const HEADER: &str =
    "guideline conformance { title \"Conformance\" version \"1.0.0\" status draft }\n";

/// The guideline source of a test: the header, then its declarations.
pub(crate) fn source(test: &Test) -> String {
    format!("{HEADER}{}", test.decls)
}

/// Parses a conformance text; `name` and `first_line` (the line of the
/// text's first line in its file) locate tests and errors.
pub(crate) fn parse(name: &str, text: &str, first_line: usize) -> Result<Vec<Test>, String> {
    let mut tests: Vec<Test> = Vec::new();
    // Declarations are collected until the first case of a test.
    let mut in_decls = false;
    for (i, raw) in text.lines().enumerate() {
        let line_no = first_line + i;
        let at = || format!("{name}:{line_no}");
        let line = raw.trim();
        if let Some(title) = raw.strip_prefix("===") {
            tests.push(Test {
                origin: at(),
                title: title.trim().to_string(),
                decls: String::new(),
                cases: Vec::new(),
            });
            in_decls = true;
            continue;
        }
        let Some(test) = tests.last_mut() else {
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            return Err(format!("{}: text before the first `=== title`", at()));
        };
        if let Some(rest) = raw.strip_prefix("---") {
            let Some(facts) = rest.trim().strip_prefix("case") else {
                return Err(format!("{}: expected `--- case {{...}}`", at()));
            };
            let facts = facts.trim();
            match serde_json::from_str::<Json>(facts) {
                Ok(Json::Object(_)) => {}
                _ => return Err(format!("{}: the case is not a JSON object", at())),
            }
            test.cases.push(CaseSpec {
                line: line_no,
                facts: facts.to_string(),
                expects: Vec::new(),
            });
            in_decls = false;
            continue;
        }
        if in_decls {
            // A `#` comment is not Cairn: it becomes a blank line, so that
            // line numbers in diagnostics still count the test's lines.
            if !line.starts_with('#') {
                test.decls.push_str(raw);
            }
            test.decls.push('\n');
            continue;
        }
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let Some(case) = test.cases.last_mut() else {
            return Err(format!("{}: expectation before any case", at()));
        };
        case.expects
            .push(expectation(line).map_err(|e| format!("{}: {e}", at()))?);
    }
    for t in &tests {
        if t.cases.is_empty() {
            return Err(format!("{}: test `{}` has no case", t.origin, t.title));
        }
    }
    Ok(tests)
}

fn is_name(s: &str) -> bool {
    let mut chars = s.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// `a, b` as names; `-` is none.
fn names_list(text: &str) -> Vec<String> {
    if text == "-" {
        Vec::new()
    } else {
        text.split(',').map(|f| f.trim().to_string()).collect()
    }
}

/// One expectation line (already trimmed, not a comment).
fn expectation(line: &str) -> Result<Expect, String> {
    if let Some(code) = line.strip_prefix("error ") {
        return Ok(Expect::Error(code.trim().to_string()));
    }
    if let Some((name, json)) = line.split_once('=') {
        let name = name.trim();
        if is_name(name) {
            let value = serde_json::from_str(json.trim())
                .map_err(|e| format!("the value of `{name}` is not JSON: {e}"))?;
            return Ok(Expect::Value(name.to_string(), value));
        }
    }
    if let Some((id, facts)) = line.split_once(" missing:") {
        let list = names_list(facts.trim());
        if is_name(id.trim()) && list.iter().all(|f| is_name(f)) {
            return Ok(Expect::Missing(id.trim().to_string(), list));
        }
    }
    if let Some((name, window)) = line.split_once(" next due:") {
        let window = window.trim();
        if is_name(name.trim()) {
            let window = (window != "-").then(|| window.to_string());
            return Ok(Expect::NextDue(name.trim().to_string(), window));
        }
    }
    if let Some((name, facts)) = line.split_once(" needs:") {
        let list = names_list(facts.trim());
        if is_name(name.trim()) && list.iter().all(|f| is_name(f)) {
            return Ok(Expect::Needs(name.trim().to_string(), list));
        }
    }
    if let Some(id) = line.strip_suffix(" approximate") {
        if is_name(id.trim()) {
            return Ok(Expect::Approximate(id.trim().to_string()));
        }
    }
    if let Some((id, status)) = line.split_once(':') {
        let status = status.trim();
        if is_name(id.trim()) && ["applies", "not_applicable", "undetermined"].contains(&status) {
            return Ok(Expect::Status(id.trim().to_string(), status.to_string()));
        }
    }
    Err(format!("cannot read the expectation `{line}`"))
}

/// The tests in the ```` ```conformance ```` blocks of a Markdown text.
pub(crate) fn markdown(name: &str, text: &str) -> Result<Vec<Test>, String> {
    let mut tests = Vec::new();
    let mut block: Option<(usize, String)> = None;
    for (i, line) in text.lines().enumerate() {
        let trimmed = line.trim();
        match &mut block {
            None if trimmed.starts_with("```") => {
                let info = trimmed.trim_start_matches('`').trim();
                if info.split([',', ' ']).next() == Some("conformance") {
                    block = Some((i + 2, String::new()));
                }
            }
            None => {}
            Some((start, body)) => {
                if trimmed.starts_with("```") {
                    tests.extend(parse(name, body, *start)?);
                    block = None;
                } else {
                    body.push_str(line);
                    body.push('\n');
                }
            }
        }
    }
    match block {
        Some((start, _)) => Err(format!("{name}:{}: unclosed conformance block", start - 1)),
        None => Ok(tests),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = "# a comment before the first test\n\
=== in: a definite match wins\n\
fact g \"g\": integer\n\
# not a declaration\n\
define x \"x\": bool = g in {1, 2}\n\
--- case {\"g\": 1}\n\
x = true\n\
r: applies\n\
# a comment\n\
r missing: -\n\
--- case {}\n\
x = null\n\
r: undetermined\n\
r missing: g, h\n\
r approximate\n\
error eval::division_by_zero\n\
=== second\n\
--- case {\"q\": \"2 cm\"}\n\
q2 = {\"value\": 2, \"unit\": \"cm\"}\n";

    #[test]
    fn reads_tests_cases_and_every_kind_of_expectation() {
        let tests = parse("s.conf", SAMPLE, 1).unwrap();
        assert_eq!(tests.len(), 2);
        let t = &tests[0];
        assert_eq!(t.origin, "s.conf:2");
        assert_eq!(t.title, "in: a definite match wins");
        assert!(t.decls.starts_with("fact g"), "{}", t.decls);
        assert!(!t.decls.contains('#'), "{}", t.decls);
        assert_eq!(t.decls.lines().count(), 3);
        assert_eq!(t.cases.len(), 2);
        assert_eq!(t.cases[0].line, 6);
        assert_eq!(
            t.cases[0].expects,
            vec![
                Expect::Value("x".into(), serde_json::json!(true)),
                Expect::Status("r".into(), "applies".into()),
                Expect::Missing("r".into(), vec![]),
            ]
        );
        assert_eq!(
            t.cases[1].expects,
            vec![
                Expect::Value("x".into(), Json::Null),
                Expect::Status("r".into(), "undetermined".into()),
                Expect::Missing("r".into(), vec!["g".into(), "h".into()]),
                Expect::Approximate("r".into()),
                Expect::Error("eval::division_by_zero".into()),
            ]
        );
        assert_eq!(
            tests[1].cases[0].expects,
            vec![Expect::Value(
                "q2".into(),
                serde_json::json!({"value": 2, "unit": "cm"})
            )]
        );
        assert!(source(t).starts_with(HEADER));
    }

    #[test]
    fn rejects_malformed_text_with_its_line() {
        let bad = [
            ("fact a \"a\": bool\n", "s:1: text before"),
            ("=== t\n--- cas {}\n", "s:2: expected `--- case"),
            ("=== t\n--- case [1]\n", "s:2: the case is not"),
            ("=== t\n--- case {}\nr: maybe\n", "s:3: cannot read"),
            ("=== t\n--- case {}\nx = {oops\n", "s:3: the value of `x`"),
            ("=== t\nfact a \"a\": bool\n", "s:1: test `t` has no case"),
        ];
        for (text, want) in bad {
            let err = parse("s", text, 1).unwrap_err();
            assert!(err.starts_with(want), "{text:?}: {err}");
        }
    }

    #[test]
    fn finds_conformance_blocks_in_markdown_only() {
        let md = "# Title\n\n```cairn\n=== not a test\n```\n\nText.\n\n```conformance\n=== a\n--- case {}\nr: applies\n```\n\n```conformance\n=== b\n--- case {}\n```\n";
        let tests = markdown("SEMANTICS.md", md).unwrap();
        let titles: Vec<&str> = tests.iter().map(|t| t.title.as_str()).collect();
        assert_eq!(titles, ["a", "b"]);
        assert_eq!(tests[0].origin, "SEMANTICS.md:10");
        assert_eq!(tests[1].cases[0].line, 17);
        assert!(markdown("m", "```conformance\n=== a\n").is_err());
        assert!(markdown("m", "no blocks at all\n").unwrap().is_empty());
    }
}
