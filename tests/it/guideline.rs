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
