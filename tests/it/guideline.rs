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
    let strength = |id: &str| {
        let rec = checked
            .model
            .rec(id)
            .map(|r| &checked.model.recs[r.0 as usize]);
        rec.and_then(|r| r.strength).map(|g| g.to_string())
    };
    // The document grades exactly these three statements, all 2C.
    for id in ["preoperative_rt", "surveillance", "re_resection"] {
        assert_eq!(strength(id).as_deref(), Some("2C"), "{id}");
    }
    let graded = checked
        .model
        .recs
        .iter()
        .filter(|r| r.strength.is_some())
        .count();
    assert_eq!(graded, 3);
}

#[test]
fn golden_cases_pass_with_full_coverage() {
    let options = cairn::testing::runner::Options {
        coverage: true,
        min_coverage: Some(95.0),
        width: 100,
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
