//! Test modules, one per stage or tool.

mod absence;
mod analysis;
mod analysis_age;
mod analysis_branches;
mod analysis_chain;
mod analysis_space;
#[cfg(feature = "arrow")]
mod arrow_lib;
#[cfg(feature = "arrow")]
mod batch_arrow;
mod batch_cohort;
mod batch_csv;
mod batch_jsonl_rows;
mod case;
mod cervical;
mod check;
mod choices;
mod cli;
mod diff;
mod diff_random;
mod editors;
mod eval;
mod exact;
mod exact_grid;
mod fhir_binding;
mod fhir_extract;
mod fhir_extract_shipped;
mod fhir_guidance;
mod fhir_ndjson;
mod fhir_requirements;
mod fhir_roundtrip;
mod fhir_support;
mod fhirpath;
mod fhirpath_corpus;
mod fhirpath_limits;
mod format;
mod functions;
mod fuzz_replay;
mod grading;
mod guideline;
mod hardening_inputs;
mod hardening_lsp;
mod hardening_outputs;
mod hardening_values;
mod hostile;
mod list_count;
mod list_names;
mod lists;
mod lsp;
mod lsp_actions;
mod lsp_incremental;
mod note;
mod outcome_contract;
mod quantity_arith;
mod ranges;
mod reference;
mod report;
mod report_cli;
mod schedules;
mod semantics;
#[cfg(feature = "serve")]
mod serve;
mod syntax;
mod tables;
mod testing;
mod units;
mod vte;

use cairn::check::model::RecInfo;
use cairn::source::Span;
use cairn::syntax::ast::RecKind;

/// A recommendation with every optional part empty, for models built by
/// hand in tests.
pub fn blank_rec(id: &str, kind: RecKind) -> RecInfo {
    RecInfo {
        id: id.into(),
        kind,
        strength: None,
        varies: Default::default(),
        about: None,
        condition: None,
        section: None,
        statement: String::new(),
        rationale: vec![],
        alternatives: vec![],
        notes: vec![],
        details: vec![],
        schedule: None,
        cites: vec![],
        see: vec![],
        excludes: vec![],
        acknowledged: vec![],
        doc: vec![],
        span: Span::default(),
        decl_span: Span::default(),
    }
}

/// The codes of the errors checking `text` gives (empty: it checks), for
/// tests of the checker's diagnostics.
pub fn error_codes(text: &str) -> Vec<String> {
    use cairn::syntax::{parse_with, FsLoader};
    match cairn::check::check(parse_with("t.cairn", text, &FsLoader)) {
        Ok(_) => Vec::new(),
        Err(f) => f
            .diagnostics
            .reports
            .iter()
            .filter(|r| r.is_error())
            .map(|r| r.code())
            .collect(),
    }
}
mod check_folders;
mod cli_contract;
mod codes;
mod color;
mod completions;
mod diagnostics_cascade;
mod form_export;
mod graph;
mod machine_output;
mod trace;
mod undetermined_reason;
mod workflow;
