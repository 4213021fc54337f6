//! The HTML report (`cairn report`): snapshots of two sarcoma golden cases
//! and a VTE case, and the properties the report promises on every golden
//! case: well-formed (parsed as XML), self-contained (no script, no
//! resource fetched), every applying recommendation present, hostile text
//! escaped, the same bytes on every run; and the command line's file
//! handling and errors.

use cairn::check::Checked;
use cairn::eval::outcome::report::{self, Flowchart};
use cairn::eval::render::NoteInput;
use cairn::eval::Program;
use std::path::Path;
use std::process::Command;

const RPS: &str = "guidelines/rps/initial-management.cairn";
const VTE: &str = "guidelines/vte/diagnosis-treatment.cairn";
const CERVICAL: &str = "guidelines/cervical/screening.cairn";
/// A fixed "now", so that snapshots do not depend on the clock.
const PRODUCED: &str = "2026-12-03 11:00 UTC";

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn checked_text(name: &str, text: &str) -> Checked {
    let parsed = cairn::syntax::parse_with(name, text, &cairn::syntax::FsLoader);
    match cairn::check::check(parsed) {
        Ok(checked) => checked,
        Err(failed) => panic!("{}", failed.diagnostics.render(&failed.sources, 100)),
    }
}

fn checked(guideline: &str) -> Checked {
    let text = std::fs::read_to_string(root().join(guideline)).expect("guideline is readable");
    checked_text(guideline, &text)
}

/// The report of case `name` with text `json`, and the ids that apply.
fn report_of(
    checked: &Checked,
    name: &str,
    json: &str,
    flowcharts: &[Flowchart],
) -> (String, Vec<String>) {
    let case = match cairn::case::load(checked, name, json) {
        Ok(c) => c,
        Err(f) => panic!("{}", f.diagnostics.render(&f.sources, 100)),
    };
    let program = Program::new(checked);
    let mut scratch = program.scratch();
    let options = cairn::eval::Options { trace: false };
    let outcome = program.evaluate_with(&case.case, &mut scratch, options);
    let applying = outcome
        .recommendations
        .iter()
        .filter(|r| r.status == cairn::eval::outcome::Status::Applies)
        .map(|r| r.id.to_string())
        .collect();
    let input = NoteInput {
        case: &case,
        produced: PRODUCED,
    };
    let html = report::html(&outcome, &program, &mut scratch, &input, flowcharts);
    (html, applying)
}

fn golden(guideline: &str, case: &str) -> String {
    let text = std::fs::read_to_string(root().join(case)).expect("case is readable");
    report_of(&checked(guideline), case, &text, &[]).0
}

/// Parses the report as XML and checks that it fetches nothing and runs
/// nothing; returns every `id` attribute.
fn self_contained(html: &str) -> Vec<String> {
    let doc = match roxmltree::Document::parse_with_options(
        html,
        roxmltree::ParsingOptions {
            allow_dtd: true,
            ..Default::default()
        },
    ) {
        Ok(d) => d,
        Err(e) => panic!("not well-formed: {e}\n{html}"),
    };
    let mut ids = Vec::new();
    for node in doc.descendants().filter(|n| n.is_element()) {
        let tag = node.tag_name().name();
        let banned = [
            "script", "link", "iframe", "object", "embed", "img", "image", "use",
        ];
        assert!(!banned.contains(&tag), "a `{tag}` element");
        for a in node.attributes() {
            let name = a.name();
            assert!(!name.starts_with("on"), "an event handler `{name}`");
            if ["src", "href", "srcset", "data", "action", "poster"].contains(&name) {
                let v = a.value();
                assert!(
                    !v.contains("://") && !v.starts_with("//"),
                    "`{name}` fetches `{v}`"
                );
            }
            if name == "id" {
                ids.push(a.value().to_string());
            }
        }
        if tag == "style" {
            let css = node.text().unwrap_or("");
            assert!(!css.contains("url(") && !css.contains("@import"), "{css}");
        }
    }
    ids
}

#[test]
fn snapshot_rps_follow_up_schedule() {
    let html = golden(
        RPS,
        "guidelines/rps/cases/post_r0_wdlps_follow_up_schedule.json",
    );
    insta::assert_snapshot!(html);
}

#[test]
fn snapshot_rps_metastatic_facts_unknown() {
    let html = golden(
        RPS,
        "guidelines/rps/cases/metastatic_histology_unknown_burden_unknown.json",
    );
    insta::assert_snapshot!(html);
}

#[test]
fn snapshot_vte_dvt_likely() {
    let html = golden(
        VTE,
        "guidelines/vte/cases/dvt_likely_delayed_ultrasound.json",
    );
    insta::assert_snapshot!(html);
}

#[test]
fn every_golden_case_is_well_formed_self_contained_and_complete() {
    let mut reports = 0;
    for guideline in [RPS, VTE, CERVICAL] {
        let checked = checked(guideline);
        let folder = root().join(guideline).with_file_name("cases");
        let mut cases: Vec<_> = std::fs::read_dir(&folder)
            .expect("cases folder")
            .map(|e| e.expect("entry").path())
            .collect();
        cases.sort();
        for path in cases {
            let text = std::fs::read_to_string(&path).expect("case is readable");
            let name = path.display().to_string();
            let (html, applying) = report_of(&checked, &name, &text, &[]);
            let ids = self_contained(&html);
            for id in &applying {
                let want = format!("rec-{id}");
                assert!(
                    ids.contains(&want),
                    "{name}: `{id}` applies but is not shown"
                );
            }
            let unique: std::collections::BTreeSet<&String> = ids.iter().collect();
            assert_eq!(unique.len(), ids.len(), "{name}: an id twice");
            reports += 1;
        }
    }
    assert!(reports > 100, "{reports} reports");
}

/// A guideline whose texts try to break out of the page.
const HOSTILE: &str = r#"guideline hostile {
  title "Hostile <script>alert(1)</script> & co"
  version "1.0.0"
  status draft
  source "Source \"quoted\" <b>bold</b>"
}

group g "Group <i>one</i> & two" {
  fact x "X <img src=x onerror=alert(1)>": integer 0 to 10
  fact y "Y's value": integer 0 to 10
}

recommend r1 {
  strength 1A
  when x >= 1
  statement "Do <script>alert(2)</script> & then stop; x is {x}."
  cite [1]
}

recommend r2 {
  strength 1B
  when y >= 1
  statement "Ask about y & more."
}

references {
  [1] "Evil & Co. <a href=\"https://example.org\">link</a> 2020."
}
"#;

#[test]
fn hostile_text_is_escaped_everywhere() {
    let checked = checked_text("hostile.cairn", HOSTILE);
    let svg =
        r#"<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><text>ok</text></svg>"#;
    let pictures = [Flowchart {
        title: "Section <script>3</script> & all",
        svg,
    }];
    let (html, applying) = report_of(
        &checked,
        "case <script>4</script>.json",
        r#"{"facts": {"x": 3}}"#,
        &pictures,
    );
    assert_eq!(applying, ["r1"]);
    self_contained(&html);
    assert!(!html.contains("<script"), "{html}");
    assert!(!html.contains("<img"), "{html}");
    assert!(!html.contains("<a "), "{html}");
    assert!(!html.contains("<b>") && !html.contains("<i>"), "{html}");
    for escaped in [
        "Hostile &lt;script&gt;alert(1)&lt;/script&gt; &amp; co",
        "Do &lt;script&gt;alert(2)&lt;/script&gt; &amp; then stop; x is 3.",
        "Evil &amp; Co. &lt;a href=&quot;https://example.org&quot;&gt;link&lt;/a&gt; 2020.",
        "case &lt;script&gt;4&lt;/script&gt;.json",
        "Section &lt;script&gt;3&lt;/script&gt; &amp; all",
        "Group &lt;i&gt;one&lt;/i&gt; &amp; two",
        "X &lt;img src=x onerror=alert(1)&gt;: 3",
        "Y&apos;s value",
    ] {
        assert!(html.contains(escaped), "`{escaped}` missing:\n{html}");
    }
    // The picture is inlined from its `<svg` element on.
    assert!(!html.contains("<?xml"), "{html}");
    assert!(
        html.contains("<figure class=\"flowchart\" id=\"figure-0\""),
        "{html}"
    );
}

#[test]
fn flowcharts_without_an_svg_element_are_left_out() {
    let checked = checked_text("hostile.cairn", HOSTILE);
    let pictures = [Flowchart {
        title: "not a picture",
        svg: "digraph { a -> b }",
    }];
    let (html, _) = report_of(&checked, "c.json", "{}", &pictures);
    assert!(!html.contains("id=\"flowchart\""), "{html}");
    assert!(!html.contains("digraph"), "{html}");
    let (html, _) = report_of(&checked, "c.json", "{}", &[]);
    assert!(!html.contains("id=\"flowchart\""), "{html}");
}

#[test]
fn the_timeline_draws_every_visit_and_marks_the_next_due() {
    let html = golden(
        CERVICAL,
        "guidelines/cervical/cases/age_64_day_before_65th_birthday_cytology_overdue.json",
    );
    let timelines = html.matches("<svg class=\"timeline\"").count();
    let schedules = html.matches("<div class=\"schedule\"").count();
    assert!(timelines >= 1 && timelines == schedules, "{html}");
    assert!(html.contains("<rect class=\"visit due\""), "{html}");
    assert!(html.contains("next due</text>"), "{html}");
    let rps = golden(
        RPS,
        "guidelines/rps/cases/post_r0_wdlps_follow_up_schedule.json",
    );
    assert_eq!(rps.matches("<rect class=\"visit").count(), 18, "{rps}");
    assert!(rps.contains(">2034</text>"), "{rps}");
}

#[test]
fn the_report_prints_on_a4_with_page_breaks() {
    let html = golden(
        VTE,
        "guidelines/vte/cases/dvt_likely_delayed_ultrasound.json",
    );
    assert!(html.contains("@page { size: A4;"), "{html}");
    assert!(
        html.contains("section.page { break-before: page; }"),
        "{html}"
    );
    assert!(
        html.contains("<section id=\"applies\" class=\"page\">"),
        "{html}"
    );
}

/// Runs `cairn` with `SOURCE_DATE_EPOCH` set; exit code, stdout, stderr.
fn cairn(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_cairn"))
        .args(args)
        .current_dir(root())
        .env("SOURCE_DATE_EPOCH", "1764759600")
        .env("NO_COLOR", "1")
        .output()
        .expect("cairn runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

const CASE: &str = "guidelines/rps/cases/post_r1_surveillance_graded_2c.json";

#[test]
fn the_command_is_deterministic_and_writes_a_file_once() {
    let (code, first, err) = cairn(&["report", RPS, "--case", CASE]);
    assert_eq!(code, 0, "{err}");
    let (_, second, _) = cairn(&["report", RPS, "--case", CASE]);
    assert_eq!(first, second);
    assert!(first.contains("<dd>2025-12-03 11:00 UTC</dd>"), "{first}");
    let dir = tempfile::tempdir().expect("temporary folder");
    let file = dir.path().join("report.html");
    let path = file.to_str().expect("utf-8 path");
    let (code, out, err) = cairn(&["report", RPS, "--case", CASE, "-o", path]);
    assert_eq!((code, out.as_str()), (0, ""), "{err}");
    assert_eq!(std::fs::read_to_string(&file).expect("written"), first);
    std::fs::write(&file, "old").expect("overwritable");
    let (code, _, err) = cairn(&["report", RPS, "--case", CASE, "-o", path]);
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains("exists, not overwritten (add --force"),
        "{err}"
    );
    assert_eq!(std::fs::read_to_string(&file).expect("kept"), "old");
    let (code, _, err) = cairn(&["report", RPS, "--case", CASE, "-o", path, "--force"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(std::fs::read_to_string(&file).expect("replaced"), first);
    // Nothing else is left in the folder (the temporary file is renamed).
    assert_eq!(std::fs::read_dir(dir.path()).expect("folder").count(), 1);
}

#[test]
fn a_missing_or_bad_case_fails_with_its_location() {
    let (code, out, err) = cairn(&["report", RPS, "--case", "no/such/case.json"]);
    assert_eq!((code, out.as_str()), (2, ""), "{err}");
    assert!(err.contains("no/such/case.json"), "{err}");
    let dir = tempfile::tempdir().expect("temporary folder");
    let bad = dir.path().join("bad.json");
    std::fs::write(&bad, "{\"facts\": {\"phase\": }}\n").expect("writable");
    let bad = bad.to_str().expect("utf-8 path");
    let (code, out, err) = cairn(&["report", RPS, "--case", bad]);
    assert_eq!((code, out.as_str()), (1, ""), "{err}");
    assert!(err.contains("bad.json:1:"), "{err}");
    let (code, _, err) = cairn(&["--error-format", "json", "report", RPS, "--case", bad]);
    assert_eq!(code, 1, "{err}");
    let line: serde_json::Value =
        serde_json::from_str(err.lines().next().unwrap_or("")).expect("a JSON diagnostic");
    assert_eq!(line["severity"], "error", "{err}");
    let file = dir.path().join("out.html");
    let (code, _, _) = cairn(&[
        "report",
        RPS,
        "--case",
        bad,
        "-o",
        file.to_str().unwrap_or(""),
    ]);
    assert_eq!(code, 1);
    assert!(!file.exists(), "a report written for a bad case");
}

#[test]
fn the_sections_on_the_path_are_those_that_apply_or_are_undetermined() {
    let checked = checked(RPS);
    let on_path = |case: &str| {
        let text = std::fs::read_to_string(root().join(case)).expect("case is readable");
        let case = cairn::case::load(&checked, case, &text).expect("case loads");
        let options = cairn::eval::Options { trace: false };
        let outcome = Program::new(&checked).evaluate(&case.case, options);
        report::sections_on_path(&checked.model, &outcome)
    };
    assert_eq!(
        on_path("guidelines/rps/cases/metastatic_histology_unknown_burden_unknown.json"),
        [
            "introduction",
            "pretreatment_evaluation_section",
            "unresectable_or_metastatic_disease"
        ]
    );
    assert_eq!(
        on_path("guidelines/rps/cases/post_r0_wdlps_follow_up_schedule.json"),
        ["introduction", "resectable_disease", "clinical_outcomes"]
    );
}

/// The ids of the report's figures, by their `aria-label`s.
fn figures(html: &str) -> Vec<String> {
    html.split("<figure class=\"flowchart\"")
        .skip(1)
        .filter_map(|f| f.split("aria-label=\"").nth(1)?.split('"').next())
        .map(str::to_string)
        .collect()
}

#[test]
fn the_command_draws_the_flowcharts_on_the_path() {
    let case = "guidelines/rps/cases/metastatic_histology_unknown_burden_unknown.json";
    let (code, html, err) = cairn(&["report", RPS, "--case", case]);
    assert_eq!(code, 0, "{err}");
    let title = "Initial management of retroperitoneal soft tissue sarcoma: ";
    let want: Vec<String> = [
        "overview",
        "INTRODUCTION",
        "PRETREATMENT EVALUATION",
        "UNRESECTABLE OR METASTATIC DISEASE",
    ]
    .iter()
    .map(|s| format!("{title}{s}"))
    .collect();
    assert_eq!(figures(&html), want);
    // The patient's path is drawn: a node that applies, one undetermined.
    assert!(html.contains("data-status=\"applies\""), "{html}");
    assert!(html.contains("data-status=\"undetermined\""), "{html}");
    // A small guideline is one picture.
    let case = "guidelines/cervical/cases/age_70_high_risk.json";
    let (code, html, err) = cairn(&["report", CERVICAL, "--case", case]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(figures(&html).len(), 1, "{html}");
}

#[test]
fn the_command_output_is_well_formed_with_unique_ids_on_every_guideline() {
    for (guideline, case) in [
        (
            RPS,
            "guidelines/rps/cases/post_r0_wdlps_follow_up_schedule.json",
        ),
        (
            VTE,
            "guidelines/vte/cases/dvt_likely_delayed_ultrasound.json",
        ),
        (
            CERVICAL,
            "guidelines/cervical/cases/age_21_day_after_21st_birthday.json",
        ),
    ] {
        let (code, html, err) = cairn(&["report", guideline, "--case", case]);
        assert_eq!(code, 0, "{err}");
        assert!(!figures(&html).is_empty(), "{case}: no flowchart");
        let ids = self_contained(&html);
        let unique: std::collections::BTreeSet<&String> = ids.iter().collect();
        assert_eq!(unique.len(), ids.len(), "{case}: an id twice");
    }
}

#[test]
fn the_command_escapes_hostile_text_in_the_flowcharts_too() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let guideline = dir.path().join("hostile.cairn");
    std::fs::write(&guideline, HOSTILE).expect("writable");
    let case = dir.path().join("case.json");
    std::fs::write(&case, r#"{"facts": {"x": 3}}"#).expect("writable");
    let (g, c) = (
        guideline.to_str().unwrap_or(""),
        case.to_str().unwrap_or(""),
    );
    let (code, html, err) = cairn(&["report", g, "--case", c]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(figures(&html).len(), 1, "{html}");
    self_contained(&html);
    assert!(
        !html.contains("<script") && !html.contains("<img"),
        "{html}"
    );
}
