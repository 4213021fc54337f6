//! The clinician note, the default text of `cairn run`: snapshots of golden
//! cases (an empty case, a metastatic case, the quick-start case, a VTE
//! case) and the properties the note promises: provenance, no number that a
//! recommendation that does not apply withholds, one ranked ask-next list
//! with each fact once, why-not lines, readable references, a disclaimer.

use cairn::case::CaseFile;
use cairn::check::Checked;
use cairn::eval::render::{self, NoteInput};
use cairn::eval::Program;
use std::path::Path;
use std::process::Command;

const RPS: &str = "guidelines/rps/initial-management.cairn";
const VTE: &str = "guidelines/vte/diagnosis-treatment.cairn";
/// A fixed "now", so that snapshots do not depend on the clock.
const PRODUCED: &str = "2026-12-03 11:00 UTC";

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn checked(guideline: &str) -> Checked {
    let path = root().join(guideline);
    let text = std::fs::read_to_string(&path).expect("guideline file is readable");
    let parsed = cairn::syntax::parse_with(guideline, &text, &cairn::syntax::FsLoader);
    match cairn::check::check(parsed) {
        Ok(checked) => checked,
        Err(failed) => panic!("{}", failed.diagnostics.render(&failed.sources, 100)),
    }
}

/// The clinician note of case `name` with text `json`.
fn note_of(guideline: &str, name: &str, json: &str) -> String {
    let checked = checked(guideline);
    let case: CaseFile = match cairn::case::load(&checked, name, json) {
        Ok(c) => c,
        Err(f) => panic!("{}", f.diagnostics.render(&f.sources, 100)),
    };
    let program = Program::new(&checked);
    let mut scratch = program.scratch();
    let options = cairn::eval::Options { trace: false };
    let outcome = program.evaluate_with(&case.case, &mut scratch, options);
    let input = NoteInput {
        case: &case,
        produced: PRODUCED,
    };
    render::clinician(&outcome, &program, &mut scratch, &input)
}

/// The clinician note of a golden case file.
fn golden(guideline: &str, case: &str) -> String {
    let text = std::fs::read_to_string(root().join(case)).expect("case file is readable");
    note_of(guideline, case, &text)
}

/// The lines of the ask-next list that rank a fact (`  3. Label (`name`)…`).
fn ranked_facts(note: &str) -> Vec<String> {
    let Some(start) = note.find("What to ask next") else {
        return Vec::new();
    };
    let end = note[start..]
        .find("\nWhy not")
        .map_or(note.len(), |e| start + e);
    note[start..end]
        .lines()
        .filter_map(|l| {
            let (rank, rest) = l.trim_start().split_once(". ")?;
            rank.parse::<u32>().ok()?;
            let name = rest.split('`').nth(1)?;
            Some(name.to_string())
        })
        .collect()
}

#[test]
fn empty_case_asks_for_each_fact_once_ranked() {
    let note = note_of(RPS, "empty.json", "{}");
    let facts = ranked_facts(&note);
    let mut unique = facts.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(
        facts.len(),
        unique.len(),
        "a fact is asked twice: {facts:?}"
    );
    assert!(facts.len() >= 20, "{facts:?}");
    // The facts that decide most come first.
    assert_eq!(
        facts.first().map(String::as_str),
        Some("pathology_confirmed")
    );
    assert!(!note.contains("(unknown)"), "{note}");
    insta::assert_snapshot!(note);
}

#[test]
fn metastatic_note_withholds_the_prognosis_table_and_internal_state() {
    let note = golden(
        RPS,
        "guidelines/rps/cases/metastatic_wdlps_symptoms_unknown.json",
    );
    // `prognosis` does not apply: none of its numbers are shown.
    assert!(!note.contains("8-year"), "{note}");
    assert!(!note.contains("overall survival"), "{note}");
    assert!(!note.contains("primary_post_resection"), "{note}");
    assert!(!note.contains(" = "), "{note}");
    assert!(
        note.contains("[prognosis] not applicable: Phase of care is Before treatment (no resection yet); Distant metastases on staging imaging: yes"),
        "{note}"
    );
    insta::assert_snapshot!(note);
}

#[test]
fn quick_start_note_has_provenance_strength_in_words_and_references() {
    let note = golden(
        RPS,
        "guidelines/rps/cases/resectable_ddlps_grade2_preoperative_rt.json",
    );
    for part in [
        "Guideline: rps_initial_management version 1.0.0, status active",
        "(dated 2024-01-23)",
        "Last reviewed: 2026-11-28",
        "Case: guidelines/rps/cases/resectable_ddlps_grade2_preoperative_rt.json",
        "Produced: 2026-12-03 11:00 UTC",
        "Histologic subtype: Dedifferentiated liposarcoma",
        "Suggested (weak recommendation, low-quality evidence, 2C) [preoperative_rt]",
        "timing: 4 to 6 weeks after completion of preoperative RT",
        "see: Preoperative RT",
        "Salerno et al. 2021 [9]",
        "  [9] Salerno KE, Alektiar KM",
        "Decision support, not a substitute for clinical judgement",
    ] {
        assert!(note.contains(part), "missing `{part}` in\n{note}");
    }
    insta::assert_snapshot!(note);
}

#[test]
fn vte_note_shows_nice_wording_once_and_why_not() {
    let note = golden(VTE, "guidelines/vte/cases/treatment_active_cancer.json");
    assert!(
        note.contains("  * Consider [doac_in_active_cancer]"),
        "{note}"
    );
    assert!(
        note.contains("[apixaban_or_rivaroxaban] not applicable: Active cancer: yes"),
        "{note}"
    );
    insta::assert_snapshot!(note);
}

#[test]
fn unknown_placeholder_is_said_plainly() {
    let facts = r#"{"facts": {"presentation": "primary", "pathology_confirmed": true,
        "phase": "pretreatment", "distant_metastases": true}}"#;
    let note = note_of(RPS, "partial.json", facts);
    assert!(
        note.contains("Offer systemic therapy, selected based on tumor histology (not yet known: Histologic subtype)"),
        "{note}"
    );
    assert!(!note.contains("(unknown)"), "{note}");
}

#[test]
fn short_references_name_first_author_and_year() {
    use cairn::eval::render::short_reference as short;
    assert_eq!(
        short("Salerno KE, Alektiar KM, Baldini EH, et al. Radiation Therapy. Pract Radiat Oncol 2021; 11:339."),
        "Salerno et al. 2021"
    );
    assert_eq!(
        short("Kattan MW. Postoperative nomogram. J Clin Oncol 2002; 20:791."),
        "Kattan 2002"
    );
    assert_eq!(
        short("Postoperative sarcoma nomogram http://nomograms.mskcc.org/x.aspx (Accessed on January 06, 2012)."),
        "Postoperative sarcoma nomogram 2012"
    );
}

/// `cairn run` prints the clinician note by default, with "now" fixed by
/// `SOURCE_DATE_EPOCH`, and the full note with `--audience informaticist`.
#[test]
fn cli_default_is_the_clinician_note_and_audience_selects_the_full_one() {
    let run = |extra: &[&str]| {
        let out = Command::new(env!("CARGO_BIN_EXE_cairn"))
            .args(["run", RPS, "--case"])
            .arg("guidelines/rps/cases/metastatic_wdlps_symptoms_unknown.json")
            .args(extra)
            .env("SOURCE_DATE_EPOCH", "1796295600")
            .current_dir(root())
            .output()
            .expect("cairn runs");
        assert!(out.status.success());
        String::from_utf8(out.stdout).expect("UTF-8 output")
    };
    let clinician = run(&[]);
    assert!(
        clinician.contains("Produced: 2026-12-03 11:00 UTC"),
        "{clinician}"
    );
    assert!(clinician.contains("\nWhy not\n"), "{clinician}");
    assert!(
        !clinician.contains("eight_year_overall_survival"),
        "{clinician}"
    );
    let full = run(&["--audience", "informaticist"]);
    assert!(full.contains("eight_year_overall_survival"), "{full}");
    assert!(full.contains("Undetermined — ask for:"), "{full}");
}
