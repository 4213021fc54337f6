//! The trace as an explanation (issue 13, item 2): `cairn run --trace`
//! gives the decision path, then the tree of the steps that decided it;
//! `--only` and `--depth` shape the tree; the JSON trace has typed results
//! and `depends_on` edges and validates against `grammar/trace.schema.json`;
//! `explain` takes any definition, section, schedule or recommendation.

use cairn::check::Checked;
use cairn::eval::outcome::{trace_with, TraceFilter, TraceView};
use cairn::eval::{Options, Program};
use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::process::Command;

const RPS: &str = "guidelines/rps/initial-management.cairn";

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn checked() -> Checked {
    let text = std::fs::read_to_string(root().join(RPS)).unwrap();
    let parsed = cairn::syntax::parse_with(RPS, &text, &cairn::syntax::FsLoader);
    match cairn::check::check(parsed) {
        Ok(c) => c,
        Err(f) => panic!("{}", f.diagnostics.render(&f.sources, 100)),
    }
}

/// Runs `cairn` in the crate root; returns the exit code, stdout, stderr.
pub(super) fn cairn(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_cairn"))
        .args(args)
        .current_dir(root())
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

fn case_path(name: &str) -> String {
    format!("guidelines/rps/cases/{name}.json")
}

/// The rendered trace of a case text with `view`, as `run --trace` prints it.
fn trace_of(case_text: &str, view: &TraceView) -> String {
    let checked = checked();
    let program = Program::new(&checked);
    let case = cairn::load_case(&checked, "case.json", case_text).unwrap();
    let outcome = program.evaluate(&case.case, Options { trace: true });
    trace_with(&outcome, &checked, view, 100).unwrap()
}

/// The text on one line, runs of whitespace as one space (the decision
/// path wraps at the width).
fn flat(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn golden_text(name: &str) -> String {
    std::fs::read_to_string(root().join(case_path(name))).unwrap()
}

#[test]
fn trace_of_a_resectable_case_is_a_short_path_and_tree() {
    let text = trace_of(
        &golden_text("resectable_ddlps_grade2_preoperative_rt"),
        &TraceView::default(),
    );
    let path = flat(&text);
    assert!(
        path.contains(
            "histology = dedifferentiated_liposarcoma, grade = 2 → preoperative_rt: suggest (2C)"
        ),
        "{path}"
    );
    assert!(text.lines().count() < 160, "{}", text.lines().count());
    insta::assert_snapshot!(text);
}

#[test]
fn trace_of_a_metastatic_case() {
    let text = trace_of(
        &golden_text("metastatic_wdlps_symptoms_unknown"),
        &TraceView::default(),
    );
    assert!(flat(&text).contains("distant_metastases = true → systemic_therapy: recommend"));
    insta::assert_snapshot!(text);
}

#[test]
fn trace_of_an_empty_case() {
    let text = trace_of(r#"{"facts": {}}"#, &TraceView::default());
    assert!(text.contains("no recommendation applies"));
    assert!(text.lines().count() < 30, "{text}");
    insta::assert_snapshot!(text);
}

#[test]
fn trace_of_a_post_resection_case() {
    let text = trace_of(
        &golden_text("post_r2_reresection_feasible"),
        &TraceView::default(),
    );
    insta::assert_snapshot!(text);
}

#[test]
fn only_and_depth_shape_the_tree() {
    let case = golden_text("resectable_ddlps_grade2_preoperative_rt");
    let view = |only, depth| TraceView {
        only,
        depth,
        full: false,
    };
    // One recommendation, its roots only.
    let one = trace_of(&case, &view(TraceFilter::Step("preoperative_rt".into()), 0));
    let tree = one.split("What decided").nth(1).unwrap();
    assert!(tree.contains("recommendation `preoperative_rt` (2C) applies"));
    assert!(!tree.contains("section `rt_rationale`"), "{tree}");
    assert!(
        tree.contains("decided by 2 more step(s) (`--depth 1` shows them)"),
        "{tree}"
    );
    // One level deeper: its section and the definition it reads.
    let deeper = trace_of(&case, &view(TraceFilter::Step("preoperative_rt".into()), 1));
    assert!(deeper.contains("section `rt_rationale` applies"));
    assert!(deeper.contains("definition `rt_select_histology` = true"));
    assert!(!deeper.contains("definition `confirmed_pretreatment` ="));
    // A definition as the root.
    let def = trace_of(
        &case,
        &view(TraceFilter::Step("unresectable_findings".into()), 5),
    );
    assert!(def.contains("definition `imaging_exclusion` = false"));
    // The not-applicable ones, with the section that ruled them out.
    let not = trace_of(&case, &view(TraceFilter::NotApplicable, 0));
    assert!(not.contains(
        "recommendation `surveillance` not applicable: section `postsurgical_management` does not apply"
    ));
    assert!(!not.contains("recommendation `preoperative_rt`"));
    let undetermined = trace_of(r#"{"facts": {}}"#, &view(TraceFilter::Undetermined, 0));
    assert!(undetermined.contains("recommendation `preoperative_rt` undetermined"));
}

#[test]
fn reasons_do_not_contradict_the_values() {
    let case = golden_text("resectable_ddlps_grade2_preoperative_rt");
    let full = TraceView {
        full: true,
        ..TraceView::default()
    };
    let text = trace_of(&case, &full);
    // The enclosing section decided it, not the unknown margin.
    assert!(text.contains(
        "section `r2_resection` does not apply: section `postsurgical_management`, which encloses it, does not apply"
    ));
    assert!(!text.contains("needs resection_margin"));
    // `is known` of a fact not given is false: the read is "not given", not "unknown".
    let step = text.split("definition `rt_plan_entered`").nth(1).unwrap();
    let step = step.split('☞').next().unwrap();
    assert!(
        step.contains("╰── planned_rt_total_dose not given"),
        "{step}"
    );
    assert!(!step.contains("unknown"), "{step}");
    // The or that held names its operand; comments stay out of reasons.
    assert!(text.contains(
        "definition `rt_select_histology` = true (`(histology = dedifferentiated_liposarcoma and"
    ));
    assert!(!text.contains("// The document"));
    // A rule without a condition of its own.
    assert!(text.contains(
        "recommendation `surgery_complete_resection` applies: no condition of its own, and section `surgery_section` applies"
    ));
}

#[test]
fn cli_flags_and_unknown_ids() {
    let case = case_path("resectable_ddlps_grade2_preoperative_rt");
    let (code, out, err) = cairn(&["run", RPS, "--case", &case, "--trace", "--depth", "0"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("Decision path"));
    assert!(!out.contains("section `rt_rationale` applies"), "{out}");
    let (code, out, _) = cairn(&[
        "run",
        RPS,
        "--case",
        &case,
        "--trace",
        "--only",
        "rt_rationale",
    ]);
    assert_eq!(code, 0);
    assert!(out.contains("What decided `rt_rationale`"));
    let (code, out, err) = cairn(&[
        "run",
        RPS,
        "--case",
        &case,
        "--trace",
        "--only",
        "preoperative_rtt",
    ]);
    assert_eq!(code, 1);
    assert!(out.is_empty(), "{out}");
    assert!(err.contains("did you mean `preoperative_rt`?"), "{err}");
    let (code, _, err) = cairn(&["run", RPS, "--case", &case, "--depth", "1"]);
    assert_eq!(code, 2, "{err}");
}

#[test]
fn explain_takes_definitions_sections_and_schedules() {
    let case = case_path("post_r0_wdlps_follow_up_schedule");
    let names = |args: &[&str]| -> Vec<String> {
        let (code, out, err) = cairn(args);
        assert_eq!(code, 0, "{err}");
        let steps: Vec<serde_json::Value> = serde_json::from_str(&out).unwrap();
        steps
            .iter()
            .map(|s| s["id"].as_str().unwrap().to_string())
            .collect()
    };
    let def = names(&[
        "explain",
        RPS,
        "--case",
        &case,
        "resectability",
        "--format",
        "json",
    ]);
    assert_eq!(def.last().unwrap(), "definition:resectability");
    assert!(def.contains(&"definition:unresectable_findings".to_string()));
    let section = names(&[
        "explain",
        RPS,
        "--case",
        &case,
        "posttreatment_follow_up",
        "--format",
        "json",
    ]);
    assert!(section.contains(&"section:postsurgical_management".to_string()));
    assert_eq!(section.last().unwrap(), "section:posttreatment_follow_up");
    let schedule = names(&[
        "explain",
        RPS,
        "--case",
        &case,
        "follow_up_schedule",
        "--format",
        "json",
    ]);
    assert!(
        schedule.contains(&"recommendation:follow_up_imaging".to_string()),
        "{schedule:?}"
    );
    let (code, out, _) = cairn(&["explain", RPS, "--case", &case, "rt_rationale"]);
    assert_eq!(code, 0);
    assert!(out.contains("section `rt_rationale` does not apply"));
    let (code, _, err) = cairn(&["explain", RPS, "--case", &case, "resectabilty"]);
    assert_eq!(code, 1);
    assert!(err.contains("did you mean `resectability`?"), "{err}");
}

#[test]
fn json_trace_of_every_golden_case_validates_and_its_edges_resolve() {
    let schema: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(root().join("grammar/trace.schema.json")).unwrap(),
    )
    .unwrap();
    let validator = jsonschema::draft202012::new(&schema).unwrap();
    let checked = checked();
    let program = Program::new(&checked);
    let mut paths: Vec<PathBuf> = std::fs::read_dir(root().join("guidelines/rps/cases"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    paths.sort();
    let mut typed = HashSet::new();
    for path in &paths {
        let text = std::fs::read_to_string(path).unwrap();
        let case = cairn::load_case(&checked, "case.json", &text).unwrap();
        let outcome = program.evaluate(&case.case, Options { trace: true });
        let trace = serde_json::to_value(&outcome.trace).unwrap();
        let errors: Vec<String> = validator
            .iter_errors(&trace)
            .map(|e| e.to_string())
            .collect();
        assert!(errors.is_empty(), "{}: {errors:?}", path.display());
        let steps = trace.as_array().unwrap();
        let ids: HashSet<&str> = steps.iter().map(|s| s["id"].as_str().unwrap()).collect();
        assert_eq!(ids.len(), steps.len(), "{}: ids are unique", path.display());
        for s in steps {
            for d in s["depends_on"].as_array().unwrap() {
                assert!(
                    ids.contains(d.as_str().unwrap()),
                    "{}: edge to {d}",
                    path.display()
                );
            }
            // A definition's result is its typed value, as in `derived`.
            if s["kind"] == "definition" {
                let name = s["name"].as_str().unwrap();
                let derived = serde_json::to_value(&outcome.derived).unwrap();
                assert_eq!(s["result"], derived[name], "{name}");
                typed.insert(match &s["result"] {
                    serde_json::Value::Bool(_) => "bool",
                    serde_json::Value::Number(_) => "number",
                    serde_json::Value::String(_) => "enum",
                    serde_json::Value::Object(_) => "object",
                    serde_json::Value::Null => "null",
                    serde_json::Value::Array(_) => "array",
                });
            }
        }
    }
    assert!(paths.len() > 50);
    for t in ["bool", "enum", "object", "null"] {
        assert!(typed.contains(t), "no {t} result among {typed:?}");
    }
}
