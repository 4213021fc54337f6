//! A small runner for the conformance format (`tests/conformance/*.conf`
//! and the ```` ```conformance ```` blocks of the semantics text), used by
//! the exact-status tests until the shared conformance runner lands; it
//! checks statuses, missing facts, the approximate flag, derived values and
//! runtime diagnostics through `cairn run`'s path (case loader,
//! `Program::evaluate`).

use cairn::check::{check, Checked};
use cairn::eval::outcome::{Outcome, Status};
use cairn::eval::{Options, Program};
use cairn::syntax::{parse_with, FsLoader};
use cairn::testing::compare;

/// The header every test's declarations are put under.
const HEADER: &str =
    "guideline conformance { title \"Conformance\" version \"1.0.0\" status draft }\n";

/// One test: its title, declarations and cases with their expectations.
pub struct Test {
    pub title: String,
    pub decls: String,
    pub cases: Vec<(String, Vec<String>)>,
}

/// Splits a conformance text into tests.
pub fn parse(text: &str) -> Vec<Test> {
    let mut tests: Vec<Test> = Vec::new();
    for line in text.lines() {
        if let Some(title) = line.strip_prefix("=== ") {
            tests.push(Test {
                title: title.trim().to_string(),
                decls: String::new(),
                cases: Vec::new(),
            });
            continue;
        }
        let Some(test) = tests.last_mut() else {
            continue;
        };
        if let Some(case) = line.strip_prefix("--- case ") {
            test.cases.push((case.trim().to_string(), Vec::new()));
        } else if let Some((_, lines)) = test.cases.last_mut() {
            let l = line.trim();
            if !l.is_empty() && !l.starts_with('#') {
                lines.push(l.to_string());
            }
        } else {
            test.decls.push_str(line);
            test.decls.push('\n');
        }
    }
    tests
}

/// The conformance blocks of a Markdown text, joined as one conformance text.
pub fn blocks(markdown: &str) -> String {
    let mut out = String::new();
    let mut inside = false;
    for line in markdown.lines() {
        if line.trim_start().starts_with("```") {
            inside = !inside && line.trim() == "```conformance";
            continue;
        }
        if inside {
            out.push_str(line);
            out.push('\n');
        }
    }
    out
}

fn checked(test: &Test) -> Checked {
    let text = format!("{HEADER}{}", test.decls);
    match check(parse_with("conformance.cairn", &text, &FsLoader)) {
        Ok(c) => c,
        Err(f) => panic!(
            "{}: does not check\n{}",
            test.title,
            f.diagnostics.render(&f.sources, 100)
        ),
    }
}

/// Evaluates one case of a test.
pub fn outcome(checked: &Checked, facts: &str) -> Outcome {
    let json = format!("{{\"facts\": {facts}}}");
    let case = match cairn::case::load(checked, "case.json", &json) {
        Ok(c) => c,
        Err(f) => panic!(
            "case {facts} does not load\n{}",
            f.diagnostics.render(&f.sources, 100)
        ),
    };
    Program::new(checked).evaluate(&case.case, Options::default())
}

/// Runs every test; returns the failures (empty when all pass) and the
/// number of expectations checked.
pub fn run(text: &str) -> (Vec<String>, usize) {
    let mut failures = Vec::new();
    let mut checked_count = 0;
    for test in parse(text) {
        let c = checked(&test);
        for (facts, lines) in &test.cases {
            let out = outcome(&c, facts);
            for line in lines {
                checked_count += 1;
                if let Err(e) = expect(&out, line) {
                    failures.push(format!("{} / case {facts}: `{line}`: {e}", test.title));
                }
            }
        }
    }
    (failures, checked_count)
}

fn rec<'o>(out: &'o Outcome, id: &str) -> Result<&'o cairn::eval::outcome::RecOutcome, String> {
    out.recommendations
        .iter()
        .find(|r| r.id == id)
        .ok_or_else(|| format!("no recommendation `{id}`"))
}

/// Checks one expectation line against an outcome.
fn expect(out: &Outcome, line: &str) -> Result<(), String> {
    if let Some((id, list)) = line.split_once(" missing:") {
        let want: Vec<String> = match list.trim() {
            "-" => Vec::new(),
            l => l.split(',').map(|s| s.trim().to_string()).collect(),
        };
        let got = &rec(out, id.trim())?.missing;
        return (got == &want)
            .then_some(())
            .ok_or(format!("missing {got:?}"));
    }
    if let Some(code) = line.strip_prefix("error ") {
        let json = serde_json::to_value(out).map_err(|e| e.to_string())?;
        let codes: Vec<&str> = json["diagnostics"]
            .as_array()
            .map(|d| d.iter().filter_map(|x| x["code"].as_str()).collect())
            .unwrap_or_default();
        return codes
            .contains(&code.trim())
            .then_some(())
            .ok_or(format!("diagnostics {codes:?}"));
    }
    if let Some((name, json)) = line.split_once(" = ").filter(|(n, _)| !n.contains(':')) {
        let want: serde_json::Value =
            serde_json::from_str(json.trim()).map_err(|e| format!("bad JSON: {e}"))?;
        let got = out
            .derived
            .get(name.trim())
            .ok_or(format!("no definition `{name}`"))?;
        return compare::same(&want, got)
            .then_some(())
            .ok_or(format!("value {got}"));
    }
    if let Some(id) = line.strip_suffix(" approximate") {
        let r = rec(out, id.trim())?;
        return r.approximate.then_some(()).ok_or("not approximate".into());
    }
    if let Some((id, status)) = line.split_once(':') {
        let want = match status.trim() {
            "applies" => Status::Applies,
            "not_applicable" => Status::NotApplicable,
            "undetermined" => Status::Undetermined,
            other => return Err(format!("unknown status `{other}`")),
        };
        let got = rec(out, id.trim())?.status;
        return (got == want).then_some(()).ok_or(format!("status {got:?}"));
    }
    Err("not an expectation".into())
}
