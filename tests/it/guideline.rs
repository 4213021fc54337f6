//! Tests of the encoded retroperitoneal sarcoma guideline: it parses without
//! syntax errors, keeps the fixed public vocabulary, and every rule named in
//! its traceability table exists.

use cairn::syntax::ast::{Decl, DeclKind, Module};
use cairn::syntax::{parse_with, FsLoader, Parsed};
use std::collections::BTreeSet;
use std::path::Path;

const GUIDELINE: &str = "guidelines/rps/initial-management.cairn";
const TRACEABILITY: &str = "guidelines/rps/TRACEABILITY.md";

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn parse() -> Parsed {
    let path = root().join(GUIDELINE);
    let text = std::fs::read_to_string(&path).expect("guideline file is readable");
    parse_with(&path.to_string_lossy(), &text, &FsLoader)
}

/// Names declared in a module, by kind, including those nested in sections
/// and groups.
#[derive(Default)]
struct Names {
    recs: BTreeSet<String>,
    defs: BTreeSet<String>,
    facts: BTreeSet<String>,
    sections: Vec<String>,
    references: BTreeSet<u32>,
}

fn collect(decls: &[Decl], names: &mut Names) {
    for decl in decls {
        match &decl.kind {
            DeclKind::Recommendation(r) => {
                names.recs.insert(r.id.name.clone());
            }
            DeclKind::Define(d) => {
                names.defs.insert(d.name.name.clone());
            }
            DeclKind::Table(t) => {
                names.defs.insert(t.name.name.clone());
            }
            DeclKind::Fact(f) => {
                names.facts.insert(f.name.name.clone());
            }
            DeclKind::Group(g) => {
                for (_, f, _) in &g.facts {
                    names.facts.insert(f.name.name.clone());
                }
            }
            DeclKind::Section(s) => {
                names.sections.push(s.title.value.clone());
                collect(&s.items, names);
            }
            DeclKind::References(refs) => {
                names.references.extend(refs.iter().map(|r| r.number));
            }
            _ => {}
        }
    }
}

fn names_of(modules: &[(cairn::source::FileId, Module)]) -> Names {
    let mut names = Names::default();
    for (_, module) in modules {
        collect(&module.decls, &mut names);
    }
    names
}

/// The rule ids in the first column of the traceability table, written as
/// `` `id` `` in the "Rule" column.
fn traced_rules(text: &str) -> BTreeSet<String> {
    let mut rules = BTreeSet::new();
    for line in text.lines().filter(|l| l.starts_with('|')) {
        let cells: Vec<&str> = line.split('|').map(str::trim).collect();
        // `| Document statement | Where | Rule |`: the rule is the last cell.
        let Some(rule_cell) = cells.iter().rev().find(|c| !c.is_empty()) else {
            continue;
        };
        for part in rule_cell.split('`').skip(1).step_by(2) {
            rules.insert(part.to_string());
        }
    }
    rules
}

#[test]
fn guideline_parses_without_syntax_errors() {
    let parsed = parse();
    let rendered = parsed.diagnostics.render(&parsed.sources, 100);
    assert_eq!(parsed.diagnostics.error_count(), 0, "{rendered}");
    assert_eq!(parsed.modules.len(), 1);
}

#[test]
fn guideline_keeps_the_public_vocabulary() {
    let parsed = parse();
    let names = names_of(&parsed.modules);
    for fact in [
        "presentation",
        "pathology_confirmed",
        "phase",
        "histology",
        "grade",
        "distant_metastases",
        "peritoneal_implants",
        "bilateral_renal_involvement",
        "extensive_spine_involvement",
        "extensive_mesenteric_root_involvement",
        "extensive_liver_hilar_involvement",
        "extensive_major_vessel_involvement",
        "anticipated_gross_residual",
        "clinical_trial_available",
        "dose_escalation_trial_available",
        "regional_hyperthermia_available",
        "resection_margin",
        "preoperative_rt_received",
        "reresection_feasible_with_minimal_morbidity",
        "eligible_for_further_resection",
        "residual_well_differentiated_liposarcoma",
        "further_growth_would_change_operation",
        "symptomatic",
        "severe_disease_related_symptoms",
        "palliative_surgery_likely_improves_quality_of_life",
        "unifocal",
        "disease_burden",
        "resection_date",
        "planned_rt_total_dose",
        "planned_rt_fractions",
    ] {
        assert!(names.facts.contains(fact), "fact `{fact}` is missing");
    }
    for rec in [
        "sarcoma_center_multidisciplinary",
        "clinical_trial_enrollment",
        "confirm_pathologic_diagnosis",
        "pretreatment_evaluation",
        "out_of_scope_recurrent",
        "surgery_complete_resection",
        "preoperative_rt",
        "regional_hyperthermia_chemotherapy",
        "no_preoperative_chemoradiation",
        "preoperative_chemotherapy_in_trial_only",
        "surveillance",
        "no_adjuvant_rt",
        "no_adjuvant_chemotherapy",
        "re_resection",
        "no_postoperative_rt",
        "follow_up_imaging",
        "refer_expert_center",
        "systemic_therapy",
        "observation",
        "palliative_resection",
        "palliative_rt",
    ] {
        assert!(
            names.recs.contains(rec),
            "recommendation `{rec}` is missing"
        );
    }
    assert!(names.defs.contains("resectability"));
    let expected: BTreeSet<u32> = (1..=80).collect();
    assert_eq!(
        names.references, expected,
        "references 1-80 must all be present"
    );
}

#[test]
fn sections_follow_the_document_headings_in_order() {
    let parsed = parse();
    let names = names_of(&parsed.modules);
    let seed = [
        "INTRODUCTION",
        "PRETREATMENT EVALUATION",
        "DETERMINING RESECTABILITY",
        "RESECTABLE DISEASE",
        "BORDERLINE RESECTABLE DISEASE",
        "UNRESECTABLE OR METASTATIC DISEASE",
        "CLINICAL OUTCOMES",
    ];
    let top: Vec<&String> = names
        .sections
        .iter()
        .filter(|t| seed.contains(&t.as_str()))
        .collect();
    assert_eq!(top, seed.iter().collect::<Vec<_>>());
}

#[test]
fn every_rule_in_the_traceability_table_exists() {
    let parsed = parse();
    let names = names_of(&parsed.modules);
    let text =
        std::fs::read_to_string(root().join(TRACEABILITY)).expect("traceability file is readable");
    let traced = traced_rules(&text);
    assert!(
        traced.len() >= 20,
        "the table names only {} rules",
        traced.len()
    );
    let unknown: Vec<&String> = traced
        .iter()
        .filter(|r| !names.recs.contains(*r) && !names.defs.contains(*r))
        .collect();
    assert!(
        unknown.is_empty(),
        "rules in TRACEABILITY.md not in the guideline: {unknown:?}"
    );
    // Every recommendation of the guideline is traced to the document.
    let untraced: Vec<&String> = names.recs.iter().filter(|r| !traced.contains(*r)).collect();
    assert!(
        untraced.is_empty(),
        "recommendations missing from TRACEABILITY.md: {untraced:?}"
    );
}

/// The golden cases, as JSON, with their file names.
fn cases() -> Vec<(String, serde_json::Value)> {
    let dir = root().join("guidelines/rps/cases");
    let mut out = Vec::new();
    for entry in std::fs::read_dir(&dir).expect("cases folder is readable") {
        let path = entry.expect("directory entry").path();
        if path.extension().and_then(|e| e.to_str()) != Some("json") {
            continue;
        }
        let text = std::fs::read_to_string(&path).expect("case is readable");
        let json: serde_json::Value = serde_json::from_str(&text)
            .unwrap_or_else(|e| panic!("{} is not valid JSON: {e}", path.display()));
        out.push((
            path.file_name().unwrap().to_string_lossy().to_string(),
            json,
        ));
    }
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

#[test]
fn golden_cases_use_the_guideline_vocabulary() {
    let parsed = parse();
    let names = names_of(&parsed.modules);
    let cases = cases();
    assert!(cases.len() >= 45, "only {} golden cases", cases.len());
    for (file, case) in &cases {
        let description = case["description"].as_str().unwrap_or_default();
        assert!(description.len() > 20, "{file}: needs a description");
        let facts = case["facts"].as_object().expect("facts object");
        for fact in facts.keys() {
            assert!(
                names.facts.contains(fact),
                "{file}: undeclared fact `{fact}`"
            );
        }
        let expect = &case["expect"];
        let recs = expect["recommendations"]
            .as_object()
            .expect("expected statuses");
        for (id, status) in recs {
            assert!(
                names.recs.contains(id),
                "{file}: unknown recommendation `{id}`"
            );
            let status = status.as_str().unwrap_or_default();
            assert!(
                ["applies", "not_applicable", "undetermined"].contains(&status),
                "{file}: bad status `{status}` for `{id}`"
            );
        }
        if let Some(derived) = expect.get("derived").and_then(|d| d.as_object()) {
            for name in derived.keys() {
                assert!(
                    names.defs.contains(name),
                    "{file}: unknown derived value `{name}`"
                );
            }
        }
        if let Some(missing) = expect.get("missing").and_then(|m| m.as_object()) {
            for (id, list) in missing {
                assert_eq!(
                    recs.get(id).and_then(|s| s.as_str()),
                    Some("undetermined"),
                    "{file}: `{id}`"
                );
                for fact in list.as_array().expect("missing list") {
                    let fact = fact.as_str().unwrap_or_default();
                    assert!(names.facts.contains(fact), "{file}: missing names `{fact}`");
                    assert!(
                        !facts.contains_key(fact) || facts[fact].is_null(),
                        "{file}: `{fact}` is given"
                    );
                }
            }
        }
    }
}

#[test]
fn golden_cases_make_every_recommendation_apply_and_not_apply() {
    let parsed = parse();
    let names = names_of(&parsed.modules);
    let cases = cases();
    for rec in &names.recs {
        for status in ["applies", "not_applicable", "undetermined"] {
            let reached = cases
                .iter()
                .any(|(_, c)| c["expect"]["recommendations"][rec.as_str()] == status);
            assert!(reached, "no golden case expects `{rec}` to be {status}");
        }
    }
    for histology in [
        "well_differentiated_liposarcoma",
        "dedifferentiated_liposarcoma",
        "leiomyosarcoma",
        "solitary_fibrous_tumor",
        "undifferentiated_pleomorphic_sarcoma",
        "malignant_peripheral_nerve_sheath_tumor",
        "other",
    ] {
        assert!(
            cases
                .iter()
                .any(|(_, c)| c["facts"]["histology"] == histology),
            "{histology}"
        );
    }
    for margin in ["R0", "R1", "R2"] {
        assert!(
            cases
                .iter()
                .any(|(_, c)| c["facts"]["resection_margin"] == margin),
            "{margin}"
        );
    }
    for grade in 1..=3 {
        assert!(
            cases.iter().any(|(_, c)| c["facts"]["grade"] == grade),
            "grade {grade}"
        );
    }
}

#[test]
fn guideline_checks_without_errors_or_warnings() {
    let checked = match cairn::check::check(parse()) {
        Ok(checked) => checked,
        Err(failed) => panic!("{}", failed.diagnostics.render(&failed.sources, 100)),
    };
    let rendered = checked.warnings.render(&checked.sources, 100);
    assert_eq!(checked.warnings.warning_count(), 0, "{rendered}");
    assert_eq!(checked.warnings.error_count(), 0, "{rendered}");
    assert_eq!(checked.model.meta.status, "active");
    assert_eq!(
        checked.model.meta.source_date.as_deref(),
        Some("2024-01-23")
    );
    assert_eq!(
        checked.model.meta.last_reviewed.as_deref(),
        Some("2026-11-28")
    );
    let rec = |id: &str| {
        let r = checked.model.rec(id).unwrap();
        &checked.model.recs[r.0 as usize]
    };
    // The document grades exactly these three statements, all 2C; it
    // grades surveillance only after an R0/R1 resection.
    for id in ["preoperative_rt", "re_resection"] {
        let grade = rec(id).strength.as_ref().map(|g| g.to_string());
        assert_eq!(grade.as_deref(), Some("2C"), "{id}");
    }
    let surveillance = rec("surveillance");
    assert_eq!(surveillance.strength, None);
    let grades: Vec<Option<String>> = surveillance
        .varies
        .strength
        .as_ref()
        .expect("a strength per case")
        .values()
        .map(|g| g.as_ref().map(|g| g.to_string()))
        .collect();
    assert_eq!(grades, vec![Some("2C".to_string()), None]);
    let kinds: Vec<&str> = surveillance
        .varies
        .kind
        .as_ref()
        .expect("a kind per case")
        .values()
        .map(|k| k.keyword())
        .collect();
    assert_eq!(kinds, vec!["suggest", "option"]);
    let graded = checked
        .model
        .recs
        .iter()
        .filter(|r| r.strength.is_some() || r.varies.strength.is_some())
        .count();
    assert_eq!(graded, 3);
    let constraints: Vec<&str> = checked
        .model
        .constraints
        .iter()
        .map(|c| c.name.as_str())
        .collect();
    assert_eq!(
        constraints,
        vec![
            "severe_symptoms_are_symptoms",
            "dose_escalation_trial_is_a_trial"
        ]
    );
}

#[test]
fn golden_cases_pass_with_full_coverage() {
    let options = cairn::testing::runner::Options {
        coverage: true,
        min_coverage: Some(95.0),
        width: 100,
        filter: None,
    };
    let report = cairn::testing::runner::run(&[root().join("guidelines/rps/cases")], &options);
    let failures: Vec<String> = report
        .cases
        .iter()
        .filter(|c| !c.ok)
        .map(|c| format!("{}\n{}", c.file, c.detail))
        .collect();
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(report.passed >= 45, "only {} cases passed", report.passed);
    assert!(
        report.success(),
        "coverage below 95% or unreadable cases: {:?}",
        report.io_errors
    );
    let coverage = report.coverage.first().expect("coverage measured");
    for rec in &coverage.recommendations {
        assert!(
            rec.reached.yes && rec.reached.no,
            "`{}` does not both apply and not apply",
            rec.id
        );
    }
}

#[test]
fn guideline_is_in_canonical_format() {
    let path = root().join(GUIDELINE);
    let text = std::fs::read_to_string(&path).expect("guideline file is readable");
    let diff = match cairn::format::check_formatted(GUIDELINE, &text) {
        Ok(diff) => diff,
        Err(failed) => panic!("{}", failed.diagnostics.render(&failed.sources, 100)),
    };
    assert!(
        diff.is_none(),
        "{GUIDELINE} is not formatted:\n{}",
        diff.unwrap_or_default()
    );
}

/// Runs a golden case of the guideline and returns its outcome as JSON.
fn outcome_of(checked: &cairn::check::Checked, file: &str) -> serde_json::Value {
    let path = root().join("guidelines/rps/cases").join(file);
    let text = std::fs::read_to_string(&path).expect("golden case is readable");
    let case = match cairn::load_case(checked, file, &text) {
        Ok(c) => c,
        Err(f) => panic!("{}", f.diagnostics.render(&f.sources, 100)),
    };
    let out = cairn::Program::new(checked).evaluate(&case.case, cairn::Options::default());
    serde_json::to_value(out).unwrap()
}

fn rec_of<'a>(out: &'a serde_json::Value, id: &str) -> &'a serde_json::Value {
    out["recommendations"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == id)
        .unwrap_or_else(|| panic!("no `{id}`"))
}

/// The texts of a field (`notes`, `rationale`) joined, for searching.
fn texts(rec: &serde_json::Value, field: &str) -> String {
    rec[field]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t.as_str().unwrap())
        .collect::<Vec<_>>()
        .join("\n")
}

/// What golden cases cannot state (strength, kind, texts, dates), checked
/// on the cases named after the fixes of issue 12.
#[test]
fn golden_cases_show_the_document_grading_and_texts() {
    let checked = cairn::check::check(parse()).expect("the guideline checks");
    // A strength and kind per margin: 2C after R0/R1, ungraded after R2.
    let r = rec_of(
        &outcome_of(&checked, "post_r1_surveillance_graded_2c.json"),
        "surveillance",
    )
    .clone();
    assert_eq!(
        (r["kind"].as_str(), r["strength"].as_str()),
        (Some("suggest"), Some("2C"))
    );
    let out = outcome_of(
        &checked,
        "post_r2_ineligible_surveillance_ungraded_option.json",
    );
    let r = rec_of(&out, "surveillance");
    assert_eq!(
        (r["kind"].as_str(), r["strength"].as_str()),
        (Some("option"), None)
    );
    // Decided without the margin; its grading waits for it.
    let out = outcome_of(
        &checked,
        "post_margin_unknown_ineligible_surveillance_decided.json",
    );
    let r = rec_of(&out, "surveillance");
    assert_eq!(r["status"], "applies");
    assert_eq!(
        r["grading_missing"],
        serde_json::json!(["resection_margin"])
    );
    // No treatment on a presumed histology; what to do instead.
    let out = outcome_of(
        &checked,
        "unconfirmed_diagnosis_presumed_wdlps_confirm_first.json",
    );
    let r = rec_of(&out, "confirm_pathologic_diagnosis");
    assert_eq!(
        (r["status"].as_str(), r["kind"].as_str()),
        (Some("applies"), Some("refer"))
    );
    assert!(r["statement"]
        .as_str()
        .unwrap()
        .contains("sarcoma center of excellence"));
    // Grade 2 and toxicity notes in preoperative RT.
    let out = outcome_of(
        &checked,
        "resectable_ddlps_grade2_intermediate_grade_evidence_note.json",
    );
    let notes = texts(rec_of(&out, "preoperative_rt"), "notes");
    assert!(notes.contains("intermediate-grade (HR 1.21)"), "{notes}");
    let out = outcome_of(
        &checked,
        "resectable_wdlps_preoperative_rt_toxicity_note.json",
    );
    let notes = texts(rec_of(&out, "preoperative_rt"), "notes");
    assert!(notes.contains("lymphopenia (77 percent)"), "{notes}");
    // The hyperthermia trial: overall survival, resection rates, enrolment.
    let out = outcome_of(
        &checked,
        "resectable_hyperthermia_available_evidence_base.json",
    );
    let r = rec_of(&out, "regional_hyperthermia_chemotherapy");
    let rationale = texts(r, "rationale");
    assert!(
        rationale.contains("similar overall survival (59 versus 57 percent)"),
        "{rationale}"
    );
    assert!(
        rationale.contains("two-thirds of both groups"),
        "{rationale}"
    );
    assert!(texts(r, "notes").contains("grade 2 or 3 primary soft tissue sarcoma of 5 cm or more"));
    // The trial sentence has no reference.
    let out = outcome_of(
        &checked,
        "trial_available_enrollment_cites_no_reference.json",
    );
    assert_eq!(
        rec_of(&out, "clinical_trial_enrollment")["citations"],
        serde_json::json!([])
    );
    // The regimen check is about the dose.
    let out = outcome_of(
        &checked,
        "rt_plan_leiomyosarcoma_standard_dose_no_clear_role.json",
    );
    let statement = rec_of(&out, "rt_regimen_standard")["statement"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        statement.contains("This checks the dose only, not the indication"),
        "{statement}"
    );
    // The two leiomyosarcoma readings of the document.
    let out = outcome_of(
        &checked,
        "prognosis_leiomyosarcoma_survival_ranking_note.json",
    );
    let notes = texts(rec_of(&out, "prognosis"), "notes");
    assert!(
        notes.contains("45 percent for leiomyosarcoma against 30 percent"),
        "{notes}"
    );
    // Follow-up windows from a month-end resection date: no drift, no overlap.
    let out = outcome_of(
        &checked,
        "post_r0_month_end_resection_follow_up_windows.json",
    );
    let visits = out["schedules"][0]["visits"].as_array().unwrap();
    let window = |i: usize| {
        let v = &visits[i];
        (
            v["earliest"].as_str().unwrap(),
            v["latest"].as_str().unwrap(),
        )
    };
    assert_eq!(window(0), ("2024-04-30", "2024-07-30"));
    assert_eq!(window(1), ("2024-07-31", "2024-10-30"));
    assert_eq!(window(7).0, "2026-01-31");
    for pair in visits.windows(2) {
        let (a, b) = (&pair[0], &pair[1]);
        assert!(
            a["latest"].as_str() < b["earliest"].as_str(),
            "{a} overlaps {b}"
        );
    }
}

/// Facts that contradict each other are rejected when the case is loaded.
#[test]
fn contradictory_facts_are_rejected() {
    let checked = cairn::check::check(parse()).expect("the guideline checks");
    for (file, constraint) in [
        (
            "rps_severe_symptoms_not_symptomatic.json",
            "severe_symptoms_are_symptoms",
        ),
        (
            "rps_dose_escalation_trial_without_trial.json",
            "dose_escalation_trial_is_a_trial",
        ),
    ] {
        let path = root().join("tests/corpus/case").join(file);
        let text = std::fs::read_to_string(&path).unwrap();
        let failed = cairn::load_case(&checked, file, &text).unwrap_err();
        let diags = failed.diagnostics.to_json(&failed.sources);
        assert_eq!(diags.len(), 1, "{file}");
        assert_eq!(diags[0].code, "cairn::case::broken_constraint");
        assert!(
            diags[0].message.contains(constraint),
            "{}",
            diags[0].message
        );
        assert_eq!(diags[0].labels.len(), 2, "both facts are pointed at");
    }
}
