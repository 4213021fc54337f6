//! Absence and `never` tests (grammar README, "Absence and never"): the
//! case loader applies `absent means` to left-out keys only, the outcome
//! echoes what it assumed in JSON and in the note, `"never"` loads only
//! for a `date or never` fact, the checker rejects declarations that do
//! not fit, `cairn fmt` keeps them, the language server shows them, and an
//! analysis witness is a case a user could write.

use super::lsp::{pos, Client};
use cairn::analysis::{analyze, witness_json};
use cairn::check::{check, Checked};
use cairn::eval::outcome::Status;
use cairn::eval::{render, Options, Program};
use cairn::syntax::{parse_with, FsLoader};

const HEADER: &str = "guideline absence { title \"Absence\" version \"1\" status draft }\n";

const DECLS: &str = r#"/// From the coded problem list, which the source guarantees complete.
fact prior_stroke "Prior stroke": bool absent means false
fact last_colonoscopy "Last colonoscopy": date or never absent means never
fact last_mammogram "Last mammogram": date or never
fact today "Today": date
suggest anticoagulate { when prior_stroke statement "Anticoagulate." }
suggest colonoscopy { when last_colonoscopy < today - 10 years statement "Offer a colonoscopy." }
suggest mammogram { when last_mammogram < today - 2 years statement "Offer a mammogram." }
"#;

fn checked(decls: &str) -> Checked {
    let text = format!("{HEADER}{decls}");
    match check(parse_with("a.cairn", &text, &FsLoader)) {
        Ok(c) => c,
        Err(f) => panic!("{}", f.diagnostics.render(&f.sources, 100)),
    }
}

fn check_errors(decls: &str) -> Vec<String> {
    super::error_codes(&format!("{HEADER}{decls}"))
}

fn outcome(c: &Checked, facts: &str) -> cairn::eval::outcome::Outcome<'static> {
    let json = format!("{{\"facts\": {facts}}}");
    let case = match cairn::case::load(c, "case.json", &json) {
        Ok(f) => f.case,
        Err(f) => panic!("{}", f.diagnostics.render(&f.sources, 100)),
    };
    Program::new(c).evaluate(&case, Options::default())
}

fn status(o: &cairn::eval::outcome::Outcome, id: &str) -> Status {
    o.recommendations
        .iter()
        .find(|r| r.id == id)
        .map(|r| r.status)
        .unwrap_or_else(|| panic!("no recommendation {id}"))
}

#[test]
fn a_left_out_fact_takes_its_declared_value_and_the_outcome_says_so() {
    let c = checked(DECLS);
    let o = outcome(&c, r#"{"today": "2024-06-01"}"#);
    assert_eq!(status(&o, "anticoagulate"), Status::NotApplicable);
    assert_eq!(status(&o, "colonoscopy"), Status::Applies);
    // No declaration: left out is unknown.
    assert_eq!(status(&o, "mammogram"), Status::Undetermined);
    let json = serde_json::to_value(&o).unwrap();
    assert_eq!(
        json["absent"],
        serde_json::json!([
            {"fact": "prior_stroke", "value": false},
            {"fact": "last_colonoscopy", "value": "never"}
        ])
    );
    let note = render::note(&o, &c);
    assert!(
        note.contains("prior_stroke: false (absent: declared to mean false)"),
        "{note}"
    );
    assert!(
        note.contains("last_colonoscopy: never (absent: declared to mean never)"),
        "{note}"
    );
}

#[test]
fn an_explicit_null_stays_unknown_and_is_not_echoed() {
    let c = checked(DECLS);
    let o = outcome(
        &c,
        r#"{"prior_stroke": null, "last_colonoscopy": null, "today": "2024-06-01"}"#,
    );
    assert_eq!(status(&o, "anticoagulate"), Status::Undetermined);
    assert_eq!(status(&o, "colonoscopy"), Status::Undetermined);
    let json = serde_json::to_value(&o).unwrap();
    assert!(json.get("absent").is_none(), "{json}");
    assert!(!render::note(&o, &c).contains("taken as declared"));
}

#[test]
fn never_loads_only_for_a_date_or_never_fact() {
    let c = checked(DECLS);
    let o = outcome(&c, r#"{"last_mammogram": "never", "today": "2024-06-01"}"#);
    assert_eq!(status(&o, "mammogram"), Status::Applies);
    let err = match cairn::case::load(&c, "case.json", r#"{"facts": {"today": "never"}}"#) {
        Ok(_) => panic!("`never` loaded for a plain date"),
        Err(f) => f.diagnostics.render(&f.sources, 100),
    };
    assert!(err.contains("cairn::case::bad_date"), "{err}");
    assert!(err.contains("not `date or never`"), "{err}");
}

#[test]
fn declarations_that_do_not_fit_their_fact_are_errors() {
    assert_eq!(
        check_errors(r#"fact n "N": integer or never"#),
        ["cairn::check::never_not_date"]
    );
    for bad in [
        r#"fact d "D": date absent means never"#,
        r#"fact b "B": bool absent means never"#,
        r#"fact e "E": enum { a, b } absent means c"#,
        r#"fact n "N": integer absent means zero"#,
    ] {
        assert_eq!(check_errors(bad), ["cairn::check::bad_absent"], "{bad}");
    }
    let c = checked(r#"fact e "E": enum { a, none_recorded } absent means none_recorded"#);
    let info = &c.model.facts[0];
    assert_eq!(info.domain.absent, Some(cairn::value::Value::Enum(1)));
}

#[test]
fn fmt_keeps_the_declarations() {
    let text = format!(
        "{HEADER}fact  p \"P\" :  bool   absent  means  false\nfact l \"L\": date  or  never absent means never\n"
    );
    let out = cairn::format::format_source("a.cairn", &text).unwrap();
    assert!(
        out.contains("fact p \"P\": bool absent means false\n"),
        "{out}"
    );
    assert!(
        out.contains("fact l \"L\": date or never absent means never\n"),
        "{out}"
    );
}

#[test]
fn the_language_server_hovers_the_declaration() {
    let text = format!("{HEADER}{DECLS}");
    let mut client = Client::memory();
    client.open(&text);
    let offset = text.find("prior_stroke \"").unwrap();
    let hover = client.at("textDocument/hover", pos(&text, offset + 1));
    let hover = hover["contents"]["value"]
        .as_str()
        .unwrap_or("")
        .to_string();
    assert!(
        hover.starts_with("**fact** `prior_stroke`: bool absent means false"),
        "{hover}"
    );
    assert!(hover.contains("`null` keeps it unknown"), "{hover}");
    let offset = text.find("last_mammogram \"").unwrap();
    let hover = client.at("textDocument/hover", pos(&text, offset + 1));
    let hover = hover["contents"]["value"]
        .as_str()
        .unwrap_or("")
        .to_string();
    assert!(
        hover.starts_with("**fact** `last_mammogram`: date or never"),
        "{hover}"
    );
}

#[test]
fn an_unknown_declared_fact_is_written_null_in_a_witness() {
    let c = checked(DECLS);
    let case = cairn::case::Case {
        name: "w".into(),
        facts: vec![None; c.model.facts.len()],
        absent: Vec::new(),
    };
    let w = witness_json(&c.model, &case);
    assert_eq!(
        w["facts"],
        serde_json::json!({"prior_stroke": null, "last_colonoscopy": null})
    );
}

#[test]
fn analysis_witnesses_of_never_load_and_reproduce() {
    // `overdue` and `recent` overlap only when `never` is not a value;
    // `dead` can only hold through `never` (no date is before every date
    // shifted back by 9000 years, but `never` is).
    let c = checked(
        r#"fact last "Last": date or never
fact today "Today": date
suggest overdue { when last < today - 10 years statement "o" }
suggest due_now { when last + 10 years <= today statement "d" }
"#,
    );
    let a = analyze(&c);
    for f in &a.findings {
        let Some(w) = &f.witness else { continue };
        let text = w.to_string();
        assert!(
            cairn::case::load(&c, "w.json", &text).is_ok(),
            "witness does not load: {text}"
        );
    }
    // The two rules agree on every case, `never` included.
    for facts in [
        r#"{"last": "never", "today": "2024-06-01"}"#,
        r#"{"last": "2010-01-01", "today": "2024-06-01"}"#,
        r#"{"last": "2020-01-01", "today": "2024-06-01"}"#,
    ] {
        let o = outcome(&c, facts);
        assert_eq!(status(&o, "overdue"), status(&o, "due_now"), "{facts}");
    }
}

#[test]
fn batch_rows_echo_the_facts_taken_as_declared() {
    let dir = tempfile::tempdir().unwrap();
    let guideline = dir.path().join("g.cairn");
    std::fs::write(&guideline, format!("{HEADER}{DECLS}")).unwrap();
    let cohort = dir.path().join("cohort.jsonl");
    std::fs::write(
        &cohort,
        "{\"facts\": {\"today\": \"2024-06-01\", \"last_colonoscopy\": \"2020-01-01\"}}\n\
         {\"facts\": {\"prior_stroke\": true, \"last_colonoscopy\": null}}\n",
    )
    .unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_cairn"))
        .args([
            "batch",
            guideline.to_str().unwrap(),
            cohort.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    let rows: Vec<serde_json::Value> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(rows.len(), 2, "{rows:?}");
    assert_eq!(
        rows[0]["absent"],
        serde_json::json!([{"fact": "prior_stroke", "value": false}])
    );
    assert_eq!(
        rows[0]["recommendations"]["anticoagulate"],
        "not_applicable"
    );
    assert!(rows[1].get("absent").is_none(), "{}", rows[1]);
}
