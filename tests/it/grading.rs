//! Grading scheme tests: the example guideline of every built-in scheme
//! (and a declared one) under tests/corpus/grading checks clean and passes
//! its golden cases; strengths outside the scheme are located errors with
//! "did you mean"; strengths that contradict the kind are warnings; the JSON
//! contract, text note, trace, coverage, diff, formatter and language
//! server all speak each scheme.

use super::lsp::{pos, Client};
use cairn::analysis::diff::{diff, render_text};
use cairn::check::{check, Checked};
use cairn::eval::{render, Options, Program};
use cairn::syntax::{parse_with, FsLoader};
use serde_json::{json, Value};
use std::path::PathBuf;

const SCHEMES: &[&str] = &["acc_aha", "cebm", "custom", "grade", "nice", "uspstf"];

fn path(scheme: &str) -> String {
    format!("tests/corpus/grading/{scheme}/{scheme}.cairn")
}

fn checked_text(name: &str, text: &str) -> Result<Checked, String> {
    check(parse_with(name, text, &FsLoader)).map_err(|f| f.diagnostics.render(&f.sources, 100))
}

fn load(scheme: &str) -> Checked {
    let p = path(scheme);
    let text = std::fs::read_to_string(&p).unwrap();
    checked_text(&p, &text).unwrap_or_else(|e| panic!("{e}"))
}

/// The rendered diagnostics of a guideline that must fail or warn.
fn diagnostics(text: &str) -> String {
    match check(parse_with("g.cairn", text, &FsLoader)) {
        Ok(c) => c.warnings.render(&c.sources, 100),
        Err(f) => f.diagnostics.render(&f.sources, 100),
    }
}

fn guideline(scheme: &str, body: &str) -> String {
    format!(
        "guideline g {{\n  title \"T\"\n  version \"1\"\n  status draft\n  grading {scheme}\n}}\n\n\
         fact a \"A\": bool\n\n{body}"
    )
}

fn run(c: &Checked, facts: Value) -> cairn::Outcome<'static> {
    let case = cairn::case::load(c, "c.json", &json!({ "facts": facts }).to_string()).unwrap();
    Program::new(c).evaluate(&case.case, Options { trace: true })
}

#[test]
fn every_scheme_example_checks_clean_and_passes_its_cases() {
    for scheme in SCHEMES {
        let c = load(scheme);
        assert!(
            c.warnings.reports.is_empty(),
            "{scheme}: {}",
            c.warnings.render(&c.sources, 100)
        );
    }
    let options = cairn::testing::Options {
        coverage: true,
        min_coverage: None,
        width: 100,
        filter: None,
    };
    let report = cairn::testing::run(&[PathBuf::from("tests/corpus/grading")], &options);
    assert_eq!(
        report.failed,
        0,
        "{}",
        cairn::testing::text::render(&report, true)
    );
    assert!(report.passed >= 18, "only {} cases", report.passed);
    assert_eq!(report.coverage.len(), SCHEMES.len());
}

#[test]
fn json_strength_is_a_string_in_grade_and_an_object_elsewhere() {
    let strength = |scheme: &str, facts: Value, id: &str| {
        let o = run(&load(scheme), facts);
        let r = o.recommendations.iter().find(|r| r.id == id).unwrap();
        serde_json::to_value(r).unwrap()["strength"].clone()
    };
    assert_eq!(
        strength("grade", json!({"margin_negative": true}), "adjuvant_rt"),
        json!("2C")
    );
    let hf = json!({"heart_failure": true, "nyha_class": 1, "on_ace_inhibitor": true});
    assert_eq!(
        strength("acc_aha", hf.clone(), "sglt2_inhibitor"),
        json!({"scheme": "acc_aha", "class": "2a", "level": "B-NR"})
    );
    assert_eq!(
        strength("acc_aha", hf, "ace_with_arni"),
        json!({"scheme": "acc_aha", "class": "3: Harm", "level": "B-R"})
    );
    assert_eq!(
        strength(
            "uspstf",
            json!({"age": 42, "sex": "female"}),
            "screen_40_49"
        ),
        json!({"scheme": "uspstf", "grade": "C"})
    );
    assert_eq!(
        strength("nice", json!({"pregnant": true}), "ace_in_pregnancy"),
        json!({"scheme": "nice", "wording": "do not offer"})
    );
    let ankle = json!({"ankle_injury": true, "can_bear_weight": true});
    assert_eq!(
        strength("cebm", ankle.clone(), "ottawa_rules"),
        json!({"scheme": "cebm", "grade": "A", "level": "1a"})
    );
    assert_eq!(
        strength("cebm", ankle, "radiograph"),
        json!({"scheme": "cebm", "grade": "C"})
    );
    assert_eq!(
        strength("custom", json!({"uncontrolled": false}), "add_on_therapy"),
        json!({"scheme": "sign", "grade": "GPP", "rank": 5})
    );
    // A per-case strength left undecided is null, with the facts to ask.
    let o = run(&load("acc_aha"), json!({"heart_failure": true}));
    let r = o
        .recommendations
        .iter()
        .find(|r| r.id == "sglt2_inhibitor")
        .unwrap();
    assert_eq!(r.strength, None);
    assert_eq!(r.grading_missing, vec!["nyha_class".to_string()]);
}

#[test]
fn note_and_trace_show_the_schemes_own_words() {
    let c = load("acc_aha");
    let o = run(
        &c,
        json!({"heart_failure": true, "nyha_class": 1, "on_ace_inhibitor": true}),
    );
    let note = render::note(&o, &c);
    assert!(
        note.contains("RECOMMEND (Class 2a, LOE B-NR) [sglt2_inhibitor]"),
        "{note}"
    );
    assert!(
        note.contains("DO-NOT-OFFER (Class 3: No Benefit, LOE C-LD) [routine_supplements]"),
        "{note}"
    );
    let trace = render::trace(&o, &c, 100);
    assert!(
        trace.contains("recommendation `ace_with_arni` (Class 3: Harm, LOE B-R) applies"),
        "{trace}"
    );
    let steps = cairn::eval::explain(&o, &c, "sglt2_inhibitor").unwrap();
    let explained = render::steps(&steps, &o, &c, 100);
    assert!(
        explained.contains("(Class 2a, LOE B-NR) applies"),
        "{explained}"
    );
    for (scheme, facts, words) in [
        (
            "uspstf",
            json!({"age": 42, "sex": "female"}),
            "(Grade C) [screen_40_49]",
        ),
        (
            "nice",
            json!({"pregnant": true}),
            "(do not offer) [ace_in_pregnancy]",
        ),
        (
            "cebm",
            json!({"ankle_injury": true}),
            "(Grade A, level 1a) [ottawa_rules]",
        ),
        ("custom", json!({"asthma": true}), "(A) [inhaled_steroid]"),
    ] {
        let c = load(scheme);
        let note = render::note(&run(&c, facts), &c);
        assert!(note.contains(words), "{scheme}: {note}");
    }
}

#[test]
fn a_strength_outside_the_scheme_is_a_located_error_with_did_you_mean() {
    let text = guideline(
        "acc_aha",
        "recommend r {\n  strength class 2a level b-nr when a otherwise class IIb level A\n  statement \"R.\"\n}\n",
    );
    let out = diagnostics(&text);
    assert!(out.contains("cairn::check::bad_strength"), "{out}");
    assert!(
        out.contains("`b-nr` is not an ACC/AHA level of evidence"),
        "{out}"
    );
    assert!(out.contains("did you mean `B-NR`?"), "{out}");
    assert!(out.contains("[g.cairn:11:27]"), "{out}");
    // Every branch of a per-case strength is read in the scheme.
    assert!(out.contains("did you mean `2b`?"), "{out}");
    let cases = [
        ("uspstf", "strength grade E", "`E` is not a USPSTF grade"),
        ("uspstf", "strength B", "`B` is not `grade`"),
        ("nice", "strength ofer", "did you mean `offer`?"),
        (
            "cebm",
            "strength grade A level 6",
            "`6` is not an Oxford CEBM level",
        ),
        (
            "cebm",
            "strength grade A level",
            "`grade A level` is incomplete",
        ),
        (
            "acc_aha",
            "strength class 3 level A",
            "class 3 is `3 no benefit` or `3 harm`",
        ),
        (
            "acc_aha",
            "strength class 1 level A extra",
            "`extra` is not part of the strength",
        ),
        ("grade", "strength 3C", "`3C` is not a GRADE strength"),
    ];
    for (scheme, field, want) in cases {
        let out = diagnostics(&guideline(
            scheme,
            &format!("recommend r {{\n  {field}\n  statement \"R.\"\n}}\n"),
        ));
        assert!(out.contains(want), "{scheme} `{field}`: {out}");
    }
    let custom = "guideline g {\n  title \"T\"\n  version \"1\"\n  status draft\n  grading sign\n}\n\n\
        grading sign \"SIGN\" {\n  A\n  B\n  GPP\n}\n\nrecommend r {\n  strength GGP\n  statement \"R.\"\n}\n";
    let out = diagnostics(custom);
    assert!(
        out.contains("`GGP` is not a value of the `sign` grading"),
        "{out}"
    );
    assert!(out.contains("did you mean `GPP`?"), "{out}");
    let out = diagnostics(&custom.replace("  GPP\n", "  none\n"));
    assert!(out.contains("`none` cannot be a grading value"), "{out}");
}

#[test]
fn an_unknown_scheme_suggests_the_closest() {
    let out = diagnostics(&guideline("uspstf_2024", ""));
    assert!(
        out.contains("unknown grading scheme `uspstf_2024`"),
        "{out}"
    );
    assert!(out.contains("did you mean `uspstf`?"), "{out}");
    let out = diagnostics(&guideline("\"acc_aha\"", ""));
    assert!(
        out.contains("write `grading acc_aha` without quotes"),
        "{out}"
    );
}

#[test]
fn strengths_that_contradict_the_kind_are_warnings() {
    let cases = [
        (
            "acc_aha",
            "do-not-offer",
            "class 2a level A",
            "ACC/AHA class 2a on a `do-not-offer`",
        ),
        (
            "acc_aha",
            "suggest",
            "class 3 harm level A",
            "ACC/AHA class 3: Harm on a `suggest`",
        ),
        (
            "uspstf",
            "recommend",
            "grade D",
            "USPSTF grade D on a `recommend`",
        ),
        (
            "uspstf",
            "discourage",
            "grade A",
            "USPSTF grade A on a `discourage`",
        ),
        (
            "nice",
            "recommend",
            "consider",
            "NICE wording `consider` on a `recommend`",
        ),
        (
            "nice",
            "consider",
            "offer",
            "NICE wording `offer` on a `consider`",
        ),
        (
            "nice",
            "suggest",
            "do-not-offer",
            "NICE wording `do-not-offer` on a `suggest`",
        ),
        (
            "cebm",
            "recommend",
            "grade B level 4",
            "Oxford CEBM grade B on level 4 evidence",
        ),
    ];
    for (scheme, kind, strength, want) in cases {
        let text = guideline(
            scheme,
            &format!("{kind} r {{\n  strength {strength}\n  when a\n  statement \"R.\"\n}}\n"),
        );
        let c = checked_text("g.cairn", &text).unwrap_or_else(|e| panic!("{scheme}: {e}"));
        let out = c.warnings.render(&c.sources, 100);
        assert!(out.contains("cairn::check::inconsistent_strength"), "{out}");
        assert!(out.contains(want), "{scheme} {kind} {strength}: {out}");
    }
    // Consistent ones are quiet.
    for (scheme, kind, strength) in [
        ("acc_aha", "discourage", "class 3 no benefit level C-EO"),
        ("uspstf", "inform", "grade I"),
        ("uspstf", "consider", "grade C"),
        ("nice", "refer", "offer"),
        ("cebm", "recommend", "grade C level 1a"),
    ] {
        let text = guideline(
            scheme,
            &format!("{kind} r {{\n  strength {strength}\n  when a\n  statement \"R.\"\n}}\n"),
        );
        let c = checked_text("g.cairn", &text).unwrap_or_else(|e| panic!("{scheme}: {e}"));
        assert!(
            c.warnings.reports.is_empty(),
            "{scheme} {kind} {strength}: {}",
            c.warnings.render(&c.sources, 100)
        );
    }
}

#[test]
fn golden_cases_assert_strengths_in_the_schemes_words() {
    let c = load("acc_aha");
    let case = |expect: Value| {
        let text = json!({
            "facts": {"heart_failure": true, "nyha_class": 1, "on_ace_inhibitor": false},
            "expect": { "strengths": expect }
        });
        cairn::case::load(&c, "c.json", &text.to_string())
    };
    let file = case(json!({"sglt2_inhibitor": "class 1 level A"})).unwrap();
    let o = Program::new(&c).evaluate(&file.case, Options::default());
    let expect = file.expect.unwrap();
    let d = cairn::testing::compare::differences(&expect, &o);
    assert_eq!(d.len(), 1, "{d:?}");
    assert_eq!(d[0].kind, "strength");
    assert_eq!(
        d[0].actual,
        json!({"scheme": "acc_aha", "class": "2a", "level": "B-NR"})
    );
    let file =
        case(json!({"sglt2_inhibitor": "class 2a level B-NR", "arni": "class 1 level A"})).unwrap();
    let expect = file.expect.unwrap();
    assert!(cairn::testing::compare::differences(&expect, &o).is_empty());
    // An expected strength is read in the guideline's scheme.
    let err = case(json!({"sglt2_inhibitor": "class 2a level B-XR"})).unwrap_err();
    let out = err.diagnostics.render(&err.sources, 100);
    assert!(out.contains("cairn::case::bad_strength"), "{out}");
    assert!(out.contains("`B-XR` is not an ACC/AHA level"), "{out}");
}

#[test]
fn coverage_lists_the_strengths_no_applying_case_produces() {
    let options = cairn::testing::Options {
        coverage: true,
        min_coverage: None,
        width: 100,
        filter: None,
    };
    let one = PathBuf::from("tests/corpus/grading/uspstf/cases/age_42.json");
    let report = cairn::testing::run(&[one], &options);
    let strengths = &report.coverage[0].strengths;
    assert_eq!(strengths.len(), 1, "{strengths:?}");
    assert_eq!(strengths[0].id, "screen_40_49");
    assert_eq!(strengths[0].never, vec!["grade B".to_string()]);
    let text = cairn::testing::text::render(&report, true);
    assert!(
        text.contains("strengths no applying case produces:\n    screen_40_49 never grade B"),
        "{text}"
    );
    let all = PathBuf::from("tests/corpus/grading/uspstf");
    let report = cairn::testing::run(&[all], &options);
    assert!(report.coverage[0].strengths[0].never.is_empty());
}

#[test]
fn diff_reports_a_strength_change() {
    let old_text = std::fs::read_to_string(path("acc_aha")).unwrap();
    let new_text = old_text.replace(
        "strength class 2a level B-NR when nyha_class = 1",
        "strength class 2b level B-NR when nyha_class = 1",
    );
    assert_ne!(old_text, new_text);
    let old = checked_text("old.cairn", &old_text).unwrap();
    let new = checked_text("new.cairn", &new_text).unwrap();
    let d = diff(&old, &new);
    let text = render_text(&d);
    assert!(text.contains("Class 2a, LOE B-NR"), "{text}");
    assert!(text.contains("Class 2b, LOE B-NR"), "{text}");
    assert!(!d.regions.is_empty(), "{text}");
    // A change of scheme is a textual change too.
    let regraded = old_text
        .replace("grading acc_aha", "grading grade")
        .replace(
            "strength class 2a level B-NR when nyha_class = 1 otherwise class 1 level A",
            "strength 2B when nyha_class = 1 otherwise 1A",
        );
    let regraded = regraded
        .replace("strength class 1 level A\n", "strength 1A\n")
        .replace("strength class 3 harm level B-R", "strength 1B")
        .replace("strength class 3 no benefit level C-LD", "strength 2C");
    let new = checked_text("new.cairn", &regraded).unwrap();
    let d = diff(&old, &new);
    assert!(
        d.text
            .iter()
            .any(|t| t == "grading: `acc_aha` became `grade`"),
        "{:?}",
        d.text
    );
}

#[test]
fn the_formatter_writes_every_strength_form_in_one_layout() {
    for scheme in SCHEMES {
        let p = path(scheme);
        let text = std::fs::read_to_string(&p).unwrap();
        let formatted = cairn::format::format_source(&p, &text).unwrap();
        assert_eq!(formatted, text, "{p} is not in the canonical layout");
    }
    let messy = "guideline g { title \"T\" version \"1\" status draft grading acc_aha }\n\
        grading   mine  \"M\" {  A \"a\"   B }\n\
        recommend r {   strength   class  3   no benefit\n level   B-NR   when a otherwise   class 1 level A\n statement \"R.\" }\n\
        fact a \"A\": bool\n";
    let once = cairn::format::format_source("m.cairn", messy).unwrap();
    assert!(
        once.contains(
            "  strength class 3 no benefit level B-NR when a otherwise class 1 level A\n"
        ),
        "{once}"
    );
    assert!(
        once.contains("grading mine \"M\" {\n  A \"a\"\n  B\n}\n"),
        "{once}"
    );
    let twice = cairn::format::format_source("m.cairn", &once).unwrap();
    assert_eq!(once, twice);
}

#[test]
fn the_language_server_hovers_and_completes_strengths_in_the_scheme() {
    let text = std::fs::read_to_string(path("acc_aha")).unwrap();
    let mut client = Client::memory();
    client.open(&text);
    let offset = text.find("sglt2_inhibitor {").unwrap();
    let hover = client.at("textDocument/hover", pos(&text, offset + 1));
    let hover = hover["contents"]["value"]
        .as_str()
        .unwrap_or("")
        .to_string();
    assert!(
        hover.starts_with(
            "**recommend** `sglt2_inhibitor` (strength Class 2a, LOE B-NR or Class 1, LOE A, by case)"
        ),
        "{hover}"
    );
    let complete = |client: &mut Client, after: &str| {
        let offset = text.find(after).unwrap() + after.len();
        let items = client.at("textDocument/completion", pos(&text, offset));
        let items = items.as_array().cloned().unwrap_or_default();
        items
            .iter()
            .map(|i| i["label"].as_str().unwrap_or("").to_string())
            .collect::<Vec<_>>()
    };
    assert_eq!(
        complete(
            &mut client,
            "strength class 2a level B-NR when nyha_class = 1 otherwise class "
        ),
        ["1", "2a", "2b", "3"]
    );
    assert_eq!(
        complete(&mut client, "  strength class 3 harm level "),
        ["A", "B-R", "B-NR", "C-LD", "C-EO"]
    );
    assert_eq!(complete(&mut client, "  strength class 3 "), ["no", "harm"]);
    assert_eq!(
        complete(&mut client, "  grading "),
        ["grade", "acc_aha", "uspstf", "nice", "cebm"]
    );
    client.shutdown();
}
