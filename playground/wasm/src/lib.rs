//! Playground glue: the Cairn library for the page, JSON strings both ways.
//!
//! Glue only: every answer comes from the library, in the forms the
//! command line prints. [`Playground::check`] parses (from memory, no
//! includes) and checks a guideline and answers its diagnostics as `cairn
//! check --error-format json` prints them, the same rendered without colour,
//! and the case form ([`cairn::case::form`]); [`Playground::run`] loads a
//! case and answers the outcome as `cairn run --format json` prints it, the
//! clinician note, the ask-next list, the trace and the flowcharts with the
//! patient's path (`cairn::graph::render`, SVG); [`Playground::export`]
//! writes the golden case ([`cairn::testing::golden`]).

use cairn::check::Checked;
use cairn::diagnostics::Diagnostics;
use cairn::eval::outcome::{TraceFilter, TraceView, DEFAULT_DEPTH};
use cairn::eval::{self, Program};
use cairn::graph;
use cairn::source::SourceMap;
use cairn::syntax::{self, Loader};
use serde_json::{json, Value};
use std::path::Path;
use wasm_bindgen::prelude::wasm_bindgen;

/// Width of rendered diagnostics, notes and traces, as on the command line.
const WIDTH: usize = 100;

/// The name cases are loaded under in diagnostics.
const CASE_NAME: &str = "case.json";

/// Reads no file: the page has only the guideline's own text.
struct NoIncludes;

impl Loader for NoIncludes {
    fn load(&self, path: &Path) -> std::io::Result<String> {
        Err(std::io::Error::new(
            std::io::ErrorKind::Unsupported,
            format!(
                "the playground reads no files, so `{}` cannot be included: paste its declarations into the guideline",
                path.display()
            ),
        ))
    }
}

/// A guideline being edited in the page: the last one that checked, with
/// its compiled program.
#[wasm_bindgen]
pub struct Playground {
    guideline: Option<(Checked, Program)>,
}

impl Default for Playground {
    fn default() -> Self {
        Self::new()
    }
}

#[wasm_bindgen]
impl Playground {
    /// A playground with no guideline yet.
    #[wasm_bindgen(constructor)]
    pub fn new() -> Playground {
        Playground { guideline: None }
    }

    /// Parses and checks `source` (shown as `name`): `{"ok", "diagnostics",
    /// "rendered", "form"}`. Once it checks, later runs use it; a guideline
    /// with errors keeps no program (`form` is `null`).
    pub fn check(&mut self, name: &str, source: &str) -> String {
        let parsed = syntax::parse_with(name, source, &NoIncludes);
        let (answer, guideline) = match cairn::check::check(parsed) {
            Ok(checked) => {
                let mut answer = diagnostics(&checked.warnings, &checked.sources);
                answer["ok"] = json!(true);
                answer["form"] = json!(cairn::case::form::form(&checked.model));
                let program = Program::new(&checked);
                (answer, Some((checked, program)))
            }
            Err(failed) => {
                let mut answer = diagnostics(&failed.diagnostics, &failed.sources);
                answer["ok"] = json!(false);
                answer["form"] = Value::Null;
                (answer, None)
            }
        };
        self.guideline = guideline;
        answer.to_string()
    }

    /// Runs the case `case_json` (a case file's text) against the checked
    /// guideline: `{"ok": true, "outcome", "note", "ask_next", "trace",
    /// "pictures": [{"id", "title", "svg"}]}`, or
    /// `{"ok": false, "diagnostics", "rendered"}` when the case does not load.
    /// `produced` is the time the note says it was produced; `trace` is a
    /// status word (`applies`, `undetermined`, `not_applicable`) or a
    /// recommendation id, as `cairn run --trace --only` takes.
    pub fn run(&self, case_json: &str, produced: &str, trace: &str) -> String {
        let Some((checked, program)) = &self.guideline else {
            return no_guideline();
        };
        let case_file = match load_case(checked, case_json) {
            Ok(c) => c,
            Err(answer) => return answer,
        };
        let mut scratch = program.scratch();
        let options = eval::Options { trace: true };
        let outcome = program.evaluate_with(&case_file.case, &mut scratch, options);
        let only = match trace {
            "undetermined" => TraceFilter::Undetermined,
            "not_applicable" => TraceFilter::NotApplicable,
            "" | "applies" => TraceFilter::Applies,
            id => TraceFilter::Step(id.to_string()),
        };
        let view = TraceView {
            only,
            depth: DEFAULT_DEPTH,
            full: false,
        };
        let trace = eval::outcome::trace_with(&outcome, checked, &view, WIDTH)
            .unwrap_or_else(|e| e.to_string());
        let input = eval::render::NoteInput {
            case: &case_file,
            produced,
        };
        let note = eval::render::clinician(&outcome, program, &mut scratch, &input);
        // The flowcharts with the patient's path, as `cairn graph --case
        // CASE --format svg` draws them (one per top-level section).
        let pictures = match graph::render(
            checked,
            Some(&outcome),
            &graph::Options::default(),
            graph::Format::Svg,
        ) {
            Ok(pictures) => pictures
                .into_iter()
                .map(|p| json!({ "id": p.id, "title": p.title, "svg": p.text }))
                .collect(),
            Err(e) => vec![json!({ "id": "error", "title": e.to_string(), "svg": Value::Null })],
        };
        json!({
            "ok": true,
            "outcome": outcome,
            "note": note,
            "ask_next": eval::render::ask_next(&outcome, &checked.model),
            "trace": trace,
            "pictures": pictures,
        })
        .to_string()
    }

    /// The golden case of `case_json` with the statuses the guideline gives
    /// it (`{"ok": true, "text"}`), for `cairn test` beside a guideline
    /// file named `guideline_file`; or the case's diagnostics.
    pub fn export(&self, case_json: &str, description: &str, guideline_file: &str) -> String {
        let Some((checked, program)) = &self.guideline else {
            return no_guideline();
        };
        let case_file = match load_case(checked, case_json) {
            Ok(c) => c,
            Err(answer) => return answer,
        };
        let facts = match serde_json::from_str::<Value>(case_json) {
            Ok(Value::Object(mut case)) => match case.remove("facts") {
                Some(Value::Object(facts)) => facts,
                _ => serde_json::Map::new(),
            },
            _ => serde_json::Map::new(),
        };
        let outcome = program.evaluate(&case_file.case, eval::Options::default());
        let guideline = format!("../{guideline_file}");
        let input = cairn::testing::golden::GoldenInput {
            name: None,
            description: Some(description).filter(|d| !d.is_empty()),
            guideline: Some(guideline.as_str()).filter(|_| !guideline_file.is_empty()),
            facts: &facts,
        };
        match cairn::testing::golden::golden_case(&checked.model, &input, &outcome) {
            Ok(text) => json!({ "ok": true, "text": text }).to_string(),
            Err(e) => {
                json!({ "ok": false, "diagnostics": [], "rendered": e.to_string() }).to_string()
            }
        }
    }
}

/// Diagnostics as `cairn check --error-format json` prints them, and
/// rendered as `cairn check` draws them without colour.
fn diagnostics(diagnostics: &Diagnostics, sources: &SourceMap) -> Value {
    json!({
        "diagnostics": diagnostics.to_json(sources),
        "rendered": diagnostics.render_styled(sources, WIDTH, false),
    })
}

/// Loads the page's case, or the answer that gives its diagnostics.
fn load_case(checked: &Checked, case_json: &str) -> Result<cairn::CaseFile, String> {
    cairn::load_case(checked, CASE_NAME, case_json).map_err(|failed| {
        let mut answer = diagnostics(&failed.diagnostics, &failed.sources);
        answer["ok"] = json!(false);
        answer.to_string()
    })
}

/// The answer to a run before any guideline checked.
fn no_guideline() -> String {
    json!({
        "ok": false,
        "diagnostics": [],
        "rendered": "the guideline has errors: fix them to run a case",
    })
    .to_string()
}
